//! SIMD conversions between lane types: float/int conversions, narrowing, and the
//! widening ops (extends, pairwise sums and products into wider lanes).

use super::fast;
use super::lanes::{convert, pairwise, widen, widen2};
use crate::exec::Executor;
use crate::ir::Op;

impl Executor {
    /// Executes `op` if it converts between floats and integers, or narrows lanes;
    /// false otherwise.
    #[inline(always)]
    pub(super) fn simd_convert(&mut self, op: Op) -> bool {
        match op {
            Op::I32x4TruncSatF32x4S { dst, src } => {
                un!(self, dst, src, |v| fast::i32x4_trunc_sat_f32x4_s(v))
            }
            Op::I32x4TruncSatF32x4U { dst, src } => {
                un!(self, dst, src, |v| fast::i32x4_trunc_sat_f32x4_u(v))
            }
            Op::F32x4ConvertI32x4S { dst, src } => {
                un!(self, dst, src, |v| fast::f32x4_convert_i32x4_s(v))
            }
            // Rust's int-to-float `as` rounds to nearest, ties to even, as wasm does.
            Op::F32x4ConvertI32x4U { dst, src } => {
                un!(self, dst, src, |v| convert(v, |x: u32| x as f32))
            }
            // Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.
            // The two results fill the low lanes; the high ones stay zero.
            Op::I32x4TruncSatF64x2SZero { dst, src } => {
                un!(self, dst, src, |v| convert(v, |x: f64| x as i32))
            }
            Op::I32x4TruncSatF64x2UZero { dst, src } => {
                un!(self, dst, src, |v| convert(v, |x: f64| x as u32))
            }
            Op::F64x2ConvertLowI32x4S { dst, src } => {
                un!(self, dst, src, |v| fast::f64x2_convert_low_i32x4_s(v))
            }
            Op::F64x2ConvertLowI32x4U { dst, src } => {
                un!(self, dst, src, |v| convert(v, |x: u32| x as f64))
            }
            Op::F32x4DemoteF64x2Zero { dst, src } => {
                un!(self, dst, src, |v| fast::f32x4_demote_f64x2_zero(v))
            }
            Op::F64x2PromoteLowF32x4 { dst, src } => {
                un!(self, dst, src, |v| fast::f64x2_promote_low_f32x4(v))
            }

            Op::I8x16NarrowI16x8S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_narrow_i16x8_s(a, b))
            }
            Op::I8x16NarrowI16x8U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_narrow_i16x8_u(a, b))
            }
            Op::I16x8NarrowI32x4S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_narrow_i32x4_s(a, b))
            }
            Op::I16x8NarrowI32x4U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_narrow_i32x4_u(a, b))
            }
            _ => return false,
        }
        true
    }

    /// Executes `op` if it extends lanes or sums them pairwise into wider lanes; false
    /// otherwise.
    #[inline(always)]
    pub(super) fn simd_extend(&mut self, op: Op) -> bool {
        match op {
            Op::I16x8ExtendLowI8x16S { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: i8| x as i16))
            }
            Op::I16x8ExtendHighI8x16S { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: i8| x as i16))
            }
            Op::I16x8ExtendLowI8x16U { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: u8| x as u16))
            }
            Op::I16x8ExtendHighI8x16U { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: u8| x as u16))
            }
            Op::I32x4ExtendLowI16x8S { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: i16| x as i32))
            }
            Op::I32x4ExtendHighI16x8S { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: i16| x as i32))
            }
            Op::I32x4ExtendLowI16x8U { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: u16| x as u32))
            }
            Op::I32x4ExtendHighI16x8U { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: u16| x as u32))
            }
            Op::I64x2ExtendLowI32x4S { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: i32| x as i64))
            }
            Op::I64x2ExtendHighI32x4S { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: i32| x as i64))
            }
            Op::I64x2ExtendLowI32x4U { dst, src } => {
                un!(self, dst, src, |v| widen(v, false, |x: u32| x as u64))
            }
            Op::I64x2ExtendHighI32x4U { dst, src } => {
                un!(self, dst, src, |v| widen(v, true, |x: u32| x as u64))
            }

            Op::I16x8ExtAddPairwiseI8x16S { dst, src } => {
                un!(self, dst, src, |v| pairwise(v, |x: i8, y: i8| x as i16
                    + y as i16))
            }
            Op::I16x8ExtAddPairwiseI8x16U { dst, src } => {
                un!(self, dst, src, |v| pairwise(v, |x: u8, y: u8| x as u16
                    + y as u16))
            }
            Op::I32x4ExtAddPairwiseI16x8S { dst, src } => {
                un!(self, dst, src, |v| pairwise(v, |x: i16, y: i16| x as i32
                    + y as i32))
            }
            Op::I32x4ExtAddPairwiseI16x8U { dst, src } => {
                un!(self, dst, src, |v| pairwise(v, |x: u16, y: u16| x as u32
                    + y as u32))
            }

            _ => return false,
        }
        true
    }

    /// Executes `op` if it multiplies lanes into wider lanes; false otherwise.
    #[inline(always)]
    pub(super) fn simd_extmul(&mut self, op: Op) -> bool {
        match op {
            // Products of narrow lanes always fit the wide ones.
            Op::I16x8ExtMulLowI8x16S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: i8, y: i8| x as i16 * y as i16
                ))
            }
            Op::I16x8ExtMulHighI8x16S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: i8, y: i8| x as i16 * y as i16
                ))
            }
            Op::I16x8ExtMulLowI8x16U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: u8, y: u8| x as u16 * y as u16
                ))
            }
            Op::I16x8ExtMulHighI8x16U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: u8, y: u8| x as u16 * y as u16
                ))
            }
            Op::I32x4ExtMulLowI16x8S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: i16, y: i16| x as i32 * y as i32
                ))
            }
            Op::I32x4ExtMulHighI16x8S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: i16, y: i16| x as i32 * y as i32
                ))
            }
            Op::I32x4ExtMulLowI16x8U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: u16, y: u16| x as u32 * y as u32
                ))
            }
            Op::I32x4ExtMulHighI16x8U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: u16, y: u16| x as u32 * y as u32
                ))
            }
            Op::I64x2ExtMulLowI32x4S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: i32, y: i32| x as i64 * y as i64
                ))
            }
            Op::I64x2ExtMulHighI32x4S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: i32, y: i32| x as i64 * y as i64
                ))
            }
            Op::I64x2ExtMulLowI32x4U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    false,
                    |x: u32, y: u32| x as u64 * y as u64
                ))
            }
            Op::I64x2ExtMulHighI32x4U { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| widen2(
                    a,
                    b,
                    true,
                    |x: u32, y: u32| x as u64 * y as u64
                ))
            }
            _ => return false,
        }
        true
    }
}
