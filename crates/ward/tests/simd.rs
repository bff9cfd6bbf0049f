//! `v128` across the embedding API: wide typed and dynamic host signatures called from
//! wasm, typed and dynamic calls into wasm, globals, the `wasm_simd` switch, and host
//! calls that allocate nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ward::{
    Config, Engine, Func, FuncType, Global, GlobalType, Linker, Module, Mutability, Store, Val,
    ValType, V128,
};

/// Counts the heap allocations made by the current thread, so that a test can show a
/// call makes none while other tests run on other threads.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_allocation() {
    // `try_with`: the count is not needed while the thread is being torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to the system allocator with the caller's arguments,
// so it upholds the `GlobalAlloc` contract exactly as `System` does.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: the caller's guarantees for `alloc` are passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// A `v128` argument of the wide signatures: distinct for each `k`, with bits set in
/// both of its cells.
fn vector(k: usize) -> u128 {
    0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128.rotate_left(8 * k as u32) ^ k as u128
}

fn float(k: usize) -> f64 {
    k as f64 * 1.25 - 3.0
}

fn int(k: usize) -> i64 {
    (k as i64 + 1) * -0x1234_5678_9abc
}

/// A `v128.const` instruction for `v`.
fn v128_const(v: u128) -> String {
    format!("v128.const i64x2 {:#x} {:#x}", v as u64, (v >> 64) as u64)
}

/// What the host side of the 8 × (v128, f64, i64) signature returns: order-sensitive
/// digests of its arguments, and its last vector.
fn wide_results(vs: [V128; 8], fs: [f64; 8], is: [i64; 8]) -> (V128, f64, i64, V128) {
    let mut acc = 0u128;
    let mut sum = 0.0;
    let mut total = 0i64;
    for k in 0..8 {
        acc = acc.rotate_left(1) ^ vs[k].bits();
        sum += fs[k] * (k + 1) as f64;
        total = total.wrapping_add(is[k].wrapping_mul(k as i64 + 1));
    }
    (V128::new(acc), sum, total, vs[7])
}

/// A module whose `run` calls the imported `host.wide` with 8 × (v128, f64, i64)
/// arguments and returns its four results.
fn wide_module() -> String {
    let params = "v128 f64 i64 ".repeat(8);
    let mut args = String::new();
    for k in 0..8 {
        args += &format!(
            "({}) (f64.const {:?}) (i64.const {})\n",
            v128_const(vector(k)),
            float(k),
            int(k)
        );
    }
    format!(
        r#"(module
             (import "host" "wide" (func $wide (param {params}) (result v128 f64 i64 v128)))
             (func (export "run") (result v128 f64 i64 v128)
               (call $wide {args})))"#
    )
}

#[test]
fn wide_typed_host_function_gets_and_returns_every_value_intact() {
    let engine = Engine::default();
    let module = Module::new(&engine, wide_module()).unwrap();
    let mut linker = Linker::new(&engine);
    #[rustfmt::skip]
    linker
        .func_wrap("host", "wide",
            |v0: V128, f0: f64, i0: i64, v1: V128, f1: f64, i1: i64,
             v2: V128, f2: f64, i2: i64, v3: V128, f3: f64, i3: i64,
             v4: V128, f4: f64, i4: i64, v5: V128, f5: f64, i5: i64,
             v6: V128, f6: f64, i6: i64, v7: V128, f7: f64, i7: i64| {
                let vs = [v0, v1, v2, v3, v4, v5, v6, v7];
                let fs = [f0, f1, f2, f3, f4, f5, f6, f7];
                let is = [i0, i1, i2, i3, i4, i5, i6, i7];
                for k in 0..8 {
                    assert_eq!(vs[k].bits(), vector(k), "v128 argument {k}");
                    assert_eq!(fs[k].to_bits(), float(k).to_bits(), "f64 argument {k}");
                    assert_eq!(is[k], int(k), "i64 argument {k}");
                }
                wide_results(vs, fs, is)
            })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), (V128, f64, i64, V128)>(&store, "run")
        .unwrap();

    let expected = wide_results(
        std::array::from_fn(|k| V128::new(vector(k))),
        std::array::from_fn(float),
        std::array::from_fn(int),
    );
    let got = run.call(&mut store, ()).unwrap();
    assert_eq!(got.0, expected.0);
    assert_eq!(got.1.to_bits(), expected.1.to_bits());
    assert_eq!(got.2, expected.2);
    assert_eq!(got.3, expected.3);

    // After the first call (which translates `run` and sizes the frame stack), calls
    // through the typed host function allocate nothing: arguments and results stay in
    // the wasm stack.
    let before = allocations();
    std::hint::black_box(Box::new(0u64));
    assert_eq!(allocations() - before, 1, "the counting allocator counts");
    let before = allocations();
    for _ in 0..100 {
        let again = run.call(&mut store, ()).unwrap();
        assert_eq!(again.0, expected.0);
    }
    assert_eq!(allocations() - before, 0, "heap allocations in 100 calls");
}

