//! SIMD (`v128`) ops, with WebAssembly's exact semantics.
//!
//! A `v128` occupies two cells of the frame: the low 64 bits (lanes 0..) in the first,
//! the high 64 bits in the second. Ops read every operand before they write their
//! result, so a result may overwrite its operands.
//!
//! [`lanes`] is the portable implementation of every op. The ops that matter most for
//! speed and have an instruction with exactly wasm's meaning go through `fast`: the
//! x86_64 module (SSE2, plus SSSE3/SSE4.1 when detected at run time), the aarch64 NEON
//! module, or [`lanes`] itself elsewhere. Building with `--cfg ward_portable_simd`
//! selects the portable code everywhere, so that it can be tested on any host.

// Where intrinsics replace them, the portable twins are the reference of the unit tests
// and the fallback when a CPU lacks an extension, not code the executor calls directly.
#[cfg_attr(
    all(any(target_arch = "x86_64", target_arch = "aarch64"), not(test)),
    allow(dead_code)
)]
mod lanes;
#[cfg(all(
    target_arch = "aarch64",
    target_endian = "little",
    not(ward_portable_simd)
))]
mod neon;
#[cfg(all(target_arch = "x86_64", not(ward_portable_simd)))]
mod x86;

#[cfg(not(any(
    all(target_arch = "x86_64", not(ward_portable_simd)),
    all(
        target_arch = "aarch64",
        target_endian = "little",
        not(ward_portable_simd)
    )
)))]
use lanes as fast;
#[cfg(all(
    target_arch = "aarch64",
    target_endian = "little",
    not(ward_portable_simd)
))]
use neon as fast;
#[cfg(all(target_arch = "x86_64", not(ward_portable_simd)))]
use x86 as fast;

use lanes::{all_true, cmp, convert, extract, map, pairwise, replace, splat, widen, widen2};

use super::{Executor, OpResult};
use crate::ir::{Op, Slot};

#[cfg(test)]
mod tests;

impl Executor {
    /// Reads the `v128` whose first cell is `slot`.
    #[inline(always)]
    fn v128(&self, slot: Slot) -> u128 {
        self.get(slot) as u128 | (self.get(slot + 1) as u128) << 64
    }

    /// Writes a `v128` to the two cells from `slot`.
    #[inline(always)]
    fn set_v128(&mut self, slot: Slot, v: u128) {
        self.set(slot, v as u64);
        self.set(slot + 1, (v >> 64) as u64);
    }

    /// Constant `index` of the running function's pool.
    #[inline(always)]
    fn pool(&self, index: u32) -> u128 {
        // SAFETY: `code` is the running function's compiled code, kept alive by its
        // module for as long as the store lives (see `enter`).
        let code = unsafe { &*self.code };
        code.consts[index as usize]
    }

