//! Exception handling, in both tiers: what the embedder sees of exceptions (an uncaught
//! one is a trap that carries its tag and values; a host function throws one; tags are
//! entities of the store, imported and exported, new at each instantiation), exceptions
//! that cross host functions and instances, deep unwinding, and traps that no handler
//! catches.

mod support;

use support::{on_thread, pass_on};
use ward::{
    Caller, Config, Engine, Error, ExnRef, Extern, Linker, Module, Store, Strategy, Tag, TagType,
    Trap, TrapKind, Val, ValType,
};

/// A module that throws and catches exceptions of its own tag `$e`, and of `$host`,
/// which it imports, with values the host passes in.
const THROWER: &str = r#"(module
    (import "host" "tag" (tag $host (param i64)))
    (import "host" "throw" (func $host_throw (param i64)))
    (tag $e (export "e") (param i32 f64))
    (func $throw (export "throw") (param i32 f64) (throw $e (local.get 0) (local.get 1)))
    ;; The i32 of an exception of $e thrown by $throw, caught by value.
    (func (export "catch") (param i32) (result i32)
        (block $h (result i32 f64)
            (try_table (catch $e $h) (call $throw (local.get 0) (f64.const 1.5)))
            (return (i32.const -1)))
        (drop))
    ;; The exception itself, caught by reference.
    (func (export "catch_ref") (param i32) (result exnref)
        (block $h (result i32 f64 exnref)
            (try_table (catch_ref $e $h) (call $throw (local.get 0) (f64.const 2.5)))
            (return (ref.null exn)))
        (return))
    (func (export "rethrow") (param exnref) (throw_ref (local.get 0)))
    ;; What a host function threw with the host's tag, caught here.
    (func (export "catch_host") (param i64) (result i64)
        (block $h (result i64)
            (try_table (catch $host $h) (call $host_throw (local.get 0)))
            (return (i64.const -1))))
    ;; An exception of the host's tag that nothing here catches.
    (func (export "host_uncaught") (param i64) (call $host_throw (local.get 0)))
)"#;

/// A store with `THROWER` instantiated: its tag `$host` is a tag the host makes, and
/// its import `throw` throws an exception of that tag with its argument.
fn thrower(config: &Config) -> (Store<()>, ward::Instance, Tag) {
    let engine = Engine::new(config);
    let mut store = Store::new(&engine, ());
    let tag = Tag::new(&mut store, &TagType::new([ValType::I64]));
    let mut linker = Linker::new(&engine);
    linker.define("host", "tag", tag).unwrap();
    linker
        .func_wrap(
            "host",
            "throw",
            move |mut caller: Caller<'_, ()>, x: i64| -> Result<(), Trap> {
                let exception = ExnRef::new(&mut caller, &tag, &[Val::I64(x)]).map_err(pass_on)?;
                Err(Trap::throw(exception))
            },
        )
        .unwrap();
    let module = Module::new(&engine, THROWER).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance, tag)
}

/// The exception an uncaught exception's trap carries.
fn uncaught(result: Result<(), Error>) -> ExnRef {
    match result {
        Err(Error::Trap(trap)) => {
            assert_eq!(trap.kind(), TrapKind::Exception, "{trap}");
            assert_eq!(trap.message(), "uncaught exception");
            trap.exception()
                .expect("an uncaught exception's trap carries it")
        }
        other => panic!("expected an uncaught exception, got {other:?}"),
    }
}

/// A configuration per tier: the interpreter, and the compiled tier where the platform
/// has it.
fn tiers() -> Vec<Config> {
    let mut configs = vec![Config::new()];
    if Strategy::Cranelift.is_available() {
        let mut config = Config::new();
        config.strategy(Strategy::Cranelift);
        configs.push(config);
    }
    configs
}

/// The engine of `config` with the legacy instructions on.
fn legacy(config: &Config) -> Engine {
    let mut config = config.clone();
    config.wasm_legacy_exceptions(true);
    Engine::new(&config)
}

