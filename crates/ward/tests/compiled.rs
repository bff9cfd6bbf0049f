//! The compiled tier as an embedder sees it: the same results, traps, backtraces, host
//! calls, metering and limits as the interpreter, through the same API.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use ward::{
    Caller, Config, Engine, Error, Func, Instance, Linker, Module, Store, Strategy, Trap, TrapKind,
    Val,
};

/// An engine of the compiled tier, or `None` (with a note) where it is not available.
fn engine(tweak: impl FnOnce(&mut Config)) -> Option<Engine> {
    if !Strategy::Cranelift.is_available() {
        eprintln!("compiled tier not available on this platform: test skipped");
        return None;
    }
    let mut config = Config::new();
    config.strategy(Strategy::Cranelift);
    tweak(&mut config);
    Some(Engine::new(&config))
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).expect("the test module compiles");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("the test module instantiates");
    (store, instance)
}

fn trap_of<T: std::fmt::Debug>(result: ward::Result<T>) -> Trap {
    match result {
        Err(Error::Trap(trap)) => trap,
        other => panic!("expected a trap, got {other:?}"),
    }
}

const PROGRAMS: &str = r#"
(module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $square $cube)
  (type $unary (func (param i64) (result i64)))
  (func $square (type $unary) (i64.mul (local.get 0) (local.get 0)))
  (func $cube (type $unary) (i64.mul (local.get 0) (call $square (local.get 0))))
  (func (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add
        (call 2 (i64.sub (local.get 0) (i64.const 1)))
        (call 2 (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "apply") (param i32 i64) (result i64)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (loop $next
      (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.load (i32.mul (local.get $i) (i32.const 4))))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.get $acc))
  (func (export "swap") (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
  (func (export "classify") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30)))
"#;

#[test]
fn compiled_code_computes_what_the_interpreter_computes() {
    let Some(engine) = engine(|_| {}) else { return };
    let (mut store, instance) = instantiate(&engine, PROGRAMS);
    let interpreted = Engine::default();
    let (mut istore, iinstance) = instantiate(&interpreted, PROGRAMS);
    for (name, args) in [
        ("fib", vec![Val::I64(20)]),
        ("apply", vec![Val::I32(0), Val::I64(7)]),
        ("apply", vec![Val::I32(1), Val::I64(7)]),
        ("sum", vec![Val::I32(1000)]),
        ("swap", vec![Val::I32(5), Val::F64(2.5f64.to_bits())]),
        ("classify", vec![Val::I32(0)]),
        ("classify", vec![Val::I32(1)]),
        ("classify", vec![Val::I32(99)]),
    ] {
        let call = |store: &mut Store<()>, instance: &Instance| {
            let func = instance.get_func(&*store, name).unwrap();
            let mut results = vec![Val::I32(0); func.ty(&*store).results().len()];
            func.call(&mut *store, &args, &mut results).unwrap();
            format!("{results:?}")
        };
        assert_eq!(
            call(&mut store, &instance),
            call(&mut istore, &iinstance),
            "{name}({args:?})"
        );
    }
}

#[test]
fn every_trap_kind_is_reported_and_the_store_stays_usable() {
    let Some(engine) = engine(|_| {}) else { return };
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module
             (memory 1)
             (table 3 funcref)
             (elem (i32.const 1) $f)
             (type $other (func (param i32)))
             (func $f)
             (func $rec (export "rec") (call $rec))
             (func (export "unreachable") unreachable)
             (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
             (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
             (func (export "convert") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
             (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
             (func (export "table") (param i32) (result funcref) (table.get (local.get 0)))
             (func (export "indirect") (param i32) (call_indirect (local.get 0)))
             (func (export "mismatch") (call_indirect (type $other) (i32.const 0) (i32.const 1)))
             (func (export "ok") (result i32) (i32.const 7)))"#,
    );
    let cases: Vec<(&str, Vec<Val>, TrapKind)> = vec![
        ("rec", vec![], TrapKind::StackOverflow),
        ("unreachable", vec![], TrapKind::Unreachable),
        ("div", vec![Val::I32(0)], TrapKind::IntegerDivisionByZero),
        ("overflow", vec![], TrapKind::IntegerOverflow),
        (
            "convert",
            vec![Val::F32(f32::NAN.to_bits())],
            TrapKind::BadConversionToInteger,
        ),
        (
            "convert",
            vec![Val::F32(1e20f32.to_bits())],
            TrapKind::IntegerOverflow,
        ),
        ("load", vec![Val::I32(65535)], TrapKind::MemoryOutOfBounds),
        ("load", vec![Val::I32(-1)], TrapKind::MemoryOutOfBounds),
        ("table", vec![Val::I32(3)], TrapKind::TableOutOfBounds),
        ("indirect", vec![Val::I32(5)], TrapKind::UndefinedElement),
        (
            "indirect",
            vec![Val::I32(0)],
            TrapKind::UninitializedElement,
        ),
        ("mismatch", vec![], TrapKind::IndirectCallTypeMismatch),
    ];
    let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
    for (name, args, kind) in cases {
        let func = instance.get_func(&store, name).unwrap();
        let mut results = vec![Val::I32(0); func.ty(&store).results().len()];
        let trap = trap_of(func.call(&mut store, &args, &mut results));
        assert_eq!(trap.kind(), kind, "{name}: {trap}");
        assert_eq!(ok.call(&mut store, ()).unwrap(), 7, "usable after {name}");
    }
}

#[test]
fn a_trap_carries_a_named_backtrace() {
    let Some(engine) = engine(|_| {}) else { return };
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module
             (func $inner (unreachable))
             (func $middle (call $inner))
             (func (export "outer") (call $middle)))"#,
    );
    let outer = instance.get_typed_func::<(), ()>(&store, "outer").unwrap();
    let trap = trap_of(outer.call(&mut store, ()));
    let names: Vec<_> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["inner", "middle", ""], "{trap}");
    assert!(trap.backtrace()[0].module_offset > 0);
}

