//! ward behind the differential target's [`Runtime`] trait.

use ward::{
    CompilationMode, Config, Engine, Error, Extern, Instance, Module, Store, TrapKind, Val,
};

use super::{Item, Outcome, Runtime, Snapshot, TrapCode, Value};
use crate::execute::{arg_types, expect_trap, instantiate, load_valid, to_ward};
use crate::smith::{Arg, ArgType};

/// ward's wasm stack in this target: the fuel bounds the call depth to about a thousand
/// frames, and this leaves room for a thousand cells in each, so that neither ward nor
/// the oracles run out and their different frame costs do not show. Not more: under
/// AddressSanitizer, freeing it costs in proportion to its size.
const WASM_STACK: usize = 8 << 20;

pub(crate) struct WardRuntime {
    store: Store<()>,
    module: Module,
    instance: Option<Instance>,
}

impl WardRuntime {
    /// Loads a generated module.
    ///
    /// # Panics
    ///
    /// When ward rejects it: it is valid.
    pub(crate) fn load(wasm: &[u8], mode: CompilationMode) -> WardRuntime {
        let mut config = Config::new();
        config.compilation(mode).wasm_stack_size(WASM_STACK);
        let engine = Engine::new(&config);
        let module = load_valid(&engine, wasm);
        WardRuntime {
            store: Store::new(&engine, ()),
            module,
            instance: None,
        }
    }

    fn instance(&self) -> Instance {
        self.instance.expect("instantiated")
    }

    /// The names and parameter types of the exported functions, in export order.
    pub(crate) fn exported_funcs(&self) -> Vec<(String, Vec<ArgType>)> {
        self.instance()
            .exports(&self.store)
            .into_iter()
            .filter_map(|(name, export)| match export {
                Extern::Func(func) => Some((name, arg_types(func.ty(&self.store).params()))),
                _ => None,
            })
            .collect()
    }
}

impl Runtime for WardRuntime {
    fn name(&self) -> &'static str {
        "ward"
    }

    fn instantiate(&mut self) -> Outcome {
        match instantiate(&mut self.store, &self.module) {
            Ok(instance) => {
                self.instance = Some(instance);
                Outcome::Returned(Vec::new())
            }
            Err(err) => Outcome::Trapped(trap_code(&err, "instantiation")),
        }
    }

    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome {
        let func = self
            .instance()
            .get_func(&self.store, name)
            .expect("an exported function");
        let ty = func.ty(&self.store);
        let args: Vec<Val> = args.iter().copied().map(to_ward).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => {
                for (result, ty) in results.iter().zip(ty.results()) {
                    assert_eq!(result.ty(), *ty, "`{name}` returned {result:?} for a {ty}");
                }
                Outcome::Returned(results.iter().map(value).collect())
            }
            Err(err) => Outcome::Trapped(trap_code(&err, &format!("call of `{name}`"))),
        }
    }

    fn snapshot(&self) -> Snapshot<'_> {
        self.instance()
            .exports(&self.store)
            .into_iter()
            .map(|(name, export)| {
                let item = match export {
                    Extern::Func(_) => Item::Func,
                    Extern::Global(global) => Item::Global(value(&global.get(&self.store))),
                    Extern::Memory(memory) => Item::Memory(memory.data(&self.store)),
                    Extern::Table(table) => Item::Table(
                        (0..table.size(&self.store))
                            .map(|i| {
                                let element = table.get(&self.store, i).expect("in bounds");
                                value(&element) == Value::Ref { null: true }
                            })
                            .collect(),
                    ),
                };
                (name, item)
            })
            .collect()
    }
}

fn value(val: &Val) -> Value {
    match *val {
        Val::I32(v) => Value::I32(v),
        Val::I64(v) => Value::I64(v),
        Val::F32(bits) => Value::F32(bits),
        Val::F64(bits) => Value::F64(bits),
        Val::FuncRef(r) => Value::Ref { null: r.is_none() },
        Val::ExternRef(r) => Value::Ref { null: r.is_none() },
        Val::V128(_) => panic!("a generated module uses v128"),
    }
}

/// The trap behind `err`; panics (a finding) when `err` is no trap or a trap that a
/// generated module cannot cause.
fn trap_code(err: &Error, what: &str) -> TrapCode {
    match expect_trap(err, what) {
        TrapKind::Unreachable => TrapCode::Unreachable,
        TrapKind::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        TrapKind::IntegerOverflow => TrapCode::IntegerOverflow,
        TrapKind::BadConversionToInteger => TrapCode::BadConversionToInteger,
        TrapKind::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds | TrapKind::UndefinedElement => TrapCode::TableOutOfBounds,
        TrapKind::UninitializedElement => TrapCode::UninitializedElement,
        TrapKind::IndirectCallTypeMismatch => TrapCode::IndirectCallTypeMismatch,
        TrapKind::StackOverflow => TrapCode::StackExhausted,
        // The generated modules run without fuel or interrupts, so these are findings
        // as surely as a host trap: they compare unequal to anything wasmi reports.
        TrapKind::NativeStackOverflow
        | TrapKind::Host
        | TrapKind::OutOfFuel
        | TrapKind::Interrupted => TrapCode::Other,
    }
}
