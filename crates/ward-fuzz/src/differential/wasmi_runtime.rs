//! wasmi 2 and wasmi 1 behind the differential target's [`Runtime`] trait.
//!
//! Their APIs are the same but for how a null reference is spelled and built; one
//! macro writes both adapters, and those differences come in as arguments.

/// Writes the module `$module` adapting the wasmi crate `$wasmi`:
/// - `$null` is a null reference as a `Val` field (`Nullable::Null` or `Ref::Null`);
/// - `$zero` is the zero value of a `ValType`;
/// - `$null_elem` is a table's initial null element given its `TableType`;
/// - `$elem_is_null` tells whether an element `Table::get` returned is null.
macro_rules! wasmi_runtime {
    (
        $module:ident, $wasmi:ident, $name:literal,
        null: $null:expr,
        zero: $zero:expr,
        null_elem: $null_elem:expr,
        elem_is_null: $elem_is_null:expr $(,)?
    ) => {
        pub(crate) mod $module {
            use $wasmi as wasmi;

            use super::super::{Item, Outcome, Runtime, Snapshot, TrapCode, Value};
            use crate::smith::Arg;

            /// Limits at least as generous as ward's in this target.
            const MAX_RECURSION_DEPTH: usize = 100_000;
            const MAX_STACK_HEIGHT: usize = 8 << 20;

            pub(crate) struct WasmiRuntime {
                store: wasmi::Store<()>,
                module: wasmi::Module,
                instance: Option<wasmi::Instance>,
            }

            /// Loads `wasm`; `None` when this wasmi rejects it.
            pub(crate) fn load(wasm: &[u8], eager: bool) -> Option<Box<dyn Runtime>> {
                let mut config = wasmi::Config::default();
                config
                    .set_max_recursion_depth(MAX_RECURSION_DEPTH)
                    .set_max_stack_height(MAX_STACK_HEIGHT)
                    .wasm_memory64(true)
                    .compilation_mode(if eager {
                        wasmi::CompilationMode::Eager
                    } else {
                        wasmi::CompilationMode::Lazy
                    });
                let engine = wasmi::Engine::new(&config);
                let module = wasmi::Module::new(&engine, wasm).ok()?;
                Some(Box::new(WasmiRuntime {
                    store: wasmi::Store::new(&engine, ()),
                    module,
                    instance: None,
                }))
            }

            impl WasmiRuntime {
                fn instance(&self) -> wasmi::Instance {
                    self.instance.expect("instantiated")
                }

                /// Instantiates with a dummy for each import, like ward's harness.
                fn try_instantiate(&mut self) -> Result<wasmi::Instance, wasmi::Error> {
                    let store = &mut self.store;
                    let mut linker = wasmi::Linker::new(store.engine());
                    for import in self.module.imports() {
                        let (from, name) = (import.module(), import.name());
                        match import.ty() {
                            wasmi::ExternType::Func(ty) => {
                                let results = ty.results().to_vec();
                                linker.func_new(from, name, ty.clone(), move |_, _, out| {
                                    for (out, ty) in out.iter_mut().zip(&results) {
                                        *out = $zero(*ty);
                                    }
                                    Ok(())
                                })?;
                            }
                            wasmi::ExternType::Global(ty) => {
                                let global = wasmi::Global::new(
                                    &mut *store,
                                    $zero(ty.content()),
                                    ty.mutability(),
                                );
                                linker.define(from, name, global)?;
                            }
                            wasmi::ExternType::Table(ty) => {
                                let table = wasmi::Table::new(&mut *store, *ty, $null_elem(ty))?;
                                linker.define(from, name, table)?;
                            }
                            wasmi::ExternType::Memory(ty) => {
                                let memory = wasmi::Memory::new(&mut *store, *ty)?;
                                linker.define(from, name, memory)?;
                            }
                        }
                    }
                    linker.instantiate_and_start(&mut *store, &self.module)
                }
            }

            impl Runtime for WasmiRuntime {
                fn name(&self) -> &'static str {
                    $name
                }

                fn instantiate(&mut self) -> Outcome {
                    match self.try_instantiate() {
                        Ok(instance) => {
                            self.instance = Some(instance);
                            Outcome::Returned(Vec::new())
                        }
                        Err(err) => failure(&err),
                    }
                }

                fn call(&mut self, name: &str, args: &[Arg]) -> Outcome {
                    let Some(func) = self.instance().get_func(&self.store, name) else {
                        return Outcome::Failed(format!("no function export `{name}`"));
                    };
                    let ty = func.ty(&self.store);
                    let args: Vec<wasmi::Val> = args.iter().copied().map(val).collect();
                    let mut results: Vec<wasmi::Val> =
                        ty.results().iter().map(|t| $zero(*t)).collect();
                    match func.call(&mut self.store, &args, &mut results) {
                        Ok(()) => Outcome::Returned(results.iter().map(value).collect()),
                        Err(err) => failure(&err),
                    }
                }

                fn snapshot(&self) -> Snapshot<'_> {
                    let instance = self.instance();
                    instance
                        .exports(&self.store)
                        .map(|export| {
                            let name = export.name().to_string();
                            let item = match export.into_extern() {
                                wasmi::Extern::Func(_) => Item::Func,
                                wasmi::Extern::Global(global) => {
                                    Item::Global(value(&global.get(&self.store)))
                                }
                                wasmi::Extern::Memory(memory) => {
                                    Item::Memory(memory.data(&self.store))
                                }
                                wasmi::Extern::Table(table) => Item::Table(
                                    (0..table.size(&self.store))
                                        .map(|i| $elem_is_null(table.get(&self.store, i)))
                                        .collect(),
                                ),
                            };
                            (name, item)
                        })
                        .collect()
                }
            }

            fn val(arg: Arg) -> wasmi::Val {
                match arg {
                    Arg::I32(v) => wasmi::Val::I32(v),
                    Arg::I64(v) => wasmi::Val::I64(v),
                    Arg::F32(bits) => wasmi::Val::F32(wasmi::F32::from_bits(bits)),
                    Arg::F64(bits) => wasmi::Val::F64(wasmi::F64::from_bits(bits)),
                    Arg::NullFunc => wasmi::Val::FuncRef($null),
                    Arg::NullExtern => wasmi::Val::ExternRef($null),
                    Arg::NullExn => panic!("a differential module uses exnref"),
                }
            }

            fn value(val: &wasmi::Val) -> Value {
                match val {
                    wasmi::Val::I32(v) => Value::I32(*v),
                    wasmi::Val::I64(v) => Value::I64(*v),
                    wasmi::Val::F32(v) => Value::F32(v.to_bits()),
                    wasmi::Val::F64(v) => Value::F64(v.to_bits()),
                    wasmi::Val::FuncRef(r) => Value::Ref { null: r.is_null() },
                    wasmi::Val::ExternRef(r) => Value::Ref { null: r.is_null() },
                    wasmi::Val::V128(_) => panic!("a generated module uses v128"),
                }
            }

            fn failure(err: &wasmi::Error) -> Outcome {
                use wasmi::errors::ErrorKind;
                use wasmi::TrapCode as W;
                let Some(code) = err.as_trap_code() else {
                    // wasmi 1 reports some out-of-bounds bulk operations (`table.copy`)
                    // as table or memory errors, not as traps.
                    return match err.kind() {
                        ErrorKind::Table(_) => Outcome::Trapped(TrapCode::TableOutOfBounds),
                        ErrorKind::Memory(_) => Outcome::Trapped(TrapCode::MemoryOutOfBounds),
                        _ => Outcome::Failed(err.to_string()),
                    };
                };
                Outcome::Trapped(match code {
                    W::UnreachableCodeReached => TrapCode::Unreachable,
                    W::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
                    W::IntegerOverflow => TrapCode::IntegerOverflow,
                    W::BadConversionToInteger => TrapCode::BadConversionToInteger,
                    W::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
                    W::TableOutOfBounds => TrapCode::TableOutOfBounds,
                    W::IndirectCallToNull => TrapCode::UninitializedElement,
                    W::BadSignature => TrapCode::IndirectCallTypeMismatch,
                    W::StackOverflow => TrapCode::StackExhausted,
                    _ => TrapCode::Other,
                })
            }
        }
    };
}

wasmi_runtime!(
    v2, wasmi, "wasmi 2",
    null: wasmi::Nullable::Null,
    zero: wasmi::Val::default_for_ty,
    null_elem: |ty: &wasmi::TableType| wasmi::Ref::null(ty.element()),
    elem_is_null: |elem: Option<wasmi::Ref>| elem.is_some_and(|r| r.is_null()),
);

wasmi_runtime!(
    v1, wasmi_v1, "wasmi 1",
    null: wasmi::Ref::Null,
    zero: wasmi::Val::default,
    null_elem: |ty: &wasmi::TableType| wasmi::Val::default(ty.element()),
    elem_is_null: |elem: Option<wasmi::Val>| elem.is_some_and(|v| match v {
        wasmi::Val::FuncRef(r) => r.is_null(),
        wasmi::Val::ExternRef(r) => r.is_null(),
        _ => false,
    }),
);
