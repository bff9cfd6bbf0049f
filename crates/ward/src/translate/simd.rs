//! The translation of the SIMD (`v128`) operators.
//!
//! They follow the scalar scheme: operands are popped to slots, the result goes to the
//! canonical slot of the entry pushed. A `v128` entry spans two cells. `v128.const` is
//! never lazy: it is written at once from the function's constant pool, since a lazy
//! constant is one cell wide.

use wasmparser::Operator;

use super::Translator;
use crate::ir::{simd, Op};
use crate::ValType;

impl Translator {
    /// Translates `op` if it is a SIMD operator; false otherwise.
    pub(super) fn translate_simd(&mut self, op: &Operator<'_>) -> bool {
        if let Some(op) = relaxed_equivalent(op) {
            return self.translate_simd(&op);
        }
        if let Some(make) = simd::binary(op) {
            let rhs = self.pop_slot();
            let lhs = self.pop_slot();
            let dst = self.push_temp(ValType::V128);
            self.emit_result(make(dst, lhs, rhs), dst);
        } else if let Some(make) = simd::unary(op) {
            let src = self.pop_slot();
            let dst = self.push_temp(unary_result(op));
            self.emit_result(make(dst, src), dst);
        } else if let Some((make, memarg)) = simd::load(op) {
            let addr = self.pop_slot();
            let dst = self.push_temp(ValType::V128);
            self.emit_result(make(dst, addr, memarg.offset as u32), dst);
        } else if let Some((make, memarg)) = simd::store(op) {
            let src = self.pop_slot();
            let addr = self.pop_slot();
            self.emit(make(addr, src, memarg.offset as u32));
        } else if let Some((make, lane)) = simd::extract(op) {
            let src = self.pop_slot();
            let dst = self.push_temp(extract_result(op));
            self.emit_result(make(dst, src, lane), dst);
        } else if let Some((make, lane)) = simd::replace(op) {
            let value = self.pop_slot();
            let src = self.pop_slot();
            let dst = self.push_temp(ValType::V128);
            self.emit_result(make(dst, src, value, lane), dst);
        } else if let Some((make, memarg, lane)) = simd::load_lane(op) {
            let src = self.pop_slot();
            let addr = self.pop_slot();
            let dst = self.push_temp(ValType::V128);
            self.emit_result(make(dst, addr, src, memarg.offset as u32, lane), dst);
        } else if let Some((make, memarg, lane)) = simd::store_lane(op) {
            let src = self.pop_slot();
            let addr = self.pop_slot();
            self.emit(make(addr, src, memarg.offset as u32, lane));
        } else {
            match *op {
                Operator::V128Const { value } => {
                    let index = self.add_const(u128::from_le_bytes(*value.bytes()));
                    let dst = self.push_temp(ValType::V128);
                    self.emit_result(Op::V128Const { dst, index }, dst);
                }
                Operator::I8x16Shuffle { lanes } => {
                    let index = self.add_const(u128::from_le_bytes(lanes));
                    let rhs = self.pop_slot();
                    let lhs = self.pop_slot();
                    let dst = self.push_temp(ValType::V128);
                    self.emit_result(
                        Op::I8x16Shuffle {
                            dst,
                            lhs,
                            rhs,
                            index,
                        },
                        dst,
                    );
                }
                Operator::V128Bitselect => {
                    let mask = self.pop_slot();
                    let rhs = self.pop_slot();
                    let lhs = self.pop_slot();
                    let dst = self.push_temp(ValType::V128);
                    self.emit_result(
                        Op::V128Bitselect {
                            dst,
                            lhs,
                            rhs,
                            mask,
                        },
                        dst,
                    );
                }
                Operator::F32x4RelaxedMadd
                | Operator::F32x4RelaxedNmadd
                | Operator::F64x2RelaxedMadd
                | Operator::F64x2RelaxedNmadd
                | Operator::I32x4RelaxedDotI8x16I7x16AddS => {
                    let c = self.pop_slot();
                    let b = self.pop_slot();
                    let a = self.pop_slot();
                    let dst = self.push_temp(ValType::V128);
                    let op = match op {
                        Operator::F32x4RelaxedMadd => Op::F32x4RelaxedMadd { dst, a, b, c },
                        Operator::F32x4RelaxedNmadd => Op::F32x4RelaxedNmadd { dst, a, b, c },
                        Operator::F64x2RelaxedMadd => Op::F64x2RelaxedMadd { dst, a, b, c },
                        Operator::F64x2RelaxedNmadd => Op::F64x2RelaxedNmadd { dst, a, b, c },
                        _ => Op::I32x4RelaxedDotI8x16I7x16AddS { dst, a, b, c },
                    };
                    self.emit_result(op, dst);
                }
                _ => return false,
            }
        }
        true
    }

