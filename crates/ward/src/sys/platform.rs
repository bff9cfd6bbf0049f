//! The platform as ward sees it: the one interface an embedder implements to run ward
//! without the standard library.
//!
//! With `std`, ward asks the operating system itself (Linux and macOS, see the rest of
//! `sys`), and [`Os`] implements [`Platform`] with the same answers. Without `std`, the
//! embedder installs its platform once with [`set_platform`] before the first call into
//! wasm. Until it does, the native stack's bounds are unknown, and every entry into wasm
//! traps with a native stack overflow rather than run on a stack nobody measured.

use core::ptr::NonNull;

use super::ThreadStack;

/// What ward needs from the platform it runs on.
///
/// Everything but [`Platform::thread_stack`] has a default that works anywhere: linear
/// memories and the wasm stack then live on the global allocator, and a memory moves
/// (its bytes copied) when it grows past its allocation.
pub trait Platform: Sync {
    /// The native stack of the calling thread. ward checks every entry into wasm and
    /// every host call against its lower end, so that no module can overflow it.
    /// `None` when the platform cannot say: ward then trusts nothing below the stack
    /// pointer, and calls into wasm trap with
    /// [`TrapKind::NativeStackOverflow`](crate::TrapKind::NativeStackOverflow).
    fn thread_stack(&self) -> Option<ThreadStack>;

    /// The granularity of [`Platform::reserve`] and [`Platform::commit`], a power of
    /// two.
    fn page_size(&self) -> usize {
        4096
    }

    /// Reserves `len` bytes (a multiple of the page size) of address space that stays
    /// at its address and faults on access until committed; `None` when the platform
    /// cannot (the default: it has no virtual memory). Linear memories reserve room to
    /// grow in place this way, and fall back to the allocator without it.
    fn reserve(&self, len: usize) -> Option<NonNull<u8>> {
        let _ = len;
        None
    }

    /// Makes `[ptr, ptr + len)` of a reservation readable and writable, zero-filled;
    /// false when the platform refuses (out of memory).
    ///
    /// # Safety
    ///
    /// The range lies inside one reservation of this platform, not committed before.
    unsafe fn commit(&self, ptr: NonNull<u8>, len: usize) -> bool {
        let _ = (ptr, len);
        false
    }

    /// Releases a whole reservation.
    ///
    /// # Safety
    ///
    /// `ptr` and `len` are those of a reservation of this platform, released once;
    /// nothing refers to its memory any more.
    unsafe fn release(&self, ptr: NonNull<u8>, len: usize) {
        let _ = (ptr, len);
    }
}

/// The operating system's answers, as ward itself uses them with `std`.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Os;

#[cfg(feature = "std")]
impl Platform for Os {
    fn thread_stack(&self) -> Option<ThreadStack> {
        super::thread_stack()
    }

    fn page_size(&self) -> usize {
        super::page_size()
    }

    fn reserve(&self, len: usize) -> Option<NonNull<u8>> {
        super::mmap::reserve(len).ok()
    }

    unsafe fn commit(&self, ptr: NonNull<u8>, len: usize) -> bool {
        // SAFETY: the caller passes a range of one of `reserve`'s reservations, not
        // committed yet.
        unsafe { super::mmap::commit(ptr.as_ptr(), len).is_ok() }
    }

    unsafe fn release(&self, ptr: NonNull<u8>, len: usize) {
        // SAFETY: the caller passes a whole reservation of `reserve`, released once.
        unsafe { super::mmap::release(ptr, len) }
    }
}

/// The platform of a build without `std`, once installed.
#[cfg(not(feature = "std"))]
static PLATFORM: spin::Once<&'static dyn Platform> = spin::Once::new();

/// Installs the platform ward runs on, once per program, before the first call into
/// wasm; false (and the platform is not replaced) when one is installed already.
#[cfg(not(feature = "std"))]
pub fn set_platform(platform: &'static dyn Platform) -> bool {
    let mut installed = false;
    PLATFORM.call_once(|| {
        installed = true;
        platform
    });
    installed
}

/// The installed platform, if any.
#[cfg(not(feature = "std"))]
pub(crate) fn platform() -> Option<&'static dyn Platform> {
    PLATFORM.get().copied()
}
