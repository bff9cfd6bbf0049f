//! Translation of one function body from wasm to ward's slot code, in one pass.
//!
//! The translator simulates the wasm operand stack. Each stack entry has a *canonical
//! slot* (the frame slot for its stack height) and a location that may be lazier:
//! a `local.get` stays a reference to the local's slot and a constant stays a constant
//! until something needs it in a slot. Ops read their operands straight from those
//! slots, so `local.get 0; local.get 1; i32.add` is one op. An op's result goes to the
//! canonical slot of the entry it pushes, and a `local.set` right after the op that made
//! its value retargets that op to write the local directly.
//!
//! Invariants that keep this correct:
//! - At every label (block, loop and if entry, else, end) the stack holds no local
//!   references: a local could change on another path to the same point.
//! - `local.set x` first copies every pending reference to `x` into its canonical slot.
//! - Block results and branch values travel in canonical slots.
//!
//! Nothing here recurses: nesting depth comes from the input, and input is hostile.

use crate::prelude::*;

mod code;
mod exception;
mod memory;
mod numeric;
mod ops;
#[cfg(feature = "simd")]
mod simd;
mod visit;

pub(crate) use code::{CodeSpace, ModuleCode};
#[cfg(feature = "cranelift")]
pub(crate) use simd::relaxed_equivalent;
pub(crate) use visit::other_memory;

use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

use crate::error::{Error, Result};
use crate::index::DefinedFuncIndex;
use crate::ir::{AccMode, CodeRef, CompiledFunc, Instr, Op, Slot};
use crate::module::ModuleInfo;
use crate::ValType;

/// How many lazy local references the stack may hold at once. Beyond this a
/// `local.get` is copied at once, which bounds the work of each `local.set` and
/// block entry, whatever the input.
const MAX_LAZY_LOCALS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Loc {
    /// In its canonical slot.
    Temp,
    /// Still in local `index`.
    Local(u32),
    /// A constant not yet written anywhere.
    Const(u64),
}