fn call(store: &mut Store<()>, instance: &ward::Instance, name: &str, args: &[Val]) -> Val {
    let func = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); func.ty(&*store).results().len()];
    func.call(&mut *store, args, &mut results).unwrap();
    results[0]
}

#[test]
fn exceptions_are_caught_by_value_and_by_reference() {
    for config in tiers() {
        caught_by_value_and_by_reference(&config);
    }
}

fn caught_by_value_and_by_reference(config: &Config) {
    let (mut store, instance, _) = thrower(config);
    assert_eq!(
        call(&mut store, &instance, "catch", &[Val::I32(7)]).i32(),
        Some(7)
    );
    let exception = call(&mut store, &instance, "catch_ref", &[Val::I32(9)])
        .exnref()
        .expect("an exnref")
        .expect("not null");
    let e = instance.get_tag(&store, "e").unwrap();
    assert_eq!(exception.tag(&store), e);
    let values = exception.values(&store);
    assert_eq!(values[0].i32(), Some(9));
    assert_eq!(values[1].f64(), Some(2.5));
    // Thrown again, it reaches the host as the same exception.
    let rethrow = instance.get_func(&store, "rethrow").unwrap();
    let again = uncaught(rethrow.call(&mut store, &[Val::ExnRef(Some(exception))], &mut []));
    assert_eq!(again.tag(&store), e);
    assert_eq!(again.values(&store)[0].i32(), Some(9));
    // `throw_ref` of null traps.
    let null = rethrow.call(&mut store, &[Val::ExnRef(None)], &mut []);
    assert!(matches!(null, Err(Error::Trap(t)) if t.kind() == TrapKind::NullReference));
}

#[test]
fn an_uncaught_exception_carries_its_tag_and_values_and_a_backtrace() {
    for config in tiers() {
        uncaught_carries_tag_values_and_backtrace(&config);
    }
}

fn uncaught_carries_tag_values_and_backtrace(config: &Config) {
    let (mut store, instance, _) = thrower(config);
    let throw = instance.get_func(&store, "throw").unwrap();
    let result = throw.call(
        &mut store,
        &[Val::I32(-3), Val::F64(0.25f64.to_bits())],
        &mut [],
    );
    let trap = result.as_ref().unwrap_err().as_trap().unwrap().clone();
    assert_eq!(trap.backtrace()[0].func_name.as_deref(), Some("throw"));
    let exception = uncaught(result);
    assert_eq!(
        exception.tag(&store),
        instance.get_tag(&store, "e").unwrap()
    );
    let values = exception.values(&store);
    assert_eq!(values.len(), 2);
    assert_eq!(values[0].i32(), Some(-3));
    assert_eq!(values[1].f64(), Some(0.25));
    // The store goes on working.
    assert_eq!(
        call(&mut store, &instance, "catch", &[Val::I32(1)]).i32(),
        Some(1)
    );
}

#[test]
fn a_host_function_throws_and_wasm_catches() {
    for config in tiers() {
        let (mut store, instance, tag) = thrower(&config);
        assert_eq!(
            call(&mut store, &instance, "catch_host", &[Val::I64(1 << 40)]).i64(),
            Some(1 << 40)
        );
        // Uncaught, it comes back to the host with the host's tag.
        let uncaught_host = instance.get_func(&store, "host_uncaught").unwrap();
        let exception = uncaught(uncaught_host.call(&mut store, &[Val::I64(5)], &mut []));
        assert_eq!(exception.tag(&store), tag);
        assert_eq!(exception.values(&store)[0].i64(), Some(5));
    }
}

#[test]
fn exception_values_must_match_the_tag() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let tag = Tag::new(&mut store, &TagType::new([ValType::I32, ValType::F32]));
    assert_eq!(tag.ty(&store).params(), &[ValType::I32, ValType::F32]);
    for wrong in [
        vec![Val::I32(1)],
        vec![Val::I32(1), Val::I32(2)],
        vec![Val::I32(1), Val::F32(0), Val::I32(3)],
    ] {
        assert!(matches!(
            ExnRef::new(&mut store, &tag, &wrong),
            Err(Error::Type(_))
        ));
    }
    assert!(ExnRef::new(&mut store, &tag, &[Val::I32(1), Val::F32(0)]).is_ok());
}

