//! Modules and helpers shared by the native stack tests and the VM core's tests.

#![allow(dead_code)]

use ward::{
    Caller, Config, Engine, Error, Instance, Linker, Module, Store, Strategy, Trap, TrapKind,
};

/// Thread stack sizes every scenario runs on.
pub const THREAD_STACKS: [usize; 4] = [64 << 10, 256 << 10, 2 << 20, 8 << 20];

/// A function every module exports, to show the store still works after a trap.
const OK: &str = r#"(func (export "ok") (result i32) (i32.const 42))"#;

/// Modules whose export `run` recurses without end, by name.
pub fn endless_recursion() -> Vec<(&'static str, String)> {
    let params = " i32".repeat(100);
    let locals = " i64".repeat(100);
    let args = "(local.get 0)".repeat(100);
    vec![
        (
            "direct",
            format!(r#"(module (func $f (export "run") (call $f)) {OK})"#),
        ),
        (
            "call_indirect",
            format!(
                r#"(module
                     (type $t (func))
                     (table funcref (elem $f))
                     (func $f (export "run") (call_indirect (type $t) (i32.const 0)))
                     {OK})"#
            ),
        ),
        (
            "mutual",
            format!(
                r#"(module
                     (func $a (export "run") (call $b))
                     (func $b (call $a))
                     {OK})"#
            ),
        ),
        (
            "200 params and locals",
            format!(
                r#"(module
                     (func $f (param{params}) (local{locals})
                       (call $f {args}))
                     (func (export "run") (call $f {zeros}))
                     {OK})"#,
                zeros = "(i32.const 0)".repeat(100)
            ),
        ),
    ]
}

/// Runs `f` on a new thread with a native stack of `size` bytes.
pub fn on_thread<R: Send + 'static>(size: usize, f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(size)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("the thread finished without panicking")
}

/// A configuration of each tier, named: the interpreter, and where the compiled tier
/// runs, compiled code on memories that never move and on memories that move as they
/// grow (no reservation).
pub fn tier_configurations() -> Vec<(String, Config)> {
    let mut settings = vec![(Strategy::Interpreter, None)];
    if Strategy::Cranelift.is_available() {
        settings.extend([(Strategy::Cranelift, None), (Strategy::Cranelift, Some(0))]);
    }
    settings
        .into_iter()
        .map(|(strategy, reservation)| {
            let mut config = Config::new();
            config.strategy(strategy);
            if let Some(bytes) = reservation {
                config.memory_reservation(bytes);
            }
            (format!("{strategy:?}, reservation {reservation:?}"), config)
        })
        .collect()
}