#[derive(Debug, Clone, Copy)]
struct Operand {
    ty: ValType,
    slot: Slot,
    loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Control {
    kind: Kind,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// Stack length below the block's params.
    height: usize,
    /// The op index of the block's first op (a loop's label, a `try_table`'s body).
    start: usize,
    /// Branch ops to patch with the end label.
    fixups: Vec<usize>,
    /// `if`: the conditional branch to patch with the `else` label.
    else_fixup: Option<usize>,
    /// `try_table` and legacy `try`: its `catch` clauses.
    catches: Vec<exception::PendingCatch>,
    /// A legacy `try`'s state.
    legacy: Option<exception::LegacyTry>,
    /// The clauses of the legacy `delegate`s that name this block.
    delegates: Vec<usize>,
}

impl Control {
    fn label_types(&self) -> &[ValType] {
        if self.kind == Kind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

#[cfg(feature = "std")]
thread_local! {
    /// The translator that lazy translation on this thread reuses, so that its buffers
    /// are allocated once rather than for every function.
    static LAZY_TRANSLATOR: core::cell::RefCell<Translator> =
        core::cell::RefCell::new(Translator::default());
}

/// Runs `f` with this thread's reusable translator, set up for `config`; with a fresh
/// one if the thread's is in use (translation does not nest, but nothing relies on it)
/// or, without `std`, always.
pub(crate) fn with_translator<R>(
    config: &crate::Config,
    f: impl FnOnce(&mut Translator) -> R,
) -> R {
    #[cfg(feature = "std")]
    return LAZY_TRANSLATOR.with(|cell| match cell.try_borrow_mut() {
        Ok(mut translator) => {
            translator.configure(config);
            f(&mut translator)
        }
        Err(_) => f(&mut Translator::new(config)),
    });
    #[cfg(not(feature = "std"))]
    return f(&mut Translator::new(config));
}

/// Reusable translation state (its buffers keep their capacity between functions).
#[derive(Default)]
pub(crate) struct Translator {
    ops: Vec<Op>,
    /// The accumulator mode of each op.
    modes: Vec<AccMode>,
    /// The handlers of the ops, when the function is done.
    handlers: Vec<crate::ir::Handler>,
    offsets: Vec<u32>,
    offset: u32,
    stack: Vec<Operand>,
    ctrl: Vec<Control>,
    local_slots: Vec<Slot>,
    local_types: Vec<ValType>,
    local_cells: u32,
    max_cells: u32,
    /// Stack positions of entries with `Loc::Local`, in increasing order.
    lazy_locals: Vec<usize>,
    /// The op that wrote the top entry's canonical slot, while no label came after it.
    last_result: Option<(usize, Slot)>,
    /// The last op emitted and the local it wrote, when a `local.tee` took the op's
    /// result: the value is then both in the local and on the stack.
    last_tee: Option<(usize, Slot)>,
    /// Inside unreachable code: the depth of blocks opened there.
    dead: Option<u32>,
    /// The memory the memory operators access is 64-bit (memory64): memory 0's, but
    /// for the access to another memory being translated.
    address64: bool,
    /// The function's 128-bit constant pool.
    consts: Vec<u128>,
    /// The `catch` clauses of the function's closed `try_table`s, innermost first.
    catch_handlers: Vec<crate::ir::CatchHandler>,
    /// Emit fuel metering and interrupt checks.
    fuel: bool,
    interrupt: bool,
    /// The `ConsumeFuel` op of the current straight-line region.
    fuel_op: Option<usize>,
    /// The position last taken as a branch target or a region's bound ([`Translator::pc`]):
    /// an op there may be reached from elsewhere, so it never merges into the op before.
    label: usize,
}

type Validator<'v> = Option<&'v mut FuncValidator<ValidatorResources>>;

/// A branch condition: the op that jumps when it holds, and the one that jumps when
/// it does not (both with a zero offset, to be patched).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cond {
    when_true: Op,
    when_false: Op,
    /// Whether the branch reads its first operand from the accumulator (the op that
    /// computes it is the last one emitted, and sends its result there).
    acc_in: bool,
    /// The module offset of the op the branch took in (a load or a bit test; see
    /// [`zero_tests`]), which it reports when it traps; `None` for the branch's own.
    origin: Option<u32>,
}

/// The branches that jump when the value op `op` computes is not zero (`.0`) and when
/// it is zero (`.1`), computing it themselves, for the ops that have them: `i32.and` of
/// a constant (a bit test), `i32.load` (from a constant address too) and `i32.load8_u`.
/// With `kept`, the value must also go to the op's result slot, which only the loads'
/// branches do.
fn zero_tests(op: Op, kept: bool) -> Option<(Op, Op)> {
    Some(match op {
        Op::I32AndImm { lhs, imm, .. } if !kept => (
            Op::BrI32AndImmNez {
                lhs,
                imm,
                offset: 0,
            },
            Op::BrI32AndImmEqz {
                lhs,
                imm,
                offset: 0,
            },
        ),
        Op::I32Load { dst, addr, offset } => (
            Op::BrI32LoadNez {
                dst,
                addr,
                offset,
                jump: 0,
            },
            Op::BrI32LoadEqz {
                dst,
                addr,
                offset,
                jump: 0,
            },
        ),
        Op::I32LoadAbs { dst, addr, offset } => (
            Op::BrI32LoadAbsNez {
                dst,
                addr,
                offset,
                jump: 0,
            },
            Op::BrI32LoadAbsEqz {
                dst,
                addr,
                offset,
                jump: 0,
            },
        ),
        Op::I32Load8U { dst, addr, offset } => (
            Op::BrI32Load8UNez {
                dst,
                addr,
                offset,
                jump: 0,
            },
            Op::BrI32Load8UEqz {
                dst,
                addr,
                offset,
                jump: 0,
            },
        ),
        _ => return None,
    })
}

macro_rules! negations {
    ($($a:ident <=> $b:ident),* ; $($ai:ident <=> $bi:ident),*) => {
        /// The comparison with the opposite outcome (exact for integers: `!(a < b)` is
        /// `a >= b`), for the comparison ops that fuse with branches.
        fn negated_compare(op: Op) -> Option<Op> {
            Some(match op {
                $(
                    Op::$a { dst, lhs, rhs } => Op::$b { dst, lhs, rhs },
                    Op::$b { dst, lhs, rhs } => Op::$a { dst, lhs, rhs },
                )*
                $(
                    Op::$ai { dst, lhs, imm } => Op::$bi { dst, lhs, imm },
                    Op::$bi { dst, lhs, imm } => Op::$ai { dst, lhs, imm },
                )*
                _ => return None,
            })
        }
    };
}

negations! {
    I32Eq <=> I32Ne, I32LtS <=> I32GeS, I32LtU <=> I32GeU, I32GtS <=> I32LeS, I32GtU <=> I32LeU,
    I64Eq <=> I64Ne, I64LtS <=> I64GeS, I64LtU <=> I64GeU, I64GtS <=> I64LeS, I64GtU <=> I64LeU,
    F32Eq <=> F32Ne, F64Eq <=> F64Ne;
    I32EqImm <=> I32NeImm, I32LtSImm <=> I32GeSImm, I32LtUImm <=> I32GeUImm,
    I32GtSImm <=> I32LeSImm, I32GtUImm <=> I32LeUImm,
    I64EqImm <=> I64NeImm, I64LtSImm <=> I64GeSImm, I64LtUImm <=> I64GeUImm,
    I64GtSImm <=> I64LeSImm, I64GtUImm <=> I64LeUImm
}

/// Without SIMD, no operator is a SIMD one: the binary reader refuses their opcodes.
#[cfg(not(feature = "simd"))]
impl Translator {
    fn translate_simd(&mut self, _op: &Operator<'_>) -> bool {
        false
    }
}

impl Translator {
    /// A translator for functions of an engine with `config`.
    pub(crate) fn new(config: &crate::Config) -> Self {
        let mut translator = Translator::default();
        translator.configure(config);
        translator
    }

