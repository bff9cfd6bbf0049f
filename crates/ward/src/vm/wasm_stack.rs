//! The wasm stack: value cells and call frames, with a fixed budget per store. (The
//! native stack, the thread's machine stack, is `native_stack`'s concern.)

use crate::prelude::*;
use core::ptr::NonNull;

use crate::config::FRAME_COST_BYTES;
use crate::ir::{CompiledFunc, Instr};
use crate::sys::Mmap;

use super::VMContext;

/// The saved state of a caller while its callee runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Where the caller resumes.
    pub ip: *const Instr,
    /// The caller's frame base, in cells from the start of the stack.
    pub fbase: usize,
    pub code: *const CompiledFunc,
    /// The caller's instance.
    pub vmctx: *mut VMContext,
}

/// The value cells of every active wasm frame of a store, and the frames' records.
///
/// The cells are one allocation that never moves: the executor and host functions hold
/// raw pointers into it while a host function re-enters wasm above them. It is allocated
/// zeroed on first use, so an idle store costs no memory.
///
/// The cells are a mapping of their own, not a heap block: its pages are zero when they
/// are first touched, and only those a call reaches become memory. A zeroed heap block
/// of the same size may have to be cleared whole: glibc's allocator reuses freed blocks,
/// and a freed 1 MiB block raises its threshold for mapping fresh ones. That cost 20 µs
/// per store where each request gets a store of its own. A dropped store's mapping is
/// reset and kept for the next (see `sys::Mmap`).
pub(crate) struct WasmStack {
    cells: Option<Cells>,
    capacity: usize,
    /// Cells in use by the activations on the native stack (host calls wait above them).
    top: usize,
    frames: Vec<Frame>,
    max_frames: usize,
}

/// Where the cells are.
enum Cells {
    /// A mapping, all of it accessible.
    Mapped(Mmap),
    /// A heap block of this many cells (from `Box::into_raw`), where the address space
    /// for a mapping was short. Held as a raw pointer, not a `Box`, so that the pointers
    /// handed out earlier stay valid when [`WasmStack::base`] is called again.
    Heap(NonNull<u64>, usize),
}

// SAFETY: the cells are owned by the stack (like a `Box<[u64]>`), and the frames'
// pointers are only dereferenced by the executor, which holds the store mutably.
unsafe impl Send for WasmStack {}
// SAFETY: shared access never dereferences a pointer.
unsafe impl Sync for WasmStack {}

impl WasmStack {
    /// A stack of `bytes` bytes: cells of 8 bytes, and frames of [`FRAME_COST_BYTES`].
    pub(crate) fn new(bytes: usize) -> WasmStack {
        WasmStack {
            cells: None,
            capacity: bytes / 8,
            top: 0,
            frames: Vec::new(),
            max_frames: (bytes / FRAME_COST_BYTES).max(1),
        }
    }

    /// The bytes it holds: the cells once allocated, and the frames' records.
    pub(crate) fn bytes(&self) -> usize {
        let cells = if self.cells.is_some() {
            self.capacity.max(1) * core::mem::size_of::<u64>()
        } else {
            0
        };
        cells + self.frames.capacity() * core::mem::size_of::<Frame>()
    }

    /// The number of cells.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The first cell not in use by an activation.
    pub(crate) fn top(&self) -> usize {
        self.top
    }

    /// Sets the first cell not in use; returns the previous value.
    pub(crate) fn set_top(&mut self, top: usize) -> usize {
        core::mem::replace(&mut self.top, top)
    }

    /// The base of the cells, allocating them on first use.
    pub(crate) fn base(&mut self) -> *mut u64 {
        match self
            .cells
            .get_or_insert_with(|| Cells::new(self.capacity.max(1)))
        {
            Cells::Mapped(map) => map.as_mut_ptr().cast(),
            Cells::Heap(cells, _) => cells.as_ptr(),
        }
    }

    /// The number of frames of all activations.
    #[inline(always)]
    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Pushes a caller's frame; false when the stack holds as many as it may.
    #[inline(always)]
    pub(crate) fn push_frame(&mut self, frame: Frame) -> bool {
        if self.frames.len() >= self.max_frames {
            return false;
        }
        self.frames.push(frame);
        true
    }

    /// Whether one more frame fits.
    #[inline(always)]
    pub(crate) fn has_frame_room(&self) -> bool {
        self.frames.len() < self.max_frames
    }

    /// Pops the newest frame, unless there are only `floor` left.
    #[inline(always)]
    pub(crate) fn pop_frame_above(&mut self, floor: usize) -> Option<Frame> {
        if self.frames.len() <= floor {
            return None;
        }
        self.frames.pop()
    }

    /// The frames above depth `floor`, oldest first.
    pub(crate) fn frames_above(&self, floor: usize) -> &[Frame] {
        &self.frames[floor.min(self.frames.len())..]
    }

    /// Drops the frames above depth `floor` (after a trap).
    pub(crate) fn truncate_frames(&mut self, floor: usize) {
        self.frames.truncate(floor);
    }
}

impl Cells {
    /// `count` zeroed cells.
    fn new(count: usize) -> Cells {
        let bytes = count * core::mem::size_of::<u64>();
        match Mmap::reserve_accessible(bytes, bytes) {
            Ok(map) => Cells::Mapped(map),
            Err(_) => {
                let cells = Box::into_raw(vec![0u64; count].into_boxed_slice());
                // SAFETY: `Box::into_raw` never returns null.
                Cells::Heap(unsafe { NonNull::new_unchecked(cells.cast()) }, count)
            }
        }
    }
}

impl Drop for Cells {
    fn drop(&mut self) {
        if let Cells::Heap(cells, count) = *self {
            // SAFETY: `cells` came from `Box::into_raw` of a boxed slice of `count` cells
            // in `Cells::new`, and is released once, here.
            drop(unsafe {
                Box::from_raw(core::ptr::slice_from_raw_parts_mut(cells.as_ptr(), count))
            });
        }
    }
}