/// An instance of module `wat` in a new store of an engine with `config`.
pub fn instance(config: &Config, wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

/// The trap kind of a failed call.
pub fn trap_kind(result: Result<impl std::fmt::Debug, Error>) -> TrapKind {
    match result {
        Err(Error::Trap(trap)) => trap.kind(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// Passes a failed call's trap on from a host function unchanged.
pub fn pass_on(err: Error) -> Trap {
    match err {
        Error::Trap(trap) => trap,
        other => Trap::new(other.to_string()),
    }
}

/// The endless-recursion modules, loaded. Loading (text parsing and validation) is
/// the host's work and uses stack of its own, so the tests do it before they move to a
/// thread with a small stack.
pub fn endless_recursion_modules() -> (Engine, Vec<(&'static str, Module)>) {
    endless_recursion_modules_on(&Config::new())
}

/// As [`endless_recursion_modules`], with an engine of `config`.
pub fn endless_recursion_modules_on(config: &Config) -> (Engine, Vec<(&'static str, Module)>) {
    let engine = Engine::new(config);
    let modules = endless_recursion()
        .into_iter()
        .map(|(name, wat)| {
            let module = Module::new(&engine, &wat).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, module)
        })
        .collect();
    (engine, modules)
}

/// Runs endless recursion in each module: each call must trap with
/// `StackOverflow`, and the store must then run `ok`.
pub fn check_endless_recursion(engine: &Engine, modules: &[(&'static str, Module)]) {
    check_endless_recursion_ends_in(engine, modules, &[TrapKind::StackOverflow]);
}

/// As [`check_endless_recursion`], with the trap kinds the calls may end in.
pub fn check_endless_recursion_ends_in(
    engine: &Engine,
    modules: &[(&'static str, Module)],
    kinds: &[TrapKind],
) {
    for (name, module) in modules {
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, module, &[]).unwrap();
        let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
        let kind = trap_kind(run.call(&mut store, ()));
        assert!(
            kinds.contains(&kind),
            "{name}: {kind:?}, expected one of {kinds:?}"
        );
        let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
        assert_eq!(ok.call(&mut store, ()).unwrap(), 42, "{name}");
    }
}

/// The ping-pong module: `pong` calls the host's `ping`, which calls `pong` again.
pub const PING_PONG: &str = r#"
(module
  (import "host" "ping" (func $ping (param i32)))
  (import "host" "big" (func $big))
  (func (export "pong") (param i32) (call $ping (i32.add (local.get 0) (i32.const 1))))
  (func (export "pong_big") (param i32)
    (call $big)
    (call $ping (i32.add (local.get 0) (i32.const 1))))
  (func (export "big") (call $big))
  (func (export "ok") (result i32) (i32.const 42)))
"#;

/// Size of the buffer the host function `big` fills.
pub const BIG_BUFFER: usize = 2048;

/// Host data of the ping-pong: the deepest level reached, and which export `ping`
/// calls back.
pub struct PingPong {
    pub deepest: i32,
    pub target: &'static str,
}

/// Fills a 2 KiB local buffer, as a host function close to its budget would.
#[inline(never)]
pub fn use_big_buffer(seed: u8) -> u8 {
    let mut buffer = [0u8; BIG_BUFFER];
    for (i, b) in buffer.iter_mut().enumerate() {
        *b = seed.wrapping_add(i as u8);
    }
    std::hint::black_box(&mut buffer);
    buffer.iter().fold(0, |a, b| a ^ b)
}

/// The ping-pong module, loaded (before moving to a small thread).
pub fn ping_pong_module(config: &Config) -> (Engine, Module) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, PING_PONG).unwrap();
    (engine, module)
}

pub fn ping_pong_store(engine: &Engine, module: &Module) -> (Store<PingPong>, Instance) {
    let engine = engine.clone();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "ping",
            |mut caller: Caller<'_, PingPong>, depth: i32| -> Result<(), Trap> {
                caller.data_mut().deepest = caller.data().deepest.max(depth);
                let target = caller.data().target;
                let pong = caller
                    .get_export(target)
                    .and_then(|e| e.into_func())
                    .expect("pong is exported");
                pong.call(&mut caller, &[ward::Val::I32(depth)], &mut [])
                    .map_err(pass_on)
            },
        )
        .unwrap();
    linker
        .func_wrap("host", "big", || {
            std::hint::black_box(use_big_buffer(7));
        })
        .unwrap();
    let mut store = Store::new(
        &engine,
        PingPong {
            deepest: 0,
            target: "pong",
        },
    );
    let instance = linker.instantiate(&mut store, module).unwrap();
    (store, instance)
}

/// A configuration whose wasm stack outlasts any native stack, so that the native
/// guard is what stops a ping-pong.
pub fn deep_wasm_stack() -> Config {
    let mut config = Config::new();
    config.wasm_stack_size(256 << 20);
    config
}

/// Plays ping-pong until the native stack runs out: the call must trap with
/// `NativeStackOverflow`, after at least one level, and the store must then run `ok`.
pub fn check_ping_pong(engine: &Engine, module: &Module, target: &'static str) -> i32 {
    let (mut store, instance) = ping_pong_store(engine, module);
    store.data_mut().target = target;
    let pong = instance.get_typed_func::<i32, ()>(&store, target).unwrap();
    assert_eq!(
        trap_kind(pong.call(&mut store, 0)),
        TrapKind::NativeStackOverflow
    );
    let deepest = store.data().deepest;
    assert!(deepest >= 1, "the ping-pong stopped before its first level");
    let ok = instance.get_typed_func::<(), i32>(&store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 42);
    deepest
}
