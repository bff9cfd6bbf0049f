//! x86_64 intrinsics for the `v128` ops where an instruction matches wasm exactly.
//!
//! SSE2 is part of the x86_64 baseline, so its paths need no detection and inline into
//! the executor. SSSE3 and SSE4.1 paths are taken when the CPU reports the feature at
//! run time (the check is a load of a cached flag), and fall back to the portable
//! code otherwise. Each function has the name and meaning of its portable twin in
//! [`lanes`](super::lanes), which the unit tests compare it against.
//!
//! Left portable on purpose: ops with no single matching instruction whose emulation
//! would cost as much as the lane loop (8-bit shifts, unsigned compares, `i64x2`
//! multiply and compares, float-to-int saturation, extends and extmuls).

use core::arch::x86_64::*;

use super::lanes;

#[inline(always)]
fn to(v: u128) -> __m128i {
    // SAFETY: both types are 16 bytes of plain data, valid for every bit pattern.
    unsafe { core::mem::transmute::<u128, __m128i>(v) }
}

#[inline(always)]
fn from(v: __m128i) -> u128 {
    // SAFETY: as for `to`.
    unsafe { core::mem::transmute::<__m128i, u128>(v) }
}

#[inline]
#[target_feature(enable = "sse2")]
fn ps(v: __m128i) -> __m128 {
    _mm_castsi128_ps(v)
}

#[inline]
#[target_feature(enable = "sse2")]
fn pd(v: __m128i) -> __m128d {
    _mm_castsi128_pd(v)
}

#[inline]
#[target_feature(enable = "sse2")]
fn ips(v: __m128) -> __m128i {
    _mm_castps_si128(v)
}

#[inline]
#[target_feature(enable = "sse2")]
fn ipd(v: __m128d) -> __m128i {
    _mm_castpd_si128(v)
}

/// Ops on SSE2, which every x86_64 CPU has.
macro_rules! sse2 {
    ($(fn $name:ident($($a:ident),*) = $body:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name($($a: u128),*) -> u128 {
            #[inline]
            #[target_feature(enable = "sse2")]
            fn imp($($a: __m128i),*) -> __m128i {
                $body
            }
            // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
            from(unsafe { imp($(to($a)),*) })
        }
    )*};
}

/// Ops on a later extension, taken when the CPU has it.
///
/// `imp` cannot inline into a handler, which lacks the target feature, so it is a call:
/// its operands and result are `u128`, which travel in registers, where `__m128i`
/// values would go through memory.
macro_rules! detected {
    ($feature:tt: $(fn $name:ident($($a:ident),*) = $body:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name($($a: u128),*) -> u128 {
            #[target_feature(enable = $feature)]
            fn imp($($a: u128),*) -> u128 {
                $( let $a = to($a); )*
                from($body)
            }
            if has_feature!($feature) {
                // SAFETY: the CPU has the target feature (detected just above).
                unsafe { imp($($a),*) }
            } else {
                lanes::$name($($a),*)
            }
        }
    )*};
}

/// Whether the CPU has a target feature: asked of it where the standard library can,
/// else known from the build's target features.
#[cfg(feature = "std")]
macro_rules! has_feature {
    ($feature:tt) => {
        std::arch::is_x86_feature_detected!($feature)
    };
}
#[cfg(not(feature = "std"))]
macro_rules! has_feature {
    ($feature:tt) => {
        cfg!(target_feature = $feature)
    };
}

/// Lane shifts: the count, already reduced modulo the lane width, goes in a register.
macro_rules! shift {
    ($(fn $name:ident = $f:ident;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(v: u128, count: u32) -> u128 {
            #[inline]
            #[target_feature(enable = "sse2")]
            fn imp(v: __m128i, count: u32) -> __m128i {
                $f(v, _mm_cvtsi32_si128(count as i32))
            }
            // SAFETY: SSE2 is part of the x86_64 baseline.
            from(unsafe { imp(to(v), count) })
        }
    )*};
}

