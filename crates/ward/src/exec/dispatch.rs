//! Threaded dispatch: one handler function per op.
//!
//! Every [`Instr`] carries the handler that runs it, and every handler has the same
//! signature: the running op, the frame pointer and memory 0's base and length (the hot
//! registers, passed in machine registers) and the executor for everything else. A
//! handler returns the op to run next, or null when the activation ends (with a trap in
//! [`Executor::trap`] if it failed).
//!
//! Two ways to go from one handler to the next, chosen at build time by `build.rs`:
//!
//! - *Tail dispatch* (`ward_tail_dispatch`: an optimised build on x86-64 or AArch64): a
//!   handler ends by calling the next op's handler in tail position, which the compiler
//!   turns into a jump (a sibling call), so an op costs one indirect jump and no return.
//!   A handler may still return an op to the loop in [`Executor::run_loop`], which then
//!   calls it: the rarer ops that leave the registers in the executor do so.
//! - *Loop dispatch* (every other build): every handler returns the next op to the loop.
//!   It is portable and never depends on what the optimiser does.
//!
//! Sibling calls are an optimisation the compiler is not bound to make; a handler that
//! does not end in one would leave its frame on the native stack for every op it runs.
//! Builds with `--cfg ward_check_dispatch` (and frame pointers) check at every dispatch
//! that the handlers of one chain share one frame address (see `check_chain`); CI runs
//! the spec suite in such a build.

use core::ptr;
use core::sync::atomic::Ordering;

use super::numeric::*;
use super::{mem_read, mem_write, Executor};
use crate::error::{Trap, TrapKind};
use crate::ir::{AccMode, ExecContext, Handler, Instr, Op};
use crate::vm::{exnref_of_cell, VMFuncRef};

/// Goes on to op `$next` with the hot registers `$fp`, `$mem`, `$len` and the
/// accumulator `$acc`.
macro_rules! dispatch {
    ($next:expr, $fp:expr, $mem:expr, $len:expr, $cx:ident, $acc:expr) => {{
        let next: *const Instr = $next;
        #[cfg(ward_tail_dispatch)]
        {
            #[cfg(ward_check_dispatch)]
            check_chain($cx, next);
            // SAFETY: `next` is an op of the running function (or of the function the
            // registers were just switched to): every function ends in `Return`, and
            // translation resolves every branch inside it.
            let handler = unsafe { (*next).handler };
            return handler(next, $fp, $mem, $len, $cx.context(), $acc);
        }
        #[cfg(not(ward_tail_dispatch))]
        {
            let _ = ($fp, $mem, $len);
            $cx.acc = $acc;
            return next;
        }
    }};
}

/// Binds the operands of op `$ip`, a `$variant`.
macro_rules! operands {
    ($ip:ident, $variant:ident { $($field:ident),* }) => {
        // SAFETY: `ip` points at an op of the running function (see `dispatch!`).
        let Op::$variant { $($field),* } = (unsafe { *$ip }).op else {
            // SAFETY: `handler_of` gives each op the handler of its own variant, and
            // nothing changes an op after translation.
            unsafe { core::hint::unreachable_unchecked() }
        };
    };
}

/// The op after `ip`.
#[inline(always)]
fn after(ip: *const Instr) -> *const Instr {
    // SAFETY: the ops that go on to the next op are never a function's last op (that
    // is `Return`).
    unsafe { ip.add(1) }
}

/// Ends the activation with a trap of `kind` raised at `ip`.
#[cold]
#[inline(never)]
fn trap_at(cx: &mut Executor, ip: *const Instr, kind: TrapKind) -> *const Instr {
    cx.ip = ip;
    cx.fault = Some(Trap::from_kind(kind).into());
    ptr::null()
}

/// Nothing, which the compiler must keep where it is: code on one side of a branch
/// that calls this is not merged with the other side into branchless code.
#[inline(always)]
fn branch_barrier() {
    // SAFETY: an empty instruction sequence: it reads and writes nothing.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    unsafe {
        core::arch::asm!("", options(nomem, nostack, preserves_flags))
    };
}

/// Checks that the running handler's frame is where the chain's first handler's frame
/// was: that every handler so far ended in a sibling call. Frame pointers
/// (`-C force-frame-pointers=yes`) make the frame address the same for all handlers.
#[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
#[inline(always)]
fn check_chain(cx: &mut Executor, next: *const Instr) {
    let frame: usize;
    // SAFETY: reads the frame pointer register; no memory is touched.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!("mov {}, rbp", out(reg) frame, options(nomem, nostack, preserves_flags))
    };
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("mov {}, x29", out(reg) frame, options(nomem, nostack, preserves_flags))
    };
    if cx.chain_frame == 0 {
        cx.chain_frame = frame;
    } else if cx.chain_frame != frame {
        // SAFETY: both are ops of running functions, which outlive the activation.
        let culprit = unsafe { (*cx.dispatched[0]).op };
        panic!(
            "dispatch: the handler of {} did not end in a sibling call (frame {frame:#x}, \
             chain frame {:#x}): {culprit:?}",
            culprit.name(),
            cx.chain_frame
        );
    }
    cx.dispatched = [cx.dispatched[1], next];
}

