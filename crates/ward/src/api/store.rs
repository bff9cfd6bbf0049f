//! Stores and the contexts through which handles reach them.

use crate::vm::{HostFn, StoreInner};
use crate::{Engine, Extern, Func, Global, Memory, Table};

/// All the runtime data of a group of instances: their functions, memories, tables,
/// globals and wasm stack, plus user data of type `T` that host functions can reach.
///
/// Handles ([`Func`], [`Memory`], ...) belong to the store that made them; using one
/// with another store panics.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<HostFn<T>>,
    pub(crate) data: T,
}

impl<T> Store<T> {
    /// A new, empty store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner::new(engine),
            hosts: Vec::new(),
            data,
        }
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The user data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The user data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Caps every linear memory of the store at `max_bytes` bytes (whole pages of 64 KiB
    /// count; a partial page does not fit). Past the cap `memory.grow` returns -1 and
    /// [`Memory::grow`] fails, as past a memory's own maximum; creating or instantiating
    /// a memory whose minimum size exceeds the cap fails with [`Error::Other`](crate::Error).
    /// Memories already larger than the cap keep their size. No cap by default.
    pub fn limit_memory(&mut self, max_bytes: usize) {
        self.inner.memory_limit = max_bytes;
    }

    /// Consumes the store and returns its user data.
    pub fn into_data(self) -> T {
        self.data
    }

    fn check(&self, store_id: u64) {
        assert_eq!(
            store_id, self.inner.id,
            "a ward object was used with a store other than the one that owns it"
        );
    }

    pub(crate) fn func_index(&self, f: Func) -> u32 {
        self.check(f.store_id);
        f.index
    }

    pub(crate) fn memory_index(&self, m: Memory) -> u32 {
        self.check(m.store_id);
        m.index
    }

    pub(crate) fn table_index(&self, t: Table) -> u32 {
        self.check(t.store_id);
        t.index
    }

    pub(crate) fn global_index(&self, g: Global) -> u32 {
        self.check(g.store_id);
        g.index
    }

    pub(crate) fn check_id(&self, store_id: u64) {
        self.check(store_id);
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id)
            .finish_non_exhaustive()
    }
}

/// Read access to a [`Store`]: implemented by `Store`, [`Caller`] and references to them.
pub trait AsContext {
    /// The store's user data type.
    type Data;
    /// The store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Write access to a [`Store`].
pub trait AsContextMut: AsContext {
    /// The store, mutably.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    #[inline(always)]
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    #[inline(always)]
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    #[inline(always)]
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}

impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    #[inline(always)]
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}

impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    #[inline(always)]
    fn as_context_mut(&mut self) -> &mut Store<S::Data> {
        (**self).as_context_mut()
    }
}

/// What a host function sees of its caller: the store, and the instance that called it.
pub struct Caller<'a, T> {
    store: &'a mut Store<T>,
    instance: Option<u32>,
}

impl<'a, T> Caller<'a, T> {
    pub(crate) fn new(store: &'a mut Store<T>, instance: Option<u32>) -> Self {
        Caller { store, instance }
    }

    /// The store's user data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The store's user data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// Checks that `bytes` of native stack remain free below the current stack
    /// pointer, for a host function about to do deep work (recursion, large buffers,
    /// calls into libraries that use much stack).
    ///
    /// # Errors
    ///
    /// A [`TrapKind::NativeStackOverflow`](crate::TrapKind) trap when they do not; return
    /// it from the host function and the call ends cleanly.
    pub fn ensure_native_stack(&self, bytes: usize) -> Result<(), crate::Trap> {
        self.store.inner.native.ensure(bytes)
    }

    /// An export of the calling instance; `None` when the host function was called
    /// from the host rather than from wasm, or there is no such export.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let instance = crate::Instance {
            store_id: self.store.inner.id,
            index: self.instance?,
        };
        instance.get_export(&*self.store, name)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    #[inline(always)]
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    #[inline(always)]
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}
