//! The executor: runs ward's slot code on the store's wasm stack.
//!
//! wasm-to-wasm calls never recurse on the native stack: a call pushes a [`Frame`]
//! record and switches the registers (`ip`, `fp`, the cached memory) to the callee; a
//! return pops it. Only host functions, and wasm they call back into, use more native
//! stack. The callee's frame starts at the caller's argument slots, so arguments are
//! never copied, and its results land where the caller expects them.

mod bulk;
#[macro_use]
mod numeric;
mod dispatch;
mod simd;

pub(crate) use dispatch::{handler_in_mode, Handler, ACC_IN, ACC_KEEP, ACC_OUT};

use std::ptr;

use crate::error::{FrameInfo, Trap, TrapKind, BACKTRACE_INNER, BACKTRACE_OUTER};
use crate::ir::{CompiledFunc, Instr, Op};
use crate::vm::{FuncKind, GlobalEntity, GlobalPtr, StoreInner};
use crate::{Caller, Store};
use std::sync::atomic::{AtomicPtr, Ordering};

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

/// The saved state of a caller while its callee runs.
pub(crate) struct Frame {
    /// Where the caller resumes.
    ip: *const Instr,
    /// The caller's frame base, in cells from the start of the stack.
    fbase: usize,
    code: *const CompiledFunc,
    /// The caller's store instance index.
    inst: u32,
}

/// Calls store function `func` whose params are in the stack cells from `base`;
/// its results are written there.
///
/// The store's outermost call begins a native stack activation: it caches the bounds in
/// the store, and ends it however the call ends (a panic in a host function included).
pub(crate) fn invoke<T>(store: &mut Store<T>, func: u32, base: usize) -> Result<(), Trap> {
    if store.inner.native.limit != 0 {
        return invoke_in_activation(store, func, base);
    }
    let bounds = crate::stack::begin(store.inner.engine.config().stack_limits());
    store.inner.native = bounds;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        invoke_in_activation(store, func, base)
    }));
    store.inner.native = crate::stack::NativeBounds::default();
    crate::stack::end();
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn invoke_in_activation<T>(store: &mut Store<T>, func: u32, base: usize) -> Result<(), Trap> {
    match store.inner.funcs[func as usize].kind {
        FuncKind::Host { index } => call_host(store, func, index, base, None),
        FuncKind::Wasm { .. } => Executor::run(store, func, base),
    }
}

/// Calls host function `index` with its params and results in the cells from `base`.
fn call_host<T>(
    store: &mut Store<T>,
    func: u32,
    index: u32,
    base: usize,
    caller_instance: Option<u32>,
) -> Result<(), Trap> {
    store.inner.native.check()?;
    crate::stack::note_host_check();
    let ty = &store.inner.funcs[func as usize].ty;
    let cells = ty.param_cells().max(ty.result_cells()) as usize;
    let stack = &mut store.inner.stack;
    if base + cells > stack.capacity() {
        return Err(Trap::from_kind(TrapKind::StackOverflow));
    }
    let host = store.hosts[index as usize].clone();
    let saved_top = stack.top;
    stack.top = base + cells;
    let cells_ptr = stack.base();
    // SAFETY: `base + cells` is within the stack's capacity (checked above). The cells
    // stay allocated and unmoved for the store's life, and nothing else touches them
    // during the call: wasm the host calls back into runs above `stack.top`.
    let window = unsafe { std::slice::from_raw_parts_mut(cells_ptr.add(base), cells) };
    let caller = Caller::new(store, caller_instance);
    let result = host(caller, window);
    store.inner.stack.top = saved_top;
    result
}

/// A host call with the store's type erased: `call_host` for the store's `T`.
type HostCall = unsafe fn(*mut (), u32, u32, usize, Option<u32>) -> Result<(), Trap>;

/// Calls host function `index` (store function `func`) of the `Store<T>` at `store`.
///
/// # Safety
///
/// `store` is the `Store<T>` the executor runs in, and no reference into it is live.
unsafe fn call_host_erased<T>(
    store: *mut (),
    func: u32,
    index: u32,
    base: usize,
    caller_instance: Option<u32>,
) -> Result<(), Trap> {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(store as *mut Store<T>) };
    call_host(store, func, index, base, caller_instance)
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
    inst: u32,
    /// The current instance's table of translated code (`InstanceEntity::code`).
    code_table: *const AtomicPtr<CompiledFunc>,
    /// The current instance's globals (`InstanceEntity::global_ptrs`).
    globals: *const GlobalPtr,
    /// Memory 0 of the current instance: base and length in bytes.
    mem: *mut u8,
    mem_len: usize,
    /// Frames below this depth belong to outer activations.
    entry_depth: usize,
    /// The store: its type-independent part, the whole store (a `Store<T>`), and the
    /// host-call entry for its `T`.
    inner: *mut StoreInner,
    store: *mut (),
    host_call: HostCall,
    /// Why the activation stopped, when it trapped.
    trap: Option<Trap>,
    /// The accumulator between handlers under the loop dispatch (see `dispatch.rs`).
    acc: u64,
    /// The frame address of the first handler of the current dispatch chain.
    #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
    chain_frame: usize,
}