    /// Adds a constant to the function's pool; returns its index.
    fn add_const(&mut self, value: u128) -> u32 {
        let consts = &mut self.consts;
        let found = consts
            .iter()
            .take(CONST_DEDUP_WINDOW)
            .position(|&c| c == value);
        let index = found.unwrap_or_else(|| {
            consts.push(value);
            consts.len() - 1
        });
        index as u32
    }
}

/// How many of the pool's first constants are searched for a duplicate: enough for the
/// handful of masks and shuffles a function repeats, and a bound on the search whatever
/// the input.
const CONST_DEDUP_WINDOW: usize = 64;

/// The result type of a unary SIMD operator.
fn unary_result(op: &Operator<'_>) -> ValType {
    use Operator::*;
    match op {
        V128AnyTrue | I8x16AllTrue | I16x8AllTrue | I32x4AllTrue | I64x2AllTrue | I8x16Bitmask
        | I16x8Bitmask | I32x4Bitmask | I64x2Bitmask => ValType::I32,
        _ => ValType::V128,
    }
}

/// The result type of an `extract_lane` operator.
fn extract_result(op: &Operator<'_>) -> ValType {
    use Operator::*;
    match op {
        I64x2ExtractLane { .. } => ValType::I64,
        F32x4ExtractLane { .. } => ValType::F32,
        F64x2ExtractLane { .. } => ValType::F64,
        _ => ValType::I32,
    }
}

/// The operator of fixed semantics that relaxed SIMD operator `op` is, in both tiers
/// and on every machine: ward's one deterministic choice for each that has one (the
/// others, the fused multiply-adds and the dot products, have ops of their own).
/// `None` for any other operator.
///
/// - `relaxed_swizzle` is `swizzle` (an index above 15 selects 0);
/// - `relaxed_trunc` is the saturating `trunc_sat` (NaN gives 0);
/// - `relaxed_laneselect` is `bitselect` (every bit of the mask counts);
/// - `relaxed_min` and `relaxed_max` are `min` and `max` (NaN propagates, -0 < +0);
/// - `relaxed_q15mulr_s` is `q15mulr_sat_s` (saturating).
pub(crate) fn relaxed_equivalent(op: &Operator<'_>) -> Option<Operator<'static>> {
    Some(match op {
        Operator::I8x16RelaxedSwizzle => Operator::I8x16Swizzle,
        Operator::I32x4RelaxedTruncF32x4S => Operator::I32x4TruncSatF32x4S,
        Operator::I32x4RelaxedTruncF32x4U => Operator::I32x4TruncSatF32x4U,
        Operator::I32x4RelaxedTruncF64x2SZero => Operator::I32x4TruncSatF64x2SZero,
        Operator::I32x4RelaxedTruncF64x2UZero => Operator::I32x4TruncSatF64x2UZero,
        Operator::I8x16RelaxedLaneselect
        | Operator::I16x8RelaxedLaneselect
        | Operator::I32x4RelaxedLaneselect
        | Operator::I64x2RelaxedLaneselect => Operator::V128Bitselect,
        Operator::F32x4RelaxedMin => Operator::F32x4Min,
        Operator::F32x4RelaxedMax => Operator::F32x4Max,
        Operator::F64x2RelaxedMin => Operator::F64x2Min,
        Operator::F64x2RelaxedMax => Operator::F64x2Max,
        Operator::I16x8RelaxedQ15mulrS => Operator::I16x8Q15MulrSatS,
        _ => return None,
    })
}
