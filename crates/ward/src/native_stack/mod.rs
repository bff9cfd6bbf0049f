//! Native stack safety.
//!
//! This is subtle: two reviews. Two stacks matter. The *wasm stack* holds wasm frames
//! and is checked by the executor on every call. The *native stack* is the thread's
//! machine stack: the executor's own activation, host functions, and every re-entry
//! from a host function into wasm use it. No wasm module may overflow it, however it
//! calls back and forth with the host.
//!
//! On the first entry into wasm on a thread, ward asks the OS where the thread's stack
//! ends (`sys::thread_stack`) and keeps it in a per-thread record; nested entries reuse
//! it. The *guard* ([`Config::native_stack_guard`](crate::Config::native_stack_guard))
//! is the native stack that must stay free below the point where ward hands control to
//! code it does not control: ward checks `sp - guard >= floor` before every host-function
//! call. At every entry into wasm (re-entries from host functions included) it checks
//! `sp - entry >= floor`, with `entry` ([`ENTRY_STACK`]) what ward's own frames need
//! below the check: a call that stays in wasm runs no foreign code. Either check traps
//! with [`TrapKind::NativeStackOverflow`] when it fails. The floor is the stack's end,
//! raised to `entry_sp - max_native_stack` when a cap is configured. Compiled frames stop
//! [`COMPILED_CALL_STACK`] above the floor, for the runtime functions they call.
//!
//! The entry reserve must cover the executor's frames (or the compiled tier's entry
//! path) from an entry check to the next check or to the end of the activation, traps
//! and their backtraces included. The guard must cover ward's path from a host-call
//! check to the host function's first instruction, plus the host function's own use.
//!
//! [`measure`] finds these by stack painting; `ward stack-report` prints them for the
//! machine and build at hand, and the tests fail when a built-in host function plus
//! ward's path outgrows [`DEFAULT_NATIVE_STACK_GUARD`], or ward's own paths the entry
//! reserve; the stack sweeps prove both reserves at every depth.

#[cfg(feature = "std")]
mod paint;

#[cfg(feature = "std")]
use core::cell::Cell;
#[cfg(feature = "std")]
use core::sync::atomic::{AtomicBool, Ordering};

pub use crate::sys::{stack_pointer, ThreadStack};
#[cfg(feature = "std")]
pub use paint::{measure, Measurement};

use crate::error::{Trap, TrapKind};
use crate::sys;

/// The default native stack guard for this platform and build profile.
///
/// Measured by `ward stack-report` (stack painting) on Linux x86-64, glibc 2.36, Rust
/// 1.95, symbols bound at load time (`-z now`, Rust's default), in bytes:
///
/// | path                                                                | release | debug  |
/// |---------------------------------------------------------------------|--------:|-------:|
/// | entry check to the deepest executor frame (calls, memory, tables)   |     728 |  4,608 |
/// | entry check to the deepest point of a trap with a backtrace         |   1,000 |  4,792 |
/// | host-call check to a host function's first instruction              |      88 |    432 |
/// | host-call check to the deepest point of an empty host function      |      88 |    736 |
/// | host-call check to the deepest point of a `spectest` print function |     232 |  1,136 |
/// | host-call check to the deepest point of WASI `fd_write`             |     872 |  4,600 |
/// | host-call check to the deepest point of WASI `path_open`            |   2,232 |  8,648 |
/// | host-call check to the deepest point of WASI `path_filestat_get`    |   2,280 |  8,432 |
/// | one re-entry cycle, host function to wasm to host function          |   1,520 |  6,208 |
/// | lazy translation (checked against [`TRANSLATION_STACK`])            |   3,896 | 14,872 |
/// | instantiation (checked against [`INSTANTIATION_STACK`])             |   2,912 | 17,008 |
///
/// The guard covers the largest need of a host call. Release keeps WAMR's 3,072 bytes
/// (its Linux value after 1,024 proved too small: lazy PLT binding alone took ~1,500
/// bytes on Ubuntu 20.04 amd64): the largest need, 2,280 (WASI `path_filestat_get`),
/// leaves 792 spare. Debug builds use frames several times larger; 16 KiB leaves 7.5 KiB
/// over the largest need (WASI `path_open`, 8,648). A program whose symbols are bound
/// lazily should add 2 KiB (`ward stack-report` says which applies).
pub const DEFAULT_NATIVE_STACK_GUARD: usize = if cfg!(debug_assertions) {
    DEBUG_GUARD
} else {
    RELEASE_GUARD
};

