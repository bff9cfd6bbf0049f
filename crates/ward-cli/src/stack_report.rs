//! `ward stack-report`: what ward's native stack paths and built-in host functions use
//! on this machine and build, measured by stack painting, and whether the native stack
//! guard covers them.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use clap::Args;
use ward::native_stack::{measure, stack_pointer, Measurement};
use ward::{Caller, Config, Engine, Instance, Linker, Module, Store};
use ward_wasi::{DirPerms, ReadPipe, WasiCtx, WritePipe};
use ward_wast::spectest::{self, PrintTo};

use crate::engine::NativeStackOptions;

/// How deep below the report's own frames the stack is painted.
const PAINT_DEPTH: usize = 256 * 1024;

/// Stack a lazily bound symbol's first call costs (PLT resolution), added to the need
/// where the program binds lazily: WAMR measured ~1,500 bytes on Ubuntu 20.04, amd64.
use ward::native_stack::LAZY_BINDING_ALLOWANCE;

#[derive(Args, Debug)]
pub struct StackReportArgs {
    #[command(flatten)]
    native: NativeStackOptions,
    /// Exit with status 1 when the guard is smaller than the measured need.
    #[arg(long)]
    check: bool,
}

/// Which budget a measured path must fit in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Budget {
    /// The native stack guard, checked at every host call.
    Guard,
    /// What an entry into wasm checks for (`ENTRY_STACK`).
    Entry,
    /// The reserve checked before a lazy translation.
    Translation,
    /// The reserve checked before an instantiation.
    Instantiation,
    /// Reported for information.
    None,
}

/// The tier a measurement runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    Interpreter,
    /// Compiled code: its frames are on the native stack, bounded by the prologue
    /// checks against the same limit, so from any compiled frame the runtime functions
    /// it calls (memory growth, bulk operations, traps) must fit in the guard.
    Compiled,
}

/// One measured path.
struct Row {
    what: String,
    bytes: usize,
    budget: Budget,
}

/// Runs `ward stack-report`.
///
/// # Errors
///
/// Fails when a measurement's module cannot be built or run.
pub fn execute(args: &StackReportArgs) -> Result<ExitCode> {
    let mut config = Config::new();
    args.native.apply(&mut config);
    let engine = Engine::new(&config);
    let guard = config.get_native_stack_guard();

    println!("ward stack report ({} build)", build_profile());
    match ward::native_stack::thread_stack() {
        Some(stack) => {
            let sp = stack_pointer();
            println!(
                "thread stack:        {} bytes, [{:#x}, {:#x}), {} bytes free below here",
                stack.size(),
                stack.low,
                stack.high,
                sp.saturating_sub(stack.low)
            );
        }
        None => println!("thread stack:        unknown (the platform does not say)"),
    }
    println!("native stack guard:  {guard} bytes");
    match config.get_max_native_stack() {
        Some(cap) => println!("max native stack:    {cap} bytes"),
        None => println!("max native stack:    none (the whole thread stack)"),
    }
    let lazy = ward::native_stack::symbols_bound_at_load() == Some(false);
    println!(
        "symbol binding:      {}",
        match ward::native_stack::symbols_bound_at_load() {
            Some(true) => "at load time (no lazy PLT resolution on first calls)",
            Some(false) => "lazy (the first call of each library function resolves it)",
            None => "unknown on this platform",
        }
    );

    let mut rows = measure_all(&engine, Tier::Interpreter)?;
    if ward::Strategy::Cranelift.is_available() {
        let mut compiled = config.clone();
        compiled.strategy(ward::Strategy::Cranelift);
        rows.extend(measure_all(&Engine::new(&compiled), Tier::Compiled)?);
    } else {
        println!("compiled tier:       not available on this platform (not measured)");
    }
    println!();
    println!("measured (bytes of native stack):");
    for row in &rows {
        println!("  {:>6}  {}", row.bytes, row.what);
    }
    let need_of = |budget: Budget| {
        rows.iter()
            .filter(|r| r.budget == budget)
            .map(|r| r.bytes)
            .max()
            .unwrap_or(0)
    };
    let mut need = need_of(Budget::Guard);
    if lazy {
        need += LAZY_BINDING_ALLOWANCE;
        println!(
            "  {LAZY_BINDING_ALLOWANCE:>6}  allowance for lazy symbol binding, added to the need"
        );
    }
    println!();
    let checks = [
        ("native stack guard", guard, need),
        (
            "entry reserve",
            ward::native_stack::ENTRY_STACK,
            need_of(Budget::Entry),
        ),
        (
            "translation reserve",
            ward::native_stack::TRANSLATION_STACK,
            need_of(Budget::Translation),
        ),
        (
            "instantiation reserve",
            ward::native_stack::INSTANTIATION_STACK.max(guard),
            need_of(Budget::Instantiation),
        ),
    ];
    let mut ok = true;
    for (name, have, need) in checks {
        if have >= need {
            println!(
                "{name}: {have} bytes suffice (largest need {need} bytes, {} spare)",
                have - need
            );
        } else {
            ok = false;
            println!("{name}: {have} bytes is too small: it needs at least {need} bytes");
        }
    }
    println!(
        "verdict: {}",
        if ok {
            "the defaults cover every measured path"
        } else {
            "raise the settings above"
        }
    );
    Ok(if ok || !args.check {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// The module every measurement runs: pure wasm work, a call out to a host function,
/// and a ping-pong with the host.
const MODULE: &str = r#"
(module
  (import "spectest" "print" (func $print))
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_i64" (func $print_i64 (param i64)))
  (import "spectest" "print_f32" (func $print_f32 (param f32)))
  (import "spectest" "print_f64" (func $print_f64 (param f64)))
  (import "spectest" "print_i32_f32" (func $print_i32_f32 (param i32 f32)))
  (import "spectest" "print_f64_f64" (func $print_f64_f64 (param f64 f64)))
  (import "report" "empty" (func $empty))
  (import "report" "ping" (func $ping (param i32)))
  (memory 1)
  (table funcref (elem $fib))
  (type $unary (func (param i32) (result i32)))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add
        (call $fib (i32.sub (local.get 0) (i32.const 1)))
        (call_indirect (type $unary) (i32.sub (local.get 0) (i32.const 2)) (i32.const 0))))))
  (func (export "work") (result i32)
    (i32.store (i32.const 0) (call $fib (i32.const 15)))
    (memory.fill (i32.const 8) (i32.const 1) (i32.const 100))
    (drop (memory.grow (i32.const 1)))
    (i32.load (i32.const 0)))
  (func $deep (param i32)
    (if (local.get 0)
      (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (else unreachable)))
  (func (export "trap") (call $deep (i32.const 50)))
  (func (export "empty") (call $empty))
  (func (export "pong") (param i32) (call $ping (local.get 0)))
  (func (export "print") (call $print))
  (func (export "print_i32") (call $print_i32 (i32.const -123456789)))
  (func (export "print_i64") (call $print_i64 (i64.const -1234567890123456789)))
  (func (export "print_f32") (call $print_f32 (f32.const -0x1.fffffep127)))
  (func (export "print_f64") (call $print_f64 (f64.const -0x1.fffffffffffffp1023)))
  (func (export "print_i32_f32") (call $print_i32_f32 (i32.const -1) (f32.const 1e-40)))
  (func (export "print_f64_f64") (call $print_f64_f64 (f64.const 1e-320) (f64.const -0x1p-1074))))
