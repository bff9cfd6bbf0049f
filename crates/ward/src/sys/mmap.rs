//! Reserved address ranges for linear memories.
//!
//! A [`Mmap`] reserves a range of address space with no access and no memory behind it
//! (`PROT_NONE`, `MAP_NORESERVE`); [`Mmap::make_accessible`] opens a prefix of it for
//! reading and writing. Pages come zeroed from the kernel and cost nothing until they
//! are touched, so a memory that reserves gigabytes uses only what the guest writes.
//! The range never moves while the `Mmap` lives: that is what lets a memory grow in
//! place, with the rest of the reservation (and a guard region after it) inaccessible.
//!
//! Mapping and unmapping gigabytes of address space costs the kernel more than the
//! memory's few touched pages (a 6 GiB reservation made instantiating a 1 MiB memory
//! take 21.8 µs against 12.0 µs for a heap block). A released reservation is therefore
//! kept for reuse ([`SPARE`]): its pages are given back to the kernel (they read as zero
//! again) and made inaccessible, and the next reservation of the same size takes it.

use std::io;
use std::ptr::NonNull;

/// How many released reservations are kept for reuse: enough for the memories of a few
/// instances created and dropped in turn; address space only, no memory.
const MAX_SPARE: usize = 16;

/// Released reservations, reset (no accessible page, every page zero), by address and
/// length.
#[cfg(unix)]
static SPARE: std::sync::Mutex<Vec<(usize, usize)>> = std::sync::Mutex::new(Vec::new());

/// A reserved range of address space, of which a prefix is accessible.
#[derive(Debug)]
pub(crate) struct Mmap {
    ptr: NonNull<u8>,
    len: usize,
    accessible: usize,
}

// SAFETY: the mapping is owned by the `Mmap` alone, like a `Box<[u8]>`.
unsafe impl Send for Mmap {}
// SAFETY: shared access never writes through the pointer.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// An empty reservation: no mapping at all.
    pub(crate) fn new_empty() -> Mmap {
        Mmap {
            ptr: NonNull::dangling(),
            len: 0,
            accessible: 0,
        }
    }

    /// Reserves `len` bytes (rounded up to whole pages) of inaccessible address space.
    ///
    /// # Errors
    ///
    /// When the address space cannot be reserved.
    pub(crate) fn reserve(len: usize) -> io::Result<Mmap> {
        if len == 0 {
            return Ok(Mmap::new_empty());
        }
        let len = round_up_to_page(len)?;
        if let Some(ptr) = take_spare(len) {
            return Ok(Mmap {
                ptr,
                len,
                accessible: 0,
            });
        }
        let ptr = imp::reserve(len)?;
        Ok(Mmap {
            ptr,
            len,
            accessible: 0,
        })
    }

    /// Makes the first `len` bytes (rounded up to whole pages) readable and writable.
    /// Bytes that become accessible read as zero. Shrinking is not supported: a
    /// smaller `len` than what is accessible already changes nothing.
    ///
    /// # Errors
    ///
    /// When `len` exceeds the reservation or the system refuses.
    pub(crate) fn make_accessible(&mut self, len: usize) -> io::Result<()> {
        if len <= self.accessible {
            return Ok(());
        }
        let len = round_up_to_page(len)?;
        if len > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "past the end of the reservation",
            ));
        }
        let start = self.accessible;
        // SAFETY: `[start, len)` lies inside this reservation (checked above) and is
        // not accessible yet, so nothing in Rust refers to it.
        unsafe { imp::make_accessible(self.ptr.as_ptr().add(start), len - start)? };
        self.accessible = len;
        Ok(())
    }

    /// The start of the range.
    pub(crate) fn as_mut_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The size of the whole reservation.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The size of the accessible prefix.
    #[cfg(test)]
    pub(crate) fn accessible(&self) -> usize {
        self.accessible
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        if self.len == 0 || self.keep_spare() {
            return;
        }
        // SAFETY: the range was reserved by `reserve` and is released once; nothing
        // refers to it any more (its owner is being dropped).
        unsafe { imp::release(self.ptr, self.len) };
    }
}

impl Mmap {
    /// Resets the reservation and keeps it in [`SPARE`]; false when it cannot (the
    /// list is full, or the system refused the reset), and it is to be released.
    #[cfg(unix)]
    fn keep_spare(&mut self) -> bool {
        let Ok(mut spare) = SPARE.lock() else {
            return false;
        };
        if spare.len() >= MAX_SPARE {
            return false;
        }
        // SAFETY: the accessible prefix is this reservation's own, and nothing refers
        // to it any more (its owner is being dropped).
        if unsafe { imp::reset(self.ptr.as_ptr(), self.accessible) }.is_err() {
            return false;
        }
        spare.push((self.ptr.as_ptr() as usize, self.len));
        true
    }

    #[cfg(not(unix))]
    fn keep_spare(&mut self) -> bool {
        false
    }
}

/// A kept reservation of exactly `len` bytes, if there is one.
#[cfg(unix)]
fn take_spare(len: usize) -> Option<NonNull<u8>> {
    let mut spare = SPARE.lock().ok()?;
    let at = spare.iter().position(|&(_, l)| l == len)?;
    let (ptr, _) = spare.swap_remove(at);
    NonNull::new(ptr as *mut u8)
}

#[cfg(not(unix))]
fn take_spare(_len: usize) -> Option<NonNull<u8>> {
    None
}

fn round_up_to_page(len: usize) -> io::Result<usize> {
    let page = super::page_size();
    len.checked_next_multiple_of(page)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "size overflows"))
}

