//! Reserved address ranges for linear memories.
//!
//! A [`Mmap`] reserves a range of address space with no access and no memory behind it
//! (`PROT_NONE`, `MAP_NORESERVE`); [`Mmap::make_accessible`] opens a prefix of it for
//! reading and writing. Pages come zeroed from the kernel and cost nothing until they
//! are touched, so a memory that reserves gigabytes uses only what the guest writes.
//! The range never moves while the `Mmap` lives: that is what lets a memory grow in
//! place, with the rest of the reservation (and a guard region after it) inaccessible.

use std::io;
use std::ptr::NonNull;

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
    #[cfg(test)]
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
        if self.len != 0 {
            // SAFETY: the range was reserved by `reserve` and is released once; nothing
            // refers to it any more (its owner is being dropped).
            unsafe { imp::release(self.ptr, self.len) };
        }
    }
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