sse2! {
    fn v128_not(a) = _mm_xor_si128(a, _mm_set1_epi32(-1));
    fn v128_and(a, b) = _mm_and_si128(a, b);
    fn v128_andnot(a, b) = _mm_andnot_si128(b, a);
    fn v128_or(a, b) = _mm_or_si128(a, b);
    fn v128_xor(a, b) = _mm_xor_si128(a, b);
    fn v128_bitselect(a, b, m) = _mm_or_si128(_mm_and_si128(a, m), _mm_andnot_si128(m, b));

    fn i8x16_add(a, b) = _mm_add_epi8(a, b);
    fn i8x16_sub(a, b) = _mm_sub_epi8(a, b);
    fn i16x8_add(a, b) = _mm_add_epi16(a, b);
    fn i16x8_sub(a, b) = _mm_sub_epi16(a, b);
    fn i32x4_add(a, b) = _mm_add_epi32(a, b);
    fn i32x4_sub(a, b) = _mm_sub_epi32(a, b);
    fn i64x2_add(a, b) = _mm_add_epi64(a, b);
    fn i64x2_sub(a, b) = _mm_sub_epi64(a, b);
    fn i8x16_add_sat_s(a, b) = _mm_adds_epi8(a, b);
    fn i8x16_add_sat_u(a, b) = _mm_adds_epu8(a, b);
    fn i8x16_sub_sat_s(a, b) = _mm_subs_epi8(a, b);
    fn i8x16_sub_sat_u(a, b) = _mm_subs_epu8(a, b);
    fn i16x8_add_sat_s(a, b) = _mm_adds_epi16(a, b);
    fn i16x8_add_sat_u(a, b) = _mm_adds_epu16(a, b);
    fn i16x8_sub_sat_s(a, b) = _mm_subs_epi16(a, b);
    fn i16x8_sub_sat_u(a, b) = _mm_subs_epu16(a, b);
    fn i16x8_mul(a, b) = _mm_mullo_epi16(a, b);
    fn i8x16_min_u(a, b) = _mm_min_epu8(a, b);
    fn i8x16_max_u(a, b) = _mm_max_epu8(a, b);
    fn i16x8_min_s(a, b) = _mm_min_epi16(a, b);
    fn i16x8_max_s(a, b) = _mm_max_epi16(a, b);
    // pavg computes (a + b + 1) >> 1 without overflow: exactly avgr_u.
    fn i8x16_avgr_u(a, b) = _mm_avg_epu8(a, b);
    fn i16x8_avgr_u(a, b) = _mm_avg_epu16(a, b);
    fn i8x16_eq(a, b) = _mm_cmpeq_epi8(a, b);
    fn i8x16_gt_s(a, b) = _mm_cmpgt_epi8(a, b);
    fn i16x8_eq(a, b) = _mm_cmpeq_epi16(a, b);
    fn i16x8_gt_s(a, b) = _mm_cmpgt_epi16(a, b);
    fn i32x4_eq(a, b) = _mm_cmpeq_epi32(a, b);
    fn i32x4_gt_s(a, b) = _mm_cmpgt_epi32(a, b);
    // The pack instructions saturate signed inputs to the signed (packs) or unsigned
    // (packus) range of the narrower lanes: exactly wasm's narrow.
    fn i8x16_narrow_i16x8_s(a, b) = _mm_packs_epi16(a, b);
    fn i8x16_narrow_i16x8_u(a, b) = _mm_packus_epi16(a, b);
    fn i16x8_narrow_i32x4_s(a, b) = _mm_packs_epi32(a, b);
    // pmaddwd wraps in the one overflowing case (-32768 * -32768 * 2), as wasm does.
    fn i32x4_dot_i16x8_s(a, b) = _mm_madd_epi16(a, b);

    // The float ops return a quiet NaN for NaN operands (an arithmetic NaN, canonical
    // when the operands are), as wasm requires.
    fn f32x4_add(a, b) = ips(_mm_add_ps(ps(a), ps(b)));
    fn f32x4_sub(a, b) = ips(_mm_sub_ps(ps(a), ps(b)));
    fn f32x4_mul(a, b) = ips(_mm_mul_ps(ps(a), ps(b)));
    fn f32x4_div(a, b) = ips(_mm_div_ps(ps(a), ps(b)));
    fn f32x4_sqrt(a) = ips(_mm_sqrt_ps(ps(a)));
    fn f64x2_add(a, b) = ipd(_mm_add_pd(pd(a), pd(b)));
    fn f64x2_sub(a, b) = ipd(_mm_sub_pd(pd(a), pd(b)));
    fn f64x2_mul(a, b) = ipd(_mm_mul_pd(pd(a), pd(b)));
    fn f64x2_div(a, b) = ipd(_mm_div_pd(pd(a), pd(b)));
    fn f64x2_sqrt(a) = ipd(_mm_sqrt_pd(pd(a)));
    // minps(x, y) is `x < y ? x : y` and maxps(x, y) is `x > y ? x : y`, lane-wise:
    // exactly pmin(a, b) = `b < a ? b : a` and pmax(a, b) = `a < b ? b : a`.
    fn f32x4_pmin(a, b) = ips(_mm_min_ps(ps(b), ps(a)));
    fn f32x4_pmax(a, b) = ips(_mm_max_ps(ps(b), ps(a)));
    fn f64x2_pmin(a, b) = ipd(_mm_min_pd(pd(b), pd(a)));
    fn f64x2_pmax(a, b) = ipd(_mm_max_pd(pd(b), pd(a)));
    fn f32x4_min(a, b) = ips(min_ps(ps(a), ps(b)));
    fn f32x4_max(a, b) = ips(max_ps(ps(a), ps(b)));
    fn f64x2_min(a, b) = ipd(min_pd(pd(a), pd(b)));
    fn f64x2_max(a, b) = ipd(max_pd(pd(a), pd(b)));
    // cmpneq is "not equal or unordered": true for NaN, as wasm's `ne`.
    fn f32x4_eq(a, b) = ips(_mm_cmpeq_ps(ps(a), ps(b)));
    fn f32x4_ne(a, b) = ips(_mm_cmpneq_ps(ps(a), ps(b)));
    fn f32x4_lt(a, b) = ips(_mm_cmplt_ps(ps(a), ps(b)));
    fn f32x4_le(a, b) = ips(_mm_cmple_ps(ps(a), ps(b)));
    fn f64x2_eq(a, b) = ipd(_mm_cmpeq_pd(pd(a), pd(b)));
    fn f64x2_ne(a, b) = ipd(_mm_cmpneq_pd(pd(a), pd(b)));
    fn f64x2_lt(a, b) = ipd(_mm_cmplt_pd(pd(a), pd(b)));
    fn f64x2_le(a, b) = ipd(_mm_cmple_pd(pd(a), pd(b)));
    // Conversions round to nearest even (the MXCSR default, which ward never changes);
    // cvtpd2ps zeroes the high lanes and, like cvtps2pd, quiets a NaN.
    fn f32x4_convert_i32x4_s(a) = ips(_mm_cvtepi32_ps(a));
    fn f64x2_convert_low_i32x4_s(a) = ipd(_mm_cvtepi32_pd(a));
    fn f32x4_demote_f64x2_zero(a) = ips(_mm_cvtpd_ps(pd(a)));
    fn f64x2_promote_low_f32x4(a) = ipd(_mm_cvtps_pd(ps(a)));
}

