//! Functions: calling them from the host, and making host functions.
//!
//! # How values are passed
//!
//! Every call between the host and wasm passes its values in place, in a *window* of
//! the store's wasm stack: the params are written there, the callee reads them there
//! and writes its results over them, from the window's first cell. The window is
//! `max(param cells, result cells)` long. Each value takes 64-bit cells in order:
//!
//! | type | cells |
//! |------|-------|
//! | `i32`, `f32` | 1: the 32 bits, zero-extended (floats as their bits, NaN payloads kept) |
//! | `i64`, `f64` | 1 |
//! | `funcref` | 1: 0 for null, else the address of the function's reference (see `vm::vmctx`) |
//! | `externref` | 1: 0 for null, else the host value's index in its store plus one |
//! | `v128` | 2: the low 64 bits (lane 0 upwards), then the high 64 bits |
//!
//! - **wasm to host.** The caller's arguments already sit in consecutive slots of its
//!   frame (the translator puts them there for any call), and that span *is* the host
//!   function's window. ward checks the window fits in the wasm stack, then hands it to
//!   the host function as `&mut [u64]`: no argument buffer, no copy, whatever the number
//!   of params (a signature of 100 params or of 8 `v128` + 8 `f64` + 8 `i64` is passed
//!   exactly like one of two). A [`Func::wrap`] closure lifts each param straight from
//!   its cells into a Rust value and lowers its results straight into the window:
//!   the call allocates nothing. A [`Func::new`] function sees its params as a slice of
//!   [`Val`]s, which it builds (and its results) in two vectors per call.
//! - **host to wasm.** [`TypedFunc::call`] writes the params into a window at the top
//!   of the wasm stack, and the callee's frame starts there, so wasm reads them as its
//!   first locals; the results are read back from the same cells. [`Func::call`] does
//!   the same from a slice of [`Val`]s.
//!
//! Host functions may call back into wasm: that activation runs above the window.

use crate::prelude::*;
use alloc::sync::Arc;
use core::marker::PhantomData;

use crate::api::store::HostFn;
use crate::error::{Error, Result, Trap, TrapKind};
use crate::vm::FuncRef;
use crate::{AsContext, AsContextMut, Caller, ExternRef, FuncType, Store, Val, ValType, V128};

/// A function of a store: defined by a wasm instance or by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store_id: u64,
    /// The function's reference, valid while its store lives.
    pub(crate) funcref: FuncRef,
}

