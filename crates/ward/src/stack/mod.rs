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
//! code it does not control. ward checks `sp - guard >= floor` at every entry into wasm
//! (re-entries from host functions included) and before every host-function call, and
//! traps with [`TrapKind::NativeStackOverflow`] when the check fails. The floor is the
//! stack's end, raised to `entry_sp - max_native_stack` when a cap is configured.
//!
//! The guard must cover:
//! - the executor's frames from an entry check to the next check (a host call) or to
//!   the end of the activation, and
//! - ward's path from a host-call check to the host function's first instruction, plus
//!   the host function's own use.
//!
//! [`measure`] finds these by stack painting; `ward stack-report` prints them for the
//! machine and build at hand, and the tests fail when a built-in host function plus
//! ward's path outgrows [`DEFAULT_NATIVE_STACK_GUARD`].

mod paint;

use std::cell::Cell;

pub use crate::sys::{stack_pointer, ThreadStack};
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
/// | entry check to the deepest executor frame, steady state             |     464 | 10,992 |
/// | the same on a function's first call (lazy translation included)     |   2,080 | 16,488 |
/// | the same when the call traps and collects a backtrace               |   2,080 | 16,176 |
/// | host-call check to a host function's first instruction              |       8 |    416 |
/// | host-call check to the deepest point of an empty host function      |      32 |    688 |
/// | host-call check to the deepest point of a `spectest` print function |   1,408 |  9,504 |
/// | one re-entry cycle, host function to wasm to host function          |   1,488 |  7,632 |
///
/// The guard covers the largest need. Release keeps WAMR's 3,072 bytes (its Linux value
/// after 1,024 proved too small: lazy PLT binding alone took ~1,500 bytes on Ubuntu
/// 20.04 amd64): the largest need, 2,080, leaves 992 spare. Debug builds use frames
/// an order of magnitude larger; 24 KiB leaves 8 KiB spare. A program whose symbols are
/// bound lazily should add 2 KiB (`ward stack-report` says which applies).
pub const DEFAULT_NATIVE_STACK_GUARD: usize = if cfg!(debug_assertions) {
    DEBUG_GUARD
} else {
    RELEASE_GUARD
};

const RELEASE_GUARD: usize = 3 * 1024;
const DEBUG_GUARD: usize = 24 * 1024;

/// How far below a thread's stack end a fault still counts as that stack's overflow:
/// a frame larger than the guard page can jump over it (Linux leaves a gap of 256
/// pages below a growable main-thread stack).
const FAULT_REACH: usize = 1024 * 1024;

/// Per-thread record of ward's activations.
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
}

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
        }
    };
}

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
        sys::install_overflow_handler();
    }

    fn floor(&self, cap: Option<usize>) -> usize {
        match cap {
            Some(cap) if self.depth.get() > 0 => {
                self.low.get().max(self.entry_sp.get().saturating_sub(cap))
            }
            _ => self.low.get(),
        }
    }

    #[inline(always)]
    fn check(&self, sp: usize, need: usize, cap: Option<usize>) -> Result<(), Trap> {
        if sp.saturating_sub(need) < self.floor(cap) {
            return Err(overflow());
        }
        Ok(())
    }
}

#[cold]
#[inline(never)]
fn overflow() -> Trap {
    Trap::from_kind(TrapKind::NativeStackOverflow)
}

/// The guard and cap of one engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub guard: usize,
    pub cap: Option<usize>,
}

/// An entry into wasm in progress on this thread; dropping it ends the entry.
pub(crate) struct Activation(());

impl Drop for Activation {
    fn drop(&mut self) {
        THREAD.with(|t| t.depth.set(t.depth.get() - 1));
    }
}

/// Checks the native stack at an entry into wasm (from the host, or from a host
/// function called by wasm) and records the entry.
#[inline(always)]
pub(crate) fn enter(limits: Limits) -> Result<Activation, Trap> {
    let sp = stack_pointer();
    THREAD.with(|t| {
        t.init();
        let outermost = t.depth.get() == 0;
        if outermost {
            t.entry_sp.set(sp);
        }
        t.min_entry_check.set(t.min_entry_check.get().min(sp));
        t.check(sp, limits.guard, limits.cap)?;
        t.guard.set(limits.guard);
        t.depth.set(t.depth.get() + 1);
        Ok(Activation(()))
    })
}

/// Checks the native stack before a host function is called.
#[inline(always)]
pub(crate) fn check_host_call(limits: Limits) -> Result<(), Trap> {
    let sp = stack_pointer();
    THREAD.with(|t| {
        t.init();
        t.min_host_check.set(t.min_host_check.get().min(sp));
        t.check(sp, limits.guard, limits.cap)
    })
}

/// Checks that `bytes` of native stack remain below the current stack pointer.
#[inline(always)]
pub(crate) fn ensure(bytes: usize, cap: Option<usize>) -> Result<(), Trap> {
    let sp = stack_pointer();
    THREAD.with(|t| {
        t.init();
        t.check(sp, bytes, cap)
    })
}

/// Called by the fault handler with the faulting address: aborts with a clear message
/// when it is an overflow of this thread's stack while ward is running wasm on it;
/// returns otherwise. Async-signal-safe: reads thread-local cells, formats into a
/// buffer on the (alternate) stack.
pub(crate) fn on_fault(addr: usize) {
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

/// Formats `n` in decimal into `buf`, without allocating.
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

#[cfg(test)]
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