/// wasm `min` on `f32x4`: minps in both operand orders, merged so that a NaN or a -0
/// in either operand wins, then NaN lanes made canonical (quiet, payload cleared).
#[inline]
#[target_feature(enable = "sse2")]
fn min_ps(a: __m128, b: __m128) -> __m128 {
    let ab = _mm_min_ps(a, b);
    let ba = _mm_min_ps(b, a);
    let merged = _mm_or_ps(ab, ba);
    let nan = _mm_cmpunord_ps(merged, ba);
    let merged = _mm_or_ps(merged, nan);
    let payload = ips_srl::<10>(nan);
    _mm_andnot_ps(payload, merged)
}

/// wasm `max` on `f32x4`: maxps in both orders; their difference carries a NaN, and the
/// subtraction turns a sign discrepancy of zeros into +0; NaN lanes become canonical.
#[inline]
#[target_feature(enable = "sse2")]
fn max_ps(a: __m128, b: __m128) -> __m128 {
    let ba = _mm_max_ps(b, a);
    let ab = _mm_max_ps(a, b);
    let diff = _mm_xor_ps(ab, ba);
    let merged = _mm_or_ps(ba, diff);
    let merged = _mm_sub_ps(merged, diff);
    let nan = _mm_cmpunord_ps(diff, merged);
    let payload = ips_srl::<10>(nan);
    _mm_andnot_ps(payload, merged)
}

/// As [`min_ps`], for `f64x2`.
#[inline]
#[target_feature(enable = "sse2")]
fn min_pd(a: __m128d, b: __m128d) -> __m128d {
    let ab = _mm_min_pd(a, b);
    let ba = _mm_min_pd(b, a);
    let merged = _mm_or_pd(ab, ba);
    let nan = _mm_cmpunord_pd(merged, ba);
    let merged = _mm_or_pd(merged, nan);
    let payload = _mm_castsi128_pd(_mm_srli_epi64::<13>(_mm_castpd_si128(nan)));
    _mm_andnot_pd(payload, merged)
}

/// As [`max_ps`], for `f64x2`.
#[inline]
#[target_feature(enable = "sse2")]
fn max_pd(a: __m128d, b: __m128d) -> __m128d {
    let ba = _mm_max_pd(b, a);
    let ab = _mm_max_pd(a, b);
    let diff = _mm_xor_pd(ab, ba);
    let merged = _mm_or_pd(ba, diff);
    let merged = _mm_sub_pd(merged, diff);
    let nan = _mm_cmpunord_pd(diff, merged);
    let payload = _mm_castsi128_pd(_mm_srli_epi64::<13>(_mm_castpd_si128(nan)));
    _mm_andnot_pd(payload, merged)
}