    /// Executes SIMD op `op`. Inlined into each SIMD op's handler,
    /// which keeps only the op's own arm.
    #[inline(always)]
    pub(super) fn simd(&mut self, op: Op) -> OpResult {
        macro_rules! un {
            ($dst:expr, $src:expr, |$v:ident| $e:expr) => {{
                let $v = self.v128($src);
                self.set_v128($dst, $e);
            }};
        }
        macro_rules! bin {
            ($dst:expr, $l:expr, $r:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a = self.v128($l);
                let $b = self.v128($r);
                self.set_v128($dst, $e);
            }};
        }
        // A shift by the i32 in `$r`, taken modulo the lane width.
        macro_rules! shift {
            ($dst:expr, $l:expr, $r:expr, $bits:expr, |$v:ident, $c:ident| $e:expr) => {{
                let $v = self.v128($l);
                let $c = self.get($r) as u32 & ($bits - 1);
                self.set_v128($dst, $e);
            }};
        }
        // Lane-wise results that are 0 or 1 in an i32.
        macro_rules! test {
            ($dst:expr, $src:expr, |$v:ident| $e:expr) => {{
                let $v = self.v128($src);
                self.set($dst, $e as u64);
            }};
        }
        use fast::v128_not as not;
        match op {
            Op::I8x16Splat { dst, src } => self.set_v128(dst, splat(self.get(src) as u8)),
            Op::I16x8Splat { dst, src } => self.set_v128(dst, splat(self.get(src) as u16)),
            Op::I32x4Splat { dst, src } | Op::F32x4Splat { dst, src } => {
                self.set_v128(dst, splat(self.get(src) as u32))
            }
            Op::I64x2Splat { dst, src } | Op::F64x2Splat { dst, src } => {
                self.set_v128(dst, splat(self.get(src)))
            }
            Op::V128Not { dst, src } => un!(dst, src, |v| not(v)),
            Op::V128AnyTrue { dst, src } => test!(dst, src, |v| fast::v128_any_true(v)),

            Op::I8x16Abs { dst, src } => un!(dst, src, |v| fast::i8x16_abs(v)),
            Op::I8x16Neg { dst, src } => un!(dst, src, |v| map(v, i8::wrapping_neg)),
            Op::I8x16Popcnt { dst, src } => un!(dst, src, |v| map(v, |x: u8| x.count_ones() as u8)),
            Op::I8x16AllTrue { dst, src } => test!(dst, src, |v| all_true::<u8>(v)),
            Op::I8x16Bitmask { dst, src } => test!(dst, src, |v| fast::i8x16_bitmask(v)),
            Op::I16x8Abs { dst, src } => un!(dst, src, |v| fast::i16x8_abs(v)),
            Op::I16x8Neg { dst, src } => un!(dst, src, |v| map(v, i16::wrapping_neg)),
            Op::I16x8AllTrue { dst, src } => test!(dst, src, |v| all_true::<u16>(v)),
            Op::I16x8Bitmask { dst, src } => test!(dst, src, |v| fast::i16x8_bitmask(v)),
            Op::I32x4Abs { dst, src } => un!(dst, src, |v| fast::i32x4_abs(v)),
            Op::I32x4Neg { dst, src } => un!(dst, src, |v| map(v, i32::wrapping_neg)),
            Op::I32x4AllTrue { dst, src } => test!(dst, src, |v| all_true::<u32>(v)),
            Op::I32x4Bitmask { dst, src } => test!(dst, src, |v| fast::i32x4_bitmask(v)),
            Op::I64x2Abs { dst, src } => un!(dst, src, |v| map(v, i64::wrapping_abs)),
            Op::I64x2Neg { dst, src } => un!(dst, src, |v| map(v, i64::wrapping_neg)),
            Op::I64x2AllTrue { dst, src } => test!(dst, src, |v| all_true::<u64>(v)),
            Op::I64x2Bitmask { dst, src } => test!(dst, src, |v| fast::i64x2_bitmask(v)),

            Op::I16x8ExtAddPairwiseI8x16S { dst, src } => {
                un!(dst, src, |v| pairwise(v, |x: i8, y: i8| x as i16
                    + y as i16))
            }
            Op::I16x8ExtAddPairwiseI8x16U { dst, src } => {
                un!(dst, src, |v| pairwise(v, |x: u8, y: u8| x as u16
                    + y as u16))
            }
            Op::I32x4ExtAddPairwiseI16x8S { dst, src } => {
                un!(dst, src, |v| pairwise(v, |x: i16, y: i16| x as i32
                    + y as i32))
            }
            Op::I32x4ExtAddPairwiseI16x8U { dst, src } => {
                un!(dst, src, |v| pairwise(v, |x: u16, y: u16| x as u32
                    + y as u32))
            }
            Op::I16x8ExtendLowI8x16S { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: i8| x as i16))
            }
            Op::I16x8ExtendHighI8x16S { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: i8| x as i16))
            }
            Op::I16x8ExtendLowI8x16U { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: u8| x as u16))
            }
            Op::I16x8ExtendHighI8x16U { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: u8| x as u16))
            }
            Op::I32x4ExtendLowI16x8S { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: i16| x as i32))
            }
            Op::I32x4ExtendHighI16x8S { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: i16| x as i32))
            }
            Op::I32x4ExtendLowI16x8U { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: u16| x as u32))
            }
            Op::I32x4ExtendHighI16x8U { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: u16| x as u32))
            }
            Op::I64x2ExtendLowI32x4S { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: i32| x as i64))
            }
            Op::I64x2ExtendHighI32x4S { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: i32| x as i64))
            }
            Op::I64x2ExtendLowI32x4U { dst, src } => {
                un!(dst, src, |v| widen(v, false, |x: u32| x as u64))
            }
            Op::I64x2ExtendHighI32x4U { dst, src } => {
                un!(dst, src, |v| widen(v, true, |x: u32| x as u64))
            }

            Op::F32x4Ceil { dst, src } => un!(dst, src, |v| fast::f32x4_ceil(v)),
            Op::F32x4Floor { dst, src } => un!(dst, src, |v| fast::f32x4_floor(v)),
            Op::F32x4Trunc { dst, src } => un!(dst, src, |v| fast::f32x4_trunc(v)),
            Op::F32x4Nearest { dst, src } => un!(dst, src, |v| fast::f32x4_nearest(v)),
            Op::F32x4Abs { dst, src } => un!(dst, src, |v| v & !SIGNS32),
            Op::F32x4Neg { dst, src } => un!(dst, src, |v| v ^ SIGNS32),
            Op::F32x4Sqrt { dst, src } => un!(dst, src, |v| fast::f32x4_sqrt(v)),
            Op::F64x2Ceil { dst, src } => un!(dst, src, |v| fast::f64x2_ceil(v)),
            Op::F64x2Floor { dst, src } => un!(dst, src, |v| fast::f64x2_floor(v)),
            Op::F64x2Trunc { dst, src } => un!(dst, src, |v| fast::f64x2_trunc(v)),
            Op::F64x2Nearest { dst, src } => un!(dst, src, |v| fast::f64x2_nearest(v)),
            Op::F64x2Abs { dst, src } => un!(dst, src, |v| v & !SIGNS64),
            Op::F64x2Neg { dst, src } => un!(dst, src, |v| v ^ SIGNS64),
            Op::F64x2Sqrt { dst, src } => un!(dst, src, |v| fast::f64x2_sqrt(v)),

            Op::I32x4TruncSatF32x4S { dst, src } => {
                un!(dst, src, |v| fast::i32x4_trunc_sat_f32x4_s(v))
            }
            Op::I32x4TruncSatF32x4U { dst, src } => {
                un!(dst, src, |v| fast::i32x4_trunc_sat_f32x4_u(v))
            }
            Op::F32x4ConvertI32x4S { dst, src } => {
                un!(dst, src, |v| fast::f32x4_convert_i32x4_s(v))
            }
            // Rust's int-to-float `as` rounds to nearest, ties to even, as wasm does.
            Op::F32x4ConvertI32x4U { dst, src } => {
                un!(dst, src, |v| convert(v, |x: u32| x as f32))
            }
            // Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.
            // The two results fill the low lanes; the high ones stay zero.
            Op::I32x4TruncSatF64x2SZero { dst, src } => {
                un!(dst, src, |v| convert(v, |x: f64| x as i32))
            }
            Op::I32x4TruncSatF64x2UZero { dst, src } => {
                un!(dst, src, |v| convert(v, |x: f64| x as u32))
            }
            Op::F64x2ConvertLowI32x4S { dst, src } => {
                un!(dst, src, |v| fast::f64x2_convert_low_i32x4_s(v))
            }
            Op::F64x2ConvertLowI32x4U { dst, src } => {
                un!(dst, src, |v| convert(v, |x: u32| x as f64))
            }
            Op::F32x4DemoteF64x2Zero { dst, src } => {
                un!(dst, src, |v| fast::f32x4_demote_f64x2_zero(v))
            }
            Op::F64x2PromoteLowF32x4 { dst, src } => {
                un!(dst, src, |v| fast::f64x2_promote_low_f32x4(v))
            }

            Op::I8x16Swizzle { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_swizzle(a, b))
            }
            Op::I8x16Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i8x16_eq(a, b)),
            Op::I8x16Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i8x16_eq(a, b)))
            }
            Op::I8x16LtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i8x16_gt_s(b, a)),
            Op::I8x16GtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i8x16_gt_s(a, b)),
            Op::I8x16LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i8x16_gt_s(a, b)))
            }
            Op::I8x16GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i8x16_gt_s(b, a)))
            }
            Op::I8x16LtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x < y))
            }
            Op::I8x16GtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x > y))
            }
            Op::I8x16LeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x <= y))
            }
            Op::I8x16GeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x >= y))
            }
            Op::I16x8Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_eq(a, b)),
            Op::I16x8Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i16x8_eq(a, b)))
            }
            Op::I16x8LtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_gt_s(b, a)),
            Op::I16x8GtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_gt_s(a, b)),
            Op::I16x8LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i16x8_gt_s(a, b)))
            }
            Op::I16x8GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i16x8_gt_s(b, a)))
            }
            Op::I16x8LtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x < y))
            }
            Op::I16x8GtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x > y))
            }
            Op::I16x8LeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x <= y))
            }
            Op::I16x8GeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x >= y))
            }
            Op::I32x4Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_eq(a, b)),
            Op::I32x4Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i32x4_eq(a, b)))
            }
            Op::I32x4LtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_gt_s(b, a)),
            Op::I32x4GtS { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_gt_s(a, b)),
            Op::I32x4LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i32x4_gt_s(a, b)))
            }
            Op::I32x4GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| not(fast::i32x4_gt_s(b, a)))
            }
            Op::I32x4LtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x < y))
            }
            Op::I32x4GtU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x > y))
            }
            Op::I32x4LeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x <= y))
            }
            Op::I32x4GeU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x >= y))
            }
            Op::I64x2Eq { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u64, y| x == y))
            }
            Op::I64x2Ne { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: u64, y| x != y))
            }
            Op::I64x2LtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x < y))
            }
            Op::I64x2GtS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x > y))
            }
            Op::I64x2LeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x <= y))
            }
            Op::I64x2GeS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x >= y))
            }
            Op::F32x4Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_eq(a, b)),
            Op::F32x4Ne { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_ne(a, b)),
            Op::F32x4Lt { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_lt(a, b)),
            Op::F32x4Gt { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_lt(b, a)),
            Op::F32x4Le { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_le(a, b)),
            Op::F32x4Ge { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_le(b, a)),
            Op::F64x2Eq { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_eq(a, b)),
            Op::F64x2Ne { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_ne(a, b)),
            Op::F64x2Lt { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_lt(a, b)),
            Op::F64x2Gt { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_lt(b, a)),
            Op::F64x2Le { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_le(a, b)),
            Op::F64x2Ge { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_le(b, a)),

            Op::V128And { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::v128_and(a, b)),
            Op::V128AndNot { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::v128_andnot(a, b))
            }
            Op::V128Or { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::v128_or(a, b)),
            Op::V128Xor { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::v128_xor(a, b)),

            Op::I8x16NarrowI16x8S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_narrow_i16x8_s(a, b))
            }
            Op::I8x16NarrowI16x8U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_narrow_i16x8_u(a, b))
            }
            Op::I16x8NarrowI32x4S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_narrow_i32x4_s(a, b))
            }
            Op::I16x8NarrowI32x4U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_narrow_i32x4_u(a, b))
            }

            Op::I8x16Shl { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 8, |v, c| map(v, |x: u8| x << c))
            }
            Op::I8x16ShrS { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 8, |v, c| map(v, |x: i8| x >> c))
            }
            Op::I8x16ShrU { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 8, |v, c| map(v, |x: u8| x >> c))
            }
            Op::I16x8Shl { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 16, |v, c| fast::i16x8_shl(v, c))
            }
            Op::I16x8ShrS { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 16, |v, c| fast::i16x8_shr_s(v, c))
            }
            Op::I16x8ShrU { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 16, |v, c| fast::i16x8_shr_u(v, c))
            }
            Op::I32x4Shl { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 32, |v, c| fast::i32x4_shl(v, c))
            }
            Op::I32x4ShrS { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 32, |v, c| fast::i32x4_shr_s(v, c))
            }
            Op::I32x4ShrU { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 32, |v, c| fast::i32x4_shr_u(v, c))
            }
            Op::I64x2Shl { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 64, |v, c| fast::i64x2_shl(v, c))
            }
            Op::I64x2ShrS { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 64, |v, c| map(v, |x: i64| x >> c))
            }
            Op::I64x2ShrU { dst, lhs, rhs } => {
                shift!(dst, lhs, rhs, 64, |v, c| fast::i64x2_shr_u(v, c))
            }

            Op::I8x16Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i8x16_add(a, b)),
            Op::I8x16AddSatS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_add_sat_s(a, b))
            }
            Op::I8x16AddSatU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_add_sat_u(a, b))
            }
            Op::I8x16Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i8x16_sub(a, b)),
            Op::I8x16SubSatS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_sub_sat_s(a, b))
            }
            Op::I8x16SubSatU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_sub_sat_u(a, b))
            }
            Op::I8x16MinS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_min_s(a, b))
            }
            Op::I8x16MinU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_min_u(a, b))
            }
            Op::I8x16MaxS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_max_s(a, b))
            }
            Op::I8x16MaxU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_max_u(a, b))
            }
            Op::I8x16AvgrU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i8x16_avgr_u(a, b))
            }
            Op::I16x8Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_add(a, b)),
            Op::I16x8AddSatS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_add_sat_s(a, b))
            }
            Op::I16x8AddSatU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_add_sat_u(a, b))
            }
            Op::I16x8Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_sub(a, b)),
            Op::I16x8SubSatS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_sub_sat_s(a, b))
            }
            Op::I16x8SubSatU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_sub_sat_u(a, b))
            }
            Op::I16x8Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i16x8_mul(a, b)),
            Op::I16x8MinS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_min_s(a, b))
            }
            Op::I16x8MinU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_min_u(a, b))
            }
            Op::I16x8MaxS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_max_s(a, b))
            }
            Op::I16x8MaxU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_max_u(a, b))
            }
            Op::I16x8AvgrU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i16x8_avgr_u(a, b))
            }
            Op::I16x8Q15MulrSatS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| lanes::i16x8_q15mulr_sat_s(a, b))
            }
            Op::I32x4Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_add(a, b)),
            Op::I32x4Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_sub(a, b)),
            Op::I32x4Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i32x4_mul(a, b)),
            Op::I32x4MinS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i32x4_min_s(a, b))
            }
            Op::I32x4MinU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i32x4_min_u(a, b))
            }
            Op::I32x4MaxS { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i32x4_max_s(a, b))
            }
            Op::I32x4MaxU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i32x4_max_u(a, b))
            }
            Op::I32x4DotI16x8S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::i32x4_dot_i16x8_s(a, b))
            }
            Op::I64x2Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i64x2_add(a, b)),
            Op::I64x2Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i64x2_sub(a, b)),
            Op::I64x2Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::i64x2_mul(a, b)),

            // Products of narrow lanes always fit the wide ones.
            Op::I16x8ExtMulLowI8x16S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(a, b, false, |x: i8, y: i8| x
                    as i16
                    * y as i16))
            }
            Op::I16x8ExtMulHighI8x16S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(a, b, true, |x: i8, y: i8| x
                    as i16
                    * y as i16))
            }
            Op::I16x8ExtMulLowI8x16U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(a, b, false, |x: u8, y: u8| x
                    as u16
                    * y as u16))
            }
            Op::I16x8ExtMulHighI8x16U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(a, b, true, |x: u8, y: u8| x
                    as u16
                    * y as u16))
            }
            Op::I32x4ExtMulLowI16x8S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: i16, y: i16| x as i32 * y as i32
                ))
            }
            Op::I32x4ExtMulHighI16x8S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: i16, y: i16| x as i32 * y as i32
                ))
            }
            Op::I32x4ExtMulLowI16x8U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: u16, y: u16| x as u32 * y as u32
                ))
            }
            Op::I32x4ExtMulHighI16x8U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: u16, y: u16| x as u32 * y as u32
                ))
            }
            Op::I64x2ExtMulLowI32x4S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: i32, y: i32| x as i64 * y as i64
                ))
            }
            Op::I64x2ExtMulHighI32x4S { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: i32, y: i32| x as i64 * y as i64
                ))
            }
            Op::I64x2ExtMulLowI32x4U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: u32, y: u32| x as u64 * y as u64
                ))
            }
            Op::I64x2ExtMulHighI32x4U { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: u32, y: u32| x as u64 * y as u64
                ))
            }

            Op::F32x4Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_add(a, b)),
            Op::F32x4Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_sub(a, b)),
            Op::F32x4Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_mul(a, b)),
            Op::F32x4Div { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_div(a, b)),
            Op::F32x4Min { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_min(a, b)),
            Op::F32x4Max { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f32x4_max(a, b)),
            Op::F32x4PMin { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::f32x4_pmin(a, b))
            }
            Op::F32x4PMax { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::f32x4_pmax(a, b))
            }
            Op::F64x2Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_add(a, b)),
            Op::F64x2Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_sub(a, b)),
            Op::F64x2Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_mul(a, b)),
            Op::F64x2Div { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_div(a, b)),
            Op::F64x2Min { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_min(a, b)),
            Op::F64x2Max { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a, b| fast::f64x2_max(a, b)),
            Op::F64x2PMin { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::f64x2_pmin(a, b))
            }
            Op::F64x2PMax { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a, b| fast::f64x2_pmax(a, b))
            }

            Op::V128Load { dst, addr, offset } => {
                let bytes = self.load::<16>(addr, offset)?;
                self.set_v128(dst, u128::from_le_bytes(bytes));
            }
            Op::V128Load8x8S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i8| x as i16));
            }
            Op::V128Load8x8U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u8| x as u16));
            }
            Op::V128Load16x4S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i16| x as i32));
            }
            Op::V128Load16x4U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u16| x as u32));
            }
            Op::V128Load32x2S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i32| x as i64));
            }
            Op::V128Load32x2U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u32| x as u64));
            }
            Op::V128Load8Splat { dst, addr, offset } => {
                let x = u8::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load16Splat { dst, addr, offset } => {
                let x = u16::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load32Splat { dst, addr, offset } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load64Splat { dst, addr, offset } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load32Zero { dst, addr, offset } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, x as u128);
            }
            Op::V128Load64Zero { dst, addr, offset } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, x as u128);
            }
            Op::V128Store { addr, src, offset } => {
                self.store(addr, offset, self.v128(src).to_le_bytes())?
            }

            Op::I8x16ExtractLaneS { dst, src, lane } => {
                let x = extract::<i8>(self.v128(src), lane);
                self.set(dst, x as i32 as u32 as u64);
            }
            Op::I8x16ExtractLaneU { dst, src, lane } => {
                let x = extract::<u8>(self.v128(src), lane);
                self.set(dst, x as u64);
            }
            Op::I16x8ExtractLaneS { dst, src, lane } => {
                let x = extract::<i16>(self.v128(src), lane);
                self.set(dst, x as i32 as u32 as u64);
            }
            Op::I16x8ExtractLaneU { dst, src, lane } => {
                let x = extract::<u16>(self.v128(src), lane);
                self.set(dst, x as u64);
            }
            Op::I32x4ExtractLane { dst, src, lane } | Op::F32x4ExtractLane { dst, src, lane } => {
                let x = extract::<u32>(self.v128(src), lane);
                self.set(dst, x as u64);
            }
            Op::I64x2ExtractLane { dst, src, lane } | Op::F64x2ExtractLane { dst, src, lane } => {
                let x = extract::<u64>(self.v128(src), lane);
                self.set(dst, x);
            }
            Op::I8x16ReplaceLane {
                dst,
                src,
                value,
                lane,
            } => {
                let v = replace(self.v128(src), lane, self.get(value) as u8);
                self.set_v128(dst, v);
            }
            Op::I16x8ReplaceLane {
                dst,
                src,
                value,
                lane,
            } => {
                let v = replace(self.v128(src), lane, self.get(value) as u16);
                self.set_v128(dst, v);
            }
            Op::I32x4ReplaceLane {
                dst,
                src,
                value,
                lane,
            }
            | Op::F32x4ReplaceLane {
                dst,
                src,
                value,
                lane,
            } => {
                let v = replace(self.v128(src), lane, self.get(value) as u32);
                self.set_v128(dst, v);
            }
            Op::I64x2ReplaceLane {
                dst,
                src,
                value,
                lane,
            }
            | Op::F64x2ReplaceLane {
                dst,
                src,
                value,
                lane,
            } => {
                let v = replace(self.v128(src), lane, self.get(value));
                self.set_v128(dst, v);
            }

            Op::V128Load8Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u8::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load16Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u16::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load32Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load64Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Store8Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u8>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store16Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u16>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store32Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u32>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store64Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u64>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }

            Op::V128Const { dst, index } => self.set_v128(dst, self.pool(index)),
            Op::I8x16Shuffle {
                dst,
                lhs,
                rhs,
                index,
            } => {
                let v = lanes::i8x16_shuffle(self.v128(lhs), self.v128(rhs), self.pool(index));
                self.set_v128(dst, v);
            }
            Op::V128Bitselect {
                dst,
                lhs,
                rhs,
                mask,
            } => {
                let v = fast::v128_bitselect(self.v128(lhs), self.v128(rhs), self.v128(mask));
                self.set_v128(dst, v);
            }
            other => unreachable!("op {} is not a SIMD op", other.name()),
        }
        Ok(())
    }
}

/// The sign bits of the four `f32` lanes.
const SIGNS32: u128 = 0x8000_0000_8000_0000_8000_0000_8000_0000;
/// The sign bits of the two `f64` lanes.
const SIGNS64: u128 = 0x8000_0000_0000_0000_8000_0000_0000_0000;
