//! The translation of the memory operators: loads and stores, with their folded
//! address forms, and memory size, growth and bulk operations.

use crate::prelude::*;
use wasmparser::Operator;

use super::{Loc, Operand, Translator};
use crate::error::{Error, Result, TrapKind};
use crate::index::{DataIndex, MemoryIndex};
use crate::ir::{absolute_address, fold_address, load_op, store_op, AccMode, Op, Slot};
use crate::module::ModuleInfo;
use crate::ValType;

impl Translator {
    /// Translates `op`, which accesses a memory other than memory 0 (multi-memory).
    /// The memory ops access the current memory, which is memory 0 but for a single
    /// access put between a `UseMemory` of its memory and a `UseMemory` of memory 0;
    /// a copy between two memories has an op of its own.
    ///
    /// # Errors
    ///
    /// When `op` accesses something else than a linear memory.
    pub(crate) fn translate_in_memory(
        &mut self,
        module: &ModuleInfo,
        op: &Operator<'_>,
    ) -> Result<()> {
        if self.dead.is_some() {
            return self.translate_op(module, op);
        }
        let memories = module.memories();
        if let Operator::MemoryCopy { dst_mem, src_mem } = *op {
            if dst_mem != src_mem {
                self.charge();
                let (dst, src) = (
                    MemoryIndex::from_u32(dst_mem),
                    MemoryIndex::from_u32(src_mem),
                );
                // The length is an `i64` when both memories are 64-bit.
                let (dst64, src64) = (memories[dst].is_64(), memories[src].is_64());
                let wide = wide_bits([dst64, src64, dst64 && src64]);
                let base = self.pop_span(3);
                self.emit(Op::MemoryCopyBetween {
                    base,
                    dst,
                    src,
                    wide,
                });
                return Ok(());
            }
        }
        let memory = match super::other_memory(op) {
            Some(memory) if memory != u32::MAX => MemoryIndex::from_u32(memory),
            _ => {
                return Err(Error::Compile {
                    message: format!("unsupported operator: {}", crate::module::operator_name(op)),
                    offset: self.offset as usize,
                })
            }
        };
        self.emit(Op::UseMemory { memory });
        let address64 = self.address64;
        self.address64 = memories[memory].is_64();
        let translated = self.translate_op(module, op);
        self.address64 = address64;
        translated?;
        self.emit(Op::UseMemory {
            memory: MemoryIndex::from_u32(0),
        });
        Ok(())
    }

    /// Before an access to a 64-bit memory whose address is `depth` entries below the
    /// top and whose offset is `offset`: the check that the address, read as 32 bits
    /// by the access, is below 2^32 (see `Op::Index64`). A constant address needs no
    /// check when it fits.
    pub(super) fn check_address64(&mut self, offset: u64, depth: usize) {
        let entry = self.stack[self.stack.len() - 1 - depth];
        let limit = u64::from(u32::MAX);
        let far = offset > limit || matches!(entry.loc, Loc::Const(addr) if addr > limit);
        let index = match entry.loc {
            Loc::Const(_) if !far => return,
            // A far access traps without reading its address.
            Loc::Const(_) => 0,
            Loc::Temp => entry.slot,
            Loc::Local(i) => self.local_slots[i as usize],
        };
        self.emit(Op::Index64 {
            index,
            kind: TrapKind::MemoryOutOfBounds,
            far,
        });
    }