    /// Takes the metering settings of `config`.
    fn configure(&mut self, config: &crate::Config) {
        self.fuel = config.consume_fuel;
        self.interrupt = config.interruptible;
    }

    /// Starts a region of straight-line code after a label: its fuel charge, and, at a
    /// loop head or the function's entry, the interrupt check.
    fn meter(&mut self, loop_head: bool) {
        if self.fuel {
            let at = self.emit(Op::ConsumeFuel { amount: 0 });
            self.fuel_op = Some(at);
        }
        if self.interrupt && loop_head {
            self.emit(Op::CheckInterrupt {});
        }
    }

    /// Adds one wasm instruction to the current region's fuel charge.
    fn charge(&mut self) {
        if let Some(at) = self.fuel_op {
            if let Op::ConsumeFuel { amount } = &mut self.ops[at] {
                *amount = amount.saturating_add(1);
            }
        }
    }

    /// Translates defined function `index` of `module` into `space`, which must be the
    /// module's own (its code lives as long as the module). With a validator, each
    /// operator is validated just before it is translated; without one, the body must
    /// already have been validated.
    pub(crate) fn translate(
        &mut self,
        module: &ModuleInfo,
        space: &CodeSpace,
        index: DefinedFuncIndex,
        body: &FunctionBody<'_>,
        mut validator: Validator<'_>,
    ) -> Result<CodeRef> {
        let func_index = module.func_index(index);
        let ty = module.func_type(func_index);
        self.reset();
        self.address64 = module.memories().iter().next().is_some_and(|m| m.is_64());
        for &param in ty.params() {
            self.add_local(param);
        }
        let param_cells = self.local_cells;
        let mut locals = body.get_locals_reader().map_err(Error::compile)?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read().map_err(Error::compile)?;
            if let Some(v) = validator.as_deref_mut() {
                v.define_locals(offset, count, ty).map_err(Error::compile)?;
            }
            let ty = ValType::from_wasmparser(ty, module.type_ids().as_slice());
            for _ in 0..count {
                self.add_local(ty);
            }
        }
        self.max_cells = self.local_cells;
        self.ctrl.push(Control {
            kind: Kind::Block,
            params: Vec::new(),
            results: ty.results().to_vec(),
            height: 0,
            start: 0,
            fixups: Vec::new(),
            else_fixup: None,
            catches: Vec::new(),
            legacy: None,
            delegates: Vec::new(),
        });

        let mut reader = body.get_operators_reader().map_err(Error::compile)?;
        // The entry's metering ops belong to the function's first instruction, not to
        // the last one this (reused) translator saw in another function.
        self.offset = reader.original_position() as u32;
        self.meter(true);
        let mut visit = visit::Visit {
            translator: self,
            module,
            validator,
            offset: 0,
        };
        while !reader.eof() {
            visit.offset = reader.original_position();
            visit.next(&mut reader)?;
        }
        reader.finish().map_err(Error::compile)?;
        // Every op's handler in its accumulator mode, before anything is allocated.
        self.handlers.clear();
        for (&op, &mode) in self.ops.iter().zip(&self.modes) {
            let Some(handler) = (space.handlers)(&op, mode) else {
                return Err(Error::Compile {
                    message: format!(
                        "internal error: no handler for {} in accumulator mode {}",
                        op.name(),
                        mode.bits()
                    ),
                    offset: self.offsets.first().copied().unwrap_or(0) as usize,
                });
            };
            self.handlers.push(handler);
        }
        // The ops go straight from the translator's buffer into the arena, each with its
        // handler. The lock is only held for these copies: translations on other
        // threads run in parallel. A panic cannot leave the arena inconsistent, so a
        // poisoned lock is taken as it is (`prelude::Mutex`).
        let mut arena = space.arena.lock();
        // SAFETY: the caller passes the module's own arena, and the code goes into the
        // module's `compiled` table, which is dropped before the arena.
        let code = unsafe {
            let ops = arena.alloc_slice(
                self.ops
                    .iter()
                    .zip(&self.handlers)
                    .map(|(&op, &handler)| Instr { handler, op }),
            );
            let offsets = arena.alloc_slice(self.offsets.iter().copied());
            let consts = arena.alloc_slice(self.consts.iter().copied());
            let handlers = arena.alloc_slice(self.catch_handlers.iter().copied());
            arena.alloc_func(CompiledFunc {
                func_index,
                ops,
                offsets,
                param_cells,
                local_cells: self.local_cells,
                frame_cells: self.max_cells.max(1),
                consts,
                handlers,
            })
        };
        Ok(code)
    }

    fn reset(&mut self) {
        self.ops.clear();
        self.modes.clear();
        self.offsets.clear();
        self.stack.clear();
        self.ctrl.clear();
        self.local_slots.clear();
        self.local_types.clear();
        self.lazy_locals.clear();
        self.local_cells = 0;
        self.max_cells = 0;
        self.last_result = None;
        self.last_tee = None;
        self.dead = None;
        self.consts.clear();
        self.catch_handlers.clear();
        self.fuel_op = None;
        self.label = 0;
    }

