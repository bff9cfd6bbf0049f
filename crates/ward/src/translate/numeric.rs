//! The translation of the numeric operators: unary and binary, with their immediate
//! forms and the accumulator.

use wasmparser::Operator;

use super::{Loc, Translator};
use crate::ir::{binary_imm_op, binary_op, unary_op, AccMode, Op};
use crate::ValType;

impl Translator {
    /// Translates `op` if it is one of wide arithmetic's operators (two `i64` results);
    /// false otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn translate_wide(&mut self, op: &Operator<'_>) -> bool {
        let (make, operands): (fn(u32) -> Op, usize) = match op {
            Operator::I64Add128 => (|base| Op::I64Add128 { base }, 4),
            Operator::I64Sub128 => (|base| Op::I64Sub128 { base }, 4),
            Operator::I64MulWideS => (|base| Op::I64MulWideS { base }, 2),
            Operator::I64MulWideU => (|base| Op::I64MulWideU { base }, 2),
            _ => return false,
        };
        let base = self.pop_span(operands);
        self.emit(make(base));
        self.push_temp(ValType::I64);
        self.push_temp(ValType::I64);
        true
    }

    /// Translates `op` if it is a numeric (unary or binary) operator; false otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn translate_numeric(&mut self, op: &Operator<'_>) -> bool {
        if let Some(make) = binary_op(op) {
            if self.binary_with_immediate(op) {
                return true;
            }
            // The accumulator carries the first operand: a commutative op whose second
            // operand was just computed takes its operands the other way round.
            let swap = is_commutative(op) || is_float_commutative(op);
            let rhs_fresh = self.acc_source(0).filter(|_| swap);
            let rhs = self.pop_slot();
            let lhs_fresh = self.acc_source(0);
            let lhs = self.pop_slot();
            let dst = self.push_temp(binary_result(op));
            if rhs_fresh.is_some() {
                self.emit_result_reading(make(dst, rhs, lhs), dst, rhs_fresh);
            } else {
                self.emit_result_reading(make(dst, lhs, rhs), dst, lhs_fresh);
            }
            return true;
        }
        if let Some(make) = unary_op(op) {
            let fresh = self.acc_source(0);
            let src = self.pop_slot();
            let dst = self.push_temp(unary_result(op));
            self.emit_result_reading(make(dst, src), dst, fresh);
            return true;
        }
        false
    }

    /// Translates a binary operator with a constant operand to its immediate form when
    /// it has one and the constant fits: `x + 1` is one op reading one slot. Returns
    /// false (having changed nothing) otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn binary_with_immediate(&mut self, op: &Operator<'_>) -> bool {
        let Some(make) = binary_imm_op(op) else {
            return false;
        };
        let len = self.stack.len();
        let (lhs, rhs) = (self.stack[len - 2], self.stack[len - 1]);
        let wide = binary_result(op) == ValType::I64 || is_i64_compare(op);
        let fits = |value: u64| -> Option<u32> {
            if !wide {
                Some(value as u32)
            } else {
                i32::try_from(value as i64).ok().map(|v| v as u32)
            }
        };
        let (reg, imm) = match (lhs.loc, rhs.loc) {
            (_, Loc::Const(value)) => match fits(value) {
                Some(imm) => (None, imm),
                None => return false,
            },
            (Loc::Const(value), _) if is_commutative(op) => match fits(value) {
                Some(imm) => (Some(()), imm),
                None => return false,
            },
            _ => return false,
        };
        let (operand, fresh) = if reg.is_none() {
            self.pop();
            let fresh = self.acc_source(0);
            (self.pop_slot(), fresh)
        } else {
            let fresh = self.acc_source(0);
            let slot = self.pop_slot();
            self.pop();
            (slot, fresh)
        };
        let dst = self.push_temp(binary_result(op));
        let made = make(dst, operand, imm);
        if let Some((fused, acc_in)) = self.bit_field(&made, fresh) {
            let at = self.replace_last_op(fused, acc_in);
            self.set_last_result(at, dst);
            return true;
        }
        self.emit_result_reading(made, dst, fresh);
        true
    }

    /// `op`, an `i32.and` of a constant, fused with the `i32.shr_u` by a constant that
    /// computed its operand (`fresh`: the last op emitted), and whether that shift read
    /// its operand from the accumulator; `None` for anything else.
    fn bit_field(&self, op: &Op, fresh: Option<AccMode>) -> Option<(Op, bool)> {
        let Op::I32AndImm {
            dst,
            lhs,
            imm: mask,
        } = *op
        else {
            return None;
        };
        if fresh != Some(AccMode::OUT) {
            return None;
        }
        match self.ops.last() {
            Some(&Op::I32ShrUImm {
                dst: shifted,
                lhs: value,
                imm: shift,
            }) if shifted == lhs => {
                let acc_in = self.modes[self.ops.len() - 1].contains(AccMode::IN);
                let fused = Op::I32ShrUAndImm {
                    dst,
                    lhs: value,
                    shift,
                    mask,
                };
                Some((fused, acc_in))
            }
            _ => None,
        }
    }
}