/// A logical right shift of each 32-bit lane of a float mask.
#[inline]
#[target_feature(enable = "sse2")]
fn ips_srl<const N: i32>(v: __m128) -> __m128 {
    _mm_castsi128_ps(_mm_srli_epi32::<N>(_mm_castps_si128(v)))
}

detected! { "ssse3":
    // Indices of 16 or more get their top bit set by the saturating add, and pshufb
    // writes 0 for those: exactly swizzle's out-of-range rule.
    fn i8x16_swizzle(a, idx) = _mm_shuffle_epi8(a, _mm_adds_epu8(idx, _mm_set1_epi8(0x70)));
    // pabs leaves the minimum value unchanged, as wasm's wrapping abs does.
    fn i8x16_abs(a) = _mm_abs_epi8(a);
    fn i16x8_abs(a) = _mm_abs_epi16(a);
    fn i32x4_abs(a) = _mm_abs_epi32(a);
}

detected! { "sse4.1":
    fn i8x16_min_s(a, b) = _mm_min_epi8(a, b);
    fn i8x16_max_s(a, b) = _mm_max_epi8(a, b);
    fn i16x8_min_u(a, b) = _mm_min_epu16(a, b);
    fn i16x8_max_u(a, b) = _mm_max_epu16(a, b);
    fn i32x4_min_s(a, b) = _mm_min_epi32(a, b);
    fn i32x4_min_u(a, b) = _mm_min_epu32(a, b);
    fn i32x4_max_s(a, b) = _mm_max_epi32(a, b);
    fn i32x4_max_u(a, b) = _mm_max_epu32(a, b);
    fn i32x4_mul(a, b) = _mm_mullo_epi32(a, b);
    fn i16x8_narrow_i32x4_u(a, b) = _mm_packus_epi32(a, b);
    // roundps/roundpd return a quiet NaN for a NaN operand.
    fn f32x4_ceil(a) = ips(_mm_round_ps::<{ _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC }>(ps(a)));
    fn f32x4_floor(a) = ips(_mm_round_ps::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(ps(a)));
    fn f32x4_trunc(a) = ips(_mm_round_ps::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(ps(a)));
    fn f32x4_nearest(a) = ips(_mm_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(ps(a)));
    fn f64x2_ceil(a) = ipd(_mm_round_pd::<{ _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC }>(pd(a)));
    fn f64x2_floor(a) = ipd(_mm_round_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(pd(a)));
    fn f64x2_trunc(a) = ipd(_mm_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(pd(a)));
    fn f64x2_nearest(a) = ipd(_mm_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(pd(a)));
}

shift! {
    fn i16x8_shl = _mm_sll_epi16;
    fn i16x8_shr_s = _mm_sra_epi16;
    fn i16x8_shr_u = _mm_srl_epi16;
    fn i32x4_shl = _mm_sll_epi32;
    fn i32x4_shr_s = _mm_sra_epi32;
    fn i32x4_shr_u = _mm_srl_epi32;
    fn i64x2_shl = _mm_sll_epi64;
    fn i64x2_shr_u = _mm_srl_epi64;
}

/// Results that are not vectors: masks and truth values.
macro_rules! sse2_scalar {
    ($(fn $name:ident($a:ident) -> $ret:ty = $body:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name($a: u128) -> $ret {
            #[inline]
            #[target_feature(enable = "sse2")]
            fn imp($a: __m128i) -> $ret {
                $body
            }
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe { imp(to($a)) }
        }
    )*};
}

sse2_scalar! {
    fn v128_any_true(a) -> bool =
        _mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_setzero_si128())) != 0xffff;
    fn i8x16_bitmask(a) -> u32 = _mm_movemask_epi8(a) as u32;
    // packs keeps each lane's sign: the byte mask of the packed low half is the answer.
    fn i16x8_bitmask(a) -> u32 =
        _mm_movemask_epi8(_mm_packs_epi16(a, _mm_setzero_si128())) as u32 & 0xff;
    fn i32x4_bitmask(a) -> u32 = _mm_movemask_ps(ps(a)) as u32;
    fn i64x2_bitmask(a) -> u32 = _mm_movemask_pd(pd(a)) as u32;
}

/// Float-to-int saturation has no single SSE instruction; these stay portable.
pub(super) use lanes::{i32x4_trunc_sat_f32x4_s, i32x4_trunc_sat_f32x4_u, i64x2_mul};
