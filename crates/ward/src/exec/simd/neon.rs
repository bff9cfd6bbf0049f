//! aarch64 NEON intrinsics for the `v128` ops where an instruction matches wasm exactly.
//!
//! NEON is part of the aarch64 baseline: no detection is needed. Used on little-endian
//! targets only, where a vector register's lane 0 holds the lowest bytes of the `u128`.
//! Each function has the name and meaning of its portable twin in
//! [`lanes`](super::lanes), which the unit tests compare it against. Float ops rely on
//! the default FPCR (NaNs propagate, quieted; round to nearest even), which ward never
//! changes.

use core::arch::aarch64::*;

use super::lanes;

/// A NEON vector type, reinterpreted from and to the 16 bytes of a `u128`.
trait Vector: Copy {
    fn of(v: u128) -> Self;
    fn bits(self) -> u128;
}

macro_rules! vector {
    ($($t:ty)*) => {$(
        impl Vector for $t {
            #[inline(always)]
            fn of(v: u128) -> Self {
                // SAFETY: both types are 16 bytes of plain data, valid for every bit
                // pattern; on little-endian targets the lanes keep wasm's order.
                unsafe { core::mem::transmute::<u128, $t>(v) }
            }
            #[inline(always)]
            fn bits(self) -> u128 {
                // SAFETY: as for `of`.
                unsafe { core::mem::transmute::<$t, u128>(self) }
            }
        }
    )*};
}

vector! {
    uint8x16_t int8x16_t uint16x8_t int16x8_t uint32x4_t int32x4_t uint64x2_t int64x2_t
    float32x4_t float64x2_t
}

macro_rules! neon {
    ($(fn $name:ident($($a:ident),*): $t:ty => $r:ty = $body:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name($($a: u128),*) -> u128 {
            #[inline]
            #[target_feature(enable = "neon")]
            fn imp($($a: $t),*) -> $r {
                $body
            }
            // SAFETY: NEON is part of the aarch64 baseline: every aarch64 CPU has it.
            unsafe { imp($(<$t>::of($a)),*) }.bits()
        }
    )*};
}

