//! Native and wasm stack overflows end in clean traps, on threads with small and large
//! stacks, and the store stays usable after them.

mod support;

use std::hint::black_box;
use std::process::Command;

use support::{on_thread, trap_kind, THREAD_STACKS};
use ward::native_stack::{stack_pointer, thread_stack, DEFAULT_NATIVE_STACK_GUARD, ENTRY_STACK};
use ward::{
    Caller, Config, Engine, Error, Func, Linker, Module, Store, Strategy, Trap, TrapKind, Val,
};

#[test]
fn endless_recursion_traps_on_every_thread_size() {
    let (engine, modules) = support::endless_recursion_modules();
    let modules = std::sync::Arc::new(modules);
    for size in THREAD_STACKS {
        let (engine, modules) = (engine.clone(), modules.clone());
        on_thread(size, move || {
            support::check_endless_recursion(&engine, &modules)
        });
    }
}

#[test]
fn host_ping_pong_traps_on_every_thread_size() {
    let (engine, module) = support::ping_pong_module(&support::deep_wasm_stack());
    for size in THREAD_STACKS {
        let (engine, module) = (engine.clone(), module.clone());
        let deepest = on_thread(size, move || {
            support::check_ping_pong(&engine, &module, "pong")
        });
        println!(
            "{} KiB thread: ping-pong reached depth {deepest}",
            size >> 10
        );
    }
}

#[test]
fn a_host_function_near_its_budget_works_and_traps_cleanly_at_the_limit() {
    let (engine, module) = support::ping_pong_module(&support::deep_wasm_stack());
    for size in THREAD_STACKS {
        let (engine, module) = (engine.clone(), module.clone());
        on_thread(size, move || {
            let (mut store, instance) = support::ping_pong_store(&engine, &module);
            let big = instance.get_typed_func::<(), ()>(&store, "big").unwrap();
            if let Err(err) = big.call(&mut store, ()) {
                panic!("no room for the 2 KiB buffer on {size} bytes: {err}");
            }
            support::check_ping_pong(&engine, &module, "pong_big");
        });
    }
}

#[test]
fn ensure_native_stack_traps_instead_of_overflowing() {
    on_thread(256 << 10, || {
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (import "host" "deep" (func $deep (param i32)))
                 (func (export "deep") (param i32) (call $deep (local.get 0))))"#,
        )
        .unwrap();
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "deep", |caller: Caller<'_, ()>, kib: i32| {
                caller.ensure_native_stack(kib as usize * 1024)
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let deep = instance.get_typed_func::<i32, ()>(&store, "deep").unwrap();
        deep.call(&mut store, 16)
            .expect("16 KiB are free on a 256 KiB thread");
        assert_eq!(
            trap_kind(deep.call(&mut store, 1024)),
            TrapKind::NativeStackOverflow
        );
        deep.call(&mut store, 16).expect("the store still works");
    });
}

#[test]
fn max_native_stack_caps_re_entry() {
    let deepest = |cap: Option<usize>| {
        let mut config = support::deep_wasm_stack();
        config.max_native_stack(cap);
        let (engine, module) = support::ping_pong_module(&config);
        on_thread(8 << 20, move || {
            let (mut store, instance) = support::ping_pong_store(&engine, &module);
            let pong = instance.get_typed_func::<i32, ()>(&store, "pong").unwrap();
            assert_eq!(
                trap_kind(pong.call(&mut store, 0)),
                TrapKind::NativeStackOverflow
            );
            store.data().deepest
        })
    };
    let capped = deepest(Some(256 << 10));
    let whole = deepest(None);
    assert!(
        capped * 8 < whole,
        "a 256 KiB cap allowed depth {capped}, the whole 8 MiB stack {whole}"
    );
}

/// Where the sweep starts. An optimised build checks the stack before a call uses any
/// stack of its own, so it sweeps from nothing left at all. An unoptimised build (as in
/// `cargo test`) moves values through `memcpy` calls around the check, in ward and in
/// this test alike, so there the sweep starts with a little room for those.
const SWEEP_FROM: i32 = if cfg!(debug_assertions) { 1024 } else { 0 };

/// Where the sweep ends: 64 KiB, or twice that for an unoptimised build, whose guard
/// and executor frames together need more.
const SWEEP_TO: i32 = if cfg!(debug_assertions) {
    128 << 10
} else {
    64 << 10
};

