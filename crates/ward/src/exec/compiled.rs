//! Running compiled code: entering it, turning its traps back into errors, and the
//! runtime functions it calls.
//!
//! This is subtle: two reviews. Each entry into compiled code pushes an [`Entry`] on a
//! thread-local chain. A trap (a fault in compiled code, see `sys::entry`) is recorded
//! in the innermost entry by the signal handler, which then resumes the thread at the
//! entry's landing. A runtime function that fails (a host trap, a bulk op out of bounds)
//! leaves its error in the innermost entry and returns a non-zero status, and the
//! compiled code raises a trap in turn. A panic in a host function called from compiled
//! code is caught before it crosses compiled frames and resumed after the entry returns.

// Without the `cranelift` feature, the parts of this module that make or load native
// code have no user.
#![cfg_attr(not(feature = "cranelift"), allow(dead_code))]

use crate::prelude::*;
use core::any::Any;
use core::cell::{Cell, UnsafeCell};
use core::ptr;

use super::{Executor, Host};
use crate::error::{Error, FrameInfo, Trap, TrapKind, BACKTRACE_INNER, BACKTRACE_OUTER};
use crate::index::{DataIndex, ElemIndex, InstanceId, MemoryIndex, TableIndex, TagIndex};
use crate::sys::entry::Fault;
use crate::vm::{
    exnref_cell, exnref_of_cell, native, CodeTrap, FuncKind, StoreInner, VMBuiltins, VMContext,
    VMFuncRef,
};

/// The compiled frames a trap's backtrace keeps: the innermost and the outermost ones,
/// as the interpreter's backtraces.
const MAX_TRAP_FRAMES: usize = BACKTRACE_INNER + BACKTRACE_OUTER;

/// One entry into compiled code, on the thread-local chain.
struct Entry {
    /// The stack pointer the landing resumes with (written by `sys::entry::enter`).
    sp: usize,
    prev: *mut Entry,
    /// The store the entry runs on.
    host: *mut dyn Host,
    /// What the signal handler saw of a trap: its meaning, and how many compiled frames
    /// it unwound (their pcs are in [`TRAP_PCS`]).
    trap: Option<CodeTrap>,
    num_pcs: usize,
    /// The error a runtime function raised.
    pending: Option<Error>,
    /// A panic of a host function, to resume once the entry returns.
    panic: Option<Box<dyn Any + Send>>,
}

thread_local! {
    static CURRENT: Cell<*mut Entry> = const { Cell::new(ptr::null_mut()) };
    /// The pcs of the latest trap's compiled frames, innermost first (the first is the
    /// fault itself): the `BACKTRACE_INNER` innermost, then the `BACKTRACE_OUTER`
    /// outermost in a ring (see [`Entry::frames`]). One buffer per thread, not one per
    /// entry, keeps the entry path's frame small: only the innermost entry traps, and it
    /// reads the buffer as soon as it lands, before this thread runs anything else.
    static TRAP_PCS: UnsafeCell<[usize; MAX_TRAP_FRAMES]> =
        const { UnsafeCell::new([0; MAX_TRAP_FRAMES]) };
}

/// This thread's trap pcs buffer.
fn trap_pcs() -> *mut [usize; MAX_TRAP_FRAMES] {
    TRAP_PCS.with(UnsafeCell::get)
}

/// Installs the trap hook (once per process).
pub(crate) fn install_trap_hook() {
    crate::sys::install_trap_hook(trap_hook);
    crate::sys::entry::install_raise_hook(raise_hook);
}

/// The signal handler's question: is this fault a trap of the compiled code this thread
/// runs? If so, records it in the innermost entry and returns the stack pointer to
/// resume at the landing with. Async-signal-safe: it reads a thread-local, the code
/// registry and the faulting thread's own stack, and writes only into the entry.
fn trap_hook(fault: Fault) -> Option<usize> {
    let entry = CURRENT.try_with(Cell::get).ok()?;
    if entry.is_null() {
        return None;
    }
    let code = native::lookup(fault.pc)?;
    let trap = code.trap_at(fault.pc)?;
    // SAFETY: the innermost entry lives in the frame of `call_compiled` below the code
    // that faulted, on this thread.
    let entry = unsafe { &mut *entry };
    Some(land(entry, trap, fault.pc, fault.fp))
}

