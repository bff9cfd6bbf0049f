//! Many instances: the time and the memory each instance of a small module costs, in
//! ward's two tiers, wasmi and wasmtime, with all instances in one store and with one
//! store per instance (see bench/README.md, "Many instances").
//!
//! `instances` runs every (runtime, layout) pair in a child process of its own, in
//! interleaved rounds, and prints the medians. `instances --child RUNTIME LAYOUT COUNT`
//! is one measurement: it prints one line of numbers.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// A plugin-sized module: a page of memory with data in it, a table of four functions,
/// a mutable global, and an export that folds the data through the table.
const MODULE: &str = r#"(module
  (type $unop (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 4 funcref)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 1024) "DATA")
  (elem (i32.const 0) $inc $double $mix $neg)
  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $double (type $unop) (i32.shl (local.get 0) (i32.const 1)))
  (func $mix (type $unop) (i32.xor (local.get 0) (i32.const 0x5bd1e995)))
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "run") (param $x i32) (result i32) (local $i i32) (local $acc i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $acc (local.get $x))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 64)))
        (local.set $acc
          (call_indirect (type $unop)
            (i32.add (local.get $acc) (i32.load8_u offset=1024 (local.get $i)))
            (i32.and (local.get $i) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 4096) (local.get $acc))
    (local.get $acc)))"#;

/// The data segment: 64 bytes that `run` reads.
const DATA: &[u8; 64] = b"a small plugin's data: a greeting, some text and a lookup table.";

fn wasm() -> Vec<u8> {
    let text = MODULE.replace("DATA", std::str::from_utf8(DATA).unwrap());
    wat::parse_str(text).expect("the benchmark's module parses")
}

/// What `run(x)` returns, computed here.
fn expected(x: i32) -> i32 {
    let mut acc = x;
    for (i, &byte) in DATA.iter().enumerate() {
        let v = acc.wrapping_add(i32::from(byte));
        acc = match i & 3 {
            0 => v.wrapping_add(1),
            1 => v.wrapping_shl(1),
            2 => v ^ 0x5bd1e995,
            _ => v.wrapping_neg(),
        };
    }
    acc
}

const RUNTIMES: &[&str] = &["ward", "ward-cranelift", "wasmi", "wasmtime"];
const LAYOUTS: &[&str] = &["one-store", "many-stores", "churn"];

/// One measurement, as the child prints it.
#[derive(Clone, Copy, Default)]
struct Sample {
    /// Nanoseconds per instance: store (in `many-stores`) and instantiation.
    instantiate: f64,
    /// Nanoseconds per instance: the first call of `run`.
    call: f64,
    /// Nanoseconds per instance: dropping the stores.
    drop: f64,
    /// Bytes per instance of resident memory (VmRSS) after the calls.
    rss: f64,
    /// Bytes per instance of address space (VmSize) after the calls.
    vm: f64,
    /// Bytes per instance that ward's stores report (`Store::footprint`), else 0.
    footprint: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let [_, runtime, layout, count] = &args[..] else {
            eprintln!("usage: instances --child RUNTIME LAYOUT COUNT");
            return ExitCode::from(2);
        };
        let count: usize = count.parse().expect("COUNT is a number");
        return match child(runtime, layout, count) {
            Ok(s) => {
                println!(
                    "{} {} {} {} {} {}",
                    s.instantiate, s.call, s.drop, s.rss, s.vm, s.footprint
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{runtime} {layout}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut count = 10_000;
    let mut rounds = 5;
    let mut runtimes: Vec<String> = RUNTIMES.iter().map(|s| s.to_string()).collect();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || iter.next().expect("an option's value").clone();
        match arg.as_str() {
            "--count" => count = value().parse().expect("--count N"),
            "--rounds" => rounds = value().parse().expect("--rounds N"),
            "--runtimes" => runtimes = value().split(',').map(str::to_string).collect(),
            other => {
                eprintln!("unknown argument {other}; usage: instances [--count N] [--rounds N] [--runtimes a,b]");
                return ExitCode::from(2);
            }
        }
    }
    parent(&runtimes, count, rounds)
}

fn parent(runtimes: &[String], count: usize, rounds: usize) -> ExitCode {
    let exe = std::env::current_exe().expect("this program's path");
    let pairs: Vec<(String, &str)> = runtimes
        .iter()
        .flat_map(|r| LAYOUTS.iter().map(move |l| (r.clone(), *l)))
        .collect();
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); pairs.len()];
    let mut failed = false;
    for round in 0..rounds {
        // A different order each round, so that a burst of load spreads over the pairs.
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.rotate_left(round % pairs.len());
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (runtime, layout) = &pairs[i];
            let output = Command::new(&exe)
                .args(["--child", runtime, layout, &count.to_string()])
                .output()
                .expect("running a measurement");
            if !output.status.success() {
                eprint!("{}", String::from_utf8_lossy(&output.stderr));
                failed = true;
                continue;
            }
            let text = String::from_utf8_lossy(&output.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .map(|t| t.parse().unwrap())
                .collect();
            samples[i].push(Sample {
                instantiate: v[0],
                call: v[1],
                drop: v[2],
                rss: v[3],
                vm: v[4],
                footprint: v[5],
            });
        }
    }
    println!(
        "{count} instances of a {}-byte module, {rounds} rounds, medians per instance",
        wasm().len()
    );
    println!();
    println!("| runtime | layout | instantiate | first call | drop | resident | address space | footprint |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for ((runtime, layout), s) in pairs.iter().zip(&samples) {
        if s.is_empty() {
            println!("| {runtime} | {layout} | error | | | | | |");
            continue;
        }
        let m = |f: fn(&Sample) -> f64| median(s.iter().map(f).collect());
        let footprint = m(|s| s.footprint);
        println!(
            "| {runtime} | {layout} | {:.2} µs | {:.2} µs | {:.2} µs | {:.1} KiB | {} | {} |",
            m(|s| s.instantiate) / 1e3,
            m(|s| s.call) / 1e3,
            m(|s| s.drop) / 1e3,
            m(|s| s.rss) / 1024.0,
            human(m(|s| s.vm)),
            if footprint > 0.0 {
                format!("{:.1} KiB", footprint / 1024.0)
            } else {
                "n/a".into()
            },
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn human(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", bytes / (1024.0 * 1024.0 * 1024.0))
    } else if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes / 1024.0)
    }
}

