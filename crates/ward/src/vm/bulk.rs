//! Growth and bulk operations on a store's memories and tables, by the index spaces of
//! the instance that runs them: one implementation for the interpreter's ops and the
//! compiled tier's runtime functions. Each checks its ranges before it changes anything
//! and reports a failed check as the trap the specification names.

use core::ops::Range;

use super::StoreInner;
use crate::error::TrapKind;
use crate::index::{DataIndex, ElemIndex, InstanceId, MemoryIndex, TableIndex};

/// `start..start + len` when it lies within `size` (computed without overflow).
fn bulk_range(start: u64, len: u64, size: usize) -> Option<Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}

impl StoreInner {
    /// `memory.grow`: the old size in pages, or `None` (-1 to wasm) when the memory
    /// cannot grow by `delta` pages.
    pub(crate) fn memory_grow(
        &mut self,
        instance: InstanceId,
        memory: MemoryIndex,
        delta: u64,
    ) -> Option<u32> {
        let id = self.instance(instance).memory_id(memory);
        let limit = self.limits().memory_size;
        self.memory_mut(id).grow(delta, limit)
    }

    /// `memory.fill`.
    #[cfg(feature = "cranelift")]
    pub(crate) fn memory_fill(
        &mut self,
        instance: InstanceId,
        memory: MemoryIndex,
        dst: u64,
        value: u8,
        len: u64,
    ) -> Result<(), TrapKind> {
        let id = self.instance(instance).memory_id(memory);
        let data = self.memory_mut(id).data_mut();
        let to = bulk_range(dst, len, data.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
        data[to].fill(value);
        Ok(())
    }

    /// `memory.copy`, within one memory (the ranges may overlap) or between two.
    pub(crate) fn memory_copy(
        &mut self,
        instance: InstanceId,
        dst_memory: MemoryIndex,
        src_memory: MemoryIndex,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let (dm, sm) = {
            let instance = self.instance(instance);
            (
                instance.memory_id(dst_memory),
                instance.memory_id(src_memory),
            )
        };
        let oob = TrapKind::MemoryOutOfBounds;
        if dm == sm {
            let data = self.memory_mut(dm).data_mut();
            let from = bulk_range(src, len, data.len()).ok_or(oob)?;
            let to = bulk_range(dst, len, data.len()).ok_or(oob)?;
            data.copy_within(from, to.start);
            return Ok(());
        }
        let source = self.memory(sm).data();
        let from = bulk_range(src, len, source.len()).ok_or(oob)?;
        let from = source[from].as_ptr();
        let data = self.memory_mut(dm).data_mut();
        let to = bulk_range(dst, len, data.len()).ok_or(oob)?;
        // SAFETY: the ranges lie in two distinct live memories (checked above), separate
        // mappings that nothing else touches while the store is borrowed.
        unsafe { core::ptr::copy_nonoverlapping(from, data[to].as_mut_ptr(), len as usize) };
        Ok(())
    }

    /// `memory.init` from data segment `segment` (empty once dropped).
    pub(crate) fn memory_init(
        &mut self,
        instance: InstanceId,
        memory: MemoryIndex,
        segment: DataIndex,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let instance = self.instance(instance);
        let id = instance.memory_id(memory);
        let bytes = instance.data(segment);
        let from = bulk_range(src, len, bytes.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
        let from = bytes[from].as_ptr();
        let data = self.memory_mut(id).data_mut();
        let to = bulk_range(dst, len, data.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
        // SAFETY: the segment's bytes belong to the module, which the instance keeps
        // alive and which never aliases a linear memory; both ranges are checked above.
        unsafe { core::ptr::copy_nonoverlapping(from, data[to].as_mut_ptr(), len as usize) };
        Ok(())
    }

    /// `table.grow`: the old size, or `None` (-1 to wasm) when the table cannot grow
    /// by `delta` elements.
    pub(crate) fn table_grow(
        &mut self,
        instance: InstanceId,
        table: TableIndex,
        delta: u64,
        init: u64,
    ) -> Option<u32> {
        let id = self.instance(instance).table_id(table);
        let limit = self.limits().table_elements;
        self.table_mut(id).grow(delta, init, limit)
    }

    /// `table.fill`.
    pub(crate) fn table_fill(
        &mut self,
        instance: InstanceId,
        table: TableIndex,
        dst: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let id = self.instance(instance).table_id(table);
        let elems = self.table_mut(id).elems_mut();
        let to = bulk_range(dst, len, elems.len()).ok_or(TrapKind::TableOutOfBounds)?;
        elems[to].fill(value);
        Ok(())
    }

    /// `table.copy`, within one table (the ranges may overlap) or between two.
    pub(crate) fn table_copy(
        &mut self,
        instance: InstanceId,
        dst_table: TableIndex,
        src_table: TableIndex,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let (dt, st) = {
            let instance = self.instance(instance);
            (instance.table_id(dst_table), instance.table_id(src_table))
        };
        let oob = TrapKind::TableOutOfBounds;
        let from = bulk_range(src, len, self.table(st).elems().len()).ok_or(oob)?;
        let to = bulk_range(dst, len, self.table(dt).elems().len()).ok_or(oob)?;
        if dt == st {
            self.table_mut(dt).elems_mut().copy_within(from, to.start);
        } else {
            let (d, s) = self.two_tables_mut(dt, st);
            d.elems_mut()[to].copy_from_slice(&s.elems()[from]);
        }
        Ok(())
    }

    /// `table.init` from element segment `segment` (empty once dropped).
    pub(crate) fn table_init(
        &mut self,
        instance: InstanceId,
        table: TableIndex,
        segment: ElemIndex,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapKind> {
        let instance = self.instance(instance);
        let id = instance.table_id(table);
        // A reference to the segment, not a copy: dropping it later does not free it.
        let items = instance.elem(segment).clone();
        let from = bulk_range(src, len, items.len()).ok_or(TrapKind::TableOutOfBounds)?;
        let elems = self.table_mut(id).elems_mut();
        let to = bulk_range(dst, len, elems.len()).ok_or(TrapKind::TableOutOfBounds)?;
        elems[to].copy_from_slice(&items[from]);
        Ok(())
    }
}