/// How an op that may trap ends.
type OpResult = Result<(), TrapKind>;

impl Executor {
    /// Runs wasm function `func` to completion.
    fn run<T>(store: &mut Store<T>, func: u32, base: usize) -> Result<(), Trap> {
        let store_ptr: *mut Store<T> = store;
        // SAFETY: `store_ptr` comes from a live `&mut Store<T>`.
        let inner = unsafe { &raw mut (*store_ptr).inner };
        // SAFETY: as above; the reference ends before the executor uses the pointers.
        let (cells, capacity, entry_depth) = unsafe {
            let stack = &mut (*inner).stack;
            (stack.base(), stack.capacity(), stack.frames.len())
        };
        let mut exec = Executor {
            cells,
            capacity,
            ip: ptr::null(),
            fp: ptr::null_mut(),
            fbase: 0,
            code: ptr::null(),
            inst: 0,
            code_table: ptr::null(),
            globals: ptr::null(),
            mem: ptr::null_mut(),
            mem_len: 0,
            entry_depth,
            inner,
            store: store_ptr as *mut (),
            host_call: call_host_erased::<T>,
            trap: None,
            acc: 0,
            #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
            chain_frame: 0,
        };
        let saved_top = exec.store_mut().stack.top;
        let result = match exec.enter(func, base) {
            Ok(()) => exec.run_loop(),
            Err(trap) => Err(trap),
        };
        exec.store_mut().stack.top = saved_top;
        result.map_err(|mut trap| {
            let (frames, omitted) = exec.backtrace();
            trap.set_backtrace_if_empty(frames, omitted);
            let depth = exec.entry_depth;
            exec.store_mut().stack.frames.truncate(depth);
            trap
        })
    }

    /// The store's type-independent part.
    #[inline(always)]
    fn store_mut(&mut self) -> &mut StoreInner {
        // SAFETY: the executor runs with the store borrowed mutably (`run`), and only
        // the executor's methods reach it, one reference at a time; a host call
        // (`call_host_erased`) happens while no such reference is live.
        unsafe { &mut *self.inner }
    }

    /// Runs handlers from `self.ip` until the activation ends.
    fn run_loop(&mut self) -> Result<(), Trap> {
        let mut ip = self.ip;
        loop {
            #[cfg(all(ward_tail_dispatch, ward_check_dispatch))]
            {
                self.chain_frame = 0;
            }
            // SAFETY: `ip` points at an op of the running function (see `dispatch!`).
            let handler = unsafe { (*ip).handler };
            let acc = self.acc;
            ip = handler(ip, self.fp, self.mem, self.mem_len, self, acc);
            if ip.is_null() {
                return match self.trap.take() {
                    Some(trap) => Err(trap),
                    None => Ok(()),
                };
            }
        }
    }

    /// Switches the registers to the start of wasm function `func` with its frame at
    /// cell `base`, after checking the wasm stack has room for it.
    fn enter(&mut self, func: u32, base: usize) -> Result<(), Trap> {
        // SAFETY: see `store_mut`; `self.store_mut()` would hold all of `self`.
        let store = unsafe { &mut *self.inner };
        let FuncKind::Wasm {
            instance,
            ref module,
            index,
        } = store.funcs[func as usize].kind
        else {
            unreachable!("enter is only called for wasm functions");
        };
        let code: *const CompiledFunc = match module.compiled_ready(index) {
            Some(code) => code,
            None => {
                // Translation is deep work, done once: it asks for its own headroom.
                store.native.ensure(crate::stack::TRANSLATION_STACK)?;
                crate::stack::note_translate_check();
                match module.compiled(index) {
                    Ok(code) => &**code,
                    Err(err) => return Err(Trap::new(format!("translation failed: {err}"))),
                }
            }
        };
        // Later calls from the same instance take the fast path.
        store.instances[instance as usize].code[index as usize]
            .store(code as *mut CompiledFunc, Ordering::Relaxed);
        // SAFETY: the compiled function is owned by its module, which the store keeps
        // alive (through the instance) for as long as the store lives.
        let code_ref = unsafe { &*code };
        let frame_end = base + code_ref.frame_cells as usize;
        if frame_end > self.capacity || store.stack.frames.len() >= store.stack.max_frames {
            return Err(Trap::from_kind(TrapKind::StackOverflow));
        }
        self.start_frame(code_ref, base);
        if instance != self.inst || self.mem.is_null() {
            self.inst = instance;
            self.code_table = store.instances[instance as usize].code.as_ptr();
            self.globals = store.instances[instance as usize].global_ptrs.as_ptr();
            self.load_memory();
        }
        Ok(())
    }