/// The process's resident memory and address space, in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmSize:"))
}

/// What the benchmark needs of a runtime: stores, instances of the module, calls.
trait Runtime {
    type Store;
    type Func;
    fn store(&self) -> Self::Store;
    /// A new instance in `store`, and its `run`.
    fn instantiate(&self, store: &mut Self::Store) -> Result<Self::Func, String>;
    fn call(&self, store: &mut Self::Store, run: &Self::Func, x: i32) -> Result<i32, String>;
    /// The bytes the store says it holds, where the runtime tells.
    fn footprint(&self, _store: &Self::Store) -> usize {
        0
    }
}

struct Ward {
    engine: ward::Engine,
    module: ward::Module,
    linker: ward::Linker<()>,
}

impl Runtime for Ward {
    type Store = ward::Store<()>;
    type Func = ward::TypedFunc<i32, i32>;
    fn store(&self) -> Self::Store {
        ward::Store::new(&self.engine, ())
    }
    fn instantiate(&self, store: &mut Self::Store) -> Result<Self::Func, String> {
        let instance = self
            .linker
            .instantiate(&mut *store, &self.module)
            .map_err(text)?;
        instance.get_typed_func(&*store, "run").map_err(text)
    }
    fn call(&self, store: &mut Self::Store, run: &Self::Func, x: i32) -> Result<i32, String> {
        run.call(store, x).map_err(text)
    }
    fn footprint(&self, store: &Self::Store) -> usize {
        store.footprint().total()
    }
}

struct Wasmi {
    engine: wasmi::Engine,
    module: wasmi::Module,
    linker: wasmi::Linker<()>,
}

impl Runtime for Wasmi {
    type Store = wasmi::Store<()>;
    type Func = wasmi::TypedFunc<i32, i32>;
    fn store(&self) -> Self::Store {
        wasmi::Store::new(&self.engine, ())
    }
    fn instantiate(&self, store: &mut Self::Store) -> Result<Self::Func, String> {
        let instance = self
            .linker
            .instantiate_and_start(&mut *store, &self.module)
            .map_err(text)?;
        instance.get_typed_func(&*store, "run").map_err(text)
    }
    fn call(&self, store: &mut Self::Store, run: &Self::Func, x: i32) -> Result<i32, String> {
        run.call(store, x).map_err(text)
    }
}

struct Wasmtime {
    engine: wasmtime::Engine,
    module: wasmtime::Module,
}

impl Runtime for Wasmtime {
    type Store = wasmtime::Store<()>;
    type Func = wasmtime::TypedFunc<i32, i32>;
    fn store(&self) -> Self::Store {
        wasmtime::Store::new(&self.engine, ())
    }
    fn instantiate(&self, store: &mut Self::Store) -> Result<Self::Func, String> {
        let instance = wasmtime::Instance::new(&mut *store, &self.module, &[]).map_err(text)?;
        instance.get_typed_func(&mut *store, "run").map_err(text)
    }
    fn call(&self, store: &mut Self::Store, run: &Self::Func, x: i32) -> Result<i32, String> {
        run.call(store, x).map_err(text)
    }
}