/// Native stack that must be free before a function is translated on its first call
/// (lazy compilation), checked there like a host function's
/// [`Caller::ensure_native_stack`](crate::Caller::ensure_native_stack): translation
/// runs deeper than the executor's steady state, and a guard sized for it would make
/// every call pay for a rare event. Measured below.
pub const TRANSLATION_STACK: usize = if cfg!(debug_assertions) {
    20 * 1024
} else {
    6 * 1024
};

/// Native stack that must be free when a module is instantiated: allocating its
/// memories and tables and applying its segments runs deeper than a call. Like
/// [`TRANSLATION_STACK`], a separate reserve keeps the guard that every call checks
/// small. Measured below.
pub const INSTANTIATION_STACK: usize = if cfg!(debug_assertions) {
    32 * 1024
} else {
    6 * 1024
};

/// Native stack ward's own code needs below an entry check into wasm: the executor's
/// frames with its runtime paths (calls, memory and table growth, bulk operations, a
/// trap with its backtrace), or the compiled tier's entry path (the entry record, the
/// trampoline) with the trap landing. Every entry checks this much, not the whole guard:
/// a call that stays in wasm needs no room for code ward does not control, and the
/// guard is checked where a host function is actually called. Measured below (and by
/// `ward stack-report --check`, which fails when a path outgrows it); deeper rare work
/// (translation, instantiation) checks its own reserve.
pub const ENTRY_STACK: usize = if cfg!(debug_assertions) {
    12 * 1024
} else {
    1792
};

/// Native stack that resolving a library function on its first call takes, in a
/// program whose symbols are bound lazily (glibc's resolver saves the whole register
/// file: ~1,500 bytes on x86-64). ward's own paths call the C library (memory growth
/// changes page protections), so their reserves grow by this much there.
pub const LAZY_BINDING_ALLOWANCE: usize = 2048;

/// What an entry into wasm checks for in this process: [`ENTRY_STACK`], plus
/// [`LAZY_BINDING_ALLOWANCE`] when the program binds its symbols lazily.
pub fn entry_need() -> usize {
    ENTRY_STACK + lazy_binding_allowance()
}

/// What compiled frames leave free above the stack's end in this process:
/// [`COMPILED_CALL_STACK`], plus [`LAZY_BINDING_ALLOWANCE`] when the program binds its
/// symbols lazily.
pub fn compiled_call_need() -> usize {
    COMPILED_CALL_STACK + lazy_binding_allowance()
}

/// [`LAZY_BINDING_ALLOWANCE`] where this program binds symbols lazily, else 0. Asked
/// of the OS once.
fn lazy_binding_allowance() -> usize {
    static ALLOWANCE: crate::prelude::OnceLock<usize> = crate::prelude::OnceLock::new();
    *ALLOWANCE.get_or_init(|| {
        if symbols_bound_at_load() == Some(false) {
            LAZY_BINDING_ALLOWANCE
        } else {
            0
        }
    })
}

/// Native stack kept free below every compiled frame, for the runtime functions
/// compiled code calls (memory and table growth, bulk operations, the dispatch of calls
/// to host and interpreted functions up to their own checks). Compiled prologues compare
/// against it (see [`NativeBounds::wasm_limit`]); what runs deeper checks first: a host
/// call the guard, an interpreted or compiled callee reached through the runtime
/// [`ENTRY_STACK`]. Measured by the stack sweeps of both tiers.
pub const COMPILED_CALL_STACK: usize = if cfg!(debug_assertions) {
    6 * 1024
} else {
    512
};

const RELEASE_GUARD: usize = 3 * 1024;
const DEBUG_GUARD: usize = 16 * 1024;