#[test]
fn deep_recursion_keeps_both_ends_of_the_backtrace() {
    let Some(engine) = engine(|_| {}) else { return };
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module (func $f (export "f") (param i32) (call $f (local.get 0))))"#,
    );
    let f = instance.get_typed_func::<i32, ()>(&store, "f").unwrap();
    let trap = trap_of(f.call(&mut store, 0));
    assert_eq!(trap.kind(), TrapKind::StackOverflow);
    assert_eq!(
        trap.backtrace().len(),
        ward::BACKTRACE_INNER + ward::BACKTRACE_OUTER
    );
    assert!(
        trap.backtrace_omitted() > 100,
        "{}",
        trap.backtrace_omitted()
    );
}

#[test]
fn host_functions_are_called_and_call_back_into_compiled_code() {
    let Some(engine) = engine(|_| {}) else { return };
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "twice" (func $twice (param i32) (result i32)))
             (import "host" "fail" (func $fail))
             (func (export "run") (param i32) (result i32) (call $twice (local.get 0)))
             (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
             (func (export "fails") (call $fail)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "twice",
            |mut caller: Caller<'_, ()>, x: i32| -> Result<i32, Trap> {
                let inc = caller
                    .get_export("inc")
                    .and_then(|e| e.into_func())
                    .expect("the caller exports inc");
                let inc = inc.typed::<i32, i32>(&caller).unwrap();
                let y = inc
                    .call(&mut caller, x)
                    .map_err(|e| Trap::new(e.to_string()))?;
                Ok(y * 2)
            },
        )
        .unwrap();
    linker
        .func_wrap("host", "fail", || -> Result<(), Trap> {
            Err(Trap::new("no luck"))
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 20).unwrap(), 42);
    let fails = instance.get_typed_func::<(), ()>(&store, "fails").unwrap();
    let trap = trap_of(fails.call(&mut store, ()));
    assert_eq!(trap.kind(), TrapKind::Host);
    assert_eq!(trap.message(), "no luck");
    assert_eq!(
        run.call(&mut store, 1).unwrap(),
        4,
        "usable after a host trap"
    );
}

