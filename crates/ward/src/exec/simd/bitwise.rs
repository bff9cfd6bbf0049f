//! Bitwise SIMD ops, and the ops that reduce a `v128` to an i32 truth value or bitmask.

use super::fast;
use super::fast::v128_not as not;
use super::lanes::all_true;
use crate::exec::Executor;
use crate::ir::Op;

impl Executor {
    /// Executes `op` if it is a bitwise op or a reduction to an i32; false otherwise.
    #[inline(always)]
    pub(super) fn simd_bitwise(&mut self, op: Op) -> bool {
        match op {
            Op::V128Not { dst, src } => un!(self, dst, src, |v| not(v)),
            Op::V128And { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::v128_and(a, b)),
            Op::V128AndNot { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::v128_andnot(a, b))
            }
            Op::V128Or { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::v128_or(a, b)),
            Op::V128Xor { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::v128_xor(a, b)),
            Op::V128Bitselect {
                dst,
                lhs,
                rhs,
                mask,
            } => {
                let v = fast::v128_bitselect(self.v128(lhs), self.v128(rhs), self.v128(mask));
                self.set_v128(dst, v);
            }

            Op::V128AnyTrue { dst, src } => test!(self, dst, src, |v| fast::v128_any_true(v)),
            Op::I8x16AllTrue { dst, src } => test!(self, dst, src, |v| all_true::<u8>(v)),
            Op::I16x8AllTrue { dst, src } => test!(self, dst, src, |v| all_true::<u16>(v)),
            Op::I32x4AllTrue { dst, src } => test!(self, dst, src, |v| all_true::<u32>(v)),
            Op::I64x2AllTrue { dst, src } => test!(self, dst, src, |v| all_true::<u64>(v)),
            Op::I8x16Bitmask { dst, src } => test!(self, dst, src, |v| fast::i8x16_bitmask(v)),
            Op::I16x8Bitmask { dst, src } => test!(self, dst, src, |v| fast::i16x8_bitmask(v)),
            Op::I32x4Bitmask { dst, src } => test!(self, dst, src, |v| fast::i32x4_bitmask(v)),
            Op::I64x2Bitmask { dst, src } => test!(self, dst, src, |v| fast::i64x2_bitmask(v)),
            _ => return false,
        }
        true
    }
}
