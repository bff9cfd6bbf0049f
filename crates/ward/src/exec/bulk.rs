//! Bulk memory and table ops, and the other table ops. Their operands sit in
//! consecutive slots from `base`.

use core::ptr;

use super::{Executor, OpResult};
use crate::error::TrapKind;
use crate::ir::Op;

/// Checks `start + len <= size` without overflow.
fn in_bounds(start: u64, len: u64, size: usize) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size as u64)
}

/// The result of a `memory.grow` or `table.grow`: the old size, or -1 as an `i64`
/// (`wide`) or an `i32`.
pub(super) fn minus_one_on_failure(old: Option<u32>, wide: bool) -> u64 {
    match old {
        Some(old) => u64::from(old),
        None if wide => u64::MAX,
        None => u64::from(u32::MAX),
    }
}

impl Executor {
    /// Operand `i` of the span at `base`: an `i64` when bit `i` of `wide` says so,
    /// else an `i32`.
    pub(super) fn operand(&self, base: u32, i: u32, wide: u8) -> u64 {
        let cell = self.get(base + i);
        if wide & 1 << i != 0 {
            cell
        } else {
            u64::from(cell as u32)
        }
    }

    /// Three operands from `base`, with `wide` as for [`Executor::operand`].
    fn args3(&self, base: u32, wide: u8) -> (u64, u64, u64) {
        (
            self.operand(base, 0, wide),
            self.operand(base, 1, wide),
            self.operand(base, 2, wide),
        )
    }

    pub(super) fn bulk(&mut self, op: Op) -> OpResult {
        match op {
            Op::MemoryFill { base, wide } => {
                let (dst, value, len) = self.args3(base, wide);
                if !in_bounds(dst, len, self.mem_len) {
                    return Err(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: `[dst, dst + len)` is inside the cached memory (checked above).
                unsafe { ptr::write_bytes(self.mem.add(dst as usize), value as u8, len as usize) };
            }
            Op::MemoryCopy { base, wide } => {
                let (dst, src, len) = self.args3(base, wide);
                if !in_bounds(dst, len, self.mem_len) || !in_bounds(src, len, self.mem_len) {
                    return Err(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: both ranges are inside the cached memory; `copy` allows overlap.
                unsafe {
                    ptr::copy(
                        self.mem.add(src as usize),
                        self.mem.add(dst as usize),
                        len as usize,
                    )
                };
            }
            Op::MemoryCopyBetween {
                base,
                dst: to,
                src: from,
                wide,
            } => {
                let (dst, src, len) = self.args3(base, wide);
                let instance = self.instance();
                self.store_mut()
                    .memory_copy(instance, to, from, dst, src, len)?;
            }
            Op::MemoryInit {
                segment,
                base,
                wide,
            } => {
                let (dst, src, len) = self.args3(base, wide);
                let instance = self.instance();
                let memory = self.mem_index;
                self.store_mut()
                    .memory_init(instance, memory, segment, dst, src, len)?;
            }
            Op::DataDrop { segment } => {
                let instance = self.instance();
                self.store_mut().instance_mut(instance).drop_data(segment);
            }
            other => self.table_op(other)?,
        }
        Ok(())
    }

    /// The table ops: their tables are the store's entities of the running instance.
    fn table_op(&mut self, op: Op) -> OpResult {
        let instance = self.instance();
        match op {
            Op::TableGet {
                dst,
                table,
                index,
                wide,
            } => {
                let i = self.operand(index, 0, wide) as usize;
                let store = self.store_mut();
                let t = store.instance(instance).table_id(table);
                let r = *store
                    .table(t)
                    .elems()
                    .get(i)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                self.set(dst, r);
            }
            Op::TableSet {
                table,
                index,
                value,
                wide,
            } => {
                let i = self.operand(index, 0, wide) as usize;
                let r = self.get(value);
                let store = self.store_mut();
                let t = store.instance(instance).table_id(table);
                *store
                    .table_mut(t)
                    .elems_mut()
                    .get_mut(i)
                    .ok_or(TrapKind::TableOutOfBounds)? = r;
            }
            Op::TableSize { dst, table } => {
                let store = self.store_mut();
                let t = store.instance(instance).table_id(table);
                let size = store.table(t).elems().len() as u64;
                self.set(dst, size);
            }
            Op::TableGrow { table, base, wide } => {
                let init = self.get(base);
                let delta = self.operand(base, 1, wide);
                let old = self.store_mut().table_grow(instance, table, delta, init);
                self.set(base, minus_one_on_failure(old, wide != 0));
            }
            Op::TableFill { table, base, wide } => {
                let (dst, value, len) = self.args3(base, wide);
                self.store_mut()
                    .table_fill(instance, table, dst, value, len)?;
            }
            Op::TableCopy {
                dst_table,
                src_table,
                base,
                wide,
            } => {
                let (dst, src, len) = self.args3(base, wide);
                self.store_mut()
                    .table_copy(instance, dst_table, src_table, dst, src, len)?;
            }
            Op::TableInit {
                segment,
                table,
                base,
                wide,
            } => {
                let (dst, src, len) = self.args3(base, wide);
                self.store_mut()
                    .table_init(instance, table, segment, dst, src, len)?;
            }
            Op::ElemDrop { segment } => {
                self.store_mut().instance_mut(instance).drop_elem(segment);
            }
            other => unreachable!("op {} is handled elsewhere", other.name()),
        }
        Ok(())
    }
}
