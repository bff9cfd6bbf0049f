//! The translation of each wasm operator: [`Translator::translate_op`] routes it to
//! the function of its family, here and in the modules beside this one.

use crate::prelude::*;
use wasmparser::Operator;

use super::memory::wide_bits;
use super::visit::address_operand;
use super::{Cond, Kind, Loc, Translator};
use crate::error::{Error, Result, TrapKind};
use crate::index::{ElemIndex, FuncIndex, GlobalIndex, TableIndex, TypeIndex};
use crate::ir::Op;
use crate::module::ModuleInfo;
use crate::ValType;

impl Translator {
    /// Translates `op`, trying its family functions in turn.
    ///
    /// Each scalar operator's visit method inlines this function with the operator
    /// known (see `visit.rs`), so that every family's tests fold to a constant and the
    /// method keeps only its operator's code. That is why this function and every
    /// family function are `#[inline(always)]` in optimised builds, and why the error
    /// message is built out of line (see [`Translator::unsupported`]).
    ///
    /// Size-tuned builds (`ward_small`, see `build.rs`) keep one copy instead, called
    /// from every visit method: translation pays a call per operator, and the code is
    /// about 160 KiB smaller.
    #[cfg_attr(not(any(debug_assertions, ward_small)), inline(always))]
    #[cfg_attr(ward_small, inline(never))]
    pub(super) fn translate_op(&mut self, module: &ModuleInfo, op: &Operator<'_>) -> Result<()> {
        if self.skip_dead(op) {
            return Ok(());
        }
        self.charge();
        if self.address64 {
            if let Some((memarg, depth)) = address_operand(op) {
                self.check_address64(memarg.offset, depth);
            }
        }
        let done = self.translate_numeric(op)
            || self.translate_memory(op)
            || self.translate_control(module, op)?
            || self.translate_value(module, op)
            || self.translate_table(module, op)
            || self.translate_simd(op)
            || self.translate_wide(op);
        if done {
            return Ok(());
        }
        Err(self.unsupported(op))
    }

    /// The error for an operator no family translates.
    ///
    /// Out of line: formatted in `translate_op` itself, the message stores the address
    /// of `op` on the stack, and the compiler then no longer trusts that `op` still
    /// holds the operator the visit method built: it reads the operator back and tests
    /// it at run time. No family's tests fold, and every visit method keeps the whole
    /// translator (measured: about 9.5 KB of code each, against 0.6 to 2.7 KB).
    #[cold]
    #[inline(never)]
    fn unsupported(&self, op: &Operator<'_>) -> Error {
        Error::Compile {
            message: format!("unsupported operator: {}", crate::module::operator_name(op)),
            offset: self.offset as usize,
        }
    }

    /// Translates `op` if it is a control operator (blocks, branches, calls); false
    /// otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn translate_control(&mut self, module: &ModuleInfo, op: &Operator<'_>) -> Result<bool> {
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
            Operator::Call { function_index } => self.call(module, function_index, false),
            Operator::ReturnCall { function_index } => self.call(module, function_index, true),
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(module, type_index, table_index, false),
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(module, type_index, table_index, true),
            Operator::CallRef { type_index } => self.call_ref(module, type_index, false),
            Operator::ReturnCallRef { type_index } => self.call_ref(module, type_index, true),
            Operator::BrOnNull { relative_depth } => self.br_on_null(relative_depth, false),
            Operator::BrOnNonNull { relative_depth } => self.br_on_null(relative_depth, true),
            Operator::TryTable { ref try_table } => self.try_table(module, try_table)?,
            Operator::Throw { tag_index } => self.throw(module, tag_index),
            Operator::ThrowRef => self.throw_ref(),
            Operator::Try { blockty } => self.legacy_try(module, blockty),
            Operator::Catch { tag_index } => self.legacy_catch(module, Some(tag_index)),
            Operator::CatchAll => self.legacy_catch(module, None),
            Operator::Delegate { relative_depth } => self.delegate(relative_depth),
            Operator::Rethrow { relative_depth } => self.rethrow(relative_depth),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// A call of function `index`; a tail call (`return_call`) when `tail`.
    fn call(&mut self, module: &ModuleInfo, index: u32, tail: bool) {
        let index = FuncIndex::from_u32(index);
        let ty = module.func_type(index);
        let base = self.pop_span(ty.params().len());
        self.emit(match (module.defined_func(index), tail) {
            (Some(func), false) => Op::CallInternal { func, base },
            (Some(func), true) => Op::ReturnCallInternal { func, base },
            (None, false) => Op::Call { func: index, base },
            (None, true) => Op::ReturnCall { func: index, base },
        });
        self.after_call(ty.results(), tail);
    }