#[test]
fn a_panic_in_a_host_function_reaches_the_embedder() {
    let Some(engine) = engine(|_| {}) else { return };
    let module = Module::new(
        &engine,
        r#"(module (import "host" "boom" (func $boom))
                   (func (export "run") (call $boom)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "boom", || -> () { panic!("boom from the host") })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = run.call(&mut store, ());
    }))
    .unwrap_err();
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"boom from the host"));
}

#[test]
fn fuel_and_interruption_behave_as_in_the_interpreter() {
    let wat = r#"(module
        (func (export "count") (param $n i32) (result i32) (local $i i32)
          (loop $next
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
          (local.get $i))
        (func (export "forever") (loop $l (br $l))))"#;
    let Some(compiled) = engine(|c| {
        c.consume_fuel(true);
    }) else {
        return;
    };
    let mut config = Config::new();
    config.consume_fuel(true);
    let interpreted = Engine::new(&config);
    let mut left = Vec::new();
    for engine in [&compiled, &interpreted] {
        let (mut store, instance) = instantiate(engine, wat);
        store.set_fuel(10_000).unwrap();
        let count = instance
            .get_typed_func::<i32, i32>(&store, "count")
            .unwrap();
        assert_eq!(count.call(&mut store, 100).unwrap(), 100);
        left.push(store.get_fuel().unwrap());
        let forever = instance
            .get_typed_func::<(), ()>(&store, "forever")
            .unwrap();
        assert_eq!(
            trap_of(forever.call(&mut store, ())).kind(),
            TrapKind::OutOfFuel
        );
        assert_eq!(store.get_fuel().unwrap(), 0);
    }
    assert_eq!(left[0], left[1], "both tiers charge the same fuel");

    let Some(engine) = engine(|c| {
        c.interruptible(true);
    }) else {
        return;
    };
    let (mut store, instance) = instantiate(&engine, wat);
    let handle = store.interrupt_handle().unwrap();
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.interrupt();
    });
    assert_eq!(
        trap_of(forever.call(&mut store, ())).kind(),
        TrapKind::Interrupted
    );
    stopper.join().unwrap();
}

#[test]
fn memories_grow_in_both_layouts() {
    for reservation in [4u64 << 30, 0] {
        let Some(engine) = engine(|c| {
            c.memory_reservation(reservation);
        }) else {
            return;
        };
        let (mut store, instance) = instantiate(
            &engine,
            r#"(module (memory (export "m") 1)
                 (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
                 (func (export "size") (result i32) (memory.size))
                 (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
                 (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"#,
        );
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
        let poke = instance
            .get_typed_func::<(i32, i32), ()>(&store, "poke")
            .unwrap();
        let peek = instance.get_typed_func::<i32, i32>(&store, "peek").unwrap();
        poke.call(&mut store, (100, 9)).unwrap();
        assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
        assert_eq!(size.call(&mut store, ()).unwrap(), 3);
        poke.call(&mut store, (3 * 65536 - 1, 5)).unwrap();
        assert_eq!(peek.call(&mut store, 3 * 65536 - 1).unwrap(), 5);
        assert_eq!(peek.call(&mut store, 100).unwrap(), 9);
        let oob = peek.call(&mut store, 3 * 65536);
        assert_eq!(
            trap_of(oob).kind(),
            TrapKind::MemoryOutOfBounds,
            "{reservation}"
        );
    }
}

#[test]
fn recursion_in_compiled_code_is_bounded_by_the_wasm_stack_size() {
    let wat = r#"(module (func $f (export "f") (param i32) (result i32)
        (if (result i32) (local.get 0)
          (then (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1)))))
          (else (i32.const 0)))))"#;
    let depth = |size: usize| {
        let engine = engine(|c| {
            c.wasm_stack_size(size);
        })?;
        let (mut store, instance) = instantiate(&engine, wat);
        let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
        // The deepest call that succeeds, by doubling then bisection.
        let (mut ok, mut bad) = (0, 1);
        while f.call(&mut store, bad).is_ok() {
            ok = bad;
            bad *= 2;
        }
        while bad - ok > 1 {
            let mid = (ok + bad) / 2;
            if f.call(&mut store, mid).is_ok() {
                ok = mid;
            } else {
                bad = mid;
            }
        }
        Some(ok)
    };
    let (Some(small), Some(large)) = (depth(64 << 10), depth(1 << 20)) else {
        return;
    };
    assert!(small > 100, "{small}");
    assert!(large > 8 * small, "{small} {large}");
}