/// Each instantiation defines new tags: an exception of one instance's `$e` is not
/// caught by another instance's `catch $e`, though `catch_all` catches it; an imported
/// tag is the exporter's very tag.
#[test]
fn tags_are_new_per_instance_and_shared_by_import() {
    for config in tiers() {
        tags_per_instance(&Engine::new(&config));
    }
}

fn tags_per_instance(engine: &Engine) {
    let mut store = Store::new(engine, ());
    let module = Module::new(
        engine,
        r#"(module
            (import "other" "throw" (func $other_throw))
            (tag $e (export "e"))
            (func (export "throw") (throw $e))
            ;; 1: caught as $e; 2: caught by catch_all; 0: nothing thrown.
            (func (export "which") (result i32)
                (block $all
                    (block $mine
                        (try_table (catch $e $mine) (catch_all $all) (call $other_throw))
                        (return (i32.const 0)))
                    (return (i32.const 1)))
                (i32.const 2)))"#,
    )
    .unwrap();
    let importer = Module::new(
        engine,
        r#"(module
            (import "first" "e" (tag $e))
            (import "first" "throw" (func $throw))
            (func (export "caught") (result i32)
                (block $h (try_table (catch $e $h) (call $throw)) (return (i32.const 0)))
                (i32.const 1)))"#,
    )
    .unwrap();
    let nothing = ward::Func::wrap(&mut store, || {});
    let first = ward::Instance::new(&mut store, &module, &[Extern::Func(nothing)]).unwrap();
    let first_throw = first.get_func(&store, "throw").unwrap();
    let second = ward::Instance::new(&mut store, &module, &[Extern::Func(first_throw)]).unwrap();
    let which = second.get_typed_func::<(), i32>(&store, "which").unwrap();
    assert_eq!(which.call(&mut store, ()).unwrap(), 2);
    let own = ward::Instance::new(&mut store, &module, &[Extern::Func(nothing)]).unwrap();
    assert_ne!(
        own.get_tag(&store, "e").unwrap(),
        first.get_tag(&store, "e").unwrap()
    );
    let first_e = first.get_tag(&store, "e").unwrap();
    let imports = [Extern::Tag(first_e), Extern::Func(first_throw)];
    let third = ward::Instance::new(&mut store, &importer, &imports).unwrap();
    let caught = third.get_typed_func::<(), i32>(&store, "caught").unwrap();
    assert_eq!(caught.call(&mut store, ()).unwrap(), 1);
    // A tag of another type does not match the import.
    let wrong = Tag::new(&mut store, &TagType::new([ValType::I32]));
    let error = ward::Instance::new(
        &mut store,
        &importer,
        &[Extern::Tag(wrong), Extern::Func(first_throw)],
    )
    .unwrap_err();
    assert!(matches!(error, Error::Link(_)), "{error}");
}

/// An exception crosses a host function that calls back into wasm and passes the
/// error on, and is caught by the wasm below it.
#[test]
fn exceptions_cross_host_functions() {
    for config in tiers() {
        cross_host_functions(&Engine::new(&config));
    }
}

fn cross_host_functions(engine: &Engine) {
    let mut store = Store::new(engine, ());
    let module = Module::new(
        engine,
        r#"(module
            (import "host" "reenter" (func $reenter (param i32)))
            (tag $e (param i32))
            (func (export "throw") (param i32) (throw $e (local.get 0)))
            (func (export "run") (param i32) (result i32)
                (block $h (result i32)
                    (try_table (catch $e $h) (call $reenter (local.get 0)))
                    (i32.const -1))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: Caller<'_, ()>, x: i32| -> Result<(), Trap> {
                let throw = caller
                    .get_export("throw")
                    .and_then(Extern::into_func)
                    .expect("the module exports throw");
                throw
                    .call(&mut caller, &[Val::I32(x + 1)], &mut [])
                    .map_err(pass_on)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 41).unwrap(), 42);
}