/// Bytes at the very end of the stack that must never change.
const CANARY: usize = 64;
const CANARY_BYTE: u8 = 0xa5;

/// Host data of the sweep: the outcome of each run.
#[derive(Default)]
struct Sweep {
    /// (bytes left above the canary, result of the call into wasm)
    runs: Vec<(usize, Result<i32, TrapKind>)>,
    canary_hit: Vec<usize>,
}

/// Uses about 1 KiB of stack per level.
#[inline(never)]
fn coarse(
    caller: &mut Caller<'_, Sweep>,
    leaf: Func,
    target: usize,
) -> (usize, Result<(), Error>, i32) {
    let mut pad = [0u8; 1024];
    black_box(&mut pad);
    let out = descend(caller, leaf, target, usize::MAX);
    black_box(&pad);
    out
}

/// Uses a few dozen bytes of stack per level.
#[inline(never)]
fn fine(
    caller: &mut Caller<'_, Sweep>,
    leaf: Func,
    target: usize,
) -> (usize, Result<(), Error>, i32) {
    let parent = stack_pointer();
    let mut pad = [0u8; 8];
    black_box(&mut pad);
    let out = descend(caller, leaf, target, parent);
    black_box(&pad);
    out
}

/// Recurses until the stack pointer is within one small step above `target`, then
/// calls into wasm from right there: the call's own check is the first thing that
/// runs, in this frame.
#[inline(never)]
fn descend(
    caller: &mut Caller<'_, Sweep>,
    leaf: Func,
    target: usize,
    parent: usize,
) -> (usize, Result<(), Error>, i32) {
    let sp = stack_pointer();
    if sp > target + 16 * 1024 {
        return coarse(caller, leaf, target);
    }
    // The last fine step's size tells how far the next one goes.
    let step = if parent == usize::MAX {
        1024
    } else {
        parent - sp
    };
    if sp >= target + step {
        return fine(caller, leaf, target);
    }
    let mut results = [Val::I32(0)];
    let outcome = leaf.call(&mut *caller, &[], &mut results);
    (sp, outcome, results[0].i32().unwrap_or(0))
}

