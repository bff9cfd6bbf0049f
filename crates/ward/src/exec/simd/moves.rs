//! SIMD ops that move lanes without computing with them: splats, constants, swizzles
//! and shuffles, lane extraction and replacement.

use super::fast;
use super::lanes::{self, extract, replace, splat};
use crate::exec::Executor;
use crate::ir::Op;

impl Executor {
    /// Executes `op` if it only moves lanes; false otherwise.
    #[inline(always)]
    pub(super) fn simd_moves(&mut self, op: Op) -> bool {
        match op {
            Op::I8x16Splat { dst, src } => self.set_v128(dst, splat(self.get(src) as u8)),
            Op::I16x8Splat { dst, src } => self.set_v128(dst, splat(self.get(src) as u16)),
            Op::I32x4Splat { dst, src } | Op::F32x4Splat { dst, src } => {
                self.set_v128(dst, splat(self.get(src) as u32))
            }
            Op::I64x2Splat { dst, src } | Op::F64x2Splat { dst, src } => {
                self.set_v128(dst, splat(self.get(src)))
            }

            Op::V128Const { dst, index } => self.set_v128(dst, self.pool(index)),
            Op::I8x16Swizzle { dst, lhs, rhs } => {
                bin!(self, dst, lhs, rhs, |a, b| fast::i8x16_swizzle(a, b))
            }
            Op::I8x16Shuffle {
                dst,
                lhs,
                rhs,
                index,
            } => {
                let v = lanes::i8x16_shuffle(self.v128(lhs), self.v128(rhs), self.pool(index));
                self.set_v128(dst, v);
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
            _ => return false,
        }
        true
    }
}