/// Unwinding through 10,000 wasm frames uses no native stack for each: in the
/// interpreter it runs on a 64 KiB thread; compiled frames live on the native stack
/// themselves (8 MiB here), and the throw leaves them all in one step.
#[test]
fn deep_unwinding_needs_no_native_stack() {
    for config in tiers() {
        let thread = match config.get_strategy() {
            Strategy::Cranelift => 8 << 20,
            _ => 64 << 10,
        };
        let engine = Engine::new(&config);
        let module = Module::new(
            &engine,
            r#"(module
                (tag $e (param i32))
                (func $down (param i32)
                    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 7))))
                    (call $down (i32.sub (local.get 0) (i32.const 1))))
                (func (export "run") (param i32) (result i32)
                    (block $h (result i32)
                        (try_table (catch $e $h) (call $down (local.get 0)))
                        (i32.const -1))))"#,
        )
        .unwrap();
        let caught = on_thread(thread, move || {
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
            run.call(&mut store, 10_000).unwrap()
        });
        assert_eq!(caught, 7);
    }
}

/// Exceptions cross instances: thrown by one, through another's frames that have no
/// handler, caught by a third (or by the host); and code passes `exnref` values on.
#[test]
fn exceptions_cross_instances() {
    for config in tiers() {
        cross_instances(&Engine::new(&config));
    }
}

fn cross_instances(engine: &Engine) {
    let mut store = Store::new(engine, ());
    let thrower = Module::new(
        engine,
        r#"(module
            (tag $e (export "e") (param i32))
            (func (export "throw") (param i32) (throw $e (local.get 0))))"#,
    )
    .unwrap();
    let middle = Module::new(
        engine,
        r#"(module
            (import "t" "throw" (func $throw (param i32)))
            (func (export "middle") (param i32)
                (call $throw (i32.mul (local.get 0) (i32.const 2)))
                (unreachable)))"#,
    )
    .unwrap();
    let catcher = Module::new(
        engine,
        r#"(module
            (import "t" "e" (tag $e (param i32)))
            (import "m" "middle" (func $middle (param i32)))
            (table funcref (elem $middle))
            (type $t (func (param i32)))
            (func (export "run") (param i32) (result i32)
                (block $h (result i32)
                    (try_table (catch $e $h) (call $middle (local.get 0)))
                    (i32.const -1)))
            (func (export "indirect") (param i32) (result i32)
                (block $h (result i32)
                    (try_table (catch $e $h)
                        (call_indirect (type $t) (local.get 0) (i32.const 0)))
                    (i32.const -1))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(engine);
    let t = linker.instantiate(&mut store, &thrower).unwrap();
    linker.instance(&mut store, "t", t).unwrap();
    let m = linker.instantiate(&mut store, &middle).unwrap();
    linker.instance(&mut store, "m", m).unwrap();
    let c = linker.instantiate(&mut store, &catcher).unwrap();
    let run = c.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 21).unwrap(), 42);
    let indirect = c.get_typed_func::<i32, i32>(&store, "indirect").unwrap();
    assert_eq!(indirect.call(&mut store, 5).unwrap(), 10);
    // Uncaught, it crosses the middle instance to the host.
    let middle_func = m.get_typed_func::<i32, ()>(&store, "middle").unwrap();
    let exception = uncaught(middle_func.call(&mut store, 4));
    assert_eq!(exception.values(&store)[0].i32(), Some(8));
    // Code passes references to exceptions on, and tells null from not.
    let passer = Module::new(
        engine,
        r#"(module
            (import "t" "e" (tag $e (param i32)))
            (global $kept (mut exnref) (ref.null exn))
            (func (export "keep") (param exnref) (result i32)
                (global.set $kept (local.get 0))
                (ref.is_null (global.get $kept)))
            (func (export "kept") (result exnref) (global.get $kept)))"#,
    )
    .unwrap();
    let p = linker.instantiate(&mut store, &passer).unwrap();
    let keep = p.get_func(&store, "keep").unwrap();
    let mut is_null = [Val::I32(-1)];
    keep.call(&mut store, &[Val::ExnRef(Some(exception))], &mut is_null)
        .unwrap();
    assert_eq!(is_null[0].i32(), Some(0));
    let mut kept = [Val::ExnRef(None)];
    p.get_func(&store, "kept")
        .unwrap()
        .call(&mut store, &[], &mut kept)
        .unwrap();
    assert_eq!(kept[0].exnref(), Some(Some(exception)));
    keep.call(&mut store, &[Val::ExnRef(None)], &mut is_null)
        .unwrap();
    assert_eq!(is_null[0].i32(), Some(1));
}

