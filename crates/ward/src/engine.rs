//! The engine: configuration and the registry of function types shared by its stores.

use crate::prelude::HashMap;
use crate::prelude::Mutex;
use crate::prelude::*;
use alloc::sync::Arc;

use crate::index::SharedTypeId;
use crate::{Config, FuncType, FuncTypeId};

/// Compiles modules and hosts stores; cheap to clone (a shared handle).
#[derive(Clone, Default)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Default)]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
    /// Trampolines through which compiled code calls host functions, by type: each
    /// one's address and the code that holds it (kept as long as the engine).
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    host_trampolines: Mutex<HashMap<SharedTypeId, HostTrampoline>>,
}

type HostTrampoline = (usize, Box<dyn core::any::Any + Send + Sync>);

/// Function types interned to small ids, so a `call_indirect` signature check is one
/// integer compare, across modules and host functions of the same engine.
#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, SharedTypeId>,
    types: Vec<FuncType>,
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: &Config) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: Mutex::default(),
                host_trampolines: Mutex::default(),
            }),
        }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Whether two handles refer to the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The address of the host trampoline of type `id`, made by `make` the first time.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn host_trampoline(
        &self,
        id: SharedTypeId,
        make: impl FnOnce() -> crate::Result<HostTrampoline>,
    ) -> crate::Result<usize> {
        let mut trampolines = self.inner.host_trampolines.lock();
        if let Some((address, _)) = trampolines.get(&id) {
            return Ok(*address);
        }
        let (address, code) = make()?;
        trampolines.insert(id, (address, code));
        Ok(address)
    }

    /// The address of the host trampoline of type `id`, if the engine has one.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn cached_host_trampoline(&self, id: SharedTypeId) -> Option<usize> {
        let trampolines = self.inner.host_trampolines.lock();
        trampolines.get(&id).map(|(address, _)| *address)
    }

    /// Offers trampolines (type id and address) for host functions of the types that
    /// do not have one yet, each kept alive by a clone of `owner`.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn offer_host_trampolines<O: Clone + Send + Sync + 'static>(
        &self,
        trampolines: impl IntoIterator<Item = (SharedTypeId, usize)>,
        owner: &O,
    ) {
        let mut cache = self.inner.host_trampolines.lock();
        for (id, address) in trampolines {
            cache
                .entry(id)
                .or_insert_with(|| (address, Box::new(owner.clone())));
        }
    }

    /// The id of function type `ty` in this engine: the heap type of typed references
    /// to functions of that type ([`HeapType::Concrete`](crate::HeapType::Concrete)).
    pub fn func_type_id(&self, ty: &FuncType) -> FuncTypeId {
        FuncTypeId(self.intern_type(ty))
    }

    /// The function type with id `id`, if it is one of this engine's.
    pub fn func_type(&self, id: FuncTypeId) -> Option<FuncType> {
        let reg = self.inner.types.lock();
        reg.types.get(id.0.index()).cloned()
    }

    pub(crate) fn intern_type(&self, ty: &FuncType) -> SharedTypeId {
        let mut reg = self.inner.types.lock();
        if let Some(&id) = reg.ids.get(ty) {
            return id;
        }
        let id = SharedTypeId::from_usize(reg.types.len());
        reg.types.push(ty.clone());
        reg.ids.insert(ty.clone(), id);
        id
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("config", self.config())
            .finish()
    }
}