/// How far below a thread's stack end a fault still counts as that stack's overflow:
/// a frame larger than the guard page can jump over it (Linux leaves a gap of 256
/// pages below a growable main-thread stack).
#[cfg(feature = "std")]
const FAULT_REACH: usize = 1024 * 1024;

/// Per-thread record of ward's activations.
#[cfg(feature = "std")]
struct ThreadRecord {
    /// The thread's stack end and top; `low == 0` until the first entry.
    low: Cell<usize>,
    high: Cell<usize>,
    /// Stack pointer at the outermost entry.
    entry_sp: Cell<usize>,
    /// Nested entries into wasm in progress.
    depth: Cell<u32>,
    /// The guard in force at the latest entry, for the fault message.
    guard: Cell<usize>,
    /// Lowest stack pointers of the entry and host-call checks since [`measure`] began.
    min_entry_check: Cell<usize>,
    min_host_check: Cell<usize>,
    min_translate_check: Cell<usize>,
}

#[cfg(feature = "std")]
thread_local! {
    static THREAD: ThreadRecord = const {
        ThreadRecord {
            low: Cell::new(0),
            high: Cell::new(0),
            entry_sp: Cell::new(0),
            depth: Cell::new(0),
            guard: Cell::new(0),
            min_entry_check: Cell::new(usize::MAX),
            min_host_check: Cell::new(usize::MAX),
            min_translate_check: Cell::new(usize::MAX),
        }
    };
}

#[cfg(feature = "std")]
impl ThreadRecord {
    /// Learns the thread's stack on first use.
    #[inline(always)]
    fn init(&self) {
        if self.low.get() == 0 {
            self.learn();
        }
    }

    #[cold]
    #[inline(never)]
    fn learn(&self) {
        let sp = stack_pointer();
        // Without an answer from the OS, nothing below the current stack pointer can be
        // trusted: every check then fails safe with a trap.
        let stack = sys::thread_stack().unwrap_or(ThreadStack { low: sp, high: sp });
        self.low.set(stack.low.max(1));
        self.high.set(stack.high);
        sys::install_overflow_handler(on_fault);
    }
}

/// The guard and cap of one engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub guard: usize,
    /// What an entry into wasm checks for ([`entry_need`]).
    pub entry: usize,
    pub cap: Option<usize>,
    /// The native stack compiled wasm may use for its own frames, counted from the
    /// thread's outermost entry (the engine's `wasm_stack_size`).
    pub wasm: usize,
}

/// The native stack bounds of a store's activation, cached in the store so that the
/// checks inside it (re-entries, host calls) are one compare of the stack pointer,
/// with no thread-local access and no stack of their own.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NativeBounds {
    /// The lowest stack pointer at which ward may call a host function: `floor +
    /// guard`. Zero while the store runs nothing.
    pub limit: usize,
    /// The lowest address ward lets anything reach: the stack's end, raised by the cap.
    pub floor: usize,
    /// The lowest stack pointer a compiled function's frame may reach: `floor +`
    /// [`COMPILED_CALL_STACK`], raised to `wasm_stack_size` below the thread's outermost
    /// entry. Compiled wasm keeps its frames on the native stack, and this bounds them
    /// as the wasm stack bounds the interpreter's, while leaving room below for the
    /// runtime functions they call.
    pub wasm_limit: usize,
    /// The lowest stack pointer at which ward may enter wasm: `floor +`
    /// [`entry_need`].
    pub entry_limit: usize,
}

impl NativeBounds {
    /// Checks the stack pointer against the limit for host calls.
    #[inline(always)]
    pub(crate) fn check(&self) -> Result<(), Trap> {
        if stack_pointer() < self.limit {
            return Err(Trap::from_kind(TrapKind::NativeStackOverflow));
        }
        Ok(())
    }

    /// Checks the stack pointer against the limit for entries into wasm.
    #[inline(always)]
    pub(crate) fn check_entry(&self) -> Result<(), Trap> {
        if stack_pointer() < self.entry_limit {
            return Err(Trap::from_kind(TrapKind::NativeStackOverflow));
        }
        Ok(())
    }