/// Defines the numeric handlers (from [`numeric_ops!`]) of one accumulator mode, and
/// `numeric`, which maps an op to its handler in that mode.
macro_rules! numeric_handlers {
    (
        (($fp:ident, $acc:ident, $i:ident, $o:ident), $ip:ident)
        arith { $( $name:ident { $($f:ident),* } => $body:expr, )* }
        branch { $( $bname:ident { $($bf:ident),* } => $bbody:expr, )* }
    ) => {
        $(
            #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
            fn $name(
                $ip: *const Instr,
                $fp: *mut u64,
                mem: *mut u8,
                len: usize,
                cx: *mut ExecContext,
                mut $acc: u64,
            ) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                #[allow(unused_macros)]
                macro_rules! trap {
                    ($kind:expr) => {
                        return trap_at(cx, $ip, $kind)
                    };
                }
                operands!($ip, $name { $($f),* });
                $body;
                dispatch!(after($ip), $fp, mem, len, cx, $acc)
            }
        )*
        $(
            // `!(a < b)` on floats is meant: it is true when a NaN is involved.
            #[allow(non_snake_case, unused_variables, clippy::neg_cmp_op_on_partial_ord)]
            fn $bname(
                $ip: *const Instr,
                $fp: *mut u64,
                mem: *mut u8,
                len: usize,
                cx: *mut ExecContext,
                $acc: u64,
            ) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                operands!($ip, $bname { $($bf),* });
                dispatch!($bbody, $fp, mem, len, cx, $acc)
            }
        )*

        /// The handler of numeric op `op` in this module's mode.
        pub(super) fn numeric(op: &Op) -> Option<Handler> {
            Some(match op {
                $( Op::$name { .. } => $name, )*
                $( Op::$bname { .. } => $bname, )*
                _ => return None,
            })
        }
    };
}

/// The address operand of a load or store: the i32 of operand `addr` (`$this` as for
/// [`opnd!`]), plus `imm` (wrapping at 32 bits) for the `At` forms.
macro_rules! address {
    ($this:tt, $addr:ident) => {
        opnd!($this, $addr)
    };
    ($this:tt, $addr:ident, $imm:ident) => {
        (opnd!($this, $addr) as u32).wrapping_add($imm) as u64
    };
    ($this:tt, $addr:ident; abs) => {
        $addr as u64
    };
}

/// Defines load handlers in accumulator mode `$this` (see [`opnd!`]): `Name: type =>
/// |v| cell`, or `Name [imm]: ...` for a load at `addr + imm`; and `load`, which maps
/// an op to its handler.
macro_rules! load_handlers {
    (($fp:ident, $acc:ident, $i:ident, $o:ident); $( $name:ident $([$imm:ident])? $({$abs:ident})? : $ty:ty => |$v:ident| $conv:expr; )*) => {
        $(
            #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
            fn $name(ip: *const Instr, $fp: *mut u64, mem: *mut u8, len: usize, cx: *mut ExecContext, mut $acc: u64) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                operands!(ip, $name { dst, addr, $($imm,)? offset });
                let at = address!(($fp, $acc, $i, $o), addr $(, $imm)? $(; $abs)?);
                match mem_read::<{ core::mem::size_of::<$ty>() }>(mem, len, at, offset) {
                    Ok(bytes) => {
                        let $v = <$ty>::from_le_bytes(bytes);
                        result!(($fp, $acc, $i, $o), dst, $conv)
                    }
                    Err(kind) => return trap_at(cx, ip, kind),
                }
                dispatch!(after(ip), $fp, mem, len, cx, $acc)
            }
        )*

        /// The handler of load `op` in this module's mode.
        pub(super) fn load(op: &Op) -> Option<Handler> {
            Some(match op {
                $( Op::$name { .. } => $name, )*
                _ => return None,
            })
        }
    };
}

