//! The vmctx: the per-instance block through which running code reaches its instance.
//!
//! This is subtle: two reviews. The interpreter reads instance state through this block,
//! and compiled code will read it at the offsets [`VMOffsets`] computes, without any
//! check: a wrong offset or a pointer left dangling here is memory corruption, not a
//! wrong answer. Every fixed offset is asserted against `offset_of!` below and in the
//! tests, and every variable one is checked on a live instance in the tests.
//!
//! # Layout
//!
//! A vmctx is one allocation per instance, made when the instance is created and never
//! moved or resized until its store is dropped. Its layout is computed once per module
//! ([`VMOffsets::new`], from the counts in the module's `ModuleInfo`). All offsets are in
//! bytes from the start of the vmctx; `P` is the size of a pointer (8 on 64-bit hosts).
//!
//! | offset | field | type | what |
//! |---|---|---|---|
//! | 0 | `magic` | `u32` | `"ward"` in ASCII, for debugging and assertions |
//! | 4 | `instance` | `u32` | the instance's id in its store |
//! | 8 | `store` | `*mut VMStoreContext` | the store's shared state: fuel, stack limit, interrupt flag |
//! | 8 + P | `module` | `*const CompiledModule` | the module (code, types, names), kept alive by the instance |
//! | 8 + 2P | `builtins` | `*const VMBuiltins` | the runtime functions compiled code calls (growth, bulk ops, calls to other tiers) |
//! | `type_ids` | | `[u32; types]` | the engine-wide id of each type of the type section |
//! | `imported_funcs` | | `[*const VMFuncRef; imported funcs]` | what each imported function is |
//! | `memories` | | `[*mut VMMemoryDefinition; memories]` | each memory's base and length, imports first |
//! | `tables` | | `[*mut VMTableDefinition; tables]` | each table's base and length, imports first |
//! | `globals` | | `[*mut VMGlobal; globals]` | each global's value cell, imports first |
//! | `defined_funcs` | | `[VMFuncRef; defined funcs]` | the functions the module defines, inline |
//!
//! The arrays follow the header in that order, each starting at a multiple of `P` (the
//! type ids are padded at their end). Memories, tables and globals are reached through a
//! pointer whether the instance defines or imports them: their definitions belong to the
//! store, which keeps them at a fixed address, so an imported one is the exporter's own.
//!
//! Outside the vmctx, with fixed layouts (offsets in [`VMFuncRef`], [`VMMemoryDefinition`],
//! [`VMTableDefinition`], [`VMGlobal`], [`VMStoreContext`]):
//!
//! - A **function reference** ([`VMFuncRef`]) holds what a call needs: the callee's code
//!   (translated code for the interpreter, null until its first call), its vmctx (null for
//!   a host function), its type and engine-wide type id, its index (in its module, or
//!   among the store's host functions), and how compiled code calls it: `wasm_call`, an
//!   entry with the compiled tier's calling convention, given `call_ctx` as its first
//!   argument. For a compiled function the entry is the function itself and `call_ctx`
//!   its vmctx; for an interpreted or host function it is a trampoline of its type that
//!   hands the call to the runtime, and `call_ctx` the reference itself. A `funcref`
//!   value, in a frame cell or a table element, is the address of one (0 for null):
//!   `call_indirect` is a bounds check, a load, a type-id compare and a call.
//! - A **memory** ([`VMMemoryDefinition`]) is its base address and its length in bytes.
//!   The base never changes for a memory whose whole index space fits its reservation
//!   (see `Config::memory_reservation`); otherwise code reloads it after anything that
//!   may grow a memory (a call, `memory.grow`).
//! - A **table** ([`VMTableDefinition`]) is its elements' address and their count; both
//!   change when it grows.
//! - The **store context** ([`VMStoreContext`]) is shared by all instances of a store.

use core::cell::UnsafeCell;
use core::mem::offset_of;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicPtr};

use crate::index::{
    DefinedFuncIndex, FuncIndex, GlobalIndex, HostFuncId, InstanceId, MemoryIndex, SharedTypeId,
    TableIndex, TypeIndex,
};
use crate::ir::CompiledFunc;
use crate::module::ModuleInfo;
use crate::native_stack::NativeBounds;
use crate::types::FuncType;

