//! Tail calls (`return_call`, `return_call_indirect`) in both tiers: chains of any
//! length in constant stack, through defined functions, tables, imports, host functions
//! and other instances; metering; backtraces; and the switch that turns them off.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ward::{Config, Engine, Error, Instance, Linker, Module, Store, Strategy, TrapKind};

/// The tiers to test: the interpreter, and the compiled tier where it is available.
fn strategies() -> Vec<Strategy> {
    let mut tiers = vec![Strategy::Interpreter];
    if Strategy::Cranelift.is_available() {
        tiers.push(Strategy::Cranelift);
    } else {
        eprintln!("compiled tier not available on this platform: interpreter only");
    }
    tiers
}

/// An engine of `strategy` with a small wasm stack (64 KiB: about a thousand frames)
/// and whatever `tweak` sets.
fn engine(strategy: Strategy, tweak: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).wasm_stack_size(64 << 10);
    tweak(&mut config);
    Engine::new(&config)
}

/// Counts down from `n` by tail calls, alternating between a call through the table
/// and a direct call, with a call of the import `host.tick` at every number that ends
/// in 9999 in `$odd`, and returns the sum of the numbers counted. `plain_sum` does the
/// same with ordinary calls, which need a frame per call.
const COUNTDOWN: &str = r#"
(module
  (import "host" "tick" (func $tick (param i64 i64) (result i64)))
  (type $step (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (func $even (export "sum") (type $step)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call_indirect (type $step)
      (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (local.get 0))
      (i32.const 1)))
  (func $odd (type $step)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (if (i64.eq (i64.rem_u (local.get 0) (i64.const 10000)) (i64.const 9999))
      (then (return_call $tick (local.get 0) (local.get 1))))
    (return_call $even
      (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (local.get 0))))
  (func (export "again") (type $step)
    (return_call $even (local.get 0) (local.get 1)))
  (func $plain (export "plain_sum") (type $step)
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (call $plain
      (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (local.get 0)))))
"#;

/// A store with `COUNTDOWN` instantiated; `host.tick` continues the countdown through
/// the export `again` (a host call in tail position that calls back into wasm) and
/// counts its calls in the returned counter.
fn countdown(engine: &Engine) -> (Store<()>, Instance, Arc<AtomicU64>) {
    let module = Module::new(engine, COUNTDOWN).expect("the countdown compiles");
    let mut store = Store::new(engine, ());
    let ticks = Arc::new(AtomicU64::new(0));
    let counter = ticks.clone();
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "host",
            "tick",
            move |mut caller: ward::Caller<'_, ()>, n: i64, acc: i64| -> Result<i64, ward::Trap> {
                counter.fetch_add(1, Ordering::Relaxed);
                let again = caller
                    .get_export("again")
                    .and_then(|e| e.into_func())
                    .expect("the export `again`");
                let again = again
                    .typed::<(i64, i64), i64>(&caller)
                    .map_err(ward::Trap::from_error)?;
                // Back into wasm, below the host frame: the wasm side continues in
                // constant stack until the next number that ends in 9999.
                again
                    .call(&mut caller, (n - 1, acc + n))
                    .map_err(|e| match e {
                        Error::Trap(trap) => trap,
                        other => ward::Trap::from_error(other),
                    })
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance, ticks)
}

#[test]
fn a_chain_of_tail_calls_runs_in_constant_stack() {
    for strategy in strategies() {
        let engine = engine(strategy, |_| {});
        let (mut store, instance, ticks) = countdown(&engine);
        // Far more calls than the 64 KiB wasm stack holds frames for: ordinary calls
        // overflow it, tail calls do not.
        let plain = instance
            .get_typed_func::<(i64, i64), i64>(&store, "plain_sum")
            .unwrap();
        let trap = match plain.call(&mut store, (100_000, 0)) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{strategy:?}: ordinary calls should overflow, got {other:?}"),
        };
        assert_eq!(trap.kind(), TrapKind::StackOverflow, "{strategy:?}");
        let sum = instance
            .get_typed_func::<(i64, i64), i64>(&store, "sum")
            .unwrap();
        // Without the host's calls every 1000, the chain is all wasm.
        let n = 999;
        assert_eq!(sum.call(&mut store, (n, 0)).unwrap(), n * (n + 1) / 2);
        assert_eq!(ticks.load(Ordering::Relaxed), 0, "{strategy:?}");
        // `$odd` sees 49999, 49997, ... 1: the host continues the chain at 49999,
        // 39999, ... 9999. Each of its calls nests one activation (a host frame is not
        // replaced by a tail call), 5 in all.
        let n = 50_000;
        assert_eq!(
            sum.call(&mut store, (n, 0)).unwrap(),
            n * (n + 1) / 2,
            "{strategy:?}"
        );
        assert_eq!(ticks.load(Ordering::Relaxed), 5, "{strategy:?}");
    }
}

#[test]
fn a_million_tail_calls_need_no_more_native_stack_than_one() {
    for strategy in strategies() {
        // 128 KiB of native stack: the compiled tier runs on the thread's stack, and
        // a million frames of any size would not fit.
        let sum = on_small_thread(move || {
            let engine = engine(strategy, |_| {});
            let module = Module::new(
                &engine,
                r#"(module
                     (func $loop (export "loop") (param i64 i64) (result i64)
                       (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
                       (return_call $loop
                         (i64.sub (local.get 0) (i64.const 1))
                         (i64.add (local.get 1) (i64.const 3)))))"#,
            )
            .unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let f = instance
                .get_typed_func::<(i64, i64), i64>(&store, "loop")
                .unwrap();
            f.call(&mut store, (1_000_000, 0)).unwrap()
        });
        assert_eq!(sum, 3_000_000, "{strategy:?}");
    }
}

