//! Measuring native stack use by painting: fill the unused stack below the stack
//! pointer with a pattern, run, and find the deepest word that changed.

use core::sync::atomic::Ordering;

use super::{stack_pointer, MEASURING, THREAD};

/// The paint: "WARDWARD" in ASCII.
const PATTERN: u64 = 0x4452_4157_4452_4157;

/// Bytes below `measure`'s stack pointer left unpainted: `paint`'s own frame and the
/// x86-64 red zone live there.
const UNPAINTED: usize = 1024;

/// What [`measure`] saw.
#[derive(Debug, Clone, Copy)]
pub struct Measurement {
    /// The stack pointer when the measurement began.
    pub top: usize,
    /// The lowest address written while the closure ran (`painted_end` when the
    /// closure reached the end of the painted region, so the true use may be more).
    pub lowest: usize,
    /// The lowest address that was painted.
    pub painted_end: usize,
    /// The lowest stack pointer of an entry-into-wasm check during the run.
    pub entry_check: Option<usize>,
    /// The lowest stack pointer of a host-call check during the run.
    pub host_check: Option<usize>,
    /// The lowest stack pointer of a lazy-translation check during the run.
    pub translate_check: Option<usize>,
}

impl Measurement {
    /// Bytes used below the measurement's start.
    pub fn used(&self) -> usize {
        self.top - self.lowest
    }

    /// Bytes used below the lowest entry check: what the guard must leave for the
    /// executor's own frames.
    pub fn below_entry_check(&self) -> Option<usize> {
        self.entry_check.map(|sp| sp.saturating_sub(self.lowest))
    }

    /// Bytes used below the lowest host-call check: ward's path to the host function
    /// plus the host function's own use.
    pub fn below_host_check(&self) -> Option<usize> {
        self.host_check.map(|sp| sp.saturating_sub(self.lowest))
    }

    /// Bytes used below the lowest lazy-translation check: what translating a function
    /// on its first call needs.
    pub fn below_translate_check(&self) -> Option<usize> {
        self.translate_check
            .map(|sp| sp.saturating_sub(self.lowest))
    }

    /// Whether the closure used all of the painted region (so `lowest` is a bound).
    pub fn saturated(&self) -> bool {
        self.lowest <= self.painted_end
    }
}

/// Runs `f` and measures the native stack it uses, up to `depth` bytes below the
/// current stack pointer (never past the thread's stack end).
#[inline(never)]
pub fn measure<R>(depth: usize, f: impl FnOnce() -> R) -> (R, Measurement) {
    let top = stack_pointer();
    THREAD.with(|t| t.init());
    let low = THREAD.with(|t| t.low.get());
    let start = (top - UNPAINTED) & !7;
    // Stay one page clear of the stack's end.
    let end = top
        .saturating_sub(depth)
        .max(low + crate::sys::page_size())
        .min(start);
    let end = (end + 7) & !7;
    // SAFETY: `[end, start)` lies in this thread's stack, below every live frame (the
    // frames of `measure`'s callers are above `top`, and `paint` runs in the unpainted
    // space between `start` and `top`).
    unsafe { paint(end, start) };
    THREAD.with(|t| {
        t.min_entry_check.set(usize::MAX);
        t.min_host_check.set(usize::MAX);
        t.min_translate_check.set(usize::MAX);
    });
    MEASURING.store(true, Ordering::Relaxed);
    let result = f();
    MEASURING.store(false, Ordering::Relaxed);
    // SAFETY: the same region, read back after `f` returned.
    let lowest = unsafe { lowest_changed(end, start) };
    let (entry, host, translate) = THREAD.with(|t| {
        (
            t.min_entry_check.get(),
            t.min_host_check.get(),
            t.min_translate_check.get(),
        )
    });
    let found = |sp: usize| (sp != usize::MAX).then_some(sp);
    (
        result,
        Measurement {
            top,
            lowest,
            painted_end: end,
            entry_check: found(entry),
            host_check: found(host),
            translate_check: found(translate),
        },
    )
}

/// Writes the pattern to the words of `[from, to)`.
///
/// # Safety
///
/// The range must be unused stack memory of the current thread.
#[inline(never)]
unsafe fn paint(from: usize, to: usize) {
    let mut at = from;
    while at < to {
        // SAFETY: the caller guarantees `[from, to)` is writable and unused.
        unsafe { core::ptr::write_volatile(at as *mut u64, PATTERN) };
        at += 8;
    }
}

/// The lowest address in `[from, to)` whose word no longer holds the pattern; `to`
/// when none changed.
///
/// # Safety
///
/// The range must be stack memory of the current thread not used by live frames.
#[inline(never)]
unsafe fn lowest_changed(from: usize, to: usize) -> usize {
    let mut at = from;
    while at < to {
        // SAFETY: the caller guarantees `[from, to)` is readable.
        if unsafe { core::ptr::read_volatile(at as *const u64) } != PATTERN {
            return at;
        }
        at += 8;
    }
    to
}