use super::CompiledModule;

/// "ward" in ASCII, little-endian: the first word of every vmctx.
pub(crate) const VMCTX_MAGIC: u32 = u32::from_le_bytes(*b"ward");

/// The start of an instance's vmctx: its fixed header, followed by the arrays that
/// [`VMOffsets`] places. Only ever used behind a pointer.
#[repr(C)]
pub(crate) struct VMContext {
    header: VMContextHeader,
}

/// The fixed part of every vmctx.
#[repr(C)]
pub(crate) struct VMContextHeader {
    pub magic: u32,
    pub instance: InstanceId,
    pub store: *mut VMStoreContext,
    pub module: *const CompiledModule,
    pub builtins: *const VMBuiltins,
}

/// How a function runs.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FuncKind {
    /// A wasm function run by the interpreter.
    Interpreted = 0,
    /// A wasm function compiled to native code (`wasm_call` is the function itself).
    /// Only the compiled tier makes native code.
    #[cfg(feature = "cranelift")]
    Compiled = 1,
    /// A host function.
    Host = 2,
}

/// What a call needs to know of a function: see the module's documentation.
#[repr(C)]
pub(crate) struct VMFuncRef {
    /// The translated code of an interpreted function, null until it is known here.
    pub code: AtomicPtr<CompiledFunc>,
    /// The vmctx of the wasm function's instance; null for a host function.
    pub vmctx: *mut VMContext,
    /// The function's type, owned by its module or its store.
    pub ty: *const FuncType,
    /// The engine-wide id of the type.
    pub type_id: SharedTypeId,
    /// A wasm function's index among its module's definitions; a host function's
    /// index among its store's host functions.
    pub index: u32,
    /// The entry compiled code calls, with the compiled tier's calling convention; null
    /// where the engine compiles nothing.
    pub wasm_call: *const u8,
    /// The first argument of `wasm_call`.
    pub call_ctx: *mut u8,
    /// How the function runs.
    pub kind: FuncKind,
}

/// The runtime functions compiled code calls, at fixed offsets: one table for the whole
/// process, which every vmctx points at. Each returns 0 when it succeeded, or a non-zero
/// status when it raised a trap (kept by the runtime for the trap landing), unless its
/// documentation says otherwise. Addresses, indices, lengths and deltas are `u64`s for
/// 32-bit and 64-bit memories and tables alike.
#[repr(C)]
pub(crate) struct VMBuiltins {
    /// `(vmctx, memory, delta) -> old size in pages, or u64::MAX`.
    pub memory_grow: extern "C" fn(*mut VMContext, u32, u64) -> u64,
    /// `(vmctx, memory, dst, value, len)`.
    pub memory_fill: extern "C" fn(*mut VMContext, u32, u64, u32, u64) -> u32,
    /// `(vmctx, dst memory, src memory, dst, src, len)`.
    pub memory_copy: extern "C" fn(*mut VMContext, u32, u32, u64, u64, u64) -> u32,
    /// `(vmctx, memory, segment, dst, src, len)`.
    pub memory_init: extern "C" fn(*mut VMContext, u32, u32, u64, u64, u64) -> u32,
    /// `(vmctx, segment)`; returns nothing of use.
    pub data_drop: extern "C" fn(*mut VMContext, u32) -> u32,
    /// `(vmctx, table, init, delta) -> old size, or u64::MAX`.
    pub table_grow: extern "C" fn(*mut VMContext, u32, u64, u64) -> u64,
    /// `(vmctx, table, dst, value, len)`.
    pub table_fill: extern "C" fn(*mut VMContext, u32, u64, u64, u64) -> u32,
    /// `(vmctx, dst table, src table, dst, src, len)`.
    pub table_copy: extern "C" fn(*mut VMContext, u32, u32, u64, u64, u64) -> u32,
    /// `(vmctx, table, segment, dst, src, len)`.
    pub table_init: extern "C" fn(*mut VMContext, u32, u32, u64, u64, u64) -> u32,
    /// `(vmctx, segment)`; returns nothing of use.
    pub elem_drop: extern "C" fn(*mut VMContext, u32) -> u32,
    /// `(callee, caller vmctx, cells)`: calls an interpreted or host function with its
    /// params in `cells`, where its results go.
    pub call_array: extern "C" fn(*const VMFuncRef, *mut VMContext, *mut u64) -> u32,
    /// `(caller vmctx, callee, cells)`: calls any function as `call_array` does, for a
    /// call inside a handler: 0 when it returned, 2 when it threw an exception (its
    /// `exnref` is then in the first cell), 1 on any other error.
    pub call_catching: extern "C" fn(*mut VMContext, *const VMFuncRef, *mut u64) -> u32,
    /// `(vmctx, tag, cells) -> exnref`: a new exception of the instance's tag `tag`
    /// whose values are in `cells`.
    pub exn_new: extern "C" fn(*mut VMContext, u32, *const u64) -> u64,
    /// `(vmctx, exnref)`: leaves the exception as the error of the innermost entry, to
    /// raise; returns 1.
    pub exn_throw: extern "C" fn(*mut VMContext, u64) -> u32,
    /// `(vmctx, exnref, tag, cells, with_ref)`: whether a clause catching tag `tag`
    /// (`u32::MAX`: any) catches the exception; if so, its values are written to
    /// `cells` (for a tag), and it is caught by value unless `with_ref`.
    pub exn_catch: extern "C" fn(*mut VMContext, u64, u32, *mut u64, u32) -> u32,
    /// `()`: leaves compiled code for the innermost entry's landing, after a runtime
    /// function left its error there; never returns (see `sys::entry::RAISE`).
    pub raise: unsafe extern "C" fn(),
}