/// An error of any runtime, as the benchmark reports it.
fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}

fn nanos(start: Instant) -> f64 {
    start.elapsed().as_nanos() as f64
}

fn check(i: usize, got: i32) -> Result<(), String> {
    let want = expected(i as i32);
    if got == want {
        Ok(())
    } else {
        Err(format!("instance {i}: run returned {got}, expected {want}"))
    }
}

/// `count` instances kept alive, in one store or a store each.
fn many<R: Runtime>(rt: &R, one_store: bool, count: usize) -> Result<Sample, String> {
    let mut stores = Vec::with_capacity(if one_store { 1 } else { count });
    let mut funcs = Vec::with_capacity(count);
    if one_store {
        stores.push(rt.store());
    }
    let before = memory();
    let start = Instant::now();
    for _ in 0..count {
        if !one_store {
            stores.push(rt.store());
        }
        let store = stores.last_mut().unwrap();
        funcs.push(rt.instantiate(store)?);
    }
    let instantiated = nanos(start);
    let start = Instant::now();
    for (i, run) in funcs.iter().enumerate() {
        let store = &mut stores[if one_store { 0 } else { i }];
        check(i, rt.call(store, run, i as i32)?)?;
    }
    let called = nanos(start);
    let after = memory();
    let footprint: usize = stores.iter().map(|s| rt.footprint(s)).sum();
    let start = Instant::now();
    drop(stores);
    let dropped = nanos(start);
    let n = count as f64;
    Ok(Sample {
        instantiate: instantiated / n,
        call: called / n,
        drop: dropped / n,
        rss: after.0.saturating_sub(before.0) as f64 / n,
        vm: after.1.saturating_sub(before.1) as f64 / n,
        footprint: footprint as f64 / n,
    })
}

/// `count` times in turn: a store, an instance, a call, and the store dropped, as a
/// host that gives each request a fresh store does. Memory is what stays after the last.
fn churn<R: Runtime>(rt: &R, count: usize) -> Result<Sample, String> {
    let before = memory();
    let (mut instantiated, mut called, mut dropped) = (0.0, 0.0, 0.0);
    let mut footprint = 0;
    for i in 0..count {
        let start = Instant::now();
        let mut store = rt.store();
        let run = rt.instantiate(&mut store)?;
        instantiated += nanos(start);
        let start = Instant::now();
        check(i, rt.call(&mut store, &run, i as i32)?)?;
        called += nanos(start);
        footprint = footprint.max(rt.footprint(&store));
        let start = Instant::now();
        drop(store);
        dropped += nanos(start);
    }
    let after = memory();
    let n = count as f64;
    Ok(Sample {
        instantiate: instantiated / n,
        call: called / n,
        drop: dropped / n,
        rss: after.0.saturating_sub(before.0) as f64 / n,
        vm: after.1.saturating_sub(before.1) as f64 / n,
        footprint: footprint as f64,
    })
}

fn measure<R: Runtime>(rt: &R, layout: &str, count: usize) -> Result<Sample, String> {
    match layout {
        "one-store" => many(rt, true, count),
        "many-stores" => many(rt, false, count),
        "churn" => churn(rt, count),
        other => Err(format!(
            "unknown layout {other}; known: {}",
            LAYOUTS.join(", ")
        )),
    }
}

fn child(runtime: &str, layout: &str, count: usize) -> Result<Sample, String> {
    let wasm = wasm();
    match runtime {
        "ward" | "ward-cranelift" => {
            let mut config = ward::Config::new();
            if runtime == "ward-cranelift" {
                config.strategy(ward::Strategy::Cranelift);
            }
            let engine = ward::Engine::new(&config);
            let module = ward::Module::from_binary(&engine, &wasm).map_err(text)?;
            let linker = ward::Linker::new(&engine);
            measure(
                &Ward {
                    engine,
                    module,
                    linker,
                },
                layout,
                count,
            )
        }
        "wasmi" => {
            let engine = wasmi::Engine::default();
            let module = wasmi::Module::new(&engine, &wasm).map_err(text)?;
            let linker = wasmi::Linker::new(&engine);
            measure(
                &Wasmi {
                    engine,
                    module,
                    linker,
                },
                layout,
                count,
            )
        }
        "wasmtime" => {
            let engine = wasmtime::Engine::default();
            let module = wasmtime::Module::new(&engine, &wasm).map_err(text)?;
            measure(&Wasmtime { engine, module }, layout, count)
        }
        other => Err(format!(
            "unknown runtime {other}; known: {}",
            RUNTIMES.join(", ")
        )),
    }
}