neon! {
    fn v128_not(a): uint8x16_t => uint8x16_t = vmvnq_u8(a);
    fn v128_and(a, b): uint8x16_t => uint8x16_t = vandq_u8(a, b);
    fn v128_andnot(a, b): uint8x16_t => uint8x16_t = vbicq_u8(a, b);
    fn v128_or(a, b): uint8x16_t => uint8x16_t = vorrq_u8(a, b);
    fn v128_xor(a, b): uint8x16_t => uint8x16_t = veorq_u8(a, b);
    fn v128_bitselect(a, b, m): uint8x16_t => uint8x16_t = vbslq_u8(m, a, b);

    fn i8x16_add(a, b): uint8x16_t => uint8x16_t = vaddq_u8(a, b);
    fn i8x16_sub(a, b): uint8x16_t => uint8x16_t = vsubq_u8(a, b);
    fn i16x8_add(a, b): uint16x8_t => uint16x8_t = vaddq_u16(a, b);
    fn i16x8_sub(a, b): uint16x8_t => uint16x8_t = vsubq_u16(a, b);
    fn i32x4_add(a, b): uint32x4_t => uint32x4_t = vaddq_u32(a, b);
    fn i32x4_sub(a, b): uint32x4_t => uint32x4_t = vsubq_u32(a, b);
    fn i64x2_add(a, b): uint64x2_t => uint64x2_t = vaddq_u64(a, b);
    fn i64x2_sub(a, b): uint64x2_t => uint64x2_t = vsubq_u64(a, b);
    fn i8x16_add_sat_s(a, b): int8x16_t => int8x16_t = vqaddq_s8(a, b);
    fn i8x16_add_sat_u(a, b): uint8x16_t => uint8x16_t = vqaddq_u8(a, b);
    fn i8x16_sub_sat_s(a, b): int8x16_t => int8x16_t = vqsubq_s8(a, b);
    fn i8x16_sub_sat_u(a, b): uint8x16_t => uint8x16_t = vqsubq_u8(a, b);
    fn i16x8_add_sat_s(a, b): int16x8_t => int16x8_t = vqaddq_s16(a, b);
    fn i16x8_add_sat_u(a, b): uint16x8_t => uint16x8_t = vqaddq_u16(a, b);
    fn i16x8_sub_sat_s(a, b): int16x8_t => int16x8_t = vqsubq_s16(a, b);
    fn i16x8_sub_sat_u(a, b): uint16x8_t => uint16x8_t = vqsubq_u16(a, b);
    fn i16x8_mul(a, b): uint16x8_t => uint16x8_t = vmulq_u16(a, b);
    fn i32x4_mul(a, b): uint32x4_t => uint32x4_t = vmulq_u32(a, b);
    fn i8x16_min_s(a, b): int8x16_t => int8x16_t = vminq_s8(a, b);
    fn i8x16_min_u(a, b): uint8x16_t => uint8x16_t = vminq_u8(a, b);
    fn i8x16_max_s(a, b): int8x16_t => int8x16_t = vmaxq_s8(a, b);
    fn i8x16_max_u(a, b): uint8x16_t => uint8x16_t = vmaxq_u8(a, b);
    fn i16x8_min_s(a, b): int16x8_t => int16x8_t = vminq_s16(a, b);
    fn i16x8_min_u(a, b): uint16x8_t => uint16x8_t = vminq_u16(a, b);
    fn i16x8_max_s(a, b): int16x8_t => int16x8_t = vmaxq_s16(a, b);
    fn i16x8_max_u(a, b): uint16x8_t => uint16x8_t = vmaxq_u16(a, b);
    fn i32x4_min_s(a, b): int32x4_t => int32x4_t = vminq_s32(a, b);
    fn i32x4_min_u(a, b): uint32x4_t => uint32x4_t = vminq_u32(a, b);
    fn i32x4_max_s(a, b): int32x4_t => int32x4_t = vmaxq_s32(a, b);
    fn i32x4_max_u(a, b): uint32x4_t => uint32x4_t = vmaxq_u32(a, b);
    // The rounding halving add is (a + b + 1) >> 1 without overflow: exactly avgr_u.
    fn i8x16_avgr_u(a, b): uint8x16_t => uint8x16_t = vrhaddq_u8(a, b);
    fn i16x8_avgr_u(a, b): uint16x8_t => uint16x8_t = vrhaddq_u16(a, b);
    fn i8x16_eq(a, b): uint8x16_t => uint8x16_t = vceqq_u8(a, b);
    fn i8x16_gt_s(a, b): int8x16_t => uint8x16_t = vcgtq_s8(a, b);
    fn i16x8_eq(a, b): uint16x8_t => uint16x8_t = vceqq_u16(a, b);
    fn i16x8_gt_s(a, b): int16x8_t => uint16x8_t = vcgtq_s16(a, b);
    fn i32x4_eq(a, b): uint32x4_t => uint32x4_t = vceqq_u32(a, b);
    fn i32x4_gt_s(a, b): int32x4_t => uint32x4_t = vcgtq_s32(a, b);
    // Saturating narrows of signed lanes to the signed (sqxtn) or unsigned (sqxtun)
    // range: exactly wasm's narrow.
    fn i8x16_narrow_i16x8_s(a, b): int16x8_t => int8x16_t =
        vcombine_s8(vqmovn_s16(a), vqmovn_s16(b));
    fn i8x16_narrow_i16x8_u(a, b): int16x8_t => uint8x16_t =
        vcombine_u8(vqmovun_s16(a), vqmovun_s16(b));
    fn i16x8_narrow_i32x4_s(a, b): int32x4_t => int16x8_t =
        vcombine_s16(vqmovn_s32(a), vqmovn_s32(b));
    fn i16x8_narrow_i32x4_u(a, b): int32x4_t => uint16x8_t =
        vcombine_u16(vqmovun_s32(a), vqmovun_s32(b));
    // Widening products, then sums of adjacent pairs (wrapping).
    fn i32x4_dot_i16x8_s(a, b): int16x8_t => int32x4_t =
        vpaddq_s32(vmull_s16(vget_low_s16(a), vget_low_s16(b)), vmull_high_s16(a, b));
    // tbl writes 0 for an index of 16 or more: exactly swizzle's out-of-range rule.
    fn i8x16_swizzle(a, idx): uint8x16_t => uint8x16_t = vqtbl1q_u8(a, idx);
    // abs (not the saturating sqabs) leaves the minimum value unchanged, as wasm does.
    fn i8x16_abs(a): int8x16_t => int8x16_t = vabsq_s8(a);
    fn i16x8_abs(a): int16x8_t => int16x8_t = vabsq_s16(a);
    fn i32x4_abs(a): int32x4_t => int32x4_t = vabsq_s32(a);

    fn f32x4_add(a, b): float32x4_t => float32x4_t = vaddq_f32(a, b);
    fn f32x4_sub(a, b): float32x4_t => float32x4_t = vsubq_f32(a, b);
    fn f32x4_mul(a, b): float32x4_t => float32x4_t = vmulq_f32(a, b);
    fn f32x4_div(a, b): float32x4_t => float32x4_t = vdivq_f32(a, b);
    fn f32x4_sqrt(a): float32x4_t => float32x4_t = vsqrtq_f32(a);
    fn f64x2_add(a, b): float64x2_t => float64x2_t = vaddq_f64(a, b);
    fn f64x2_sub(a, b): float64x2_t => float64x2_t = vsubq_f64(a, b);
    fn f64x2_mul(a, b): float64x2_t => float64x2_t = vmulq_f64(a, b);
    fn f64x2_div(a, b): float64x2_t => float64x2_t = vdivq_f64(a, b);
    fn f64x2_sqrt(a): float64x2_t => float64x2_t = vsqrtq_f64(a);
    // fmin/fmax propagate NaNs and order -0 below +0: exactly wasm's min and max.
    fn f32x4_min(a, b): float32x4_t => float32x4_t = vminq_f32(a, b);
    fn f32x4_max(a, b): float32x4_t => float32x4_t = vmaxq_f32(a, b);
    fn f64x2_min(a, b): float64x2_t => float64x2_t = vminq_f64(a, b);
    fn f64x2_max(a, b): float64x2_t => float64x2_t = vmaxq_f64(a, b);
    fn f32x4_pmin(a, b): float32x4_t => float32x4_t = vbslq_f32(vcltq_f32(b, a), b, a);
    fn f32x4_pmax(a, b): float32x4_t => float32x4_t = vbslq_f32(vcltq_f32(a, b), b, a);
    fn f64x2_pmin(a, b): float64x2_t => float64x2_t = vbslq_f64(vcltq_f64(b, a), b, a);
    fn f64x2_pmax(a, b): float64x2_t => float64x2_t = vbslq_f64(vcltq_f64(a, b), b, a);
    fn f32x4_eq(a, b): float32x4_t => uint32x4_t = vceqq_f32(a, b);
    fn f32x4_ne(a, b): float32x4_t => uint32x4_t = vmvnq_u32(vceqq_f32(a, b));
    fn f32x4_lt(a, b): float32x4_t => uint32x4_t = vcltq_f32(a, b);
    fn f32x4_le(a, b): float32x4_t => uint32x4_t = vcleq_f32(a, b);
    fn f64x2_eq(a, b): float64x2_t => uint64x2_t = vceqq_f64(a, b);
    fn f64x2_ne(a, b): float64x2_t => uint32x4_t =
        vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(a, b)));
    fn f64x2_lt(a, b): float64x2_t => uint64x2_t = vcltq_f64(a, b);
    fn f64x2_le(a, b): float64x2_t => uint64x2_t = vcleq_f64(a, b);
    // The frint instructions quiet a NaN operand; frintn rounds ties to even.
    fn f32x4_ceil(a): float32x4_t => float32x4_t = vrndpq_f32(a);
    fn f32x4_floor(a): float32x4_t => float32x4_t = vrndmq_f32(a);
    fn f32x4_trunc(a): float32x4_t => float32x4_t = vrndq_f32(a);
    fn f32x4_nearest(a): float32x4_t => float32x4_t = vrndnq_f32(a);
    fn f64x2_ceil(a): float64x2_t => float64x2_t = vrndpq_f64(a);
    fn f64x2_floor(a): float64x2_t => float64x2_t = vrndmq_f64(a);
    fn f64x2_trunc(a): float64x2_t => float64x2_t = vrndq_f64(a);
    fn f64x2_nearest(a): float64x2_t => float64x2_t = vrndnq_f64(a);
    fn f32x4_convert_i32x4_s(a): int32x4_t => float32x4_t = vcvtq_f32_s32(a);
    fn f64x2_convert_low_i32x4_s(a): int32x4_t => float64x2_t =
        vcvtq_f64_s64(vmovl_s32(vget_low_s32(a)));
    fn f32x4_demote_f64x2_zero(a): float64x2_t => float32x4_t =
        vcombine_f32(vcvt_f32_f64(a), vdup_n_f32(0.0));
    fn f64x2_promote_low_f32x4(a): float32x4_t => float64x2_t = vcvt_f64_f32(vget_low_f32(a));
    // fcvtzs/fcvtzu saturate and map NaN to 0: exactly trunc_sat.
    fn i32x4_trunc_sat_f32x4_s(a): float32x4_t => int32x4_t = vcvtq_s32_f32(a);
    fn i32x4_trunc_sat_f32x4_u(a): float32x4_t => uint32x4_t = vcvtq_u32_f32(a);
}