/// Traps are not exceptions: no clause catches them, whether they happen in the
/// handler's own function or in a callee, and the trap keeps its kind.
#[test]
fn handlers_do_not_catch_traps() {
    for config in tiers() {
        let engine = Engine::new(&config);
        let module = Module::new(
            &engine,
            r#"(module
                (func $trap (unreachable))
                (func (export "callee") (result i32)
                    (block $h (try_table (catch_all $h) (call $trap)) (return (i32.const 0)))
                    (i32.const 1))
                (func (export "local") (param i32) (result i32)
                    (block $h
                        (try_table (result i32) (catch_all $h)
                            (i32.div_u (i32.const 1) (local.get 0)))
                        (return))
                    (i32.const -1))
                (func (export "ok") (result i32) (i32.const 42)))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let callee = instance
            .get_typed_func::<(), i32>(&store, "callee")
            .unwrap();
        let error = callee.call(&mut store, ()).unwrap_err();
        assert_eq!(error.as_trap().map(Trap::kind), Some(TrapKind::Unreachable));
        let local = instance
            .get_typed_func::<i32, i32>(&store, "local")
            .unwrap();
        let error = local.call(&mut store, 0).unwrap_err();
        assert_eq!(
            error.as_trap().map(Trap::kind),
            Some(TrapKind::IntegerDivisionByZero)
        );
        assert_eq!(local.call(&mut store, 1).unwrap(), 1);
        let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
        assert_eq!(ok.call(&mut store, ()).unwrap(), 42);
    }
}

/// The legacy instructions (`try`, `catch`, `delegate`, `rethrow`) load only with
/// their switch on, and then run as the spec describes.
#[test]
fn legacy_instructions_need_their_switch() {
    let wat = r#"(module
        (tag $e (param i32))
        (func $throw (param i32) (throw $e (local.get 0)))
        (func (export "run") (param i32) (result i32)
            try (result i32)
                try
                    local.get 0
                    call $throw
                delegate 0
                i32.const -1
            catch $e
                i32.const 100
                i32.add
            end))"#;
    let error = Module::new(&Engine::default(), wat).unwrap_err();
    assert!(error.to_string().contains("legacy_exceptions"), "{error}");
    for config in tiers() {
        let engine = legacy(&config);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, 5).unwrap(), 105);
    }
}

/// 20,000 nested `try_table`s, none of whose clauses but the outermost catches what the
/// innermost throws: translation nests without recursion, and the exception goes
/// through every clause, on a thread with a small stack, in both tiers.
#[test]
fn twenty_thousand_nested_try_tables_run() {
    let depth = 20_000;
    let wat = format!(
        r#"(module
            (tag $e)
            (tag $other)
            (func (export "run") (result i32)
                block $done
                    try_table (catch_all $done)
                        {open}
                        throw $e
                        {close}
                    end
                    i32.const 0
                    return
                end
                i32.const 1))"#,
        open = "try_table (catch $other 0)\n".repeat(depth),
        close = "end\n".repeat(depth),
    );
    for config in tiers() {
        let engine = Engine::new(&config);
        let wat = wat.clone();
        let caught = on_thread(256 << 10, move || {
            let module = Module::new(&engine, &wat).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
            run.call(&mut store, ()).unwrap()
        });
        assert_eq!(caught, 1);
    }
}

