//! Globals.

use crate::prelude::*;
use core::ptr::NonNull;

use crate::types::GlobalType;

use super::VMGlobal;

/// A global of a store. Its value lives in its own allocation, so that its address
/// never changes: every vmctx that uses the global points at it.
pub(crate) struct GlobalEntity {
    ty: GlobalType,
    value: NonNull<VMGlobal>,
}

// SAFETY: a `GlobalEntity` owns its value like a `Box` does.
unsafe impl Send for GlobalEntity {}
// SAFETY: shared access only reads.
unsafe impl Sync for GlobalEntity {}

impl GlobalEntity {
    /// A global of type `ty` holding `bits` (its cells as one 128-bit word).
    pub(crate) fn new(ty: GlobalType, bits: u128) -> GlobalEntity {
        let value = Box::into_raw(Box::new(VMGlobal { bits }));
        GlobalEntity {
            ty,
            // SAFETY: `Box::into_raw` never returns null.
            value: unsafe { NonNull::new_unchecked(value) },
        }
    }

    pub(crate) fn ty(&self) -> GlobalType {
        self.ty
    }

    /// The value's bits.
    pub(crate) fn bits(&self) -> u128 {
        // SAFETY: the value lives as long as `self`. Code writes it through the pointer
        // of `definition` only while it holds the store mutably, so not now.
        unsafe { self.value.as_ref().bits }
    }

    /// Sets the value's bits.
    pub(crate) fn set_bits(&mut self, bits: u128) {
        // SAFETY: as for `bits`; `&mut self` is exclusive.
        unsafe { self.value.as_mut().bits = bits }
    }

    /// The value's address, fixed for the global's life.
    pub(crate) fn definition(&self) -> *mut VMGlobal {
        self.value.as_ptr()
    }
}

impl Drop for GlobalEntity {
    fn drop(&mut self) {
        // SAFETY: allocated by `Box::new` in `GlobalEntity::new`, freed once, here.
        drop(unsafe { Box::from_raw(self.value.as_ptr()) });
    }
}
