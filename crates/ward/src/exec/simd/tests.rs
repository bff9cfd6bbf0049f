//! The accelerated paths against the portable reference, on edge-case lanes.

use super::{fast, lanes};
use crate::prelude::*;

/// Vectors made of lane values where implementations tend to differ: zeros of both
/// signs, extremes, NaNs (quiet and signalling, with payloads), infinities, halves.
fn samples() -> Vec<u128> {
    let f32s: [u32; 16] = [
        0x0000_0000,
        0x8000_0000,
        0x3f80_0000,
        0xbf80_0000,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0xffc0_0000,
        0x7fa0_0001,
        0x7fc0_1234,
        0x3f00_0000,
        0x4f00_0000,
        0xcf00_0001,
        0x0000_0001,
        0x7f7f_ffff,
        0x4040_0000,
    ];
    let f64s: [u64; 12] = [
        0,
        0x8000_0000_0000_0000,
        0x3ff0_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        0xfff0_0000_0000_0000,
        0x7ff8_0000_0000_0000,
        0xfff8_0000_0000_0000,
        0x7ff4_0000_0000_0001,
        0x3fe0_0000_0000_0000,
        0x41e0_0000_0000_0000,
        0xc1e0_0000_0020_0000,
        0x4004_0000_0000_0000,
    ];
    let mut out = Vec::new();
    for i in 0..f32s.len() {
        let lane = |k: usize| f32s[(i + k * 5) % f32s.len()] as u128;
        out.push(lane(0) | lane(1) << 32 | lane(2) << 64 | lane(3) << 96);
    }
    for i in 0..f64s.len() {
        out.push(f64s[i] as u128 | (f64s[(i + 7) % f64s.len()] as u128) << 64);
    }
    let ints: [u128; 6] = [
        0,
        u128::MAX,
        0x8000_7fff_0080_007f_ff80_8001_7f7f_0102,
        0x8000_0000_7fff_ffff_0000_8000_ffff_7fff,
        0x8000_0000_0000_0000_7fff_ffff_ffff_ffff,
        0x0f0e_0d0c_0b0a_0908_1716_1514_1312_1180,
    ];
    out.extend(ints);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..64 {
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        out.push(next() as u128 | (next() as u128) << 64);
    }
    out
}

macro_rules! same_binary {
    ($($name:ident)*) => {$(
        for &a in &samples() {
            for &b in &samples() {
                assert_eq!(
                    fast::$name(a, b),
                    lanes::$name(a, b),
                    "{}({a:#034x}, {b:#034x})",
                    stringify!($name)
                );
            }
        }
    )*};
}

macro_rules! same_unary {
    ($($name:ident)*) => {$(
        for &a in &samples() {
            assert_eq!(fast::$name(a), lanes::$name(a), "{}({a:#034x})", stringify!($name));
        }
    )*};
}

/// Float results compare equal, or are both NaN with the quiet bit set (wasm lets the
/// payload and sign of such NaNs vary).
fn same_floats(x: u128, y: u128, width: u32) -> bool {
    (0..128 / width).all(|i| {
        let mask = u128::MAX >> (128 - width);
        let (p, q) = ((x >> (i * width)) & mask, (y >> (i * width)) & mask);
        let quiet_nan = if width == 32 {
            0x7fc0_0000u128
        } else {
            0x7ff8_0000_0000_0000
        };
        p == q || (p & quiet_nan == quiet_nan && q & quiet_nan == quiet_nan)
    })
}

macro_rules! same_float {
    ($width:expr, |$a:ident, $b:ident|; $($name:ident($($arg:ident),*))*) => {$(
        for &$a in &samples() {
            for &$b in &samples() {
                let _ = $b;
                let x = fast::$name($($arg),*);
                let y = lanes::$name($($arg),*);
                assert!(
                    same_floats(x, y, $width),
                    "{}({:#034x}, {:#034x}): {x:#034x} vs {y:#034x}",
                    stringify!($name),
                    $a,
                    $b
                );
            }
        }
    )*};
}