#[cfg(unix)]
mod imp {
    use std::io;
    use std::ptr::NonNull;

    pub(super) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        // SAFETY: a fresh private anonymous mapping at an address of the kernel's
        // choosing; it replaces nothing.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        NonNull::new(ptr.cast()).ok_or_else(|| io::Error::other("mmap returned null"))
    }

    /// # Safety
    ///
    /// `[ptr, ptr + len)` is part of a reservation of ours that nothing refers to.
    pub(super) unsafe fn make_accessible(ptr: *mut u8, len: usize) -> io::Result<()> {
        // SAFETY: guaranteed by the caller.
        let rc = unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_READ | libc::PROT_WRITE) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Gives the pages of the accessible prefix `[ptr, ptr + accessible)` back to the
    /// kernel (a private anonymous mapping reads as zero afterwards) and makes it
    /// inaccessible again.
    ///
    /// # Safety
    ///
    /// The range is the accessible prefix of a reservation of ours that nothing refers
    /// to.
    pub(super) unsafe fn reset(ptr: *mut u8, accessible: usize) -> io::Result<()> {
        if accessible == 0 {
            return Ok(());
        }
        // SAFETY: guaranteed by the caller.
        if unsafe { libc::madvise(ptr.cast(), accessible, libc::MADV_DONTNEED) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above.
        if unsafe { libc::mprotect(ptr.cast(), accessible, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// # Safety
    ///
    /// `[ptr, ptr + len)` is a whole reservation of ours, released once.
    pub(super) unsafe fn release(ptr: NonNull<u8>, len: usize) {
        // SAFETY: guaranteed by the caller. A failure leaves the mapping in place: a
        // leak of address space, not a safety problem.
        unsafe { libc::munmap(ptr.as_ptr().cast(), len) };
    }
}

/// Without virtual memory calls, a reservation is a zeroed heap block, all of it
/// committed: memories there reserve nothing beyond their current size (see
/// `Config::memory_reservation`), so they move when they grow.
#[cfg(not(unix))]
mod imp {
    use std::alloc::Layout;
    use std::io;
    use std::ptr::NonNull;

    const ALIGN: usize = 4096;

    pub(super) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        let layout = Layout::from_size_align(len, ALIGN)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "size overflows"))?;
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        NonNull::new(ptr).ok_or_else(|| io::Error::new(io::ErrorKind::OutOfMemory, "out of memory"))
    }

    /// # Safety
    ///
    /// As the unix version; the block is accessible already.
    pub(super) unsafe fn make_accessible(_ptr: *mut u8, _len: usize) -> io::Result<()> {
        Ok(())
    }

    /// # Safety
    ///
    /// `ptr` came from `reserve(len)` and is released once.
    pub(super) unsafe fn release(ptr: NonNull<u8>, len: usize) {
        let layout = Layout::from_size_align(len, ALIGN).expect("checked by reserve");
        // SAFETY: guaranteed by the caller.
        unsafe { std::alloc::dealloc(ptr.as_ptr(), layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_in_place_and_reads_zero() {
        let page = super::super::page_size();
        let mut map = Mmap::reserve(16 * page).unwrap();
        let base = map.as_mut_ptr();
        assert_eq!(map.accessible(), 0);
        map.make_accessible(1).unwrap();
        assert_eq!(map.accessible(), page);
        // SAFETY: the first page is accessible.
        unsafe {
            assert_eq!(*base, 0);
            *base.add(page - 1) = 7;
        }
        map.make_accessible(3 * page).unwrap();
        assert_eq!(map.as_mut_ptr(), base, "the range never moves");
        // SAFETY: three pages are accessible.
        unsafe {
            assert_eq!(*base.add(page - 1), 7);
            assert_eq!(*base.add(3 * page - 1), 0);
        }
        assert!(map.make_accessible(17 * page).is_err());
        assert_eq!(map.len(), 16 * page);
    }

    /// A released reservation is reused by the next of its size, inaccessible and
    /// zeroed again.
    #[cfg(unix)]
    #[test]
    fn a_reused_reservation_reads_zero() {
        let page = super::super::page_size();
        // A size no other test reserves, so that the reuse is of this test's own.
        let len = 37 * page;
        let mut first = Mmap::reserve(len).unwrap();
        first.make_accessible(5 * page).unwrap();
        // SAFETY: five pages are accessible.
        unsafe { std::ptr::write_bytes(first.as_mut_ptr(), 0xa5, 5 * page) };
        let address = first.as_mut_ptr();
        drop(first);
        let mut second = Mmap::reserve(len).unwrap();
        assert_eq!(second.as_mut_ptr(), address, "the reservation is reused");
        assert_eq!(second.accessible(), 0);
        second.make_accessible(5 * page).unwrap();
        // SAFETY: five pages are accessible.
        let bytes = unsafe { std::slice::from_raw_parts(second.as_mut_ptr(), 5 * page) };
        assert!(bytes.iter().all(|&b| b == 0));
    }

    #[test]
    fn empty_reservations_map_nothing() {
        let mut map = Mmap::reserve(0).unwrap();
        assert_eq!(map.len(), 0);
        map.make_accessible(0).unwrap();
        assert!(map.make_accessible(1).is_err());
    }

    #[cfg(all(unix, target_pointer_width = "64"))]
    #[test]
    fn reserving_gigabytes_costs_no_memory() {
        // Far more than the machine's memory: only address space is taken.
        let maps: Vec<Mmap> = (0..64).map(|_| Mmap::reserve(8 << 30).unwrap()).collect();
        assert!(maps.iter().all(|m| m.len() == 8 << 30));
    }
}