impl Func {
    /// A host function with a dynamic signature: it receives the params as values and
    /// fills in the results, which start as zeros of the result types.
    pub fn new<S: AsContextMut>(
        mut store: S,
        ty: FuncType,
        f: impl Fn(Caller<'_, S::Data>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        let store = store.as_context_mut();
        let host = untyped_host(ty.clone(), f);
        store.add_host_func(ty, host)
    }

    /// A host function from a Rust closure, whose parameter and result types give the
    /// function's type. The closure may take a [`Caller`] first, and may return `()`, a
    /// value, a tuple of values, or a `Result` of those with a [`Trap`].
    ///
    /// Value types: `i32`/`u32` for `i32`, `i64`/`u64` for `i64`, `f32`, `f64`, [`V128`]
    /// for `v128`, `Option<Func>` for `funcref` and `Option<ExternRef>` for `externref`;
    /// up to 32 params and 32 results. Calls of such a function allocate nothing: params
    /// and results travel in place in the wasm stack, one 64-bit cell per value and two
    /// per `v128`.
    pub fn wrap<S: AsContextMut, Params, Results>(
        mut store: S,
        f: impl IntoFunc<S::Data, Params, Results>,
    ) -> Func {
        let store = store.as_context_mut();
        let (ty, host) = f.into_func();
        store.add_host_func(ty, host)
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        self.ty_ref(store.as_context()).clone()
    }

    /// The function's type, borrowed from its store.
    ///
    /// # Panics
    ///
    /// When the function belongs to another store.
    pub(crate) fn ty_ref<'a, T>(&self, store: &'a Store<T>) -> &'a FuncType {
        store.check_id(self.store_id);
        // SAFETY: the function belongs to `store` (checked), which is alive for `'a`.
        unsafe { self.funcref.get().ty() }
    }

    /// Calls the function with `params`, writing its results to `results`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when the params do not match the function's type or `results`
    /// has the wrong length; [`Error::Trap`] when execution traps.
    ///
    /// # Panics
    ///
    /// When the function or a reference among the params belongs to another store.
    #[inline(always)]
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = store.as_context_mut();
        // First, before this call uses any stack of its own (see `stack`).
        if let Err(trap) = store.inner.check_entry() {
            return Err(Error::Trap(trap));
        }
        self.call_checked(store, params, results)
    }

    fn call_checked<T>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let ty = self.ty_ref(store).clone();
        let id = store.inner.id();
        if params.len() != ty.params().len()
            || params
                .iter()
                .zip(ty.params())
                .any(|(p, &t)| !p.matches(id, t))
        {
            let got: Vec<String> = params.iter().map(|p| p.ty().to_string()).collect();
            return Err(Error::Type(format!(
                "argument type mismatch: the function is {ty}, the arguments are ({})",
                got.join(" ")
            )));
        }
        if results.len() != ty.results().len() {
            return Err(Error::Type(format!(
                "result count mismatch: the function is {ty}, {} results were asked for",
                results.len()
            )));
        }
        let base = store.reserve(ty.param_cells().max(ty.result_cells()))?;
        {
            let window = store.window(base, ty.param_cells());
            let mut at = 0;
            for p in params {
                p.to_cells_checked(id, &mut window[at..]);
                at += p.ty().cells() as usize;
            }
        }
        crate::exec::invoke(store, self.funcref, base)?;
        let window = store.window(base, ty.result_cells());
        let mut at = 0;
        for (r, t) in results.iter_mut().zip(ty.results()) {
            *r = Val::from_cells(id, *t, &window[at..]);
            at += t.cells() as usize;
        }
        Ok(())
    }

    /// This function with static types.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when `Params` are not the function's parameter types, or its
    /// results are not of `Results` types or their subtypes.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>> {
        let ty = self.ty(store);
        let mut params = Vec::new();
        Params::push_types(&mut params);
        let mut results = Vec::new();
        Results::push_types(&mut results);
        // A result may be read as a supertype (`(ref $t)` as `Option<Func>`); a
        // parameter must be exactly the function's, since the view would let any
        // function of the Rust type through.
        let results_fit = results.len() == ty.results().len()
            && ty
                .results()
                .iter()
                .zip(&results)
                .all(|(&r, &v)| r.matches(v));
        if params != ty.params() || !results_fit {
            return Err(Error::Type(format!(
                "type mismatch: the function is {ty}, the typed view is {}",
                FuncType::new(params, results)
            )));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

impl<T> Store<T> {
    pub(crate) fn add_host_func(&mut self, ty: FuncType, host: HostFn<T>) -> Func {
        let type_id = self.inner.engine().intern_type(&ty);
        let wasm_call = host_trampoline(self.inner.engine(), &ty, type_id);
        let funcref = self.inner.push_host_func(ty, type_id, wasm_call);
        self.push_host(host);
        Func {
            store_id: self.inner.id(),
            funcref,
        }
    }

    /// Reserves `cells` cells of the wasm stack for a call from the host; returns the
    /// first cell's index.
    fn reserve(&mut self, cells: u32) -> Result<usize, Trap> {
        let stack = self.inner.wasm_stack();
        let base = stack.top();
        if base + cells as usize > stack.capacity() {
            return Err(Trap::from_kind(TrapKind::StackOverflow));
        }
        Ok(base)
    }

    /// The `len` cells of the wasm stack from `base` (within a reservation).
    fn window(&mut self, base: usize, len: u32) -> &mut [u64] {
        let cells = self.inner.wasm_stack_mut().base();
        // SAFETY: `reserve` checked that `base + len` is within the stack; the borrow of
        // `self` keeps anything else from touching the cells meanwhile.
        unsafe { core::slice::from_raw_parts_mut(cells.add(base), len as usize) }
    }
}

/// The trampoline through which compiled code calls a host function of type `ty`,
/// where the engine compiles code; null where it does not.
#[cfg(feature = "cranelift")]
fn host_trampoline(
    engine: &crate::Engine,
    ty: &FuncType,
    id: crate::index::SharedTypeId,
) -> *const u8 {
    if engine.config().get_strategy() == crate::Strategy::Interpreter {
        return core::ptr::null();
    }
    // One of the engine's modules may have brought it (an artifact brings its types').
    if let Some(address) = engine.cached_host_trampoline(id) {
        return address as *const u8;
    }
    if !crate::compile::available() {
        return core::ptr::null();
    }
    // A trampoline is a few dozen instructions built from the type alone; failing to
    // compile one is a bug in ward, not a condition of the input.
    crate::compile::host_trampoline(engine, ty, id)
        .unwrap_or_else(|e| panic!("the trampoline of {ty} does not compile: {e}")) as *const u8
}

#[cfg(not(feature = "cranelift"))]
fn host_trampoline(_: &crate::Engine, _: &FuncType, _: crate::index::SharedTypeId) -> *const u8 {
    core::ptr::null()
}

pub(crate) fn untyped_host<T>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
) -> HostFn<T> {
    Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
        let id = caller.as_context().inner.id();
        let mut at = 0;
        let params: Vec<Val> = ty
            .params()
            .iter()
            .map(|&t| {
                let v = Val::from_cells(id, t, &cells[at..]);
                at += t.cells() as usize;
                v
            })
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
        f(caller, &params, &mut results)?;
        let mut at = 0;
        for (r, &t) in results.iter().zip(ty.results()) {
            if !r.matches(id, t) {
                return Err(Trap::new(format!(
                    "host function returned a {} where its type says {t}",
                    r.ty()
                )));
            }
            if !r.to_cells(id, &mut cells[at..]) {
                return Err(Trap::new(
                    "host function returned a reference from another store",
                ));
            }
            at += t.cells() as usize;
        }
        Ok(())
    })
}

