//! Executable memory for compiled code, written once and never writable again (W^X).
//!
//! A [`CodeMemory`] is mapped readable and writable, filled, then switched to readable
//! and executable before any of it runs; it is never writable and executable at once.

// Without the `cranelift` feature, the parts of this module that make or load native
// code have no user.
#![cfg_attr(not(feature = "cranelift"), allow(dead_code))]

use core::ptr::NonNull;
use std::io;

/// A mapping of machine code, executable and read-only.
#[derive(Debug)]
pub(crate) struct CodeMemory {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is owned by the `CodeMemory` alone and never written after it is
// made executable.
unsafe impl Send for CodeMemory {}
// SAFETY: as above.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `len` bytes (at least one page), lets `fill` write them, then makes them
    /// executable. `fill` receives the bytes and the address they will run at.
    ///
    /// # Errors
    ///
    /// When the system refuses the mapping or the change of protection.
    #[cfg(unix)]
    pub(crate) fn new(len: usize, fill: impl FnOnce(&mut [u8], usize)) -> io::Result<CodeMemory> {
        let page = super::page_size();
        let len = len
            .max(1)
            .checked_next_multiple_of(page)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "code size overflows"))?;
        let raw = super::map_anonymous(len, libc::PROT_READ | libc::PROT_WRITE, 0)?;
        // SAFETY: the mapping was just made, writable, `len` bytes, and is ours.
        unsafe { Self::fill_and_seal(raw.as_ptr().cast(), len, fill) }
    }

    /// Takes ownership of the fresh writable mapping `raw` of `len` bytes (or of the
    /// failure `mmap` reported), lets `fill` write it, then makes it executable.
    ///
    /// # Safety
    ///
    /// `raw` is `MAP_FAILED` or a mapping of `len` readable and writable bytes that
    /// nothing else refers to.
    #[cfg(unix)]
    unsafe fn fill_and_seal(
        raw: *mut libc::c_void,
        len: usize,
        fill: impl FnOnce(&mut [u8], usize),
    ) -> io::Result<CodeMemory> {
        if raw == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(raw.cast::<u8>()).ok_or_else(|| io::Error::other("null mapping"))?;
        let memory = CodeMemory { ptr, len };
        // SAFETY: by the caller, `len` writable bytes that nothing else refers to.
        let bytes = unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) };
        fill(bytes, ptr.as_ptr() as usize);
        // SAFETY: the mapping is ours; from here on it is never written again.
        let rc = unsafe { libc::mprotect(raw, len, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        flush_icache(ptr.as_ptr(), len);
        Ok(memory)
    }

    /// Maps `len` bytes of `file` from `offset` (a multiple of the page size) privately,
    /// lets `fill` change them (the pages it writes become copies; the others stay the
    /// file's), then makes them executable: code loaded without reading or copying it.
    ///
    /// # Errors
    ///
    /// When `offset` is not page-aligned, or the system refuses the mapping or the
    /// change of protection.
    #[cfg(unix)]
    pub(crate) fn map_file(
        file: &std::fs::File,
        offset: u64,
        len: usize,
        fill: impl FnOnce(&mut [u8], usize),
    ) -> io::Result<CodeMemory> {
        use std::os::fd::AsRawFd;
        let page = super::page_size();
        if !offset.is_multiple_of(page as u64) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "code is not page-aligned in the file",
            ));
        }
        let offset = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "offset overflows"))?;
        let len = len
            .max(1)
            .checked_next_multiple_of(page)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "code size overflows"))?;
        // SAFETY: a fresh private mapping of an open file; it replaces nothing. Its pages
        // past the end of the file's last page would fault, but the caller checked that
        // the code lies within the file, and the mapping ends at the page holding its
        // last byte.
        let raw = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                offset,
            )
        };
        // SAFETY: the mapping was just made, writable, `len` bytes, private to this
        // process.
        unsafe { Self::fill_and_seal(raw, len, fill) }
    }

    /// Maps `len` bytes of `file` from `offset` (a multiple of the page size) read-only
    /// for the time `read` takes: reading a file's contents without copying them.
    ///
    /// # Errors
    ///
    /// When `offset` is not page-aligned or the system refuses the mapping.
    #[cfg(unix)]
    pub(crate) fn read_file<R>(
        file: &std::fs::File,
        offset: u64,
        len: usize,
        read: impl FnOnce(&[u8]) -> R,
    ) -> io::Result<R> {
        use std::os::fd::AsRawFd;
        if len == 0 {
            return Ok(read(&[]));
        }
        let offset = libc::off_t::try_from(offset)
            .ok()
            .filter(|&o| o % super::page_size() as libc::off_t == 0)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "misaligned offset"))?;
        // SAFETY: a fresh private read-only mapping of an open file; it replaces
        // nothing and is unmapped below. The caller checked that the range lies within
        // the file.
        let raw = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                offset,
            )
        };
        if raw == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the mapping is `len` readable bytes, alive until unmapped below.
        let result = read(unsafe { core::slice::from_raw_parts(raw.cast::<u8>(), len) });
        // SAFETY: the mapping made above, no longer borrowed.
        unsafe { libc::munmap(raw, len) };
        Ok(result)
    }

    /// Executable memory is not supported on this platform.
    #[cfg(not(unix))]
    pub(crate) fn read_file<R>(
        _file: &std::fs::File,
        _offset: u64,
        _len: usize,
        _read: impl FnOnce(&[u8]) -> R,
    ) -> io::Result<R> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "compiled code is not supported on this platform",
        ))
    }

    /// Executable memory is not supported on this platform.
    #[cfg(not(unix))]
    pub(crate) fn map_file(
        _file: &std::fs::File,
        _offset: u64,
        _len: usize,
        _fill: impl FnOnce(&mut [u8], usize),
    ) -> io::Result<CodeMemory> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "compiled code is not supported on this platform",
        ))
    }

    /// Executable memory is not supported on this platform.
    #[cfg(not(unix))]
    pub(crate) fn new(_len: usize, _fill: impl FnOnce(&mut [u8], usize)) -> io::Result<CodeMemory> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "compiled code is not supported on this platform",
        ))
    }

    /// The address of the first byte.
    pub(crate) fn start(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    /// The size of the mapping in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for CodeMemory {
    #[cfg(unix)]
    fn drop(&mut self) {
        // SAFETY: the mapping is ours and released once; no code in it runs any more
        // (its owner, a module, is dropped only when nothing can call into it).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }

    #[cfg(not(unix))]
    fn drop(&mut self) {}
}

/// Makes freshly written code visible to instruction fetch. x86-64 keeps its caches
/// coherent; AArch64 needs the data cache cleaned and the instruction cache invalidated.
fn flush_icache(ptr: *mut u8, len: usize) {
    #[cfg(target_arch = "aarch64")]
    {
        unsafe extern "C" {
            fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
        }
        // SAFETY: the range is our mapping.
        unsafe { __clear_cache(ptr.cast(), ptr.add(len).cast()) };
    }
    #[cfg(not(target_arch = "aarch64"))]
    let _ = (ptr, len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn mapped_code_runs() {
        // mov eax, 42; ret
        let code = [0xb8, 42, 0, 0, 0, 0xc3];
        let memory = CodeMemory::new(code.len(), |bytes, _| {
            bytes[..code.len()].copy_from_slice(&code)
        })
        .unwrap();
        // SAFETY: the mapping holds a complete function of this signature.
        let f: extern "C" fn() -> i32 = unsafe { core::mem::transmute(memory.start()) };
        assert_eq!(f(), 42);
        assert!(memory.len() >= code.len());
    }
}
