//! Stores and the contexts through which handles reach them.

use crate::prelude::*;
use alloc::sync::Arc;

use crate::error::Trap;
use crate::exec::Host;
use crate::index::{HostFuncId, InstanceId};
use crate::vm::{StoreFootprint, StoreInner, StoreLimits, VMStoreContext};
use crate::{Engine, Extern};

/// The host side of a function: it reads its params from `cells` and writes its
/// results there. `cells` holds `max(params, results)` cells.
pub(crate) type HostFn<T> =
    Arc<dyn Fn(Caller<'_, T>, &mut [u64]) -> Result<(), Trap> + Send + Sync>;

/// All the runtime data of a group of instances: their functions, memories, tables,
/// globals and wasm stack, plus user data of type `T` that host functions can reach.
///
/// Handles ([`Func`](crate::Func), [`Memory`](crate::Memory), ...) belong to the store
/// that made them; using one with another store panics.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    /// The code of each host function, in the order of the store's host functions.
    hosts: Vec<HostFn<T>>,
    data: T,
}

/// The executor calls host functions through this: it never names `Store<T>`.
impl<T> Host for Store<T> {
    #[inline(always)]
    fn inner(&mut self) -> &mut StoreInner {
        &mut self.inner
    }

    fn call_host(
        &mut self,
        id: HostFuncId,
        window: &mut [u64],
        caller: Option<InstanceId>,
    ) -> Result<(), Trap> {
        let host = self.hosts[id.index()].clone();
        host(Caller::new(self, caller), window)
    }
}

impl<T> Store<T> {
    /// A new, empty store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner::new(engine, crate::exec::builtins()),
            hosts: Vec::new(),
            data,
        }
    }

    /// The engine the store belongs to.
    pub fn engine(&self) -> &Engine {
        self.inner.engine()
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
    /// count; a partial page does not fit): a shorthand for [`Store::set_limits`] with
    /// only [`StoreLimits::memory_size`] changed.
    pub fn limit_memory(&mut self, max_bytes: usize) {
        let mut limits = self.inner.limits();
        limits.memory_size = max_bytes;
        self.inner.set_limits(limits);
    }

    /// Sets the store's resource limits. Growth past a limit makes `memory.grow` and
    /// `table.grow` return -1 (and [`Memory::grow`](crate::Memory::grow) and
    /// [`Table::grow`](crate::Table::grow) fail); creating a memory, table or instance
    /// past a limit fails with [`Error::Resource`](crate::Error::Resource). Entities
    /// that exist already keep their size. No limits by default.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.inner.set_limits(limits);
    }

    /// The store's resource limits.
    pub fn limits(&self) -> StoreLimits {
        self.inner.limits()
    }

    /// The bytes the store holds: code, the wasm stack, memories, tables and
    /// instances (see [`StoreFootprint`]). It takes a walk over the store's entities.
    pub fn footprint(&self) -> StoreFootprint {
        self.inner.footprint()
    }

    /// Sets the fuel the store's wasm may consume.
    ///
    /// # Errors
    ///
    /// [`Error::Other`](crate::Error) when the engine does not consume fuel
    /// ([`Config::consume_fuel`](crate::Config::consume_fuel)).
    pub fn set_fuel(&mut self, fuel: u64) -> crate::Result<()> {
        self.fuel_enabled()?;
        self.inner.set_fuel(fuel);
        Ok(())
    }

    /// The fuel left.
    ///
    /// # Errors
    ///
    /// [`Error::Other`](crate::Error) when the engine does not consume fuel.
    pub fn get_fuel(&self) -> crate::Result<u64> {
        self.fuel_enabled()?;
        Ok(self.inner.fuel())
    }

    fn fuel_enabled(&self) -> crate::Result<()> {
        if self.inner.engine().config().get_consume_fuel() {
            Ok(())
        } else {
            Err(crate::Error::Other(
                "fuel is not enabled: set Config::consume_fuel".into(),
            ))
        }
    }

    /// A handle that stops the store's running call from another thread.
    ///
    /// # Errors
    ///
    /// [`Error::Other`](crate::Error) when the engine is not interruptible
    /// ([`Config::interruptible`](crate::Config::interruptible)).
    pub fn interrupt_handle(&self) -> crate::Result<InterruptHandle> {
        if !self.inner.engine().config().get_interruptible() {
            return Err(crate::Error::Other(
                "interruption is not enabled: set Config::interruptible".into(),
            ));
        }
        Ok(InterruptHandle {
            context: self.inner.shared_context().clone(),
        })
    }

    /// Consumes the store and returns its user data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Panics unless `store_id` is this store's.
    pub(crate) fn check_id(&self, store_id: u64) {
        assert_eq!(
            store_id,
            self.inner.id(),
            "a ward object was used with a store other than the one that owns it"
        );
    }

    /// The type-independent part and the user data, both mutably.
    pub(crate) fn inner_and_data_mut(&mut self) -> (&mut StoreInner, &mut T) {
        (&mut self.inner, &mut self.data)
    }

    /// Adds a host function's code; it is the store's host function of the next id.
    pub(crate) fn push_host(&mut self, host: HostFn<T>) {
        self.hosts.push(host);
    }
}

impl<T> core::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("id", &self.inner.id())
            .finish_non_exhaustive()
    }
}

/// Stops a store's running call from any thread: the call traps with
/// [`TrapKind::Interrupted`](crate::TrapKind) at its next loop iteration or function
/// call. An interrupt that arrives while nothing runs stops the next call at its first
/// check. Cheap to clone.
#[derive(Debug, Clone)]
pub struct InterruptHandle {
    context: Arc<VMStoreContext>,
}

impl InterruptHandle {
    /// Asks the running call to stop.
    pub fn interrupt(&self) {
        self.context
            .interrupt
            .store(true, core::sync::atomic::Ordering::Relaxed);
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
    instance: Option<InstanceId>,
}

impl<'a, T> Caller<'a, T> {
    pub(crate) fn new(store: &'a mut Store<T>, instance: Option<InstanceId>) -> Self {
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
        self.store.inner.native_bounds().ensure(bytes)
    }

    /// An export of the calling instance; `None` when the host function was called
    /// from the host rather than from wasm, or there is no such export.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let instance = crate::Instance {
            store_id: self.store.inner.id(),
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
