//! Values crossing the boundary between the host and wasm.

use crate::prelude::*;
use core::any::Any;

use crate::index::{ExnRefId, ExternRefId};
use crate::types::HeapType;
use crate::vm::{exnref_cell, exnref_of_cell, FuncRef};
use crate::{AsContext, AsContextMut, Func, Store, Tag, ValType};

/// A reference to a host value, owned by a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store_id: u64,
    pub(crate) index: ExternRefId,
}

impl ExternRef {
    /// Puts `value` in the store and returns a reference to it.
    pub fn new<S: AsContextMut>(mut store: S, value: impl Any + Send + Sync) -> ExternRef {
        let store = store.as_context_mut();
        let index = store.inner.push_extern(Box::new(value));
        ExternRef {
            store_id: store.inner.id(),
            index,
        }
    }

    /// The cell of an `externref` value that is this reference: its index plus one.
    pub(crate) fn to_cell(self) -> u64 {
        u64::from(self.index.as_u32()) + 1
    }

    /// The reference an `externref` cell of store `store_id` holds; `None` for null.
    pub(crate) fn from_cell(store_id: u64, cell: u64) -> Option<ExternRef> {
        (cell != 0).then(|| ExternRef {
            store_id,
            index: ExternRefId::from_u32((cell - 1) as u32),
        })
    }

    /// The host value.
    ///
    /// # Panics
    ///
    /// If the reference belongs to another store.
    pub fn data<'a, T: 'a>(&self, store: &'a Store<T>) -> &'a (dyn Any + Send + Sync) {
        store.check_id(self.store_id);
        store.inner.extern_value(self.index)
    }
}

/// A reference to an exception (exception handling), owned by a store: what
/// `catch_ref` gives wasm and what a host function throws (see [`Trap::throw`]).
///
/// [`Trap::throw`]: crate::Trap::throw
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExnRef {
    pub(crate) store_id: u64,
    pub(crate) index: ExnRefId,
}

impl ExnRef {
    /// A new exception of `tag` carrying `values`, for a host function to throw.
    ///
    /// # Errors
    ///
    /// [`Error::Type`](crate::Error::Type) when the values do not match the tag's
    /// parameters, in number or type.
    ///
    /// # Panics
    ///
    /// If the tag or a reference among the values belongs to another store.
    pub fn new<S: AsContextMut>(mut store: S, tag: &Tag, values: &[Val]) -> crate::Result<ExnRef> {
        let store = store.as_context_mut();
        store.check_id(tag.store_id);
        let store_id = store.inner.id();
        let ty = store.inner.tag_type(tag.id);
        let params = ty.params();
        if values.len() != params.len()
            || !values
                .iter()
                .zip(params)
                .all(|(v, &t)| v.matches(store_id, t))
        {
            return Err(crate::Error::Type(format!(
                "the values of an exception of tag type {ty} do not match it"
            )));
        }
        let mut cells = vec![0u64; params.iter().map(|t| t.cells() as usize).sum()];
        let mut at = 0;
        for (value, param) in values.iter().zip(params) {
            value.to_cells_checked(store_id, &mut cells[at..]);
            at += param.cells() as usize;
        }
        let exceptions = store.inner.exceptions_mut();
        let index = exceptions.alloc(tag.id, cells.into_boxed_slice());
        exceptions.expose(index);
        Ok(ExnRef { store_id, index })
    }

    /// The exception's tag.
    ///
    /// # Panics
    ///
    /// If the exception belongs to another store.
    pub fn tag<S: AsContext>(&self, store: S) -> Tag {
        let store = store.as_context();
        store.check_id(self.store_id);
        Tag {
            store_id: self.store_id,
            id: store.inner.exceptions().get(self.index).tag(),
        }
    }

