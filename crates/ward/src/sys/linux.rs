//! Linux: the thread's stack from glibc or musl, and how the dynamic linker binds symbols.

use std::mem::MaybeUninit;

use super::ThreadStack;

/// The current thread's stack, from `pthread_getattr_np`. For the main thread the C
/// library derives it from the stack mapping and `RLIMIT_STACK`, so a small `ulimit -s`
/// is seen; for other threads it is the stack they were created with, whose lowest
/// address lies just above the guard page.
pub(crate) fn thread_stack() -> Option<ThreadStack> {
    let mut attr = MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is initialised by `pthread_getattr_np` before it is read and is
    // destroyed once; `addr` and `size` are written by `pthread_attr_getstack`.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let mut addr = std::ptr::null_mut();
        let mut size = 0usize;
        let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        if !ok || addr.is_null() || size == 0 {
            return None;
        }
        let low = addr as usize;
        Some(ThreadStack {
            low,
            high: low + size,
        })
    }
}

/// Asks the kernel to back `[ptr, ptr + len)` with transparent huge pages where it can:
/// one fault then maps 2 MiB instead of 4 KiB. A hint only: without THP support, or
/// with THP switched off, nothing changes.
pub(crate) fn advise_huge_pages(ptr: *mut u8, len: usize) {
    // SAFETY: `madvise` with MADV_HUGEPAGE changes no contents and no permissions; the
    // caller owns the (page-aligned) range. A failure is harmless and ignored.
    unsafe {
        libc::madvise(ptr as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

const DT_NULL: u64 = 0;
const DT_BIND_NOW: u64 = 24;
const DT_FLAGS: u64 = 30;
const DF_BIND_NOW: u64 = 0x8;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DF_1_NOW: u64 = 0x1;

/// Whether the dynamic linker resolved this program's symbols at load time (`-z now`,
/// or `LD_BIND_NOW`) rather than on first call through the PLT, which costs the caller
/// extra stack (about 1.5 KiB on Ubuntu 20.04, amd64). `None`: not dynamically linked.
pub(crate) fn symbols_bound_at_load() -> Option<bool> {
    if std::env::var_os("LD_BIND_NOW").is_some_and(|v| !v.is_empty()) {
        return Some(true);
    }
    let mut found: Option<bool> = None;
    // SAFETY: `dl_iterate_phdr` calls `callback` with valid program headers of each
    // loaded object; the first one is the executable. `data` points at `found`.
    unsafe {
        libc::dl_iterate_phdr(Some(callback), &mut found as *mut Option<bool> as *mut _);
    }
    found
}

unsafe extern "C" fn callback(
    info: *mut libc::dl_phdr_info,
    _size: libc::size_t,
    data: *mut libc::c_void,
) -> libc::c_int {
    // SAFETY: the caller passes a valid `info` for the executable and our `data`.
    let (info, found) = unsafe { (&*info, &mut *(data as *mut Option<bool>)) };
    for i in 0..info.dlpi_phnum as usize {
        // SAFETY: `dlpi_phdr` points at `dlpi_phnum` program headers.
        let phdr = unsafe { &*info.dlpi_phdr.add(i) };
        if phdr.p_type != libc::PT_DYNAMIC {
            continue;
        }
        let mut entry = (info.dlpi_addr as usize + phdr.p_vaddr as usize) as *const [u64; 2];
        let mut now = false;
        loop {
            // SAFETY: the dynamic section is an array of (tag, value) pairs ending in
            // DT_NULL, mapped in memory at this address.
            let [tag, value] = unsafe { *entry };
            match tag {
                DT_NULL => break,
                DT_BIND_NOW => now = true,
                DT_FLAGS if value & DF_BIND_NOW != 0 => now = true,
                DT_FLAGS_1 if value & DF_1_NOW != 0 => now = true,
                _ => {}
            }
            // SAFETY: within the array, which ends at DT_NULL.
            entry = unsafe { entry.add(1) };
        }
        *found = Some(now);
    }
    // Stop after the executable.
    1
}
