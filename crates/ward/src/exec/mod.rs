//! The executor: runs ward's slot code on the store's wasm stack.
//!
//! wasm-to-wasm calls never recurse on the native stack: a call pushes a [`Frame`]
//! record and switches the registers (`ip`, `fp`, the cached memory) to the callee; a
//! return pops it. Only host functions, and wasm they call back into, use more native
//! stack. The callee's frame starts at the caller's argument slots, so arguments are
//! never copied, and its results land where the caller expects them.
//!
//! The executor reaches the running instance through its vmctx (see `vm::vmctx`) and
//! the store through its type-independent part: it never names the store's user data
//! type. Host functions, which do, are called through the store's [`Host`] side.

use crate::prelude::*;

mod bulk;
#[cfg(feature = "cranelift")]
mod compiled;
#[macro_use]
mod numeric;
mod disassemble;
mod dispatch;
mod exception;
#[cfg(feature = "simd")]
mod simd;

#[cfg(feature = "cranelift")]
pub(crate) use compiled::install_trap_hook;

/// The runtime functions compiled code calls, for every instance's vmctx; none without
/// the compiled tier, which alone makes code that calls them.
pub(crate) fn builtins() -> *const crate::vm::vmctx::VMBuiltins {
    #[cfg(feature = "cranelift")]
    return &compiled::BUILTINS;
    #[cfg(not(feature = "cranelift"))]
    return core::ptr::null();
}
pub(crate) use disassemble::disassemble;
pub(crate) use dispatch::handler_in_mode;

use core::ptr;
use core::sync::atomic::Ordering;

use crate::error::{Error, FrameInfo, Trap, TrapKind, BACKTRACE_INNER, BACKTRACE_OUTER};
use crate::index::{HostFuncId, InstanceId, MemoryIndex};
use crate::ir::{CompiledFunc, ExecContext, Instr, Op};
use crate::native_stack::{self, NativeBounds};
use crate::vm::{
    Frame, FuncKind, FuncRef, StoreInner, VMContext, VMFuncRef, VMGlobal, VMMemoryDefinition,
    VMOffsets, VMStoreContext,
};

/// The side of a store that depends on its user data type: its host functions. The
/// executor calls them through this, with the store's type erased.
pub(crate) trait Host {
    /// The store's type-independent part.
    fn inner(&mut self) -> &mut StoreInner;

    /// Calls host function `id` with its params in `window` (and its results written
    /// there); `caller` is the instance that called it, if wasm did.
    fn call_host(
        &mut self,
        id: HostFuncId,
        window: &mut [u64],
        caller: Option<InstanceId>,
    ) -> Result<(), Trap>;
}

