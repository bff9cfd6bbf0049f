//! The translation of each wasm operator.

use wasmparser::Operator;

use super::{Kind, Loc, Operand, Translator};
use crate::error::{Error, Result};
use crate::index::{DataIndex, ElemIndex, FuncIndex, GlobalIndex, TableIndex, TypeIndex};
use crate::ir::AccMode;
use crate::ir::{
    absolute_address, binary_imm_op, binary_op, fold_address, load_op, store_op, unary_op, Op, Slot,
};
use crate::module::ModuleInfo;
use crate::ValType;

impl Translator {
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn translate_op(&mut self, module: &ModuleInfo, op: &Operator<'_>) -> Result<()> {
        if self.skip_dead(op) {
            return Ok(());
        }
        self.charge();
        if let Some(make) = binary_op(op) {
            if self.binary_with_immediate(op) {
                return Ok(());
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
            return Ok(());
        }
        if let Some(make) = unary_op(op) {
            let fresh = self.acc_source(0);
            let src = self.pop_slot();
            let dst = self.push_temp(unary_result(op));
            self.emit_result_reading(make(dst, src), dst, fresh);
            return Ok(());
        }
        if let Some((make, ty, memarg)) = load(op) {
            let offset = memarg.offset as u32;
            if let Some(&Operand {
                loc: Loc::Const(addr),
                ..
            }) = self.stack.last()
            {
                self.pop();
                let dst = self.push_temp(ty);
                if let Some(absolute) = absolute_address(&make(dst, 0, offset), addr as u32) {
                    self.emit_result(absolute, dst);
                    return Ok(());
                }
                // No absolute form: the address goes through a slot after all.
                self.pop();
                self.push(ValType::I32, Loc::Const(addr));
            }
            let folded = self.address_sum(0).and_then(|(lhs, imm, acc_in)| {
                // The load's result takes the sum's slot: the height of the address.
                let dst = self.stack[self.stack.len() - 1].slot;
                fold_address(&make(dst, lhs, offset), lhs, imm).map(|op| (op, dst, acc_in))
            });
            if let Some((folded, dst, acc_in)) = folded {
                // The sum's operand may come through the accumulator: the load then reads
                // it there (the op before the sum sends it).
                self.drop_last_op();
                self.pop();
                let dst_again = self.push_temp(ty);
                debug_assert_eq!(dst, dst_again);
                let at = self.emit(folded);
                if acc_in {
                    self.set_acc_in(at);
                }
                self.set_last_result(at, dst);
                return Ok(());
            }
            let fresh = self.acc_source(0);
            let addr = self.pop_slot();
            let dst = self.push_temp(ty);
            self.emit_result_reading(make(dst, addr, offset), dst, fresh);
            return Ok(());
        }
        if let Some((make, memarg)) = store(op) {
            let offset = memarg.offset as u32;
            if let Some(store_imm) = self.store_immediate(op, offset) {
                self.emit(store_imm);
                return Ok(());
            }
            // A constant address: the store adds it to its offset itself.
            let len = self.stack.len();
            if let Loc::Const(addr) = self.stack[len - 2].loc {
                let src = self.pop_slot();
                let probe = make(0, src, offset);
                if let Some(absolute) = absolute_address(&probe, addr as u32) {
                    self.pop();
                    self.emit(absolute);
                    return Ok(());
                }
                let addr_slot = self.pop_slot();
                self.emit(make(addr_slot, src, offset));
                return Ok(());
            }
            // Stores do not read the accumulator: a sum that does stays.
            let sum = self.address_sum(1).filter(|&(_, _, acc_in)| !acc_in);
            if sum.is_some() {
                self.drop_last_op();
            }
            let src = self.pop_slot();
            let op = match sum {
                Some((lhs, imm, _)) => {
                    let addr = self.pop().slot;
                    match fold_address(&make(lhs, src, offset), lhs, imm) {
                        Some(folded) => folded,
                        None => {
                            // No folded form: compute the address after all.
                            self.emit(Op::I32AddImm {
                                dst: addr,
                                lhs,
                                imm,
                            });
                            make(addr, src, offset)
                        }
                    }
                }
                None => {
                    let addr = self.pop_slot();
                    make(addr, src, offset)
                }
            };
            self.emit(op);
            return Ok(());
        }
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.emit(Op::Unreachable {});
                self.dead = Some(0);
            }
            Operator::Block { blockty } => self.push_control(module, Kind::Block, blockty),
            Operator::Loop { blockty } => {
                self.push_control(module, Kind::Loop, blockty);
                self.bind_label(&[]);
                self.meter(true);
            }
            Operator::If { blockty } => {
                let cond = self.pop_condition();
                self.push_control(module, Kind::If, blockty);
                let at = self.emit_when_false(&cond);
                let last = self.ctrl.len() - 1;
                self.ctrl[last].else_fixup = Some(at);
            }
            Operator::Else => self.else_(),
            Operator::End => self.end(),
            Operator::Br { relative_depth } => {
                self.branch(relative_depth, None);
                self.dead = Some(0);
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop_condition();
                self.branch(relative_depth, Some(cond));
            }
            Operator::BrTable { ref targets } => self.br_table(targets)?,
            Operator::Return => {
                self.branch(self.ctrl.len() as u32 - 1, None);
                self.dead = Some(0);
            }
            Operator::Call { function_index } => {
                let function_index = FuncIndex::from_u32(function_index);
                let ty = module.func_type(function_index).clone();
                let base = self.pop_span(ty.params().len());
                self.emit(match module.defined_func(function_index) {
                    Some(func) => Op::CallInternal { func, base },
                    None => Op::Call {
                        func: function_index,
                        base,
                    },
                });
                for &r in ty.results() {
                    self.push_temp(r);
                }
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_slot();
                let type_index = TypeIndex::from_u32(type_index);
                let ty = module.types()[type_index].clone();
                let base = self.pop_span(ty.params().len());
                self.emit(Op::CallIndirect {
                    type_index,
                    table: TableIndex::from_u32(table_index),
                    index,
                    base,
                });
                for &r in ty.results() {
                    self.push_temp(r);
                }
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. } => {
                let cond = self.pop_slot();
                let other = self.pop();
                let other = self.read_slot(other);
                let len = self.stack.len();
                self.materialize(len - 1);
                self.lazy_locals.retain(|&p| p < len - 1);
                let first = self.stack[len - 1];
                self.emit(Op::Select {
                    dst: first.slot,
                    other,
                    cond,
                    cells: first.ty.cells(),
                });
            }
            Operator::LocalGet { local_index } => self.local_get(local_index),
            Operator::LocalSet { local_index } => self.local_set(local_index, false),
            Operator::LocalTee { local_index } => self.local_set(local_index, true),
            Operator::GlobalGet { global_index } => {
                // An immutable global the module defines with a constant is that
                // constant: it folds into immediates like any other.
                let global_index = GlobalIndex::from_u32(global_index);
                if let Some(value) = module.constant_global(global_index) {
                    let ty = module.globals()[global_index].content();
                    self.push(ty, Loc::Const(value));
                    return Ok(());
                }
                let ty = module.globals()[global_index].content();
                let dst = self.push_temp(ty);
                let global = global_index;
                if ty.cells() == 2 {
                    self.emit(Op::GlobalGet128 { dst, global });
                } else {
                    self.emit_result(Op::GlobalGet { dst, global }, dst);
                }
            }
            Operator::GlobalSet { global_index } => {
                let global_index = GlobalIndex::from_u32(global_index);
                let ty = module.globals()[global_index].content();
                let src = self.pop_slot();
                let global = global_index;
                self.emit(if ty.cells() == 2 {
                    Op::GlobalSet128 { src, global }
                } else {
                    Op::GlobalSet { src, global }
                });
            }
            Operator::I32Const { value } => {
                self.push(ValType::I32, Loc::Const(value as u32 as u64));
            }
            Operator::I64Const { value } => {
                self.push(ValType::I64, Loc::Const(value as u64));
            }
            Operator::F32Const { value } => {
                self.push(ValType::F32, Loc::Const(value.bits() as u64));
            }
            Operator::F64Const { value } => {
                self.push(ValType::F64, Loc::Const(value.bits()));
            }
            Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {
                // Same bits, another type: only the simulated stack changes.
                let last = self.stack.len() - 1;
                self.stack[last].ty = match op {
                    Operator::I32ReinterpretF32 => ValType::I32,
                    Operator::F32ReinterpretI32 => ValType::F32,
                    Operator::I64ReinterpretF64 => ValType::I64,
                    _ => ValType::F64,
                };
            }
            Operator::RefNull { hty } => {
                let ty = if matches!(
                    hty,
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Func,
                        ..
                    }
                ) {
                    ValType::FuncRef
                } else {
                    ValType::ExternRef
                };
                self.push(ty, Loc::Const(0));
            }
            Operator::RefIsNull => {
                // A null reference is the all-zero cell.
                let src = self.pop_slot();
                let dst = self.push_temp(ValType::I32);
                self.emit_result(Op::I64Eqz { dst, src }, dst);
            }
            Operator::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FuncRef);
                self.emit_result(
                    Op::RefFunc {
                        dst,
                        func: FuncIndex::from_u32(function_index),
                    },
                    dst,
                );
            }
            Operator::MemorySize { .. } => {
                let dst = self.push_temp(ValType::I32);
                self.emit_result(Op::MemorySize { dst }, dst);
            }
            Operator::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp(ValType::I32);
                self.emit_result(Op::MemoryGrow { dst, delta }, dst);
            }
            Operator::MemoryFill { .. } => {
                let base = self.pop_span(3);
                self.emit(Op::MemoryFill { base });
            }
            Operator::MemoryCopy { .. } => {
                let base = self.pop_span(3);
                self.emit(Op::MemoryCopy { base });
            }
            Operator::MemoryInit { data_index, .. } => {
                let base = self.pop_span(3);
                self.emit(Op::MemoryInit {
                    segment: DataIndex::from_u32(data_index),
                    base,
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: DataIndex::from_u32(data_index),
                });
            }
            Operator::TableGet { table } => {
                let table = TableIndex::from_u32(table);
                let index = self.pop_slot();
                let ty = module.tables()[table].element();
                let dst = self.push_temp(ty);
                self.emit_result(Op::TableGet { dst, table, index }, dst);
            }
            Operator::TableSet { table } => {
                let table = TableIndex::from_u32(table);
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Op::TableSet {
                    table,
                    index,
                    value,
                });
            }
            Operator::TableSize { table } => {
                let table = TableIndex::from_u32(table);
                let dst = self.push_temp(ValType::I32);
                self.emit_result(Op::TableSize { dst, table }, dst);
            }
            Operator::TableGrow { table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(2);
                self.emit(Op::TableGrow { table, base });
                self.push_temp(ValType::I32);
            }
            Operator::TableFill { table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(3);
                self.emit(Op::TableFill { table, base });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst_table, src_table) = (
                    TableIndex::from_u32(dst_table),
                    TableIndex::from_u32(src_table),
                );
                let base = self.pop_span(3);
                self.emit(Op::TableCopy {
                    dst_table,
                    src_table,
                    base,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(3);
                self.emit(Op::TableInit {
                    segment: ElemIndex::from_u32(elem_index),
                    table,
                    base,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: ElemIndex::from_u32(elem_index),
                });
            }
            ref other if self.translate_simd(other) => {}
            ref other => {
                return Err(Error::Compile {
                    message: format!("unsupported operator: {other:?}"),
                    offset: self.offset as usize,
                })
            }
        }
        Ok(())
    }
}