    fn add_local(&mut self, ty: ValType) {
        self.local_slots.push(self.local_cells);
        self.local_types.push(ty);
        self.local_cells += ty.cells();
    }

    // ---- emitting ------------------------------------------------------------------

    fn emit(&mut self, op: Op) -> usize {
        self.last_tee = None;
        self.ops.push(op);
        self.modes.push(AccMode::NONE);
        self.offsets.push(self.offset);
        self.last_result = None;
        self.ops.len() - 1
    }

    /// Emits an op that writes `dst`, the canonical slot of the entry pushed next.
    fn emit_result(&mut self, op: Op, dst: Slot) {
        let at = self.emit(op);
        self.last_result = Some((at, dst));
    }

    /// Whether the stack entry `depth` below the top is the result of the last op
    /// emitted, not yet stored anywhere else (a temporary nothing else reads).
    pub(super) fn is_fresh(&self, depth: usize) -> bool {
        let Some(index) = self.stack.len().checked_sub(1 + depth) else {
            return false;
        };
        let entry = self.stack[index];
        entry.loc == Loc::Temp
            && self.last_result == Some((self.ops.len().wrapping_sub(1), entry.slot))
    }

    /// How the stack entry `depth` below the top can come through the accumulator
    /// from the last op emitted: the mode bits that op then takes (`ACC_OUT` for a
    /// fresh temporary, `ACC_OUT | ACC_KEEP` for a value a `local.tee` also stored);
    /// `None` when it cannot.
    pub(super) fn acc_source(&self, depth: usize) -> Option<AccMode> {
        if self.is_fresh(depth) {
            return Some(AccMode::OUT);
        }
        let index = self.stack.len().checked_sub(1 + depth)?;
        let (at, local) = self.last_tee?;
        match self.stack[index].loc {
            Loc::Local(i) if at + 1 == self.ops.len() && self.local_slots[i as usize] == local => {
                Some(AccMode::OUT_KEEP)
            }
            _ => None,
        }
    }

    /// Emits `op`, whose first operand comes from the last op emitted when `source` is
    /// `Some` (see [`Translator::acc_source`], asked before popping the operands): the
    /// value then goes through the accumulator, when both ops have a handler for it.
    /// Returns the op's index.
    pub(super) fn emit_reading(&mut self, op: Op, source: Option<AccMode>) -> usize {
        let through_acc = crate::ir::acc_capable(&op).0 && self.send_to_acc(source);
        let at = self.emit(op);
        if through_acc {
            self.modes[at] = AccMode::IN;
        }
        at
    }

    /// Makes the last op emitted send its result to the accumulator as `source` says
    /// (see [`Translator::acc_source`]), when it can; returns whether it does.
    fn send_to_acc(&mut self, source: Option<AccMode>) -> bool {
        let (Some(bits), Some(producer)) = (source, self.ops.len().checked_sub(1)) else {
            return false;
        };
        if !crate::ir::acc_capable(&self.ops[producer]).1 {
            return false;
        }
        self.modes[producer] = self.modes[producer].with(bits);
        true
    }

    /// `emit_reading` for an op that writes `dst` (see [`Translator::emit_result`]).
    pub(super) fn emit_result_reading(&mut self, op: Op, dst: Slot, fresh: Option<AccMode>) {
        let at = self.emit_reading(op, fresh);
        self.last_result = Some((at, dst));
    }

    /// Makes op `at` read its first operand from the accumulator.
    pub(super) fn set_acc_in(&mut self, at: usize) {
        self.modes[at] = self.modes[at].with(AccMode::IN);
    }

    /// Records op `at` as the producer of the entry in slot `dst` pushed last.
    pub(super) fn set_last_result(&mut self, at: usize, dst: Slot) {
        self.last_result = Some((at, dst));
    }

    /// Emits branch `op` of `cond`, reading the accumulator when the condition does, at
    /// the module offset of the op it took in, if any.
    fn emit_branch(&mut self, op: Op, cond: &Cond) -> usize {
        let at = self.emit(op);
        if cond.acc_in {
            self.modes[at] = AccMode::IN;
        }
        if let Some(origin) = cond.origin {
            self.offsets[at] = origin;
        }
        at
    }

    /// Emits the branch taken when `cond` is false.
    pub(super) fn emit_when_false(&mut self, cond: &Cond) -> usize {
        self.emit_branch(cond.when_false, cond)
    }

    /// The position of the next op, taken as a label: a branch may jump there, or a
    /// region (a `try`'s body, a handler) starts or ends there.
    fn pc(&mut self) -> usize {
        self.label = self.ops.len();
        self.ops.len()
    }

    /// Makes branch op `at` jump to op index `target`.
    fn patch(&mut self, at: usize, target: usize) {
        // In bytes, so that a taken branch is one add to the instruction pointer. A body
        // holds at most a few ops per byte of its wasm (at most 7,654,321 bytes), so the
        // offset fits an i32.
        let rel = (target as i64 - at as i64) * core::mem::size_of::<Instr>() as i64;
        let rel = i32::try_from(rel).unwrap_or(i32::MAX);
        match crate::ir::branch_offset(&mut self.ops[at]) {
            Some(offset) => *offset = rel,
            None => unreachable!("patching op {at}, which is not a branch"),
        }
    }