/// Whether a float op gives `b op a` for `a op b`: up to the payload of a NaN result,
/// which WebAssembly leaves open (any arithmetic NaN).
#[cfg_attr(not(debug_assertions), inline(always))]
fn is_float_commutative(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        F32Add
            | F32Mul
            | F32Eq
            | F32Ne
            | F32Min
            | F32Max
            | F64Add
            | F64Mul
            | F64Eq
            | F64Ne
            | F64Min
            | F64Max
    )
}

/// Whether `a op b == b op a`.
#[cfg_attr(not(debug_assertions), inline(always))]
fn is_commutative(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        I32Add
            | I32Mul
            | I32And
            | I32Or
            | I32Xor
            | I32Eq
            | I32Ne
            | I64Add
            | I64Mul
            | I64And
            | I64Or
            | I64Xor
            | I64Eq
            | I64Ne
    )
}

/// Whether `op` compares two i64 values (its result is an i32).
#[cfg_attr(not(debug_assertions), inline(always))]
fn is_i64_compare(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU
    )
}

/// The result type of a binary numeric operator.
#[cfg_attr(not(debug_assertions), inline(always))]
fn binary_result(op: &Operator<'_>) -> ValType {
    use Operator::*;
    match op {
        I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU
        | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU
        | F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le
        | F64Ge => ValType::I32,
        I32Add | I32Sub | I32Mul | I32DivS | I32DivU | I32RemS | I32RemU | I32And | I32Or
        | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => ValType::I32,
        I64Add | I64Sub | I64Mul | I64DivS | I64DivU | I64RemS | I64RemU | I64And | I64Or
        | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => ValType::I64,
        F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign => ValType::F32,
        _ => ValType::F64,
    }
}

/// The result type of a unary numeric operator.
#[cfg_attr(not(debug_assertions), inline(always))]
fn unary_result(op: &Operator<'_>) -> ValType {
    use Operator::*;
    match op {
        I32Eqz | I64Eqz | I32Clz | I32Ctz | I32Popcnt | I32WrapI64 | I32TruncF32S
        | I32TruncF32U | I32TruncF64S | I32TruncF64U | I32TruncSatF32S | I32TruncSatF32U
        | I32TruncSatF64S | I32TruncSatF64U | I32Extend8S | I32Extend16S => ValType::I32,
        I64Clz | I64Ctz | I64Popcnt | I64ExtendI32S | I64ExtendI32U | I64TruncF32S
        | I64TruncF32U | I64TruncF64S | I64TruncF64U | I64TruncSatF32S | I64TruncSatF32U
        | I64TruncSatF64S | I64TruncSatF64U | I64Extend8S | I64Extend16S | I64Extend32S => {
            ValType::I64
        }
        F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F32ConvertI32S
        | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U | F32DemoteF64 => ValType::F32,
        _ => ValType::F64,
    }
}