/// A function with static parameter and result types: calls skip the dynamic checks.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Calls the function.
    ///
    /// # Errors
    ///
    /// [`Error::Trap`] when execution traps.
    #[inline(always)]
    pub fn call(&self, mut store: impl AsContextMut, params: Params) -> Result<Results> {
        let store = store.as_context_mut();
        // First, before this call uses any stack of its own (see `stack`).
        if let Err(trap) = store.inner.check_entry() {
            return Err(Error::Trap(trap));
        }
        self.call_checked(store, params)
    }

    fn call_checked<T>(&self, store: &mut Store<T>, params: Params) -> Result<Results> {
        store.check_id(self.func.store_id);
        let id = store.inner.id();
        let base = store.reserve(Params::CELLS.max(Results::CELLS) as u32)?;
        if !params.write(id, store.window(base, Params::CELLS as u32)) {
            return Err(Error::Type(
                "a reference argument belongs to another store".into(),
            ));
        }
        crate::exec::invoke(store, self.func.funcref, base)?;
        Ok(Results::read(id, store.window(base, Results::CELLS as u32)))
    }

    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }
}

/// A Rust type that stands for a wasm value type.
pub trait WasmTy: Copy + Send + Sync + 'static {
    /// The 64-bit cells a value takes in a frame: 1, or 2 for a `v128`.
    #[doc(hidden)]
    const CELLS: usize;
    /// The wasm type.
    fn valtype() -> ValType;
    /// Lowers the value to its cells; false for a reference from another store.
    #[doc(hidden)]
    fn to_cells(self, store_id: u64, cells: &mut [u64]) -> bool;
    /// Lifts the value from its cells.
    #[doc(hidden)]
    fn from_cells(store_id: u64, cells: &[u64]) -> Self;
}

