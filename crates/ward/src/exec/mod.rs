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
mod simd;

use std::ptr;

use crate::error::{FrameInfo, Trap, TrapKind, BACKTRACE_INNER, BACKTRACE_OUTER};
use crate::ir::{CompiledFunc, Op};
use crate::vm::{FuncKind, GlobalEntity, GlobalPtr, StoreInner, ValueStack};
use crate::{Caller, Store};
use numeric::*;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Loads a `$ty` from memory 0 (`$mem`, `$len` bytes) at `addr + offset` into `dst`,
/// converted by `$conv`.
macro_rules! load {
    ($mem:ident, $len:ident, $fp:ident, $trap:ident, $dst:expr, $addr:expr, $offset:expr, $ty:ty, |$v:ident| $conv:expr) => {
        match mem_read::<{ std::mem::size_of::<$ty>() }>($mem, $len, get($fp, $addr), $offset) {
            Ok(bytes) => {
                let $v = <$ty>::from_le_bytes(bytes);
                set($fp, $dst, $conv)
            }
            Err(kind) => $trap!(kind),
        }
    };
}

/// Stores `$bytes` to memory 0 at `addr + offset`.
macro_rules! store {
    ($mem:ident, $len:ident, $fp:ident, $trap:ident, $addr:expr, $offset:expr, $bytes:expr) => {
        if let Err(kind) = mem_write($mem, $len, get($fp, $addr), $offset, $bytes) {
            $trap!(kind)
        }
    };
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

/// The saved state of a caller while its callee runs.
pub(crate) struct Frame {
    /// Where the caller resumes.
    ip: *const Op,
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
            inst: 0,
            code_table: ptr::null(),
            globals: ptr::null(),
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
            self.load_memory(store);
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
    fn call_internal(
        &mut self,
        stack: &mut ValueStack,
        code: *const CompiledFunc,
        base: u32,
    ) -> OpResult {
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
        let mut add = |inst: u32, code: *const CompiledFunc, ip: *const Op| {
            let module = &store.instances[inst as usize].module;
            // SAFETY: `code` is a live compiled function (see `enter`) and `ip` points
            // into its ops, at most one past the op that was running.
            let code = unsafe { &*code };
            let at = (ip as usize - code.ops.as_ptr() as usize) / std::mem::size_of::<Op>();
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
                    inst: self.inst,
                };
                self.enter(&mut store.inner, callee, abs)?;
                store.inner.stack.frames.push(frame);
                Ok(())
            }
        }
    }

    /// Pops the current frame; returns false when it was the activation's outermost.
    #[inline(always)]
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
        if frame.inst != self.inst {
            self.inst = frame.inst;
            self.code_table = store.instances[frame.inst as usize].code.as_ptr();
            self.globals = store.instances[frame.inst as usize].global_ptrs.as_ptr();
            self.load_memory(store);
        }
        true
    }

    /// The interpreter loop: one `match` on every op, so that each op costs one
    /// indirect jump. Ops that fall out of the match go on to the next op; branches,
    /// calls and returns set `ip` themselves and `continue`.
    ///
    /// The hot registers (`ip`, `fp`, the memory's base and length) live in locals, so
    /// that the compiler keeps them in machine registers; they are written back to
    /// `self` before anything out of line that reads them, and reloaded after anything
    /// that may change them (calls, returns, memory growth, host functions).
    fn execute<T>(&mut self, store: &mut Store<T>) -> Result<(), Trap> {
        let mut ip = self.ip;
        let mut fp = self.fp;
        let mut mem = self.mem;
        let mut mem_len = self.mem_len;
        macro_rules! trap {
            ($kind:expr) => {{
                self.ip = ip;
                return Err(Trap::from_kind($kind));
            }};
        }
        // Writes `ip` back, runs `$e` out of line, and reloads what it may have changed.
        macro_rules! out_of_line {
            ($e:expr) => {{
                self.ip = ip;
                let result = $e;
                ip = self.ip;
                fp = self.fp;
                mem = self.mem;
                mem_len = self.mem_len;
                result
            }};
        }
        loop {
            // SAFETY: `ip` always points at an op of the running function: translation
            // ends every function in `Return` and resolves every branch inside it.
            let op: &Op = unsafe { &*ip };
            // Matching the place `*op` copies only the fields an arm binds.
            match_op!(fp, ip, *op, trap, {
                Op::Br { offset } => jump!(ip, true, offset),
                Op::BrIfNez { cond, offset } => jump!(ip, get(fp, cond) as u32 != 0, offset),
                Op::BrIfEqz { cond, offset } => jump!(ip, get(fp, cond) as u32 == 0, offset),
                Op::BrTable { index, len } => {
                    let i = (get(fp, index) as u32).min(len);
                    // SAFETY: `len + 1` `Br` ops follow the table.
                    ip = unsafe { ip.add(1 + i as usize) };
                    continue;
                }
                Op::Return { src, len } => {
                    if len == 1 {
                        set(fp, 0, get(fp, src));
                    } else {
                        // SAFETY: both ranges are inside the current frame.
                        unsafe { ptr::copy(fp.add(src as usize), fp, len as usize) };
                    }
                    if !out_of_line!(self.ret(&mut store.inner)) {
                        return Ok(());
                    }
                    continue;
                }
                Op::CallInternal { func, base } => {
                    // SAFETY: `func` indexes the module's defined functions (validated),
                    // and the table has one entry for each.
                    let code = unsafe { (*self.code_table.add(func as usize)).load(Ordering::Relaxed) };
                    if code.is_null() {
                        // First call from this instance: resolve and translate it.
                        let instance = &store.inner.instances[self.inst as usize];
                        let index = instance.module.info.num_imported_funcs + func;
                        let callee = instance.funcs[index as usize];
                        out_of_line!(self.call(store, callee, base))?;
                    } else if let Err(kind) =
                        out_of_line!(self.call_internal(&mut store.inner.stack, code, base))
                    {
                        trap!(kind)
                    }
                    continue;
                }
                Op::Call { func, base } => {
                    let callee = store.inner.instances[self.inst as usize].funcs[func as usize];
                    out_of_line!(self.call(store, callee, base))?;
                    continue;
                }
                Op::CallIndirect {
                    type_index,
                    table,
                    index,
                    base,
                } => {
                    let callee = match self.indirect_callee(&store.inner, type_index, table, index) {
                        Ok(callee) => callee,
                        Err(kind) => trap!(kind),
                    };
                    out_of_line!(self.call(store, callee, base))?;
                    continue;
                }
                Op::Unreachable {} => trap!(TrapKind::Unreachable),
                Op::Copy { dst, src } => set(fp, dst, get(fp, src)),
                Op::CopySpan { dst, src, len } => {
                    // SAFETY: both ranges are inside the current frame.
                    unsafe { ptr::copy(fp.add(src as usize), fp.add(dst as usize), len as usize) }
                }
                Op::Const32 { dst, value } => set(fp, dst, value as u64),
                Op::Const64 { dst, lo, hi } => set(fp, dst, (hi as u64) << 32 | lo as u64),
                Op::Select {
                    dst,
                    other,
                    cond,
                    cells,
                } => {
                    if get(fp, cond) as u32 == 0 {
                        for i in 0..cells {
                            set(fp, dst + i, get(fp, other + i));
                        }
                    }
                }
                Op::I32Load { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u32, |v| v as u64),
                Op::I64Load { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u64, |v| v),
                Op::I32Load8S { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, i8, |v| v as i32 as u32 as u64),
                Op::I32Load8U { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u8, |v| v as u64),
                Op::I32Load16S { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, i16, |v| v as i32 as u32 as u64),
                Op::I32Load16U { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u16, |v| v as u64),
                Op::I64Load8S { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, i8, |v| v as i64 as u64),
                Op::I64Load8U { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u8, |v| v as u64),
                Op::I64Load16S { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, i16, |v| v as i64 as u64),
                Op::I64Load16U { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u16, |v| v as u64),
                Op::I64Load32S { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, i32, |v| v as i64 as u64),
                Op::I64Load32U { dst, addr, offset } => load!(mem, mem_len, fp, trap, dst, addr, offset, u32, |v| v as u64),
                Op::I32Store { addr, src, offset } => store!(mem, mem_len, fp, trap, addr, offset, (get(fp, src) as u32).to_le_bytes()),
                Op::I64Store { addr, src, offset } => store!(mem, mem_len, fp, trap, addr, offset, get(fp, src).to_le_bytes()),
                Op::I32Store8 { addr, src, offset } => store!(mem, mem_len, fp, trap, addr, offset, (get(fp, src) as u8).to_le_bytes()),
                Op::I32Store16 { addr, src, offset } => store!(mem, mem_len, fp, trap, addr, offset, (get(fp, src) as u16).to_le_bytes()),
                Op::I32StoreImm { addr, value, offset } => store!(mem, mem_len, fp, trap, addr, offset, value.to_le_bytes()),
                Op::I64StoreImm { addr, value, offset } => store!(mem, mem_len, fp, trap, addr, offset, (value as i32 as i64).to_le_bytes()),
                Op::I32Store8Imm { addr, value, offset } => store!(mem, mem_len, fp, trap, addr, offset, (value as u8).to_le_bytes()),
                Op::I32Store16Imm { addr, value, offset } => store!(mem, mem_len, fp, trap, addr, offset, (value as u16).to_le_bytes()),
                // SAFETY (four arms): the global lives as long as the store, which this
                // executor holds mutably, so nothing else accesses it meanwhile.
                Op::ConsumeFuel { amount } => {
                    let fuel = &mut store.inner.fuel;
                    let amount = amount as u64;
                    if *fuel < amount {
                        *fuel = 0;
                        trap!(TrapKind::OutOfFuel);
                    }
                    *fuel -= amount;
                }
                Op::GlobalGet { dst, global } => set(fp, dst, unsafe { (*self.global(global)).bits } as u64),
                Op::GlobalSet { src, global } => unsafe { (*self.global(global)).bits = get(fp, src) as u128 },
                Op::GlobalGet128 { dst, global } => {
                    let bits = unsafe { (*self.global(global)).bits };
                    set(fp, dst, bits as u64);
                    set(fp, dst + 1, (bits >> 64) as u64);
                }
                Op::GlobalSet128 { src, global } => unsafe {
                    (*self.global(global)).bits = get(fp, src) as u128 | (get(fp, src + 1) as u128) << 64
                },
                simd if simd.is_simd() => {
                    if let Err(kind) = out_of_line!(self.simd(simd)) {
                        trap!(kind)
                    }
                }
                other => {
                    if let Err(kind) = out_of_line!(self.other(&mut store.inner, other)) {
                        trap!(kind)
                    }
                }
            });
            // SAFETY: the ops that fall through are never the last op of a function.
            ip = unsafe { ip.add(1) };
        }
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

    /// Rarer ops: interrupts, references, memory size and growth; the bulk ops.
    fn other(&mut self, store: &mut StoreInner, op: Op) -> OpResult {
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
                self.load_memory(store);
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
