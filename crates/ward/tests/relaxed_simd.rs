//! Relaxed SIMD: ward's one choice for each instruction, on the inputs where the
//! permitted behaviours differ, identical in both tiers.

use ward::{Config, Engine, Linker, Module, Store, Strategy, V128};

const RELAXED: &str = r#"
(module
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_s") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_u") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))
"#;

fn f32s(lanes: [f32; 4]) -> u128 {
    lanes
        .iter()
        .rev()
        .fold(0, |acc, l| acc << 32 | u128::from(l.to_bits()))
}

fn f64s(lanes: [f64; 2]) -> u128 {
    u128::from(lanes[1].to_bits()) << 64 | u128::from(lanes[0].to_bits())
}

fn i32s(lanes: [i32; 4]) -> u128 {
    lanes
        .iter()
        .rev()
        .fold(0, |acc, &l| acc << 32 | u128::from(l as u32))
}

fn i16s(lanes: [i16; 8]) -> u128 {
    lanes
        .iter()
        .rev()
        .fold(0, |acc, &l| acc << 16 | u128::from(l as u16))
}

fn bytes(lanes: [u8; 16]) -> u128 {
    u128::from_le_bytes(lanes)
}

/// Calls export `name` with `args` in a fresh instance on `strategy`.
fn call(strategy: Strategy, name: &str, args: &[u128]) -> u128 {
    let engine = Engine::new(Config::new().strategy(strategy));
    let module = Module::new(&engine, RELAXED).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let args: Vec<V128> = args.iter().map(|&a| V128::new(a)).collect();
    let result = match args[..] {
        [a] => instance
            .get_typed_func::<V128, V128>(&store, name)
            .unwrap()
            .call(&mut store, a),
        [a, b] => instance
            .get_typed_func::<(V128, V128), V128>(&store, name)
            .unwrap()
            .call(&mut store, (a, b)),
        [a, b, c] => instance
            .get_typed_func::<(V128, V128, V128), V128>(&store, name)
            .unwrap()
            .call(&mut store, (a, b, c)),
        _ => unreachable!("one to three operands"),
    };
    u128::from(result.unwrap())
}

#[test]
fn each_relaxed_instruction_makes_the_documented_choice_in_both_tiers() {
    // (export, operands, the result of ward's choice)
    let one_plus = 1.0 + 2f32.powi(-12);
    let cases: Vec<(&str, Vec<u128>, u128)> = vec![
        // Indices of 16 and above select 0, as `swizzle`.
        (
            "swizzle",
            vec![
                bytes(std::array::from_fn(|i| i as u8 + 1)),
                bytes([0, 15, 16, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x80]),
            ],
            bytes([1, 16, 0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0]),
        ),
        // NaN gives 0, and out-of-range values saturate, as `trunc_sat`.
        (
            "trunc_s",
            vec![f32s([f32::NAN, 3e9, -3e9, -1.5])],
            i32s([0, i32::MAX, i32::MIN, -1]),
        ),
        (
            "trunc_u",
            vec![f32s([f32::NAN, 5e9, -1.5, 7.9])],
            i32s([0, -1, 0, 7]),
        ),
        // Every bit of the mask selects, as `bitselect`, not only each lane's top bit.
        (
            "laneselect",
            vec![u128::MAX, 0, i32s([0x0f0f_0f0f, -1, 0, 1])],
            i32s([0x0f0f_0f0f, -1, 0, 1]),
        ),
        // NaN propagates and -0 is below +0, as `min`.
        (
            "min",
            vec![
                f32s([f32::NAN, 0.0, -0.0, 1.0]),
                f32s([1.0, -0.0, 0.0, 2.0]),
            ],
            f32s([f32::NAN, -0.0, -0.0, 1.0]),
        ),
        // -1 * -1 in Q15 saturates to 32767, as `q15mulr_sat_s`.
        (
            "q15mulr",
            vec![
                i16s([i16::MIN, 16384, 0, 0, 0, 0, 0, 0]),
                i16s([i16::MIN, 16384, 0, 0, 0, 0, 0, 0]),
            ],
            i16s([i16::MAX, 8192, 0, 0, 0, 0, 0, 0]),
        ),
        // (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24 exactly, but the product rounds to
        // 1 + 2^-11 first: unfused, the result is 0.
        (
            "madd",
            vec![
                f32s([one_plus, 2.0, 0.0, 0.0]),
                f32s([one_plus, 3.0, 0.0, 0.0]),
                f32s([-(1.0 + 2f32.powi(-11)), 1.0, 0.0, 0.0]),
            ],
            f32s([0.0, 7.0, 0.0, 0.0]),
        ),
        (
            "nmadd",
            vec![f64s([2.0, 0.5]), f64s([3.0, 4.0]), f64s([1.0, 1.0])],
            f64s([-5.0, -1.0]),
        ),
        // Both operands are signed bytes; -128 * -128 * 2 wraps to -32768 in an i16.
        (
            "dot",
            vec![
                bytes([0x80, 0x80, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                bytes([0x80, 0x80, 0x81, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ],
            i16s([i16::MIN, 128 * 127 + 2, 0, 0, 0, 0, 0, 0]),
        ),
        // The pairs' i16 sums (wrapped) are then added as i32s, and c.
        (
            "dot_add",
            vec![
                bytes([0x80; 16]),
                bytes([0x80, 0x80, 0x80, 0x80, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
                i32s([1, 2, 3, 4]),
            ],
            i32s([-65536 + 1, -512 + 2, 3, 4]),
        ),
    ];
    let mut strategies = vec![Strategy::Interpreter];
    if Strategy::Cranelift.is_available() {
        strategies.push(Strategy::Cranelift);
    }
    for (name, args, expected) in &cases {
        for &strategy in &strategies {
            let got = call(strategy, name, args);
            if *name == "min" {
                // Any NaN will do in lane 0; the other lanes are exact.
                let lane0 = f32::from_bits(got as u32);
                assert!(lane0.is_nan(), "{name} on {strategy:?}: {got:#034x}");
                assert_eq!(got >> 32, expected >> 32, "{name} on {strategy:?}");
            } else {
                assert_eq!(got, *expected, "{name} on {strategy:?}: {got:#034x}");
            }
        }
    }
}