    /// Binds a label at the current position: later ops may be reached from elsewhere.
    fn bind_label(&mut self, fixups: &[usize]) {
        let here = self.pc();
        for &at in fixups {
            self.patch(at, here);
        }
        self.last_result = None;
        self.last_tee = None;
    }

    // ---- the simulated operand stack ------------------------------------------------

    fn next_slot(&self) -> Slot {
        match self.stack.last() {
            Some(top) => top.slot + top.ty.cells(),
            None => self.local_cells,
        }
    }

    /// The canonical slot of stack position `pos` (at most the stack's length).
    fn slot_at(&self, pos: usize) -> Slot {
        match self.stack.get(pos) {
            Some(entry) => entry.slot,
            None => self.next_slot(),
        }
    }

    fn push(&mut self, ty: ValType, loc: Loc) -> Slot {
        let slot = self.next_slot();
        self.max_cells = self.max_cells.max(slot + ty.cells());
        if let Loc::Local(_) = loc {
            self.lazy_locals.push(self.stack.len());
        }
        self.stack.push(Operand { ty, slot, loc });
        slot
    }

    /// Pushes a temporary and returns its canonical slot, for an op to write.
    fn push_temp(&mut self, ty: ValType) -> Slot {
        self.push(ty, Loc::Temp)
    }

    fn pop(&mut self) -> Operand {
        let entry = self
            .stack
            .pop()
            .expect("validated: operand stack underflow");
        if let Loc::Local(_) = entry.loc {
            self.lazy_locals.pop();
        }
        entry
    }

    /// Pops an operand and returns a slot that holds its value.
    fn pop_slot(&mut self) -> Slot {
        let entry = self.pop();
        self.read_slot(entry)
    }

    /// A slot holding `entry`'s value, writing a constant to its canonical slot if needed.
    fn read_slot(&mut self, entry: Operand) -> Slot {
        match entry.loc {
            Loc::Temp => entry.slot,
            Loc::Local(i) => self.local_slots[i as usize],
            Loc::Const(value) => {
                self.emit_const(entry.slot, value);
                entry.slot
            }
        }
    }

    fn emit_const(&mut self, dst: Slot, value: u64) {
        if value <= u32::MAX as u64 {
            self.emit_result(
                Op::Const32 {
                    dst,
                    value: value as u32,
                },
                dst,
            );
        } else {
            self.emit_result(
                Op::Const64 {
                    dst,
                    lo: value as u32,
                    hi: (value >> 32) as u32,
                },
                dst,
            );
        }
    }

    /// Emits a move of `cells` cells.
    fn emit_copy(&mut self, dst: Slot, src: Slot, cells: u32) {
        if dst == src || cells == 0 {
            return;
        }
        if cells == 1 {
            let at = self.ops.len();
            if let Some(&Op::Copy {
                dst: first,
                src: from,
            }) = self.ops.last().filter(|_| at != self.label)
            {
                // Two moves in a row, the second not reached from elsewhere: one op.
                self.ops[at - 1] = Op::Copy2 {
                    dst: first,
                    src: from,
                    dst2: dst,
                    src2: src,
                };
                self.last_tee = None;
                self.last_result = Some((at - 1, dst));
                return;
            }
            self.emit_result(Op::Copy { dst, src }, dst);
        } else {
            self.emit(Op::CopySpan {
                dst,
                src,
                len: cells,
            });
        }
    }

    /// Writes stack entry `pos` to its canonical slot.
    fn materialize(&mut self, pos: usize) {
        let entry = self.stack[pos];
        match entry.loc {
            Loc::Temp => return,
            Loc::Local(i) => {
                let src = self.local_slots[i as usize];
                self.emit_copy(entry.slot, src, entry.ty.cells());
            }
            Loc::Const(value) => self.emit_const(entry.slot, value),
        }
        self.stack[pos].loc = Loc::Temp;
    }

    /// Writes the top `n` entries to their canonical slots.
    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for pos in len - n..len {
            self.materialize(pos);
        }
        self.lazy_locals.retain(|&p| p < len - n);
    }

    /// Copies every pending local reference to its canonical slot.
    fn materialize_locals(&mut self) {
        let pending = core::mem::take(&mut self.lazy_locals);
        for &pos in &pending {
            self.materialize(pos);
        }
        self.lazy_locals = pending;
        self.lazy_locals.clear();
    }

    /// The first slot of the top `n` operands as a `Return` reads them. `Return` moves its
    /// cells to the frame's base whatever their place, so a single local is returned from
    /// its own slot rather than copied to a temporary first; more operands are moved to
    /// consecutive slots.
    fn return_source(&mut self, n: usize) -> Slot {
        if n == 1 {
            if let Some(&Operand {
                loc: Loc::Local(i), ..
            }) = self.stack.last()
            {
                return self.local_slots[i as usize];
            }
        }
        self.top_span(n)
    }

