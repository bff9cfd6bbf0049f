//! Instances of modules.

use crate::error::{Error, LinkError, Result};
use crate::index::InstanceId;
use crate::module::ExportKind;
use crate::prelude::*;
use crate::vm::Resolved;
use crate::{
    AsContext, AsContextMut, Engine, Extern, Func, Global, Memory, Module, Store, Table, Tag,
    TypedFunc, WasmParams, WasmResults,
};

/// An instance of a module in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: InstanceId,
}

impl Instance {
    /// Instantiates `module` with `imports`, given in the order of the module's imports,
    /// and runs its start function.
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when an import has the wrong type or count; [`Error::Resource`]
    /// past a limit of the store; [`Error::Trap`] when a segment does not fit or the
    /// start function traps.
    ///
    /// # Panics
    ///
    /// When an import belongs to another store.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        let store = store.as_context_mut();
        if let Err(trap) = store.inner.check_instantiation() {
            return Err(Error::Trap(trap));
        }
        instantiate(store, module, imports)
    }

    /// The export called `name`.
    ///
    /// # Panics
    ///
    /// When the instance belongs to another store.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let store = store.as_context();
        store.check_id(self.store_id);
        let instance = store.inner.instance(self.index);
        let kind = instance.module().info().export(name)?;
        let store_id = self.store_id;
        Some(match kind {
            ExportKind::Func(i) => Extern::Func(Func {
                store_id,
                funcref: instance.func_ref(i),
            }),
            ExportKind::Table(i) => Extern::Table(Table {
                store_id,
                index: instance.table_id(i),
            }),
            ExportKind::Memory(i) => Extern::Memory(Memory {
                store_id,
                index: instance.memory_id(i),
            }),
            ExportKind::Global(i) => Extern::Global(Global {
                store_id,
                index: instance.global_id(i),
            }),
            ExportKind::Tag(i) => Extern::Tag(Tag {
                store_id,
                id: instance.tag_id(i),
            }),
        })
    }

    /// The exported tag called `name`.
    pub fn get_tag(&self, store: impl AsContext, name: &str) -> Option<Tag> {
        self.get_export(store, name)?.into_tag()
    }

    /// The exported function called `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function called `name`, with static types.
    ///
    /// # Errors
    ///
    /// [`Error::Other`] when there is no such function, [`Error::Type`] when its type
    /// is not `Params -> Results`.
    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>> {
        let store = store.as_context();
        let func = self
            .get_func(store, name)
            .ok_or_else(|| Error::Other(format!("no exported function `{name}`")))?;
        func.typed(store)
    }

    /// The exported memory called `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported global called `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported table called `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// All exports, in the module's order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let store = store.as_context();
        store.check_id(self.store_id);
        let module = store.inner.instance(self.index).module().clone();
        module
            .info()
            .exports()
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), self.get_export(store, name)?)))
            .collect()
    }
}

/// Instantiates `module` in `store` with `imports` and runs its start function.
fn instantiate<T>(store: &mut Store<T>, module: &Module, imports: &[Extern]) -> Result<Instance> {
    if !Engine::same(module.engine(), store.engine()) {
        return Err(LinkError::EngineMismatch.into());
    }
    let resolved: Vec<Resolved> = imports
        .iter()
        .map(|ext| match *ext {
            Extern::Func(f) => {
                store.check_id(f.store_id);
                Resolved::Func(f.funcref)
            }
            Extern::Table(t) => {
                store.check_id(t.store_id);
                Resolved::Table(t.index)
            }
            Extern::Memory(m) => {
                store.check_id(m.store_id);
                Resolved::Memory(m.index)
            }
            Extern::Global(g) => {
                store.check_id(g.store_id);
                Resolved::Global(g.index)
            }
            Extern::Tag(t) => {
                store.check_id(t.store_id);
                Resolved::Tag(t.id)
            }
        })
        .collect();
    let index = store.inner.instantiate(&module.inner, &resolved)?;
    let instance = Instance {
        store_id: store.inner.id(),
        index,
    };
    if let Some(start) = module.inner.info().start() {
        let func = store.inner.instance(index).func_ref(start);
        let base = store.inner.wasm_stack().top();
        crate::exec::invoke(store, func, base)?;
    }
    Ok(instance)
}