/// The hook of `sys::entry::RAISE`, which compiled code calls to leave after a runtime
/// function left its error in the innermost entry: `fault.pc` is the return address
/// of that call. Returns the stack pointer to resume at the landing with.
fn raise_hook(fault: Fault) -> usize {
    // The call instruction, not the one after it, is where the code stopped.
    land(current(), CodeTrap::Raised, fault.pc - 1, fault.fp)
}

/// Records in `entry` a trap of kind `trap` at `pc` in compiled code whose frame
/// pointer is `fp`, with the compiled frames up to the entry, and returns the stack
/// pointer to resume at the landing with.
fn land(entry: &mut Entry, trap: CodeTrap, pc: usize, fp: usize) -> usize {
    entry.trap = Some(trap);
    entry.num_pcs = 0;
    entry.record(pc);
    // Walk the compiled frames by their frame pointers: each holds the caller's frame
    // pointer and the return address. Stop at the first return address outside compiled
    // code (the trampoline that entered it returns into `sys::entry`). The walk ends:
    // frame pointers only grow toward the entry's stack pointer.
    let mut fp = fp;
    while fp != 0 && fp.is_multiple_of(8) && fp < entry.sp {
        // SAFETY: `fp` is a frame pointer of a compiled frame on this thread's stack,
        // between the trap and the entry (checked against the entry's stack pointer).
        let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        let Some(code) = native::lookup(ret) else {
            break;
        };
        // Only wasm functions are frames of the backtrace, not the trampolines; a
        // return address belongs to the call instruction before it.
        if code.location(ret - 1).is_some() {
            entry.record(ret);
        }
        if next <= fp {
            break;
        }
        fp = next;
    }
    entry.sp
}

impl Entry {
    /// Records the next frame's pc, outward: the innermost ones in order, then the
    /// outermost ones in a ring.
    fn record(&mut self, pc: usize) {
        let at = if self.num_pcs < BACKTRACE_INNER {
            self.num_pcs
        } else {
            BACKTRACE_INNER + (self.num_pcs - BACKTRACE_INNER) % BACKTRACE_OUTER
        };
        // SAFETY: the buffer is this thread's, and only the signal handler of a trap on
        // this thread writes it, while the thread's own code is stopped.
        unsafe { (*trap_pcs())[at] = pc };
        self.num_pcs += 1;
    }

    /// The recorded pcs, innermost first, and the number of frames left out between
    /// the innermost and the outermost ones.
    fn frames(&self) -> (Vec<usize>, usize) {
        // SAFETY: this thread's buffer, written by the trap just landed; nothing writes
        // it while the reference lives (no wasm runs here).
        let recorded = unsafe { &*trap_pcs() };
        if self.num_pcs <= MAX_TRAP_FRAMES {
            return (recorded[..self.num_pcs].to_vec(), 0);
        }
        let mut pcs = recorded[..BACKTRACE_INNER].to_vec();
        let ring = &recorded[BACKTRACE_INNER..];
        let oldest = (self.num_pcs - BACKTRACE_INNER) % BACKTRACE_OUTER;
        pcs.extend(ring[oldest..].iter().chain(&ring[..oldest]));
        (pcs, self.num_pcs - MAX_TRAP_FRAMES)
    }
}

