//! Tables of references.

use crate::error::ResourceError;
use crate::prelude::*;
use crate::types::TableType;

use super::VMTableDefinition;

/// A table of a store: reference cells (0 is null; a funcref cell is a `VMFuncRef`'s
/// address), with a definition that code reads at a fixed address.
pub(crate) struct TableEntity {
    ty: TableType,
    elems: Vec<u64>,
    /// `elems`' address and length, kept in step with it.
    def: Box<VMTableDefinition>,
}

// SAFETY: the definition points into `elems`, which the table owns.
unsafe impl Send for TableEntity {}
// SAFETY: shared access only reads.
unsafe impl Sync for TableEntity {}

impl TableEntity {
    /// A table of type `ty` filled with `init`, unless its minimum exceeds `limit`
    /// elements or cannot be allocated.
    pub(crate) fn new(ty: TableType, init: u64, limit: u32) -> Result<TableEntity, ResourceError> {
        let Some(len) = u32::try_from(ty.minimum()).ok().filter(|&len| len <= limit) else {
            return Err(ResourceError::TableLimit {
                elements: ty.minimum(),
                limit,
            });
        };
        let mut elems = Vec::new();
        elems
            .try_reserve_exact(len as usize)
            .map_err(|e| ResourceError::Allocation {
                what: format!("a table of {len} elements"),
                reason: e.to_string(),
            })?;
        elems.resize(len as usize, init);
        let mut table = TableEntity {
            ty,
            elems,
            def: Box::new(VMTableDefinition {
                base: core::ptr::null_mut(),
                current_elements: 0,
            }),
        };
        table.sync();
        Ok(table)
    }

    /// Points the definition at the elements again, after their length changed.
    fn sync(&mut self) {
        self.def.base = self.elems.as_mut_ptr();
        self.def.current_elements = self.elems.len();
    }

    /// The bytes of its elements' allocation.
    pub(crate) fn bytes(&self) -> usize {
        self.elems.capacity() * core::mem::size_of::<u64>()
    }

    pub(crate) fn ty(&self) -> TableType {
        self.ty
    }

    /// The table's definition, at a fixed address for the table's life.
    pub(crate) fn definition(&self) -> *mut VMTableDefinition {
        &*self.def as *const VMTableDefinition as *mut VMTableDefinition
    }

    /// The elements.
    pub(crate) fn elems(&self) -> &[u64] {
        &self.elems
    }

    /// The elements, mutably (their number cannot change this way).
    pub(crate) fn elems_mut(&mut self) -> &mut [u64] {
        &mut self.elems
    }

    /// Grows by `delta` entries of `init`; returns the old size, or `None` past the
    /// table's maximum or `limit` elements.
    pub(crate) fn grow(&mut self, delta: u64, init: u64, limit: u32) -> Option<u32> {
        let old = self.elems.len() as u32;
        let max = self.ty.maximum().unwrap_or(u64::MAX).min(u64::from(limit));
        let new = u64::from(old).checked_add(delta).filter(|&n| n <= max)? as u32;
        self.elems.try_reserve_exact(delta as usize).ok()?;
        self.elems.resize(new as usize, init);
        self.sync();
        Some(old)
    }
}