macro_rules! wasm_ty_num {
    ($($t:ty => $vt:ident, |$v:ident| $to:expr, |$c:ident| $from:expr;)*) => {$(
        impl WasmTy for $t {
            const CELLS: usize = 1;
            fn valtype() -> ValType {
                ValType::$vt
            }
            #[inline]
            fn to_cells(self, _: u64, cells: &mut [u64]) -> bool {
                let $v = self;
                cells[0] = $to;
                true
            }
            #[inline]
            fn from_cells(_: u64, cells: &[u64]) -> Self {
                let $c = cells[0];
                $from
            }
        }
    )*};
}

wasm_ty_num! {
    i32 => I32, |v| v as u32 as u64, |c| c as u32 as i32;
    u32 => I32, |v| v as u64, |c| c as u32;
    i64 => I64, |v| v as u64, |c| c as i64;
    u64 => I64, |v| v, |c| c;
    f32 => F32, |v| v.to_bits() as u64, |c| f32::from_bits(c as u32);
    f64 => F64, |v| v.to_bits(), |c| f64::from_bits(c);
}

/// A `v128` takes two cells: the low 64 bits (lane 0 upwards) first.
impl WasmTy for V128 {
    const CELLS: usize = 2;
    fn valtype() -> ValType {
        ValType::V128
    }
    #[inline]
    fn to_cells(self, _: u64, cells: &mut [u64]) -> bool {
        let bits = self.bits();
        cells[0] = bits as u64;
        cells[1] = (bits >> 64) as u64;
        true
    }
    #[inline]
    fn from_cells(_: u64, cells: &[u64]) -> Self {
        V128::new((cells[1] as u128) << 64 | cells[0] as u128)
    }
}

impl WasmTy for Option<Func> {
    const CELLS: usize = 1;
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
    fn to_cells(self, store_id: u64, cells: &mut [u64]) -> bool {
        cells[0] = self.map_or(0, |f| f.funcref.to_cell());
        self.is_none_or(|f| f.store_id == store_id)
    }
    fn from_cells(store_id: u64, cells: &[u64]) -> Self {
        FuncRef::from_cell(cells[0]).map(|funcref| Func { store_id, funcref })
    }
}

impl WasmTy for Option<ExternRef> {
    const CELLS: usize = 1;
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
    fn to_cells(self, store_id: u64, cells: &mut [u64]) -> bool {
        cells[0] = self.map_or(0, |e| e.to_cell());
        self.is_none_or(|e| e.store_id == store_id)
    }
    fn from_cells(store_id: u64, cells: &[u64]) -> Self {
        ExternRef::from_cell(store_id, cells[0])
    }
}

/// A list of [`WasmTy`] values: `()`, one value, or a tuple of up to 32.
pub trait WasmTyList: Sized + Send + Sync + 'static {
    /// Cells the list occupies.
    #[doc(hidden)]
    const CELLS: usize;
    /// Appends the wasm types.
    #[doc(hidden)]
    fn push_types(out: &mut Vec<ValType>);
    /// Lowers the values to cells; false for a reference from another store.
    #[doc(hidden)]
    fn write(self, store_id: u64, cells: &mut [u64]) -> bool;
    /// Lifts the values from cells.
    #[doc(hidden)]
    fn read(store_id: u64, cells: &[u64]) -> Self;
}

/// The parameters of a [`TypedFunc`].
pub trait WasmParams: WasmTyList {}
impl<T: WasmTyList> WasmParams for T {}

/// The results of a [`TypedFunc`].
pub trait WasmResults: WasmTyList {}
impl<T: WasmTyList> WasmResults for T {}

impl<A: WasmTy> WasmTyList for A {
    const CELLS: usize = A::CELLS;
    fn push_types(out: &mut Vec<ValType>) {
        out.push(A::valtype());
    }
    #[inline]
    fn write(self, store_id: u64, cells: &mut [u64]) -> bool {
        self.to_cells(store_id, cells)
    }
    #[inline]
    fn read(store_id: u64, cells: &[u64]) -> Self {
        A::from_cells(store_id, cells)
    }
}