/// An exception of another store that a host function passes on is no exception of
/// this one: no handler here catches it, and it ends the call as an error that says so.
#[test]
fn an_exception_of_another_store_is_not_caught() {
    for config in tiers() {
        let engine = Engine::new(&config);
        let (mut other, other_instance, _) = thrower(&config);
        let other_throw = other_instance.get_func(&other, "throw").unwrap();
        let uncaught_there = other_throw
            .call(&mut other, &[Val::I32(1), Val::F64(0)], &mut [])
            .unwrap_err();
        let module = Module::new(
            &engine,
            r#"(module
                (import "host" "pass" (func $pass))
                (func (export "run") (result i32)
                    (block $h (try_table (catch_all $h) (call $pass)) (return (i32.const 0)))
                    (i32.const 1)))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let trap = uncaught_there.as_trap().unwrap().clone();
        linker
            .func_wrap("host", "pass", move || -> Result<(), Trap> {
                Err(trap.clone())
            })
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
        let error = run.call(&mut store, ()).unwrap_err();
        assert!(
            error.to_string().contains("exception of another store"),
            "{error}"
        );
    }
}

/// An exception that reached the host stays valid however wasm later catches it: the
/// host's reference keeps it, even through a catch by value, which frees only what
/// nothing else refers to.
#[test]
fn an_exception_the_host_holds_survives_a_catch_by_value() {
    for config in tiers() {
        let (mut store, instance, _) = thrower(&config);
        let throw = instance.get_func(&store, "throw").unwrap();
        let held = uncaught(throw.call(&mut store, &[Val::I32(5), Val::F64(0)], &mut []));
        let engine = store.engine().clone();
        let catcher = Module::new(
            &engine,
            r#"(module
                (func (export "catch") (param exnref) (result i32)
                    (block $h (try_table (catch_all $h) (throw_ref (local.get 0))) (return (i32.const 0)))
                    (i32.const 1)))"#,
        )
        .unwrap();
        let catcher = Linker::new(&engine)
            .instantiate(&mut store, &catcher)
            .unwrap();
        let catch = catcher.get_func(&store, "catch").unwrap();
        for _ in 0..3 {
            let mut caught = [Val::I32(0)];
            catch
                .call(&mut store, &[Val::ExnRef(Some(held))], &mut caught)
                .unwrap();
            assert_eq!(caught[0].i32(), Some(1));
            assert_eq!(held.values(&store)[0].i32(), Some(5));
        }
    }
}

/// `noexn`, the bottom of exception references, holds only null, which is an `exnref`:
/// it flows into `exnref` and the API sees its values as such.
#[test]
fn noexn_references_are_null_exnrefs() {
    for config in tiers() {
        let engine = Engine::new(&config);
        let module = Module::new(
            &engine,
            r#"(module
                (global $none (ref null noexn) (ref.null noexn))
                (func (export "is_null") (param (ref null noexn)) (result i32)
                    (ref.is_null (local.get 0)))
                (func (export "none") (result exnref) (global.get $none))
                (func (export "select") (param i32) (param exnref) (result exnref)
                    (select (result exnref)
                        (local.get 1) (ref.null noexn) (local.get 0))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let param = instance.get_func(&store, "is_null").unwrap().ty(&store);
        assert_eq!(param.params(), [ValType::EXNREF]);
        let is_null = call(&mut store, &instance, "is_null", &[Val::ExnRef(None)]);
        assert!(matches!(is_null, Val::I32(1)), "{is_null:?}");
        let none = call(&mut store, &instance, "none", &[]);
        assert!(matches!(none, Val::ExnRef(None)), "{none:?}");
        let picked = call(
            &mut store,
            &instance,
            "select",
            &[Val::I32(0), Val::ExnRef(None)],
        );
        assert!(matches!(picked, Val::ExnRef(None)), "{picked:?}");
    }
}
