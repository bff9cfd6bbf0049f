//! Instances: a module's functions, memories, tables and globals in a store, reached
//! through the instance's vmctx, and how one is made (imports checked and wired into
//! the vmctx, definitions allocated, active segments applied). Running the start
//! function is the caller's part.

use crate::prelude::*;
use alloc::alloc::Layout;
use alloc::sync::Arc;
use core::ptr::NonNull;

use crate::error::{Error, LinkError, ResourceError, Trap, TrapKind};
use crate::index::{
    DataIndex, DefinedFuncIndex, ElemIndex, FuncIndex, GlobalId, GlobalIndex, IndexVec, InstanceId,
    MemoryId, MemoryIndex, TableId, TableIndex, TagId, TagIndex,
};
use crate::module::{ConstExpr, ConstVal, DataMode, ElemMode, ImportKind};
use crate::types::{ExternType, Mutability, TagType};

use super::vmctx::{VMContextHeader, VMCTX_ALIGN, VMCTX_MAGIC};
use super::{
    CompiledModule, FuncKind, FuncRef, GlobalEntity, MemoryEntity, StoreInner, TableEntity,
    TagEntity, VMContext, VMFuncRef, VMGlobal, VMOffsets,
};

/// An import resolved to an entity of the store.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved {
    Func(FuncRef),
    Table(TableId),
    Memory(MemoryId),
    Global(GlobalId),
    Tag(TagId),
}

/// An instance of a module in a store.
pub(crate) struct InstanceData {
    module: Arc<CompiledModule>,
    /// The instance's vmctx: an allocation of `module.offsets().size()` bytes that this
    /// instance owns and frees.
    vmctx: NonNull<VMContext>,
    /// The store's entities behind the module's memories, tables and globals.
    memories: IndexVec<MemoryIndex, MemoryId>,
    tables: IndexVec<TableIndex, TableId>,
    globals: IndexVec<GlobalIndex, GlobalId>,
    tags: IndexVec<TagIndex, TagId>,
    /// Element segments as reference cells; a dropped segment is empty.
    elems: IndexVec<ElemIndex, Arc<[u64]>>,
    /// Whether each data segment was dropped.
    dropped_datas: IndexVec<DataIndex, bool>,
}

// SAFETY: the vmctx is owned by the instance; its pointers reach only entities of the
// same store, which moves between threads as a whole.
unsafe impl Send for InstanceData {}
// SAFETY: shared access only reads.
unsafe impl Sync for InstanceData {}

impl InstanceData {
    pub(crate) fn module(&self) -> &Arc<CompiledModule> {
        &self.module
    }

    /// The instance's vmctx.
    #[inline(always)]
    pub(crate) fn vmctx(&self) -> *mut VMContext {
        self.vmctx.as_ptr()
    }

    /// The bytes the instance holds apart from its entities: its vmctx, the lists of
    /// its entities and its element segments.
    pub(crate) fn bytes(&self) -> usize {
        self.module.offsets().size()
            + self.memories.heap_bytes()
            + self.tables.heap_bytes()
            + self.globals.heap_bytes()
            + self.tags.heap_bytes()
            + self.elems.heap_bytes()
            + self
                .elems
                .iter()
                .map(|e| core::mem::size_of_val(&**e))
                .sum::<usize>()
            + self.dropped_datas.heap_bytes()
    }

    pub(crate) fn memory_id(&self, index: MemoryIndex) -> MemoryId {
        self.memories[index]
    }

    pub(crate) fn table_id(&self, index: TableIndex) -> TableId {
        self.tables[index]
    }

    pub(crate) fn global_id(&self, index: GlobalIndex) -> GlobalId {
        self.globals[index]
    }

    pub(crate) fn tag_id(&self, index: TagIndex) -> TagId {
        self.tags[index]
    }

    /// The reference to function `index`: an import's or one of the instance's own.
    pub(crate) fn func_ref(&self, index: FuncIndex) -> FuncRef {
        // SAFETY: the vmctx is live and laid out by the module's offsets.
        unsafe { func_ref(self.vmctx(), self.module.offsets(), index) }
    }

    /// Element segment `index`'s cells (empty once dropped).
    pub(crate) fn elem(&self, index: ElemIndex) -> &Arc<[u64]> {
        &self.elems[index]
    }

