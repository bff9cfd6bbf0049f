//! A store's runtime data, apart from what depends on its user data type: instances,
//! memories, tables, globals, host functions' references, host values, the wasm stack
//! and the state all its instances share. Entities are never removed before the store
//! is dropped, so their handles (ids) and addresses stay valid.

use crate::prelude::*;
use alloc::sync::Arc;
use core::any::Any;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::engine::Engine;
use crate::error::{ResourceError, Trap};
use crate::index::{
    ExternRefId, GlobalId, HostFuncId, IndexVec, InstanceId, MemoryId, SharedTypeId, TableId,
};
use crate::native_stack::{self, NativeBounds};
use crate::types::{FuncType, MemoryType, TableType};

use super::{
    CompiledModule, Exceptions, FuncKind, FuncRef, GlobalEntity, InstanceData, MemoryEntity,
    StoreFootprint, StoreLimits, TableEntity, VMBuiltins, VMFuncRef, VMStoreContext, WasmStack,
};

/// The part of a host function a store keeps for calls: its reference, whose `ty`
/// points at the type beside it. Boxed, so that neither moves.
struct HostFuncData {
    funcref: VMFuncRef,
    ty: FuncType,
}

/// A store's data, apart from the host functions' code and the user data, which depend
/// on the store's type parameter.
pub(crate) struct StoreInner {
    id: u64,
    engine: Engine,
    instances: IndexVec<InstanceId, InstanceData>,
    memories: IndexVec<MemoryId, MemoryEntity>,
    tables: IndexVec<TableId, TableEntity>,
    globals: IndexVec<GlobalId, GlobalEntity>,
    host_funcs: IndexVec<HostFuncId, Box<HostFuncData>>,
    externs: IndexVec<ExternRefId, Box<dyn Any + Send + Sync>>,
    /// Tags, and the exceptions thrown with them.
    exceptions: Exceptions,
    wasm_stack: WasmStack,
    /// What every instance's vmctx points at, at a fixed address; shared with the
    /// store's interrupt handles.
    context: Arc<VMStoreContext>,
    limits: StoreLimits,
    /// The runtime functions compiled code calls, which every vmctx points at.
    builtins: *const VMBuiltins,
}

// SAFETY: the store owns everything its pointers reach; it moves between threads as a
// whole.
unsafe impl Send for StoreInner {}
// SAFETY: shared access only reads.
unsafe impl Sync for StoreInner {}