/// Every load, for [`load_handlers!`].
macro_rules! loads {
    ($this:tt) => {
        load_handlers! {
            $this;
            I32Load: u32 => |v| v as u64;
            I64Load: u64 => |v| v;
            I32Load8S: i8 => |v| v as i32 as u32 as u64;
            I32Load8U: u8 => |v| v as u64;
            I32Load16S: i16 => |v| v as i32 as u32 as u64;
            I32Load16U: u16 => |v| v as u64;
            I64Load8S: i8 => |v| v as i64 as u64;
            I64Load8U: u8 => |v| v as u64;
            I64Load16S: i16 => |v| v as i64 as u64;
            I64Load16U: u16 => |v| v as u64;
            I64Load32S: i32 => |v| v as i64 as u64;
            I64Load32U: u32 => |v| v as u64;
            I32LoadAt[imm]: u32 => |v| v as u64;
            I64LoadAt[imm]: u64 => |v| v;
            I32Load8SAt[imm]: i8 => |v| v as i32 as u32 as u64;
            I32Load8UAt[imm]: u8 => |v| v as u64;
            I32Load16SAt[imm]: i16 => |v| v as i32 as u32 as u64;
            I32Load16UAt[imm]: u16 => |v| v as u64;
            I64Load8SAt[imm]: i8 => |v| v as i64 as u64;
            I64Load8UAt[imm]: u8 => |v| v as u64;
            I64Load16SAt[imm]: i16 => |v| v as i64 as u64;
            I64Load16UAt[imm]: u16 => |v| v as u64;
            I64Load32SAt[imm]: i32 => |v| v as i64 as u64;
            I64Load32UAt[imm]: u32 => |v| v as u64;
            I32LoadAbs{abs}: u32 => |v| v as u64;
            I64LoadAbs{abs}: u64 => |v| v;
            I32Load8SAbs{abs}: i8 => |v| v as i32 as u32 as u64;
            I32Load8UAbs{abs}: u8 => |v| v as u64;
            I32Load16SAbs{abs}: i16 => |v| v as i32 as u32 as u64;
            I32Load16UAbs{abs}: u16 => |v| v as u64;
            I64Load8SAbs{abs}: i8 => |v| v as i64 as u64;
            I64Load8UAbs{abs}: u8 => |v| v as u64;
            I64Load16SAbs{abs}: i16 => |v| v as i64 as u64;
            I64Load16UAbs{abs}: u16 => |v| v as u64;
            I64Load32SAbs{abs}: i32 => |v| v as i64 as u64;
            I64Load32UAbs{abs}: u32 => |v| v as u64;
        }
    };
}

/// Defines the handlers of the fused load-and-branch ops (`BrI32LoadNez` and the
/// others), with the address from the accumulator or the frame (`$i`, as for
/// [`opnd!`]): `Name: type => |v| taken`; each also writes the value loaded to its
/// slot. And `load_branch`, which maps an op to its handler.
macro_rules! load_branch_handlers {
    ($i:ident; $( $name:ident $({$abs:ident})?: $ty:ty => |$v:ident| $taken:expr; )*) => {
        $(
            #[allow(non_snake_case, unused_variables)]
            fn $name(ip: *const Instr, fp: *mut u64, mem: *mut u8, len: usize, cx: *mut ExecContext, acc: u64) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                operands!(ip, $name { dst, addr, offset, jump });
                let at = address!((fp, acc, $i, slot), addr $(; $abs)?);
                match mem_read::<{ core::mem::size_of::<$ty>() }>(mem, len, at, offset) {
                    Ok(bytes) => {
                        let $v = <$ty>::from_le_bytes(bytes);
                        set(fp, dst, $v as u64);
                        dispatch!(jump!(ip, $taken, jump), fp, mem, len, cx, acc)
                    }
                    Err(kind) => trap_at(cx, ip, kind),
                }
            }
        )*

        /// The handler of load-and-branch `op` with its address where this module
        /// takes it.
        pub(super) fn load_branch(op: &Op) -> Option<Handler> {
            Some(match op {
                $( Op::$name { .. } => $name, )*
                _ => return None,
            })
        }
    };
}

/// The load-and-branch ops with an address operand, for [`load_branch_handlers!`] in
/// mode `$i`, and the `$more` of that mode.
macro_rules! load_branches {
    ($i:ident; $($more:tt)*) => {
        load_branch_handlers! {
            $i;
            BrI32LoadNez: u32 => |v| v != 0;
            BrI32LoadEqz: u32 => |v| v == 0;
            BrI32Load8UNez: u8 => |v| v != 0;
            BrI32Load8UEqz: u8 => |v| v == 0;
            $($more)*
        }
    };
}

/// The load-and-branch ops with their address in the frame, or a constant.
mod slot_address {
    use super::*;
    load_branches! {
        slot;
        BrI32LoadAbsNez{abs}: u32 => |v| v != 0;
        BrI32LoadAbsEqz{abs}: u32 => |v| v == 0;
    }
}