    /// Whether compiled frames are bounded by the thread's stack rather than by the
    /// wasm stack size: a prologue's stack trap is then a native stack overflow.
    #[cfg(feature = "cranelift")]
    pub(crate) fn wasm_limit_is_native(&self) -> bool {
        self.wasm_limit == self.floor + compiled_call_need()
    }

    /// Checks that `bytes` remain above the floor.
    #[inline(always)]
    pub(crate) fn ensure(&self, bytes: usize) -> Result<(), Trap> {
        if stack_pointer().saturating_sub(bytes) < self.floor {
            return Err(Trap::from_kind(TrapKind::NativeStackOverflow));
        }
        Ok(())
    }
}

/// Whether [`measure`] is running: the checks then record their stack pointers.
#[cfg(feature = "std")]
static MEASURING: AtomicBool = AtomicBool::new(false);

/// Checks the native stack at a store's outermost entry into wasm; `sp` is the stack
/// pointer at the public entry point (`Func::call` and the like).
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
pub(crate) fn check_outermost(sp: usize, need: usize, limits: Limits) -> Result<(), Trap> {
    THREAD.with(|t| {
        t.init();
        if MEASURING.load(Ordering::Relaxed) {
            t.min_entry_check.set(t.min_entry_check.get().min(sp));
        }
        let floor = floor(t, limits.cap, sp);
        if sp.saturating_sub(need) < floor {
            return Err(Trap::from_kind(TrapKind::NativeStackOverflow));
        }
        Ok(())
    })
}

/// The floor for an entry at `sp`: the stack's end, raised to `cap` below the thread's
/// outermost entry.
#[cfg(feature = "std")]
fn floor(t: &ThreadRecord, cap: Option<usize>, sp: usize) -> usize {
    let entry = if t.depth.get() == 0 {
        sp
    } else {
        t.entry_sp.get()
    };
    capped_floor(t.low.get(), cap, entry)
}

/// The stack's end `low`, raised to `cap` below the outermost entry at `entry`.
fn capped_floor(low: usize, cap: Option<usize>, entry: usize) -> usize {
    match cap {
        Some(cap) => low.max(entry.saturating_sub(cap)),
        None => low,
    }
}

/// The bounds of an activation above `floor`, whose thread entered wasm at `entry`.
fn bounds(floor: usize, entry: usize, limits: Limits) -> NativeBounds {
    NativeBounds {
        limit: floor + limits.guard,
        entry_limit: floor + limits.entry,
        floor,
        wasm_limit: (floor + compiled_call_need()).max(entry.saturating_sub(limits.wasm)),
    }
}

/// Begins a store's outermost activation on this thread and returns its bounds.
#[cfg(feature = "std")]
pub(crate) fn begin(limits: Limits) -> NativeBounds {
    let sp = stack_pointer();
    THREAD.with(|t| {
        t.init();
        let floor = floor(t, limits.cap, sp);
        if t.depth.get() == 0 {
            t.entry_sp.set(sp);
        }
        t.depth.set(t.depth.get() + 1);
        t.guard.set(limits.guard);
        bounds(floor, t.entry_sp.get(), limits)
    })
}

/// Ends an activation begun by [`begin`].
#[cfg(feature = "std")]
pub(crate) fn end() {
    THREAD.with(|t| t.depth.set(t.depth.get() - 1));
}

/// Records the stack pointer of a host-call check while [`measure`] runs.
#[cfg(feature = "std")]
#[inline(always)]
pub(crate) fn note_host_check() {
    if MEASURING.load(Ordering::Relaxed) {
        let sp = stack_pointer();
        THREAD.with(|t| t.min_host_check.set(t.min_host_check.get().min(sp)));
    }
}

/// Records the stack pointer of a lazy-translation check while [`measure`] runs.
#[cfg(feature = "std")]
pub(crate) fn note_translate_check() {
    if MEASURING.load(Ordering::Relaxed) {
        let sp = stack_pointer();
        THREAD.with(|t| {
            t.min_translate_check
                .set(t.min_translate_check.get().min(sp))
        });
    }
}

