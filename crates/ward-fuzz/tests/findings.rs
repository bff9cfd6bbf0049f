//! Inputs the fuzzers found, each a test with its input inline.
//!
//! A bug in ward goes here as a failing test marked `#[ignore]` with the reason, until
//! it is fixed. The fuzzers found one in ward, in its compiled tier (fixed), and two in
//! the oracle, wasmi 2.0.0; ward's answers on those inputs are pinned here, since a
//! register-based translator like ward's can fall into the same traps.

use ward::{Engine, Linker, Module, Store, Strategy, TrapKind};
use ward_fuzz::differential_module;

fn instantiate(text: &str) -> (Store<()>, ward::Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, text).expect("a valid module");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

/// A `select` whose result is stored to a local that its own operands read, after a
/// branch dropped a value out of two blocks: wasmi 2.0.0 returns 7 (it loses the store
/// to local 1); the answer is 8. First found as a false "integer divide by zero", with
/// the sum below an `i32.rem_s`.
#[test]
fn select_into_a_local_after_a_branch_drops_a_value() {
    let (mut store, instance) = instantiate(
        r#"
        (module
          (memory 1)
          (func (export "f") (result i32) (local i32 i32)
            block block memory.size br 1 end end
            i32.const 7
            i32.const 1 local.get 1 local.get 1 i32.eqz select
            local.set 1
            local.get 1
            i32.add)
          (func (export "rem") (result i32) (local i32 i32)
            block block memory.size br 1 end end
            local.get 0
            i32.const 1 local.get 1 local.get 1 i32.eqz select
            local.set 1
            local.get 1
            i32.rem_s))
        "#,
    );
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 8);
    let rem = instance.get_typed_func::<(), i32>(&store, "rem").unwrap();
    assert_eq!(rem.call(&mut store, ()).unwrap(), 0);
}

/// A store whose pointer and value are the same value, with an offset past 16 bits:
/// wasmi 2.0.0 panics translating it. ward stores, or traps when out of bounds.
#[test]
fn store_with_one_value_as_pointer_and_value_and_a_wide_offset() {
    let (mut store, instance) = instantiate(
        r#"
        (module
          (memory (export "mem") 2)
          (func (export "f") (param i32)
            local.get 0
            local.tee 0
            local.get 0
            i32.store offset=70000))
        "#,
    );
    let f = instance.get_typed_func::<i32, ()>(&store, "f").unwrap();
    f.call(&mut store, 4).unwrap();
    let memory = instance.get_memory(&store, "mem").unwrap();
    assert_eq!(memory.data(&store)[70_004..70_008], 4i32.to_le_bytes());
    let trap = f.call(&mut store, 70_000).unwrap_err();
    assert_eq!(
        trap.as_trap().map(|t| t.kind()),
        Some(TrapKind::MemoryOutOfBounds)
    );
}

/// A function type with more results than the platform has return registers: the
/// compiled tier refused to load the module ("Too many return values to fit in
/// registers") until Cranelift was asked to return the rest through a return area. The
/// `differential` target found it in its first run with the compiled tier (18 modules of
/// 133,041). Both tiers now run it and agree with the oracles.
#[test]
fn a_function_with_many_results_runs_on_both_tiers() {
    let wasm = wat::parse_str(
        r#"
        (module
          (func (export "twelve") (result i32 i64 i32 i32 f64 i32 i32 i32 i32 i64 i32 f32)
            (i32.const 1) (i64.const -2) (i32.const 3) (i32.const 4) (f64.const 5.5)
            (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i64.const 10)
            (i32.const 11) (f32.const -12.25)))
        "#,
    )
    .expect("valid text");
    let stats = differential_module(&wasm, &[]);
    assert_eq!(stats.calls, 1, "{stats:?}");
    assert_eq!(stats.oracle_disagreements, 0, "{stats:?}");
    if Strategy::Cranelift.is_available() {
        assert_eq!(
            (stats.compiled_modules, stats.compiled_calls),
            (1, 1),
            "{stats:?}"
        );
    }
}
