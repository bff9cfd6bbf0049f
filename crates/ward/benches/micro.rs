//! Micro-benchmarks of the library, in four groups:
//!
//! - `translate`: `Module::new` on generated modules, lazy and eager (bytes per second);
//! - `instantiate`: `Linker::instantiate` of a loaded module into a fresh store;
//! - `execute`: calls into wasm that do real work (recursion, a loop, memory traffic);
//! - `overhead`: the fixed costs at the boundaries: a host function called from wasm,
//!   a wasm function called from the host, and `call_indirect`.
//!
//! ```sh
//! cargo bench -p ward --bench micro                 # all, with criterion's statistics
//! cargo bench -p ward --bench micro -- --quick      # a short run
//! cargo bench -p ward --bench micro -- overhead     # one group
//! ```
//!
//! The whole-program comparison against other runtimes lives in `bench/` at the
//! repository root; these benches isolate one cost each, to see what a change moved.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ward::{CompilationMode, Config, Engine, Linker, Module, Store};

fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::new();
    config.compilation(mode);
    Engine::new(&config)
}

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("the benchmark module is valid")
}

/// A module of `count` small functions of varied shapes (arithmetic, a loop, memory,
/// `br_table`, `if`, floats), as a compiler emits for real programs.
fn many_functions(count: usize) -> Vec<u8> {
    let mut wat = String::from("(module (memory 1)\n");
    for k in 0..count {
        let body = match k % 6 {
            0 => format!(
                "(local $t i32) (local.set $t (i32.add (local.get 0) (i32.const {k})))
                 (i32.xor (i32.mul (local.get $t) (i32.const {})) (i32.rotl (local.get 1) (i32.const 5)))",
                k | 1
            ),
            1 => format!(
                "(local $i i32) (local $acc i32)
                 (block $done (loop $next
                   (br_if $done (i32.ge_u (local.get $i) (i32.const {})))
                   (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
                   (local.set $i (i32.add (local.get $i) (i32.const 1)))
                   (br $next)))
                 (i32.add (local.get $acc) (local.get 0))",
                k % 5 + 2
            ),
            2 => format!(
                "(i32.store offset={} (i32.const 0) (i32.add (local.get 0) (local.get 1)))
                 (i32.load offset={} (i32.const 0))",
                (k * 4) % 4096,
                (k * 4) % 4096
            ),
            3 => format!(
                "(block $c (block $b (block $a
                   (br_table $a $b $c (i32.and (local.get 0) (i32.const 3))))
                   (return (i32.add (local.get 1) (i32.const {k}))))
                   (return (i32.mul (local.get 1) (i32.const 3))))
                 (i32.xor (local.get 0) (local.get 1))"
            ),
            4 => format!(
                "(if (result i32) (i32.gt_s (local.get 0) (i32.const {k}))
                   (then (i32.sub (local.get 0) (local.get 1)))
                   (else (i32.add (local.get 0) (local.get 1))))"
            ),
            _ => format!(
                "(i32.trunc_sat_f64_s (f64.sqrt (f64.abs (f64.mul
                   (f64.convert_i32_s (local.get 0)) (f64.const {k}.5)))))"
            ),
        };
        writeln!(
            wat,
            "(func (export \"f{k}\") (param i32 i32) (result i32) {body})"
        )
        .unwrap();
    }
    wat.push(')');
    self::wasm(&wat)
}

/// One function with a long body: `blocks` repetitions of a block with locals, loads,
/// stores and branches, as a large inlined routine looks.
fn one_big_function(blocks: usize) -> Vec<u8> {
    let mut wat = String::from(
        "(module (memory 1) (func (export \"big\") (param i32) (result i32) (local i32 i32)\n",
    );
    for k in 0..blocks {
        writeln!(
            wat,
            "(local.set 1 (i32.add (local.get 1) (i32.load offset={o} (local.get 0))))
             (if (i32.and (local.get 1) (i32.const {m}))
               (then (local.set 2 (i32.mul (local.get 2) (i32.const 3))))
               (else (local.set 2 (i32.xor (local.get 2) (local.get 1)))))
             (i32.store offset={o} (local.get 0) (local.get 2))",
            o = (k * 4) % 4096,
            m = 1 << (k % 16),
        )
        .unwrap();
    }
    wat.push_str("(local.get 1)))");
    self::wasm(&wat)
}

fn translate(c: &mut Criterion) {
    let modules = [
        ("many_functions_2000", many_functions(2000)),
        ("one_big_function", one_big_function(5000)),
        ("fib", wasm(FIB)),
    ];
    let mut group = c.benchmark_group("translate");
    for (name, bytes) in &modules {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        for (mode_name, mode) in [
            ("lazy", CompilationMode::Lazy),
            ("eager", CompilationMode::Eager),
        ] {
            let engine = engine(mode);
            group.bench_with_input(BenchmarkId::new(*name, mode_name), bytes, |b, bytes| {
                b.iter(|| Module::new(&engine, black_box(bytes)).unwrap());
            });
        }
    }
    group.finish();
}

const FIB: &str = r#"
(module
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add
        (call $fib (i64.sub (local.get 0) (i64.const 1)))
        (call $fib (i64.sub (local.get 0) (i64.const 2))))))))
"#;

