//! Bulk memory and table ops, and the other table ops. Their operands sit in
//! consecutive slots from `base`.

use std::ptr;

use super::{Executor, OpResult};
use crate::error::TrapKind;
use crate::ir::Op;

/// Checks `start + len <= size` without overflow.
fn in_bounds(start: u32, len: u32, size: usize) -> bool {
    start as u64 + len as u64 <= size as u64
}

impl Executor {
    /// Three u32 operands from `base`.
    fn args3(&self, base: u32) -> (u32, u32, u32) {
        (
            self.get(base) as u32,
            self.get(base + 1) as u32,
            self.get(base + 2) as u32,
        )
    }

    pub(super) fn bulk(&mut self, op: Op) -> OpResult {
        match op {
            Op::MemoryFill { base } => {
                let (dst, value, len) = self.args3(base);
                if !in_bounds(dst, len, self.mem_len) {
                    return Err(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: `[dst, dst + len)` is inside the cached memory (checked above).
                unsafe { ptr::write_bytes(self.mem.add(dst as usize), value as u8, len as usize) };
            }
            Op::MemoryCopy { base } => {
                let (dst, src, len) = self.args3(base);
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
            } => {
                let (dst, src, len) = self.args3(base);
                let instance = self.instance();
                self.store_mut()
                    .memory_copy(instance, to, from, dst, src, len)?;
            }
            Op::MemoryInit { segment, base } => {
                let (dst, src, len) = self.args3(base);
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
            Op::TableGet { dst, table, index } => {
                let i = self.get(index) as u32 as usize;
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
            } => {
                let i = self.get(index) as u32 as usize;
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
            Op::TableGrow { table, base } => {
                let init = self.get(base);
                let delta = self.get(base + 1) as u32;
                let old = self.store_mut().table_grow(instance, table, delta, init);
                self.set(base, old as u64);
            }
            Op::TableFill { table, base } => {
                let dst = self.get(base) as u32;
                let value = self.get(base + 1);
                let len = self.get(base + 2) as u32;
                self.store_mut()
                    .table_fill(instance, table, dst, value, len)?;
            }
            Op::TableCopy {
                dst_table,
                src_table,
                base,
            } => {
                let (dst, src, len) = self.args3(base);
                self.store_mut()
                    .table_copy(instance, dst_table, src_table, dst, src, len)?;
            }
            Op::TableInit {
                segment,
                table,
                base,
            } => {
                let (dst, src, len) = self.args3(base);
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