/// Lane shifts by a count already reduced modulo the lane width; a negative count
/// shifts right.
macro_rules! shift {
    (@count left, $c:expr) => { $c as i32 };
    (@count right, $c:expr) => { -($c as i32) };
    ($(fn $name:ident: $t:ty, $dup:ident, $shl:ident, $dir:ident;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(v: u128, count: u32) -> u128 {
            #[inline]
            #[target_feature(enable = "neon")]
            fn imp(v: $t, count: u32) -> $t {
                $shl(v, $dup(shift!(@count $dir, count) as _))
            }
            // SAFETY: NEON is part of the aarch64 baseline.
            unsafe { imp(<$t>::of(v), count) }.bits()
        }
    )*};
}

shift! {
    fn i16x8_shl: uint16x8_t, vdupq_n_s16, vshlq_u16, left;
    fn i16x8_shr_s: int16x8_t, vdupq_n_s16, vshlq_s16, right;
    fn i16x8_shr_u: uint16x8_t, vdupq_n_s16, vshlq_u16, right;
    fn i32x4_shl: uint32x4_t, vdupq_n_s32, vshlq_u32, left;
    fn i32x4_shr_s: int32x4_t, vdupq_n_s32, vshlq_s32, right;
    fn i32x4_shr_u: uint32x4_t, vdupq_n_s32, vshlq_u32, right;
    fn i64x2_shl: uint64x2_t, vdupq_n_s64, vshlq_u64, left;
    fn i64x2_shr_u: uint64x2_t, vdupq_n_s64, vshlq_u64, right;
}

/// No single NEON instruction: these stay portable.
pub(super) use lanes::{
    i16x8_bitmask, i32x4_bitmask, i64x2_bitmask, i64x2_mul, i8x16_bitmask, v128_any_true,
};