/// The param types of the 105-param signature: i32, i64, f32, f64, v128, repeated.
const CYCLE: [ValType; 5] = [
    ValType::I32,
    ValType::I64,
    ValType::F32,
    ValType::F64,
    ValType::V128,
];
const MANY: usize = 105;

/// Param `k` of the 105-param signature.
fn many_arg(k: usize) -> Val {
    match CYCLE[k % 5] {
        ValType::I32 => Val::I32(k as i32 * -7),
        ValType::I64 => Val::I64((k as i64) << 40 | k as i64),
        ValType::F32 => Val::F32((k as f32 + 0.25).to_bits()),
        ValType::F64 => Val::F64((k as f64 * -1.5).to_bits()),
        _ => Val::V128(vector(k)),
    }
}

fn many_const(k: usize) -> String {
    match many_arg(k) {
        Val::I32(v) => format!("(i32.const {v})"),
        Val::I64(v) => format!("(i64.const {v})"),
        Val::F32(b) => format!("(f32.const {:?})", f32::from_bits(b)),
        Val::F64(b) => format!("(f64.const {:?})", f64::from_bits(b)),
        Val::V128(v) => format!("({})", v128_const(v)),
        other => unreachable!("{other:?}"),
    }
}

fn many_type() -> FuncType {
    FuncType::new(
        (0..MANY).map(|k| CYCLE[k % 5]),
        [ValType::I32, ValType::V128, ValType::F64],
    )
}

fn many_module() -> String {
    let params: Vec<String> = (0..MANY).map(|k| CYCLE[k % 5].to_string()).collect();
    let args: Vec<String> = (0..MANY).map(many_const).collect();
    format!(
        r#"(module
             (import "host" "many" (func $many (param {}) (result i32 v128 f64)))
             (func (export "run") (result i32 v128 f64)
               (call $many {})))"#,
        params.join(" "),
        args.join(" ")
    )
}

/// The host side of the 105-param signature: the number of params that arrived
/// intact, the xor of the vectors, the sum of the `f64`s.
fn many_host(params: &[Val], results: &mut [Val]) {
    let mut intact = 0;
    let mut xor = 0u128;
    let mut sum = 0.0;
    for (k, p) in params.iter().enumerate() {
        let expected = many_arg(k);
        let same = match (p, &expected) {
            (Val::I32(a), Val::I32(b)) => a == b,
            (Val::I64(a), Val::I64(b)) => a == b,
            (Val::F32(a), Val::F32(b)) => a == b,
            (Val::F64(a), Val::F64(b)) => a == b,
            (Val::V128(a), Val::V128(b)) => a == b,
            _ => false,
        };
        intact += same as i32;
        if let Val::V128(v) = p {
            xor ^= v;
        }
        if let Some(f) = p.f64() {
            sum += f;
        }
    }
    results[0] = Val::I32(intact);
    results[1] = Val::V128(xor);
    results[2] = Val::F64(sum.to_bits());
}

fn check_many(linker: &Linker<()>, store: &mut Store<()>) {
    let module = Module::new(linker.engine(), many_module()).unwrap();
    let instance = linker.instantiate(&mut *store, &module).unwrap();
    let run = instance.get_func(&*store, "run").unwrap();
    let mut results = [Val::I32(0), Val::V128(0), Val::F64(0)];
    run.call(&mut *store, &[], &mut results).unwrap();

    let xor = (0..MANY)
        .filter(|k| k % 5 == 4)
        .fold(0, |x, k| x ^ vector(k));
    let sum: f64 = (0..MANY)
        .filter(|k| k % 5 == 3)
        .map(|k| k as f64 * -1.5)
        .sum();
    assert_eq!(results[0].i32(), Some(MANY as i32), "params intact");
    assert_eq!(results[1].v128(), Some(xor));
    assert_eq!(results[2].f64().map(f64::to_bits), Some(sum.to_bits()));
}

