//! The runtime data of a store: instances, functions, memories, tables, globals, and
//! the wasm stack. Entities live in vectors owned by the store; handles are indices.

mod instantiate;
mod stack;

use std::any::Any;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicPtr};
use std::sync::Arc;

pub(crate) use instantiate::instantiate;
pub(crate) use stack::ValueStack;

use crate::error::Trap;
use crate::ir::CompiledFunc;
use crate::module::ModuleInner;
use crate::stack::NativeBounds;
use crate::types::{FuncType, GlobalType, MemoryType, TableType};
use crate::Engine;
use crate::StoreLimits;

/// The size of a wasm page.
pub(crate) const PAGE_SIZE: usize = 65536;

/// The host side of a function: it reads its params from `cells` and writes its
/// results there. `cells` holds `max(params, results)` cells.
pub(crate) type HostFn<T> =
    Arc<dyn Fn(crate::Caller<'_, T>, &mut [u64]) -> Result<(), Trap> + Send + Sync>;

pub(crate) enum FuncKind {
    /// Defined function `index` (counting definitions only) of instance `instance`.
    Wasm {
        instance: u32,
        module: Arc<ModuleInner>,
        index: u32,
    },
    /// Host function `index` of the store's host-function list.
    Host { index: u32 },
}

pub(crate) struct FuncEntity {
    pub ty: FuncType,
    /// Engine-wide id of `ty`.
    pub type_id: u32,
    pub kind: FuncKind,
}

pub(crate) struct MemoryEntity {
    pub ty: MemoryType,
    /// The memory's bytes; its length is the current size.
    pub data: Vec<u8>,
}

/// `len` zero bytes, or `None` when they cannot be allocated. They come zeroed from
/// the allocator, which gets fresh pages from the OS zeroed already: a memory costs no
/// writes (and no page faults) until the guest touches it.
fn zeroed_bytes(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: the layout's size is not zero.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of `len` bytes, the
    // layout of a `Vec<u8>` of capacity `len`, and all `len` bytes are initialised.
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

impl MemoryEntity {
    /// A zero-filled memory of `ty`'s minimum size, which must not exceed `limit` bytes
    /// (the store's [`memory_limit`](StoreInner::memory_limit)).
    pub(crate) fn new(ty: MemoryType, limit: usize) -> Result<MemoryEntity, crate::Error> {
        let bytes = ty.minimum() as usize * PAGE_SIZE;
        if bytes > limit {
            return Err(crate::Error::Other(format!(
                "a memory of {} pages ({bytes} bytes) exceeds the store's memory limit of {limit} bytes",
                ty.minimum()
            )));
        }
        let data = zeroed_bytes(bytes).ok_or_else(|| {
            crate::Error::Other(format!(
                "cannot allocate a memory of {} pages",
                ty.minimum()
            ))
        })?;
        Ok(MemoryEntity { ty, data })
    }

    pub(crate) fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    /// Grows by `delta` pages; returns the old size, or `None` past the memory's maximum,
    /// past `limit` bytes (the store's [`memory_limit`](StoreInner::memory_limit)) or when
    /// the host cannot provide the memory.
    pub(crate) fn grow(&mut self, delta: u32, limit: usize) -> Option<u32> {
        let old = self.pages();
        let max = self.ty.maximum().unwrap_or(65536).min(65536);
        let new = old
            .checked_add(delta)
            .filter(|&n| n <= max && n as usize * PAGE_SIZE <= limit)?;
        let bytes = new as usize * PAGE_SIZE;
        self.data.try_reserve_exact(bytes - self.data.len()).ok()?;
        self.data.resize(bytes, 0);
        Some(old)
    }
}

pub(crate) struct TableEntity {
    pub ty: TableType,
    /// Reference cells: 0 is null.
    pub elems: Vec<u64>,
}

impl TableEntity {
    /// A table of type `ty` filled with `init`, unless its minimum exceeds `limit`
    /// elements or cannot be allocated.
    pub(crate) fn new(ty: TableType, init: u64, limit: u32) -> Result<TableEntity, crate::Error> {
        let len = ty.minimum();
        if len > limit {
            return Err(crate::Error::Other(format!(
                "a table of {len} elements exceeds the store's limit of {limit} elements"
            )));
        }
        let mut elems = Vec::new();
        elems.try_reserve_exact(len as usize).map_err(|_| {
            crate::Error::Other(format!("cannot allocate a table of {len} elements"))
        })?;
        elems.resize(len as usize, init);
        Ok(TableEntity { ty, elems })
    }

    /// Grows by `delta` entries of `init`; returns the old size, or `None` past the
    /// table's maximum or `limit` elements.
    pub(crate) fn grow(&mut self, delta: u32, init: u64, limit: u32) -> Option<u32> {
        let old = self.elems.len() as u32;
        let max = self.ty.maximum().unwrap_or(u32::MAX).min(limit);
        let new = old.checked_add(delta).filter(|&n| n <= max)?;
        self.elems.try_reserve_exact(delta as usize).ok()?;
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub bits: u128,
}

/// A global, allocated once so that its address never changes: instances hand the
/// executor raw pointers to their globals ([`GlobalPtr`]), which stay valid while the
/// store adds globals. Every access goes through the raw pointer, never through a
/// `Box`, so no unique borrow invalidates the executor's pointers.
pub(crate) struct GlobalBox(NonNull<GlobalEntity>);

impl GlobalBox {
    pub(crate) fn new(global: GlobalEntity) -> GlobalBox {
        // SAFETY: `Box::into_raw` never returns null.
        GlobalBox(unsafe { NonNull::new_unchecked(Box::into_raw(Box::new(global))) })
    }

    pub(crate) fn get(&self) -> &GlobalEntity {
        // SAFETY: the allocation lives as long as `self`; mutation needs `&mut self` or
        // runs in the executor, which holds the store mutably.
        unsafe { self.0.as_ref() }
    }

    pub(crate) fn get_mut(&mut self) -> &mut GlobalEntity {
        // SAFETY: as for `get`, and `&mut self` is exclusive.
        unsafe { self.0.as_mut() }
    }

    pub(crate) fn ptr(&self) -> GlobalPtr {
        GlobalPtr(self.0.as_ptr())
    }
}

impl Drop for GlobalBox {
    fn drop(&mut self) {
        // SAFETY: allocated by `Box::new` in `GlobalBox::new`, freed once, here.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

// SAFETY: a `GlobalBox` owns its global like a `Box` does.
unsafe impl Send for GlobalBox {}
// SAFETY: shared access only reads.
unsafe impl Sync for GlobalBox {}

/// A pointer to a global of the same store, for the executor.
#[derive(Clone, Copy)]
pub(crate) struct GlobalPtr(pub *mut GlobalEntity);

// SAFETY: only dereferenced by the executor, which holds the owning store mutably.
unsafe impl Send for GlobalPtr {}
// SAFETY: as above.
unsafe impl Sync for GlobalPtr {}

pub(crate) struct InstanceEntity {
    pub module: Arc<ModuleInner>,
    /// Store indices of the instance's functions, tables, memories and globals, in the
    /// module's index spaces.
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Pointers to the instance's globals, in the module's index space.
    pub global_ptrs: Box<[GlobalPtr]>,
    /// Element segments as reference cells; a dropped segment is empty.
    pub elems: Vec<Arc<[u64]>>,
    /// Whether each data segment was dropped.
    pub data_dropped: Vec<bool>,
    /// The translated code of each defined function, null until known here. Boxed, so
    /// that the executor can hold a pointer to it while instances are added.
    pub code: Box<[AtomicPtr<CompiledFunc>]>,
}

/// A store's data, apart from the host functions and the user data that depend on `T`.
pub(crate) struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub funcs: Vec<FuncEntity>,
    pub instances: Vec<InstanceEntity>,
    pub memories: Vec<MemoryEntity>,
    pub tables: Vec<TableEntity>,
    pub globals: Vec<GlobalBox>,
    pub externs: Vec<Box<dyn Any + Send + Sync>>,
    pub stack: ValueStack,
    /// Native stack bounds while the store runs wasm or a host function.
    pub native: NativeBounds,
    /// Resource limits of the store.
    pub limits: StoreLimits,
    /// Fuel left, when the engine consumes fuel.
    pub fuel: u64,
    /// Set by an [`InterruptHandle`](crate::InterruptHandle) to stop the running call.
    pub interrupt: Arc<AtomicBool>,
}

impl StoreInner {
    pub(crate) fn new(engine: &Engine) -> StoreInner {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        StoreInner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            engine: engine.clone(),
            funcs: Vec::new(),
            instances: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
            externs: Vec::new(),
            stack: ValueStack::new(engine.config().wasm_stack_size),
            native: NativeBounds::default(),
            limits: StoreLimits::default(),
            fuel: 0,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Checks the native stack at an entry into wasm from the host: a compare against
    /// the cached limit inside an activation (no stack used before it fails), the
    /// thread's record at the outermost entry.
    #[inline(always)]
    pub(crate) fn check_entry(&self) -> Result<(), Trap> {
        if self.native.limit != 0 {
            return self.native.check();
        }
        let limits = self.engine.config().stack_limits();
        crate::stack::check_outermost(crate::stack::stack_pointer(), limits.guard, limits)
    }

    /// Checks the native stack before an instantiation, which needs
    /// [`INSTANTIATION_STACK`](crate::stack::INSTANTIATION_STACK) or the guard, whichever
    /// is more.
    #[inline(always)]
    pub(crate) fn check_instantiation(&self) -> Result<(), Trap> {
        let limits = self.engine.config().stack_limits();
        let need = limits.guard.max(crate::stack::INSTANTIATION_STACK);
        if self.native.limit != 0 {
            return self.native.ensure(need);
        }
        crate::stack::check_outermost(crate::stack::stack_pointer(), need, limits)
    }
}