/// The load-and-branch ops with their address in the accumulator.
mod acc_address {
    use super::*;
    load_branches!(acc;);
}

/// The handlers of one accumulator mode: whether an op's first operand (IN) and its
/// result (OUT) are the accumulator or a frame slot.
macro_rules! mode_handlers {
    ($module:ident, $i:ident, $o:ident) => {
        mod $module {
            use super::*;
            numeric_ops!(numeric_handlers, (fp, acc, $i, $o), ip, trap);
            loads!((fp, acc, $i, $o));
        }
    };
}

mode_handlers!(slot_slot, slot, slot);
mode_handlers!(acc_slot, acc, slot);
mode_handlers!(slot_acc, slot, acc);
mode_handlers!(acc_acc, acc, acc);
mode_handlers!(slot_tee, slot, tee);
mode_handlers!(acc_tee, acc, tee);

/// Defines store handlers: `Name { operand } => |x| bytes`, where `operand` is `src` (a
/// slot) or `value` (an immediate) and `x` its value; `Name { operand, imm }` for a
/// store at `addr + imm`.
macro_rules! store_handlers {
    ($( $name:ident $([$abs:ident])? { $operand:ident $(, $imm:ident)? } => |$x:ident| $bytes:expr; )*) => {
        $(
            #[allow(non_snake_case)]
            fn $name(ip: *const Instr, fp: *mut u64, mem: *mut u8, len: usize, cx: *mut ExecContext, acc: u64) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                operands!(ip, $name { addr, $operand, $($imm,)? offset });
                let $x = store_handlers!(@value fp, $operand, $operand);
                let at = address!((fp, acc, slot, slot), addr $(, $imm)? $(; $abs)?);
                if let Err(kind) = mem_write(mem, len, at, offset, $bytes) {
                    return trap_at(cx, ip, kind);
                }
                dispatch!(after(ip), fp, mem, len, cx, acc)
            }
        )*
    };
    (@value $fp:ident, src, $v:ident) => { get($fp, $v) };
    (@value $fp:ident, value, $v:ident) => { $v as u64 };
}

store_handlers! {
    I32Store { src } => |x| (x as u32).to_le_bytes();
    I64Store { src } => |x| x.to_le_bytes();
    I32Store8 { src } => |x| (x as u8).to_le_bytes();
    I32Store16 { src } => |x| (x as u16).to_le_bytes();
    I32StoreImm { value } => |x| (x as u32).to_le_bytes();
    I64StoreImm { value } => |x| (x as u32 as i32 as i64).to_le_bytes();
    I32Store8Imm { value } => |x| (x as u8).to_le_bytes();
    I32Store16Imm { value } => |x| (x as u16).to_le_bytes();
    I32StoreAt { src, imm } => |x| (x as u32).to_le_bytes();
    I64StoreAt { src, imm } => |x| x.to_le_bytes();
    I32Store8At { src, imm } => |x| (x as u8).to_le_bytes();
    I32Store16At { src, imm } => |x| (x as u16).to_le_bytes();
    I32StoreImmAt { value, imm } => |x| (x as u32).to_le_bytes();
    I64StoreImmAt { value, imm } => |x| (x as u32 as i32 as i64).to_le_bytes();
    I32Store8ImmAt { value, imm } => |x| (x as u8).to_le_bytes();
    I32Store16ImmAt { value, imm } => |x| (x as u16).to_le_bytes();
    I32StoreAbs[abs] { src } => |x| (x as u32).to_le_bytes();
    I64StoreAbs[abs] { src } => |x| x.to_le_bytes();
    I32Store8Abs[abs] { src } => |x| (x as u8).to_le_bytes();
    I32Store16Abs[abs] { src } => |x| (x as u16).to_le_bytes();
    I32StoreImmAbs[abs] { value } => |x| (x as u32).to_le_bytes();
    I64StoreImmAbs[abs] { value } => |x| (x as u32 as i32 as i64).to_le_bytes();
    I32Store8ImmAbs[abs] { value } => |x| (x as u8).to_le_bytes();
    I32Store16ImmAbs[abs] { value } => |x| (x as u16).to_le_bytes();
}

/// Defines handlers written out in full: `Name { operands } (ip, fp, mem, len, cx) body`,
/// where `body` ends by dispatching or returning.
macro_rules! handlers {
    ($( $name:ident { $($f:ident),* } ($ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident, $acc:ident) $body:block )*) => {
        $(
            #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
            fn $name($ip: *const Instr, mut $fp: *mut u64, mut $mem: *mut u8, mut $len: usize, $cx: *mut ExecContext, $acc: u64) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let $cx = unsafe { Executor::from_context($cx) };
                operands!($ip, $name { $($f),* });
                $body
            }
        )*
    };
}

