//! Unix signals: traps of compiled code, and the last line of defence against a native
//! stack overflow in host code.
//!
//! The handler knows nothing of ward's stacks or code. It first offers the fault to the
//! trap hook (the executor's, see [`install_trap_hook`]): a trap of compiled code
//! resumes at the trap landing. Then it asks the fault hook given to
//! [`install_overflow_handler`] (the native-stack module's), which aborts with a message
//! when the fault is an overflow it recognises.
//!
//! This is subtle: two reviews. The handler runs on an alternate signal stack (the
//! faulting thread's own stack is exhausted), may only use async-signal-safe calls, and
//! must leave every fault that is not a stack overflow on a thread running wasm to the
//! handler that was installed before it (Rust's own prints "has overflowed its stack").

use core::cell::{Cell, UnsafeCell};
use core::mem::MaybeUninit;
use std::sync::Once;

use super::entry::Fault;

/// The handlers that were installed before ours, one per signal of `SIGNALS`.
struct Previous(UnsafeCell<[MaybeUninit<libc::sigaction>; 4]>);

// SAFETY: written once, inside `INSTALL`, before our handler can run; only read after.
unsafe impl Sync for Previous {}

static PREVIOUS: Previous = Previous(UnsafeCell::new([MaybeUninit::uninit(); 4]));
static INSTALL: Once = Once::new();

/// Called by the handler with the faulting address; set once, before the handler is
/// installed, and only read afterwards.
static FAULT_HOOK: std::sync::OnceLock<fn(usize)> = std::sync::OnceLock::new();

/// Called by the handler with every fault first: the stack pointer to resume at the
/// trap landing with, when the fault is a trap of compiled code. Set once.
static TRAP_HOOK: std::sync::OnceLock<fn(Fault) -> Option<usize>> = std::sync::OnceLock::new();

/// The signals the handler takes: memory faults (guard pages, stack overflow) and, from
/// compiled code, illegal instructions (explicit traps) and arithmetic faults (integer
/// division by zero and overflow on x86-64).
const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// Size of the alternate signal stack ward gives a thread that has none.
const ALT_STACK_SIZE: usize = 64 * 1024;

thread_local! {
    /// The alternate signal stack ward mapped for this thread, if it had none.
    static ALT_STACK: AltStack = const { AltStack { base: Cell::new(0), len: Cell::new(0) } };
}

struct AltStack {
    base: Cell<usize>,
    len: Cell<usize>,
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let base = self.base.get();
        if base == 0 {
            return;
        }
        let disable = libc::stack_t {
            ss_sp: core::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: ALT_STACK_SIZE,
        };
        // SAFETY: the thread is exiting; the alternate stack is switched off before its
        // memory, which `ensure_alt_stack` mapped, is unmapped.
        unsafe {
            libc::sigaltstack(&disable, core::ptr::null_mut());
            libc::munmap(base as *mut libc::c_void, self.len.get());
        }
    }
}

/// Installs the overflow handler (once per process) and makes sure the current thread
/// has an alternate signal stack to run it on. `hook` gets every SIGSEGV and SIGBUS
/// address first; when it returns, the fault goes to the handler installed before.
/// Only the first call's hook is kept.
pub(crate) fn install_overflow_handler(hook: fn(usize)) {
    INSTALL.call_once(|| {
        let _ = FAULT_HOOK.set(hook);
        for (i, &signal) in SIGNALS.iter().enumerate() {
            // SAFETY: `action` is fully initialised before use; the previous action is
            // stored before the new handler is installed, so the handler never reads
            // it uninitialised.
            unsafe {
                let mut action: libc::sigaction = core::mem::zeroed();
                let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    handler;
                action.sa_sigaction = handler as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = (*PREVIOUS.0.get())[i].as_mut_ptr();
                libc::sigaction(signal, core::ptr::null(), previous);
                libc::sigaction(signal, &action, core::ptr::null_mut());
            }
        }
    });
    ensure_alt_stack();
}

