//! SIMD integer lane arithmetic and shifts.

use super::fast;
use super::lanes::{self, map};
use crate::exec::Executor;
use crate::ir::Op;

impl Executor {
    /// Executes `op` if it is integer lane arithmetic (shifts aside); false otherwise.
    #[inline(always)]
    pub(super) fn simd_int(&mut self, op: Op) -> bool {
        match op {
            Op::I8x16Abs { dst, src } => un!(self, dst, src, |v| fast::i8x16_abs(v)),
            Op::I8x16Neg { dst, src } => un!(self, dst, src, |v| map(v, i8::wrapping_neg)),
            Op::I8x16Popcnt { dst, src } => {
                un!(self, dst, src, |v| map(v, |x: u8| x.count_ones() as u8))
            }
            Op::I16x8Abs { dst, src } => un!(self, dst, src, |v| fast::i16x8_abs(v)),
            Op::I16x8Neg { dst, src } => un!(self, dst, src, |v| map(v, i16::wrapping_neg)),
            Op::I32x4Abs { dst, src } => un!(self, dst, src, |v| fast::i32x4_abs(v)),
            Op::I32x4Neg { dst, src } => un!(self, dst, src, |v| map(v, i32::wrapping_neg)),
            Op::I64x2Abs { dst, src } => un!(self, dst, src, |v| map(v, i64::wrapping_abs)),
            Op::I64x2Neg { dst, src } => un!(self, dst, src, |v| map(v, i64::wrapping_neg)),

            Op::I8x16Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_add(a, b))
            }
            Op::I8x16AddSatS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_add_sat_s(a, b))
            }
            Op::I8x16AddSatU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_add_sat_u(a, b))
            }
            Op::I8x16Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_sub(a, b))
            }
            Op::I8x16SubSatS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_sub_sat_s(a, b))
            }
            Op::I8x16SubSatU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_sub_sat_u(a, b))
            }
            Op::I8x16MinS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_min_s(a, b))
            }
            Op::I8x16MinU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_min_u(a, b))
            }
            Op::I8x16MaxS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_max_s(a, b))
            }
            Op::I8x16MaxU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_max_u(a, b))
            }
            Op::I8x16AvgrU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_avgr_u(a, b))
            }
            Op::I16x8Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_add(a, b))
            }
            Op::I16x8AddSatS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_add_sat_s(a, b))
            }
            Op::I16x8AddSatU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_add_sat_u(a, b))
            }
            Op::I16x8Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_sub(a, b))
            }
            Op::I16x8SubSatS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_sub_sat_s(a, b))
            }
            Op::I16x8SubSatU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_sub_sat_u(a, b))
            }
            Op::I16x8Mul { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_mul(a, b))
            }
            Op::I16x8MinS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_min_s(a, b))
            }
            Op::I16x8MinU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_min_u(a, b))
            }
            Op::I16x8MaxS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_max_s(a, b))
            }
            Op::I16x8MaxU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_max_u(a, b))
            }
            Op::I16x8AvgrU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_avgr_u(a, b))
            }
            Op::I16x8Q15MulrSatS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| lanes::i16x8_q15mulr_sat_s(a, b))
            }
            Op::I32x4Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_add(a, b))
            }
            Op::I32x4Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_sub(a, b))
            }
            Op::I32x4Mul { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_mul(a, b))
            }
            Op::I32x4MinS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_min_s(a, b))
            }
            Op::I32x4MinU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_min_u(a, b))
            }
            Op::I32x4MaxS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_max_s(a, b))
            }
            Op::I32x4MaxU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_max_u(a, b))
            }
            Op::I16x8RelaxedDotI8x16I7x16S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| {
                    lanes::i16x8_relaxed_dot_i8x16_i7x16_s(a, b)
                })
            }
            Op::I32x4RelaxedDotI8x16I7x16AddS { dst, a, b, c } => {
                let v = lanes::i32x4_relaxed_dot_i8x16_i7x16_add_s(
                    self.v128(a),
                    self.v128(b),
                    self.v128(c),
                );
                self.set_v128(dst, v);
            }
            Op::I32x4DotI16x8S { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_dot_i16x8_s(a, b))
            }
            Op::I64x2Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i64x2_add(a, b))
            }
            Op::I64x2Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i64x2_sub(a, b))
            }
            Op::I64x2Mul { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i64x2_mul(a, b))
            }
            _ => return false,
        }
        true
    }

    /// Executes `op` if it is a lane shift; false otherwise.
    #[inline(always)]
    pub(super) fn simd_shift(&mut self, op: Op) -> bool {
        match op {
            Op::I8x16Shl { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 8, |v, c| map(v, |x: u8| x << c))
            }
            Op::I8x16ShrS { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 8, |v, c| map(v, |x: i8| x >> c))
            }
            Op::I8x16ShrU { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 8, |v, c| map(v, |x: u8| x >> c))
            }
            Op::I16x8Shl { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 16, |v, c| fast::i16x8_shl(v, c))
            }
            Op::I16x8ShrS { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 16, |v, c| fast::i16x8_shr_s(v, c))
            }
            Op::I16x8ShrU { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 16, |v, c| fast::i16x8_shr_u(v, c))
            }
            Op::I32x4Shl { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 32, |v, c| fast::i32x4_shl(v, c))
            }
            Op::I32x4ShrS { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 32, |v, c| fast::i32x4_shr_s(v, c))
            }
            Op::I32x4ShrU { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 32, |v, c| fast::i32x4_shr_u(v, c))
            }
            Op::I64x2Shl { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 64, |v, c| fast::i64x2_shl(v, c))
            }
            Op::I64x2ShrS { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 64, |v, c| map(v, |x: i64| x >> c))
            }
            Op::I64x2ShrU { dst, lhs, rhs } => {
                shift!(self, dst, lhs, rhs, 64, |v, c| fast::i64x2_shr_u(v, c))
            }
            _ => return false,
        }
        true
    }
}
