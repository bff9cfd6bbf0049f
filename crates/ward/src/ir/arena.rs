//! The memory that holds a module's translated code.
//!
//! A translated function lives as long as its module: none is ever freed alone. So
//! rather than three heap blocks per function (its header, its ops, its offsets), the
//! pieces are bump-allocated from chunks that the module owns and frees all at once.
//! That saves a `malloc` per block and the allocator's per-block header, and, above
//! all, page faults: code is the bulk of a big module's memory (32 bytes per op), and
//! chunks of 2 MiB and more are aligned to 2 MiB and offered to the kernel for
//! transparent huge pages, so that one fault maps 2 MiB of code instead of 4 KiB.
//!
//! Measured on the `startup` benchmark (6.67 MB, 101,564 functions, all called once;
//! 64 MB of translated code), 2-core AMD EPYC with THP on `madvise`: page faults
//! 23,200 -> 6,900, run time 255 ms -> 218 ms (median of 10).

use crate::prelude::*;
use alloc::alloc::Layout;
use core::ops::Deref;
use core::ptr::NonNull;

use super::CompiledFunc;

/// The first chunk's size: small, so that a small module's code costs little.
const FIRST_CHUNK: usize = 16 * 1024;

/// The size the doubling of chunk sizes stops at. Two huge pages: the unused tail of
/// the last chunk costs address space, and at most one partly used huge page of memory.
const MAX_CHUNK: usize = 4 * 1024 * 1024;

/// The transparent huge page size of x86-64 (and of aarch64 with 4 KiB pages): chunks
/// of at least this size are aligned to it and advised as huge-page candidates.
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// The smallest alignment of a chunk: enough for every type the arena holds (`u128`).
const CHUNK_ALIGN: usize = 16;

/// A bump allocator for translated code, owned by one module.
pub(crate) struct CodeArena {
    /// Every chunk, for `Drop`.
    chunks: Vec<(NonNull<u8>, Layout)>,
    /// The free part of the newest chunk: its start and length.
    free: *mut u8,
    left: usize,
    /// The size of the next chunk.
    next_size: usize,
}

// SAFETY: the arena owns its chunks exclusively; the raw pointers are not shared state.
unsafe impl Send for CodeArena {}

impl Default for CodeArena {
    fn default() -> Self {
        CodeArena {
            chunks: Vec::new(),
            free: core::ptr::null_mut(),
            left: 0,
            next_size: FIRST_CHUNK,
        }
    }
}

impl CodeArena {
    /// Reserves `layout.size()` (non-zero) bytes aligned to `layout.align()`.
    fn alloc(&mut self, layout: Layout) -> NonNull<u8> {
        let pad = self.free.align_offset(layout.align());
        let fits = pad
            .checked_add(layout.size())
            .is_some_and(|need| need <= self.left);
        if !fits {
            self.grow(layout);
            return self.alloc(layout);
        }
        // SAFETY: `pad + size <= left`: the block lies in the free part of the chunk.
        let ptr = unsafe { self.free.add(pad) };
        // SAFETY: as above, the end of the block is at most the end of the chunk.
        self.free = unsafe { ptr.add(layout.size()) };
        self.left -= pad + layout.size();
        NonNull::new(ptr).expect("a chunk is never at address zero")
    }

    /// Starts a new chunk big enough for `layout`.
    #[cold]
    fn grow(&mut self, layout: Layout) {
        let mut size = self.next_size.max(layout.size() + layout.align());
        self.next_size = (self.next_size * 2).min(MAX_CHUNK);
        let align = if size >= HUGE_PAGE {
            size = size.next_multiple_of(HUGE_PAGE);
            HUGE_PAGE
        } else {
            CHUNK_ALIGN.max(layout.align())
        };
        let chunk = Layout::from_size_align(size, align).expect("code chunk size overflows");
        // SAFETY: `chunk` has a non-zero size.
        let ptr = unsafe { alloc::alloc::alloc(chunk) };
        let Some(ptr) = NonNull::new(ptr) else {
            alloc::alloc::handle_alloc_error(chunk)
        };
        if align == HUGE_PAGE {
            crate::sys::advise_huge_pages(ptr.as_ptr(), size);
        }
        self.chunks.push((ptr, chunk));
        self.free = ptr.as_ptr();
        self.left = size;
    }