    /// The values the exception carries, of its tag's parameter types.
    ///
    /// # Panics
    ///
    /// If the exception belongs to another store.
    pub fn values<S: AsContext>(&self, store: S) -> Vec<Val> {
        let store = store.as_context();
        store.check_id(self.store_id);
        let object = store.inner.exceptions().get(self.index);
        let ty = store.inner.tag_type(object.tag());
        let mut at = 0;
        ty.params()
            .iter()
            .map(|&t| {
                let value = Val::from_cells(self.store_id, t, &object.cells()[at..]);
                at += t.cells() as usize;
                value
            })
            .collect()
    }

    pub(crate) fn to_cell(self) -> u64 {
        exnref_cell(self.index)
    }

    pub(crate) fn from_cell(store_id: u64, cell: u64) -> Option<ExnRef> {
        exnref_of_cell(cell).map(|index| ExnRef { store_id, index })
    }
}

impl crate::Trap {
    /// The trap that throws `exception` as a wasm exception: a host function that
    /// returns it throws, and wasm may catch it. Uncaught, it reaches the embedder as
    /// a trap of kind [`TrapKind::Exception`](crate::TrapKind::Exception).
    pub fn throw(exception: ExnRef) -> crate::Trap {
        crate::Trap::exception_of(exception.store_id, exception.index)
    }

    /// The exception of a trap of kind [`TrapKind::Exception`](crate::TrapKind::Exception):
    /// its tag and values are read with [`ExnRef::tag`] and [`ExnRef::values`].
    pub fn exception(&self) -> Option<ExnRef> {
        let (store_id, index) = self.exception_id()?;
        Some(ExnRef { store_id, index })
    }
}

/// A `v128` value for typed functions ([`Func::wrap`], [`TypedFunc`](crate::TypedFunc)):
/// its 128 bits, lane 0 in the lowest bits, as in [`Val::V128`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V128(u128);

impl V128 {
    /// The vector with these bits.
    pub const fn new(bits: u128) -> V128 {
        V128(bits)
    }

    /// The vector's bits.
    pub const fn bits(self) -> u128 {
        self.0
    }
}

impl From<u128> for V128 {
    fn from(bits: u128) -> V128 {
        V128(bits)
    }
}

impl From<V128> for u128 {
    fn from(v: V128) -> u128 {
        v.0
    }
}

/// A WebAssembly value.
#[derive(Debug, Clone, Copy)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits (NaN payloads are kept exactly).
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A `funcref`.
    FuncRef(Option<Func>),
    /// An `externref`.
    ExternRef(Option<ExternRef>),
    /// An `exnref`.
    ExnRef(Option<ExnRef>),
}

