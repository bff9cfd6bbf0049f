//! Linux: the thread's stack from glibc or musl, and how the dynamic linker binds symbols.

use crate::prelude::*;
use core::mem::MaybeUninit;

use super::ThreadStack;

/// The current thread's stack. For the main thread the C library derives it from the
/// stack mapping and `RLIMIT_STACK`, so a small `ulimit -s` is seen; for other threads
/// it is the stack they were created with, whose lowest address lies just above the
/// guard page.
pub(crate) fn thread_stack() -> Option<ThreadStack> {
    #[cfg(target_env = "gnu")]
    if is_main_thread() {
        if let Some(stack) = main_thread_stack() {
            return Some(stack);
        }
    }
    pthread_stack()
}

/// The current thread's stack, from `pthread_getattr_np`.
fn pthread_stack() -> Option<ThreadStack> {
    let mut attr = MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is initialised by `pthread_getattr_np` before it is read and is
    // destroyed once; `addr` and `size` are written by `pthread_attr_getstack`.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let mut addr = core::ptr::null_mut();
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

#[cfg(target_env = "gnu")]
fn is_main_thread() -> bool {
    // SAFETY: neither call has preconditions.
    unsafe { libc::gettid() == libc::getpid() }
}

/// The main thread's stack as glibc's `pthread_getattr_np` reports it, computed the same
/// way: from the stack mapping in `/proc/self/maps` (the one holding
/// `__libc_stack_end`), `RLIMIT_STACK`, and the end of the mapping below, which the
/// stack cannot grow into. glibc scans the file with `sscanf`, which costs about
/// 100,000 instructions, an eighth of a whole hello-world run; this parser costs a few
/// thousand. `None` when any step fails: the caller then asks glibc.
#[cfg(target_env = "gnu")]
fn main_thread_stack() -> Option<ThreadStack> {
    unsafe extern "C" {
        /// The top of the main thread's stack at process start (exported by ld.so).
        static __libc_stack_end: *mut libc::c_void;
    }
    // SAFETY: the dynamic linker sets `__libc_stack_end` before any code of the
    // program runs, and nothing writes it afterwards.
    let stack_end = unsafe { __libc_stack_end } as usize;
    // SAFETY: `sysconf` has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
    if stack_end == 0 || !page.is_power_of_two() {
        return None;
    }
    let mut limit = MaybeUninit::<libc::rlimit>::uninit();
    // SAFETY: `getrlimit` writes `limit` when it returns 0, and only then is it read.
    let limit = unsafe {
        if libc::getrlimit(libc::RLIMIT_STACK, limit.as_mut_ptr()) != 0 {
            return None;
        }
        limit.assume_init().rlim_cur
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let high = (stack_end & !(page - 1)) + page;
    let maps = read_maps()?;
    let mut below = 0;
    for line in maps.split(|&b| b == b'\n') {
        let Some((from, to)) = mapping_range(line) else {
            continue;
        };
        if (from..to).contains(&stack_end) {
            let size = limit.saturating_sub(to.saturating_sub(high)) & !(page - 1);
            let size = size.min(high.saturating_sub(below));
            return Some(ThreadStack {
                low: high - size,
                high,
            });
        }
        below = to;
    }
    None
}

/// The contents of `/proc/self/maps`, read with plain system calls: this runs on the
/// first entry into wasm on a thread, before ward knows how much stack is left, so it
/// keeps its frames small (`std::fs::read` takes over a kilobyte more in debug builds).
#[cfg(target_env = "gnu")]
fn read_maps() -> Option<Vec<u8>> {
    // SAFETY: the path is NUL-terminated; the descriptor is closed below.
    let fd = unsafe {
        libc::open(
            c"/proc/self/maps".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return None;
    }
    let mut maps = Vec::with_capacity(8192);
    let ok = loop {
        if maps.capacity() - maps.len() < 4096 {
            maps.reserve(maps.capacity());
        }
        let spare = maps.spare_capacity_mut();
        // SAFETY: `spare` is writable memory of `spare.len()` bytes owned by `maps`.
        let n = unsafe { libc::read(fd, spare.as_mut_ptr().cast(), spare.len()) };
        match n {
            0 => break true,
            n if n > 0 => {
                // SAFETY: `read` initialised the first `n` spare bytes.
                unsafe { maps.set_len(maps.len() + n as usize) };
            }
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            _ => break false,
        }
    };
    // SAFETY: `fd` is open and owned here.
    unsafe { libc::close(fd) };
    ok.then_some(maps)
}

/// The address range at the start of a `/proc/self/maps` line: `from-to ...`.
#[cfg(target_env = "gnu")]
fn mapping_range(line: &[u8]) -> Option<(usize, usize)> {
    let hex = |digits: &[u8]| {
        let digits = core::str::from_utf8(digits).ok()?;
        usize::from_str_radix(digits, 16).ok()
    };
    let dash = line.iter().position(|&b| b == b'-')?;
    let end = line.iter().position(|&b| b == b' ')?;
    if end <= dash {
        return None;
    }
    Some((hex(&line[..dash])?, hex(&line[dash + 1..end])?))
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

#[cfg(all(test, target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn mapping_ranges_parse() {
        let line =
            b"7ffc1a2b3000-7ffc1a2d4000 rw-p 00000000 00:00 0                          [stack]";
        assert_eq!(mapping_range(line), Some((0x7ffc1a2b3000, 0x7ffc1a2d4000)));
        assert_eq!(mapping_range(b""), None);
        assert_eq!(mapping_range(b"zz-10 r--p"), None);
        assert_eq!(mapping_range(b"10 20-30"), None);
    }

    #[test]
    fn the_main_thread_stack_is_found_from_any_thread() {
        // Tests run on spawned threads: this reads the main thread's mapping all the same
        // (tests/stack_main_thread.rs compares it with the C library's answer there).
        let stack = main_thread_stack().expect("the stack mapping is in /proc/self/maps");
        // SAFETY: as in `main_thread_stack`.
        let end = unsafe {
            unsafe extern "C" {
                static __libc_stack_end: *mut libc::c_void;
            }
            __libc_stack_end as usize
        };
        assert!(
            stack.low < end && end < stack.high,
            "{stack:?} holds {end:#x}"
        );
    }
}