/// Calls compiled function `func` through its type's `array_to_wasm` trampoline, with
/// its params in `cells`, where its results go. `caller` is the calling instance's
/// vmctx, or null from the host.
pub(crate) fn call_compiled(
    host: &mut dyn Host,
    func: &VMFuncRef,
    caller: *mut VMContext,
    cells: *mut u64,
) -> Result<(), Error> {
    debug_assert_eq!(func.kind, FuncKind::Compiled);
    // SAFETY: a compiled function's vmctx is live while its store is, and its module.
    let module = unsafe { VMContext::module(func.vmctx) };
    let info = module.info();
    let ty = info.func_type_index(info.func_index(func.defined_index()));
    let trampoline = module
        .trampolines(ty)
        .expect("a compiled module has trampolines")
        .array_to_wasm;
    let bounds = host.inner().native_bounds();
    let host: *mut (dyn Host + '_) = host;
    // SAFETY: only the trait object's lifetime is erased: the entry, which holds the
    // pointer, lives inside this call, within the borrow of `host`.
    let host: *mut (dyn Host + 'static) = unsafe { core::mem::transmute(host) };
    let mut entry = Entry {
        sp: 0,
        prev: CURRENT.get(),
        host,
        trap: None,
        num_pcs: 0,
        pending: None,
        panic: None,
    };
    CURRENT.set(&mut entry);
    // SAFETY: the trampoline is compiled code of that signature; the entry outlives the
    // call and is the innermost on this thread's chain, so a trap lands here.
    let trapped = unsafe {
        crate::sys::entry::enter(
            &mut entry.sp,
            trampoline,
            func as *const VMFuncRef as usize,
            caller as usize,
            cells as usize,
        )
    };
    CURRENT.set(entry.prev);
    if let Some(panic) = entry.panic.take() {
        std::panic::resume_unwind(panic);
    }
    if !trapped {
        return Ok(());
    }
    match entry.trap {
        Some(CodeTrap::Raised) | None => {
            let mut error = entry
                .pending
                .take()
                .unwrap_or_else(|| Trap::new("compiled code trapped without a cause").into());
            if let Error::Trap(trap) = &mut error {
                let (pcs, omitted) = entry.frames();
                trap.set_backtrace_if_empty(backtrace(&pcs), omitted);
            }
            Err(error)
        }
        Some(CodeTrap::Wasm(kind)) => {
            // A prologue's stack check compares with one limit, the higher of the
            // native stack's (its end plus the runtime's reserve) and the wasm stack
            // size's: when the native one is the higher, the thread's stack ran out,
            // not wasm's.
            let kind = if kind == TrapKind::StackOverflow && bounds.wasm_limit_is_native() {
                TrapKind::NativeStackOverflow
            } else {
                kind
            };
            let mut trap = Trap::from_kind(kind);
            let (pcs, omitted) = entry.frames();
            trap.set_backtrace_if_empty(backtrace(&pcs), omitted);
            Err(trap.into())
        }
    }
}

/// The wasm frames of compiled code at `pcs` (a fault, then return addresses).
fn backtrace(pcs: &[usize]) -> Vec<FrameInfo> {
    pcs.iter()
        .enumerate()
        .filter_map(|(i, &pc)| {
            // A return address belongs to the call before it.
            let pc = if i == 0 { pc } else { pc - 1 };
            let code = native::lookup(pc)?;
            let (func, offset) = code.location(pc)?;
            // SAFETY: the module that owns code which ran in this activation is alive.
            let module = unsafe { code.module()? };
            let index = module.info().func_index(func);
            Some(FrameInfo {
                func_index: index.as_u32(),
                func_name: module.func_name(index).map(str::to_string),
                module_offset: offset as usize,
            })
        })
        .collect()
}

/// The innermost entry into compiled code on this thread, for the runtime functions.
fn current() -> &'static mut Entry {
    let entry = CURRENT.get();
    assert!(
        !entry.is_null(),
        "a runtime function called outside compiled code"
    );
    // SAFETY: the entry lives in the frame of `call_compiled` below the compiled code
    // that called the runtime function, on this thread.
    unsafe { &mut *entry }
}

/// Runs a runtime function's body with the store behind the innermost entry: its
/// result, or on an error the error kept for the trap landing and status 1. A panic is
/// kept for the entry to resume, never unwound through compiled frames.
fn with_store<R: From<u32>>(body: impl FnOnce(&mut dyn Host) -> Result<R, Error>) -> R {
    let entry = current();
    // SAFETY: the entry's store is the one running the compiled code, held mutably by
    // `call_compiled`'s caller, which uses no reference into it meanwhile.
    let host = unsafe { &mut *entry.host };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(host))) {
        Ok(Ok(status)) => status,
        Ok(Err(error)) => {
            entry.pending = Some(error);
            R::from(1)
        }
        Err(panic) => {
            entry.panic = Some(panic);
            R::from(1)
        }
    }
}

/// The id of the instance whose vmctx is `vmctx`.
fn instance_of(vmctx: *mut VMContext) -> InstanceId {
    // SAFETY: compiled code passes its own live vmctx.
    unsafe { VMContext::header(vmctx).instance }
}

/// Runs a runtime function's store operation for the instance whose vmctx is `vmctx`:
/// status 0, or the trap it reports.
fn on_instance(
    vmctx: *mut VMContext,
    op: impl FnOnce(&mut StoreInner, InstanceId) -> Result<(), TrapKind>,
) -> u32 {
    with_store(|host| {
        op(host.inner(), instance_of(vmctx)).map_err(Trap::from_kind)?;
        Ok(0)
    })
}

// The runtime functions take addresses, lengths and deltas as `u64`s, for 32-bit and
// 64-bit memories and tables alike; growth returns the old size or `u64::MAX` (-1).