#[test]
fn integer_ops_match_the_portable_code() {
    same_binary! {
        v128_and v128_andnot v128_or v128_xor
        i8x16_add i8x16_sub i16x8_add i16x8_sub i32x4_add i32x4_sub i64x2_add i64x2_sub
        i8x16_add_sat_s i8x16_add_sat_u i8x16_sub_sat_s i8x16_sub_sat_u
        i16x8_add_sat_s i16x8_add_sat_u i16x8_sub_sat_s i16x8_sub_sat_u
        i16x8_mul i32x4_mul i64x2_mul
        i8x16_min_s i8x16_min_u i8x16_max_s i8x16_max_u
        i16x8_min_s i16x8_min_u i16x8_max_s i16x8_max_u
        i32x4_min_s i32x4_min_u i32x4_max_s i32x4_max_u
        i8x16_avgr_u i16x8_avgr_u
        i8x16_eq i8x16_gt_s i16x8_eq i16x8_gt_s i32x4_eq i32x4_gt_s
        i8x16_narrow_i16x8_s i8x16_narrow_i16x8_u i16x8_narrow_i32x4_s i16x8_narrow_i32x4_u
        i32x4_dot_i16x8_s i8x16_swizzle
        f32x4_eq f32x4_ne f32x4_lt f32x4_le f64x2_eq f64x2_ne f64x2_lt f64x2_le
    }
    same_unary! {
        v128_not i8x16_abs i16x8_abs i32x4_abs
        i8x16_bitmask i16x8_bitmask i32x4_bitmask i64x2_bitmask v128_any_true
        i32x4_trunc_sat_f32x4_s i32x4_trunc_sat_f32x4_u
    }
    for &a in &samples() {
        for &b in &samples() {
            for &m in &samples()[..8] {
                assert_eq!(
                    fast::v128_bitselect(a, b, m),
                    lanes::v128_bitselect(a, b, m)
                );
            }
        }
        for count in 0..64 {
            let (c16, c32) = (count % 16, count % 32);
            assert_eq!(fast::i16x8_shl(a, c16), lanes::i16x8_shl(a, c16));
            assert_eq!(fast::i16x8_shr_s(a, c16), lanes::i16x8_shr_s(a, c16));
            assert_eq!(fast::i16x8_shr_u(a, c16), lanes::i16x8_shr_u(a, c16));
            assert_eq!(fast::i32x4_shl(a, c32), lanes::i32x4_shl(a, c32));
            assert_eq!(fast::i32x4_shr_s(a, c32), lanes::i32x4_shr_s(a, c32));
            assert_eq!(fast::i32x4_shr_u(a, c32), lanes::i32x4_shr_u(a, c32));
            assert_eq!(fast::i64x2_shl(a, count), lanes::i64x2_shl(a, count));
            assert_eq!(fast::i64x2_shr_u(a, count), lanes::i64x2_shr_u(a, count));
        }
    }
}

#[test]
fn float_ops_match_the_portable_code() {
    same_float! { 32, |a, b|;
        f32x4_add(a, b) f32x4_sub(a, b) f32x4_mul(a, b) f32x4_div(a, b)
        f32x4_min(a, b) f32x4_max(a, b) f32x4_pmin(a, b) f32x4_pmax(a, b)
        f32x4_sqrt(a) f32x4_ceil(a) f32x4_floor(a) f32x4_trunc(a) f32x4_nearest(a)
        f32x4_convert_i32x4_s(a) f32x4_demote_f64x2_zero(a)
    }
    same_float! { 64, |a, b|;
        f64x2_add(a, b) f64x2_sub(a, b) f64x2_mul(a, b) f64x2_div(a, b)
        f64x2_min(a, b) f64x2_max(a, b) f64x2_pmin(a, b) f64x2_pmax(a, b)
        f64x2_sqrt(a) f64x2_ceil(a) f64x2_floor(a) f64x2_trunc(a) f64x2_nearest(a)
        f64x2_convert_low_i32x4_s(a) f64x2_promote_low_f32x4(a)
    }
}