    /// Puts the top `n` operands in consecutive canonical slots; returns the first slot.
    fn top_span(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        self.slot_at(self.stack.len() - n)
    }

    /// Pops `n` operands into consecutive canonical slots; returns the first slot.
    fn pop_span(&mut self, n: usize) -> Slot {
        let base = self.top_span(n);
        for _ in 0..n {
            self.pop();
        }
        base
    }

    // ---- control --------------------------------------------------------------------

    fn block_type(module: &ModuleInfo, ty: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match ty {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (
                Vec::new(),
                vec![ValType::from_wasmparser(t, module.type_ids().as_slice())],
            ),
            BlockType::FuncType(i) => {
                let ty = &module.types()[crate::index::TypeIndex::from_u32(i)];
                (ty.params().to_vec(), ty.results().to_vec())
            }
        }
    }

    fn push_control(&mut self, module: &ModuleInfo, kind: Kind, ty: BlockType) {
        let (params, results) = Self::block_type(module, ty);
        self.materialize_locals();
        self.materialize_top(params.len());
        let height = self.stack.len() - params.len();
        let start = self.pc();
        self.ctrl.push(Control {
            kind,
            params,
            results,
            height,
            start,
            fixups: Vec::new(),
            else_fixup: None,
            catches: Vec::new(),
            legacy: None,
            delegates: Vec::new(),
        });
    }

    /// Resets the stack to `height` entries plus temporaries of `types`.
    fn reset_stack(&mut self, height: usize, types: &[ValType]) {
        while self.stack.len() > height {
            self.pop();
        }
        for &ty in types {
            self.push_temp(ty);
        }
    }

    /// Emits the moves and the jump of a branch to the label `depth` levels out.
    /// `cond`: branch only when this i32 slot is non-zero.
    fn branch(&mut self, depth: u32, cond: Option<Cond>) {
        let target = self.ctrl.len() - 1 - depth as usize;
        let types = self.ctrl[target].label_types();
        let n = types.len();
        let cells: u32 = types.iter().map(|t| t.cells()).sum();
        if target == 0 {
            // A branch to the function's outermost label returns.
            let src = self.return_source(n);
            let skip = cond.map(|cond| self.emit_when_false(&cond));
            self.emit(Op::Return { src, len: cells });
            if let Some(skip) = skip {
                self.bind_label(&[skip]);
            }
            return;
        }
        let src = self.top_span(n);
        let dst = self.slot_at(self.ctrl[target].height);
        let needs_copy = cells > 0 && src != dst;
        let skip = match cond {
            Some(cond) if needs_copy => Some(self.emit_when_false(&cond)),
            _ => None,
        };
        self.emit_copy(dst, src, cells);
        let at = match cond {
            Some(cond) if !needs_copy => self.emit_branch(cond.when_true, &cond),
            _ => self.emit(Op::Br { offset: 0 }),
        };
        self.link(at, target);
        if let Some(skip) = skip {
            self.bind_label(&[skip]);
        }
    }

    /// Pops an i32 condition for a conditional branch. When the comparison (or
    /// `i32.eqz`) that computed it is the op just emitted, that op is taken back and
    /// the branch tests the comparison itself: one op instead of two.
    pub(super) fn pop_condition(&mut self) -> Cond {
        let fresh = self.is_fresh(0);
        let source = self.acc_source(0);
        let entry = self.pop();
        if fresh {
            if let Some(cond) = self.zero_test(false) {
                return cond;
            }
            let last = self.ops[self.ops.len() - 1];
            let fused = match last {
                Op::I32Eqz { src, .. } => Some(Cond {
                    when_true: Op::BrIfEqz {
                        cond: src,
                        offset: 0,
                    },
                    when_false: Op::BrIfNez {
                        cond: src,
                        offset: 0,
                    },
                    acc_in: false,
                    origin: None,
                }),
                Op::I64Eqz { src, .. } => Some(Cond {
                    when_true: Op::BrI64EqImm {
                        lhs: src,
                        imm: 0,
                        offset: 0,
                    },
                    when_false: Op::BrI64NeImm {
                        lhs: src,
                        imm: 0,
                        offset: 0,
                    },
                    acc_in: false,
                    origin: None,
                }),
                compare => crate::ir::fused_branch(&compare).and_then(|when_true| {
                    let when_false = negated_compare(compare)
                        .and_then(|negated| crate::ir::fused_branch(&negated))
                        .or_else(|| crate::ir::fused_branch_not(&compare))?;
                    Some(Cond {
                        when_true,
                        when_false,
                        acc_in: false,
                        origin: None,
                    })
                }),
            };
            if let Some(mut cond) = fused {
                // The comparison's first operand may have come through the accumulator:
                // the branch then reads it there.
                let compared_acc = self.modes[self.ops.len() - 1].contains(AccMode::IN);
                self.drop_last_op();
                if compared_acc {
                    let branches_read_acc = [cond.when_true, cond.when_false]
                        .iter()
                        .all(|op| crate::ir::acc_capable(op).0);
                    if branches_read_acc {
                        cond.acc_in = true;
                    } else if let Some(producer) = self.modes.last_mut() {
                        // No branch of that shape reads the accumulator: the producer
                        // writes its slot again.
                        *producer = producer.without(AccMode::OUT);
                    }
                }
                return cond;
            }
        }
        if source == Some(AccMode::OUT_KEEP) {
            // The last op computed the value, which a `local.tee` keeps in its local.
            if let Some(cond) = self.zero_test(true) {
                return cond;
            }
        }
        let cond = self.read_slot(entry);
        let when_true = Op::BrIfNez { cond, offset: 0 };
        let when_false = Op::BrIfEqz { cond, offset: 0 };
        // The branch is emitted next (after copies, never after a label), so a fresh
        // condition can come through the accumulator.
        let acc_in = self.send_to_acc(source);
        Cond {
            when_true,
            when_false,
            acc_in,
            origin: None,
        }
    }