#[test]
fn endless_recursion_traps_on_small_and_large_threads() {
    // A wasm stack larger than any of the threads: the thread's own end stops it, as a
    // native stack overflow (the guard stays free for the embedder).
    let Some(engine) = engine(|c| {
        c.wasm_stack_size(64 << 20);
    }) else {
        return;
    };
    // Parsed and compiled here: the text parser alone needs more than 64 KiB of stack
    // in an unoptimised build.
    let module = Module::new(&engine, r#"(module (func $f (export "f") (call $f)))"#).unwrap();
    for stack in [64 << 10, 256 << 10, 8 << 20] {
        let hits = Arc::new(AtomicU32::new(0));
        let seen = hits.clone();
        let (engine, module) = (engine.clone(), module.clone());
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, &module)
                    .unwrap();
                let f = instance.get_typed_func::<(), ()>(&store, "f").unwrap();
                for _ in 0..3 {
                    assert_eq!(
                        trap_of(f.call(&mut store, ())).kind(),
                        TrapKind::NativeStackOverflow
                    );
                    seen.fetch_add(1, Ordering::Relaxed);
                }
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(hits.load(Ordering::Relaxed), 3, "{stack}");
    }
}

#[test]
fn a_host_function_is_one_function_in_both_tiers() {
    let Some(engine) = engine(|_| {}) else { return };
    let mut store = Store::new(&engine, ());
    let seven = Func::wrap(&mut store, || 7i32);
    let module = Module::new(
        &engine,
        r#"(module (import "host" "seven" (func $seven (result i32)))
                   (table (export "t") 1 funcref)
                   (elem (i32.const 0) $seven)
                   (func (export "via_table") (result i32) (call_indirect (result i32) (i32.const 0))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "seven", seven).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let via = instance
        .get_typed_func::<(), i32>(&store, "via_table")
        .unwrap();
    assert_eq!(via.call(&mut store, ()).unwrap(), 7);
    let table = instance.get_table(&store, "t").unwrap();
    assert!(matches!(table.get(&store, 0), Some(Val::FuncRef(Some(f))) if f == seven));
}

/// More results than the platform has return registers: twenty values of five types go
/// back through a return area, between compiled functions, through `call_indirect`, from
/// a host function and out to the embedder, with the same values as the interpreter's.
#[test]
fn a_function_with_many_results_runs_compiled() {
    let types = ["i32", "i64", "f32", "f64", "v128"];
    let result_types: String = (0..20).map(|i| format!(" {}", types[i % 5])).collect();
    let values: String = (0..20)
        .map(|i| match types[i % 5] {
            "v128" => format!("(v128.const i64x2 {i} {})", i + 100),
            ty => format!("({ty}.const {i})"),
        })
        .collect();
    // `sum` calls `many` directly and through the table, and the host's `many` from an
    // import, and folds the i64 results of each into one number.
    let fold: String = (0..20)
        .rev()
        .map(|i| match types[i % 5] {
            "i64" => " local.get $t i64.add local.set $t",
            "i32" => " i64.extend_i32_u local.get $t i64.add local.set $t",
            "v128" => " i64x2.extract_lane 1 local.get $t i64.add local.set $t",
            _ => " drop",
        })
        .collect();
    let wat = format!(
        r#"(module
             (type $many (func (result{result_types})))
             (import "host" "many" (func $host (type $many)))
             (table 1 funcref)
             (elem (i32.const 0) $many)
             (func $many (export "many") (type $many) {values})
             (func (export "sum") (result i64) (local $t i64)
               (call $many) {fold}
               (call_indirect (type $many) (i32.const 0)) {fold}
               (call $host) {fold}
               (local.get $t)))"#
    );
    let host_results: Vec<Val> = (0..20)
        .map(|i| match types[i % 5] {
            "i32" => Val::I32(i as i32),
            "i64" => Val::I64(i as i64),
            "f32" => Val::F32((i as f32).to_bits()),
            "f64" => Val::F64((i as f64).to_bits()),
            _ => Val::V128(((i as u128 + 100) << 64) | i as u128),
        })
        .collect();
    let run = |engine: &Engine| -> (i64, Vec<Val>) {
        let module = Module::new(engine, &wat).expect("the module compiles");
        let mut linker = Linker::new(engine);
        let ty = ward::FuncType::new([], (0..20).map(|i| host_results[i].ty()));
        let returned = host_results.clone();
        linker
            .func_new("host", "many", ty, move |_, _, out| {
                out.clone_from_slice(&returned);
                Ok(())
            })
            .unwrap();
        let mut store = Store::new(engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let sum = instance.get_typed_func::<(), i64>(&store, "sum").unwrap();
        let sum = sum.call(&mut store, ()).unwrap();
        let many = instance.get_func(&store, "many").unwrap();
        let mut out = vec![Val::I32(0); 20];
        many.call(&mut store, &[], &mut out).unwrap();
        (sum, out)
    };
    let Some(compiled) = engine(|_| {}) else {
        return;
    };
    let (sum, out) = run(&compiled);
    // Per call: i32 lanes 0+5+10+15, i64 lanes 1+6+11+16, v128 high lanes 104+109+114+119.
    assert_eq!(sum, 3 * (30 + 34 + 446));
    assert_eq!(
        format!("{out:?}"),
        format!("{host_results:?}"),
        "the embedder sees every result"
    );
    let (interpreted_sum, interpreted_out) = run(&Engine::default());
    assert_eq!(sum, interpreted_sum);
    assert_eq!(format!("{out:?}"), format!("{interpreted_out:?}"));
}

/// Compiled frames may reach down to the runtime's reserve above the thread's stack
/// end (`COMPILED_CALL_STACK`), and the runtime functions they call run below them:
/// endless recursion that grows memory and tables, fills and copies memory, and calls
/// through a table at every level ends in a native stack overflow, never a crash,
/// whatever the frame size (the extra locals shift where the last frame lies).
#[test]
fn runtime_calls_at_the_deepest_compiled_frame_stay_within_the_reserve() {
    let Some(engine) = engine(|c| {
        c.wasm_stack_size(64 << 20);
    }) else {
        return;
    };
    let modules: Vec<Module> = (0..8)
        .map(|extra| {
            let locals = " i64".repeat(extra);
            let keep: String = (0..extra)
                .map(|i| format!("(local.set {} (i64.const {i}))", i + 1))
                .collect();
            let use_locals: String = (0..extra)
                .map(|i| format!("(drop (local.get {}))", i + 1))
                .collect();
            let wat = format!(
                r#"(module
                     (memory 1)
                     (table $t 1 funcref)
                     (elem (i32.const 0) $id)
                     (type $unary (func (param i32) (result i32)))
                     (func $id (param i32) (result i32) (local.get 0))
                     (func $f (export "f") (param i32) (local{locals})
                       {keep}
                       (drop (memory.grow (i32.const 0)))
                       (drop (table.grow $t (ref.null func) (i32.const 0)))
                       (memory.fill (i32.const 0) (local.get 0) (i32.const 64))
                       (memory.copy (i32.const 64) (i32.const 0) (i32.const 64))
                       (call $f (call_indirect (type $unary) (local.get 0) (i32.const 0)))
                       {use_locals}))"#
            );
            Module::new(&engine, &wat).unwrap()
        })
        .collect();
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            for module in &modules {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, module)
                    .unwrap();
                let f = instance.get_typed_func::<i32, ()>(&store, "f").unwrap();
                assert_eq!(
                    trap_of(f.call(&mut store, 1)).kind(),
                    TrapKind::NativeStackOverflow
                );
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
