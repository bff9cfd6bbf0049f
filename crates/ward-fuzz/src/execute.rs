//! The `execute` target: valid modules run in ward alone; and the ward harness (dummy
//! imports, argument conversion, trap checks) that the differential target shares.

use arbitrary::Unstructured;
use ward::{
    CompilationMode, Config, Engine, Error, Extern, ExternType, Func, Global, HeapType, Instance,
    Linker, Memory, Module, Store, Strategy, Table, Tag, TrapKind, Val, ValType,
};

use crate::smith::{self, Arg, ArgType, Generated, Options};
use crate::Stats;

/// A wasm stack small enough that recursion within the fuel exhausts it, to exercise
/// the overflow path (on the compiled tier: the native stack its frames may take).
const SMALL_WASM_STACK: usize = 16 * 1024;

/// What an input of the `execute` target asks for.
pub(crate) struct Plan<'a> {
    pub(crate) generated: Generated,
    mode: CompilationMode,
    strategy: Strategy,
    small_stack: bool,
    /// The rest of the input, from which the call arguments come.
    args: &'a [u8],
}

pub(crate) fn plan(data: &[u8]) -> Option<Plan<'_>> {
    let mut u = Unstructured::new(data);
    // Bit 0 chooses the translation mode, as it did before the tier was chosen too, so
    // that a corpus made then still generates the same modules; bit 1 the tier: half
    // the modules go through Cranelift where the platform has the compiled tier; bit 2
    // exception handling.
    let flags: u8 = u.arbitrary().ok()?;
    let mode = compilation_mode(flags & 1 == 1);
    let exceptions = flags & 4 == 4;
    let strategy = if flags & 2 == 2 && Strategy::Cranelift.is_available() {
        Strategy::Cranelift
    } else {
        Strategy::Interpreter
    };
    let small_stack = u.ratio(1, 8).ok()?;
    let options = Options {
        canonicalize_nans: false,
        exceptions,
        gc: false,
    };
    let generated = smith::generate(&mut u, options).ok()?;
    Some(Plan {
        generated,
        mode,
        strategy,
        small_stack,
        args: u.take_rest(),
    })
}

pub(crate) fn compilation_mode(eager: bool) -> CompilationMode {
    if eager {
        CompilationMode::Eager
    } else {
        CompilationMode::Lazy
    }
}

/// Generates a valid module from `data`, instantiates it in ward with dummy imports,
/// and calls each exported function once, in export order, then a few more chosen by
/// the input ([`smith::next_call`]), with arguments from `data`. The input chooses the
/// tier: the interpreter, or (for half the inputs where the platform has it) the
/// compiled tier, so that random modules go through Cranelift too.
///
/// # Panics
///
/// On a finding: ward panicked or crashed, rejected the valid module (on either tier:
/// both run everything the generated modules use), failed a call or an
/// instantiation with an error other than a trap, trapped with a kind these modules
/// cannot cause, or returned results of the wrong types.
pub fn execute(data: &[u8]) -> Stats {
    let mut stats = Stats::input();
    let Some(plan) = plan(data) else {
        return stats;
    };
    stats.modules += 1;
    let mut config = Config::new();
    config.compilation(plan.mode).strategy(plan.strategy);
    if plan.small_stack {
        config.wasm_stack_size(SMALL_WASM_STACK);
    }
    let engine = Engine::new(&config);
    let module = load_valid(&engine, &plan.generated.wasm);
    let compiled = plan.strategy == Strategy::Cranelift;
    if compiled {
        stats.compiled_modules += 1;
    }
    let mut store = Store::new(&engine, ());
    let instance = match instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) => {
            expect_trap(&err, "instantiation");
            return stats;
        }
    };
    stats.instances += 1;
    let mut u = Unstructured::new(plan.args);
    let funcs: Vec<(String, Func)> = instance
        .exports(&store)
        .into_iter()
        .filter_map(|(name, export)| Some((name, export.into_func()?)))
        .collect();
    let mut step = 0;
    while let Some(i) = smith::next_call(&mut u, step, funcs.len()) {
        step += 1;
        let (name, func) = &funcs[i];
        let ty = func.ty(&store);
        let args: Vec<Val> = smith::arguments(&mut u, &arg_types(ty.params()))
            .into_iter()
            .map(to_ward)
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        stats.calls += 1;
        if compiled {
            stats.compiled_calls += 1;
        }
        match func.call(&mut store, &args, &mut results) {
            Ok(()) => {
                for (result, ty) in results.iter().zip(ty.results()) {
                    assert_eq!(result.ty(), *ty, "`{name}` returned {result:?} for a {ty}");
                }
            }
            Err(err) => {
                expect_trap(&err, &format!("call of `{name}`"));
                stats.traps += 1;
            }
        }
    }
    // Reading every export back must work after any sequence of calls and traps.
    for (_, export) in instance.exports(&store) {
        match export {
            Extern::Global(global) => {
                global.get(&store);
            }
            Extern::Memory(memory) => {
                assert_eq!(
                    memory.data(&store).len(),
                    memory.size(&store) as usize * 65_536
                );
            }
            Extern::Table(table) => {
                let size = table.size(&store);
                assert!(size == 0 || table.get(&store, size - 1).is_some());
                assert!(table.get(&store, size).is_none());
            }
            Extern::Tag(tag) => {
                tag.ty(&store);
            }
            Extern::Func(_) => {}
        }
    }
    stats
}