    /// The condition of a branch on a value tested for zero that the last op, or the
    /// op before an `i32.eqz` that is the last, computes: a bit test (`i32.and` of a
    /// constant) or a load (`i32.load`, `i32.load8_u`), which the branch then does
    /// itself (see [`zero_tests`]); the ops are dropped. `kept` when the value is also
    /// a local's (`local.tee`), which the last op then writes. Otherwise the tested value
    /// must be a temporary nothing else reads: the caller checked that the last op's
    /// result is one, and an `i32.eqz` reads its operand from the accumulator only when
    /// it is (or when a `local.tee` keeps it, which the producer's mode says).
    fn zero_test(&mut self, kept: bool) -> Option<Cond> {
        let n = self.ops.len();
        // A label where the branch goes means another path reaches it, without the
        // value computed here.
        if n == 0 || self.label == n {
            return None;
        }
        let last = n - 1;
        if let Some((non_zero, zero)) = zero_tests(self.ops[last], kept) {
            let producer = self.modes[last];
            let origin = self.offsets[last];
            self.drop_last_op();
            return Some(Cond {
                when_true: non_zero,
                when_false: zero,
                acc_in: producer.contains(AccMode::IN),
                origin: Some(origin),
            });
        }
        let Op::I32Eqz { src, .. } = self.ops[last] else {
            return None;
        };
        // A label at the `i32.eqz` means another path reaches it.
        if kept || n < 2 || self.label == last || !self.modes[last].contains(AccMode::IN) {
            return None;
        }
        let producer = self.modes[n - 2];
        let kept = producer.contains(AccMode::OUT_KEEP);
        let (non_zero, zero) = zero_tests(self.ops[n - 2], kept)?;
        if crate::ir::result_slot(&mut self.ops[n - 2]).copied() != Some(src) {
            return None;
        }
        let origin = self.offsets[n - 2];
        self.drop_last_op();
        self.drop_last_op();
        Some(Cond {
            when_true: zero,
            when_false: non_zero,
            acc_in: producer.contains(AccMode::IN),
            origin: Some(origin),
        })
    }