/// Runs `f` on a thread with a 128 KiB stack.
fn on_small_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(128 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn tail_calls_cross_instances_and_return_to_the_right_one() {
    // `b.bounce` tail-calls `a.count` (an import): the callee runs in instance a, with
    // a's memory, and returns to b's caller, which reads b's memory after the call.
    for strategy in strategies() {
        let engine = engine(strategy, |_| {});
        let a = Module::new(
            &engine,
            r#"(module
                 (memory (export "mem") 1)
                 (func $count (export "count") (param i32) (result i32)
                   (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
                   (if (result i32) (i32.eqz (local.get 0))
                     (then (i32.load (i32.const 0)))
                     (else (return_call $count (i32.sub (local.get 0) (i32.const 1)))))))"#,
        )
        .unwrap();
        let b = Module::new(
            &engine,
            r#"(module
                 (import "a" "count" (func $count (param i32) (result i32)))
                 (memory 1)
                 (data (i32.const 0) "\07")
                 (func $bounce (param i32) (result i32)
                   (return_call $count (local.get 0)))
                 (func (export "run") (param i32) (result i32)
                   ;; a's counter after the calls, times 100, plus b's byte 0 (7).
                   (i32.add (i32.mul (call $bounce (local.get 0)) (i32.const 100))
                            (i32.load8_u (i32.const 0)))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let a = linker.instantiate(&mut store, &a).unwrap();
        linker.instance(&mut store, "a", a).unwrap();
        let b = linker.instantiate(&mut store, &b).unwrap();
        let run = b.get_typed_func::<i32, i32>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, 4999).unwrap(), 5000 * 100 + 7);
        assert_eq!(run.call(&mut store, 0).unwrap(), 5001 * 100 + 7);
    }
}

#[test]
fn an_endless_tail_call_loop_runs_out_of_fuel_or_is_interrupted() {
    const LOOP: &str = r#"(module
        (func $ping (export "ping") (param i32) (return_call $pong (local.get 0)))
        (func $pong (param i32) (return_call $ping (local.get 0))))"#;
    for strategy in strategies() {
        let metered = engine(strategy, |c| {
            c.consume_fuel(true);
        });
        let module = Module::new(&metered, LOOP).unwrap();
        let mut store = Store::new(&metered, ());
        let instance = Linker::new(&metered)
            .instantiate(&mut store, &module)
            .unwrap();
        let ping = instance.get_typed_func::<i32, ()>(&store, "ping").unwrap();
        store.set_fuel(100_000).unwrap();
        let trap = match ping.call(&mut store, 1) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{strategy:?}: expected out of fuel, got {other:?}"),
        };
        assert_eq!(trap.kind(), TrapKind::OutOfFuel, "{strategy:?}");

        let interruptible = engine(strategy, |c| {
            c.interruptible(true);
        });
        let module = Module::new(&interruptible, LOOP).unwrap();
        let mut store = Store::new(&interruptible, ());
        let instance = Linker::new(&interruptible)
            .instantiate(&mut store, &module)
            .unwrap();
        let ping = instance.get_typed_func::<i32, ()>(&store, "ping").unwrap();
        let handle = store.interrupt_handle().unwrap();
        let interrupter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            handle.interrupt();
        });
        let trap = match ping.call(&mut store, 1) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{strategy:?}: expected an interrupt, got {other:?}"),
        };
        interrupter.join().unwrap();
        assert_eq!(trap.kind(), TrapKind::Interrupted, "{strategy:?}");
    }
}

#[test]
fn a_trap_after_tail_calls_shows_the_callee_not_the_callers_it_replaced() {
    for strategy in strategies() {
        let engine = engine(strategy, |_| {});
        let module = Module::new(
            &engine,
            r#"(module
                 (func $outer (export "outer") (call $middle) (nop))
                 (func $middle (return_call $last))
                 (func $last unreachable))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let outer = instance.get_typed_func::<(), ()>(&store, "outer").unwrap();
        let trap = match outer.call(&mut store, ()) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{strategy:?}: expected a trap, got {other:?}"),
        };
        assert_eq!(trap.kind(), TrapKind::Unreachable);
        let names: Vec<Option<&str>> = trap
            .backtrace()
            .iter()
            .map(|frame| frame.func_name.as_deref())
            .collect();
        assert_eq!(
            names,
            [Some("last"), Some("outer")],
            "{strategy:?}: {:?}",
            trap.backtrace()
        );
    }
}

#[test]
fn tail_calls_can_be_switched_off() {
    let mut config = Config::new();
    config.wasm_tail_call(false);
    let engine = Engine::new(&config);
    let error = Module::new(&engine, r#"(module (func $f (return_call $f)))"#)
        .expect_err("return_call is refused with tail calls off");
    let message = error.to_string();
    assert!(message.contains("tail calls"), "{message}");
    assert!(Module::new(&Engine::default(), r#"(module (func $f (return_call $f)))"#).is_ok());
}