    /// Points the registers at a new frame at cell `base` running `code`, its locals
    /// zeroed. The caller checked that the frame fits.
    #[inline(always)]
    fn start_frame(&mut self, code: &CompiledFunc, base: usize) {
        // SAFETY: `base + frame_cells` is within the stack (checked by the caller).
        let fp = unsafe { self.cells.add(base) };
        for i in code.param_cells..code.local_cells {
            // SAFETY: locals lie within the frame.
            unsafe { *fp.add(i as usize) = 0 };
        }
        self.fp = fp;
        self.fbase = base;
        self.code = code;
        self.ip = code.ops.as_ptr();
    }

    /// Calls translated function `code` of the current instance with its frame at slot
    /// `base`: the fast path of `CallInternal`.
    #[inline(always)]
    fn call_internal(&mut self, code: *const CompiledFunc, base: u32) -> OpResult {
        // SAFETY: see `store_mut`.
        let stack = unsafe { &mut (*self.inner).stack };
        // SAFETY: a non-null entry of the code table is a live compiled function (see
        // `enter`).
        let code = unsafe { &*code };
        let abs = self.fbase + base as usize;
        if abs + code.frame_cells as usize > self.capacity || stack.frames.len() >= stack.max_frames
        {
            return Err(TrapKind::StackOverflow);
        }
        stack.frames.push(Frame {
            // SAFETY: the op after a call exists: every function ends in `Return`.
            ip: unsafe { self.ip.add(1) },
            fbase: self.fbase,
            code: self.code,
            inst: self.inst,
        });
        self.start_frame(code, abs);
        Ok(())
    }

    /// Caches the base and length of the current instance's memory 0.
    fn load_memory(&mut self) {
        // SAFETY: see `store_mut`.
        let store = unsafe { &mut *self.inner };
        match store.instances[self.inst as usize].memories.first() {
            Some(&m) => {
                let data = &mut store.memories[m as usize].data;
                self.mem = data.as_mut_ptr();
                self.mem_len = data.len();
            }
            None => {
                self.mem = ptr::NonNull::dangling().as_ptr();
                self.mem_len = 0;
            }
        }
    }

    /// The wasm frames active now, innermost first, without the middle of a deep stack;
    /// and the number of frames left out.
    fn backtrace(&mut self) -> (Vec<FrameInfo>, usize) {
        // SAFETY: see `store_mut`.
        let store: &StoreInner = unsafe { &*self.inner };
        let mut frames = Vec::new();
        if self.code.is_null() {
            return (frames, 0);
        }
        let mut add = |inst: u32, code: *const CompiledFunc, ip: *const Instr| {
            let module = &store.instances[inst as usize].module;
            // SAFETY: `code` is a live compiled function (see `enter`) and `ip` points
            // into its ops, at most one past the op that was running.
            let code = unsafe { &*code };
            let at = (ip as usize - code.ops.as_ptr() as usize) / std::mem::size_of::<Instr>();
            let offset = code.offsets.get(at).copied().unwrap_or(0);
            let func_index = code.func_index;
            frames.push(FrameInfo {
                func_index,
                func_name: module.func_name(func_index),
                module_offset: offset as usize,
            });
        };
        add(self.inst, self.code, self.ip);
        let callers = &store.stack.frames[self.entry_depth..];
        let keep_inner = BACKTRACE_INNER - 1;
        let omitted = callers.len().saturating_sub(keep_inner + BACKTRACE_OUTER);
        let kept = callers
            .iter()
            .rev()
            .enumerate()
            .filter(|&(i, _)| omitted == 0 || i < keep_inner || i >= keep_inner + omitted);
        for (_, frame) in kept {
            // The saved ip is the op after the call; the call is the op before it.
            add(frame.inst, frame.code, frame.ip.wrapping_sub(1));
        }
        (frames, omitted)
    }

    /// Calls store function `callee` with its frame at slot `base` of the current frame.
    /// For a wasm callee the registers switch to it; a host callee runs to completion.
    fn call(&mut self, callee: u32, base: u32) -> Result<(), Trap> {
        let abs = self.fbase + base as usize;
        match self.store_mut().funcs[callee as usize].kind {
            FuncKind::Host { index } => {
                // SAFETY: `self.store` is the running `Store<T>` and no reference into
                // it is live across the call.
                unsafe { (self.host_call)(self.store, callee, index, abs, Some(self.inst))? };
                // The host may have grown or replaced memories.
                self.load_memory();
                // SAFETY: the op after a call exists: every function ends in `Return`.
                self.ip = unsafe { self.ip.add(1) };
                Ok(())
            }
            FuncKind::Wasm { .. } => {
                let frame = Frame {
                    // SAFETY: as above.
                    ip: unsafe { self.ip.add(1) },
                    fbase: self.fbase,
                    code: self.code,
                    inst: self.inst,
                };
                self.enter(callee, abs)?;
                self.store_mut().stack.frames.push(frame);
                Ok(())
            }
        }
    }