/// Loads a module that wasm-smith generated: ward must accept it, on either tier.
pub(crate) fn load_valid(engine: &Engine, wasm: &[u8]) -> Module {
    Module::from_binary(engine, wasm)
        .unwrap_or_else(|err| panic!("ward rejects a valid module: {err}"))
}

/// Panics unless `err` is a trap that a generated module can cause: dummy host
/// functions never trap, and the harness calls from a shallow native stack, on a
/// thread with more stack than the wasm stack size (the native stack the compiled
/// tier's frames may take: 1 MiB by default, in threads of 2 MiB or more).
pub(crate) fn expect_trap(err: &Error, what: &str) -> TrapKind {
    let Some(trap) = err.as_trap() else {
        panic!("{what} failed without a trap: {err:?}");
    };
    assert!(
        !matches!(trap.kind(), TrapKind::Host | TrapKind::NativeStackOverflow),
        "{what} trapped with an impossible kind: {trap}"
    );
    trap.kind()
}

/// Instantiates `module` with a dummy for each import.
pub(crate) fn instantiate(store: &mut Store<()>, module: &Module) -> ward::Result<Instance> {
    let mut linker = Linker::new(store.engine());
    for import in module.imports() {
        let (from, name) = (import.module(), import.name());
        match import.ty() {
            ExternType::Func(ty) => {
                // The results start as zeros of their types.
                linker.func_new(from, name, ty, |_, _, _| Ok(()))?;
            }
            ExternType::Global(ty) => {
                let global = Global::new(&mut *store, ty, Val::default_for(ty.content()))?;
                linker.define(from, name, global)?;
            }
            ExternType::Table(ty) => {
                let table = Table::new(&mut *store, ty, Val::default_for(ty.element()))?;
                linker.define(from, name, table)?;
            }
            ExternType::Memory(ty) => {
                let memory = Memory::new(&mut *store, ty)?;
                linker.define(from, name, memory)?;
            }
            ExternType::Tag(ty) => {
                let tag = Tag::new(&mut *store, &ty);
                linker.define(from, name, tag)?;
            }
        }
    }
    linker.instantiate(store, module)
}

/// The engine-neutral types of `types`.
///
/// # Panics
///
/// On `v128`, which generated modules do not use.
pub(crate) fn arg_types(types: &[ValType]) -> Vec<ArgType> {
    types
        .iter()
        .map(|ty| match ty {
            ValType::I32 => ArgType::I32,
            ValType::I64 => ArgType::I64,
            ValType::F32 => ArgType::F32,
            ValType::F64 => ArgType::F64,
            ValType::Ref(r) if r.heap() == HeapType::Extern => ArgType::ExternRef,
            ValType::Ref(r) if r.heap() == HeapType::Exn => ArgType::ExnRef,
            ValType::Ref(_) => ArgType::FuncRef,
            ValType::V128 => panic!("a generated module uses v128"),
        })
        .collect()
}

pub(crate) fn to_ward(arg: Arg) -> Val {
    match arg {
        Arg::I32(v) => Val::I32(v),
        Arg::I64(v) => Val::I64(v),
        Arg::F32(bits) => Val::F32(bits),
        Arg::F64(bits) => Val::F64(bits),
        Arg::NullFunc => Val::FuncRef(None),
        Arg::NullExtern => Val::ExternRef(None),
        Arg::NullExn => Val::ExnRef(None),
    }
}
