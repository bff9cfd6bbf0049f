//! The platform layer of a build without `std`: what the OS layer answers elsewhere
//! comes from the embedder's [`Platform`](super::platform::Platform), and what needs an
//! operating system (executable memory, signal handlers) does not exist.

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use super::platform::platform;
use super::ThreadStack;

/// The installed platform's answer; none without a platform.
pub(crate) fn thread_stack() -> Option<ThreadStack> {
    platform()?.thread_stack()
}

/// Unknown without an operating system.
pub(crate) fn symbols_bound_at_load() -> Option<bool> {
    None
}

/// No huge pages without an operating system.
pub(crate) fn advise_huge_pages(_ptr: *mut u8, _len: usize) {}

/// The installed platform's page size; 4096 without one.
pub(crate) fn page_size() -> usize {
    platform().map_or(4096, |p| p.page_size())
}

/// Executable memory: none without an operating system. No value of this type exists,
/// so native code, which owns one, cannot exist either.
#[derive(Debug)]
pub(crate) enum CodeMemory {}

impl CodeMemory {
    pub(crate) fn start(&self) -> usize {
        match *self {}
    }

    pub(crate) fn len(&self) -> usize {
        match *self {}
    }
}

/// The alignment of a range on the allocator: enough for any value a memory, table or
/// stack holds (a `v128`).
const HEAP_ALIGN: usize = 16;

/// Why a range could not be had.
#[derive(Debug)]
pub(crate) struct MapError(&'static str);

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A range of memory that stays at its address, of which a prefix is accessible: a
/// reservation of the platform's (committed as it grows), or a zeroed block of the
/// global allocator, all of it accessible.
#[derive(Debug)]
pub(crate) struct Mmap {
    ptr: NonNull<u8>,
    len: usize,
    accessible: usize,
    /// Whether the platform reserved it (else the allocator did, with page alignment).
    reserved: bool,
}

// SAFETY: the range is owned by the `Mmap` alone, like a `Box<[u8]>`.
unsafe impl Send for Mmap {}
// SAFETY: shared access never writes through the pointer.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// An empty range.
    pub(crate) fn new_empty() -> Mmap {
        Mmap {
            ptr: NonNull::dangling(),
            len: 0,
            accessible: 0,
            reserved: false,
        }
    }

    /// `len` bytes of which the first `accessible` are readable, writable and zero. A
    /// range larger than its accessible prefix is a reservation of the platform's (in
    /// whole pages); without one, that fails, and an allocation of the global allocator
    /// holds a range that is all accessible.
    pub(crate) fn reserve_accessible(len: usize, accessible: usize) -> Result<Mmap, MapError> {
        if accessible > len {
            return Err(MapError("past the end of the reservation"));
        }
        if len == 0 {
            return Ok(Mmap::new_empty());
        }
        if let Some(platform) = platform().filter(|_| accessible < len) {
            let len = round_up_to_page(len)?;
            let ptr = platform
                .reserve(len)
                .ok_or(MapError("the platform could not reserve the address space"))?;
            let mut map = Mmap {
                ptr,
                len,
                accessible: 0,
                reserved: true,
            };
            map.make_accessible(accessible)?;
            return Ok(map);
        }
        if accessible < len {
            return Err(MapError("the platform reserves no address space"));
        }
        let layout =
            Layout::from_size_align(len, HEAP_ALIGN).map_err(|_| MapError("size overflows"))?;
        // SAFETY: `layout` has a non-zero size (`len > 0`).
        let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
        let ptr = NonNull::new(ptr).ok_or(MapError("out of memory"))?;
        Ok(Mmap {
            ptr,
            len,
            accessible: len,
            reserved: false,
        })
    }

    /// Makes the first `len` bytes (rounded up to whole pages) readable, writable and,
    /// where new, zero. A smaller `len` than what is accessible changes nothing.
    pub(crate) fn make_accessible(&mut self, len: usize) -> Result<(), MapError> {
        if len <= self.accessible {
            return Ok(());
        }
        let len = round_up_to_page(len)?;
        if len > self.len || !self.reserved {
            return Err(MapError("past the end of the reservation"));
        }
        let platform = platform().ok_or(MapError("no platform"))?;
        // SAFETY: `[accessible, len)` lies inside the platform's reservation (checked
        // above) and was not committed before.
        let start = unsafe { NonNull::new_unchecked(self.ptr.as_ptr().add(self.accessible)) };
        // SAFETY: as above.
        if !unsafe { platform.commit(start, len - self.accessible) } {
            return Err(MapError("out of memory"));
        }
        self.accessible = len;
        Ok(())
    }

    /// The start of the range.
    pub(crate) fn as_mut_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The size of the whole range.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        if self.reserved {
            if let Some(platform) = platform() {
                // SAFETY: the platform reserved this range, and it is released once;
                // nothing refers to it any more (its owner is being dropped).
                unsafe { platform.release(self.ptr, self.len) };
            }
        } else {
            // SAFETY: allocated in `reserve_accessible` with this layout, valid then.
            unsafe {
                let layout = Layout::from_size_align_unchecked(self.len, HEAP_ALIGN);
                alloc::alloc::dealloc(self.ptr.as_ptr(), layout);
            }
        }
    }
}

fn round_up_to_page(len: usize) -> Result<usize, MapError> {
    len.checked_next_multiple_of(page_size())
        .ok_or(MapError("size overflows"))
}