impl Val {
    /// The value's type; for a reference, the nullable type of its kind (`funcref`
    /// or `externref`), whatever function it refers to.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::EXNREF,
        }
    }

    /// Whether this value may be written where type `ty` is expected, in the store
    /// with id `store_id`: a reference to a function of another store never matches a
    /// typed function reference.
    pub(crate) fn matches(&self, store_id: u64, ty: ValType) -> bool {
        match (self, ty) {
            (Val::FuncRef(None), ValType::Ref(r)) => {
                r.is_nullable() && matches!(r.heap(), HeapType::Func | HeapType::Concrete(_))
            }
            (Val::ExnRef(e), ValType::Ref(r)) => {
                r.heap() == HeapType::Exn && (e.is_some() || r.is_nullable())
            }
            (Val::ExternRef(None), ValType::Ref(r)) => {
                r.is_nullable() && r.heap() == HeapType::Extern
            }
            (Val::FuncRef(Some(f)), ValType::Ref(r)) => match r.heap() {
                HeapType::Func => true,
                HeapType::Extern | HeapType::Exn => false,
                HeapType::Concrete(id) => {
                    f.store_id == store_id
                        // SAFETY: the function belongs to the store with id `store_id`,
                        // which the caller holds, so its `VMFuncRef` is alive.
                        && unsafe { f.funcref.get() }.type_id == id.0
                }
            },
            (Val::ExternRef(Some(_)), ValType::Ref(r)) => r.heap() == HeapType::Extern,
            _ => self.ty() == ty,
        }
    }

    /// The zero value of `ty` (null for references, non-nullable ones included).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) if r.heap() == HeapType::Extern => Val::ExternRef(None),
            ValType::Ref(r) if r.heap() == HeapType::Exn => Val::ExnRef(None),
            ValType::Ref(_) => Val::FuncRef(None),
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match *self {
            Val::I32(v) => Some(v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match *self {
            Val::I64(v) => Some(v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match *self {
            Val::F32(v) => Some(f32::from_bits(v)),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match *self {
            Val::F64(v) => Some(f64::from_bits(v)),
            _ => None,
        }
    }

    /// The `v128` bits, if this is one.
    pub fn v128(&self) -> Option<u128> {
        match *self {
            Val::V128(v) => Some(v),
            _ => None,
        }
    }

    /// The function reference, if this is a `funcref`.
    pub fn funcref(&self) -> Option<Option<Func>> {
        match *self {
            Val::FuncRef(v) => Some(v),
            _ => None,
        }
    }

    /// The extern reference, if this is an `externref`.
    pub fn externref(&self) -> Option<Option<ExternRef>> {
        match *self {
            Val::ExternRef(v) => Some(v),
            _ => None,
        }
    }

    /// The exception reference, if this is an `exnref`.
    pub fn exnref(&self) -> Option<Option<ExnRef>> {
        match *self {
            Val::ExnRef(v) => Some(v),
            _ => None,
        }
    }

    /// Writes the value's cells (one, or two for a `v128`); false when the value is a
    /// reference owned by another store than `store_id`.
    pub(crate) fn to_cells(self, store_id: u64, out: &mut [u64]) -> bool {
        let mut own = true;
        out[0] = match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::V128(v) => {
                out[1] = (v >> 64) as u64;
                v as u64
            }
            Val::FuncRef(f) => f.map_or(0, |f| {
                own = f.store_id == store_id;
                f.funcref.to_cell()
            }),
            Val::ExternRef(e) => e.map_or(0, |e| {
                own = e.store_id == store_id;
                e.to_cell()
            }),
            Val::ExnRef(e) => e.map_or(0, |e| {
                own = e.store_id == store_id;
                e.to_cell()
            }),
        };
        own
    }

    /// As [`Val::to_cells`], panicking on a reference from another store.
    pub(crate) fn to_cells_checked(self, store_id: u64, out: &mut [u64]) {
        assert!(
            self.to_cells(store_id, out),
            "a ward object was used with a store other than the one that owns it"
        );
    }

    /// Reads a value of type `ty` from its cells.
    pub(crate) fn from_cells(store_id: u64, ty: ValType, cells: &[u64]) -> Val {
        let c = cells[0];
        match ty {
            ValType::I32 => Val::I32(c as u32 as i32),
            ValType::I64 => Val::I64(c as i64),
            ValType::F32 => Val::F32(c as u32),
            ValType::F64 => Val::F64(c),
            ValType::V128 => Val::V128((cells[1] as u128) << 64 | c as u128),
            ValType::Ref(r) if r.heap() == HeapType::Extern => {
                Val::ExternRef(ExternRef::from_cell(store_id, c))
            }
            ValType::Ref(r) if r.heap() == HeapType::Exn => {
                Val::ExnRef(ExnRef::from_cell(store_id, c))
            }
            ValType::Ref(_) => {
                Val::FuncRef(FuncRef::from_cell(c).map(|funcref| Func { store_id, funcref }))
            }
        }
    }

    /// The value as a single 128-bit pattern of its cells (for globals).
    pub(crate) fn to_bits(self, store_id: u64) -> u128 {
        let mut cells = [0u64; 2];
        self.to_cells_checked(store_id, &mut cells);
        (cells[1] as u128) << 64 | cells[0] as u128
    }

    pub(crate) fn from_bits(store_id: u64, ty: ValType, bits: u128) -> Val {
        Val::from_cells(store_id, ty, &[bits as u64, (bits >> 64) as u64])
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

impl From<V128> for Val {
    fn from(v: V128) -> Val {
        Val::V128(v.bits())
    }
}

impl From<Func> for Val {
    fn from(f: Func) -> Val {
        Val::FuncRef(Some(f))
    }
}
