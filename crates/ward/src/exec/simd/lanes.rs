//! The portable implementation of the `v128` ops: a `u128` split into lane arrays.
//!
//! This is the reference: it builds and is exact on every target. On little-endian
//! hosts the splits and joins compile to nothing, and LLVM vectorizes many of the
//! lane loops on its own. The architecture modules replace a subset of these
//! functions with intrinsics of the same name and meaning.

use crate::exec::numeric::{fmax32, fmax64, fmin32, fmin64};

/// A lane type of a `v128`: 16 `i8`s, 8 `i16`s, ... 2 `f64`s.
pub(super) trait Lane: Copy {
    /// The lanes of one `v128`.
    type Array: Copy + Default + AsRef<[Self]> + AsMut<[Self]>;
    /// The vector's lanes, lane 0 first (the lowest bytes).
    fn split(v: u128) -> Self::Array;
    /// The vector of these lanes.
    fn join(lanes: Self::Array) -> u128;
}

macro_rules! lane {
    ($($t:ty, $n:literal;)*) => {$(
        impl Lane for $t {
            type Array = [$t; $n];
            #[inline(always)]
            fn split(v: u128) -> [$t; $n] {
                const W: usize = 16 / $n;
                let b = v.to_le_bytes();
                core::array::from_fn(|i| {
                    let mut bytes = [0u8; W];
                    bytes.copy_from_slice(&b[i * W..i * W + W]);
                    <$t>::from_le_bytes(bytes)
                })
            }
            #[inline(always)]
            fn join(lanes: [$t; $n]) -> u128 {
                const W: usize = 16 / $n;
                let mut b = [0u8; 16];
                for (i, x) in lanes.iter().enumerate() {
                    b[i * W..i * W + W].copy_from_slice(&x.to_le_bytes());
                }
                u128::from_le_bytes(b)
            }
        }
    )*};
}

lane! {
    i8, 16; u8, 16; i16, 8; u16, 8; i32, 4; u32, 4; i64, 2; u64, 2; f32, 4; f64, 2;
}

/// The number of lanes of type `T`.
#[inline(always)]
fn count<T: Lane>() -> usize {
    T::Array::default().as_ref().len()
}

/// `f` on each lane.
#[inline(always)]
pub(super) fn map<T: Lane>(v: u128, f: impl Fn(T) -> T) -> u128 {
    let mut a = T::split(v);
    for x in a.as_mut() {
        *x = f(*x);
    }
    T::join(a)
}

/// `f` on each pair of lanes of the same index.
#[inline(always)]
pub(super) fn zip<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> T) -> u128 {
    let mut x = T::split(a);
    let y = T::split(b);
    for (p, q) in x.as_mut().iter_mut().zip(y.as_ref()) {
        *p = f(*p, *q);
    }
    T::join(x)
}

/// A lane mask: all ones in each lane where `f` holds, zeros elsewhere.
#[inline(always)]
pub(super) fn cmp<T: Lane>(a: u128, b: u128, f: impl Fn(T, T) -> bool) -> u128 {
    let (x, y) = (T::split(a), T::split(b));
    let width = 128 / count::<T>();
    let ones = u128::MAX >> (128 - width);
    let mut r = 0;
    for (i, (p, q)) in x.as_ref().iter().zip(y.as_ref()).enumerate() {
        if f(*p, *q) {
            r |= ones << (i * width);
        }
    }
    r
}

/// Lanes of `v` widened by `f`: the low half of its lanes, or the high half.
#[inline(always)]
pub(super) fn widen<T: Lane, U: Lane>(v: u128, high: bool, f: impl Fn(T) -> U) -> u128 {
    let x = T::split(v);
    let mut r = U::Array::default();
    let skip = if high { r.as_ref().len() } else { 0 };
    for (out, inp) in r.as_mut().iter_mut().zip(&x.as_ref()[skip..]) {
        *out = f(*inp);
    }
    U::join(r)
}

