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
///
/// Types are interned by recursion group, as the specification canonicalises them:
/// two types are the same when their groups have the same shape and they sit at the
/// same place in it. A type outside any explicit group is a group of its own, so equal
/// plain function types (a host function's, a module's) share one id, while two
/// `(func)` types of one group have two.
#[derive(Default)]
struct TypeRegistry {
    /// The id of each group's first type; the others follow it.
    groups: HashMap<Box<[GroupType]>, SharedTypeId>,
    types: Vec<FuncType>,
}

/// A function type of a recursion group, as the registry keys it: its value types,
/// params first, with references to the group's own types by position.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct GroupType {
    pub(crate) types: Box<[GroupVal]>,
    pub(crate) num_params: usize,
}

/// A value type in a [`GroupType`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum GroupVal {
    /// A type that names no type of the group (concrete references to earlier groups
    /// by their interned ids).
    Val(crate::ValType),
    /// A reference to the group's type at `index`.
    InGroup { nullable: bool, index: u32 },
}

impl GroupType {
    /// The key of `ty` as a group of its own, which cannot name itself.
    fn alone(ty: &FuncType) -> GroupType {
        GroupType {
            types: ty
                .params()
                .iter()
                .chain(ty.results())
                .map(|&t| GroupVal::Val(t))
                .collect(),
            num_params: ty.params().len(),
        }
    }

    /// The function type, with the group's types `first`, `first + 1`, ...
    fn resolve(&self, first: SharedTypeId) -> FuncType {
        let resolve = |v: &GroupVal| match *v {
            GroupVal::Val(t) => t,
            GroupVal::InGroup { nullable, index } => crate::ValType::Ref(crate::RefType::new(
                nullable,
                crate::HeapType::Concrete(FuncTypeId(SharedTypeId::from_u32(
                    first.as_u32() + index,
                ))),
            )),
        };
        let (params, results) = self.types.split_at(self.num_params);
        FuncType::new(params.iter().map(resolve), results.iter().map(resolve))
    }
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

    /// The id of function type `ty` as a group of its own (a host function's type, or
    /// a plain type of a module).
    pub(crate) fn intern_type(&self, ty: &FuncType) -> SharedTypeId {
        self.inner
            .types
            .lock()
            .intern(Box::new([GroupType::alone(ty)]))
    }

    /// The id of the first type of recursion group `group`, and the function types of
    /// the group; the ids of the others follow the first.
    pub(crate) fn intern_group_types(
        &self,
        group: Box<[GroupType]>,
    ) -> (SharedTypeId, Vec<FuncType>) {
        let len = group.len();
        let mut reg = self.inner.types.lock();
        let first = reg.intern(group);
        let start = first.index();
        (first, reg.types[start..start + len].to_vec())
    }
}

impl TypeRegistry {
    /// The id of the first type of recursion group `group`, registering the group's
    /// types when it is new.
    fn intern(&mut self, group: Box<[GroupType]>) -> SharedTypeId {
        if let Some(&first) = self.groups.get(&group) {
            return first;
        }
        let first = SharedTypeId::from_usize(self.types.len());
        for ty in group.iter() {
            let resolved = ty.resolve(first);
            self.types.push(resolved);
        }
        self.groups.insert(group, first);
        first
    }
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("config", self.config())
            .finish()
    }
}