/// A linear memory as code sees it.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMMemoryDefinition {
    pub base: *mut u8,
    /// The accessible size in bytes: the number of pages times 64 KiB.
    pub current_length: usize,
}

/// A table as code sees it: `current_elements` cells from `base`, each a reference (a
/// `VMFuncRef` address for funcref tables, an externref's cell otherwise; 0 is null).
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMTableDefinition {
    pub base: *mut u64,
    pub current_elements: usize,
}

/// A global's value: its cells (one, or two for a `v128`), as one 128-bit word.
#[repr(C, align(16))]
#[derive(Debug, Default)]
pub(crate) struct VMGlobal {
    pub bits: u128,
}

/// The part of a store that all its instances share, at a fixed address for the store's
/// life. It is shared with the store's interrupt handles, which may be on other threads.
#[repr(C)]
#[derive(Debug, Default)]
pub(crate) struct VMStoreContext {
    /// Fuel left, when the engine consumes fuel.
    pub fuel: UnsafeCell<u64>,
    /// The native stack bounds of the activation running on the store: `limit` is the
    /// lowest stack pointer at which code may start a function or call the host (zero
    /// while nothing runs).
    pub native: UnsafeCell<NativeBounds>,
    /// Set by an interrupt handle, from any thread, to stop the running call.
    pub interrupt: AtomicBool,
}

// SAFETY: `fuel` and `native` are read and written only by the thread that holds the
// store (mutably, or through the executor running on it, which holds it mutably). Other
// threads reach the context only through an interrupt handle, which touches
// `interrupt` alone, an atomic.
unsafe impl Sync for VMStoreContext {}

/// Offsets of the header fields, for code that reads them without the types.
impl VMContextHeader {
    pub(crate) const MAGIC: usize = offset_of!(VMContextHeader, magic);
    pub(crate) const INSTANCE: usize = offset_of!(VMContextHeader, instance);
    pub(crate) const STORE: usize = offset_of!(VMContextHeader, store);
    pub(crate) const MODULE: usize = offset_of!(VMContextHeader, module);
    pub(crate) const BUILTINS: usize = offset_of!(VMContextHeader, builtins);
}

/// Offsets in a function reference, for compiled code.
#[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
impl VMFuncRef {
    pub(crate) const TYPE_ID: usize = offset_of!(VMFuncRef, type_id);
    pub(crate) const WASM_CALL: usize = offset_of!(VMFuncRef, wasm_call);
    pub(crate) const CALL_CTX: usize = offset_of!(VMFuncRef, call_ctx);
}