/// As [`widen`], with the lanes of two vectors.
#[inline(always)]
pub(super) fn widen2<T: Lane, U: Lane>(
    a: u128,
    b: u128,
    high: bool,
    f: impl Fn(T, T) -> U,
) -> u128 {
    let (x, y) = (T::split(a), T::split(b));
    let mut r = U::Array::default();
    let skip = if high { r.as_ref().len() } else { 0 };
    for (i, out) in r.as_mut().iter_mut().enumerate() {
        *out = f(x.as_ref()[skip + i], y.as_ref()[skip + i]);
    }
    U::join(r)
}

/// Lane `i` of the result is `f` of lanes `2i` and `2i + 1` of `v`.
#[inline(always)]
pub(super) fn pairwise<T: Lane, U: Lane>(v: u128, f: impl Fn(T, T) -> U) -> u128 {
    let x = T::split(v);
    let mut r = U::Array::default();
    for (i, out) in r.as_mut().iter_mut().enumerate() {
        *out = f(x.as_ref()[2 * i], x.as_ref()[2 * i + 1]);
    }
    U::join(r)
}

/// The lanes of `a` then those of `b`, each narrowed by `f`.
#[inline(always)]
pub(super) fn narrow<T: Lane, U: Lane>(a: u128, b: u128, f: impl Fn(T) -> U) -> u128 {
    let (x, y) = (T::split(a), T::split(b));
    let mut r = U::Array::default();
    let inputs = x.as_ref().iter().chain(y.as_ref());
    for (out, inp) in r.as_mut().iter_mut().zip(inputs) {
        *out = f(*inp);
    }
    U::join(r)
}

/// Lanes converted by `f` into lanes of the same count (`i32` <-> `f32`), or into the
/// low lanes of a vector whose high lanes are zero (`f64x2` -> `i32x4`/`f32x4`), or
/// from the low lanes (`i32x4`/`f32x4` -> `f64x2`).
#[inline(always)]
pub(super) fn convert<T: Lane, U: Lane>(v: u128, f: impl Fn(T) -> U) -> u128 {
    let x = T::split(v);
    let mut r = U::Array::default();
    for (out, inp) in r.as_mut().iter_mut().zip(x.as_ref()) {
        *out = f(*inp);
    }
    U::join(r)
}

/// Bit `i` is the top bit of lane `i`.
#[inline(always)]
pub(super) fn bitmask<T: Lane + PartialOrd + Default>(v: u128) -> u32 {
    let x = T::split(v);
    let mut r = 0;
    for (i, lane) in x.as_ref().iter().enumerate() {
        r |= ((*lane < T::default()) as u32) << i;
    }
    r
}

/// Whether every lane is non-zero.
#[inline(always)]
pub(super) fn all_true<T: Lane + PartialEq + Default>(v: u128) -> bool {
    T::split(v).as_ref().iter().all(|&x| x != T::default())
}

/// Lane `lane` of `v`.
#[inline(always)]
pub(super) fn extract<T: Lane>(v: u128, lane: u8) -> T {
    T::split(v).as_ref()[lane as usize]
}

/// `v` with lane `lane` set to `x`.
#[inline(always)]
pub(super) fn replace<T: Lane>(v: u128, lane: u8, x: T) -> u128 {
    let mut a = T::split(v);
    a.as_mut()[lane as usize] = x;
    T::join(a)
}

/// `x` in every lane.
#[inline(always)]
pub(super) fn splat<T: Lane>(x: T) -> u128 {
    let mut a = T::Array::default();
    a.as_mut().fill(x);
    T::join(a)
}

/// A NaN with its quiet bit set, a number unchanged: what wasm's float conversions
/// make of a signalling NaN, whatever the host's conversion instruction does.
#[inline(always)]
pub(super) fn quiet32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 0x0040_0000)
    } else {
        x
    }
}

/// As [`quiet32`], for `f64`.
#[inline(always)]
pub(super) fn quiet64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
    } else {
        x
    }
}

/// `(a & mask) | (b & !mask)`.
pub(super) fn v128_bitselect(a: u128, b: u128, mask: u128) -> u128 {
    (a & mask) | (b & !mask)
}

/// Whether any bit is set.
pub(super) fn v128_any_true(v: u128) -> bool {
    v != 0
}

/// `v[idx[i]]`, or 0 where the index is 16 or more.
pub(super) fn i8x16_swizzle(v: u128, idx: u128) -> u128 {
    let (x, i) = (u8::split(v), u8::split(idx));
    u8::join(core::array::from_fn(|k| {
        x.get(i[k] as usize).copied().unwrap_or(0)
    }))
}

