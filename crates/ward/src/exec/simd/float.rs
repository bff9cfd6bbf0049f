//! SIMD float lane arithmetic and rounding.

use super::fast;
use crate::exec::Executor;
use crate::ir::Op;

/// The sign bits of the four `f32` lanes.
const SIGNS32: u128 = 0x8000_0000_8000_0000_8000_0000_8000_0000;
/// The sign bits of the two `f64` lanes.
const SIGNS64: u128 = 0x8000_0000_0000_0000_8000_0000_0000_0000;

impl Executor {
    /// Executes `op` if it is float lane arithmetic or rounding; false otherwise.
    #[inline(always)]
    pub(super) fn simd_float(&mut self, op: Op) -> bool {
        match op {
            Op::F32x4Ceil { dst, src } => un!(self, dst, src, |v| fast::f32x4_ceil(v)),
            Op::F32x4Floor { dst, src } => un!(self, dst, src, |v| fast::f32x4_floor(v)),
            Op::F32x4Trunc { dst, src } => un!(self, dst, src, |v| fast::f32x4_trunc(v)),
            Op::F32x4Nearest { dst, src } => un!(self, dst, src, |v| fast::f32x4_nearest(v)),
            Op::F32x4Abs { dst, src } => un!(self, dst, src, |v| v & !SIGNS32),
            Op::F32x4Neg { dst, src } => un!(self, dst, src, |v| v ^ SIGNS32),
            Op::F32x4Sqrt { dst, src } => un!(self, dst, src, |v| fast::f32x4_sqrt(v)),
            Op::F64x2Ceil { dst, src } => un!(self, dst, src, |v| fast::f64x2_ceil(v)),
            Op::F64x2Floor { dst, src } => un!(self, dst, src, |v| fast::f64x2_floor(v)),
            Op::F64x2Trunc { dst, src } => un!(self, dst, src, |v| fast::f64x2_trunc(v)),
            Op::F64x2Nearest { dst, src } => un!(self, dst, src, |v| fast::f64x2_nearest(v)),
            Op::F64x2Abs { dst, src } => un!(self, dst, src, |v| v & !SIGNS64),
            Op::F64x2Neg { dst, src } => un!(self, dst, src, |v| v ^ SIGNS64),
            Op::F64x2Sqrt { dst, src } => un!(self, dst, src, |v| fast::f64x2_sqrt(v)),

            Op::F32x4RelaxedMadd { dst, a, b, c } => {
                let v = fast::f32x4_mul(self.v128(a), self.v128(b));
                let v = fast::f32x4_add(v, self.v128(c));
                self.set_v128(dst, v);
            }
            Op::F32x4RelaxedNmadd { dst, a, b, c } => {
                let v = fast::f32x4_mul(self.v128(a), self.v128(b)) ^ SIGNS32;
                let v = fast::f32x4_add(v, self.v128(c));
                self.set_v128(dst, v);
            }
            Op::F64x2RelaxedMadd { dst, a, b, c } => {
                let v = fast::f64x2_mul(self.v128(a), self.v128(b));
                let v = fast::f64x2_add(v, self.v128(c));
                self.set_v128(dst, v);
            }
            Op::F64x2RelaxedNmadd { dst, a, b, c } => {
                let v = fast::f64x2_mul(self.v128(a), self.v128(b)) ^ SIGNS64;
                let v = fast::f64x2_add(v, self.v128(c));
                self.set_v128(dst, v);
            }
            Op::F32x4Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_add(a, b))
            }
            Op::F32x4Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_sub(a, b))
            }
            Op::F32x4Mul { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_mul(a, b))
            }
            Op::F32x4Div { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_div(a, b))
            }
            Op::F32x4Min { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_min(a, b))
            }
            Op::F32x4Max { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_max(a, b))
            }
            Op::F32x4PMin { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_pmin(a, b))
            }
            Op::F32x4PMax { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f32x4_pmax(a, b))
            }
            Op::F64x2Add { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_add(a, b))
            }
            Op::F64x2Sub { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_sub(a, b))
            }
            Op::F64x2Mul { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_mul(a, b))
            }
            Op::F64x2Div { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_div(a, b))
            }
            Op::F64x2Min { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_min(a, b))
            }
            Op::F64x2Max { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_max(a, b))
            }
            Op::F64x2PMin { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_pmin(a, b))
            }
            Op::F64x2PMax { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::f64x2_pmax(a, b))
            }
            _ => return false,
        }
        true
    }
}