const P: usize = core::mem::size_of::<usize>();
const _: () = {
    assert!(VMContextHeader::MAGIC == 0);
    assert!(VMContextHeader::INSTANCE == 4);
    assert!(VMContextHeader::STORE == 8);
    assert!(VMContextHeader::MODULE == 8 + P);
    assert!(VMContextHeader::BUILTINS == 8 + 2 * P);
    assert!(core::mem::size_of::<VMContextHeader>() == 8 + 3 * P);
    assert!(offset_of!(VMFuncRef, code) == 0);
    assert!(offset_of!(VMFuncRef, vmctx) == P);
    assert!(offset_of!(VMFuncRef, ty) == 2 * P);
    assert!(offset_of!(VMFuncRef, type_id) == 3 * P);
    assert!(offset_of!(VMFuncRef, index) == 3 * P + 4);
    assert!(offset_of!(VMFuncRef, wasm_call) == 3 * P + 8);
    assert!(offset_of!(VMFuncRef, call_ctx) == 4 * P + 8);
    assert!(offset_of!(VMFuncRef, kind) == 5 * P + 8);
    assert!(core::mem::size_of::<VMFuncRef>() == (5 * P + 12).next_multiple_of(P));
    assert!(offset_of!(VMMemoryDefinition, base) == 0);
    assert!(offset_of!(VMMemoryDefinition, current_length) == P);
    assert!(offset_of!(VMTableDefinition, base) == 0);
    assert!(offset_of!(VMTableDefinition, current_elements) == P);
    assert!(core::mem::size_of::<VMGlobal>() == 16);
    assert!(offset_of!(VMStoreContext, fuel) == 0);
    assert!(offset_of!(VMStoreContext, native) == 8);
    assert!(offset_of!(VMStoreContext, interrupt) == 8 + 4 * P);
};

/// The offsets of one module's vmctx: see the module's documentation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VMOffsets {
    num_types: u32,
    num_imported_funcs: u32,
    num_memories: u32,
    num_tables: u32,
    num_globals: u32,
    num_defined_funcs: u32,
    type_ids: u32,
    imported_funcs: u32,
    memories: u32,
    tables: u32,
    globals: u32,
    defined_funcs: u32,
    size: u32,
}

impl VMOffsets {
    /// The layout for instances of the module `info` describes.
    pub(crate) fn new(info: &ModuleInfo) -> VMOffsets {
        // The binary format's limits (as wasmparser enforces them: a million types,
        // functions and globals, a hundred tables and memories) keep the whole block
        // under 64 MiB, so every offset fits a `u32`.
        let count = |n: usize| u32::try_from(n).expect("module counts fit in 32 bits");
        let num_types = count(info.types().len());
        let num_imported_funcs = info.num_imported_funcs();
        let num_memories = count(info.memories().len());
        let num_tables = count(info.tables().len());
        let num_globals = count(info.globals().len());
        let num_defined_funcs = count(info.num_defined_funcs());
        let p = P as u64;
        let mut at = core::mem::size_of::<VMContextHeader>() as u64;
        let mut array = |count: u32, size: u64| {
            let start = at;
            at = (at + u64::from(count) * size).next_multiple_of(p);
            u32::try_from(start).expect("a vmctx is smaller than 4 GiB")
        };
        let type_ids = array(num_types, 4);
        let imported_funcs = array(num_imported_funcs, p);
        let memories = array(num_memories, p);
        let tables = array(num_tables, p);
        let globals = array(num_globals, p);
        let defined_funcs = array(num_defined_funcs, core::mem::size_of::<VMFuncRef>() as u64);
        let size = u32::try_from(at).expect("a vmctx is smaller than 4 GiB");
        VMOffsets {
            num_types,
            num_imported_funcs,
            num_memories,
            num_tables,
            num_globals,
            num_defined_funcs,
            type_ids,
            imported_funcs,
            memories,
            tables,
            globals,
            defined_funcs,
            size,
        }
    }

    /// The size of the whole vmctx in bytes.
    pub(crate) fn size(&self) -> usize {
        self.size as usize
    }

