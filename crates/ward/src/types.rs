//! The types of values and of importable and exportable entities.

use crate::prelude::*;
use alloc::sync::Arc;
use core::fmt;

use crate::index::SharedTypeId;

/// The type of a WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector.
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`: a nullable reference to any function.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`: a nullable reference to a host value.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`: a nullable reference to a caught exception (exception handling).
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Whether this is a reference to functions (of any type, nullable or not).
    pub fn is_func_ref(self) -> bool {
        matches!(self, ValType::Ref(r) if matches!(r.heap(), HeapType::Func | HeapType::Concrete(_)))
    }

    /// Whether a value of this type may be used where `other` is expected: equal
    /// types, or references whose type is a subtype of `other`'s.
    pub fn matches(self, other: ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.matches(b),
            _ => self == other,
        }
    }

    /// The number of 64-bit cells a value of this type occupies in a frame.
    pub(crate) fn cells(self) -> u32 {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    /// The type `ty` of a module whose type section was interned as `type_ids`.
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType, type_ids: &[SharedTypeId]) -> ValType {
        match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(RefType::from_wasmparser(r, type_ids)),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => write!(f, "{r}"),
        }
    }
}

/// The type of a reference: what it refers to and whether it may be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType {
    nullable: bool,
    heap: HeapType,
}

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType::new(true, HeapType::Func);
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType::new(true, HeapType::Extern);
    /// `exnref`: `(ref null exn)`.
    pub const EXNREF: RefType = RefType::new(true, HeapType::Exn);

    /// A reference type.
    pub const fn new(nullable: bool, heap: HeapType) -> RefType {
        RefType { nullable, heap }
    }

    /// Whether the reference may be null.
    pub fn is_nullable(self) -> bool {
        self.nullable
    }

    /// What the reference refers to.
    pub fn heap(self) -> HeapType {
        self.heap
    }

    /// Whether this type is a subtype of `other`: it admits null only if `other`
    /// does, and refers to the same heap type or to a function type where `other`
    /// refers to any function.
    pub fn matches(self, other: RefType) -> bool {
        (!self.nullable || other.nullable)
            && (self.heap == other.heap
                || matches!(
                    (self.heap, other.heap),
                    (HeapType::Concrete(_), HeapType::Func)
                ))
    }

    fn from_wasmparser(r: wasmparser::RefType, type_ids: &[SharedTypeId]) -> RefType {
        let heap = match r.heap_type() {
            wasmparser::HeapType::Abstract {
                ty: wasmparser::AbstractHeapType::Extern,
                ..
            } => HeapType::Extern,
            // `noexn`, whose only value is null, is taken as `exn`: its values are
            // all `exnref`s, and the validator keeps others out of it.
            wasmparser::HeapType::Abstract {
                ty: wasmparser::AbstractHeapType::Exn | wasmparser::AbstractHeapType::NoExn,
                ..
            } => HeapType::Exn,
            wasmparser::HeapType::Concrete(index) | wasmparser::HeapType::Exact(index) => index
                .as_module_index()
                .and_then(|i| type_ids.get(i as usize))
                .map_or(HeapType::Func, |&id| HeapType::Concrete(FuncTypeId(id))),
            wasmparser::HeapType::Abstract { .. } => HeapType::Func,
        };
        RefType::new(r.is_nullable(), heap)
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (nullable, heap) => {
                f.write_str(if nullable { "(ref null " } else { "(ref " })?;
                match heap {
                    HeapType::Func => f.write_str("func")?,
                    HeapType::Extern => f.write_str("extern")?,
                    HeapType::Exn => f.write_str("exn")?,
                    HeapType::Concrete(id) => write!(f, "{id}")?,
                }
                f.write_str(")")
            }
        }
    }
}

/// What a reference refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// A host value.
    Extern,
    /// A caught exception (exception handling).
    Exn,
    /// A function of one type (typed function references).
    Concrete(FuncTypeId),
}

/// A function type as its engine knows it: the heap type of a typed function
/// reference. Equal function types of one engine have equal ids; see
/// [`Engine::func_type_id`](crate::Engine::func_type_id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuncTypeId(pub(crate) SharedTypeId);

impl fmt::Display for FuncTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$type{}", self.0.as_u32())
    }
}

/// The type of an exception tag: the types of the values an exception of the tag
/// carries, as the parameters of a function type without results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// The tag type whose exceptions carry values of `params`' types.
    pub fn new(params: impl IntoIterator<Item = ValType>) -> Self {
        TagType {
            ty: FuncType::new(params, []),
        }
    }

    /// The types of the values an exception of this tag carries.
    pub fn params(&self) -> &[ValType] {
        self.ty.params()
    }

    /// The function type behind the tag: its params, and no results.
    pub fn func_type(&self) -> &FuncType {
        &self.ty
    }

    pub(crate) fn from_func_type(ty: FuncType) -> Self {
        TagType { ty }
    }
}

impl fmt::Display for TagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(tag")?;
        write_types(f, "param", self.params())?;
        f.write_str(")")
    }
}

/// ` (KEYWORD t1 t2 ...)` for `types`, nothing when there are none: the params or
/// results of a function type in the text format.
fn write_types(f: &mut fmt::Formatter<'_>, keyword: &str, types: &[ValType]) -> fmt::Result {
    if types.is_empty() {
        return Ok(());
    }
    write!(f, " ({keyword}")?;
    for ty in types {
        write!(f, " {ty}")?;
    }
    f.write_str(")")
}

/// The type of a function: its parameters and results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameters followed by results, in one allocation.
    types: Arc<[ValType]>,
    num_params: usize,
}

impl FuncType {
    /// A function type with the given parameters and results.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let num_params = types.len();
        types.extend(results);
        FuncType {
            types: types.into(),
            num_params,
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.num_params]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.types[self.num_params..]
    }

    pub(crate) fn param_cells(&self) -> u32 {
        self.params().iter().map(|t| t.cells()).sum()
    }

    pub(crate) fn result_cells(&self) -> u32 {
        self.results().iter().map(|t| t.cells()).sum()
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        write_types(f, "param", self.params())?;
        write_types(f, "result", self.results())?;
        f.write_str(")")
    }
}

/// Whether a global can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global: its content type and mutability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// A global type.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        GlobalType {
            content,
            mutability,
        }
    }

    /// The type of the global's value.
    pub fn content(&self) -> ValType {
        self.content
    }

    /// Whether the global is mutable.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }

    pub(crate) fn from_wasmparser(
        ty: &wasmparser::GlobalType,
        type_ids: &[SharedTypeId],
    ) -> GlobalType {
        GlobalType::new(
            ValType::from_wasmparser(ty.content_type, type_ids),
            if ty.mutable {
                Mutability::Var
            } else {
                Mutability::Const
            },
        )
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mutability {
            Mutability::Const => write!(f, "(global {})", self.content),
            Mutability::Var => write!(f, "(global (mut {}))", self.content),
        }
    }
}

/// The type of a table: its element type, its limits and whether it is indexed by
/// `i64` (table64, part of the memory64 proposal). ward holds at most `u32::MAX`
/// elements in any table; growing past that fails as growing past a maximum does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    element: ValType,
    min: u64,
    max: Option<u64>,
    is_64: bool,
}

impl TableType {
    /// A table type indexed by `i32`.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> Self {
        TableType {
            element,
            min: u64::from(min),
            max: max.map(u64::from),
            is_64: false,
        }
    }

    /// A table type indexed by `i64` (table64).
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> Self {
        TableType {
            element,
            min,
            max,
            is_64: true,
        }
    }

    /// The element type (a reference type).
    pub fn element(&self) -> ValType {
        self.element
    }

    /// The minimum (initial) number of elements.
    pub fn minimum(&self) -> u64 {
        self.min
    }

    /// The maximum number of elements, if bounded.
    pub fn maximum(&self) -> Option<u64> {
        self.max
    }

    /// This type with minimum `min`.
    pub(crate) fn with_minimum(self, min: u64) -> Self {
        TableType { min, ..self }
    }

    /// Whether the table is indexed by `i64`.
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// The type of the table's indices: `i64` for table64, else `i32`.
    pub(crate) fn index_type(&self) -> ValType {
        if self.is_64 {
            ValType::I64
        } else {
            ValType::I32
        }
    }

    pub(crate) fn from_wasmparser(
        ty: &wasmparser::TableType,
        type_ids: &[SharedTypeId],
    ) -> TableType {
        TableType {
            element: ValType::Ref(RefType::from_wasmparser(ty.element_type, type_ids)),
            min: ty.initial,
            max: ty.maximum,
            is_64: ty.table64,
        }
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(table ")?;
        if self.is_64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{}", self.min)?;
        if let Some(max) = self.max {
            write!(f, " {max}")?;
        }
        write!(f, " {})", self.element)
    }
}

/// The type of a linear memory: its limits in pages, its page size (64 KiB unless
/// the custom-page-sizes proposal gives it 1 byte) and whether it is indexed by `i64`
/// (memory64). ward holds at most 4 GiB in any memory, 64-bit ones included (see
/// [`MemoryType::max_pages`]); growing past that fails as growing past a maximum does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    min: u64,
    max: Option<u64>,
    page_size_log2: u8,
    is_64: bool,
}

impl MemoryType {
    /// The default page size's base-2 logarithm: 64 KiB pages.
    pub const DEFAULT_PAGE_SIZE_LOG2: u8 = 16;

    /// A memory type indexed by `i32`, with limits in 64 KiB pages.
    pub fn new(min_pages: u32, max_pages: Option<u32>) -> Self {
        MemoryType {
            min: u64::from(min_pages),
            max: max_pages.map(u64::from),
            page_size_log2: Self::DEFAULT_PAGE_SIZE_LOG2,
            is_64: false,
        }
    }

    /// A memory type indexed by `i64` (memory64), with limits in 64 KiB pages.
    pub fn new64(min_pages: u64, max_pages: Option<u64>) -> Self {
        MemoryType {
            min: min_pages,
            max: max_pages,
            page_size_log2: Self::DEFAULT_PAGE_SIZE_LOG2,
            is_64: true,
        }
    }

    /// This type with pages of `2^log2` bytes (the custom-page-sizes proposal): 0 (one
    /// byte) or 16 (64 KiB), the two sizes the proposal allows; `None` for another.
    pub fn with_page_size_log2(self, log2: u8) -> Option<Self> {
        matches!(log2, 0 | Self::DEFAULT_PAGE_SIZE_LOG2).then_some(MemoryType {
            page_size_log2: log2,
            ..self
        })
    }

    /// The minimum (initial) size in pages.
    pub fn minimum(&self) -> u64 {
        self.min
    }

    /// The maximum size in pages, if bounded.
    pub fn maximum(&self) -> Option<u64> {
        self.max
    }

    /// This type with minimum `min`.
    pub(crate) fn with_minimum(self, min: u64) -> Self {
        MemoryType { min, ..self }
    }

    /// Whether the memory is indexed by `i64`.
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// The base-2 logarithm of the page size in bytes.
    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// The most pages ward gives a memory of this type, whatever its index type: 4 GiB
    /// of 64 KiB pages, or `2^32 - 1` one-byte pages.
    pub fn max_pages(&self) -> u64 {
        (1u64 << (32 - u32::from(self.page_size_log2))).min(u64::from(u32::MAX))
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::MemoryType) -> MemoryType {
        MemoryType {
            min: ty.initial,
            max: ty.maximum,
            page_size_log2: ty
                .page_size_log2
                .map_or(Self::DEFAULT_PAGE_SIZE_LOG2, |log2| log2 as u8),
            is_64: ty.memory64,
        }
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(memory ")?;
        if self.is_64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{}", self.min)?;
        if let Some(max) = self.max {
            write!(f, " {max}")?;
        }
        if self.page_size_log2 != Self::DEFAULT_PAGE_SIZE_LOG2 {
            write!(f, " (pagesize {})", self.page_size())?;
        }
        f.write_str(")")
    }
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
    /// An exception tag.
    Tag(TagType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Tag(t) => t.fmt(f),
        }
    }
}