"#;

/// A module whose instantiation allocates, initialises and runs a start function.
const INSTANTIATED: &str = r#"
(module
  (memory 2)
  (table 4 funcref)
  (global $g (mut i32) (i32.const 1))
  (func $f (global.set $g (i32.mul (global.get $g) (i32.const 3))))
  (elem (i32.const 0) $f $f $f)
  (data (i32.const 16) "measured by stack painting")
  (start $f))
"#;

/// Stack pointers the host functions record.
#[derive(Default)]
struct Probe {
    empty_entry: AtomicUsize,
    /// Stack pointer at each `ping` entry, outermost first.
    pings: Mutex<Vec<usize>>,
}

impl Probe {
    fn pings(&self) -> std::sync::MutexGuard<'_, Vec<usize>> {
        self.pings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Calls export `name` with `args` under [`measure`], discarding its results; the export
/// `trap` must trap.
fn measured_call(
    store: &mut Store<ReportData>,
    instance: &Instance,
    name: &str,
    args: &[ward::Val],
) -> Result<Measurement> {
    let func = instance
        .get_func(&*store, name)
        .with_context(|| format!("no export {name}"))?;
    let mut results = vec![ward::Val::I32(0); func.ty(&*store).results().len()];
    let (result, m) = measure(PAINT_DEPTH, || func.call(&mut *store, args, &mut results));
    match result {
        Err(ward::Error::Trap(_)) if name == "trap" => Ok(m),
        Ok(()) if name == "trap" => anyhow::bail!("the trap measurement did not trap"),
        other => other.map(|()| m).with_context(|| format!("calling {name}")),
    }
}

/// The report store's data: a WASI context over in-memory stdio and a scratch
/// directory, for measuring the WASI functions.
struct ReportData {
    wasi: WasiCtx,
}

/// A scratch directory, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let path = std::env::temp_dir().join(format!("ward-stack-report-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn measure_all(engine: &Engine, tier: Tier) -> Result<Vec<Row>> {
    let mut rows = measure_tier(engine, tier)?;
    if tier == Tier::Compiled {
        for row in &mut rows {
            row.what = format!("compiled: {}", row.what);
        }
    }
    Ok(rows)
}