    /// The engine-wide id of type `index`: a `u32`.
    #[inline(always)]
    pub(crate) fn type_id(&self, index: TypeIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_types);
        self.type_ids as usize + 4 * index.index()
    }

    /// The `*const VMFuncRef` of imported function `index`.
    #[inline(always)]
    pub(crate) fn imported_func(&self, index: FuncIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_imported_funcs);
        self.imported_funcs as usize + P * index.index()
    }

    /// The `*mut VMMemoryDefinition` of memory `index`.
    #[inline(always)]
    pub(crate) fn memory(&self, index: MemoryIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_memories);
        self.memories as usize + P * index.index()
    }

    /// The `*mut VMTableDefinition` of table `index`.
    #[inline(always)]
    pub(crate) fn table(&self, index: TableIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_tables);
        self.tables as usize + P * index.index()
    }

    /// The `*mut VMGlobal` of global `index`.
    #[inline(always)]
    pub(crate) fn global(&self, index: GlobalIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_globals);
        self.globals as usize + P * index.index()
    }

    /// The `VMFuncRef` of defined function `index`.
    #[inline(always)]
    pub(crate) fn defined_func(&self, index: DefinedFuncIndex) -> usize {
        debug_assert!(index.as_u32() < self.num_defined_funcs);
        self.defined_funcs as usize + core::mem::size_of::<VMFuncRef>() * index.index()
    }

    /// Where the globals' pointers start.
    pub(crate) fn globals_start(&self) -> usize {
        self.globals as usize
    }

    /// Where the defined functions' references start.
    pub(crate) fn defined_funcs_start(&self) -> usize {
        self.defined_funcs as usize
    }

    /// The number of memories, imports included.
    pub(crate) fn num_memories(&self) -> u32 {
        self.num_memories
    }

    /// The number of functions the module imports.
    pub(crate) fn num_imported_funcs(&self) -> u32 {
        self.num_imported_funcs
    }
}

/// The alignment of every vmctx: enough for each field.
pub(crate) const VMCTX_ALIGN: usize = 16;

impl VMContext {
    /// The address `offset` bytes into the vmctx at `this`, as a `*mut T`.
    ///
    /// # Safety
    ///
    /// `offset` is one of the offsets of `this` vmctx's [`VMOffsets`], for a field of
    /// type `T`.
    #[inline(always)]
    pub(crate) unsafe fn field<T>(this: *mut VMContext, offset: usize) -> *mut T {
        // SAFETY: the offset lies within the vmctx's allocation (guaranteed by the
        // caller), and the layout aligns each field for its type.
        unsafe { this.cast::<u8>().add(offset).cast::<T>() }
    }

    /// The header of the vmctx at `this`.
    ///
    /// # Safety
    ///
    /// `this` is a live vmctx.
    #[inline(always)]
    pub(crate) unsafe fn header<'a>(this: *mut VMContext) -> &'a VMContextHeader {
        // SAFETY: guaranteed by the caller; the header is written once, when the vmctx
        // is created, and never changes.
        unsafe { &(*this).header }
    }

    /// The module of the vmctx at `this`.
    ///
    /// # Safety
    ///
    /// `this` is a live vmctx; the module lives at least as long as its instance.
    #[inline(always)]
    pub(crate) unsafe fn module<'a>(this: *mut VMContext) -> &'a CompiledModule {
        // SAFETY: guaranteed by the caller.
        unsafe { &*Self::header(this).module }
    }
}

/// A non-null reference to a function of a store: the address of its [`VMFuncRef`].
/// It stays valid as long as the store: function references live in the vmctx of
/// their instance or in the store's list of host functions, neither of which is freed
/// or moved before the store is dropped. Whoever dereferences one must know its store
/// is alive (the public handles check their store first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FuncRef(NonNull<VMFuncRef>);

// SAFETY: a `FuncRef` is an address; it is only dereferenced with its store at hand,
// under that store's borrow rules.
unsafe impl Send for FuncRef {}
// SAFETY: as above.
unsafe impl Sync for FuncRef {}

impl FuncRef {
    /// The reference to the `VMFuncRef` at `ptr`.
    pub(crate) fn new(ptr: NonNull<VMFuncRef>) -> FuncRef {
        FuncRef(ptr)
    }

    /// The reference a `funcref` cell holds; `None` for null.
    #[inline(always)]
    pub(crate) fn from_cell(cell: u64) -> Option<FuncRef> {
        NonNull::new(cell as usize as *mut VMFuncRef).map(FuncRef)
    }