    /// `call`, for the handlers: a failure is kept in `self.trap`, and false returned.
    /// Out of line and with a plain result, so that the handler keeps no stack object
    /// alive and can end in a sibling call (see `dispatch.rs`).
    #[inline(never)]
    fn call_or_fail(&mut self, callee: u32, base: u32) -> bool {
        match self.call(callee, base) {
            Ok(()) => true,
            Err(trap) => {
                self.trap = Some(trap);
                false
            }
        }
    }

    /// Calls defined function `func` of the current instance, which this instance has
    /// not called before, as `call_or_fail` does.
    #[inline(never)]
    fn call_defined(&mut self, func: u32, base: u32) -> bool {
        let inst = self.inst as usize;
        let instance = &self.store_mut().instances[inst];
        let index = instance.module.info.num_imported_funcs + func;
        let callee = instance.funcs[index as usize];
        self.call_or_fail(callee, base)
    }

    /// Pops the current frame; returns false when it was the activation's outermost.
    #[inline(always)]
    fn ret(&mut self) -> bool {
        // SAFETY: see `store_mut`.
        let store = unsafe { &mut *self.inner };
        if store.stack.frames.len() == self.entry_depth {
            return false;
        }
        let Some(frame) = store.stack.frames.pop() else {
            return false;
        };
        self.ip = frame.ip;
        self.fbase = frame.fbase;
        // SAFETY: the caller's frame base was checked against the stack when it was entered.
        self.fp = unsafe { self.cells.add(frame.fbase) };
        self.code = frame.code;
        if frame.inst != self.inst {
            self.inst = frame.inst;
            self.code_table = store.instances[frame.inst as usize].code.as_ptr();
            self.globals = store.instances[frame.inst as usize].global_ptrs.as_ptr();
            self.load_memory();
        }
        true
    }

    fn indirect_callee(
        &mut self,
        type_index: u32,
        table: u32,
        index: u32,
    ) -> Result<u32, TrapKind> {
        let i = self.get(index) as u32;
        let inst = self.inst as usize;
        let store = self.store_mut();
        let instance = &store.instances[inst];
        let table = &store.tables[instance.tables[table as usize] as usize];
        let r = *table
            .elems
            .get(i as usize)
            .ok_or(TrapKind::UndefinedElement)?;
        if r == 0 {
            return Err(TrapKind::UninitializedElement);
        }
        let callee = (r - 1) as u32;
        let expected = instance.module.info.type_ids[type_index as usize];
        if store.funcs[callee as usize].type_id != expected {
            return Err(TrapKind::IndirectCallTypeMismatch);
        }
        Ok(callee)
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
    #[inline(always)]
    fn load<const N: usize>(&self, addr: u32, offset: u32) -> Result<[u8; N], TrapKind> {
        mem_read(self.mem, self.mem_len, self.get(addr), offset)
    }

    /// Writes `bytes` to memory 0 at the address in slot `addr` plus `offset`.
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
        // SAFETY: see `store_mut`.
        let store = unsafe { &mut *self.inner };
        match op {
            Op::CheckInterrupt {} => {
                if store.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
                    store
                        .interrupt
                        .store(false, std::sync::atomic::Ordering::Relaxed);
                    return Err(TrapKind::Interrupted);
                }
            }
            Op::RefFunc { dst, func } => {
                let f = store.instances[self.inst as usize].funcs[func as usize];
                self.set(dst, f as u64 + 1);
            }
            Op::MemorySize { dst } => self.set(dst, (self.mem_len / crate::vm::PAGE_SIZE) as u64),
            Op::MemoryGrow { dst, delta } => {
                let delta = self.get(delta) as u32;
                let m = store.instances[self.inst as usize].memories[0];
                let old = store.memories[m as usize].grow(delta, store.limits.memory_size);
                self.load_memory();
                self.set(dst, old.unwrap_or(u32::MAX) as u64);
            }
            other => self.bulk(store, other)?,
        }
        Ok(())
    }

    /// The current instance's global `index`.
    #[inline(always)]
    fn global(&self, index: u32) -> *mut GlobalEntity {
        // SAFETY: `index` is a valid global index of the module (validated), and the
        // instance's pointer table has an entry for each.
        unsafe { (*self.globals.add(index as usize)).0 }
    }
}