handlers! {
    Br { offset } (ip, fp, mem, len, cx, acc) {
        dispatch!(jump!(ip, true, offset), fp, mem, len, cx, acc)
    }
    BrIfNez { cond, offset } (ip, fp, mem, len, cx, acc) {
        dispatch!(jump!(ip, get(fp, cond) as u32 != 0, offset), fp, mem, len, cx, acc)
    }
    BrIfEqz { cond, offset } (ip, fp, mem, len, cx, acc) {
        dispatch!(jump!(ip, get(fp, cond) as u32 == 0, offset), fp, mem, len, cx, acc)
    }
    BrTable { index, bias, len } (ip, fp, mem, mem_len, cx, acc) {
        let (entry, offset) = table_entry(ip, get(fp, index) as u32, bias, len);
        dispatch!(jump!(entry, true, offset), fp, mem, mem_len, cx, acc)
    }
    Return { src, len } (ip, fp, mem, mem_len, cx, acc) {
        match len {
            0 => {}
            1 => set(fp, 0, get(fp, src)),
            // SAFETY: both ranges are inside the current frame.
            _ => unsafe { ptr::copy(fp.add(src as usize), fp, len as usize) },
        }
        cx.ip = ip;
        if !cx.ret() {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    CallInternal { func, base } (ip, fp, mem, len, cx, acc) {
        // SAFETY: `func` indexes the module's defined functions (validated), and the
        // vmctx has a reference for each.
        let callee = unsafe { cx.defined_funcs.add(func.index()) };
        // SAFETY: as above.
        let code = unsafe { (*callee).code.load(Ordering::Relaxed) };
        cx.ip = ip;
        if code.is_null() {
            // First call through this reference: translate it if needed.
            if !cx.call_or_fail(callee, base) {
                return ptr::null();
            }
            dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
        }
        if let Err(kind) = cx.call_internal(code, base) {
            return trap_at(cx, ip, kind);
        }
        // The callee belongs to the same instance: the memory stays.
        dispatch!(cx.ip, cx.fp, mem, len, cx, acc)
    }
    Call { func, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        let callee = cx.imported_func(func);
        if !cx.call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    CallIndirect { type_index, table, index, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        let callee = match cx.indirect_callee(type_index, table, index) {
            Ok(callee) => callee,
            Err(kind) => return trap_at(cx, ip, kind),
        };
        // SAFETY: function references live as long as their store.
        let (vmctx, code) = unsafe { ((*callee).vmctx, (*callee).code.load(Ordering::Relaxed)) };
        if vmctx == cx.vmctx && !code.is_null() {
            // A function of the running instance, translated already: the fast path of
            // `CallInternal` (a table of C function pointers makes most indirect calls
            // such calls).
            if let Err(kind) = cx.call_internal(code, base) {
                return trap_at(cx, ip, kind);
            }
            dispatch!(cx.ip, cx.fp, mem, len, cx, acc)
        }
        if !cx.call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    ReturnCall { func, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        let callee = cx.imported_func(func);
        if !cx.tail_call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    ReturnCallInternal { func, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        // SAFETY: `func` indexes the module's defined functions (validated), and the
        // vmctx has a reference for each.
        let callee = unsafe { cx.defined_funcs.add(func.index()) };
        if !cx.tail_call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    ReturnCallIndirect { type_index, table, index, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        // The callee is found before the arguments move: they may overwrite `index`.
        let callee = match cx.indirect_callee(type_index, table, index) {
            Ok(callee) => callee,
            Err(kind) => return trap_at(cx, ip, kind),
        };
        if !cx.tail_call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    CallRef { callee, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        let callee = get(fp, callee) as usize as *const VMFuncRef;
        if callee.is_null() {
            return trap_at(cx, ip, TrapKind::NullFunctionReference);
        }
        if !cx.call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    ReturnCallRef { callee, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        // Read before the arguments move: they may overwrite `callee`.
        let callee = get(fp, callee) as usize as *const VMFuncRef;
        if callee.is_null() {
            return trap_at(cx, ip, TrapKind::NullFunctionReference);
        }
        if !cx.tail_call_or_fail(callee, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    Throw { tag, base } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        if !cx.throw_new(tag, base) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    ThrowRef { src } (ip, fp, mem, len, cx, acc) {
        cx.ip = ip;
        let Some(exception) = exnref_of_cell(get(fp, src)) else {
            return trap_at(cx, ip, TrapKind::NullReference);
        };
        if !cx.unwind(exception) {
            return ptr::null();
        }
        dispatch!(cx.ip, cx.fp, cx.mem, cx.mem_len, cx, acc)
    }
    Unreachable {} (ip, fp, mem, len, cx, acc) {
        trap_at(cx, ip, TrapKind::Unreachable)
    }
    Copy { dst, src } (ip, fp, mem, len, cx, acc) {
        set(fp, dst, get(fp, src));
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    Copy2 { dst, src, dst2, src2 } (ip, fp, mem, len, cx, acc) {
        set(fp, dst, get(fp, src));
        set(fp, dst2, get(fp, src2));
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    CopySpan { dst, src, len } (ip, fp, mem, mem_len, cx, acc) {
        // SAFETY: both ranges are inside the current frame.
        unsafe { ptr::copy(fp.add(src as usize), fp.add(dst as usize), len as usize) };
        dispatch!(after(ip), fp, mem, mem_len, cx, acc)
    }
    Const32 { dst, value } (ip, fp, mem, len, cx, acc) {
        set(fp, dst, value as u64);
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    Const64 { dst, lo, hi } (ip, fp, mem, len, cx, acc) {
        set(fp, dst, (hi as u64) << 32 | lo as u64);
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    Select { dst, lhs, rhs, cond } (ip, fp, mem, len, cx, acc) {
        // A branch, not a conditional move of the slot: a predictable condition then
        // costs nothing, where choosing the address to load would put the condition on
        // the path of every op that reads the result (vm, a loop whose state goes
        // through a `select`, ran 20% slower so).
        // The empty `asm!` keeps the compiler from merging the arms into a
        // conditional move.
        if get(fp, cond) as u32 != 0 {
            branch_barrier();
            set(fp, dst, get(fp, lhs));
            dispatch!(after(ip), fp, mem, len, cx, acc)
        }
        set(fp, dst, get(fp, rhs));
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    Select128 { dst, lhs, rhs, cond } (ip, fp, mem, len, cx, acc) {
        let src = if get(fp, cond) as u32 != 0 { lhs } else { rhs };
        let (low, high) = (get(fp, src), get(fp, src + 1));
        set(fp, dst, low);
        set(fp, dst + 1, high);
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    ConsumeFuel { amount } (ip, fp, mem, len, cx, acc) {
        // SAFETY: the store context lives as long as the store, which the executor
        // holds mutably, so nothing else accesses it meanwhile.
        let fuel = unsafe { &mut *(*cx.context).fuel.get() };
        let amount = amount as u64;
        if *fuel < amount {
            *fuel = 0;
            return trap_at(cx, ip, TrapKind::OutOfFuel);
        }
        *fuel -= amount;
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    GlobalGet { dst, global } (ip, fp, mem, len, cx, acc) {
        // SAFETY (four handlers): the global lives as long as the store, which the
        // executor holds mutably, so nothing else accesses it meanwhile.
        set(fp, dst, unsafe { (*cx.global(global)).bits } as u64);
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    GlobalSet { src, global } (ip, fp, mem, len, cx, acc) {
        unsafe { (*cx.global(global)).bits = get(fp, src) as u128 };
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    GlobalGet128 { dst, global } (ip, fp, mem, len, cx, acc) {
        let bits = unsafe { (*cx.global(global)).bits };
        set(fp, dst, bits as u64);
        set(fp, dst + 1, (bits >> 64) as u64);
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
    GlobalSet128 { src, global } (ip, fp, mem, len, cx, acc) {
        unsafe { (*cx.global(global)).bits = get(fp, src) as u128 | (get(fp, src + 1) as u128) << 64 };
        dispatch!(after(ip), fp, mem, len, cx, acc)
    }
}

/// Defines a handler for each SIMD op, and `simd_handler`, which maps an op to its
/// SIMD handler. Each handler runs [`Executor::simd`] inlined for its own variant, so
/// that the compiler keeps only that variant's arm.
///
/// In size-tuned builds (`ward_small`) the op runs in a function of its own, which the
/// handler calls with nothing but pointers. Optimising for size, the compiler leaves
/// the closures of the portable lane code out of line and passes them the address of
/// the handler's stack slots; a handler whose stack slots escape cannot end in a
/// sibling call, and would leave its frame on the native stack for every op it ran.
#[cfg(feature = "simd")]
macro_rules! simd_handlers {
    ($($name:ident)*) => {
        $(
            #[allow(non_snake_case)]
            fn $name(ip: *const Instr, fp: *mut u64, mem: *mut u8, len: usize, cx: *mut ExecContext, acc: u64) -> *const Instr {
                #[cfg_attr(not(ward_small), inline(always))]
                #[cfg_attr(ward_small, inline(never))]
                fn run(cx: &mut Executor, ip: *const Instr) -> Result<(), TrapKind> {
                    // SAFETY: `ip` points at an op of the running function.
                    let op = unsafe { (*ip).op };
                    if !matches!(op, Op::$name { .. }) {
                        // SAFETY: `handler_of` gives each op the handler of its own variant.
                        unsafe { core::hint::unreachable_unchecked() }
                    }
                    cx.simd(op)
                }
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                if let Err(kind) = run(cx, ip) {
                    return trap_at(cx, ip, kind);
                }
                dispatch!(after(ip), fp, mem, len, cx, acc)
            }
        )*

        fn simd_handler(op: &Op) -> Option<Handler> {
            Some(match op {
                $( Op::$name { .. } => $name, )*
                _ => return None,
            })
        }
    };
}

#[cfg(feature = "simd")]
crate::ir::simd_op_names!(simd_handlers);

/// Without SIMD, the translator emits no SIMD op.
#[cfg(not(feature = "simd"))]
fn simd_handler(_op: &Op) -> Option<Handler> {
    None
}

/// Runs a rarer op out of line: interrupts, references, memory size and growth, bulk
/// memory and table ops. Each may move the memory.
fn other(
    ip: *const Instr,
    _fp: *mut u64,
    _mem: *mut u8,
    _len: usize,
    cx: *mut ExecContext,
    acc: u64,
) -> *const Instr {
    // SAFETY: handlers get the running executor's context (see `dispatch!`).
    let cx = unsafe { Executor::from_context(cx) };
    cx.ip = ip;
    if let Err(kind) = cx.other_at(ip) {
        return trap_at(cx, ip, kind);
    }
    dispatch!(after(ip), cx.fp, cx.mem, cx.mem_len, cx, acc)
}

/// The handler of `op` in accumulator mode `mode`, if the op has one in that mode. The
/// accumulator carries a value from the op that computes it to the next op, its only
/// reader, without going through the frame: it is the handlers' sixth argument, a
/// machine register, and every other op passes it on unchanged.
#[inline(never)]
pub(crate) fn handler_in_mode(op: &Op, mode: AccMode) -> Option<Handler> {
    // Only ops with a result can send it on (the op families say which).
    let has_result = |_: &Handler| crate::ir::acc_capable(op).1;
    match mode {
        AccMode::NONE => Some(handler_of(op)),
        AccMode::IN => acc_slot::numeric(op)
            .or_else(|| acc_slot::load(op))
            .or_else(|| acc_address::load_branch(op))
            .or(match op {
                Op::BrIfNez { .. } => Some(br_if_nez_acc as Handler),
                Op::BrIfEqz { .. } => Some(br_if_eqz_acc as Handler),
                Op::BrTable { .. } => Some(br_table_acc as Handler),
                _ => None,
            }),
        AccMode::OUT => slot_acc::numeric(op)
            .or_else(|| slot_acc::load(op))
            .filter(has_result),
        AccMode::IN_OUT => acc_acc::numeric(op)
            .or_else(|| acc_acc::load(op))
            .filter(has_result),
        AccMode::OUT_KEEP => slot_tee::numeric(op)
            .or_else(|| slot_tee::load(op))
            .filter(has_result),
        AccMode::IN_OUT_KEEP => acc_tee::numeric(op)
            .or_else(|| acc_tee::load(op))
            .filter(has_result),
        _ => None,
    }
}

/// The `Br` op that `BrTable` op `ip` takes for index `index` (before its bias), and
/// that op's jump. The entry's jump is taken by the table's handler, saving a dispatch:
/// the table's entries are `Br` ops, and nothing else (see the translator's
/// `br_table`).
#[inline(always)]
fn table_entry(ip: *const Instr, index: u32, bias: u32, len: u32) -> (*const Instr, i32) {
    let i = index.wrapping_add(bias).min(len);
    // SAFETY: `len + 1` `Br` ops follow the table.
    let entry = unsafe { ip.add(1 + i as usize) };
    // SAFETY: `entry` is an op of the running function.
    let Op::Br { offset } = (unsafe { *entry }).op else {
        // SAFETY: as above: every entry is a `Br`.
        unsafe { core::hint::unreachable_unchecked() }
    };
    (entry, offset)
}

/// `BrTable` with its index in the accumulator.
fn br_table_acc(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    cx: *mut ExecContext,
    acc: u64,
) -> *const Instr {
    // SAFETY: handlers get the running executor's context (see `dispatch!`).
    let cx = unsafe { Executor::from_context(cx) };
    operands!(ip, BrTable { index, bias, len });
    let _ = index;
    let (entry, offset) = table_entry(ip, acc as u32, bias, len);
    dispatch!(jump!(entry, true, offset), fp, mem, mem_len, cx, acc)
}

/// Defines conditional branches that test the accumulator: `name: Variant => taken`.
macro_rules! acc_branches {
    ($( $(#[$doc:meta])* $name:ident : $variant:ident => |$acc:ident| $taken:expr; )*) => {
        $(
            $(#[$doc])*
            fn $name(
                ip: *const Instr,
                fp: *mut u64,
                mem: *mut u8,
                len: usize,
                cx: *mut ExecContext,
                $acc: u64,
            ) -> *const Instr {
                // SAFETY: handlers get the running executor's context (see `dispatch!`).
                let cx = unsafe { Executor::from_context(cx) };
                operands!(ip, $variant { cond, offset });
                let _ = cond;
                dispatch!(jump!(ip, $taken, offset), fp, mem, len, cx, $acc)
            }
        )*
    };
}

acc_branches! {
    /// `BrIfNez` with its condition in the accumulator.
    br_if_nez_acc: BrIfNez => |acc| acc as u32 != 0;
    /// `BrIfEqz` with its condition in the accumulator.
    br_if_eqz_acc: BrIfEqz => |acc| acc as u32 == 0;
}

/// The handler of `op`, its operands and result in the frame.
pub(crate) fn handler_of(op: &Op) -> Handler {
    if let Some(handler) = slot_slot::numeric(op)
        .or_else(|| slot_slot::load(op))
        .or_else(|| slot_address::load_branch(op))
    {
        return handler;
    }
    if let Some(handler) = simd_handler(op) {
        return handler;
    }
    match op {
        Op::I32Store { .. } => I32Store,
        Op::I64Store { .. } => I64Store,
        Op::I32Store8 { .. } => I32Store8,
        Op::I32Store16 { .. } => I32Store16,
        Op::I32StoreImm { .. } => I32StoreImm,
        Op::I64StoreImm { .. } => I64StoreImm,
        Op::I32Store8Imm { .. } => I32Store8Imm,
        Op::I32Store16Imm { .. } => I32Store16Imm,
        Op::I32StoreAt { .. } => I32StoreAt,
        Op::I64StoreAt { .. } => I64StoreAt,
        Op::I32Store8At { .. } => I32Store8At,
        Op::I32Store16At { .. } => I32Store16At,
        Op::I32StoreImmAt { .. } => I32StoreImmAt,
        Op::I64StoreImmAt { .. } => I64StoreImmAt,
        Op::I32Store8ImmAt { .. } => I32Store8ImmAt,
        Op::I32Store16ImmAt { .. } => I32Store16ImmAt,
        Op::I32StoreAbs { .. } => I32StoreAbs,
        Op::I64StoreAbs { .. } => I64StoreAbs,
        Op::I32Store8Abs { .. } => I32Store8Abs,
        Op::I32Store16Abs { .. } => I32Store16Abs,
        Op::I32StoreImmAbs { .. } => I32StoreImmAbs,
        Op::I64StoreImmAbs { .. } => I64StoreImmAbs,
        Op::I32Store8ImmAbs { .. } => I32Store8ImmAbs,
        Op::I32Store16ImmAbs { .. } => I32Store16ImmAbs,
        Op::Br { .. } => Br,
        Op::BrIfNez { .. } => BrIfNez,
        Op::BrIfEqz { .. } => BrIfEqz,
        Op::BrTable { .. } => BrTable,
        Op::Return { .. } => Return,
        Op::CallInternal { .. } => CallInternal,
        Op::Call { .. } => Call,
        Op::CallIndirect { .. } => CallIndirect,
        Op::ReturnCall { .. } => ReturnCall,
        Op::ReturnCallInternal { .. } => ReturnCallInternal,
        Op::ReturnCallIndirect { .. } => ReturnCallIndirect,
        Op::CallRef { .. } => CallRef,
        Op::ReturnCallRef { .. } => ReturnCallRef,
        Op::Throw { .. } => Throw,
        Op::ThrowRef { .. } => ThrowRef,
        Op::Unreachable {} => Unreachable,
        Op::Copy { .. } => Copy,
        Op::Copy2 { .. } => Copy2,
        Op::CopySpan { .. } => CopySpan,
        Op::Const32 { .. } => Const32,
        Op::Const64 { .. } => Const64,
        Op::Select { .. } => Select,
        Op::Select128 { .. } => Select128,
        Op::ConsumeFuel { .. } => ConsumeFuel,
        Op::GlobalGet { .. } => GlobalGet,
        Op::GlobalSet { .. } => GlobalSet,
        Op::GlobalGet128 { .. } => GlobalGet128,
        Op::GlobalSet128 { .. } => GlobalSet128,
        _ => other,
    }
}