impl StoreInner {
    pub(crate) fn new(engine: &Engine, builtins: *const VMBuiltins) -> StoreInner {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        StoreInner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            engine: engine.clone(),
            instances: IndexVec::new(),
            memories: IndexVec::new(),
            tables: IndexVec::new(),
            globals: IndexVec::new(),
            host_funcs: IndexVec::new(),
            externs: IndexVec::new(),
            exceptions: Exceptions::default(),
            wasm_stack: WasmStack::new(engine.config().wasm_stack_size),
            context: Arc::new(VMStoreContext::default()),
            limits: StoreLimits::default(),
            builtins,
        }
    }

    /// The store's unique id, which every handle of it carries.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The table of runtime functions for compiled code.
    pub(crate) fn builtins(&self) -> *const VMBuiltins {
        self.builtins
    }

    pub(crate) fn limits(&self) -> StoreLimits {
        self.limits
    }

    pub(crate) fn set_limits(&mut self, limits: StoreLimits) {
        self.limits = limits;
    }

    // ---- shared state ---------------------------------------------------------------

    /// The state the store's instances share, at its fixed address.
    pub(crate) fn context_ptr(&self) -> *mut VMStoreContext {
        Arc::as_ptr(&self.context).cast_mut()
    }

    /// The context, for interrupt handles.
    pub(crate) fn shared_context(&self) -> &Arc<VMStoreContext> {
        &self.context
    }

    pub(crate) fn fuel(&self) -> u64 {
        // SAFETY: only this store's thread touches the fuel (see `VMStoreContext`), and
        // no executor runs while the store is borrowed here.
        unsafe { *self.context.fuel.get() }
    }

    pub(crate) fn set_fuel(&mut self, fuel: u64) {
        // SAFETY: as for `fuel`.
        unsafe { *self.context.fuel.get() = fuel }
    }

    /// The native stack bounds of the running activation (zero when none runs).
    #[inline(always)]
    pub(crate) fn native_bounds(&self) -> NativeBounds {
        // SAFETY: as for `fuel`: the bounds are written only by this store's thread,
        // when an activation begins or ends.
        unsafe { *self.context.native.get() }
    }

    pub(crate) fn set_native_bounds(&mut self, bounds: NativeBounds) {
        // SAFETY: as for `native_bounds`.
        unsafe { *self.context.native.get() = bounds }
    }

    /// Checks the native stack at an entry into wasm from the host: a compare against
    /// the cached limit inside an activation (no stack used before it fails), the
    /// thread's record at the outermost entry.
    #[inline(always)]
    pub(crate) fn check_entry(&self) -> Result<(), Trap> {
        let bounds = self.native_bounds();
        if bounds.limit != 0 {
            return bounds.check_entry();
        }
        let limits = self.engine.config().stack_limits();
        native_stack::check_outermost(native_stack::stack_pointer(), limits.entry, limits)
    }

    /// Checks the native stack before an instantiation, which needs
    /// [`INSTANTIATION_STACK`](native_stack::INSTANTIATION_STACK) or the guard,
    /// whichever is more.
    #[inline(always)]
    pub(crate) fn check_instantiation(&self) -> Result<(), Trap> {
        let limits = self.engine.config().stack_limits();
        let need = limits.guard.max(native_stack::INSTANTIATION_STACK);
        let bounds = self.native_bounds();
        if bounds.limit != 0 {
            return bounds.ensure(need);
        }
        native_stack::check_outermost(native_stack::stack_pointer(), need, limits)
    }

    // ---- the wasm stack -------------------------------------------------------------

    pub(crate) fn wasm_stack(&self) -> &WasmStack {
        &self.wasm_stack
    }

    pub(crate) fn wasm_stack_mut(&mut self) -> &mut WasmStack {
        &mut self.wasm_stack
    }

    // ---- instances ------------------------------------------------------------------

    pub(crate) fn num_instances(&self) -> usize {
        self.instances.len()
    }

    #[inline(always)]
    pub(crate) fn instance(&self, id: InstanceId) -> &InstanceData {
        &self.instances[id]
    }

    pub(crate) fn instance_mut(&mut self, id: InstanceId) -> &mut InstanceData {
        &mut self.instances[id]
    }

    pub(super) fn push_instance(&mut self, instance: InstanceData) -> InstanceId {
        self.instances.push(instance)
    }

    // ---- memories -------------------------------------------------------------------

    pub(crate) fn num_memories(&self) -> usize {
        self.memories.len()
    }

    pub(crate) fn memory(&self, id: MemoryId) -> &MemoryEntity {
        &self.memories[id]
    }

    pub(crate) fn memory_mut(&mut self, id: MemoryId) -> &mut MemoryEntity {
        &mut self.memories[id]
    }

    /// The type of memory `id`, with its current size as minimum.
    pub(crate) fn memory_type(&self, id: MemoryId) -> MemoryType {
        let m = self.memory(id);
        let ty = m.ty();
        ty.with_minimum(u64::from(m.pages()))
    }

    pub(super) fn push_memory(&mut self, memory: MemoryEntity) -> MemoryId {
        self.memories.push(memory)
    }

    /// A new memory of type `ty` made by the host.
    ///
    /// # Errors
    ///
    /// When the store's limits are reached or the memory cannot be allocated.
    pub(crate) fn new_memory(&mut self, ty: MemoryType) -> Result<MemoryId, ResourceError> {
        self.limits
            .check_counts((0, false), (0, 0), (self.memories.len(), 1))?;
        let memory = MemoryEntity::new(ty, self.engine.config(), self.limits.memory_size)?;
        Ok(self.memories.push(memory))
    }

    // ---- tables ---------------------------------------------------------------------

    pub(crate) fn num_tables(&self) -> usize {
        self.tables.len()
    }

    pub(crate) fn table(&self, id: TableId) -> &TableEntity {
        &self.tables[id]
    }

    pub(crate) fn table_mut(&mut self, id: TableId) -> &mut TableEntity {
        &mut self.tables[id]
    }

    /// Mutable access to two distinct tables.
    pub(crate) fn two_tables_mut(
        &mut self,
        a: TableId,
        b: TableId,
    ) -> (&mut TableEntity, &mut TableEntity) {
        assert_ne!(a, b, "two distinct tables");
        let (first, second) = if a < b { (a, b) } else { (b, a) };
        let (lo, hi) = self.tables.as_mut_slice().split_at_mut(second.index());
        let (first, second) = (&mut lo[first.index()], &mut hi[0]);
        if a < b {
            (first, second)
        } else {
            (second, first)
        }
    }

    /// The type of table `id`, with its current size as minimum.
    pub(crate) fn table_type(&self, id: TableId) -> TableType {
        let t = self.table(id);
        t.ty().with_minimum(t.elems().len() as u64)
    }

    pub(super) fn push_table(&mut self, table: TableEntity) -> TableId {
        self.tables.push(table)
    }

    /// A new table of type `ty` filled with `init`, made by the host.
    ///
    /// # Errors
    ///
    /// When the store's limits are reached or the table cannot be allocated.
    pub(crate) fn new_table(&mut self, ty: TableType, init: u64) -> Result<TableId, ResourceError> {
        self.limits
            .check_counts((0, false), (self.tables.len(), 1), (0, 0))?;
        let table = TableEntity::new(ty, init, self.limits.table_elements)?;
        Ok(self.tables.push(table))
    }

    // ---- globals --------------------------------------------------------------------

    pub(crate) fn global(&self, id: GlobalId) -> &GlobalEntity {
        &self.globals[id]
    }

    pub(crate) fn global_mut(&mut self, id: GlobalId) -> &mut GlobalEntity {
        &mut self.globals[id]
    }

    pub(crate) fn push_global(&mut self, global: GlobalEntity) -> GlobalId {
        self.globals.push(global)
    }

    // ---- host functions and values ---------------------------------------------------

    /// Adds the reference of a host function of type `ty`, whose code is the store's
    /// host function of the next id (kept by the typed store, in the same order).
    /// `wasm_call` is its type's trampoline for compiled callers, null where the engine
    /// compiles nothing.
    pub(crate) fn push_host_func(
        &mut self,
        ty: FuncType,
        type_id: SharedTypeId,
        wasm_call: *const u8,
    ) -> FuncRef {
        let id = HostFuncId::from_usize(self.host_funcs.len());
        let mut data = Box::new(HostFuncData {
            funcref: VMFuncRef {
                code: AtomicPtr::new(core::ptr::null_mut()),
                vmctx: core::ptr::null_mut(),
                ty: core::ptr::null(),
                type_id,
                index: id.as_u32(),
                wasm_call,
                call_ctx: core::ptr::null_mut(),
                kind: FuncKind::Host,
            },
            ty,
        });
        data.funcref.ty = &data.ty;
        data.funcref.call_ctx = (&mut data.funcref as *mut VMFuncRef).cast();
        let funcref = FuncRef::new(NonNull::from(&data.funcref));
        self.host_funcs.push(data);
        funcref
    }

    /// Adds a host value for `externref`s.
    pub(crate) fn push_extern(&mut self, value: Box<dyn Any + Send + Sync>) -> ExternRefId {
        self.externs.push(value)
    }

    pub(crate) fn extern_value(&self, id: ExternRefId) -> &(dyn Any + Send + Sync) {
        &*self.externs[id]
    }

    // ---- footprint ------------------------------------------------------------------

    /// The bytes the store holds, by kind.
    pub(crate) fn footprint(&self) -> StoreFootprint {
        // Each module once, however many of the store's instances run it.
        let mut modules: Vec<&Arc<CompiledModule>> =
            self.instances.iter().map(InstanceData::module).collect();
        modules.sort_unstable_by_key(|m| Arc::as_ptr(m));
        modules.dedup_by_key(|m| Arc::as_ptr(m));
        let code = modules.iter().map(|m| m.code_bytes()).sum();
        let globals = self.globals.heap_bytes()
            + self.globals.len() * core::mem::size_of::<super::VMGlobal>();
        let host_funcs = self.host_funcs.heap_bytes()
            + self.host_funcs.len() * core::mem::size_of::<HostFuncData>();
        StoreFootprint {
            code,
            stacks: self.wasm_stack.bytes(),
            memories: self.memories.iter().map(MemoryEntity::byte_len).sum(),
            memory_reservations: self
                .memories
                .iter()
                .map(|m| m.reserved().saturating_sub(m.byte_len()))
                .sum(),
            tables: self.tables.iter().map(TableEntity::bytes).sum(),
            instances: self.instances.heap_bytes()
                + self
                    .instances
                    .iter()
                    .map(InstanceData::bytes)
                    .sum::<usize>()
                + self.memories.heap_bytes()
                + self.tables.heap_bytes()
                + globals
                + host_funcs
                + self.externs.heap_bytes()
                + self.exceptions.bytes(),
        }
    }

    // ---- tags and exceptions --------------------------------------------------------

    pub(crate) fn exceptions(&self) -> &Exceptions {
        &self.exceptions
    }

    pub(crate) fn exceptions_mut(&mut self) -> &mut Exceptions {
        &mut self.exceptions
    }
}