/// A host recursion leaves exactly N bytes of native stack (N from [`SWEEP_FROM`] to
/// [`SWEEP_TO`] in 64-byte steps) and calls into wasm export `leaf`. Every run ends as
/// `expected` (7, or the trap the leaf raises) or traps `NativeStackOverflow`; none
/// crashes, and the canary at the stack's end is never touched. A run that ends as
/// expected had at least `needs` bytes left. Returns the smallest N at which the leaf
/// ran to its end.
fn sweep(
    strategy: Strategy,
    leaf_body: &str,
    expected: Result<i32, TrapKind>,
    needs: usize,
) -> usize {
    let mut config = Config::new();
    // Compiled frames count against the wasm stack size from the thread's outermost
    // entry, which the host recursion below lies far beneath (glibc may hand the
    // thread a cached stack larger than asked for): a size beyond any thread's stack
    // leaves the thread's end as the only limit, the one swept.
    config.strategy(strategy).wasm_stack_size(64 << 20);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        format!(
            r#"(module
                 (import "host" "descend" (func $descend (param i32)))
                 (import "host" "empty" (func $empty))
                 (memory 1)
                 (table $t 1 funcref)
                 (elem (i32.const 0) $add)
                 (type $binary (func (param i32 i32) (result i32)))
                 (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
                 (func $deep (param i32)
                   (if (local.get 0)
                     (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
                     (else unreachable)))
                 (tag $e (param i32))
                 (func $throw_deep (param i32)
                   (if (local.get 0)
                     (then (call $throw_deep (i32.sub (local.get 0) (i32.const 1))))
                     (else (throw $e (i32.const 7)))))
                 (func (export "start") (param i32) (call $descend (local.get 0)))
                 (func (export "leaf") (result i32) {leaf_body}))"#
        ),
    )
    .unwrap();
    let runs = on_thread(512 << 10, move || {
        let mut linker = Linker::new(&engine);
        linker.func_wrap("host", "empty", || {}).unwrap();
        linker
            .func_wrap(
                "host",
                "descend",
                |mut caller: Caller<'_, Sweep>, n: i32| -> Result<(), Trap> {
                    let low = thread_stack().expect("the thread's stack").low;
                    let leaf = caller
                        .get_export("leaf")
                        .and_then(|e| e.into_func())
                        .unwrap();
                    let canary = low as *mut u8;
                    // SAFETY: the lowest bytes of this thread's stack are unused here.
                    unsafe { std::ptr::write_bytes(canary, CANARY_BYTE, CANARY) };
                    let (sp, outcome, value) =
                        descend(&mut caller, leaf, low + CANARY + n as usize, usize::MAX);
                    // SAFETY: as above; read after every frame below has returned.
                    let intact = (0..CANARY)
                        .all(|i| unsafe { std::ptr::read_volatile(canary.add(i)) } == CANARY_BYTE);
                    let left = sp - low - CANARY;
                    if !intact {
                        caller.data_mut().canary_hit.push(left);
                    }
                    let outcome = match outcome {
                        Ok(()) => Ok(value),
                        Err(Error::Trap(trap)) => Err(trap.kind()),
                        Err(other) => panic!("unexpected error {other}"),
                    };
                    caller.data_mut().runs.push((left, outcome));
                    Ok(())
                },
            )
            .unwrap();
        let mut store = Store::new(&engine, Sweep::default());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let start = instance.get_typed_func::<i32, ()>(&store, "start").unwrap();
        // Translate `leaf` and learn the thread's stack before the sweep.
        start.call(&mut store, SWEEP_TO).unwrap();
        store.data_mut().runs.clear();
        for n in (SWEEP_FROM..=SWEEP_TO).step_by(64) {
            start.call(&mut store, n).unwrap();
        }
        let sweep = store.into_data();
        assert!(
            sweep.canary_hit.is_empty(),
            "canary overwritten with {:?} left",
            sweep.canary_hit
        );
        sweep.runs
    });

    for (left, outcome) in &runs {
        assert!(
            *outcome == expected || *outcome == Err(TrapKind::NativeStackOverflow),
            "{strategy:?}, {left} bytes left: {outcome:?}"
        );
    }
    let smallest = runs
        .iter()
        .filter(|(_, outcome)| *outcome == expected)
        .map(|&(left, _)| left)
        .min()
        .expect("the call succeeds with the most left");
    let largest_trap = runs
        .iter()
        .filter(|(_, outcome)| *outcome != expected)
        .map(|&(left, _)| left)
        .max()
        .expect("the call traps with nothing left");
    assert!(
        largest_trap < smallest,
        "successes and traps interleave: {runs:?}"
    );
    // The canary is part of what is left: count from the stack's end.
    let from_end = smallest + CANARY;
    assert!(
        from_end >= needs,
        "a call ran with {from_end} bytes left, less than the {needs} it needs"
    );
    from_end
}

/// The tiers the sweeps run on: the interpreter, and the compiled tier where the
/// platform has it.
fn tiers() -> Vec<Strategy> {
    let mut tiers = vec![Strategy::Interpreter];
    if Strategy::Cranelift.is_available() {
        tiers.push(Strategy::Cranelift);
    }
    tiers
}

/// The goal for a call into wasm that stays in wasm, in an optimised build: less than
/// the 3,072 bytes every entry checked when it checked the whole guard (and WAMR's fast
/// interpreter's 3,456). An unoptimised build's frames are several times larger.
const PURE_CALL_GOAL: usize = if cfg!(debug_assertions) {
    16 * 1024
} else {
    2048
};

#[test]
fn sweep_of_remaining_stack_into_pure_wasm() {
    for tier in tiers() {
        let smallest = sweep(
            tier,
            "(call $add (i32.const 3) (i32.const 4))",
            Ok(7),
            ENTRY_STACK,
        );
        println!(
            "sweep into pure wasm, {tier:?}: smallest N at which the call succeeds: \
             {smallest} bytes (entry check {ENTRY_STACK}, guard {DEFAULT_NATIVE_STACK_GUARD})"
        );
        // An entry checks what ward's own frames need, not the guard: that is checked
        // where a host function is called.
        assert!(
            smallest < PURE_CALL_GOAL,
            "{tier:?}: ward needed {smallest} bytes, the goal is below {PURE_CALL_GOAL}"
        );
    }
}

