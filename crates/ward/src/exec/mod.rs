//! The executor: runs ward's slot code on the store's wasm stack.
//!
//! wasm-to-wasm calls never recurse on the native stack: a call pushes a [`Frame`]
//! record and switches the registers (`ip`, `fp`, the cached memory) to the callee; a
//! return pops it. Only host functions, and wasm they call back into, use more native
//! stack. The callee's frame starts at the caller's argument slots, so arguments are
//! never copied, and its results land where the caller expects them.

mod bulk;
mod numeric;
mod simd;

use std::ptr;

use crate::error::{FrameInfo, Trap, TrapKind, BACKTRACE_INNER, BACKTRACE_OUTER};
use crate::ir::{CompiledFunc, Op};
use crate::vm::{FuncKind, StoreInner};
use crate::{Caller, Store};

/// The saved state of a caller while its callee runs.
pub(crate) struct Frame {
    /// Where the caller resumes.
    ip: *const Op,
    /// The caller's frame base, in cells from the start of the stack.
    fbase: usize,
    code: *const CompiledFunc,
    /// The caller's store function index.
    func: u32,
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

/// The registers of the running function.
struct Executor {
    /// The stack's cells.
    cells: *mut u64,
    capacity: usize,
    ip: *const Op,
    /// The current frame: `cells + fbase`.
    fp: *mut u64,
    fbase: usize,
    code: *const CompiledFunc,
    func: u32,
    inst: u32,
    /// Memory 0 of the current instance: base and length in bytes.
    mem: *mut u8,
    mem_len: usize,
    /// Frames below this depth belong to outer activations.
    entry_depth: usize,
}

/// How an op that may trap ends.
type OpResult = Result<(), TrapKind>;

impl Executor {
    /// Runs wasm function `func` to completion.
    fn run<T>(store: &mut Store<T>, func: u32, base: usize) -> Result<(), Trap> {
        let cells = store.inner.stack.base();
        let mut exec = Executor {
            cells,
            capacity: store.inner.stack.capacity(),
            ip: ptr::null(),
            fp: ptr::null_mut(),
            fbase: 0,
            code: ptr::null(),
            func: 0,
            inst: 0,
            mem: ptr::null_mut(),
            mem_len: 0,
            entry_depth: store.inner.stack.frames.len(),
        };
        let saved_top = store.inner.stack.top;
        let result = match exec.enter(&mut store.inner, func, base) {
            Ok(()) => exec.execute(store),
            Err(trap) => Err(trap),
        };
        store.inner.stack.top = saved_top;
        result.map_err(|mut trap| {
            let (frames, omitted) = exec.backtrace(&store.inner);
            trap.set_backtrace_if_empty(frames, omitted);
            store.inner.stack.frames.truncate(exec.entry_depth);
            trap
        })
    }

    /// Switches the registers to the start of wasm function `func` with its frame at
    /// cell `base`, after checking the wasm stack has room for it.
    fn enter(&mut self, store: &mut StoreInner, func: u32, base: usize) -> Result<(), Trap> {
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
        // SAFETY: the compiled function is owned by its module, which the store keeps
        // alive (through the instance) for as long as the store lives.
        let code_ref = unsafe { &*code };
        let frame_end = base + code_ref.frame_cells as usize;
        if frame_end > self.capacity || store.stack.frames.len() >= store.stack.max_frames {
            return Err(Trap::from_kind(TrapKind::StackOverflow));
        }
        // SAFETY: `base + frame_cells` is within the stack (checked above).
        unsafe {
            let fp = self.cells.add(base);
            let params = code_ref.param_cells as usize;
            let locals = code_ref.local_cells as usize;
            ptr::write_bytes(fp.add(params), 0, locals - params);
            self.fp = fp;
        }
        self.fbase = base;
        self.code = code;
        self.ip = code_ref.ops.as_ptr();
        self.func = func;
        if instance != self.inst || self.mem.is_null() {
            self.inst = instance;
            self.load_memory(store);
        }
        Ok(())
    }

    /// Caches the base and length of the current instance's memory 0.
    fn load_memory(&mut self, store: &mut StoreInner) {
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
    fn backtrace(&self, store: &StoreInner) -> (Vec<FrameInfo>, usize) {
        let mut frames = Vec::new();
        if self.code.is_null() {
            return (frames, 0);
        }
        let mut add = |func: u32, code: *const CompiledFunc, ip: *const Op| {
            let FuncKind::Wasm {
                ref module, index, ..
            } = store.funcs[func as usize].kind
            else {
                return;
            };
            // SAFETY: `code` is a live compiled function (see `enter`) and `ip` points
            // into its ops, at most one past the op that was running.
            let code = unsafe { &*code };
            let at = (ip as usize - code.ops.as_ptr() as usize) / std::mem::size_of::<Op>();
            let offset = code.offsets.get(at).copied().unwrap_or(0);
            let func_index = module.info.num_imported_funcs + index;
            frames.push(FrameInfo {
                func_index,
                func_name: module.func_name(func_index),
                module_offset: offset as usize,
            });
        };
        add(self.func, self.code, self.ip);
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
            add(frame.func, frame.code, frame.ip.wrapping_sub(1));
        }
        (frames, omitted)
    }

