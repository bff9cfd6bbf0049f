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
//! again), and the next reservation of the same size takes it. Its accessible prefix
//! stays accessible, since changing protections is the dearest call of the cycle: a
//! reservation that wants the same prefix again (the next instance of the same module,
//! the next store's wasm stack) then costs no call to the kernel at all.

use crate::prelude::*;
use core::ptr::NonNull;
use std::io;

/// How many released reservations are kept for reuse: enough for the memories of a few
/// instances created and dropped in turn; address space only, no memory.
const MAX_SPARE: usize = 16;

/// A released reservation, reset: every page zero, and the first `accessible` bytes
/// still readable and writable.
#[cfg(unix)]
struct Spare {
    address: usize,
    len: usize,
    accessible: usize,
}

/// Released reservations, for reuse.
#[cfg(unix)]
static SPARE: std::sync::Mutex<Vec<Spare>> = std::sync::Mutex::new(Vec::new());

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
    #[cfg(test)]
    pub(crate) fn reserve(len: usize) -> io::Result<Mmap> {
        Mmap::reserve_accessible(len, 0)
    }

    /// Reserves `len` bytes (rounded up to whole pages) of address space of which the
    /// first `accessible` bytes (rounded up likewise) are readable, writable and zero.
    ///
    /// # Errors
    ///
    /// When the address space cannot be reserved, `accessible` exceeds `len`, or the
    /// system refuses.
    pub(crate) fn reserve_accessible(len: usize, accessible: usize) -> io::Result<Mmap> {
        if len == 0 {
            let mut map = Mmap::new_empty();
            map.make_accessible(accessible)?;
            return Ok(map);
        }
        let len = round_up_to_page(len)?;
        let accessible = round_up_to_page(accessible)?;
        let mut map = match take_spare(len, accessible) {
            Some((ptr, kept)) => Mmap {
                ptr,
                len,
                accessible: kept,
            },
            // All of it accessible: one call maps it so.
            None if accessible == len => Mmap {
                ptr: imp::map_accessible(len)?,
                len,
                accessible: len,
            },
            None => Mmap {
                ptr: imp::reserve(len)?,
                len,
                accessible: 0,
            },
        };
        if map.accessible > accessible {
            // A kept reservation with more open than wanted: close the rest, so that an
            // access past the new end faults as it must.
            // SAFETY: `[accessible, map.accessible)` is this reservation's own and
            // nothing refers to it (it was spare).
            unsafe {
                imp::make_inaccessible(
                    map.ptr.as_ptr().add(accessible),
                    map.accessible - accessible,
                )?
            };
            map.accessible = accessible;
        }
        map.make_accessible(accessible)?;
        Ok(map)
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
        spare.push(Spare {
            address: self.ptr.as_ptr() as usize,
            len: self.len,
            accessible: self.accessible,
        });
        true
    }

    #[cfg(not(unix))]
    fn keep_spare(&mut self) -> bool {
        false
    }
}

/// A kept reservation of exactly `len` bytes, if there is one, and the length of its
/// accessible prefix: one whose prefix is `accessible` long if there is one, as it needs
/// no change of protection.
#[cfg(unix)]
fn take_spare(len: usize, accessible: usize) -> Option<(NonNull<u8>, usize)> {
    let mut spare = SPARE.lock().ok()?;
    let at = spare
        .iter()
        .position(|s| s.len == len && s.accessible == accessible)
        .or_else(|| spare.iter().position(|s| s.len == len))?;
    let taken = spare.swap_remove(at);
    Some((NonNull::new(taken.address as *mut u8)?, taken.accessible))
}

#[cfg(not(unix))]
fn take_spare(_len: usize, _accessible: usize) -> Option<(NonNull<u8>, usize)> {
    None
}

fn round_up_to_page(len: usize) -> io::Result<usize> {
    let page = super::page_size();
    len.checked_next_multiple_of(page)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "size overflows"))
}

#[cfg(unix)]
pub(crate) use imp::map_anonymous;

/// The raw calls, for [`super::platform::Os`].
pub(crate) use imp::{make_accessible as commit, release, reserve};

#[cfg(unix)]
mod imp {
    use core::ptr::NonNull;
    use std::io;

    /// A fresh private anonymous mapping of `len` bytes with protection `prot`, and
    /// `flags` besides `MAP_PRIVATE | MAP_ANONYMOUS`.
    pub(crate) fn map_anonymous(
        len: usize,
        prot: libc::c_int,
        flags: libc::c_int,
    ) -> io::Result<NonNull<u8>> {
        // SAFETY: a new mapping at an address of the kernel's choosing; it replaces
        // nothing.
        let ptr = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                prot,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | flags,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        NonNull::new(ptr.cast()).ok_or_else(|| io::Error::other("mmap returned null"))
    }