    /// Points branch op `at` at the label of control frame `target`.
    fn link(&mut self, at: usize, target: usize) {
        if self.ctrl[target].kind == Kind::Loop {
            let start = self.ctrl[target].start;
            self.patch(at, start);
        } else {
            self.ctrl[target].fixups.push(at);
        }
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<()> {
        let mut depths = Vec::with_capacity(targets.len() as usize + 1);
        for t in targets.targets() {
            depths.push(t.map_err(Error::compile)?);
        }
        depths.push(targets.default());
        let n = self.ctrl[self.ctrl.len() - 1 - depths[0] as usize]
            .label_types()
            .len();
        let len = depths.len() as u32 - 1;
        let table = if n == 0 {
            // No values go with the branch, so the table op follows the op that
            // computed its index: an `i32.add` of a constant folds into the table, and
            // the index may come through the accumulator.
            if let Some((lhs, bias, acc_in)) = self.constant_sum(0) {
                self.pop();
                let table = Op::BrTable {
                    index: lhs,
                    bias,
                    len,
                };
                self.replace_last_op(table, acc_in)
            } else {
                let fresh = self.acc_source(0);
                let index = self.pop_slot();
                self.emit_reading(
                    Op::BrTable {
                        index,
                        bias: 0,
                        len,
                    },
                    fresh,
                )
            }
        } else {
            let index = self.pop_slot();
            self.materialize_top(n);
            self.emit(Op::BrTable {
                index,
                bias: 0,
                len,
            })
        };
        for _ in 0..depths.len() {
            self.emit(Op::Br { offset: 0 });
        }
        for (i, &depth) in depths.iter().enumerate() {
            let entry = table + 1 + i;
            let target = self.ctrl.len() - 1 - depth as usize;
            let types = self.ctrl[target].label_types();
            let cells: u32 = types.iter().map(|t| t.cells()).sum();
            let src = self.slot_at(self.stack.len() - n);
            let dst = self.slot_at(self.ctrl[target].height);
            if target != 0 && (cells == 0 || src == dst) {
                self.link(entry, target);
                continue;
            }
            // The entry jumps to a stub that moves the values, then branches on.
            let stub = self.pc();
            self.patch(entry, stub);
            self.branch(depth, None);
        }
        self.dead = Some(0);
        Ok(())
    }

    fn end(&mut self) {
        if self.dead.is_none() {
            self.leave_legacy_catch();
        }
        let mut frame = self.ctrl.pop().expect("validated: control stack underflow");
        self.close_handlers(&mut frame);
        if self.ctrl.is_empty() {
            if self.dead.is_none() {
                let cells: u32 = frame.results.iter().map(|t| t.cells()).sum();
                let src = self.return_source(frame.results.len());
                self.emit(Op::Return { src, len: cells });
            }
            return;
        }
        if self.dead.is_none() {
            self.materialize_top(frame.results.len());
        }
        self.reset_stack(frame.height, &frame.results);
        self.bind_label(&frame.fixups);
        if let Some(else_fixup) = frame.else_fixup {
            self.bind_label(&[else_fixup]);
        }
        self.dead = None;
        self.meter(false);
    }

    fn else_(&mut self) {
        let reachable = self.dead.is_none();
        let last = self.ctrl.len() - 1;
        if reachable {
            let n = self.ctrl[last].results.len();
            self.materialize_top(n);
            let at = self.emit(Op::Br { offset: 0 });
            self.ctrl[last].fixups.push(at);
        }
        let frame = &mut self.ctrl[last];
        frame.kind = Kind::Else;
        let else_fixup = frame.else_fixup.take();
        let height = frame.height;
        let params = frame.params.clone();
        self.reset_stack(height, &params);
        if let Some(at) = else_fixup {
            self.bind_label(&[at]);
        }
        self.dead = None;
        self.meter(false);
    }

    // ---- locals ---------------------------------------------------------------------

    fn local_get(&mut self, index: u32) {
        let ty = self.local_types[index as usize];
        if self.lazy_locals.len() < MAX_LAZY_LOCALS {
            self.push(ty, Loc::Local(index));
        } else {
            let dst = self.push_temp(ty);
            let src = self.local_slots[index as usize];
            self.emit_copy(dst, src, ty.cells());
        }
    }

    /// Pops the top value into local `index`; `tee` keeps it on the stack.
    fn local_set(&mut self, index: u32, tee: bool) {
        let local = self.local_slots[index as usize];
        let value = self.pop();
        // Pending reads of the local's old value must happen first.
        let mut pending = false;
        let lazy = core::mem::take(&mut self.lazy_locals);
        for &pos in &lazy {
            if self.stack[pos].loc == Loc::Local(index) {
                pending = true;
                self.materialize(pos);
            }
        }
        self.lazy_locals = lazy;
        let stack = &self.stack;
        self.lazy_locals
            .retain(|&pos| matches!(stack[pos].loc, Loc::Local(_)));
        match value.loc {
            Loc::Local(i) if i == index => {}
            Loc::Local(i) => {
                let src = self.local_slots[i as usize];
                self.emit_copy(local, src, value.ty.cells());
            }
            Loc::Const(v) => self.emit_const(local, v),
            Loc::Temp => {
                let retarget = match self.last_result {
                    Some((at, slot)) if !pending && slot == value.slot => {
                        set_result_slot(&mut self.ops[at], local)
                    }
                    _ => false,
                };
                if !retarget {
                    self.emit_copy(local, value.slot, value.ty.cells());
                }
            }
        }
        let teed = match (value.loc, self.last_result) {
            (Loc::Temp, Some((at, _))) if tee && at + 1 == self.ops.len() => {
                crate::ir::result_slot(&mut self.ops[at]).map(|slot| *slot) == Some(local)
            }
            _ => false,
        };
        self.last_result = None;
        if tee {
            self.local_get(index);
            if teed {
                self.last_tee = Some((self.ops.len() - 1, local));
            }
        }
    }

    /// Dead code is skipped: only block structure is tracked until the next label.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn skip_dead(&mut self, op: &Operator<'_>) -> bool {
        let Some(depth) = self.dead else {
            return false;
        };
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => {
                self.dead = Some(depth + 1);
                true
            }
            Operator::End | Operator::Delegate { .. } if depth > 0 => {
                self.dead = Some(depth - 1);
                true
            }
            Operator::Else | Operator::Catch { .. } | Operator::CatchAll if depth > 0 => true,
            Operator::End
            | Operator::Else
            | Operator::Delegate { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll => false,
            _ => true,
        }
    }
}

/// Retargets an op's result to `slot`; false when the op has no single result slot.
fn set_result_slot(op: &mut Op, slot: Slot) -> bool {
    if let Some(dst) = op_result_slot(op) {
        *dst = slot;
        true
    } else {
        false
    }
}

fn op_result_slot(op: &mut Op) -> Option<&mut Slot> {
    crate::ir::result_slot(op)
}
