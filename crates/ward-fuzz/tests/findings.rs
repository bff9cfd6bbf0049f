//! Inputs the fuzzers found, each a test with its input inline.
//!
//! A bug in ward goes here as a failing test marked `#[ignore]` with the reason, until
//! it is fixed. So far the fuzzers found no bug in ward; they found two in the oracle,
//! wasmi 2.0.0, and ward's answers on those inputs are pinned here, since a
//! register-based translator like ward's can fall into the same traps.

use ward::{Engine, Linker, Module, Store, TrapKind};

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
