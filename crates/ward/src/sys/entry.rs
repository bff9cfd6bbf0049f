//! Entering compiled code, and leaving it by a trap.
//!
//! This is subtle: two reviews. Compiled code traps by faulting (an `ud2`, a guard page,
//! a division by zero); the signal handler then moves execution to [`trap landing`](
//! trap_landing_address) with the stack pointer that [`enter`] saved, which returns from
//! `enter` as if the call had ended, saying it trapped. Only compiled frames lie between
//! the two: compiled code calls back into Rust only through functions that return to it
//! normally, so no Rust frame is ever skipped. `enter` saves and the landing restores
//! every callee-saved register, so the caller sees them as a normal return leaves them.

// Without the `cranelift` feature, the parts of this module that make or load native
// code have no user.
#![cfg_attr(not(feature = "cranelift"), allow(dead_code))]

/// Whether compiled code can run on this platform: the entry and landing below, and
/// the signal handler's reading and rewriting of the interrupted context, exist here.
pub(crate) const SUPPORTED: bool = cfg!(all(target_arch = "x86_64", target_os = "linux"));

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
core::arch::global_asm!(
    ".text",
    ".globl ward_enter_compiled",
    ".hidden ward_enter_compiled",
    ".type ward_enter_compiled,@function",
    ".p2align 4",
    "ward_enter_compiled:",
    // (rdi: *mut usize, the saved stack pointer's slot; rsi: code; rdx, rcx, r8: its
    // three arguments) -> eax: 0 when the code returned, 1 when it trapped.
    "push rbp",
    "mov rbp, rsp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    // Six pushes and the return address: the stack is 16-byte aligned after one more
    // slot, as the call below needs.
    "sub rsp, 8",
    "mov [rdi], rsp",
    "mov rax, rsi",
    "mov rdi, rdx",
    "mov rsi, rcx",
    "mov rdx, r8",
    "call rax",
    "xor eax, eax",
    ".Lward_enter_out:",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size ward_enter_compiled, . - ward_enter_compiled",
    "",
    ".globl ward_trap_landing",
    ".hidden ward_trap_landing",
    ".type ward_trap_landing,@function",
    ".p2align 4",
    // Reached from the signal handler with the stack pointer `ward_enter_compiled` saved.
    "ward_trap_landing:",
    "mov eax, 1",
    "jmp .Lward_enter_out",
    ".size ward_trap_landing, . - ward_trap_landing",
    "",
    ".globl ward_raise",
    ".hidden ward_raise",
    ".type ward_raise,@function",
    ".p2align 4",
    // Called by compiled code, which it never returns to: asks `raise_hook` (with the
    // return address, a pc inside the caller, and the caller's frame pointer) for the
    // stack pointer of the innermost entry, and goes to the landing with it, as the
    // signal handler does for a fault.
    "ward_raise:",
    "mov rdi, [rsp]",
    "mov rsi, rbp",
    // The call left the stack 8 bytes off 16-byte alignment.
    "sub rsp, 8",
    "call {hook}",
    "mov rsp, rax",
    "jmp ward_trap_landing",
    ".size ward_raise, . - ward_raise",
    hook = sym raise_hook,
);

/// The hook [`RAISE`]'s routine calls: records the trap of the compiled code
/// that called it (at `pc`, with frame pointer `fp`) and returns the stack pointer to
/// land with. Set once, before any compiled code runs.
static RAISE_HOOK: std::sync::OnceLock<fn(Fault) -> usize> = std::sync::OnceLock::new();

/// Installs the hook of [`RAISE`]'s routine.
pub(crate) fn install_raise_hook(hook: fn(Fault) -> usize) {
    let _ = RAISE_HOOK.set(hook);
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
extern "C" fn raise_hook(pc: usize, fp: usize) -> usize {
    let hook = RAISE_HOOK
        .get()
        .expect("the raise hook is installed before compiled code runs");
    hook(Fault { pc, fp })
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe extern "C" {
    fn ward_enter_compiled(
        sp_slot: *mut usize,
        code: usize,
        a0: usize,
        a1: usize,
        a2: usize,
    ) -> u32;
    fn ward_trap_landing();
    fn ward_raise();
}

/// Calls `code(a0, a1, a2)`, compiled code with the platform's C calling convention,
/// first storing in `*sp_slot` the stack pointer a trap resumes at. Returns true when
/// the code trapped (the signal handler moved it to the landing) rather than returned.
///
/// # Safety
///
/// `code` is compiled code of that signature, which traps only through faults that the
/// trap hook sends to the landing with `*sp_slot`; `sp_slot` stays valid (and is the
/// one the hook reads) until this returns.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub(crate) unsafe fn enter(
    sp_slot: *mut usize,
    code: usize,
    a0: usize,
    a1: usize,
    a2: usize,
) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe { ward_enter_compiled(sp_slot, code, a0, a1, a2) != 0 }
}

/// See the supported version; compiled code never runs here.
///
/// # Safety
///
/// Never callable: [`SUPPORTED`] is false.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
pub(crate) unsafe fn enter(
    _sp_slot: *mut usize,
    _code: usize,
    _a0: usize,
    _a1: usize,
    _a2: usize,
) -> bool {
    unreachable!("compiled code is not supported on this platform")
}

/// The address the signal handler resumes a trapped activation at.
pub(crate) fn trap_landing_address() -> usize {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        ward_trap_landing as *const () as usize
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        0
    }
}

/// The routine compiled code calls to leave, after a runtime function left its error
/// with the innermost entry: it lands there as a trap does, without a signal. It never
/// returns (its hook records the trap as the signal handler's does).
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub(crate) const RAISE: unsafe extern "C" fn() = ward_raise;

/// See the supported version; compiled code never runs here.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
pub(crate) const RAISE: unsafe extern "C" fn() = raise_unsupported;

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
unsafe extern "C" fn raise_unsupported() {
    unreachable!("compiled code is not supported on this platform")
}

/// A fault the signal handler offers to the compiled-code trap hook.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fault {
    /// The faulting instruction.
    pub pc: usize,
    /// The frame pointer at the fault: the compiled function's frame.
    pub fp: usize,
}