extern "C" fn memory_grow(vmctx: *mut VMContext, memory: u32, delta: u64) -> u64 {
    with_store(|host| {
        let instance = instance_of(vmctx);
        let old = host
            .inner()
            .memory_grow(instance, MemoryIndex::from_u32(memory), delta);
        Ok(old.map_or(u64::MAX, u64::from))
    })
}

extern "C" fn memory_fill(
    vmctx: *mut VMContext,
    memory: u32,
    dst: u64,
    value: u32,
    len: u64,
) -> u32 {
    on_instance(vmctx, |store, instance| {
        store.memory_fill(
            instance,
            MemoryIndex::from_u32(memory),
            dst,
            value as u8,
            len,
        )
    })
}

extern "C" fn memory_copy(
    vmctx: *mut VMContext,
    dst_memory: u32,
    src_memory: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    on_instance(vmctx, |store, instance| {
        let (dm, sm) = (
            MemoryIndex::from_u32(dst_memory),
            MemoryIndex::from_u32(src_memory),
        );
        store.memory_copy(instance, dm, sm, dst, src, len)
    })
}

extern "C" fn memory_init(
    vmctx: *mut VMContext,
    memory: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    on_instance(vmctx, |store, instance| {
        let (memory, segment) = (MemoryIndex::from_u32(memory), DataIndex::from_u32(segment));
        store.memory_init(instance, memory, segment, dst, src, len)
    })
}

extern "C" fn data_drop(vmctx: *mut VMContext, segment: u32) -> u32 {
    on_instance(vmctx, |store, instance| {
        store
            .instance_mut(instance)
            .drop_data(DataIndex::from_u32(segment));
        Ok(())
    })
}

extern "C" fn table_grow(vmctx: *mut VMContext, table: u32, init: u64, delta: u64) -> u64 {
    with_store(|host| {
        let instance = instance_of(vmctx);
        let old = host
            .inner()
            .table_grow(instance, TableIndex::from_u32(table), delta, init);
        Ok(old.map_or(u64::MAX, u64::from))
    })
}

extern "C" fn table_fill(vmctx: *mut VMContext, table: u32, dst: u64, value: u64, len: u64) -> u32 {
    on_instance(vmctx, |store, instance| {
        store.table_fill(instance, TableIndex::from_u32(table), dst, value, len)
    })
}

extern "C" fn table_copy(
    vmctx: *mut VMContext,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    on_instance(vmctx, |store, instance| {
        let (dt, st) = (
            TableIndex::from_u32(dst_table),
            TableIndex::from_u32(src_table),
        );
        store.table_copy(instance, dt, st, dst, src, len)
    })
}

extern "C" fn table_init(
    vmctx: *mut VMContext,
    table: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    on_instance(vmctx, |store, instance| {
        let (table, segment) = (TableIndex::from_u32(table), ElemIndex::from_u32(segment));
        store.table_init(instance, table, segment, dst, src, len)
    })
}

extern "C" fn elem_drop(vmctx: *mut VMContext, segment: u32) -> u32 {
    on_instance(vmctx, |store, instance| {
        store
            .instance_mut(instance)
            .drop_elem(ElemIndex::from_u32(segment));
        Ok(())
    })
}

/// Calls an interpreted or host function for compiled code, with its params in
/// `cells` (the trampoline's buffer), where its results go.
extern "C" fn call_array(callee: *const VMFuncRef, caller: *mut VMContext, cells: *mut u64) -> u32 {
    with_store(|host| {
        call_any(host, callee, caller, cells)?;
        Ok(0)
    })
}

/// Calls any function for compiled code inside a handler: see [`VMBuiltins`].
extern "C" fn call_catching(
    caller: *mut VMContext,
    callee: *const VMFuncRef,
    cells: *mut u64,
) -> u32 {
    with_store(|host| {
        let Err(error) = call_any(host, callee, caller, cells) else {
            return Ok(0);
        };
        let Error::Trap(trap) = &error else {
            return Err(error);
        };
        match trap.exception_in(host.inner().id()) {
            Some(Ok(exception)) => {
                // SAFETY: the caller's buffer holds at least one cell.
                unsafe { cells.write(exnref_cell(exception)) };
                Ok(2)
            }
            Some(Err(other)) => Err(other.into()),
            None => Err(error),
        }
    })
}