    /// A `call_indirect` of type `type_index` through table `table`; a tail call
    /// (`return_call_indirect`) when `tail`.
    fn call_indirect(&mut self, module: &ModuleInfo, type_index: u32, table: u32, tail: bool) {
        let index = self.pop_slot();
        let type_index = TypeIndex::from_u32(type_index);
        let ty = &module.types()[type_index];
        let base = self.pop_span(ty.params().len());
        let table = TableIndex::from_u32(table);
        if module.tables()[table].is_64() {
            self.emit(Op::Index64 {
                index,
                kind: TrapKind::UndefinedElement,
                far: false,
            });
        }
        self.emit(if tail {
            Op::ReturnCallIndirect {
                type_index,
                table,
                index,
                base,
            }
        } else {
            Op::CallIndirect {
                type_index,
                table,
                index,
                base,
            }
        });
        self.after_call(ty.results(), tail);
    }

    /// A `call_ref` of type `type_index`; a tail call (`return_call_ref`) when `tail`.
    fn call_ref(&mut self, module: &ModuleInfo, type_index: u32, tail: bool) {
        let callee = self.pop_slot();
        let ty = &module.types()[TypeIndex::from_u32(type_index)];
        let base = self.pop_span(ty.params().len());
        self.emit(if tail {
            Op::ReturnCallRef { callee, base }
        } else {
            Op::CallRef { callee, base }
        });
        self.after_call(ty.results(), tail);
    }

    /// `br_on_null` (a null reference is dropped and branches, another stays), or
    /// `br_on_non_null` when `on_non_null` (a reference that is not null branches as the
    /// label's last operand, a null one is dropped).
    fn br_on_null(&mut self, depth: u32, on_non_null: bool) {
        let entry = self.pop();
        let lhs = self.read_slot(entry);
        let is_null = Op::BrI64EqImm {
            lhs,
            imm: 0,
            offset: 0,
        };
        let non_null = Op::BrI64NeImm {
            lhs,
            imm: 0,
            offset: 0,
        };
        if on_non_null {
            self.push(entry.ty, entry.loc);
            self.branch(
                depth,
                Some(Cond {
                    when_true: non_null,
                    when_false: is_null,
                    acc_in: false,
                    origin: None,
                }),
            );
            self.pop();
        } else {
            self.branch(
                depth,
                Some(Cond {
                    when_true: is_null,
                    when_false: non_null,
                    acc_in: false,
                    origin: None,
                }),
            );
            self.push(entry.ty, entry.loc);
        }
    }

    /// After a call: its results are the new temporaries; after a tail call, the rest
    /// of the block is unreachable (the callee returned for this function).
    fn after_call(&mut self, results: &[ValType], tail: bool) {
        if tail {
            self.dead = Some(0);
            return;
        }
        for &r in results {
            self.push_temp(r);
        }
    }