    pub(crate) fn drop_elem(&mut self, index: ElemIndex) {
        self.elems[index] = Arc::new([]);
    }

    /// Data segment `index`'s bytes (empty once dropped).
    pub(crate) fn data(&self, index: DataIndex) -> &[u8] {
        if self.dropped_datas[index] {
            return &[];
        }
        let range = self.module.info().datas()[index].bytes.clone();
        &self.module.bytes()[range]
    }

    pub(crate) fn drop_data(&mut self, index: DataIndex) {
        self.dropped_datas[index] = true;
    }
}

impl Drop for InstanceData {
    fn drop(&mut self) {
        // SAFETY: allocated by `allocate_vmctx` with this layout, freed once, here; the
        // instance's store (whose pointers into it are all that remain) is being dropped.
        unsafe {
            alloc::alloc::dealloc(
                self.vmctx.as_ptr().cast(),
                vmctx_layout(self.module.offsets()),
            )
        };
    }
}

fn vmctx_layout(offsets: &VMOffsets) -> Layout {
    Layout::from_size_align(offsets.size(), VMCTX_ALIGN).expect("a vmctx is smaller than 4 GiB")
}

/// The reference to function `index` of the instance whose vmctx is `vmctx`.
///
/// # Safety
///
/// `vmctx` is live and laid out by `offsets`, its imports written.
pub(crate) unsafe fn func_ref(
    vmctx: *mut VMContext,
    offsets: &VMOffsets,
    index: FuncIndex,
) -> FuncRef {
    let ptr = match crate::index::defined_func(offsets.num_imported_funcs(), index) {
        // SAFETY: guaranteed by the caller.
        Some(defined) => unsafe {
            VMContext::field::<VMFuncRef>(vmctx, offsets.defined_func(defined))
        },
        // SAFETY: as above; imported function pointers are never null.
        None => unsafe { *VMContext::field::<*mut VMFuncRef>(vmctx, offsets.imported_func(index)) },
    };
    FuncRef::new(NonNull::new(ptr).expect("function references are never null"))
}

