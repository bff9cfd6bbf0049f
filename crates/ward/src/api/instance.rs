//! Instances of modules.

use crate::error::{Error, Result};
use crate::module::ExportKind;
use crate::{
    AsContext, AsContextMut, Extern, Func, Global, Memory, Module, Table, TypedFunc, WasmParams,
    WasmResults,
};

/// An instance of a module in a store.
#[derive(Debug, Clone, Copy)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports`, given in the order of the module's imports.
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when an import has the wrong type or count; [`Error::Trap`] when
    /// a segment does not fit or the start function traps.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        let store = store.as_context_mut();
        if let Err(trap) = store.inner.check_instantiation() {
            return Err(crate::Error::Trap(trap));
        }
        crate::vm::instantiate(store, module, imports)
    }

    /// The export called `name`.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let store = store.as_context();
        store.check_id(self.store_id);
        let instance = &store.inner.instances[self.index as usize];
        let info = &instance.module.info;
        let kind = info.exports[*info.export_index.get(name)?].1;
        let store_id = self.store_id;
        Some(match kind {
            ExportKind::Func(i) => Extern::Func(Func {
                store_id,
                index: instance.funcs[i as usize],
            }),
            ExportKind::Table(i) => Extern::Table(Table {
                store_id,
                index: instance.tables[i as usize],
            }),
            ExportKind::Memory(i) => Extern::Memory(Memory {
                store_id,
                index: instance.memories[i as usize],
            }),
            ExportKind::Global(i) => Extern::Global(Global {
                store_id,
                index: instance.globals[i as usize],
            }),
        })
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
        let module = store.inner.instances[self.index as usize].module.clone();
        module
            .info
            .exports
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), self.get_export(store, name)?)))
            .collect()
    }
}