    /// Translates `op` if it is a memory operator; false otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn translate_memory(&mut self, op: &Operator<'_>) -> bool {
        if let Some((make, ty, memarg)) = load(op) {
            self.translate_load(make, ty, memarg.offset as u32);
            return true;
        }
        if let Some((make, memarg)) = store(op) {
            self.translate_store(op, make, memarg.offset as u32);
            return true;
        }
        match *op {
            Operator::MemorySize { .. } => {
                let dst = self.push_temp(self.index_type());
                self.emit_result(Op::MemorySize { dst }, dst);
            }
            Operator::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp(self.index_type());
                let wide = self.address64;
                self.emit_result(Op::MemoryGrow { dst, delta, wide }, dst);
            }
            Operator::MemoryFill { .. } => {
                let base = self.pop_span(3);
                let wide = wide_bits([self.address64, false, self.address64]);
                self.emit(Op::MemoryFill { base, wide });
            }
            Operator::MemoryCopy { .. } => {
                let base = self.pop_span(3);
                let wide = wide_bits([self.address64; 3]);
                self.emit(Op::MemoryCopy { base, wide });
            }
            Operator::MemoryInit { data_index, .. } => {
                let base = self.pop_span(3);
                self.emit(Op::MemoryInit {
                    segment: DataIndex::from_u32(data_index),
                    base,
                    wide: wide_bits([self.address64, false, false]),
                });
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: DataIndex::from_u32(data_index),
                });
            }
            _ => return false,
        }
        true
    }

    /// The type of the current memory's addresses.
    fn index_type(&self) -> ValType {
        if self.address64 {
            ValType::I64
        } else {
            ValType::I32
        }
    }

    /// Translates a load of a `ty`, made by `make`, at `offset`: with an absolute
    /// address when the address is a constant, and with the `i32.add` of a constant
    /// that computed the address folded in.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn translate_load(&mut self, make: MemOp, ty: ValType, offset: u32) {
        if let Some(&Operand {
            loc: Loc::Const(addr),
            ..
        }) = self.stack.last()
        {
            self.pop();
            let dst = self.push_temp(ty);
            if let Some(absolute) = absolute_address(&make(dst, 0, offset), addr as u32) {
                self.emit_result(absolute, dst);
                return;
            }
            // No absolute form: the address goes through a slot after all.
            self.pop();
            self.push(ValType::I32, Loc::Const(addr));
        }
        let folded = self.constant_sum(0).and_then(|(lhs, imm, acc_in)| {
            // The load's result takes the sum's slot: the height of the address.
            let dst = self.stack[self.stack.len() - 1].slot;
            fold_address(&make(dst, lhs, offset), lhs, imm).map(|op| (op, dst, acc_in))
        });
        if let Some((folded, dst, acc_in)) = folded {
            // The sum's operand may come through the accumulator: the load then reads
            // it there (the op before the sum sends it).
            self.pop();
            let dst_again = self.push_temp(ty);
            debug_assert_eq!(dst, dst_again);
            let at = self.replace_last_op(folded, acc_in);
            self.set_last_result(at, dst);
            return;
        }
        let fresh = self.acc_source(0);
        let addr = self.pop_slot();
        let dst = self.push_temp(ty);
        self.emit_result_reading(make(dst, addr, offset), dst, fresh);
    }

    /// Translates store `op`, made by `make`, at `offset`: with the value inline when
    /// it is a constant that fits, and the address folded as for loads.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn translate_store(&mut self, op: &Operator<'_>, make: MemOp, offset: u32) {
        if let Some(store_imm) = self.store_immediate(op, offset) {
            self.emit(store_imm);
            return;
        }
        // A constant address: the store adds it to its offset itself.
        let len = self.stack.len();
        if let Loc::Const(addr) = self.stack[len - 2].loc {
            let src = self.pop_slot();
            let probe = make(0, src, offset);
            if let Some(absolute) = absolute_address(&probe, addr as u32) {
                self.pop();
                self.emit(absolute);
                return;
            }
            let addr_slot = self.pop_slot();
            self.emit(make(addr_slot, src, offset));
            return;
        }
        // Stores do not read the accumulator: a sum that does stays.
        let sum = self.constant_sum(1).filter(|&(_, _, acc_in)| !acc_in);
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
    }

    /// When the entry `depth` below the top of the stack is the fresh result of the last
    /// op, an `i32.add` of a constant, that op's operand slot and constant, and whether
    /// the operand comes through the accumulator: a load or store using the sum as its
    /// address (or a `br_table` as its index) can add them itself, once the op is
    /// dropped ([`Translator::drop_last_op`]).
    pub(super) fn constant_sum(&self, depth: usize) -> Option<(Slot, u32, bool)> {
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
    pub(super) fn drop_last_op(&mut self) {
        self.ops.pop();
        self.modes.pop();
        self.offsets.pop();
        self.last_result = None;
    }

    /// Emits `op` in place of the last op emitted, whose work it takes in (a fusion),
    /// reading the accumulator when `acc_in` (the dropped op did). Returns its index.
    pub(super) fn replace_last_op(&mut self, op: Op, acc_in: bool) -> usize {
        self.drop_last_op();
        let at = self.emit(op);
        if acc_in {
            self.set_acc_in(at);
        }
        at
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
        if let Some((lhs, imm, false)) = self.constant_sum(0) {
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

/// The `wide` bits of a bulk or table op: bit `i` set when operand `i` is an `i64`.
pub(super) fn wide_bits(operands: [bool; 3]) -> u8 {
    operands
        .iter()
        .enumerate()
        .fold(0, |bits, (i, &wide)| bits | u8::from(wide) << i)
}
