//! SIMD lane comparisons: each result lane is all ones when the comparison holds,
//! zero otherwise.

use super::fast;
use super::lanes::cmp;
use crate::exec::Executor;
use crate::ir::Op;

impl Executor {
    /// Executes `op` if it is a lane comparison; false otherwise.
    ///
    /// Integer comparisons without an instruction of their own derive from those with
    /// one: `a < b` is `b > a`, `a <= b` is `!(a > b)`, `a != b` is `!(a == b)`. Float
    /// comparisons do not (with a NaN, `!(a > b)` is not `a <= b`).
    #[inline(always)]
    pub(super) fn simd_compare(&mut self, op: Op) -> bool {
        use fast::v128_not as not;
        match op {
            Op::I8x16Eq { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_eq(a, b)),
            Op::I8x16Ne { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i8x16_eq(a, b)))
            }
            Op::I8x16LtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_gt_s(b, a))
            }
            Op::I8x16GtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_gt_s(a, b))
            }
            Op::I8x16LeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i8x16_gt_s(a, b)))
            }
            Op::I8x16GeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i8x16_gt_s(b, a)))
            }
            Op::I8x16LtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x < y))
            }
            Op::I8x16GtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x > y))
            }
            Op::I8x16LeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x <= y))
            }
            Op::I8x16GeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u8, y| x >= y))
            }
            Op::I16x8Eq { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_eq(a, b)),
            Op::I16x8Ne { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i16x8_eq(a, b)))
            }
            Op::I16x8LtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_gt_s(b, a))
            }
            Op::I16x8GtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i16x8_gt_s(a, b))
            }
            Op::I16x8LeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i16x8_gt_s(a, b)))
            }
            Op::I16x8GeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i16x8_gt_s(b, a)))
            }
            Op::I16x8LtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x < y))
            }
            Op::I16x8GtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x > y))
            }
            Op::I16x8LeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x <= y))
            }
            Op::I16x8GeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u16, y| x >= y))
            }
            Op::I32x4Eq { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_eq(a, b)),
            Op::I32x4Ne { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i32x4_eq(a, b)))
            }
            Op::I32x4LtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_gt_s(b, a))
            }
            Op::I32x4GtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i32x4_gt_s(a, b))
            }
            Op::I32x4LeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i32x4_gt_s(a, b)))
            }
            Op::I32x4GeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| not(fast::i32x4_gt_s(b, a)))
            }
            Op::I32x4LtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x < y))
            }
            Op::I32x4GtU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x > y))
            }
            Op::I32x4LeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x <= y))
            }
            Op::I32x4GeU { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u32, y| x >= y))
            }
            Op::I64x2Eq { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u64, y| x == y))
            }
            Op::I64x2Ne { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: u64, y| x != y))
            }
            Op::I64x2LtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x < y))
            }
            Op::I64x2GtS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x > y))
            }
            Op::I64x2LeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x <= y))
            }
            Op::I64x2GeS { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| cmp(a, b, |x: i64, y| x >= y))
            }
            Op::F32x4Eq { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_eq(a, b)),
            Op::F32x4Ne { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_ne(a, b)),
            Op::F32x4Lt { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_lt(a, b)),
            Op::F32x4Gt { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_lt(b, a)),
            Op::F32x4Le { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_le(a, b)),
            Op::F32x4Ge { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_le(b, a)),
            Op::F64x2Eq { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_eq(a, b)),
            Op::F64x2Ne { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_ne(a, b)),
            Op::F64x2Lt { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_lt(a, b)),
            Op::F64x2Gt { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_lt(b, a)),
            Op::F64x2Le { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_le(a, b)),
            Op::F64x2Ge { dst, lhs, rhs } => bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_le(b, a)),
            _ => return false,
        }
        true
    }
}