impl Translator {
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
        self.emit_result_reading(make(dst, operand, imm), dst, fresh);
        true
    }
}

impl Translator {
    /// When the entry `depth` below the top of the stack is the fresh result of the last
    /// op, an `i32.add` of a constant, that op's operand slot and constant: a load or
    /// store using the sum as its address can add them itself, once the op is dropped
    /// ([`Translator::drop_last_op`]).
    fn address_sum(&self, depth: usize) -> Option<(Slot, u32, bool)> {
        if !self.is_fresh(depth) {
            return None;
        }
        let entry = self.stack[self.stack.len() - 1 - depth];
        match self.ops.last() {
            Some(&Op::I32AddImm { dst, lhs, imm }) if dst == entry.slot => {
                let acc_in = self.modes[self.ops.len() - 1].contains(AccMode::IN);
                Some((lhs, imm, acc_in))
            }
            _ => None,
        }
    }

    /// Drops the last op emitted (its result is computed by the op that replaces it).
    fn drop_last_op(&mut self) {
        self.ops.pop();
        self.modes.pop();
        self.offsets.pop();
        self.last_result = None;
    }

    /// A store of a constant as one op with the value inline, when it fits (an i64 store
    /// needs a constant that sign-extends from 32 bits); pops both operands then.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn store_immediate(&mut self, op: &Operator<'_>, offset: u32) -> Option<Op> {
        let Loc::Const(value) = self.stack.last()?.loc else {
            return None;
        };
        let make: fn(u32, u32, u32) -> Op = match op {
            Operator::I32Store { .. } | Operator::F32Store { .. } | Operator::I64Store32 { .. } => {
                |addr, value, offset| Op::I32StoreImm {
                    addr,
                    value,
                    offset,
                }
            }
            Operator::I32Store8 { .. } | Operator::I64Store8 { .. } => {
                |addr, value, offset| Op::I32Store8Imm {
                    addr,
                    value,
                    offset,
                }
            }
            Operator::I32Store16 { .. } | Operator::I64Store16 { .. } => {
                |addr, value, offset| Op::I32Store16Imm {
                    addr,
                    value,
                    offset,
                }
            }
            Operator::I64Store { .. } | Operator::F64Store { .. } => {
                if i32::try_from(value as i64).is_err() {
                    return None;
                }
                |addr, value, offset| Op::I64StoreImm {
                    addr,
                    value,
                    offset,
                }
            }
            _ => return None,
        };
        self.pop();
        if let Some(&Operand {
            loc: Loc::Const(addr),
            ..
        }) = self.stack.last()
        {
            if let Some(absolute) = absolute_address(&make(0, value as u32, offset), addr as u32) {
                self.pop();
                return Some(absolute);
            }
        }
        if let Some((lhs, imm, false)) = self.address_sum(0) {
            if let Some(folded) = fold_address(&make(lhs, value as u32, offset), lhs, imm) {
                self.drop_last_op();
                self.pop();
                return Some(folded);
            }
        }
        let addr = self.pop_slot();
        Some(make(addr, value as u32, offset))
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

type MemOp = fn(u32, u32, u32) -> Op;

/// Loads, with `f32.load`/`f64.load` mapped to the integer loads of the same width.
#[cfg_attr(not(debug_assertions), inline(always))]
fn load<'a>(op: &'a Operator<'a>) -> Option<(MemOp, ValType, &'a wasmparser::MemArg)> {
    let (make, memarg) = match op {
        Operator::F32Load { memarg } => {
            return Some((
                |dst, addr, offset| Op::I32Load { dst, addr, offset },
                ValType::F32,
                memarg,
            ))
        }
        Operator::F64Load { memarg } => {
            return Some((
                |dst, addr, offset| Op::I64Load { dst, addr, offset },
                ValType::F64,
                memarg,
            ))
        }
        other => load_op(other)?,
    };
    let ty = match op {
        Operator::I32Load { .. }
        | Operator::I32Load8S { .. }
        | Operator::I32Load8U { .. }
        | Operator::I32Load16S { .. }
        | Operator::I32Load16U { .. } => ValType::I32,
        _ => ValType::I64,
    };
    Some((make, ty, memarg))
}

/// Stores, with the float stores and the narrow i64 stores mapped to the integer
/// stores of the same width.
#[cfg_attr(not(debug_assertions), inline(always))]
fn store<'a>(op: &'a Operator<'a>) -> Option<(MemOp, &'a wasmparser::MemArg)> {
    let store32: MemOp = |addr, src, offset| Op::I32Store { addr, src, offset };
    Some(match op {
        Operator::F32Store { memarg } | Operator::I64Store32 { memarg } => (store32, memarg),
        Operator::F64Store { memarg } => (
            |addr, src, offset| Op::I64Store { addr, src, offset },
            memarg,
        ),
        Operator::I64Store8 { memarg } => (
            |addr, src, offset| Op::I32Store8 { addr, src, offset },
            memarg,
        ),
        Operator::I64Store16 { memarg } => (
            |addr, src, offset| Op::I32Store16 { addr, src, offset },
            memarg,
        ),
        other => store_op(other)?,
    })
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