    /// Copies `items` into the arena.
    ///
    /// # Safety
    ///
    /// The slice points into the arena: it must not be dereferenced once the arena is
    /// dropped.
    pub(crate) unsafe fn alloc_slice<T: Copy>(
        &mut self,
        items: impl ExactSizeIterator<Item = T>,
    ) -> ArenaSlice<T> {
        let len = items.len();
        if len == 0 {
            return ArenaSlice {
                ptr: NonNull::dangling(),
                len: 0,
            };
        }
        let layout = Layout::array::<T>(len).expect("code size overflows");
        let ptr = self.alloc(layout).cast::<T>();
        let mut written = 0;
        for item in items.take(len) {
            // SAFETY: the block holds `len` values of `T` and `written < len`.
            unsafe { ptr.add(written).write(item) };
            written += 1;
        }
        assert_eq!(written, len, "an iterator yielded fewer items than it said");
        ArenaSlice { ptr, len }
    }

    /// Moves a translated function's header into the arena.
    ///
    /// # Safety
    ///
    /// As for [`CodeArena::alloc_slice`]: the reference must not be dereferenced once
    /// the arena is dropped.
    pub(crate) unsafe fn alloc_func(&mut self, func: CompiledFunc) -> CodeRef {
        // The arena never runs destructors; a compiled function has none to run.
        const { assert!(!core::mem::needs_drop::<CompiledFunc>()) };
        let ptr = self
            .alloc(Layout::new::<CompiledFunc>())
            .cast::<CompiledFunc>();
        // SAFETY: the block is sized and aligned for a `CompiledFunc`.
        unsafe { ptr.write(func) };
        CodeRef(ptr)
    }
}

impl CodeArena {
    /// The bytes of its chunks, used or not.
    pub(crate) fn bytes(&self) -> usize {
        self.chunks.iter().map(|(_, layout)| layout.size()).sum()
    }
}

impl Drop for CodeArena {
    fn drop(&mut self) {
        for &(ptr, layout) in &self.chunks {
            // SAFETY: each chunk was allocated by `grow` with this layout, and is freed once.
            unsafe { alloc::alloc::dealloc(ptr.as_ptr(), layout) };
        }
    }
}

/// A slice of values in a [`CodeArena`]. It does not own them: whoever holds one keeps
/// it from outliving its arena. Only [`CompiledFunc`] holds them, and compiled functions
/// live in a module's code table, which is dropped before its arena.
pub(crate) struct ArenaSlice<T> {
    ptr: NonNull<T>,
    len: usize,
}

// SAFETY: an arena slice is an immutable view of `T`s, shared as a `&[T]` would be.
unsafe impl<T: Sync> Send for ArenaSlice<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for ArenaSlice<T> {}

impl<T> Deref for ArenaSlice<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` is dangling only when `len` is zero; otherwise it points at `len`
        // initialised values in an arena that outlives `self` (see the type's docs),
        // which nothing writes after `alloc_slice`.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for ArenaSlice<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.deref().fmt(f)
    }
}

/// A translated function in a [`CodeArena`]; the same rules as for [`ArenaSlice`].
pub(crate) struct CodeRef(NonNull<CompiledFunc>);

// SAFETY: a compiled function is immutable once in the arena, and `Sync`.
unsafe impl Send for CodeRef {}
// SAFETY: as above.
unsafe impl Sync for CodeRef {}

impl Deref for CodeRef {
    type Target = CompiledFunc;

    #[inline(always)]
    fn deref(&self) -> &CompiledFunc {
        // SAFETY: written by `alloc_func` into an arena that outlives `self`.
        unsafe { self.0.as_ref() }
    }
}