fn measure_tier(engine: &Engine, tier: Tier) -> Result<Vec<Row>> {
    let probe = Arc::new(Probe::default());
    let scratch = Scratch::new()?;
    let wasi = WasiCtx::builder()
        .arg("stack-report")
        .env("WARD", "stack")
        .stdin(ReadPipe::new(std::io::empty()))
        .stdout(WritePipe::new_in_memory())
        .stderr(WritePipe::new_in_memory())
        .preopened_dir(&scratch.0, "/", DirPerms::ReadWrite)
        .context("preopening the scratch directory")?
        .try_build()
        .context("building the WASI context")?;
    let mut store = Store::new(engine, ReportData { wasi });
    let mut linker = Linker::new(engine);
    spectest::define(&mut linker, &mut store, PrintTo::Sink)?;
    ward_wasi::add_to_linker(&mut linker, |data: &mut ReportData| &mut data.wasi)?;
    let p = probe.clone();
    linker.func_wrap("report", "empty", move || {
        p.empty_entry.store(stack_pointer(), Ordering::Relaxed)
    })?;
    let p = probe.clone();
    linker.func_wrap(
        "report",
        "ping",
        move |mut caller: Caller<'_, ReportData>, depth: i32| {
            p.pings().push(stack_pointer());
            if depth > 0 {
                let pong = caller
                    .get_export("pong")
                    .and_then(|e| e.into_func())
                    .expect("the module exports pong");
                pong.call(&mut caller, &[ward::Val::I32(depth - 1)], &mut [])
                    .map_err(|e| ward::Trap::new(e.to_string()))?;
            }
            Ok(())
        },
    )?;
    let module = Module::new(engine, MODULE).context("building the measurement module")?;
    let instance = linker.instantiate(&mut store, &module)?;

    let mut rows = Vec::new();
    let m = measured_call(&mut store, &instance, "work", &[])?;
    if tier == Tier::Interpreter {
        rows.push(Row {
            what: "lazy translation check to the deepest point of translating a function".into(),
            bytes: m.below_translate_check().unwrap_or(0),
            budget: Budget::Translation,
        });
    }
    // Warm up: translate every function, touch the code paths once.
    for name in ["trap", "empty", "print", "pong"] {
        measured_call(
            &mut store,
            &instance,
            name,
            &[ward::Val::I32(0)][..usize::from(name == "pong")],
        )?;
    }
    let m = measured_call(&mut store, &instance, "work", &[])?;
    rows.push(Row {
        what: match tier {
            Tier::Interpreter => {
                "entry check to the deepest executor frame (pure wasm: calls, call_indirect, \
                 memory)"
            }
            Tier::Compiled => {
                "entry check to the deepest point of pure wasm (calls, call_indirect, memory \
                 growth and fill)"
            }
        }
        .into(),
        bytes: m.below_entry_check().unwrap_or(0),
        budget: Budget::Entry,
    });
    let m = measured_call(&mut store, &instance, "trap", &[])?;
    rows.push(Row {
        what: "entry check to the deepest point of a trap with a backtrace".into(),
        bytes: m.below_entry_check().unwrap_or(0),
        budget: Budget::Entry,
    });

    let start = Module::new(engine, INSTANTIATED).context("building the start module")?;
    let (result, m) = measure(PAINT_DEPTH, || linker.instantiate(&mut store, &start));
    result.context("instantiating the start module")?;
    rows.push(Row {
        what: "entry check to the deepest point of instantiating a module (segments, start)".into(),
        bytes: m.below_entry_check().unwrap_or(0),
        budget: Budget::Instantiation,
    });

    let m = measured_call(&mut store, &instance, "empty", &[])?;
    let check = m.host_check.unwrap_or(0);
    rows.push(Row {
        what: "path from the host-call check to a host function's first instruction".into(),
        bytes: check.saturating_sub(probe.empty_entry.load(Ordering::Relaxed)),
        budget: Budget::None,
    });
    rows.push(Row {
        what: "host-call check to the deepest point of an empty host function".into(),
        bytes: m.below_host_check().unwrap_or(0),
        budget: Budget::Guard,
    });

    probe.pings().clear();
    measured_call(&mut store, &instance, "pong", &[ward::Val::I32(2)])?;
    let pings = probe.pings().clone();
    if pings.len() >= 2 {
        rows.push(Row {
            what: "one re-entry cycle: host function -> wasm -> host function".into(),
            bytes: pings[0] - pings[1],
            budget: Budget::None,
        });
    }

    for name in spectest::PRINT_FUNCTIONS {
        // Twice: the first call translates the wasm function that calls the print
        // function, and translation has a reserve of its own (measured above).
        measured_call(&mut store, &instance, name, &[])?;
        let m = measured_call(&mut store, &instance, name, &[])?;
        rows.push(Row {
            what: format!("host-call check to the deepest point of spectest.{name}"),
            bytes: m.below_host_check().unwrap_or(0),
            budget: Budget::Guard,
        });
    }

    let wasi = Module::new(engine, WASI_MODULE).context("building the WASI module")?;
    let wasi = linker.instantiate(&mut store, &wasi)?;
    for &name in WASI_CALLS {
        let export = format!("w_{name}");
        // Twice: the first call translates the function and may grow buffers.
        let func = wasi
            .get_typed_func::<(), i32>(&store, &export)
            .with_context(|| format!("no export {export}"))?;
        func.call(&mut store, ())
            .with_context(|| format!("calling {export}"))?;
        let (errno, m) = measure(PAINT_DEPTH, || func.call(&mut store, ()));
        let errno = errno.with_context(|| format!("calling {export}"))?;
        let note = if errno == 0 {
            String::new()
        } else {
            format!(" (errno {errno})")
        };
        rows.push(Row {
            what: format!("host-call check to the deepest point of WASI {name}{note}"),
            bytes: m.below_host_check().unwrap_or(0),
            budget: Budget::Guard,
        });
    }
    Ok(rows)
}