/// The bounds-checked address `addr + offset` of an `n`-byte access to a memory of `len`
/// bytes.
#[inline(always)]
fn effective(len: usize, addr: u64, offset: u32, n: usize) -> Result<usize, TrapKind> {
    let ea = (addr as u32) as u64 + offset as u64;
    if ea + n as u64 > len as u64 {
        return Err(TrapKind::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

/// Reads `N` bytes of the memory at `mem` (`len` bytes) at `addr + offset`.
#[inline(always)]
fn mem_read<const N: usize>(
    mem: *mut u8,
    len: usize,
    addr: u64,
    offset: u32,
) -> Result<[u8; N], TrapKind> {
    let ea = effective(len, addr, offset, N)?;
    // SAFETY: `ea + N <= len` (checked), and `mem` is the cached base of a memory of
    // `len` bytes, reloaded whenever the memory may have moved.
    Ok(unsafe { ptr::read_unaligned(mem.add(ea) as *const [u8; N]) })
}

/// Writes `bytes` to the memory at `mem` (`len` bytes) at `addr + offset`.
#[inline(always)]
fn mem_write<const N: usize>(
    mem: *mut u8,
    len: usize,
    addr: u64,
    offset: u32,
    bytes: [u8; N],
) -> OpResult {
    let ea = effective(len, addr, offset, N)?;
    // SAFETY: as for `mem_read`.
    unsafe { ptr::write_unaligned(mem.add(ea) as *mut [u8; N], bytes) };
    Ok(())
}

/// Zeroes the `n` cells from `cells`. Up to 8 cells (most functions' locals) take two
/// stores of a fixed size, overlapping when `n` is not a power of two, rather than a
/// call to `memset`, which every call of a function with locals would otherwise make.
///
/// # Safety
///
/// The `n` cells from `cells` are valid for writes.
#[inline(always)]
unsafe fn zero_cells(cells: *mut u64, n: usize) {
    // SAFETY (every arm): the writes cover cells `0..n` and nothing else, since each
    // block of `k` cells starts at 0 or at `n - k`, with `k <= n`.
    unsafe {
        if n == 0 {
        } else if n <= 2 {
            cells.write(0);
            cells.add(n - 1).write(0);
        } else if n <= 4 {
            cells.cast::<[u64; 2]>().write([0; 2]);
            cells.add(n - 2).cast::<[u64; 2]>().write([0; 2]);
        } else if n <= 8 {
            cells.cast::<[u64; 4]>().write([0; 4]);
            cells.add(n - 4).cast::<[u64; 4]>().write([0; 4]);
        } else {
            ptr::write_bytes(cells, 0, n);
        }
    }
}

/// Calls function `func` of the store behind `host` with its params in the wasm stack
/// cells from `base`; its results are written there.
///
/// The store's outermost call begins a native stack activation: it caches the bounds in
/// the store, and ends it however the call ends (a panic in a host function included).
///
/// # Errors
///
/// A trap, or a compile error when a function fails to translate on its first call.
#[inline(always)]
pub(crate) fn invoke(host: &mut dyn Host, func: FuncRef, base: usize) -> Result<(), Error> {
    if host.inner().native_bounds().limit != 0 {
        return invoke_in_activation(host, func, base);
    }
    invoke_outermost(host, func, base)
}

/// The store's outermost call: out of line, so that the frame of its activation
/// bookkeeping (the bounds, the panic catch) is not on the path of every re-entry.
#[inline(never)]
fn invoke_outermost(host: &mut dyn Host, func: FuncRef, base: usize) -> Result<(), Error> {
    let limits = host.inner().engine().config().stack_limits();
    // The public entry checked already; this frame adds the activation's own, so the
    // check repeats below it: what lies under here is what `ENTRY_STACK` covers.
    native_stack::check_outermost(native_stack::stack_pointer(), limits.entry, limits)?;
    let bounds = native_stack::begin(limits);
    host.inner().set_native_bounds(bounds);
    // A panic in a host function unwinds through here: the store's bounds and the
    // thread's record must not outlive the activation. Without `std` there is no
    // unwinding to catch (a panic aborts).
    #[cfg(feature = "std")]
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        invoke_in_activation(host, func, base)
    }));
    #[cfg(not(feature = "std"))]
    let result = invoke_in_activation(host, func, base);
    host.inner().set_native_bounds(NativeBounds::default());
    native_stack::end();
    #[cfg(feature = "std")]
    let result = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    result
}

fn invoke_in_activation(host: &mut dyn Host, func: FuncRef, base: usize) -> Result<(), Error> {
    // SAFETY: the caller passes a function of this store, which is alive.
    let func = unsafe { func.get() };
    match func.kind {
        FuncKind::Host => call_host(host, func, base, None).map_err(Error::Trap),
        FuncKind::Interpreted => Executor::run(host, func, base),
        #[cfg(feature = "cranelift")]
        FuncKind::Compiled => {
            let cells = host.inner().wasm_stack_mut().base();
            // SAFETY: the caller reserved the function's window at `base` in the stack.
            let cells = unsafe { cells.add(base) };
            compiled::call_compiled(host, func, ptr::null_mut(), cells).inspect_err(|error| {
                // Compiled code's handlers are done with it: the caller gets the error.
                host.inner().expose_exception_of(error)
            })
        }
    }
}

/// Calls host function `func` with its params and results in the cells from `base`.
fn call_host(
    host: &mut dyn Host,
    func: &VMFuncRef,
    base: usize,
    caller: Option<InstanceId>,
) -> Result<(), Trap> {
    let inner = host.inner();
    inner.native_bounds().check()?;
    native_stack::note_host_check();
    // SAFETY: the function belongs to this store, which is alive.
    let ty = unsafe { func.ty() };
    let cells = ty.param_cells().max(ty.result_cells()) as usize;
    let stack = inner.wasm_stack_mut();
    if base + cells > stack.capacity() {
        return Err(Trap::from_kind(TrapKind::StackOverflow));
    }
    let saved_top = stack.set_top(base + cells);
    // SAFETY: `base + cells` is within the stack's capacity (checked above). The cells
    // stay allocated and unmoved for the store's life, and nothing else touches them
    // during the call: wasm the host calls back into runs above the new top.
    let window = unsafe { core::slice::from_raw_parts_mut(stack.base().add(base), cells) };
    let result = host.call_host(func.host_id(), window, caller);
    host.inner().wasm_stack_mut().set_top(saved_top);
    result
}

