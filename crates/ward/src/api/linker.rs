//! The linker: named definitions that resolve a module's imports.

use crate::prelude::HashMap;
use crate::prelude::*;

use crate::api::store::HostFn;
use crate::error::{Error, LinkError, Result, Trap};
use crate::{
    AsContext, AsContextMut, Caller, Engine, Extern, FuncType, Instance, IntoFunc, Module, Store,
    Val,
};

/// A definition: an extern of one store, or a host function made anew in each store.
enum Definition<T> {
    Extern(Extern),
    Host(FuncType, HostFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(ty, f) => Definition::Host(ty.clone(), f.clone()),
        }
    }
}

/// Resolves imports by module and field name, and instantiates modules with them.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: HashMap::new(),
            allow_shadowing: false,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a definition may replace an earlier one of the same name (off by default).
    pub fn allow_shadowing(&mut self, yes: bool) -> &mut Self {
        self.allow_shadowing = yes;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.defs.contains_key(&key) {
            return Err(LinkError::AlreadyDefined {
                module: module.to_string(),
                name: name.to_string(),
            }
            .into());
        }
        self.defs.insert(key, def);
        Ok(self)
    }

    /// Defines a host function from a Rust closure (see [`Func::wrap`](crate::Func::wrap)).
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when the name is taken and shadowing is off.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, host) = f.into_func();
        self.insert(module, name, Definition::Host(ty, host))
    }

    /// Defines a host function with a dynamic signature (see [`Func::new`](crate::Func::new)).
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when the name is taken and shadowing is off.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host: HostFn<T> = crate::api::func::untyped_host(ty.clone(), f);
        self.insert(module, name, Definition::Host(ty, host))
    }

    /// Defines `item` (an extern of one store) under `module::name`.
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when the name is taken and shadowing is off.
    pub fn define(
        &mut self,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines every export of `instance` under the module name `module`.
    ///
    /// # Errors
    ///
    /// [`Error::Link`] when a name is taken and shadowing is off.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        for (name, ext) in instance.exports(store) {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// Instantiates `module` and defines its exports under `module_name`.
    ///
    /// # Errors
    ///
    /// As [`Linker::instantiate`] and [`Linker::instance`].
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        module: &Module,
    ) -> Result<&mut Self> {
        let instance = self.instantiate(&mut store, module)?;
        self.instance(&store, module_name, instance)
    }

    /// The definition of `module::name` as an extern of `store`.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.defs.get(&(module.to_string(), name.to_string()))?;
        Some(self.resolve(store.as_context_mut(), def))
    }

    fn resolve(&self, store: &mut Store<T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => *e,
            Definition::Host(ty, host) => {
                Extern::Func(store.add_host_func(ty.clone(), host.clone()))
            }
        }
    }

    /// Instantiates `module`, resolving each import by its module and field name.
    ///
    /// # Errors
    ///
    /// [`Error::Link`] naming the first import that is not defined (with its expected
    /// type) or has the wrong type; else as [`Instance::new`].
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let store = store.as_context_mut();
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let def = self
                .defs
                .get(&(import.module().to_string(), import.name().to_string()))
                .ok_or_else(|| -> Error {
                    LinkError::UnknownImport {
                        module: import.module().to_string(),
                        name: import.name().to_string(),
                        expected: import.ty(),
                    }
                    .into()
                })?;
            imports.push(self.resolve(store, def));
        }
        Instance::new(store, module, &imports)
    }
}