    /// The cell of a `funcref` value that is this reference.
    #[inline(always)]
    pub(crate) fn to_cell(self) -> u64 {
        self.0.as_ptr() as usize as u64
    }

    /// The address of the `VMFuncRef`.
    pub(crate) fn as_ptr(self) -> *const VMFuncRef {
        self.0.as_ptr()
    }

    /// The function reference.
    ///
    /// # Safety
    ///
    /// The reference's store is alive.
    #[inline(always)]
    pub(crate) unsafe fn get<'a>(self) -> &'a VMFuncRef {
        // SAFETY: guaranteed by the caller (see the type's documentation).
        unsafe { self.0.as_ref() }
    }
}

impl VMFuncRef {
    /// Whether this is a host function.
    #[inline(always)]
    pub(crate) fn is_host(&self) -> bool {
        self.kind == FuncKind::Host
    }

    /// The store's index of a host function.
    pub(crate) fn host_id(&self) -> HostFuncId {
        debug_assert!(self.is_host());
        HostFuncId::from_u32(self.index)
    }

    /// The module's index of a wasm function among its definitions.
    #[inline(always)]
    pub(crate) fn defined_index(&self) -> DefinedFuncIndex {
        debug_assert!(!self.is_host());
        DefinedFuncIndex::from_u32(self.index)
    }