fn ensure_alt_stack() {
    // SAFETY: queries the current thread's alternate stack into a zeroed struct.
    let mut current: libc::stack_t = unsafe { core::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::sigaltstack(core::ptr::null(), &mut current) } != 0 {
        return;
    }
    if current.ss_flags & libc::SS_DISABLE == 0 {
        // The thread has one already (Rust's runtime gives one to its threads).
        return;
    }
    let page = page_size();
    let len = ALT_STACK_SIZE + page;
    // A fresh mapping; its lowest page becomes a guard page.
    let Ok(base) = super::map_anonymous(len, libc::PROT_READ | libc::PROT_WRITE, 0) else {
        return;
    };
    let base: *mut libc::c_void = base.as_ptr().cast();
    // SAFETY: `base` is our mapping of `len` bytes.
    unsafe { libc::mprotect(base, page, libc::PROT_NONE) };
    let stack = libc::stack_t {
        // SAFETY: inside the mapping.
        ss_sp: unsafe { base.add(page) },
        ss_flags: 0,
        ss_size: ALT_STACK_SIZE,
    };
    // SAFETY: the mapping lives until the thread-local is dropped at thread exit.
    if unsafe { libc::sigaltstack(&stack, core::ptr::null_mut()) } == 0 {
        ALT_STACK.with(|alt| {
            alt.base.set(base as usize);
            alt.len.set(len);
        });
    }
}

pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

/// Lets `hook` decide first about every fault: when it returns a stack pointer, the
/// faulting thread resumes at the trap landing with it. Only the first hook is kept.
#[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
pub(crate) fn install_trap_hook(hook: fn(Fault) -> Option<usize>) {
    let _ = TRAP_HOOK.set(hook);
}

extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    if let Some(hook) = TRAP_HOOK.get() {
        // SAFETY: the kernel passes the interrupted thread's context.
        if unsafe { resume_at_landing(*hook, context) } {
            return;
        }
    }
    // SAFETY: the kernel passes a valid siginfo for these signals.
    let addr = unsafe { (*info).si_addr() } as usize;
    // Aborts the process when the fault is a native stack overflow under ward.
    if let Some(hook) = FAULT_HOOK.get() {
        hook(addr);
    }

    // Not ours: hand the fault to whoever handled it before.
    let Some(index) = SIGNALS.iter().position(|&s| s == signal) else {
        return;
    };
    // SAFETY: `PREVIOUS` was filled before this handler was installed.
    let previous = unsafe { (*PREVIOUS.0.get())[index].assume_init_ref() };
    let target = previous.sa_sigaction;
    if target == libc::SIG_DFL || target == libc::SIG_IGN {
        // Restore the default action; returning re-executes the faulting instruction,
        // which then takes the default action (a core dump).
        // SAFETY: restores a handler the process had before.
        unsafe { libc::sigaction(signal, previous, core::ptr::null_mut()) };
    } else if previous.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: an SA_SIGINFO handler has this signature.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { core::mem::transmute(target) };
        f(signal, info, context);
    } else {
        // SAFETY: a plain handler has this signature.
        let f: extern "C" fn(libc::c_int) = unsafe { core::mem::transmute(target) };
        f(signal);
    }
}

/// Asks `hook` about the fault in `context`; when it is a trap of compiled code,
/// rewrites the context to resume at the trap landing and returns true.
///
/// # Safety
///
/// `context` is the `ucontext_t` the kernel passed to the handler.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn resume_at_landing(hook: fn(Fault) -> Option<usize>, context: *mut libc::c_void) -> bool {
    // SAFETY: guaranteed by the caller.
    let regs = unsafe { &mut (*context.cast::<libc::ucontext_t>()).uc_mcontext.gregs };
    let fault = Fault {
        pc: regs[libc::REG_RIP as usize] as usize,
        fp: regs[libc::REG_RBP as usize] as usize,
    };
    match hook(fault) {
        Some(sp) => {
            regs[libc::REG_RSP as usize] = sp as i64;
            regs[libc::REG_RIP as usize] = super::entry::trap_landing_address() as i64;
            true
        }
        None => false,
    }
}

/// Compiled code does not run on this platform: no fault is one of its traps.
///
/// # Safety
///
/// Nothing to uphold.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
unsafe fn resume_at_landing(
    _hook: fn(Fault) -> Option<usize>,
    _context: *mut libc::c_void,
) -> bool {
    false
}

/// Writes the parts of a message to stderr and aborts; async-signal-safe.
pub(crate) fn abort_with_message(parts: &[&[u8]]) -> ! {
    for part in parts {
        let mut rest = *part;
        while !rest.is_empty() {
            // SAFETY: writes from a valid buffer to stderr.
            let n = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
            if n <= 0 {
                break;
            }
            rest = &rest[n as usize..];
        }
    }
    // SAFETY: abort has no preconditions.
    unsafe { libc::abort() }
}