    /// Calls store function `callee` with its frame at slot `base` of the current frame.
    /// For a wasm callee the registers switch to it; a host callee runs to completion.
    fn call<T>(&mut self, store: &mut Store<T>, callee: u32, base: u32) -> Result<(), Trap> {
        let abs = self.fbase + base as usize;
        match store.inner.funcs[callee as usize].kind {
            FuncKind::Host { index } => {
                call_host(store, callee, index, abs, Some(self.inst))?;
                // The host may have grown or replaced memories.
                self.load_memory(&mut store.inner);
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
                    func: self.func,
                    inst: self.inst,
                };
                self.enter(&mut store.inner, callee, abs)?;
                store.inner.stack.frames.push(frame);
                Ok(())
            }
        }
    }

    /// Pops the current frame; returns false when it was the activation's outermost.
    fn ret(&mut self, store: &mut StoreInner) -> bool {
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
        self.func = frame.func;
        if frame.inst != self.inst {
            self.inst = frame.inst;
            self.load_memory(store);
        }
        true
    }

    /// The interpreter loop.
    fn execute<T>(&mut self, store: &mut Store<T>) -> Result<(), Trap> {
        loop {
            // SAFETY: `ip` always points at an op of the running function: translation
            // ends every function in `Return` and resolves every branch inside it.
            let op = unsafe { *self.ip };
            match self.step(store, op) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(trap) => return Err(trap),
            }
        }
    }

    /// Executes one op; `Ok(false)` when the activation returned.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn step<T>(&mut self, store: &mut Store<T>, op: Op) -> Result<bool, Trap> {
        if let Some(result) = self.numeric(op) {
            result.map_err(Trap::from_kind)?;
            // SAFETY: a numeric op is never the last op of a function.
            self.ip = unsafe { self.ip.add(1) };
            return Ok(true);
        }
        match op {
            Op::Br { offset } => {
                // SAFETY: branch offsets stay within the function (see `execute`).
                self.ip = unsafe { self.ip.offset(offset as isize) };
                return Ok(true);
            }
            Op::BrIfNez { cond, offset } => {
                let taken = self.get(cond) as u32 != 0;
                // SAFETY: as for `Br`.
                self.ip = unsafe { self.ip.offset(if taken { offset as isize } else { 1 }) };
                return Ok(true);
            }
            Op::BrIfEqz { cond, offset } => {
                let taken = self.get(cond) as u32 == 0;
                // SAFETY: as for `Br`.
                self.ip = unsafe { self.ip.offset(if taken { offset as isize } else { 1 }) };
                return Ok(true);
            }
            Op::BrTable { index, len } => {
                let i = (self.get(index) as u32).min(len);
                // SAFETY: `len + 1` `Br` ops follow the table.
                self.ip = unsafe { self.ip.add(1 + i as usize) };
                return Ok(true);
            }
            Op::Return { src, len } => {
                // SAFETY: both ranges are inside the current frame.
                unsafe { ptr::copy(self.fp.add(src as usize), self.fp, len as usize) };
                return Ok(self.ret(&mut store.inner));
            }
            Op::Call { func, base } => {
                let callee = store.inner.instances[self.inst as usize].funcs[func as usize];
                self.call(store, callee, base)?;
                return Ok(true);
            }
            Op::CallIndirect {
                type_index,
                table,
                index,
                base,
            } => {
                let callee = self.indirect_callee(&store.inner, type_index, table, index)?;
                self.call(store, callee, base)?;
                return Ok(true);
            }
            Op::Unreachable {} => return Err(Trap::from_kind(TrapKind::Unreachable)),
            simd if simd.is_simd() => self.simd(simd).map_err(Trap::from_kind)?,
            other => self
                .other(&mut store.inner, other)
                .map_err(Trap::from_kind)?,
        }
        // SAFETY: the ops handled here are never the last op of a function.
        self.ip = unsafe { self.ip.add(1) };
        Ok(true)
    }

    fn indirect_callee(
        &self,
        store: &StoreInner,
        type_index: u32,
        table: u32,
        index: u32,
    ) -> Result<u32, TrapKind> {
        let instance = &store.instances[self.inst as usize];
        let table = &store.tables[instance.tables[table as usize] as usize];
        let i = self.get(index) as u32;
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

    /// The address range `[addr + offset, +len)` of memory 0, if it is in bounds.
    #[inline(always)]
    fn effective(&self, addr: u32, offset: u32, len: usize) -> Result<usize, TrapKind> {
        let ea = addr as u64 + offset as u64;
        if ea + len as u64 > self.mem_len as u64 {
            return Err(TrapKind::MemoryOutOfBounds);
        }
        Ok(ea as usize)
    }

    #[inline(always)]
    fn load<const N: usize>(&self, addr: u32, offset: u32) -> Result<[u8; N], TrapKind> {
        let ea = self.effective(self.get(addr) as u32, offset, N)?;
        // SAFETY: `ea + N <= mem_len` (checked), and `mem` is the cached base of a memory
        // of `mem_len` bytes, reloaded whenever the memory may have moved.
        Ok(unsafe { ptr::read_unaligned(self.mem.add(ea) as *const [u8; N]) })
    }

    #[inline(always)]
    fn store<const N: usize>(&mut self, addr: u32, offset: u32, bytes: [u8; N]) -> OpResult {
        let ea = self.effective(self.get(addr) as u32, offset, N)?;
        // SAFETY: as for `load`.
        unsafe { ptr::write_unaligned(self.mem.add(ea) as *mut [u8; N], bytes) };
        Ok(())
    }

    /// Memory, table, global and move ops.
    fn other(&mut self, store: &mut StoreInner, op: Op) -> OpResult {
        match op {
            Op::Copy { dst, src } => self.set(dst, self.get(src)),
            Op::CopySpan { dst, src, len } => {
                // SAFETY: both ranges are inside the current frame.
                unsafe {
                    ptr::copy(
                        self.fp.add(src as usize),
                        self.fp.add(dst as usize),
                        len as usize,
                    )
                }
            }
            Op::Const32 { dst, value } => self.set(dst, value as u64),
            Op::Const64 { dst, lo, hi } => self.set(dst, (hi as u64) << 32 | lo as u64),
            Op::ConsumeFuel { amount } => {
                let amount = amount as u64;
                if store.fuel < amount {
                    store.fuel = 0;
                    return Err(TrapKind::OutOfFuel);
                }
                store.fuel -= amount;
            }
            Op::CheckInterrupt {} => {
                if store.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
                    store
                        .interrupt
                        .store(false, std::sync::atomic::Ordering::Relaxed);
                    return Err(TrapKind::Interrupted);
                }
            }
            Op::Select {
                dst,
                other,
                cond,
                cells,
            } => {
                if self.get(cond) as u32 == 0 {
                    for i in 0..cells {
                        self.set(dst + i, self.get(other + i));
                    }
                }
            }
            Op::RefFunc { dst, func } => {
                let f = store.instances[self.inst as usize].funcs[func as usize];
                self.set(dst, f as u64 + 1);
            }
            Op::GlobalGet { dst, global } => {
                let g = store.instances[self.inst as usize].globals[global as usize];
                let bits = store.globals[g as usize].bits;
                self.set(dst, bits as u64);
                if store.globals[g as usize].ty.content().cells() == 2 {
                    self.set(dst + 1, (bits >> 64) as u64);
                }
            }
            Op::GlobalSet { src, global } => {
                let g = store.instances[self.inst as usize].globals[global as usize];
                let global = &mut store.globals[g as usize];
                let mut bits = self.get(src) as u128;
                if global.ty.content().cells() == 2 {
                    bits |= (self.get(src + 1) as u128) << 64;
                }
                global.bits = bits;
            }
            Op::I32Load { dst, addr, offset } => {
                let v = u32::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I64Load { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v);
            }
            Op::I32Load8S { dst, addr, offset } => {
                let v = i8::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as i32 as u32 as u64);
            }
            Op::I32Load8U { dst, addr, offset } => {
                let v = u8::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I32Load16S { dst, addr, offset } => {
                let v = i16::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as i32 as u32 as u64);
            }
            Op::I32Load16U { dst, addr, offset } => {
                let v = u16::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I64Load8S { dst, addr, offset } => {
                let v = i8::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as i64 as u64);
            }
            Op::I64Load8U { dst, addr, offset } => {
                let v = u8::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I64Load16S { dst, addr, offset } => {
                let v = i16::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as i64 as u64);
            }
            Op::I64Load16U { dst, addr, offset } => {
                let v = u16::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I64Load32S { dst, addr, offset } => {
                let v = i32::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as i64 as u64);
            }
            Op::I64Load32U { dst, addr, offset } => {
                let v = u32::from_le_bytes(self.load(addr, offset)?);
                self.set(dst, v as u64);
            }
            Op::I32Store { addr, src, offset } => {
                self.store(addr, offset, (self.get(src) as u32).to_le_bytes())?
            }
            Op::I64Store { addr, src, offset } => {
                self.store(addr, offset, self.get(src).to_le_bytes())?
            }
            Op::I32Store8 { addr, src, offset } => {
                self.store(addr, offset, (self.get(src) as u8).to_le_bytes())?
            }
            Op::I32Store16 { addr, src, offset } => {
                self.store(addr, offset, (self.get(src) as u16).to_le_bytes())?
            }
            Op::MemorySize { dst } => self.set(dst, (self.mem_len / crate::vm::PAGE_SIZE) as u64),
            Op::MemoryGrow { dst, delta } => {
                let delta = self.get(delta) as u32;
                let m = store.instances[self.inst as usize].memories[0];
                let old = store.memories[m as usize].grow(delta, store.limits.memory_size);
                self.load_memory(store);
                self.set(dst, old.unwrap_or(u32::MAX) as u64);
            }
            other => self.bulk(store, other)?,
        }
        Ok(())
    }
}
