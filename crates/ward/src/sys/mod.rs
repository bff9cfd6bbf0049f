//! Everything that depends on the operating system or the processor. Nothing outside
//! this folder calls libc.
//!
//! With `std`, the OS is asked (Linux and macOS; elsewhere, fallbacks). Without it,
//! `embedded` asks the embedder's [`Platform`](platform::Platform) instead.

#[cfg(feature = "std")]
mod code;
#[cfg(not(feature = "std"))]
mod embedded;
#[cfg(feature = "std")]
pub(crate) mod entry;
#[cfg(all(feature = "std", target_os = "linux"))]
mod linux;
#[cfg(all(feature = "std", target_os = "macos"))]
mod macos;
#[cfg(feature = "std")]
mod mmap;
#[cfg(feature = "std")]
pub(crate) mod perf_map;
pub(crate) mod platform;
#[cfg(all(feature = "std", unix))]
mod unix;

#[cfg(feature = "std")]
pub(crate) use code::CodeMemory;
#[cfg(not(feature = "std"))]
pub(crate) use embedded::{
    advise_huge_pages, symbols_bound_at_load, thread_stack, CodeMemory, Mmap,
};
#[cfg(all(feature = "std", target_os = "linux"))]
pub(crate) use linux::{advise_huge_pages, symbols_bound_at_load, thread_stack};
#[cfg(all(feature = "std", target_os = "macos"))]
pub(crate) use macos::{symbols_bound_at_load, thread_stack};
#[cfg(all(feature = "cranelift", unix))]
pub(crate) use unix::install_trap_hook;
#[cfg(all(feature = "std", unix))]
pub(crate) use unix::{abort_with_message, install_overflow_handler, page_size};

/// The native stack of the current thread: `[low, high)`; the stack grows down toward
/// `low`, below which the guard page (or the end of the growable region) lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadStack {
    /// The lowest usable address.
    pub low: usize,
    /// One past the highest address.
    pub high: usize,
}

impl ThreadStack {
    /// The stack's size in bytes.
    pub fn size(&self) -> usize {
        self.high - self.low
    }
}

/// How much stack is assumed to remain below the first entry when the platform cannot
/// say where the stack ends. 256 KiB is less than the smallest default thread stack of
/// the platforms ward runs on (512 KiB on macOS secondary threads).
#[cfg(all(feature = "std", not(any(target_os = "linux", target_os = "macos"))))]
pub(crate) const FALLBACK_STACK: usize = 256 * 1024;

/// Without a way to ask the OS, the stack is assumed to extend [`FALLBACK_STACK`]
/// below the current stack pointer.
#[cfg(all(feature = "std", not(any(target_os = "linux", target_os = "macos"))))]
pub(crate) fn thread_stack() -> Option<ThreadStack> {
    let sp = stack_pointer();
    Some(ThreadStack {
        low: sp.saturating_sub(FALLBACK_STACK),
        high: sp,
    })
}

/// Unknown on this platform.
#[cfg(all(feature = "std", not(any(target_os = "linux", target_os = "macos"))))]
pub(crate) fn symbols_bound_at_load() -> Option<bool> {
    None
}

#[cfg(all(feature = "std", unix))]
pub(crate) use mmap::map_anonymous;
#[cfg(feature = "std")]
pub(crate) use mmap::Mmap;

/// No handler on this platform: an overflow in host code ends the process as the
/// platform decides.
#[cfg(all(feature = "std", not(unix)))]
pub(crate) fn install_overflow_handler(_hook: fn(usize)) {}

/// Compiled code does not run on this platform: there are no traps to hook.
#[cfg(all(feature = "cranelift", not(unix)))]
pub(crate) fn install_trap_hook(_hook: fn(entry::Fault) -> Option<usize>) {}

/// Transparent huge pages are a Linux feature: elsewhere the hint is dropped.
#[cfg(all(feature = "std", not(target_os = "linux")))]
pub(crate) fn advise_huge_pages(_ptr: *mut u8, _len: usize) {}

/// Writes the parts of a message to stderr and aborts.
#[cfg(all(feature = "std", not(unix)))]
pub(crate) fn abort_with_message(parts: &[&[u8]]) -> ! {
    use std::io::Write;
    let mut err = std::io::stderr();
    for part in parts {
        let _ = err.write_all(part);
    }
    std::process::abort()
}

/// The usual page size where the platform cannot be asked.
#[cfg(all(feature = "std", not(unix)))]
pub(crate) fn page_size() -> usize {
    4096
}

/// The current stack pointer.
#[inline(always)]
pub fn stack_pointer() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let sp: usize;
        // SAFETY: reads a register; touches no memory.
        unsafe {
            core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(target_arch = "aarch64")]
    {
        let sp: usize;
        // SAFETY: reads a register; touches no memory.
        unsafe {
            core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        // The address of a local is within a few bytes of the stack pointer.
        let marker = 0u8;
        core::hint::black_box(&marker) as *const u8 as usize
    }
}
