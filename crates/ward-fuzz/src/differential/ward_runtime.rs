//! ward behind the differential target's [`Runtime`] trait.

use ward::{
    CompilationMode, Config, Engine, Error, Extern, Instance, Module, Store, Strategy, TrapKind,
    Val,
};

use super::{Item, Outcome, Runtime, Snapshot, TrapCode, Value};
use crate::execute::{arg_types, expect_trap, instantiate, load_valid, to_ward};
use crate::smith::{Arg, ArgType};

/// ward's wasm stack in this target: the fuel bounds the call depth to about a thousand
/// frames, and this leaves room for a thousand cells in each, so that neither ward nor
/// the oracles run out and their different frame costs do not show. Not more: under
/// AddressSanitizer, freeing it costs in proportion to its size.
const WASM_STACK: usize = 8 << 20;

/// The native stack the compiled tier's frames may take in this target (the compiled
/// tier's reading of [`Config::wasm_stack_size`]): like [`WASM_STACK`], beyond the call
/// depth the fuel allows. Measured in release builds: generated modules used at most
/// 66 KiB (about 100 bytes a frame, 660 frames deep, in a 3-minute
/// fuzzing run); a function keeping 100 `i64` locals live across a call 1,000 deep,
/// 834 KiB.
/// 4 MiB covers frames five times that size. The differential target runs on a thread
/// with room for it ([`RUN_STACK`]).
const COMPILED_STACK: usize = 4 << 20;

/// The native stack a differential run needs: the compiled tier's frames, and 1 MiB
/// above them for the harness, the engines' entry paths and ward's native stack guard
/// (debug builds use several times the stack of release builds).
pub(crate) const RUN_STACK: usize = COMPILED_STACK + (1 << 20);

pub(crate) struct WardRuntime {
    strategy: Strategy,
    store: Store<()>,
    module: Module,
    instance: Option<Instance>,
}

impl WardRuntime {
    /// Loads a generated module to run on the tier `strategy` (the interpreter, or the
    /// compiled tier where it is available).
    ///
    /// # Panics
    ///
    /// When ward rejects it: it is valid.
    pub(crate) fn load(wasm: &[u8], mode: CompilationMode, strategy: Strategy) -> WardRuntime {
        let stack = match strategy {
            Strategy::Cranelift => COMPILED_STACK,
            _ => WASM_STACK,
        };
        let mut config = Config::new();
        config
            .compilation(mode)
            .strategy(strategy)
            .wasm_stack_size(stack);
        let engine = Engine::new(&config);
        let module = load_valid(&engine, wasm);
        WardRuntime {
            strategy,
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
        match self.strategy {
            Strategy::Cranelift => "ward compiled",
            _ => "ward interpreted",
        }
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
                    Extern::Tag(_) => panic!("a generated module exports a tag"),
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
        Val::ExnRef(_) => panic!("a generated module uses exnref"),
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
        // The generated modules run without ward's fuel (their own fuel is a global that
        // traps with `unreachable`) or interrupts, so these are findings as surely as a
        // host trap: they compare unequal to anything wasmi reports, and to a stack
        // exhausted on the other tier. Nor do they use typed function references, the
        // only source of null-reference traps, or exceptions.
        TrapKind::NativeStackOverflow
        | TrapKind::Exception
        | TrapKind::NullReference
        | TrapKind::NullFunctionReference
        | TrapKind::Host
        | TrapKind::OutOfFuel
        | TrapKind::Interrupted => TrapCode::Other,
    }
}