fn instantiate(c: &mut Criterion) {
    let cases = [
        ("empty", String::from("(module)")),
        (
            "memory_and_data",
            // 16 pages and 8 KiB of data in two segments.
            format!(
                "(module (memory 16) (data (i32.const 0) \"{0}\") (data (i32.const 60000) \"{0}\"))",
                "ward".repeat(1024)
            ),
        ),
        (
            "table_and_globals",
            format!(
                "(module (table 1024 funcref) (func $f) (elem (i32.const 0) {}) {})",
                "$f ".repeat(1024),
                (0..64)
                    .map(|i| format!("(global (mut i64) (i64.const {i}))"))
                    .collect::<String>()
            ),
        ),
        (
            "many_exports",
            format!(
                "(module {})",
                (0..500)
                    .map(|i| format!("(func (export \"f{i}\"))"))
                    .collect::<String>()
            ),
        ),
    ];
    let engine = engine(CompilationMode::Lazy);
    let linker = Linker::<()>::new(&engine);
    let mut group = c.benchmark_group("instantiate");
    for (name, wat) in &cases {
        let module = Module::new(&engine, wat).unwrap();
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut store = Store::new(&engine, ());
                black_box(linker.instantiate(&mut store, &module).unwrap());
            });
        });
    }
    group.finish();
}

const LOOPS: &str = r#"
(module
  (memory 1)
  ;; Sum of i * 3 ^ (i >> 2) for i in [0, n).
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.xor (i32.mul (local.get $i) (i32.const 3)) (i32.shr_u (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; Writes 64 KiB a word at a time, then reads it back summing.
  (func (export "memory") (result i32)
    (local $p i32) (local $acc i32)
    (loop $fill
      (i32.store (local.get $p) (i32.mul (local.get $p) (i32.const 2654435761)))
      (br_if $fill (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (i32.const 65536))))
    (local.set $p (i32.const 0))
    (loop $sum
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u offset=1 (local.get $p))))
      (local.set $acc (i32.xor (local.get $acc) (i32.load (local.get $p))))
      (br_if $sum (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (i32.const 65532))))
    (local.get $acc))
)
"#;

fn execute(c: &mut Criterion) {
    let engine = engine(CompilationMode::Lazy);
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let fib_module = Module::new(&engine, FIB).unwrap();
    let fib_instance = linker.instantiate(&mut store, &fib_module).unwrap();
    let fib = fib_instance
        .get_typed_func::<i64, i64>(&store, "fib")
        .unwrap();
    let loops_module = Module::new(&engine, LOOPS).unwrap();
    let loops = linker.instantiate(&mut store, &loops_module).unwrap();
    let sum = loops.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    let memory = loops.get_typed_func::<(), i32>(&store, "memory").unwrap();

    let mut group = c.benchmark_group("execute");
    // fib(20) makes 21,891 calls.
    group.throughput(Throughput::Elements(21_891));
    group.bench_function("fib_20", |b| {
        b.iter(|| fib.call(&mut store, black_box(20)).unwrap());
    });
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("loop_100k", |b| {
        b.iter(|| sum.call(&mut store, black_box(100_000)).unwrap());
    });
    group.throughput(Throughput::Bytes(2 * 65536));
    group.bench_function("memory_64k", |b| {
        b.iter(|| memory.call(&mut store, ()).unwrap());
    });
    group.finish();
}

const CALLS: &str = r#"
(module
  (import "host" "add" (func $host_add (param i32 i32) (result i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $xor $add)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $xor (type $binop) (i32.xor (local.get 0) (local.get 1)))
  ;; An empty function, for the cost of entering wasm from the host.
  (func (export "identity") (param i32) (result i32) (local.get 0))
  ;; n calls of an imported host function.
  (func (export "host_calls") (param $n i32) (result i32)
    (local $acc i32)
    (loop $next
      (local.set $acc (call $host_add (local.get $acc) (local.get $n)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; n indirect calls through the table.
  (func (export "indirect_calls") (param $n i32) (result i32)
    (local $acc i32)
    (loop $next
      (local.set $acc (call_indirect (type $binop) (local.get $acc) (local.get $n)
        (i32.and (local.get $n) (i32.const 3))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  ;; n direct calls, the baseline for the two above.
  (func (export "direct_calls") (param $n i32) (result i32)
    (local $acc i32)
    (loop $next
      (local.set $acc (call $add (local.get $acc) (local.get $n)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
)
"#;

fn overhead(c: &mut Criterion) {
    const CALLS_PER_ITER: i32 = 1000;
    let engine = engine(CompilationMode::Lazy);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap();
    let module = Module::new(&engine, CALLS).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let typed = |name| instance.get_typed_func::<i32, i32>(&store, name).unwrap();
    let (identity, host_calls, indirect, direct) = (
        typed("identity"),
        typed("host_calls"),
        typed("indirect_calls"),
        typed("direct_calls"),
    );

    let mut group = c.benchmark_group("overhead");
    group.throughput(Throughput::Elements(1));
    group.bench_function("wasm_entry", |b| {
        b.iter(|| identity.call(&mut store, black_box(7)).unwrap());
    });
    group.throughput(Throughput::Elements(CALLS_PER_ITER as u64));
    for (name, func) in [
        ("host_call", &host_calls),
        ("call_indirect", &indirect),
        ("call_direct", &direct),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| func.call(&mut store, black_box(CALLS_PER_ITER)).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, translate, instantiate, execute, overhead);
criterion_main!(benches);