    /// Translates `op` if it moves or retypes a value: locals, globals, constants,
    /// `select`, `drop` and the reinterpretations; false otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn translate_value(&mut self, module: &ModuleInfo, op: &Operator<'_>) -> bool {
        match *op {
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. } => {
                // Both values are read where they are (a local, a temporary), so a
                // `select` of two locals needs no copy first.
                let cond = self.pop_slot();
                let rhs = self.pop();
                let rhs = self.read_slot(rhs);
                let lhs = self.pop();
                let ty = lhs.ty;
                let lhs = self.read_slot(lhs);
                let dst = self.push_temp(ty);
                if ty.cells() == 2 {
                    self.emit(Op::Select128 {
                        dst,
                        lhs,
                        rhs,
                        cond,
                    });
                } else {
                    self.emit_result(
                        Op::Select {
                            dst,
                            lhs,
                            rhs,
                            cond,
                        },
                        dst,
                    );
                }
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
                    return true;
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
            _ => return false,
        }
        true
    }

    /// Translates `op` if it is a reference or table operator; false otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn translate_table(&mut self, module: &ModuleInfo, op: &Operator<'_>) -> bool {
        match *op {
            Operator::RefNull { hty } => {
                let ty = if matches!(
                    hty,
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Extern,
                        ..
                    }
                ) {
                    ValType::EXTERNREF
                } else {
                    ValType::FUNCREF
                };
                self.push(ty, Loc::Const(0));
            }
            Operator::RefAsNonNull => {
                // The reference stays where it is; only the check is emitted.
                let entry = self.pop();
                let src = self.read_slot(entry);
                self.emit(Op::RefAsNonNull { src });
                self.push(entry.ty, entry.loc);
            }
            Operator::RefIsNull => {
                // A null reference is the all-zero cell.
                let src = self.pop_slot();
                let dst = self.push_temp(ValType::I32);
                self.emit_result(Op::I64Eqz { dst, src }, dst);
            }
            Operator::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FUNCREF);
                self.emit_result(
                    Op::RefFunc {
                        dst,
                        func: FuncIndex::from_u32(function_index),
                    },
                    dst,
                );
            }
            Operator::TableGet { table } => {
                let table = TableIndex::from_u32(table);
                let index = self.pop_slot();
                let ty = &module.tables()[table];
                let dst = self.push_temp(ty.element());
                let wide = u8::from(ty.is_64());
                self.emit_result(
                    Op::TableGet {
                        dst,
                        table,
                        index,
                        wide,
                    },
                    dst,
                );
            }
            Operator::TableSet { table } => {
                let table = TableIndex::from_u32(table);
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Op::TableSet {
                    table,
                    index,
                    value,
                    wide: u8::from(module.tables()[table].is_64()),
                });
            }
            Operator::TableSize { table } => {
                let table = TableIndex::from_u32(table);
                let dst = self.push_temp(module.tables()[table].index_type());
                self.emit_result(Op::TableSize { dst, table }, dst);
            }
            Operator::TableGrow { table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(2);
                let ty = &module.tables()[table];
                let wide = wide_bits([false, ty.is_64(), false]);
                self.emit(Op::TableGrow { table, base, wide });
                self.push_temp(ty.index_type());
            }
            Operator::TableFill { table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(3);
                let is_64 = module.tables()[table].is_64();
                let wide = wide_bits([is_64, false, is_64]);
                self.emit(Op::TableFill { table, base, wide });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst_table, src_table) = (
                    TableIndex::from_u32(dst_table),
                    TableIndex::from_u32(src_table),
                );
                let tables = module.tables();
                // The length is an `i64` when both tables are 64-bit.
                let (dst64, src64) = (tables[dst_table].is_64(), tables[src_table].is_64());
                let base = self.pop_span(3);
                self.emit(Op::TableCopy {
                    dst_table,
                    src_table,
                    base,
                    wide: wide_bits([dst64, src64, dst64 && src64]),
                });
            }
            Operator::TableInit { elem_index, table } => {
                let table = TableIndex::from_u32(table);
                let base = self.pop_span(3);
                self.emit(Op::TableInit {
                    segment: ElemIndex::from_u32(elem_index),
                    table,
                    base,
                    wide: wide_bits([module.tables()[table].is_64(), false, false]),
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: ElemIndex::from_u32(elem_index),
                });
            }
            _ => return false,
        }
        true
    }
}