/// The WASI functions the report measures, each called by export `w_<name>`.
const WASI_CALLS: &[&str] = &[
    "args_get",
    "environ_get",
    "clock_time_get",
    "random_get",
    "fd_write",
    "fd_read",
    "fd_prestat_dir_name",
    "fd_filestat_get",
    "path_open",
    "fd_seek",
    "fd_close",
    "path_filestat_get",
    "fd_readdir",
    "path_create_directory",
    "path_remove_directory",
    "path_unlink_file",
    "poll_oneoff",
    "sched_yield",
];

/// Calls each WASI function with valid arguments. Memory layout: an iovec at 0 for the
/// five bytes at 16; paths at 100 ("f.txt") and 110 ("d"); results from 200; a clock
/// subscription at 512, events at 600; a scratch buffer at 1024.
const WASI_MODULE: &str = r#"
(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\05\00\00\00")
  (data (i32.const 16) "hello")
  (data (i32.const 100) "f.txt")
  (data (i32.const 110) "d")
  (data (i32.const 512) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00")
  (func (export "w_args_get") (result i32) (call $args_get (i32.const 1024) (i32.const 1100)))
  (func (export "w_environ_get") (result i32) (call $environ_get (i32.const 1024) (i32.const 1100)))
  (func (export "w_clock_time_get") (result i32)
    (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 200)))
  (func (export "w_random_get") (result i32) (call $random_get (i32.const 1024) (i32.const 256)))
  (func (export "w_fd_write") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 200)))
  (func (export "w_fd_read") (result i32)
    (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 200)))
  (func (export "w_fd_prestat_dir_name") (result i32)
    (call $fd_prestat_dir_name (i32.const 3) (i32.const 1024) (i32.const 1)))
  (func (export "w_fd_filestat_get") (result i32) (call $fd_filestat_get (i32.const 3) (i32.const 1024)))
  (func (export "w_path_open") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 1)
      (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 200)))
  (func (export "w_fd_seek") (result i32)
    (call $fd_seek (i32.load (i32.const 200)) (i64.const 0) (i32.const 2) (i32.const 208)))
  (func (export "w_fd_close") (result i32)
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 1)
      (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 204)))
    (call $fd_close (i32.load (i32.const 204))))
  (func (export "w_path_filestat_get") (result i32)
    (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 1024)))
  (func (export "w_fd_readdir") (result i32)
    (call $fd_readdir (i32.const 3) (i32.const 1024) (i32.const 1024) (i64.const 0) (i32.const 200)))
  (func (export "w_path_create_directory") (result i32) (local $errno i32)
    (local.set $errno (call $path_create_directory (i32.const 3) (i32.const 110) (i32.const 1)))
    (drop (call $path_remove_directory (i32.const 3) (i32.const 110) (i32.const 1)))
    (local.get $errno))
  (func (export "w_path_remove_directory") (result i32)
    (drop (call $path_create_directory (i32.const 3) (i32.const 110) (i32.const 1)))
    (call $path_remove_directory (i32.const 3) (i32.const 110) (i32.const 1)))
  (func (export "w_path_unlink_file") (result i32)
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 1)
      (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 204)))
    (drop (call $fd_close (i32.load (i32.const 204))))
    (call $path_unlink_file (i32.const 3) (i32.const 100) (i32.const 5)))
  (func (export "w_poll_oneoff") (result i32)
    (call $poll_oneoff (i32.const 512) (i32.const 600) (i32.const 1) (i32.const 200)))
  (func (export "w_sched_yield") (result i32) (call $sched_yield)))
"#;
