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
            Op::MemoryInit { segment, base } => {
                let (dst, src, len) = self.args3(base);
                let (mem, mem_len) = (self.mem, self.mem_len);
                let instance = self.instance();
                let data = self.store_mut().instance(instance).data(segment);
                if !in_bounds(src, len, data.len()) || !in_bounds(dst, len, mem_len) {
                    return Err(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: the destination is inside the cached memory and the source
                // inside the segment (checked above); module bytes never alias memory.
                unsafe {
                    ptr::copy_nonoverlapping(
                        data.as_ptr().add(src as usize),
                        mem.add(dst as usize),
                        len as usize,
                    )
                };
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
                let store = self.store_mut();
                let limit = store.limits().table_elements;
                let t = store.instance(instance).table_id(table);
                let old = store.table_mut(t).grow(delta, init, limit);
                self.set(base, old.unwrap_or(u32::MAX) as u64);
            }
            Op::TableFill { table, base } => {
                let i = self.get(base) as u32;
                let value = self.get(base + 1);
                let len = self.get(base + 2) as u32;
                let store = self.store_mut();
                let t = store.instance(instance).table_id(table);
                let elems = store.table_mut(t).elems_mut();
                if !in_bounds(i, len, elems.len()) {
                    return Err(TrapKind::TableOutOfBounds);
                }
                elems[i as usize..(i + len) as usize].fill(value);
            }
            Op::TableCopy {
                dst_table,
                src_table,
                base,
            } => {
                let (dst, src, len) = self.args3(base);
                let store = self.store_mut();
                let dt = store.instance(instance).table_id(dst_table);
                let st = store.instance(instance).table_id(src_table);
                if !in_bounds(dst, len, store.table(dt).elems().len())
                    || !in_bounds(src, len, store.table(st).elems().len())
                {
                    return Err(TrapKind::TableOutOfBounds);
                }
                let (dst, src, len) = (dst as usize, src as usize, len as usize);
                if dt == st {
                    store
                        .table_mut(dt)
                        .elems_mut()
                        .copy_within(src..src + len, dst);
                } else {
                    let (d, s) = store.two_tables_mut(dt, st);
                    d.elems_mut()[dst..dst + len].copy_from_slice(&s.elems()[src..src + len]);
                }
            }
            Op::TableInit {
                segment,
                table,
                base,
            } => {
                let (dst, src, len) = self.args3(base);
                let store = self.store_mut();
                let seg = store.instance(instance).elem(segment).clone();
                let t = store.instance(instance).table_id(table);
                let elems = store.table_mut(t).elems_mut();
                if !in_bounds(src, len, seg.len()) || !in_bounds(dst, len, elems.len()) {
                    return Err(TrapKind::TableOutOfBounds);
                }
                let (dst, src, len) = (dst as usize, src as usize, len as usize);
                elems[dst..dst + len].copy_from_slice(&seg[src..src + len]);
            }
            Op::ElemDrop { segment } => {
                self.store_mut().instance_mut(instance).drop_elem(segment);
            }
            other => unreachable!("op {} is handled elsewhere", other.name()),
        }
        Ok(())
    }
}