/// The cells of a call's window: the larger of the params' and the results'.
#[cfg(feature = "cranelift")]
fn callee_cells(callee: &VMFuncRef) -> usize {
    // SAFETY: a function reference's type lives as long as its store.
    let ty = unsafe { callee.ty() };
    ty.param_cells().max(ty.result_cells()) as usize
}

/// The registers of the running function, and the store it runs in. The handlers keep
/// `ip`, `fp` and the memory in machine registers and write them back here before
/// anything out of line; `fp` and the memory here are always current.
pub(crate) struct Executor {
    /// The stack's cells.
    cells: *mut u64,
    capacity: usize,
    ip: *const Instr,
    /// The current frame: `cells + fbase`.
    fp: *mut u64,
    fbase: usize,
    code: *const CompiledFunc,
    /// The running instance, and what the handlers use of its vmctx, cached when the
    /// instance changes: its layout, its function references and global pointers, and
    /// its memory 0 (null when it has none).
    vmctx: *mut VMContext,
    offsets: *const VMOffsets,
    defined_funcs: *const VMFuncRef,
    globals: *const *mut VMGlobal,
    memory: *const VMMemoryDefinition,
    /// The current memory of the current instance (see `Op::UseMemory`): its index,
    /// base and length in bytes.
    mem_index: MemoryIndex,
    mem: *mut u8,
    mem_len: usize,
    /// Frames below this depth belong to outer activations.
    entry_depth: usize,
    /// The store: its type-independent part, its shared state and its host side.
    inner: *mut StoreInner,
    context: *mut VMStoreContext,
    host: *mut dyn Host,
    /// Why the activation stopped, when it failed.
    fault: Option<Error>,
    /// The accumulator between handlers under the loop dispatch (see `dispatch.rs`).
    acc: u64,
    /// The frame address of the first handler of the current dispatch chain.
    #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
    chain_frame: usize,
    /// The ops the chain's last two dispatches went to, oldest first: when a handler
    /// leaves its frame behind, the first is the one that did.
    #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
    dispatched: [*const Instr; 2],
}

/// How an op that may trap ends.
type OpResult = Result<(), TrapKind>;