/// Whether an entity of type `actual` may be imported where `expected` is declared.
fn import_matches(expected: &ExternType, actual: &ExternType) -> bool {
    fn limits(min: u64, max: Option<u64>, emin: u64, emax: Option<u64>) -> bool {
        min >= emin
            && match (emax, max) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(e), Some(a)) => a <= e,
            }
    }
    match (expected, actual) {
        (ExternType::Func(e), ExternType::Func(a)) => e == a,
        // A constant global may hold a subtype of what is expected; a mutable one must
        // hold exactly that type, since both sides can write it.
        (ExternType::Global(e), ExternType::Global(a)) => {
            e.mutability() == a.mutability()
                && match e.mutability() {
                    Mutability::Const => a.content().matches(e.content()),
                    Mutability::Var => a.content() == e.content(),
                }
        }
        (ExternType::Table(e), ExternType::Table(a)) => {
            e.element() == a.element()
                && e.is_64() == a.is_64()
                && limits(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        (ExternType::Memory(e), ExternType::Memory(a)) => {
            e.page_size_log2() == a.page_size_log2()
                && e.is_64() == a.is_64()
                && limits(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        (ExternType::Tag(e), ExternType::Tag(a)) => e == a,
        _ => false,
    }
}

impl StoreInner {
    /// The type of a resolved import, with tables' and memories' current sizes.
    pub(crate) fn resolved_type(&self, resolved: Resolved) -> ExternType {
        match resolved {
            // SAFETY: the function belongs to this store (checked by whoever resolved
            // it), which is alive.
            Resolved::Func(f) => ExternType::Func(unsafe { f.get().ty() }.clone()),
            Resolved::Table(t) => ExternType::Table(self.table_type(t)),
            Resolved::Memory(m) => ExternType::Memory(self.memory_type(m)),
            Resolved::Global(g) => ExternType::Global(self.global(g).ty()),
            Resolved::Tag(t) => ExternType::Tag(self.tag_type(t)),
        }
    }

    /// Instantiates `module` with `imports` (entities of this store, in the order of
    /// the module's imports) and applies its active segments. The start function is
    /// not run.
    ///
    /// # Errors
    ///
    /// A [`LinkError`] when an import does not match; a resource error when a limit is
    /// reached or memory cannot be had; a trap when a segment does not fit, in which
    /// case the instance exists and what the segments before it wrote stays, as the
    /// specification requires.
    pub(crate) fn instantiate(
        &mut self,
        module: &Arc<CompiledModule>,
        imports: &[Resolved],
    ) -> Result<InstanceId, Error> {
        let info = module.info();
        if imports.len() != info.imports().len() {
            return Err(LinkError::ImportCount {
                expected: info.imports().len(),
                found: imports.len(),
            }
            .into());
        }
        for (import, &resolved) in info.imports().iter().zip(imports) {
            let expected = match &import.kind {
                ImportKind::Func(t) => ExternType::Func(info.types()[*t].clone()),
                ImportKind::Table(t) => ExternType::Table(*t),
                ImportKind::Memory(m) => ExternType::Memory(*m),
                ImportKind::Global(g) => ExternType::Global(*g),
                ImportKind::Tag(t) => {
                    ExternType::Tag(TagType::from_func_type(info.types()[*t].clone()))
                }
            };
            let found = self.resolved_type(resolved);
            if !import_matches(&expected, &found) {
                return Err(LinkError::IncompatibleImport {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    expected,
                    found,
                }
                .into());
            }
            // Function types and tag types also match by identity: equal in shape is
            // not enough when either comes from a recursion group.
            let same_type = match (&import.kind, resolved) {
                // SAFETY: the function belongs to this store (checked by whoever
                // resolved it), which is alive.
                (ImportKind::Func(t), Resolved::Func(f)) => {
                    unsafe { f.get() }.type_id == info.type_id(*t)
                }
                (ImportKind::Tag(t), Resolved::Tag(tag)) => {
                    self.exceptions().tag(tag).type_id() == info.type_id(*t)
                }
                _ => true,
            };
            if !same_type {
                return Err(LinkError::DistinctType {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    expected,
                }
                .into());
            }
        }
        self.limits().check_counts(
            (self.num_instances(), true),
            (
                self.num_tables(),
                info.tables().len() - info.num_imported_tables() as usize,
            ),
            (
                self.num_memories(),
                info.memories().len() - info.num_imported_memories() as usize,
            ),
        )?;
        let mut instance = self.allocate_instance(module);
        self.wire_imports(&mut instance, imports);
        self.define_entities(&mut instance, module)?;
        if let Some(style) = module.memory_style() {
            // Compiled code leaves out the bounds checks a memory's guard region makes
            // unneeded: every memory it reaches must have been reserved as it assumed.
            for (index, &id) in instance.memories.iter_indexed() {
                if !self.memory(id).suits(style) {
                    return Err(ResourceError::Allocation {
                        what: format!("memory {} for compiled code", index.as_u32()),
                        reason: "it could not reserve the address space and guard region the \
                                 engine's configuration asks for (see Config::memory_reservation)"
                            .into(),
                    }
                    .into());
                }
            }
        }
        let id = self.push_instance(instance);
        self.apply_segments(id, module)?;
        Ok(id)
    }

    /// A new instance of `module` with a zeroed vmctx whose header and types are set.
    fn allocate_instance(&mut self, module: &Arc<CompiledModule>) -> InstanceData {
        let offsets = module.offsets();
        let layout = vmctx_layout(offsets);
        // SAFETY: the layout's size is at least the header's, not zero.
        let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
        let Some(vmctx) = NonNull::new(ptr.cast::<VMContext>()) else {
            alloc::alloc::handle_alloc_error(layout)
        };
        let info = module.info();
        let instance = InstanceData {
            module: module.clone(),
            vmctx,
            memories: IndexVec::new(),
            tables: IndexVec::new(),
            globals: IndexVec::new(),
            tags: IndexVec::new(),
            elems: IndexVec::new(),
            dropped_datas: info.datas().iter().map(|_| false).collect(),
        };
        let vmctx = instance.vmctx();
        // SAFETY: the vmctx is a fresh allocation laid out by `offsets`; every write
        // below is at one of its offsets, with the field's type.
        unsafe {
            vmctx.cast::<VMContextHeader>().write(VMContextHeader {
                magic: VMCTX_MAGIC,
                instance: InstanceId::from_usize(self.num_instances()),
                store: self.context_ptr(),
                module: Arc::as_ptr(module),
                builtins: self.builtins(),
            });
            for (index, &id) in info.type_ids().iter_indexed() {
                *VMContext::field(vmctx, offsets.type_id(index)) = id;
            }
            for (i, code) in (0..info.num_defined_funcs()).map(|i| {
                let i = DefinedFuncIndex::from_usize(i);
                (i, module.code_ready(i))
            }) {
                let ty_index = info.func_type_index(info.func_index(i));
                let slot = VMContext::field::<VMFuncRef>(vmctx, offsets.defined_func(i));
                // Compiled code calls a compiled function directly, with its vmctx; an
                // interpreted one through its type's trampoline, with its reference.
                let (kind, wasm_call, call_ctx) = match module.native() {
                    #[cfg(feature = "cranelift")]
                    Some(native) if module.is_compiled() => (
                        FuncKind::Compiled,
                        native.func_address(i) as *const u8,
                        vmctx.cast::<u8>(),
                    ),
                    native => (
                        FuncKind::Interpreted,
                        native.map_or(core::ptr::null(), |n| {
                            n.trampolines(ty_index).wasm_to_array as *const u8
                        }),
                        slot.cast::<u8>(),
                    ),
                };
                slot.write(VMFuncRef {
                    code: core::sync::atomic::AtomicPtr::new(
                        code.map_or(core::ptr::null_mut(), |c| c as *const _ as *mut _),
                    ),
                    vmctx,
                    ty: &info.types()[ty_index],
                    type_id: info.type_id(ty_index),
                    index: i.as_u32(),
                    wasm_call,
                    call_ctx,
                    kind,
                });
            }
        }
        instance
    }

    /// Points the vmctx at the imported entities.
    fn wire_imports(&self, instance: &mut InstanceData, imports: &[Resolved]) {
        let vmctx = instance.vmctx();
        let offsets = *instance.module.offsets();
        let mut funcs = 0;
        for &resolved in imports {
            // SAFETY: each write is at the offset of the next import of its kind, with
            // the field's type; the imports are the module's, in order (checked).
            unsafe {
                match resolved {
                    Resolved::Func(f) => {
                        *VMContext::field(
                            vmctx,
                            offsets.imported_func(FuncIndex::from_u32(funcs)),
                        ) = f.as_ptr();
                        funcs += 1;
                    }
                    Resolved::Table(t) => {
                        let index = instance.tables.push(t);
                        *VMContext::field(vmctx, offsets.table(index)) = self.table(t).definition();
                    }
                    Resolved::Memory(m) => {
                        let index = instance.memories.push(m);
                        *VMContext::field(vmctx, offsets.memory(index)) =
                            self.memory(m).definition();
                    }
                    Resolved::Global(g) => {
                        let index = instance.globals.push(g);
                        *VMContext::field(vmctx, offsets.global(index)) =
                            self.global(g).definition();
                    }
                    Resolved::Tag(t) => {
                        instance.tags.push(t);
                    }
                }
            }
        }
    }

    /// Creates the globals, tables, memories and element segments the module defines.
    fn define_entities(
        &mut self,
        instance: &mut InstanceData,
        module: &CompiledModule,
    ) -> Result<(), Error> {
        let info = module.info();
        let offsets = *module.offsets();
        let vmctx = instance.vmctx();
        for &ty in &info.tags().as_slice()[info.num_imported_tags() as usize..] {
            let tag = TagEntity::new(
                TagType::from_func_type(info.types()[ty].clone()),
                info.type_id(ty),
            );
            let id = self.exceptions_mut().push_tag(tag);
            instance.tags.push(id);
        }
        for (i, init) in info.global_inits().iter_indexed() {
            let ty = info.globals()[info.global_index(i)];
            // SAFETY (three blocks): the vmctx's imports and the entities defined so far
            // are written, which is all a constant expression may read.
            let bits = unsafe { eval(vmctx, &offsets, init) };
            let id = self.push_global(GlobalEntity::new(ty, bits));
            let index = instance.globals.push(id);
            // SAFETY: the global's offset, with its type.
            unsafe {
                *VMContext::field(vmctx, offsets.global(index)) = self.global(id).definition()
            };
        }
        for (i, init) in info.table_inits().iter_indexed() {
            let ty = info.tables()[info.table_index(i)];
            let init = init
                .as_ref()
                .map_or(0, |e| unsafe { eval(vmctx, &offsets, e) } as u64);
            let table = TableEntity::new(ty, init, self.limits().table_elements)?;
            let id = self.push_table(table);
            let index = instance.tables.push(id);
            // SAFETY: the table's offset, with its type.
            unsafe { *VMContext::field(vmctx, offsets.table(index)) = self.table(id).definition() };
        }
        let first_defined = info.num_imported_memories() as usize;
        for ty in &info.memories().as_slice()[first_defined..] {
            let memory = MemoryEntity::new(*ty, self.engine().config(), self.limits().memory_size)?;
            let id = self.push_memory(memory);
            let index = instance.memories.push(id);
            // SAFETY: the memory's offset, with its type.
            unsafe {
                *VMContext::field(vmctx, offsets.memory(index)) = self.memory(id).definition()
            };
        }
        for seg in info.elems().iter() {
            let items: Vec<u64> = seg
                .items
                .iter()
                .map(|e| unsafe { eval(vmctx, &offsets, e) } as u64)
                .collect();
            instance.elems.push(items.into());
        }
        Ok(())
    }

    /// Applies the active segments of instance `id`, in order: a failing one traps, and
    /// what earlier ones wrote stays, as the specification requires.
    fn apply_segments(&mut self, id: InstanceId, module: &CompiledModule) -> Result<(), Trap> {
        let info = module.info();
        let vmctx = self.instance(id).vmctx();
        let offsets = module.offsets();
        for (i, seg) in info.elems().iter_indexed() {
            let target = match &seg.mode {
                ElemMode::Passive => continue,
                ElemMode::Declared => None,
                // SAFETY: the instance is complete.
                ElemMode::Active { table, offset } => {
                    Some((*table, unsafe { eval(vmctx, offsets, offset) } as u64))
                }
            };
            let instance = self.instance_mut(id);
            let items = instance.elem(i).clone();
            instance.drop_elem(i);
            if let Some((table, offset)) = target {
                let table = instance.table_id(table);
                let elems = self.table_mut(table).elems_mut();
                let dst = usize::try_from(offset)
                    .ok()
                    .and_then(|offset| elems.get_mut(offset..))
                    .and_then(|rest| rest.get_mut(..items.len()))
                    .ok_or(TrapKind::TableOutOfBounds)?;
                dst.copy_from_slice(&items);
            }
        }
        for (i, seg) in info.datas().iter_indexed() {
            let DataMode::Active { memory, offset } = &seg.mode else {
                continue;
            };
            // SAFETY: the instance is complete. An offset into a 32-bit memory or
            // table is zero-extended, one into a 64-bit one is whole.
            let offset = unsafe { eval(vmctx, offsets, offset) } as u64;
            let instance = self.instance_mut(id);
            instance.drop_data(i);
            let memory = instance.memory_id(*memory);
            let bytes = &module.bytes()[seg.bytes.clone()];
            let data = self.memory_mut(memory).data_mut();
            let dst = usize::try_from(offset)
                .ok()
                .and_then(|offset| data.get_mut(offset..))
                .and_then(|rest| rest.get_mut(..bytes.len()))
                .ok_or(TrapKind::MemoryOutOfBounds)?;
            dst.copy_from_slice(bytes);
        }
        Ok(())
    }
}

/// Evaluates a constant expression of the instance whose vmctx is `vmctx`: its cells as
/// one 128-bit word (a function reference is its `VMFuncRef`'s address).
///
/// # Safety
///
/// `vmctx` is laid out by `offsets`, and every global and function the expression may
/// name is written in it.
unsafe fn eval(vmctx: *mut VMContext, offsets: &VMOffsets, expr: &ConstExpr) -> u128 {
    let value = expr.eval(|g| {
        // SAFETY: guaranteed by the caller.
        let global = unsafe { *VMContext::field::<*mut VMGlobal>(vmctx, offsets.global(g)) };
        // SAFETY: global pointers in a vmctx point at live globals of its store.
        ConstVal::Bits(unsafe { (*global).bits })
    });
    match value {
        ConstVal::Bits(bits) => bits,
        ConstVal::Null => 0,
        // SAFETY: guaranteed by the caller.
        ConstVal::Func(f) => u128::from(unsafe { func_ref(vmctx, offsets, f) }.to_cell()),
    }
}