    /// The function's type.
    ///
    /// # Safety
    ///
    /// The function's store is alive (its module or host function owns the type).
    pub(crate) unsafe fn ty<'a>(&self) -> &'a FuncType {
        // SAFETY: guaranteed by the caller.
        unsafe { &*self.ty }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{GlobalId, MemoryId, TableId};
    use crate::{Engine, Linker, Module, Store};

    #[test]
    fn fixed_offsets_match_the_structs() {
        assert_eq!(VMContextHeader::MAGIC, offset_of!(VMContextHeader, magic));
        assert_eq!(
            VMContextHeader::INSTANCE,
            offset_of!(VMContextHeader, instance)
        );
        assert_eq!(VMContextHeader::STORE, offset_of!(VMContextHeader, store));
        assert_eq!(VMContextHeader::MODULE, offset_of!(VMContextHeader, module));
        assert_eq!(offset_of!(VMStoreContext, fuel), 0);
        assert_eq!(
            offset_of!(VMStoreContext, native) + offset_of!(NativeBounds, limit),
            8
        );
        assert_eq!(
            offset_of!(VMStoreContext, native) + offset_of!(NativeBounds, floor),
            8 + P
        );
        assert_eq!(
            offset_of!(VMStoreContext, native) + offset_of!(NativeBounds, wasm_limit),
            8 + 2 * P
        );
        assert_eq!(
            offset_of!(VMStoreContext, native) + offset_of!(NativeBounds, entry_limit),
            8 + 3 * P
        );
        assert_eq!(offset_of!(VMStoreContext, interrupt), 8 + 4 * P);
        assert_eq!(core::mem::size_of::<UnsafeCell<u64>>(), 8);
        assert_eq!(core::mem::align_of::<VMFuncRef>(), P);
        assert!(core::mem::align_of::<VMGlobal>() <= VMCTX_ALIGN);
    }

    /// Every variable offset of a live instance's vmctx holds what it should: its
    /// imports' and its own entities' addresses, its type ids, its functions.
    #[test]
    fn variable_offsets_reach_the_instance_entities() {
        let mut config = crate::Config::new();
        config.wasm_multi_memory(true);
        let engine = Engine::new(&config);
        let exporter = Module::new(
            &engine,
            r#"(module
                 (memory (export "m") 1)
                 (table (export "t") 2 funcref)
                 (global (export "g") (mut i64) (i64.const 7))
                 (func (export "f") (param i32) (result i32) local.get 0))"#,
        )
        .unwrap();
        let importer = Module::new(
            &engine,
            r#"(module
                 (type (func))
                 (type (func (param i32) (result i32)))
                 (import "x" "f" (func (type 1)))
                 (import "x" "m" (memory 1))
                 (import "x" "t" (table 2 funcref))
                 (import "x" "g" (global (mut i64)))
                 (memory 2)
                 (table 3 funcref)
                 (global f32 (f32.const 1.5))
                 (func (type 0))
                 (func (type 1) local.get 0))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let first = linker.instantiate(&mut store, &exporter).unwrap();
        linker.instance(&store, "x", first).unwrap();
        let second = linker.instantiate(&mut store, &importer).unwrap();

        let inner = &mut store.inner;
        let context = inner.context_ptr();
        let data = inner.instance(second.index);
        let vmctx = data.vmctx();
        let module = data.module().clone();
        let offsets = module.offsets();
        let info = module.info();
        assert_eq!(offsets.size() % P, 0);
        // SAFETY: the instance is live; each read is at one of its layout's offsets,
        // with the field's type.
        unsafe {
            let header = VMContext::header(vmctx);
            assert_eq!(header.magic, VMCTX_MAGIC);
            assert_eq!(header.instance, second.index);
            assert_eq!(header.store, context);
            assert!(core::ptr::eq(header.module, &*module));
            for (index, &id) in info.type_ids().iter_indexed() {
                assert_eq!(
                    *VMContext::field::<SharedTypeId>(vmctx, offsets.type_id(index)),
                    id
                );
            }
            let imported = *VMContext::field::<*const VMFuncRef>(
                vmctx,
                offsets.imported_func(FuncIndex::from_u32(0)),
            );
            let exported = inner.instance(first.index).func_ref(FuncIndex::from_u32(0));
            assert_eq!(imported, exported.as_ptr(), "the import is the export");
            let memories = [MemoryId::from_u32(0), MemoryId::from_u32(1)];
            for (i, id) in memories.into_iter().enumerate() {
                let def = *VMContext::field::<*mut VMMemoryDefinition>(
                    vmctx,
                    offsets.memory(MemoryIndex::from_usize(i)),
                );
                assert_eq!(def, inner.memory(id).definition());
                assert_eq!((*def).current_length, (i + 1) * super::super::PAGE_SIZE);
            }
            let tables = [TableId::from_u32(0), TableId::from_u32(1)];
            for (i, id) in tables.into_iter().enumerate() {
                let def = *VMContext::field::<*mut VMTableDefinition>(
                    vmctx,
                    offsets.table(TableIndex::from_usize(i)),
                );
                assert_eq!(def, inner.table(id).definition());
                assert_eq!((*def).current_elements, i + 2);
            }
            let globals = [GlobalId::from_u32(0), GlobalId::from_u32(1)];
            for (i, id) in globals.into_iter().enumerate() {
                let global = *VMContext::field::<*mut VMGlobal>(
                    vmctx,
                    offsets.global(GlobalIndex::from_usize(i)),
                );
                assert_eq!(global, inner.global(id).definition());
            }
            assert_eq!(
                inner.global(GlobalId::from_u32(1)).bits(),
                1.5f32.to_bits() as u128
            );
            for i in 0..2 {
                let index = DefinedFuncIndex::from_u32(i);
                let func = &*VMContext::field::<VMFuncRef>(vmctx, offsets.defined_func(index));
                assert_eq!(func.vmctx, vmctx);
                assert_eq!(func.index, i);
                let ty = info.func_type_index(info.func_index(index));
                assert_eq!(func.type_id, info.type_id(ty));
                assert!(core::ptr::eq(func.ty, &info.types()[ty]));
                assert!(
                    func.code
                        .load(core::sync::atomic::Ordering::Relaxed)
                        .is_null(),
                    "lazy"
                );
            }
        }
    }

    #[test]
    fn funcref_cells_round_trip() {
        assert_eq!(FuncRef::from_cell(0), None);
        let func = VMFuncRef {
            code: AtomicPtr::new(core::ptr::null_mut()),
            vmctx: core::ptr::null_mut(),
            ty: core::ptr::null(),
            type_id: SharedTypeId::from_u32(0),
            index: 0,
            wasm_call: core::ptr::null(),
            call_ctx: core::ptr::null_mut(),
            kind: FuncKind::Host,
        };
        let r = FuncRef::new(NonNull::from(&func));
        assert_eq!(FuncRef::from_cell(r.to_cell()), Some(r));
    }
}