/// Called by the fault handler with the faulting address: aborts with a clear message
/// when it is an overflow of this thread's stack while ward is running wasm on it;
/// returns otherwise. Async-signal-safe: reads thread-local cells, formats into a
/// buffer on the (alternate) stack.
#[cfg(feature = "std")]
fn on_fault(addr: usize) {
    let Ok((low, depth, guard)) = THREAD.try_with(|t| (t.low.get(), t.depth.get(), t.guard.get()))
    else {
        return;
    };
    let page = sys::page_size();
    if depth == 0 || low == 0 || addr >= low + page || addr < low.saturating_sub(FAULT_REACH) {
        return;
    }
    let mut digits = [0u8; 20];
    let guard = format_decimal(guard, &mut digits);
    sys::abort_with_message(&[
        b"ward: native stack overflow in host code: a host function (or code it called) used more \
than the native stack guard of ",
        guard,
        b" bytes leaves free below ward's last check.\nRaise the guard with \
Config::native_stack_guard (ward run --native-stack-guard SIZE), or have the host function \
call Caller::ensure_native_stack before deep work.\n",
    ])
}

/// Without `std` there are no thread-locals: each outermost activation of a store asks
/// the platform for the thread's stack, and a cap on the native stack counts from the
/// store's own outermost entry (from the thread's outermost entry with `std`, which can
/// be deeper when stores call each other through host functions). Nothing is measured
/// and no fault handler runs.
#[cfg(not(feature = "std"))]
mod unthreaded {
    use super::{bounds, capped_floor, stack_pointer, sys, Limits, NativeBounds, ThreadStack};
    use crate::error::{Trap, TrapKind};

    /// The floor for an outermost entry at `sp`: the stack's end, raised to `cap`
    /// below `sp`; `sp` itself when the platform cannot say where the stack ends.
    fn floor(cap: Option<usize>, sp: usize) -> usize {
        let stack = sys::thread_stack().unwrap_or(ThreadStack { low: sp, high: sp });
        capped_floor(stack.low, cap, sp)
    }

    /// As with `std`.
    #[cold]
    #[inline(never)]
    pub(crate) fn check_outermost(sp: usize, need: usize, limits: Limits) -> Result<(), Trap> {
        if sp.saturating_sub(need) < floor(limits.cap, sp) {
            return Err(Trap::from_kind(TrapKind::NativeStackOverflow));
        }
        Ok(())
    }

    /// As with `std`.
    pub(crate) fn begin(limits: Limits) -> NativeBounds {
        let sp = stack_pointer();
        bounds(floor(limits.cap, sp), sp, limits)
    }

    /// Nothing to undo.
    pub(crate) fn end() {}

    /// Nothing is measured.
    #[inline(always)]
    pub(crate) fn note_host_check() {}

    /// Nothing is measured.
    pub(crate) fn note_translate_check() {}
}

#[cfg(not(feature = "std"))]
pub(crate) use unthreaded::{begin, check_outermost, end, note_host_check, note_translate_check};

/// Formats `n` in decimal into `buf`, without allocating.
#[cfg(feature = "std")]
fn format_decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// The current thread's native stack, as ward sees it; `None` if the OS cannot say.
pub fn thread_stack() -> Option<ThreadStack> {
    sys::thread_stack()
}

/// Whether this program's symbols were bound when it was loaded (`Some(true)`), are
/// bound lazily on first call (`Some(false)`, which costs a caller's stack extra), or
/// the platform cannot say (`None`).
pub fn symbols_bound_at_load() -> Option<bool> {
    sys::symbols_bound_at_load()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::format_decimal;

    #[test]
    fn decimal_formatting() {
        let mut buf = [0u8; 20];
        assert_eq!(format_decimal(0, &mut buf), b"0");
        assert_eq!(format_decimal(3072, &mut buf), b"3072");
        assert_eq!(
            format_decimal(usize::MAX, &mut buf),
            usize::MAX.to_string().as_bytes()
        );
    }
}