impl Executor {
    /// Runs wasm function `func` to completion.
    fn run(host: &mut dyn Host, func: &VMFuncRef, base: usize) -> Result<(), Error> {
        let host: *mut (dyn Host + '_) = host;
        // SAFETY: only the trait object's lifetime is erased: the executor, which holds
        // the pointer, lives inside this call, within the borrow of `host`.
        let host: *mut (dyn Host + 'static) = unsafe { core::mem::transmute(host) };
        // SAFETY: `host` comes from a live `&mut dyn Host`; the reference ends before
        // the executor uses the pointers.
        let inner: *mut StoreInner = unsafe { (*host).inner() };
        // SAFETY: as above.
        let (cells, capacity, entry_depth, context) = unsafe {
            let stack = (*inner).wasm_stack_mut();
            (
                stack.base(),
                stack.capacity(),
                stack.depth(),
                (*inner).context_ptr(),
            )
        };
        let mut exec = Executor {
            cells,
            capacity,
            ip: ptr::null(),
            fp: ptr::null_mut(),
            fbase: 0,
            code: ptr::null(),
            vmctx: ptr::null_mut(),
            offsets: ptr::null(),
            defined_funcs: ptr::null(),
            globals: ptr::null(),
            memory: ptr::null(),
            mem_index: MemoryIndex::from_u32(0),
            mem: ptr::null_mut(),
            mem_len: 0,
            entry_depth,
            inner,
            context,
            host,
            fault: None,
            acc: 0,
            #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
            chain_frame: 0,
            #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
            dispatched: [core::ptr::null(); 2],
        };
        let saved_top = exec.store_mut().wasm_stack().top();
        let result = match exec.enter(func, base) {
            Ok(()) => exec.run_loop(),
            Err(error) => Err(error),
        };
        exec.store_mut().wasm_stack_mut().set_top(saved_top);
        match result {
            Ok(()) => Ok(()),
            Err(error) => Err(exec.fail(error)),
        }
    }

    /// Ends a failed activation: a trap gets its backtrace from the frames still on
    /// the wasm stack, which then drop to the activation's entry. Out of line, so that
    /// its frame is not part of every call's path.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, mut error: Error) -> Error {
        if let Error::Trap(trap) = &mut error {
            let (frames, omitted) = self.backtrace();
            trap.set_backtrace_if_empty(frames, omitted);
        }
        self.store_mut().expose_exception_of(&error);
        let depth = self.entry_depth;
        self.store_mut().wasm_stack_mut().truncate_frames(depth);
        error
    }

    /// The executor behind a handler's context pointer.
    ///
    /// # Safety
    ///
    /// `cx` comes from [`Executor::context`] of a live executor, and no other reference
    /// to it is in use.
    #[inline(always)]
    unsafe fn from_context<'a>(cx: *mut ExecContext) -> &'a mut Executor {
        // SAFETY: guaranteed by the caller: the pointer is an `Executor`'s, cast.
        unsafe { &mut *cx.cast::<Executor>() }
    }

    /// The context pointer that handlers receive.
    #[inline(always)]
    fn context(&mut self) -> *mut ExecContext {
        (self as *mut Executor).cast()
    }

    /// The store's type-independent part.
    #[inline(always)]
    fn store_mut(&mut self) -> &mut StoreInner {
        // SAFETY: the executor runs with the store borrowed mutably (`run`), and only
        // the executor's methods reach it, one reference at a time; a host call
        // (`call_host`) happens while no such reference is live.
        unsafe { &mut *self.inner }
    }

    /// The running instance's id in its store.
    fn instance(&self) -> InstanceId {
        // SAFETY: `vmctx` is the live vmctx of the running function's instance.
        unsafe { VMContext::header(self.vmctx).instance }
    }

    /// The running instance's vmctx layout.
    #[inline(always)]
    fn offsets(&self) -> &VMOffsets {
        // SAFETY: `offsets` belongs to the running instance's module, which lives as
        // long as the store.
        unsafe { &*self.offsets }
    }

    /// Runs handlers from `self.ip` until the activation ends.
    fn run_loop(&mut self) -> Result<(), Error> {
        let mut ip = self.ip;
        loop {
            #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
            {
                self.chain_frame = 0;
                self.dispatched = [ip, ip];
            }
            // SAFETY: `ip` points at an op of the running function (see `dispatch!`).
            let handler = unsafe { (*ip).handler };
            let acc = self.acc;
            let (fp, mem, len) = (self.fp, self.mem, self.mem_len);
            ip = handler(ip, fp, mem, len, self.context(), acc);
            if ip.is_null() {
                return match self.fault.take() {
                    Some(error) => Err(error),
                    None => Ok(()),
                };
            }
        }
    }

    /// The translated code of wasm function `func`, translating it on its first call.
    fn code_of(&mut self, func: &VMFuncRef) -> Result<*const CompiledFunc, Error> {
        let code = func.code.load(Ordering::Relaxed);
        if !code.is_null() {
            return Ok(code);
        }
        // SAFETY: a wasm function's vmctx is live while its store is.
        let module = unsafe { VMContext::module(func.vmctx) };
        let index = func.defined_index();
        let code = match module.code_ready(index) {
            Some(code) => code,
            None => {
                // Translation is deep work, done once: it asks for its own headroom.
                self.store_mut()
                    .native_bounds()
                    .ensure(native_stack::TRANSLATION_STACK)?;
                native_stack::note_translate_check();
                module.code(index)?
            }
        };
        // Later calls through this reference take the fast path.
        func.code
            .store(code as *const _ as *mut CompiledFunc, Ordering::Relaxed);
        Ok(code)
    }

    /// Switches the registers to the start of wasm function `func` with its frame at
    /// cell `base`, after checking the wasm stack has room for it.
    fn enter(&mut self, func: &VMFuncRef, base: usize) -> Result<(), Error> {
        let code = self.code_of(func)?;
        // SAFETY: translated code lives as long as its module, which the store keeps
        // alive (through the instance) for as long as the store lives.
        let code = unsafe { &*code };
        let frame_end = base + code.frame_cells as usize;
        if frame_end > self.capacity || !self.store_mut().wasm_stack().has_frame_room() {
            return Err(Trap::from_kind(TrapKind::StackOverflow).into());
        }
        self.start_frame(code, base);
        if func.vmctx != self.vmctx {
            self.switch_instance(func.vmctx);
        }
        Ok(())
    }

    /// Makes `vmctx` the running instance: caches what the handlers use of it.
    fn switch_instance(&mut self, vmctx: *mut VMContext) {
        // SAFETY: a wasm function's vmctx is live while its store is, and its module
        // with it; the fields read are at its layout's offsets, with their types.
        unsafe {
            let offsets = VMContext::module(vmctx).offsets();
            self.vmctx = vmctx;
            self.offsets = offsets;
            self.defined_funcs = VMContext::field(vmctx, offsets.defined_funcs_start());
            self.globals = VMContext::field(vmctx, offsets.globals_start());
        }
        self.memory = ptr::null();
        if self.offsets().num_memories() > 0 {
            self.use_memory(MemoryIndex::from_u32(0));
        } else {
            self.mem_index = MemoryIndex::from_u32(0);
            self.load_memory();
        }
    }

    /// Makes `memory` of the running instance the current memory.
    fn use_memory(&mut self, memory: MemoryIndex) {
        // SAFETY: the offset of a memory of the running instance (a validated index),
        // which holds a pointer to its definition.
        self.memory = unsafe {
            *VMContext::field::<*const VMMemoryDefinition>(
                self.vmctx,
                self.offsets().memory(memory),
            )
        };
        self.mem_index = memory;
        self.load_memory();
    }

    /// Points the registers at a new frame at cell `base` running `code`, its locals
    /// zeroed. The caller checked that the frame fits.
    #[inline(always)]
    fn start_frame(&mut self, code: &CompiledFunc, base: usize) {
        // SAFETY: `base + frame_cells` is within the stack (checked by the caller).
        let fp = unsafe { self.cells.add(base) };
        let locals = (code.local_cells - code.param_cells) as usize;
        // SAFETY: the locals lie within the frame.
        unsafe { zero_cells(fp.add(code.param_cells as usize), locals) };
        self.fp = fp;
        self.fbase = base;
        self.code = code;
        self.ip = code.ops.as_ptr();
    }

    /// Calls translated function `code` of the current instance with its frame at slot
    /// `base`: the fast path of `CallInternal`.
    #[inline(always)]
    fn call_internal(&mut self, code: *const CompiledFunc, base: u32) -> OpResult {
        // SAFETY: a non-null code pointer of a function reference is live translated
        // code (see `code_of`).
        let code = unsafe { &*code };
        let abs = self.fbase + base as usize;
        let frame = Frame {
            // SAFETY: the op after a call exists: every function ends in `Return`.
            ip: unsafe { self.ip.add(1) },
            fbase: self.fbase,
            code: self.code,
            vmctx: self.vmctx,
        };
        if abs + code.frame_cells as usize > self.capacity
            || !self.store_mut().wasm_stack_mut().push_frame(frame)
        {
            return Err(TrapKind::StackOverflow);
        }
        self.start_frame(code, abs);
        Ok(())
    }

    /// Caches the base and length of the current memory.
    #[inline(always)]
    fn load_memory(&mut self) {
        if self.memory.is_null() {
            self.mem = ptr::NonNull::dangling().as_ptr();
            self.mem_len = 0;
        } else {
            // SAFETY: a memory definition lives as long as its store.
            let memory = unsafe { &*self.memory };
            self.mem = memory.base;
            self.mem_len = memory.current_length;
        }
    }

    /// The wasm frames active now, innermost first, without the middle of a deep stack;
    /// and the number of frames left out.
    fn backtrace(&mut self) -> (Vec<FrameInfo>, usize) {
        let mut frames = Vec::new();
        if self.code.is_null() {
            return (frames, 0);
        }
        let mut add = |vmctx: *mut VMContext, code: *const CompiledFunc, ip: *const Instr| {
            // SAFETY: `vmctx` is a live vmctx, `code` a live compiled function (see
            // `enter`) and `ip` points into its ops, at most one past the op that ran.
            let (module, code) = unsafe { (VMContext::module(vmctx), &*code) };
            let at = (ip as usize - code.ops.as_ptr() as usize) / core::mem::size_of::<Instr>();
            let offset = code.offsets.get(at).copied().unwrap_or(0);
            frames.push(FrameInfo {
                func_index: code.func_index.as_u32(),
                func_name: module.func_name(code.func_index).map(str::to_string),
                module_offset: offset as usize,
            });
        };
        add(self.vmctx, self.code, self.ip);
        // SAFETY: see `store_mut`; only read here.
        let store = unsafe { &*self.inner };
        let callers = store.wasm_stack().frames_above(self.entry_depth);
        let keep_inner = BACKTRACE_INNER - 1;
        let omitted = callers.len().saturating_sub(keep_inner + BACKTRACE_OUTER);
        let kept = callers
            .iter()
            .rev()
            .enumerate()
            .filter(|&(i, _)| omitted == 0 || i < keep_inner || i >= keep_inner + omitted);
        for (_, frame) in kept {
            // The saved ip is the op after the call; the call is the op before it.
            add(frame.vmctx, frame.code, frame.ip.wrapping_sub(1));
        }
        (frames, omitted)
    }

    /// Calls `callee` with its frame at slot `base` of the current frame. For a wasm
    /// callee the registers switch to it; a host callee runs to completion.
    fn call(&mut self, callee: &VMFuncRef, base: u32) -> Result<(), Error> {
        let abs = self.fbase + base as usize;
        #[cfg(feature = "cranelift")]
        if callee.kind == FuncKind::Compiled {
            // SAFETY: the host side of the running store; no reference into the store
            // is live across the call. The callee's window is the frame's argument
            // slots, inside the stack (checked when the caller was entered).
            let host = unsafe { &mut *self.host };
            let window = unsafe { self.cells.add(abs) };
            let top = host
                .inner()
                .wasm_stack_mut()
                .set_top(abs + callee_cells(callee));
            let result = compiled::call_compiled(host, callee, self.vmctx, window);
            host.inner().wasm_stack_mut().set_top(top);
            result?;
            self.load_memory();
            // SAFETY: the op after a call exists (every function ends in `Return`), or
            // for a tail call, which may be a function's last op, `ip + 1` is one past
            // the end of its ops, and `tail_call` replaces it before it is read.
            self.ip = unsafe { self.ip.add(1) };
            return Ok(());
        }
        if callee.is_host() {
            let caller = self.instance();
            // SAFETY: the host side of the running store; no reference into the store
            // is live across the call.
            let host = unsafe { &mut *self.host };
            call_host(host, callee, abs, Some(caller))?;
            // The host may have grown or replaced memories.
            self.load_memory();
            // SAFETY: as for a compiled callee above.
            self.ip = unsafe { self.ip.add(1) };
            return Ok(());
        }
        let frame = Frame {
            // SAFETY: as above.
            ip: unsafe { self.ip.add(1) },
            fbase: self.fbase,
            code: self.code,
            vmctx: self.vmctx,
        };
        self.enter(callee, abs)?;
        let pushed = self.store_mut().wasm_stack_mut().push_frame(frame);
        debug_assert!(pushed, "enter checked the room for a frame");
        Ok(())
    }

    /// `call`, for the handlers: a failure is kept in `self.fault`, and false returned;
    /// an exception the callee did not catch is thrown on from the call (true when a
    /// handler caught it, the registers at its landing pad). Out of line and with a
    /// plain result, so that the handler keeps no stack object alive and can end in a
    /// sibling call (see `dispatch.rs`).
    #[inline(never)]
    fn call_or_fail(&mut self, callee: *const VMFuncRef, base: u32) -> bool {
        // SAFETY: function references live as long as their store.
        match self.call(unsafe { &*callee }, base) {
            Ok(()) => true,
            Err(error) => self.throw_or_fail(error),
        }
    }

    /// Calls `callee` in place of the running function (a tail call), its arguments at
    /// slot `base`: they move to the frame's first cells, and a wasm callee's frame
    /// replaces the running one (no frame record is pushed, so a chain of tail calls of
    /// any length runs in constant stack). A host or compiled callee runs to completion
    /// with its window at the frame's start, where the running function's results go,
    /// and the frame then returns. Returns false when that return ended the activation.
    fn tail_call(&mut self, callee: &VMFuncRef, base: u32) -> Result<bool, Error> {
        // SAFETY: a function reference's type lives as long as its store.
        let params = unsafe { callee.ty() }.param_cells() as usize;
        // SAFETY: the arguments and the frame's first cells lie within the frame
        // (`base` is a slot of it); the ranges may overlap.
        unsafe { ptr::copy(self.fp.add(base as usize), self.fp, params) };
        if callee.kind == FuncKind::Interpreted {
            self.enter(callee, self.fbase)?;
            return Ok(true);
        }
        self.call(callee, 0)?;
        Ok(self.ret())
    }

    /// `tail_call`, for the handlers, as `call_or_fail`: false when the activation
    /// ended, with `self.fault` set when it failed.
    #[inline(never)]
    fn tail_call_or_fail(&mut self, callee: *const VMFuncRef, base: u32) -> bool {
        // SAFETY: function references live as long as their store.
        match self.tail_call(unsafe { &*callee }, base) {
            Ok(more) => more,
            Err(error) => {
                // The running function's frame is gone: an exception of the callee
                // is thrown on from its caller's call.
                if error.as_trap().is_some_and(|t| t.exception_id().is_some()) && self.ret() {
                    // SAFETY: `ret` resumed the caller after its call op.
                    self.ip = unsafe { self.ip.sub(1) };
                }
                self.throw_or_fail(error)
            }
        }
    }

    /// Pops the current frame; returns false when it was the activation's outermost.
    #[inline(always)]
    fn ret(&mut self) -> bool {
        let depth = self.entry_depth;
        let Some(frame) = self.store_mut().wasm_stack_mut().pop_frame_above(depth) else {
            return false;
        };
        self.ip = frame.ip;
        self.fbase = frame.fbase;
        // SAFETY: the caller's frame base was checked against the stack when it was entered.
        self.fp = unsafe { self.cells.add(frame.fbase) };
        self.code = frame.code;
        if frame.vmctx != self.vmctx {
            self.switch_instance(frame.vmctx);
        }
        true
    }

    /// The function a `call_indirect` of type `type_index` through element `index` of
    /// `table` calls: a bounds check, a load, and a type-id compare.
    fn indirect_callee(
        &mut self,
        type_index: crate::index::TypeIndex,
        table: crate::index::TableIndex,
        index: u32,
    ) -> Result<*const VMFuncRef, TrapKind> {
        let i = self.get(index) as u32 as usize;
        let offsets = self.offsets();
        // SAFETY: the table's and the type id's offsets are the running instance's
        // (the indices are validated), and a table definition lives as long as its
        // store; `i` is checked against the table's length before the load.
        unsafe {
            let def = &**VMContext::field::<*const crate::vm::VMTableDefinition>(
                self.vmctx,
                offsets.table(table),
            );
            if i >= def.current_elements {
                return Err(TrapKind::UndefinedElement);
            }
            let callee = *def.base.add(i) as usize as *const VMFuncRef;
            if callee.is_null() {
                return Err(TrapKind::UninitializedElement);
            }
            let expected = *VMContext::field(self.vmctx, offsets.type_id(type_index));
            if (*callee).type_id != expected {
                return Err(TrapKind::IndirectCallTypeMismatch);
            }
            Ok(callee)
        }
    }

    /// The reference of imported function `func` of the running instance.
    fn imported_func(&self, func: crate::index::FuncIndex) -> *const VMFuncRef {
        // SAFETY: the offset of an import of the running instance (validated index).
        unsafe { *VMContext::field(self.vmctx, self.offsets().imported_func(func)) }
    }

    /// Reads a cell of the current frame.
    #[inline(always)]
    fn get(&self, slot: u32) -> u64 {
        // SAFETY: the translator only emits slots below the function's `frame_cells`,
        // and `enter` checked the whole frame lies within the stack.
        unsafe { *self.fp.add(slot as usize) }
    }

    /// Writes a cell of the current frame.
    #[inline(always)]
    fn set(&mut self, slot: u32, value: u64) {
        // SAFETY: as for `get`.
        unsafe { *self.fp.add(slot as usize) = value }
    }

    /// Reads `N` bytes of memory 0 at the address in slot `addr` plus `offset`.
    #[cfg(feature = "simd")]
    #[inline(always)]
    fn load<const N: usize>(&self, addr: u32, offset: u32) -> Result<[u8; N], TrapKind> {
        mem_read(self.mem, self.mem_len, self.get(addr), offset)
    }

    /// Writes `bytes` to memory 0 at the address in slot `addr` plus `offset`.
    #[cfg(feature = "simd")]
    #[inline(always)]
    fn store<const N: usize>(&mut self, addr: u32, offset: u32, bytes: [u8; N]) -> OpResult {
        mem_write(self.mem, self.mem_len, self.get(addr), offset, bytes)
    }

    /// Runs rarer op `ip`: see `other`. Out of line, and given the op's address rather
    /// than a copy, so that the handler calling it keeps no stack object alive and can
    /// end in a sibling call (see `dispatch.rs`).
    #[inline(never)]
    fn other_at(&mut self, ip: *const Instr) -> OpResult {
        // SAFETY: `ip` points at an op of the running function.
        self.other(unsafe { (*ip).op })
    }

    /// Rarer ops: interrupts, references, memory size and growth; the bulk ops.
    fn other(&mut self, op: Op) -> OpResult {
        match op {
            Op::CheckInterrupt {} => {
                // SAFETY: the store context lives as long as the store.
                let flag = unsafe { &(*self.context).interrupt };
                if flag.load(Ordering::Relaxed) {
                    flag.store(false, Ordering::Relaxed);
                    return Err(TrapKind::Interrupted);
                }
            }
            Op::RefFunc { dst, func } => {
                // SAFETY: the running instance's vmctx and layout; a validated index.
                let funcref = unsafe { crate::vm::func_ref(self.vmctx, self.offsets(), func) };
                self.set(dst, funcref.to_cell());
            }
            Op::MemorySize { dst } => {
                let instance = self.instance();
                let index = self.mem_index;
                let store = self.store_mut();
                let memory = store.instance(instance).memory_id(index);
                let pages = store.memory(memory).pages();
                self.set(dst, u64::from(pages));
            }
            Op::UseMemory { memory } => self.use_memory(memory),
            Op::MemoryGrow { dst, delta, wide } => {
                let delta = self.operand(delta, 0, u8::from(wide));
                let instance = self.instance();
                let index = self.mem_index;
                let old = self.store_mut().memory_grow(instance, index, delta);
                self.load_memory();
                self.set(dst, bulk::minus_one_on_failure(old, wide));
            }
            Op::RefAsNonNull { src } => {
                if self.get(src) == 0 {
                    return Err(TrapKind::NullReference);
                }
            }
            Op::Index64 { index, kind, far } => {
                if far || self.get(index) > u64::from(u32::MAX) {
                    return Err(kind);
                }
            }
            Op::I64Add128 { base } | Op::I64Sub128 { base } => {
                let [lhs_lo, lhs_hi, rhs_lo, rhs_hi] = [0, 1, 2, 3].map(|i| self.get(base + i));
                let lhs = u128::from(lhs_hi) << 64 | u128::from(lhs_lo);
                let rhs = u128::from(rhs_hi) << 64 | u128::from(rhs_lo);
                let result = if let Op::I64Add128 { .. } = op {
                    lhs.wrapping_add(rhs)
                } else {
                    lhs.wrapping_sub(rhs)
                };
                self.set_wide(base, result);
            }
            Op::I64MulWideS { base } => {
                let [lhs, rhs] = [0, 1].map(|i| i128::from(self.get(base + i) as i64));
                self.set_wide(base, (lhs * rhs) as u128);
            }
            Op::I64MulWideU { base } => {
                let [lhs, rhs] = [0, 1].map(|i| u128::from(self.get(base + i)));
                self.set_wide(base, lhs * rhs);
            }
            other => self.bulk(other)?,
        }
        Ok(())
    }

    /// Writes a 128-bit result as two `i64`s, the low half at `slot`.
    fn set_wide(&mut self, slot: u32, value: u128) {
        self.set(slot, value as u64);
        self.set(slot + 1, (value >> 64) as u64);
    }

    /// The current instance's global `index`.
    #[inline(always)]
    fn global(&self, index: crate::index::GlobalIndex) -> *mut VMGlobal {
        // SAFETY: `index` is a valid global index of the module (validated), and the
        // vmctx has a pointer for each.
        unsafe { *self.globals.add(index.index()) }
    }
}