macro_rules! wasm_ty_list {
    ($($a:ident)*) => {
        impl<$($a: WasmTy),*> WasmTyList for ($($a,)*) {
            const CELLS: usize = 0 $(+ $a::CELLS)*;
            fn push_types(_out: &mut Vec<ValType>) {
                $(_out.push($a::valtype());)*
            }
            // Each value's offset is a constant and the window's length is checked once,
            // up front: the compiler drops the per-value bounds checks.
            #[inline]
            #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
            fn write(self, store_id: u64, cells: &mut [u64]) -> bool {
                let cells = &mut cells[..Self::CELLS];
                let ($($a,)*) = self;
                let mut at = 0;
                let mut ok = true;
                $(ok &= $a.to_cells(store_id, &mut cells[at..]); at += $a::CELLS;)*
                ok
            }
            #[inline]
            #[allow(unused_mut, unused_variables, unused_assignments, clippy::unused_unit)]
            fn read(store_id: u64, cells: &[u64]) -> Self {
                let cells = &cells[..Self::CELLS];
                let mut at = 0;
                ($({ let v = $a::from_cells(store_id, &cells[at..]); at += $a::CELLS; v },)*)
            }
        }

        impl<T, F, R, $($a: WasmTy),*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = func_type::<($($a,)*), R::Results>();
                let host: HostFn<T> = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let id = caller.as_context().inner.id();
                    let ($($a,)*) = <($($a,)*) as WasmTyList>::read(id, cells);
                    let results = (self)($($a),*).into_result()?;
                    lower(results, id, cells)
                });
                (ty, host)
            }
        }

        impl<T, F, R, $($a: WasmTy),*> IntoFunc<T, (Caller<'static, T>, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: WasmRet,
        {
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = func_type::<($($a,)*), R::Results>();
                let host: HostFn<T> = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let id = caller.as_context().inner.id();
                    let ($($a,)*) = <($($a,)*) as WasmTyList>::read(id, cells);
                    let results = (self)(caller, $($a),*).into_result()?;
                    lower(results, id, cells)
                });
                (ty, host)
            }
        }
    };
}

fn func_type<P: WasmTyList, R: WasmTyList>() -> FuncType {
    let mut params = Vec::new();
    P::push_types(&mut params);
    let mut results = Vec::new();
    R::push_types(&mut results);
    FuncType::new(params, results)
}

fn lower<R: WasmTyList>(results: R, store_id: u64, cells: &mut [u64]) -> Result<(), Trap> {
    if results.write(store_id, cells) {
        Ok(())
    } else {
        Err(Trap::new(
            "host function returned a reference from another store",
        ))
    }
}

wasm_ty_list!();
wasm_ty_list!(A1);
wasm_ty_list!(A1 A2);
wasm_ty_list!(A1 A2 A3);
wasm_ty_list!(A1 A2 A3 A4);
wasm_ty_list!(A1 A2 A3 A4 A5);
wasm_ty_list!(A1 A2 A3 A4 A5 A6);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27 A28);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27 A28 A29);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27 A28 A29 A30);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27 A28 A29 A30 A31);
wasm_ty_list!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15 A16 A17 A18 A19 A20 A21 A22 A23 A24 A25 A26 A27 A28 A29 A30 A31 A32);

/// What a host closure may return: results, or a `Result` of results and a [`Trap`].
pub trait WasmRet {
    /// The results.
    #[doc(hidden)]
    type Results: WasmTyList;
    /// The results, or the trap.
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Results, Trap>;
}

impl<R: WasmTyList> WasmRet for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}

impl<R: WasmTyList> WasmRet for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// A Rust closure that can become a host function of a store with data `T`.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    /// The function's type and its host side.
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFn<T>);
}