#[test]
fn sweep_of_remaining_stack_into_wasm_calling_the_host() {
    for tier in tiers() {
        let smallest = sweep(
            tier,
            "(call $empty) (i32.const 7)",
            Ok(7),
            DEFAULT_NATIVE_STACK_GUARD,
        );
        println!(
            "sweep into wasm that calls the host, {tier:?}: smallest N at which the call \
             succeeds: {smallest} bytes (guard {DEFAULT_NATIVE_STACK_GUARD})"
        );
    }
}

/// Every runtime path ward takes below an entry check, at every depth the sweep
/// reaches: none may overrun the stack's end, whether it succeeds or fails its own
/// check. This proves the entry's reserve and the compiled tier's reserve below its
/// frames for the paths that go deepest.
#[test]
fn sweep_of_remaining_stack_through_the_runtime_paths() {
    let leaves = [
        (
            "memory.grow",
            "(memory.grow (i32.const 1)) (drop) (i32.const 7)",
            Ok(7),
        ),
        (
            "table.grow",
            "(table.grow $t (ref.null func) (i32.const 50)) (drop) (i32.const 7)",
            Ok(7),
        ),
        (
            "memory.fill",
            "(memory.fill (i32.const 0) (i32.const 1) (i32.const 4096)) (i32.const 7)",
            Ok(7),
        ),
        (
            "call_indirect",
            "(call_indirect (type $binary) (i32.const 3) (i32.const 4) (i32.const 0))",
            Ok(7),
        ),
        (
            "a trap with a backtrace",
            "(call $deep (i32.const 20)) (i32.const 7)",
            Err(TrapKind::Unreachable),
        ),
        (
            "an exception caught where it is thrown",
            "(block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 7))) \
             (i32.const 0))",
            Ok(7),
        ),
        (
            "an exception thrown 20 calls down and caught",
            "(block $h (result i32) (try_table (catch $e $h) (call $throw_deep (i32.const 20))) \
             (i32.const 0))",
            Ok(7),
        ),
        (
            "an uncaught exception",
            "(call $throw_deep (i32.const 20)) (i32.const 0)",
            Err(TrapKind::Exception),
        ),
    ];
    for tier in tiers() {
        for (what, body, expected) in leaves {
            let smallest = sweep(tier, body, expected, ENTRY_STACK);
            println!("sweep through {what}, {tier:?}: smallest N {smallest} bytes");
        }
    }
}

/// Recurses without end in host code, using stack ward never sees.
#[inline(never)]
#[allow(unconditional_recursion)]
fn runaway(depth: u64) -> u64 {
    let mut pad = [depth as u8; 256];
    black_box(&mut pad);
    runaway(depth + 1) + pad[0] as u64
}

/// Run in a child process by `overflow_in_host_code_aborts_with_a_message`.
#[test]
#[ignore = "crashes on purpose; run by overflow_in_host_code_aborts_with_a_message"]
fn host_code_overflows_the_native_stack() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "runaway" (func $r)) (func (export "run") (call $r)))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "runaway", || {
            black_box(runaway(0));
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    let _ = run.call(&mut store, ());
    unreachable!("the host function cannot return");
}

#[test]
#[cfg(unix)]
fn overflow_in_host_code_aborts_with_a_message() {
    use std::os::unix::process::ExitStatusExt;
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "host_code_overflows_the_native_stack",
            "--test-threads=1",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(libc_sigabrt()),
        "status {:?}, stderr:\n{stderr}",
        output.status
    );
    assert!(
        stderr.contains("ward: native stack overflow in host code"),
        "stderr:\n{stderr}"
    );
    assert!(stderr.contains(&format!("guard of {DEFAULT_NATIVE_STACK_GUARD} bytes")));
    assert!(stderr.contains("--native-stack-guard"));
}

/// SIGABRT, which is 6 on every Unix ward supports.
fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn config_reports_its_native_stack_settings() {
    let mut config = Config::new();
    assert_eq!(config.get_native_stack_guard(), DEFAULT_NATIVE_STACK_GUARD);
    assert_eq!(config.get_max_native_stack(), None);
    config
        .native_stack_guard(8192)
        .max_native_stack(Some(1 << 20));
    assert_eq!(config.get_native_stack_guard(), 8192);
    assert_eq!(config.get_max_native_stack(), Some(1 << 20));
}