    pub(crate) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        map_anonymous(len, libc::PROT_NONE, libc::MAP_NORESERVE)
    }

    /// A fresh mapping of `len` bytes, all of them readable, writable and zero.
    pub(super) fn map_accessible(len: usize) -> io::Result<NonNull<u8>> {
        map_anonymous(len, libc::PROT_READ | libc::PROT_WRITE, 0)
    }

    /// # Safety
    ///
    /// `[ptr, ptr + len)` is part of a reservation of ours that nothing refers to.
    pub(crate) unsafe fn make_accessible(ptr: *mut u8, len: usize) -> io::Result<()> {
        // SAFETY: guaranteed by the caller.
        let rc = unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_READ | libc::PROT_WRITE) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// # Safety
    ///
    /// `[ptr, ptr + len)` is part of a reservation of ours that nothing refers to.
    pub(super) unsafe fn make_inaccessible(ptr: *mut u8, len: usize) -> io::Result<()> {
        // SAFETY: guaranteed by the caller.
        if unsafe { libc::mprotect(ptr.cast(), len, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Gives the pages of the accessible prefix `[ptr, ptr + accessible)` back to the
    /// kernel: a private anonymous mapping reads as zero afterwards. The prefix stays
    /// accessible.
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
        Ok(())
    }

    /// # Safety
    ///
    /// `[ptr, ptr + len)` is a whole reservation of ours, released once.
    pub(crate) unsafe fn release(ptr: NonNull<u8>, len: usize) {
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
    use alloc::alloc::Layout;
    use core::ptr::NonNull;
    use std::io;

    const ALIGN: usize = 4096;

    pub(crate) fn reserve(len: usize) -> io::Result<NonNull<u8>> {
        let layout = Layout::from_size_align(len, ALIGN)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "size overflows"))?;
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { alloc::alloc::alloc_zeroed(layout) };
        NonNull::new(ptr).ok_or_else(|| io::Error::new(io::ErrorKind::OutOfMemory, "out of memory"))
    }

    /// A zeroed block of `len` bytes: every block here is accessible.
    pub(super) fn map_accessible(len: usize) -> io::Result<NonNull<u8>> {
        reserve(len)
    }

    /// # Safety
    ///
    /// As the unix version; the block is accessible already.
    pub(crate) unsafe fn make_accessible(_ptr: *mut u8, _len: usize) -> io::Result<()> {
        Ok(())
    }

    /// # Safety
    ///
    /// As the unix version. The block stays accessible: nothing is ever spare here
    /// (see `take_spare`), so nothing calls this.
    pub(super) unsafe fn make_inaccessible(_ptr: *mut u8, _len: usize) -> io::Result<()> {
        Ok(())
    }

    /// # Safety
    ///
    /// `ptr` came from `reserve(len)` and is released once.
    pub(crate) unsafe fn release(ptr: NonNull<u8>, len: usize) {
        let layout = Layout::from_size_align(len, ALIGN).expect("checked by reserve");
        // SAFETY: guaranteed by the caller.
        unsafe { alloc::alloc::dealloc(ptr.as_ptr(), layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Held by the tests that count on a reservation they release being the one they
    /// get next, and by the one that releases many: the spare list is the process's.
    static SPARE_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
        let _serial = SPARE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let page = super::super::page_size();
        // A size no other test reserves, so that the reuse is of this test's own.
        let len = 37 * page;
        let mut first = Mmap::reserve(len).unwrap();
        first.make_accessible(5 * page).unwrap();
        // SAFETY: five pages are accessible.
        unsafe { core::ptr::write_bytes(first.as_mut_ptr(), 0xa5, 5 * page) };
        let address = first.as_mut_ptr();
        drop(first);
        let mut second = Mmap::reserve(len).unwrap();
        assert_eq!(second.as_mut_ptr(), address, "the reservation is reused");
        assert_eq!(second.accessible(), 0);
        second.make_accessible(5 * page).unwrap();
        // SAFETY: five pages are accessible.
        let bytes = unsafe { core::slice::from_raw_parts(second.as_mut_ptr(), 5 * page) };
        assert!(bytes.iter().all(|&b| b == 0));
    }

    /// A reservation kept with an accessible prefix serves the next of its size with
    /// exactly the prefix that one asks for, zeroed, larger or smaller.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_reused_reservation_opens_exactly_what_is_asked() {
        let _serial = SPARE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let page = super::super::page_size();
        // A size no other test reserves, so that the reuse is of this test's own.
        let len = 41 * page;
        for (kept, wanted) in [(6, 6), (6, 2), (2, 9)] {
            let first = Mmap::reserve_accessible(len, kept * page).unwrap();
            let address = first.as_mut_ptr();
            // SAFETY: `kept` pages are accessible.
            unsafe { core::ptr::write_bytes(address, 0x5a, kept * page) };
            drop(first);
            let second = Mmap::reserve_accessible(len, wanted * page).unwrap();
            assert_eq!(second.as_mut_ptr(), address, "the reservation is reused");
            assert_eq!(second.accessible(), wanted * page);
            // SAFETY: `wanted` pages are accessible.
            let bytes = unsafe { core::slice::from_raw_parts(address, wanted * page) };
            assert!(
                bytes.iter().all(|&b| b == 0),
                "kept {kept}, wanted {wanted}"
            );
            // The kernel's view: readable and writable up to `wanted` pages, no access
            // from there to the end.
            let end = address as usize + wanted * page;
            let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
            let perms = |at: usize| {
                maps.lines()
                    .find_map(|line| {
                        let (range, rest) = line.split_once(' ')?;
                        let (from, to) = range.split_once('-')?;
                        let from = usize::from_str_radix(from, 16).ok()?;
                        let to = usize::from_str_radix(to, 16).ok()?;
                        (from <= at && at < to).then(|| rest[..4].to_string())
                    })
                    .unwrap()
            };
            assert_eq!(perms(end - 1), "rw-p", "kept {kept}, wanted {wanted}");
            assert_eq!(perms(end), "---p", "kept {kept}, wanted {wanted}");
            drop(second);
        }
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
        let _serial = SPARE_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        // Far more than the machine's memory: only address space is taken.
        let maps: Vec<Mmap> = (0..64).map(|_| Mmap::reserve(8 << 30).unwrap()).collect();
        assert!(maps.iter().all(|m| m.len() == 8 << 30));
    }
}