/// `(a ++ b)[lanes[i]]`; the validator keeps the lane indices below 32.
pub(super) fn i8x16_shuffle(a: u128, b: u128, lanes: u128) -> u128 {
    let (x, y, i) = (u8::split(a), u8::split(b), u8::split(lanes));
    u8::join(core::array::from_fn(|k| {
        let l = (i[k] & 31) as usize;
        if l < 16 {
            x[l]
        } else {
            y[l - 16]
        }
    }))
}

/// Saturating rounding Q15 multiplication.
pub(super) fn i16x8_q15mulr_sat_s(a: u128, b: u128) -> u128 {
    zip::<i16>(a, b, |x, y| {
        let p = (x as i32 * y as i32 + 0x4000) >> 15;
        p.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    })
}

/// Sums of the products of adjacent `i16` lanes, as `i32` lanes (wrapping: only
/// `-32768 * -32768 * 2` overflows).
pub(super) fn i32x4_dot_i16x8_s(a: u128, b: u128) -> u128 {
    let (x, y) = (i16::split(a), i16::split(b));
    i32::join(core::array::from_fn(|i| {
        let p0 = x[2 * i] as i32 * y[2 * i] as i32;
        let p1 = x[2 * i + 1] as i32 * y[2 * i + 1] as i32;
        p0.wrapping_add(p1)
    }))
}