#[test]
fn host_function_with_105_params_through_func_new() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let many = Func::new(&mut store, many_type(), |_, params, results| {
        many_host(params, results);
        Ok(())
    });
    let mut linker = Linker::new(&engine);
    linker.define("host", "many", many).unwrap();
    check_many(&linker, &mut store);
}

#[test]
fn host_function_with_105_params_through_linker_func_new() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_new("host", "many", many_type(), |_, params, results| {
            many_host(params, results);
            Ok(())
        })
        .unwrap();
    check_many(&linker, &mut store);
}

const LANES: &str = r#"
    (module
      (func (export "add") (param v128 v128) (result v128)
        (i32x4.add (local.get 0) (local.get 1)))
      (func (export "rotate") (param v128 i32 v128) (result i32 v128 v128)
        (local.get 1) (local.get 2) (local.get 0))
      (func (export "dot") (param v128 v128) (result i64)
        (local $d v128)
        (local.set $d (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
        (i64.add
          (i64.extend_i32_s (i32.add (i32x4.extract_lane 0 (local.get $d))
                                     (i32x4.extract_lane 1 (local.get $d))))
          (i64.extend_i32_s (i32.add (i32x4.extract_lane 2 (local.get $d))
                                     (i32x4.extract_lane 3 (local.get $d)))))))
"#;

fn lanes_i32(lanes: [i32; 4]) -> u128 {
    lanes
        .iter()
        .rev()
        .fold(0, |acc, &l| acc << 32 | l as u32 as u128)
}

#[test]
fn typed_calls_with_v128_params_and_results() {
    let engine = Engine::default();
    let module = Module::new(&engine, LANES).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();

    let add = instance
        .get_typed_func::<(V128, V128), V128>(&store, "add")
        .unwrap();
    let sum = add
        .call(
            &mut store,
            (
                V128::from(lanes_i32([1, -2, i32::MAX, 4])),
                V128::from(lanes_i32([10, 20, 1, -4])),
            ),
        )
        .unwrap();
    assert_eq!(u128::from(sum), lanes_i32([11, 18, i32::MIN, 0]));

    let rotate = instance
        .get_typed_func::<(V128, i32, V128), (i32, V128, V128)>(&store, "rotate")
        .unwrap();
    let (a, b) = (V128::new(u128::MAX - 5), V128::new(1 << 100 | 7));
    assert_eq!(rotate.call(&mut store, (a, -9, b)).unwrap(), (-9, b, a));

    let dot = instance
        .get_typed_func::<(V128, V128), i64>(&store, "dot")
        .unwrap();
    let ones = V128::new(0x0001_0001_0001_0001_0001_0001_0001_0001);
    let ramp = V128::new(0x0008_0007_0006_0005_0004_0003_0002_0001);
    assert_eq!(dot.call(&mut store, (ones, ramp)).unwrap(), 36);

    // The same through the dynamic API.
    let add = instance.get_func(&store, "add").unwrap();
    let mut out = [Val::V128(0)];
    add.call(
        &mut store,
        &[
            Val::V128(lanes_i32([1, 2, 3, 4])),
            V128::new(u128::MAX).into(),
        ],
        &mut out,
    )
    .unwrap();
    assert_eq!(out[0].v128(), Some(lanes_i32([0, 1, 2, 3])));
}

#[test]
fn v128_globals_from_the_host_and_from_wasm() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "seed" (global $seed v128))
             (global $acc (export "acc") (mut v128) (v128.const i64x2 1 2))
             (func (export "step")
               (global.set $acc (i64x2.add (global.get $acc) (global.get $seed)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let seed = Global::new(
        &mut store,
        GlobalType::new(ValType::V128, Mutability::Const),
        Val::V128(10 << 64 | 20),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "seed", seed).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let step = instance.get_typed_func::<(), ()>(&store, "step").unwrap();
    let acc = instance.get_global(&store, "acc").unwrap();

    step.call(&mut store, ()).unwrap();
    assert_eq!(acc.get(&store).v128(), Some(12 << 64 | 21));
    acc.set(&mut store, Val::V128(u128::MAX)).unwrap();
    step.call(&mut store, ()).unwrap();
    assert_eq!(acc.get(&store).v128(), Some(9 << 64 | 19));
}

#[test]
fn simd_can_be_turned_off() {
    let mut config = Config::new();
    config.wasm_simd(false);
    let engine = Engine::new(&config);
    let err = Module::new(&engine, LANES).unwrap_err();
    assert!(
        err.to_string().contains("SIMD") || err.to_string().contains("simd"),
        "unexpected error: {err}"
    );
    Module::new(&engine, "(module (func (result i32) (i32.const 1)))").unwrap();
}

/// `v128` values in every place the translator moves values: block params and results,
/// branches (`br_if`, `br_table`), `select`, `local.tee`, calls (direct and indirect)
/// with scalars around them, and constants reused from the pool.
const CONTROL: &str = r#"
    (module
      (type $mix (func (param i32 v128 i64 v128) (result v128 i32)))
      (table funcref (elem $swap_add))
      (func $swap_add (type $mix)
        (i64x2.add (local.get 3) (i64x2.splat (local.get 2)))
        (i32.add (local.get 0) (i32x4.extract_lane 3 (local.get 1))))
      (func (export "calls") (param $x v128) (param $k i32) (result v128 i32 v128 i32)
        (call $swap_add (local.get $k) (local.get $x) (i64.const 5) (local.get $x))
        (call_indirect (type $mix)
          (i32.const 7) (local.get $x) (i64.const -1) (v128.const i64x2 1 2) (i32.const 0)))
      (func (export "branches") (param $x v128) (param $i i32) (result v128)
        (local $t v128)
        (block $a (result v128)
          (block $b (result v128)
            (block $c (result v128)
              (local.tee $t (i32x4.add (local.get $x) (v128.const i32x4 1 1 1 1)))
              (local.get $i)
              (br_table $a $b $c $b $a))
            (return (i32x4.mul (v128.const i32x4 3 3 3 3))))
          (br_if $a (v128.const i32x4 9 9 9 9) (i32.eq (local.get $i) (i32.const 3)))
          (drop)
          (local.get $t)
          (br $a (i32x4.neg)))
        (v128.const i32x4 1 1 1 1)
        (select (i32x4.add) (local.get $t) (i32.lt_u (local.get $i) (i32.const 3))))
      (func (export "loop") (param $n i32) (result v128 i32)
        (local $c i32)
        (v128.const i64x2 0 0) (i32.const 0)
        (loop $next (param v128 i32) (result v128 i32)
          (local.set $c (i32.add (i32.const 1)))
          (i64x2.add (v128.const i64x2 1 -1))
          (local.get $c)
          (br_if $next (i32.lt_u (local.get $c) (local.get $n))))))
"#;

#[test]
fn v128_through_control_flow_and_calls() {
    for compilation in [ward::CompilationMode::Lazy, ward::CompilationMode::Eager] {
        let mut config = Config::new();
        config.compilation(compilation);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, CONTROL).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();

        let calls = instance
            .get_typed_func::<(V128, i32), (V128, i32, V128, i32)>(&store, "calls")
            .unwrap();
        let x = lanes_i32([10, 20, 30, 40]);
        let (a, b, c, d) = calls.call(&mut store, (V128::new(x), 2)).unwrap();
        let x_plus_5 = (x as u64 + 5) as u128 | (((x >> 64) as u64 + 5) as u128) << 64;
        assert_eq!(a.bits(), x_plus_5);
        assert_eq!(b, 42);
        assert_eq!(c.bits(), 1 << 64);
        assert_eq!(d, 47);

        let branches = instance
            .get_typed_func::<(V128, i32), V128>(&store, "branches")
            .unwrap();
        let x = V128::new(lanes_i32([1, 2, 3, 4]));
        let mut got = |i| branches.call(&mut store, (x, i)).unwrap().bits();
        // t = x + 1. 0 -> $a with t; the select takes t + 1 (0 < 3).
        assert_eq!(got(0), lanes_i32([3, 4, 5, 6]));
        // 1 -> $b; br_if not taken; -t to $a; the select takes -t + 1.
        assert_eq!(got(1), lanes_i32([-1, -2, -3, -4]));
        // 2 -> $c: returns 3t.
        assert_eq!(got(2), lanes_i32([6, 9, 12, 15]));
        // 3 -> $b; br_if takes 9s to $a; the select takes t (3 < 3 is false).
        assert_eq!(got(3), lanes_i32([2, 3, 4, 5]));
        // 9 -> the default, $a; the select takes t.
        assert_eq!(got(9), lanes_i32([2, 3, 4, 5]));

        let looped = instance
            .get_typed_func::<i32, (V128, i32)>(&store, "loop")
            .unwrap();
        let (v, n) = looped.call(&mut store, 1000).unwrap();
        assert_eq!(n, 1000);
        assert_eq!(v.bits(), (-1000i64 as u64 as u128) << 64 | 1000);
    }
}