/// Calls `callee`, of any kind, with its params in `cells`, where its results go.
fn call_any(
    host: &mut dyn Host,
    callee: *const VMFuncRef,
    caller: *mut VMContext,
    cells: *mut u64,
) -> Result<(), Error> {
    // SAFETY: compiled code passes a live function reference of this store.
    let func = unsafe { &*callee };
    // SAFETY: as above: the reference's type lives as long as the store.
    let ty = unsafe { func.ty() };
    let len = ty.param_cells().max(ty.result_cells()) as usize;
    let caller = (!caller.is_null()).then(|| instance_of(caller));
    match func.kind {
        FuncKind::Host => {
            // SAFETY: the caller's buffer holds `len` cells.
            let window = unsafe { core::slice::from_raw_parts_mut(cells, len) };
            call_host_window(host, func, window, caller)?;
        }
        // Compiled frames leave only the runtime's reserve below them: an interpreted
        // or compiled callee entered from here checks for its entry path as a call
        // from the host does.
        FuncKind::Interpreted => {
            host.inner().native_bounds().check_entry()?;
            run_interpreted(host, func, cells, len)?
        }
        FuncKind::Compiled => {
            host.inner().native_bounds().check_entry()?;
            call_compiled(host, func, ptr::null_mut(), cells)?;
        }
    }
    Ok(())
}

extern "C" fn exn_new(vmctx: *mut VMContext, tag: u32, cells: *const u64) -> u64 {
    with_store(|host| {
        let store = host.inner();
        let tag = store
            .instance(instance_of(vmctx))
            .tag_id(TagIndex::from_u32(tag));
        let len = store.tag_type(tag).func_type().param_cells() as usize;
        // SAFETY: compiled code passes a buffer with the tag's values.
        let values: Box<[u64]> = unsafe { core::slice::from_raw_parts(cells, len) }.into();
        Ok(exnref_cell(store.exceptions_mut().alloc(tag, values)))
    })
}

extern "C" fn exn_throw(_vmctx: *mut VMContext, exn: u64) -> u32 {
    with_store(|host| {
        let exception = exnref_of_cell(exn).expect("compiled code throws no null reference");
        Err(Trap::exception_of(host.inner().id(), exception).into())
    })
}

extern "C" fn exn_catch(
    vmctx: *mut VMContext,
    exn: u64,
    tag: u32,
    cells: *mut u64,
    with_ref: u32,
) -> u32 {
    with_store(|host| {
        let store = host.inner();
        let exception = exnref_of_cell(exn).expect("compiled code catches no null reference");
        let object = store.exceptions().get(exception);
        if tag != u32::MAX {
            let tag = store
                .instance(instance_of(vmctx))
                .tag_id(TagIndex::from_u32(tag));
            if object.tag() != tag {
                return Ok(0);
            }
            let values = object.cells();
            // SAFETY: compiled code passes a buffer with room for the tag's values.
            unsafe { ptr::copy_nonoverlapping(values.as_ptr(), cells, values.len()) };
        }
        let exceptions = store.exceptions_mut();
        if with_ref != 0 {
            exceptions.expose(exception);
        } else {
            exceptions.caught_by_value(exception);
        }
        Ok(1)
    })
}

/// Calls a host function with its window somewhere other than the wasm stack.
fn call_host_window(
    host: &mut dyn Host,
    func: &VMFuncRef,
    window: &mut [u64],
    caller: Option<InstanceId>,
) -> Result<(), Trap> {
    host.inner().native_bounds().check()?;
    crate::native_stack::note_host_check();
    host.call_host(func.host_id(), window, caller)
}

/// Runs an interpreted function whose params are in `cells` (`len` of them, the larger
/// of its param and result cells): on the wasm stack, above what is in use.
fn run_interpreted(
    host: &mut dyn Host,
    func: &VMFuncRef,
    cells: *mut u64,
    len: usize,
) -> Result<(), Error> {
    let stack = host.inner().wasm_stack_mut();
    let base = stack.top();
    if base + len > stack.capacity() {
        return Err(Trap::from_kind(crate::TrapKind::StackOverflow).into());
    }
    let frame = stack.base();
    // SAFETY: `base + len` is within the stack (checked), and `cells` holds `len`
    // cells; the trampoline's buffer and the wasm stack are distinct.
    unsafe { ptr::copy_nonoverlapping(cells, frame.add(base), len) };
    Executor::run(host, func, base)?;
    // SAFETY: as above.
    unsafe { ptr::copy_nonoverlapping(frame.add(base), cells, len) };
    Ok(())
}

/// The runtime functions every vmctx points at.
pub(crate) static BUILTINS: VMBuiltins = VMBuiltins {
    memory_grow,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_grow,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
    call_array,
    call_catching,
    exn_new,
    exn_throw,
    exn_catch,
    raise: crate::sys::entry::RAISE,
};