/// Sums of the products of adjacent signed bytes, as `i16` lanes (wrapping: only
/// `-128 * -128 * 2` overflows): relaxed SIMD's `i16x8.relaxed_dot_i8x16_i7x16_s`, with
/// both operands signed.
pub(super) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: u128, b: u128) -> u128 {
    let (x, y) = (i8::split(a), i8::split(b));
    i16::join(core::array::from_fn(|i| {
        let p0 = x[2 * i] as i16 * y[2 * i] as i16;
        let p1 = x[2 * i + 1] as i16 * y[2 * i + 1] as i16;
        p0.wrapping_add(p1)
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the `i16` sums of
/// [`i16x8_relaxed_dot_i8x16_i7x16_s`], added in pairs as `i32`s, plus `c`'s lanes.
pub(super) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: u128, b: u128, c: u128) -> u128 {
    let pairs = i16::split(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    let c = i32::split(c);
    i32::join(core::array::from_fn(|i| {
        (pairs[2 * i] as i32 + pairs[2 * i + 1] as i32).wrapping_add(c[i])
    }))
}

/// Functions of two `v128`s that the architecture modules may replace.
macro_rules! binary {
    ($($name:ident: $t:ty, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: u128, b: u128) -> u128 {
            zip::<$t>(a, b, |$a, $b| $e)
        }
    )*};
}

binary! {
    i8x16_add: u8, |a, b| a.wrapping_add(b);
    i8x16_sub: u8, |a, b| a.wrapping_sub(b);
    i16x8_add: u16, |a, b| a.wrapping_add(b);
    i16x8_sub: u16, |a, b| a.wrapping_sub(b);
    i32x4_add: u32, |a, b| a.wrapping_add(b);
    i32x4_sub: u32, |a, b| a.wrapping_sub(b);
    i64x2_add: u64, |a, b| a.wrapping_add(b);
    i64x2_sub: u64, |a, b| a.wrapping_sub(b);
    i8x16_add_sat_s: i8, |a, b| a.saturating_add(b);
    i8x16_add_sat_u: u8, |a, b| a.saturating_add(b);
    i8x16_sub_sat_s: i8, |a, b| a.saturating_sub(b);
    i8x16_sub_sat_u: u8, |a, b| a.saturating_sub(b);
    i16x8_add_sat_s: i16, |a, b| a.saturating_add(b);
    i16x8_add_sat_u: u16, |a, b| a.saturating_add(b);
    i16x8_sub_sat_s: i16, |a, b| a.saturating_sub(b);
    i16x8_sub_sat_u: u16, |a, b| a.saturating_sub(b);
    i16x8_mul: u16, |a, b| a.wrapping_mul(b);
    i32x4_mul: u32, |a, b| a.wrapping_mul(b);
    i64x2_mul: u64, |a, b| a.wrapping_mul(b);
    i8x16_min_s: i8, |a, b| a.min(b);
    i8x16_min_u: u8, |a, b| a.min(b);
    i8x16_max_s: i8, |a, b| a.max(b);
    i8x16_max_u: u8, |a, b| a.max(b);
    i16x8_min_s: i16, |a, b| a.min(b);
    i16x8_min_u: u16, |a, b| a.min(b);
    i16x8_max_s: i16, |a, b| a.max(b);
    i16x8_max_u: u16, |a, b| a.max(b);
    i32x4_min_s: i32, |a, b| a.min(b);
    i32x4_min_u: u32, |a, b| a.min(b);
    i32x4_max_s: i32, |a, b| a.max(b);
    i32x4_max_u: u32, |a, b| a.max(b);
    i8x16_avgr_u: u8, |a, b| ((a as u16 + b as u16 + 1) >> 1) as u8;
    i16x8_avgr_u: u16, |a, b| ((a as u32 + b as u32 + 1) >> 1) as u16;
    f32x4_add: f32, |a, b| a + b;
    f32x4_sub: f32, |a, b| a - b;
    f32x4_mul: f32, |a, b| a * b;
    f32x4_div: f32, |a, b| a / b;
    f32x4_min: f32, |a, b| fmin32(a, b);
    f32x4_max: f32, |a, b| fmax32(a, b);
    f32x4_pmin: f32, |a, b| if b < a { b } else { a };
    f32x4_pmax: f32, |a, b| if a < b { b } else { a };
    f64x2_add: f64, |a, b| a + b;
    f64x2_sub: f64, |a, b| a - b;
    f64x2_mul: f64, |a, b| a * b;
    f64x2_div: f64, |a, b| a / b;
    f64x2_min: f64, |a, b| fmin64(a, b);
    f64x2_max: f64, |a, b| fmax64(a, b);
    f64x2_pmin: f64, |a, b| if b < a { b } else { a };
    f64x2_pmax: f64, |a, b| if a < b { b } else { a };
}

/// Lane comparisons that the architecture modules may replace.
macro_rules! compare {
    ($($name:ident: $t:ty, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: u128, b: u128) -> u128 {
            cmp::<$t>(a, b, |$a, $b| $e)
        }
    )*};
}

compare! {
    i8x16_eq: u8, |a, b| a == b;
    i8x16_gt_s: i8, |a, b| a > b;
    i16x8_eq: u16, |a, b| a == b;
    i16x8_gt_s: i16, |a, b| a > b;
    i32x4_eq: u32, |a, b| a == b;
    i32x4_gt_s: i32, |a, b| a > b;
    f32x4_eq: f32, |a, b| a == b;
    f32x4_ne: f32, |a, b| a != b;
    f32x4_lt: f32, |a, b| a < b;
    f32x4_le: f32, |a, b| a <= b;
    f64x2_eq: f64, |a, b| a == b;
    f64x2_ne: f64, |a, b| a != b;
    f64x2_lt: f64, |a, b| a < b;
    f64x2_le: f64, |a, b| a <= b;
}

/// Lane shifts by a count already reduced modulo the lane width.
macro_rules! shift {
    ($($name:ident: $t:ty, $op:ident;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(v: u128, count: u32) -> u128 {
            map::<$t>(v, |x| x.$op(count))
        }
    )*};
}

shift! {
    i16x8_shl: u16, wrapping_shl;
    i16x8_shr_s: i16, wrapping_shr;
    i16x8_shr_u: u16, wrapping_shr;
    i32x4_shl: u32, wrapping_shl;
    i32x4_shr_s: i32, wrapping_shr;
    i32x4_shr_u: u32, wrapping_shr;
    i64x2_shl: u64, wrapping_shl;
    i64x2_shr_u: u64, wrapping_shr;
}

pub(super) fn i8x16_bitmask(v: u128) -> u32 {
    bitmask::<i8>(v)
}
pub(super) fn i16x8_bitmask(v: u128) -> u32 {
    bitmask::<i16>(v)
}
pub(super) fn i32x4_bitmask(v: u128) -> u32 {
    bitmask::<i32>(v)
}
pub(super) fn i64x2_bitmask(v: u128) -> u32 {
    bitmask::<i64>(v)
}

pub(super) fn i8x16_narrow_i16x8_s(a: u128, b: u128) -> u128 {
    narrow::<i16, i8>(a, b, |x| x.clamp(i8::MIN as i16, i8::MAX as i16) as i8)
}
pub(super) fn i8x16_narrow_i16x8_u(a: u128, b: u128) -> u128 {
    narrow::<i16, u8>(a, b, |x| x.clamp(0, u8::MAX as i16) as u8)
}
pub(super) fn i16x8_narrow_i32x4_s(a: u128, b: u128) -> u128 {
    narrow::<i32, i16>(a, b, |x| x.clamp(i16::MIN as i32, i16::MAX as i32) as i16)
}
pub(super) fn i16x8_narrow_i32x4_u(a: u128, b: u128) -> u128 {
    narrow::<i32, u16>(a, b, |x| x.clamp(0, u16::MAX as i32) as u16)
}

pub(super) fn i8x16_abs(v: u128) -> u128 {
    map::<i8>(v, i8::wrapping_abs)
}
pub(super) fn i16x8_abs(v: u128) -> u128 {
    map::<i16>(v, i16::wrapping_abs)
}
pub(super) fn i32x4_abs(v: u128) -> u128 {
    map::<i32>(v, i32::wrapping_abs)
}

/// Float lane ops with one operand: the rounding ops and `sqrt` quiet a NaN operand.
macro_rules! float_unary {
    ($($name:ident: $t:ty, $quiet:ident, $f:path;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(v: u128) -> u128 {
            map::<$t>(v, |x| if x.is_nan() { $quiet(x) } else { $f(x) })
        }
    )*};
}

float_unary! {
    f32x4_sqrt: f32, quiet32, crate::prelude::math::sqrt32;
    f32x4_ceil: f32, quiet32, crate::prelude::math::ceil32;
    f32x4_floor: f32, quiet32, crate::prelude::math::floor32;
    f32x4_trunc: f32, quiet32, crate::prelude::math::trunc32;
    f32x4_nearest: f32, quiet32, crate::prelude::math::nearest32;
    f64x2_sqrt: f64, quiet64, crate::prelude::math::sqrt64;
    f64x2_ceil: f64, quiet64, crate::prelude::math::ceil64;
    f64x2_floor: f64, quiet64, crate::prelude::math::floor64;
    f64x2_trunc: f64, quiet64, crate::prelude::math::trunc64;
    f64x2_nearest: f64, quiet64, crate::prelude::math::nearest64;
}

// Rust's int-to-float `as` rounds to nearest, ties to even, as wasm does.
pub(super) fn f32x4_convert_i32x4_s(v: u128) -> u128 {
    convert::<i32, f32>(v, |x| x as f32)
}
pub(super) fn f64x2_convert_low_i32x4_s(v: u128) -> u128 {
    convert::<i32, f64>(v, |x| x as f64)
}
pub(super) fn f32x4_demote_f64x2_zero(v: u128) -> u128 {
    convert::<f64, f32>(v, |x| quiet32(x as f32))
}
pub(super) fn f64x2_promote_low_f32x4(v: u128) -> u128 {
    convert::<f32, f64>(v, |x| quiet64(x as f64))
}

pub(super) fn v128_not(v: u128) -> u128 {
    !v
}
pub(super) fn v128_and(a: u128, b: u128) -> u128 {
    a & b
}
pub(super) fn v128_andnot(a: u128, b: u128) -> u128 {
    a & !b
}
pub(super) fn v128_or(a: u128, b: u128) -> u128 {
    a | b
}
pub(super) fn v128_xor(a: u128, b: u128) -> u128 {
    a ^ b
}

// Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.
pub(super) fn i32x4_trunc_sat_f32x4_s(v: u128) -> u128 {
    convert::<f32, i32>(v, |x| x as i32)
}
pub(super) fn i32x4_trunc_sat_f32x4_u(v: u128) -> u128 {
    convert::<f32, u32>(v, |x| x as u32)
}
