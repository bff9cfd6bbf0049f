//! Bulk memory and table ops. Their operands sit in consecutive slots from `base`.

use std::ptr;

use super::{Executor, OpResult};
use crate::error::TrapKind;
use crate::ir::Op;
use crate::vm::StoreInner;

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

    pub(super) fn bulk(&mut self, store: &mut StoreInner, op: Op) -> OpResult {
        let inst = self.inst as usize;
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
                let instance = &store.instances[inst];
                let data: &[u8] = if instance.data_dropped[segment as usize] {
                    &[]
                } else {
                    let range = instance.module.info.datas[segment as usize].bytes.clone();
                    &instance.module.bytes[range]
                };
                if !in_bounds(src, len, data.len()) || !in_bounds(dst, len, self.mem_len) {
                    return Err(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: the destination is inside the cached memory and the source
                // inside the segment (checked above); module bytes never alias memory.
                unsafe {
                    ptr::copy_nonoverlapping(
                        data.as_ptr().add(src as usize),
                        self.mem.add(dst as usize),
                        len as usize,
                    )
                };
            }
            Op::DataDrop { segment } => store.instances[inst].data_dropped[segment as usize] = true,
            Op::TableGet { dst, table, index } => {
                let t = store.instances[inst].tables[table as usize] as usize;
                let i = self.get(index) as u32 as usize;
                let r = *store.tables[t]
                    .elems
                    .get(i)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                self.set(dst, r);
            }
            Op::TableSet {
                table,
                index,
                value,
            } => {
                let t = store.instances[inst].tables[table as usize] as usize;
                let i = self.get(index) as u32 as usize;
                let r = self.get(value);
                *store.tables[t]
                    .elems
                    .get_mut(i)
                    .ok_or(TrapKind::TableOutOfBounds)? = r;
            }
            Op::TableSize { dst, table } => {
                let t = store.instances[inst].tables[table as usize] as usize;
                self.set(dst, store.tables[t].elems.len() as u64);
            }
            Op::TableGrow { table, base } => {
                let t = store.instances[inst].tables[table as usize] as usize;
                let init = self.get(base);
                let delta = self.get(base + 1) as u32;
                let old = store.tables[t].grow(delta, init, store.limits.table_elements);
                self.set(base, old.unwrap_or(u32::MAX) as u64);
            }
            Op::TableFill { table, base } => {
                let t = store.instances[inst].tables[table as usize] as usize;
                let i = self.get(base) as u32;
                let value = self.get(base + 1);
                let len = self.get(base + 2) as u32;
                let elems = &mut store.tables[t].elems;
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
                let instance = &store.instances[inst];
                let dt = instance.tables[dst_table as usize] as usize;
                let st = instance.tables[src_table as usize] as usize;
                if !in_bounds(dst, len, store.tables[dt].elems.len())
                    || !in_bounds(src, len, store.tables[st].elems.len())
                {
                    return Err(TrapKind::TableOutOfBounds);
                }
                let (dst, src, len) = (dst as usize, src as usize, len as usize);
                if dt == st {
                    store.tables[dt].elems.copy_within(src..src + len, dst);
                } else {
                    let (d, s) = two_mut(&mut store.tables, dt, st);
                    d.elems[dst..dst + len].copy_from_slice(&s.elems[src..src + len]);
                }
            }
            Op::TableInit {
                segment,
                table,
                base,
            } => {
                let (dst, src, len) = self.args3(base);
                let instance = &store.instances[inst];
                let t = instance.tables[table as usize] as usize;
                let seg = &instance.elems[segment as usize];
                let elems = &mut store.tables[t].elems;
                if !in_bounds(src, len, seg.len()) || !in_bounds(dst, len, elems.len()) {
                    return Err(TrapKind::TableOutOfBounds);
                }
                let (dst, src, len) = (dst as usize, src as usize, len as usize);
                elems[dst..dst + len].copy_from_slice(&seg[src..src + len]);
            }
            Op::ElemDrop { segment } => {
                store.instances[inst].elems[segment as usize] = Vec::new().into();
            }
            other => unreachable!("op {} is handled elsewhere", other.name()),
        }
        Ok(())
    }
}

/// Mutable references to two distinct elements of a slice.
fn two_mut<T>(items: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    debug_assert_ne!(a, b);
    if a < b {
        let (lo, hi) = items.split_at_mut(b);
        (&mut lo[a], &mut hi[0])
    } else {
        let (lo, hi) = items.split_at_mut(a);
        (&mut hi[0], &mut lo[b])
    }
}
