//! The wasm stack: value cells and call frames, with a fixed budget per store.

use std::ptr::NonNull;

use crate::config::FRAME_COST_BYTES;
use crate::exec::Frame;

/// The value cells of every active wasm frame of a store, and the frames' records.
///
/// The cells are one allocation that never moves: the executor and host functions hold
/// raw pointers into it while a host function re-enters wasm above them. It is allocated
/// zeroed on first use, so an idle store costs no memory.
pub(crate) struct ValueStack {
    cells: Option<NonNull<u64>>,
    capacity: usize,
    /// Cells in use by the activations on the native stack (host calls wait above them).
    pub top: usize,
    pub frames: Vec<Frame>,
    pub max_frames: usize,
}

// SAFETY: the cells are owned by the stack (like a `Box<[u64]>`); the pointer is only
// dereferenced through `&mut` access to the store.
unsafe impl Send for ValueStack {}
// SAFETY: shared access never dereferences the pointer.
unsafe impl Sync for ValueStack {}

impl ValueStack {
    pub(crate) fn new(bytes: usize) -> ValueStack {
        ValueStack {
            cells: None,
            capacity: bytes / 8,
            top: 0,
            frames: Vec::new(),
            max_frames: (bytes / FRAME_COST_BYTES).max(1),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The base of the cells, allocating them on first use.
    pub(crate) fn base(&mut self) -> *mut u64 {
        if let Some(cells) = self.cells {
            return cells.as_ptr();
        }
        let boxed: Box<[u64]> = vec![0u64; self.capacity.max(1)].into_boxed_slice();
        let ptr = Box::into_raw(boxed) as *mut u64;
        // SAFETY: `Box::into_raw` never returns null.
        let cells = unsafe { NonNull::new_unchecked(ptr) };
        self.cells = Some(cells);
        cells.as_ptr()
    }
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        if let Some(cells) = self.cells {
            let len = self.capacity.max(1);
            // SAFETY: `cells` came from `Box::into_raw` of a boxed slice of `len` cells
            // in `base`, and is released once, here.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(cells.as_ptr(), len)) });
        }
    }
}
