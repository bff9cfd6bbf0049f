//! Translation of one wasm function into a Cranelift function: the simulated operand
//! stack, control flow, locals, metering, and what code reads of its instance.
//!
//! Nothing here recurses on the input: control frames and the operand stack are vectors.

use crate::prelude::*;
use core::mem::offset_of;
use std::collections::HashMap;

use cranelift_codegen::ir::{
    self, condcodes::IntCC, types, AbiParam, BlockArg, ExtFuncData, ExternalName, Function,
    GlobalValueData, InstBuilder, JumpTableData, MemFlagsData, SigRef, Signature, SourceLoc,
    TrapCode, UserExternalName, UserFuncName, Value,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_frontend::{FunctionBuilder, Variable};
use wasmparser::{BlockType, FunctionBody, OperatorsReader};

use super::exception::LegacyTry;
use super::{clif_type, compile_error, wasm_signature};
use crate::error::Result;
use crate::index::{DefinedFuncIndex, FuncIndex, TypeIndex};
use crate::module::ModuleInfo;
use crate::native_stack::NativeBounds;
use crate::types::ValType;
use crate::vm::vmctx::VMContextHeader;
use crate::vm::{MemoryStyle, VMBuiltins, VMOffsets, VMStoreContext};

/// The trap codes of compiled code, beyond Cranelift's own (division, conversion,
/// memory bounds and stack overflow keep theirs).
pub(super) mod traps {
    use cranelift_codegen::ir::TrapCode;

    pub(crate) const UNREACHABLE: TrapCode = TrapCode::unwrap_user(1);
    pub(crate) const TABLE_OUT_OF_BOUNDS: TrapCode = TrapCode::unwrap_user(2);
    pub(crate) const UNDEFINED_ELEMENT: TrapCode = TrapCode::unwrap_user(3);
    pub(crate) const UNINITIALIZED_ELEMENT: TrapCode = TrapCode::unwrap_user(4);
    pub(crate) const INDIRECT_CALL_TYPE_MISMATCH: TrapCode = TrapCode::unwrap_user(5);
    pub(crate) const OUT_OF_FUEL: TrapCode = TrapCode::unwrap_user(6);
    pub(crate) const INTERRUPTED: TrapCode = TrapCode::unwrap_user(7);
    /// A runtime function failed and left its error with the runtime.
    pub(crate) const RAISED: TrapCode = TrapCode::unwrap_user(8);
    pub(crate) const NULL_REFERENCE: TrapCode = TrapCode::unwrap_user(9);
    pub(crate) const NULL_FUNCTION_REFERENCE: TrapCode = TrapCode::unwrap_user(10);
}

/// What translation needs beyond the function: the module, the layout of its vmctx,
/// and the engine's settings.
pub(super) struct Env<'m> {
    pub isa: &'static OwnedTargetIsa,
    pub info: &'m ModuleInfo,
    pub offsets: &'m VMOffsets,
    pub memory: MemoryStyle,
    pub fuel: bool,
    pub interrupt: bool,
}

/// A control frame.
#[derive(Debug)]
pub(super) struct Control {
    pub kind: ControlKind,
    /// Where execution continues after the frame's `end`; its params are the results.
    pub next: ir::Block,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// The operand stack's height below the frame's params.
    pub height: usize,
    /// Whether anything reaches `next` (a branch to the label, or the fall-through).
    pub next_reachable: bool,
}

#[derive(Debug)]
pub(super) enum ControlKind {
    Block,
    Loop {
        header: ir::Block,
    },
    /// `else_block` runs when the condition is zero; `params` are the values the `if`
    /// took, which the else branch starts with again; `reachable` says whether the `if`
    /// itself was.
    If {
        else_block: ir::Block,
        params: Vec<Value>,
        reachable: bool,
    },
    Else,
    /// A `try_table`: its clauses, and the block its body's exceptions go to, made on
    /// first use (see `compile::exception`).
    TryTable {
        catches: Vec<wasmparser::Catch>,
        dispatch: Option<ir::Block>,
    },
    /// A legacy `try`.
    Try(Box<LegacyTry>),
}

/// The state of one function's translation.
pub(super) struct FuncState<'b, 'm> {
    pub b: FunctionBuilder<'b>,
    pub env: &'b Env<'m>,
    pub vmctx: Value,
    pub stack: Vec<Value>,
    pub control: Vec<Control>,
    pub locals: Vec<Variable>,
    pub local_types: Vec<ValType>,
    /// False after an unconditional branch, until the next reachable label.
    pub reachable: bool,
    /// In unreachable code: the depth of blocks opened there.
    pub dead_depth: u32,
    /// The store context, loaded once.
    pub store: Value,
    /// Memory 0's base, for a static memory.
    pub memory_base: Option<Value>,
    sigs: HashMap<TypeIndex, SigRef>,
    funcs: HashMap<DefinedFuncIndex, ir::FuncRef>,
    /// The fuel charge of the current region: its `iconst` and its count so far.
    fuel_region: Option<(ir::Inst, i64)>,
    /// The control frames that catch exceptions thrown here, innermost last.
    pub catch_frames: Vec<usize>,
    /// The buffer that values cross runtime calls of exception handling in.
    pub exn_slot: Option<ir::StackSlot>,
}

/// The flags of loads from the vmctx and other runtime structures that never trap.
pub(super) fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// As [`trusted`], for fields that never change while code runs.
pub(super) fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly()
}

/// Translates defined function `index` into `func`.
pub(super) fn translate(
    env: &Env<'_>,
    fctx: &mut cranelift_frontend::FunctionBuilderContext,
    index: DefinedFuncIndex,
    body: &FunctionBody<'_>,
) -> Result<Function> {
    let info = env.info;
    let func_index = info.func_index(index);
    let ty = info.func_type(func_index);
    let mut func = Function::with_name_signature(
        UserFuncName::user(0, index.as_u32()),
        wasm_signature(env.isa, ty),
    );
    // Every function checks the native stack in its prologue: its frame must stay above
    // the store's wasm limit, which leaves the guard free for host calls below it and
    // bounds wasm's frames by the wasm stack size (see `NativeBounds::wasm_limit`).
    let ptr = env.isa.pointer_type();
    let vmctx_gv = func.create_global_value(GlobalValueData::VMContext);
    let flags = func
        .dfg
        .mem_flags
        .insert(readonly())
        .expect("few distinct flags");
    let store_gv = func.create_global_value(GlobalValueData::Load {
        base: vmctx_gv,
        offset: (VMContextHeader::STORE as i32).into(),
        global_type: ptr,
        flags,
    });
    let limit_offset = offset_of!(VMStoreContext, native) + offset_of!(NativeBounds, wasm_limit);
    let limit_flags = func
        .dfg
        .mem_flags
        .insert(trusted())
        .expect("few distinct flags");
    let limit_gv = func.create_global_value(GlobalValueData::Load {
        base: store_gv,
        offset: (limit_offset as i32).into(),
        global_type: ptr,
        flags: limit_flags,
    });
    func.stack_limit = Some(limit_gv);

    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let vmctx = b.block_params(entry)[0];
    let store = b
        .ins()
        .load(ptr, readonly(), vmctx, VMContextHeader::STORE as i32);
    let mut state = FuncState {
        b,
        env,
        vmctx,
        stack: Vec::new(),
        control: Vec::new(),
        locals: Vec::new(),
        local_types: Vec::new(),
        reachable: true,
        dead_depth: 0,
        store,
        memory_base: None,
        sigs: HashMap::new(),
        funcs: HashMap::new(),
        fuel_region: None,
        catch_frames: Vec::new(),
        exn_slot: None,
    };
    state.declare_locals(entry, ty.params(), body)?;
    if let (MemoryStyle::Static { .. }, true) = (env.memory, env.offsets.num_memories() > 0) {
        let def = state.memory_definition(0);
        state.memory_base = Some(state.b.ins().load(ptr, readonly(), def, 0));
    }
    let next = state.b.create_block();
    for &r in ty.results() {
        state.b.append_block_param(next, clif_type(r));
    }
    state.control.push(Control {
        kind: ControlKind::Block,
        next,
        params: Vec::new(),
        results: ty.results().to_vec(),
        height: 0,
        next_reachable: false,
    });
    state.start_region(true);

    let mut reader = body.get_operators_reader().map_err(crate::Error::compile)?;
    state.translate_body(&mut reader)?;
    reader.finish().map_err(crate::Error::compile)?;
    state.b.seal_all_blocks();
    state.b.finalize(env.isa.frontend_config());
    Ok(func)
}

impl<'b, 'm> FuncState<'b, 'm> {
    /// Declares the params and locals as variables: params from the entry block, the
    /// others zero.
    fn declare_locals(
        &mut self,
        entry: ir::Block,
        params: &[ValType],
        body: &FunctionBody<'_>,
    ) -> Result<()> {
        for (i, &ty) in params.iter().enumerate() {
            let var = self.b.declare_var(clif_type(ty));
            let value = self.b.block_params(entry)[2 + i];
            self.b.def_var(var, value);
            self.locals.push(var);
            self.local_types.push(ty);
        }
        let mut reader = body.get_locals_reader().map_err(crate::Error::compile)?;
        for _ in 0..reader.get_count() {
            let (count, ty) = reader.read().map_err(crate::Error::compile)?;
            let ty = ValType::from_wasmparser(ty, self.env.info.type_ids().as_slice());
            for _ in 0..count {
                let var = self.b.declare_var(clif_type(ty));
                let zero = self.zero(ty);
                self.b.def_var(var, zero);
                self.locals.push(var);
                self.local_types.push(ty);
            }
        }
        Ok(())
    }

    /// The zero value of `ty`.
    pub fn zero(&mut self, ty: ValType) -> Value {
        match ty {
            ValType::I32 => self.b.ins().iconst(types::I32, 0),
            ValType::F32 => self.b.ins().f32const(0.0),
            ValType::F64 => self.b.ins().f64const(0.0),
            ValType::V128 => {
                let zero = self.b.func.dfg.constants.insert(vec![0u8; 16].into());
                self.b.ins().vconst(types::I8X16, zero)
            }
            ValType::I64 | ValType::Ref(_) => self.b.ins().iconst(types::I64, 0),
        }
    }

    fn translate_body(&mut self, reader: &mut OperatorsReader<'_>) -> Result<()> {
        while !reader.eof() {
            let offset = reader.original_position() as usize;
            let op = reader.read().map_err(crate::Error::compile)?;
            if self.control.is_empty() {
                return Err(compile_error(
                    "operators remaining after end of function",
                    offset,
                ));
            }
            if self.skip_dead(&op) {
                continue;
            }
            self.b.set_srcloc(SourceLoc::new(offset as u32));
            self.charge();
            self.translate_op(&op, offset)?;
        }
        Ok(())
    }

    /// In unreachable code only the block structure is followed, until the label that
    /// makes code reachable again.
    fn skip_dead(&mut self, op: &wasmparser::Operator<'_>) -> bool {
        use wasmparser::Operator;
        if self.reachable {
            return false;
        }
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => {
                self.dead_depth += 1;
                true
            }
            Operator::End | Operator::Delegate { .. } if self.dead_depth > 0 => {
                self.dead_depth -= 1;
                true
            }
            Operator::Else | Operator::Catch { .. } | Operator::CatchAll if self.dead_depth > 0 => {
                true
            }
            Operator::End
            | Operator::Else
            | Operator::Delegate { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll => false,
            _ => true,
        }
    }

    // ---- the operand stack ----------------------------------------------------------

    pub fn push(&mut self, value: Value) {
        self.stack.push(value);
    }

    pub fn pop(&mut self) -> Value {
        self.stack
            .pop()
            .expect("validated: operand stack underflow")
    }

    pub fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    pub fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    /// The top `n` values, left on the stack.
    pub fn peek(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    // ---- metering -------------------------------------------------------------------

    /// Starts a region of straight-line code after a label: its fuel charge, and at a
    /// loop head or the function's entry, the interrupt check (as the interpreter).
    pub fn start_region(&mut self, loop_head: bool) {
        if self.env.fuel {
            self.fuel_region = Some(self.charge_fuel());
        }
        if self.env.interrupt && loop_head {
            self.check_interrupt();
        }
    }

    /// Adds one wasm instruction to the current region's fuel charge.
    fn charge(&mut self) {
        if let Some((inst, count)) = &mut self.fuel_region {
            *count += 1;
            let (inst, count) = (*inst, *count);
            self.b.func.replace(inst).iconst(types::I64, count);
        }
    }

    /// Takes the region's fuel (patched as the region grows) from the store, or traps
    /// with nothing left, as the interpreter's `ConsumeFuel`.
    fn charge_fuel(&mut self) -> (ir::Inst, i64) {
        let offset = offset_of!(VMStoreContext, fuel) as i32;
        let fuel = self.b.ins().load(types::I64, trusted(), self.store, offset);
        let amount = self.b.ins().iconst(types::I64, 0);
        let inst = self
            .b
            .func
            .dfg
            .value_def(amount)
            .inst()
            .expect("an iconst is an instruction");
        let short = self.b.ins().icmp(IntCC::UnsignedLessThan, fuel, amount);
        let out = self.b.create_block();
        let go = self.b.create_block();
        self.b.ins().brif(short, out, &[], go, &[]);
        self.b.switch_to_block(out);
        self.b.seal_block(out);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().store(trusted(), zero, self.store, offset);
        self.b.ins().trap(traps::OUT_OF_FUEL);
        self.b.switch_to_block(go);
        self.b.seal_block(go);
        let left = self.b.ins().isub(fuel, amount);
        self.b.ins().store(trusted(), left, self.store, offset);
        (inst, 0)
    }

    /// Traps when the store's interrupt flag is set, clearing it, as the interpreter's
    /// `CheckInterrupt`.
    ///
    /// The flag is read with an atomic load: another thread sets it, and a plain load
    /// that nothing stores to in between (a loop without fuel) may be merged with the
    /// one at the function's entry, so the loop would never see the interrupt.
    fn check_interrupt(&mut self) {
        let offset = offset_of!(VMStoreContext, interrupt) as i64;
        let at = self.b.ins().iadd_imm_u(self.store, offset);
        let flag = self.b.ins().atomic_load(types::I8, trusted(), at);
        let stop = self.b.create_block();
        let go = self.b.create_block();
        self.b.ins().brif(flag, stop, &[], go, &[]);
        self.b.switch_to_block(stop);
        self.b.seal_block(stop);
        let zero = self.b.ins().iconst(types::I8, 0);
        self.b.ins().atomic_store(trusted(), zero, at);
        self.b.ins().trap(traps::INTERRUPTED);
        self.b.switch_to_block(go);
        self.b.seal_block(go);
    }

    // ---- control ----------------------------------------------------------------------

    /// The param and result types of a block type.
    fn block_types(&self, ty: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match ty {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (
                Vec::new(),
                vec![ValType::from_wasmparser(
                    t,
                    self.env.info.type_ids().as_slice(),
                )],
            ),
            BlockType::FuncType(i) => {
                let ty = &self.env.info.types()[TypeIndex::from_u32(i)];
                (ty.params().to_vec(), ty.results().to_vec())
            }
        }
    }

    /// A new block with params of `types`.
    fn block_with_params(&mut self, types: &[ValType]) -> ir::Block {
        let block = self.b.create_block();
        for &t in types {
            self.b.append_block_param(block, clif_type(t));
        }
        block
    }

    pub fn block(&mut self, ty: BlockType) {
        let (params, results) = self.block_types(ty);
        let next = self.block_with_params(&results);
        let height = self.stack.len() - params.len();
        self.control.push(Control {
            kind: ControlKind::Block,
            next,
            params,
            results,
            height,
            next_reachable: false,
        });
    }

    pub fn loop_(&mut self, ty: BlockType) {
        let (params, results) = self.block_types(ty);
        let header = self.block_with_params(&params);
        let next = self.block_with_params(&results);
        let args = self.block_args(params.len());
        self.b.ins().jump(header, &args);
        let height = self.stack.len() - params.len();
        self.stack.truncate(height);
        self.b.switch_to_block(header);
        self.stack.extend_from_slice(self.b.block_params(header));
        self.control.push(Control {
            kind: ControlKind::Loop { header },
            next,
            params,
            results,
            height,
            next_reachable: false,
        });
        self.start_region(true);
    }

    /// An `if`; `hint` is its branch hint: whether the `then` arm is the likely one.
    pub fn if_(&mut self, ty: BlockType, hint: Option<bool>) {
        let cond = self.pop();
        let (params, results) = self.block_types(ty);
        let then_block = self.b.create_block();
        let else_block = self.b.create_block();
        match hint {
            Some(true) => self.b.set_cold_block(else_block),
            Some(false) => self.b.set_cold_block(then_block),
            None => {}
        }
        let next = self.block_with_params(&results);
        self.b.ins().brif(cond, then_block, &[], else_block, &[]);
        self.b.switch_to_block(then_block);
        self.b.seal_block(then_block);
        let height = self.stack.len() - params.len();
        let values = self.peek(params.len()).to_vec();
        self.control.push(Control {
            kind: ControlKind::If {
                else_block,
                params: values,
                reachable: true,
            },
            next,
            params,
            results,
            height,
            next_reachable: false,
        });
    }

    /// Ends an arm of the frame on top (an `if`'s `then`, a `try`'s body or `catch`):
    /// when reachable, it goes on after the frame with its results.
    pub(super) fn end_arm(&mut self) -> usize {
        let last = self.control.len() - 1;
        if self.reachable {
            let n = self.control[last].results.len();
            let args = self.block_args(n);
            let next = self.control[last].next;
            self.b.ins().jump(next, &args);
            self.control[last].next_reachable = true;
        }
        last
    }

    pub fn else_(&mut self) {
        let last = self.end_arm();
        let frame = &mut self.control[last];
        let ControlKind::If {
            else_block,
            params,
            reachable,
        } = core::mem::replace(&mut frame.kind, ControlKind::Else)
        else {
            unreachable!("validated: else without if");
        };
        let height = frame.height;
        self.stack.truncate(height);
        self.stack.extend_from_slice(&params);
        self.b.switch_to_block(else_block);
        self.b.seal_block(else_block);
        self.reachable = reachable;
        self.dead_depth = 0;
        self.start_region(false);
    }

    pub fn end(&mut self) {
        let mut frame = self
            .control
            .pop()
            .expect("validated: control stack underflow");
        if self.reachable {
            let args = self.block_args(frame.results.len());
            self.b.ins().jump(frame.next, &args);
        }
        let mut next_reachable = self.reachable || frame.next_reachable;
        if let ControlKind::If {
            else_block,
            params,
            reachable,
        } = &frame.kind
        {
            // No else: the false branch goes straight on, with the params as results.
            self.b.switch_to_block(*else_block);
            self.b.seal_block(*else_block);
            let args: Vec<BlockArg> = params.iter().map(|&v| BlockArg::Value(v)).collect();
            self.b.ins().jump(frame.next, &args);
            next_reachable |= *reachable;
        }
        if let ControlKind::Loop { header } = frame.kind {
            self.b.seal_block(header);
        }
        self.end_handler(core::mem::replace(&mut frame.kind, ControlKind::Block));
        self.stack.truncate(frame.height);
        self.b.switch_to_block(frame.next);
        self.b.seal_block(frame.next);
        if self.control.is_empty() {
            // The function's end: return its results.
            let results = self.b.block_params(frame.next).to_vec();
            if next_reachable {
                self.b.ins().return_(&results);
            } else {
                self.b.ins().trap(traps::UNREACHABLE);
            }
            self.reachable = false;
            return;
        }
        self.stack
            .extend_from_slice(self.b.block_params(frame.next));
        self.reachable = next_reachable;
        self.dead_depth = 0;
        if next_reachable {
            self.start_region(false);
        } else {
            // Nothing reaches here: the block needs a terminator all the same.
            self.b.ins().trap(traps::UNREACHABLE);
        }
    }

    /// The top `n` values as block arguments.
    fn block_args(&self, n: usize) -> Vec<BlockArg> {
        self.peek(n).iter().map(|&v| BlockArg::Value(v)).collect()
    }

    /// The block a branch to the label `depth` levels out goes to, and the number of
    /// values it carries; marks the label reached.
    pub(super) fn branch_target(&mut self, depth: u32) -> (ir::Block, usize) {
        let at = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[at];
        match frame.kind {
            ControlKind::Loop { header } => (header, frame.params.len()),
            _ => {
                frame.next_reachable = true;
                (frame.next, frame.results.len())
            }
        }
    }

    pub fn br(&mut self, depth: u32) {
        let (target, n) = self.branch_target(depth);
        let args = self.block_args(n);
        self.b.ins().jump(target, &args);
        self.reachable = false;
    }

    /// A `br_if`; `hint` is its branch hint. A likely branch leaves the code after it
    /// cold; the target of an unlikely one may have other, likely, branches to it.
    pub fn br_if(&mut self, depth: u32, hint: Option<bool>) {
        let cond = self.pop();
        let (target, n) = self.branch_target(depth);
        let args = self.block_args(n);
        let fallthrough = self.b.create_block();
        if hint == Some(true) {
            self.b.set_cold_block(fallthrough);
        }
        self.b.ins().brif(cond, target, &args, fallthrough, &[]);
        self.b.switch_to_block(fallthrough);
        self.b.seal_block(fallthrough);
    }

    /// `br_on_null` (a null reference is dropped and branches, another stays), or
    /// `br_on_non_null` when `on_non_null` (a reference that is not null branches as the
    /// label's last operand, a null one is dropped).
    pub fn br_on_null(&mut self, depth: u32, on_non_null: bool) {
        let reference = self.pop();
        let fallthrough = self.b.create_block();
        if on_non_null {
            self.push(reference);
            let (target, n) = self.branch_target(depth);
            let args = self.block_args(n);
            self.b
                .ins()
                .brif(reference, target, &args, fallthrough, &[]);
            self.pop();
        } else {
            let (target, n) = self.branch_target(depth);
            let args = self.block_args(n);
            self.b
                .ins()
                .brif(reference, fallthrough, &[], target, &args);
            self.push(reference);
        }
        self.b.switch_to_block(fallthrough);
        self.b.seal_block(fallthrough);
    }

    pub fn br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<()> {
        let index = self.pop();
        let mut depths = Vec::with_capacity(targets.len() as usize);
        for depth in targets.targets() {
            depths.push(depth.map_err(crate::Error::compile)?);
        }
        let default = targets.default();
        let mut calls = Vec::with_capacity(depths.len());
        for depth in depths.iter().chain([&default]) {
            let (block, n) = self.branch_target(*depth);
            let args = self.block_args(n);
            calls.push(self.b.func.dfg.block_call(block, &args));
        }
        let default = calls.pop().expect("a default target");
        let table = self
            .b
            .create_jump_table(JumpTableData::new(default, &calls));
        self.b.ins().br_table(index, table);
        self.reachable = false;
        Ok(())
    }

    pub fn return_(&mut self) {
        let n = self.control[0].results.len();
        let results = self.peek(n).to_vec();
        self.b.ins().return_(&results);
        self.reachable = false;
    }

    pub fn unreachable(&mut self) {
        self.b.ins().trap(traps::UNREACHABLE);
        self.reachable = false;
    }

    // ---- the instance -------------------------------------------------------------------

    /// Loads a pointer-sized field of the vmctx that never changes.
    pub fn vmctx_pointer(&mut self, offset: usize) -> Value {
        let ptr = self.env.isa.pointer_type();
        self.b
            .ins()
            .load(ptr, readonly(), self.vmctx, offset as i32)
    }

    /// The definition of memory `index` (its base and current length).
    pub fn memory_definition(&mut self, index: u32) -> Value {
        let offset = self
            .env
            .offsets
            .memory(crate::index::MemoryIndex::from_u32(index));
        self.vmctx_pointer(offset)
    }

    /// The signature of functions of type `index`, imported into this function once.
    pub fn signature(&mut self, index: TypeIndex) -> SigRef {
        if let Some(&sig) = self.sigs.get(&index) {
            return sig;
        }
        let sig = wasm_signature(self.env.isa, &self.env.info.types()[index]);
        let sig = self.b.import_signature(sig);
        self.sigs.insert(index, sig);
        sig
    }

    /// The direct-call reference of defined function `index`.
    pub fn defined_func(&mut self, index: DefinedFuncIndex) -> ir::FuncRef {
        if let Some(&func) = self.funcs.get(&index) {
            return func;
        }
        let ty = self
            .env
            .info
            .func_type_index(self.env.info.func_index(index));
        let signature = self.signature(ty);
        let name = self
            .b
            .func
            .declare_imported_user_function(UserExternalName::new(0, index.as_u32()));
        let func = self.b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature,
            colocated: true,
            patchable: false,
        });
        self.funcs.insert(index, func);
        func
    }

    /// Calls runtime function `field` (its offset in [`VMBuiltins`]) with `args` after
    /// the vmctx, returning its `u32` result.
    pub fn builtin(&mut self, field: usize, params: &[ir::Type], args: &[Value]) -> Value {
        self.builtin_returning(field, params, types::I32, args)
    }

    /// [`FuncState::builtin`] for a runtime function whose result is a `ret`.
    pub fn builtin_returning(
        &mut self,
        field: usize,
        params: &[ir::Type],
        ret: ir::Type,
        args: &[Value],
    ) -> Value {
        let ptr = self.env.isa.pointer_type();
        let mut sig = Signature::new(CallConv::triple_default(self.env.isa.triple()));
        sig.params.push(AbiParam::new(ptr));
        sig.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        sig.returns.push(AbiParam::new(ret));
        let sig = self.b.import_signature(sig);
        let builtins = self.vmctx_pointer(VMContextHeader::BUILTINS);
        let callee = self.b.ins().load(ptr, readonly(), builtins, field as i32);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let call = self.b.ins().call_indirect(sig, callee, &all);
        self.b.inst_results(call)[0]
    }

    /// Calls a runtime function that reports failure with a non-zero status: raises
    /// its error when it does.
    pub fn fallible_builtin(&mut self, field: usize, params: &[ir::Type], args: &[Value]) {
        let status = self.builtin(field, params, args);
        self.raise_if(status);
    }

    /// Raises the error a runtime function left when `status` is not zero.
    pub fn raise_if(&mut self, status: Value) {
        let builtins = self.vmctx_pointer(VMContextHeader::BUILTINS);
        raise_if(&mut self.b, self.env.isa, builtins, status);
    }

    /// Leaves for the innermost entry's landing, after a runtime function left its
    /// error there: the block ends here.
    pub fn raise(&mut self) {
        let builtins = self.vmctx_pointer(VMContextHeader::BUILTINS);
        raise(&mut self.b, self.env.isa, builtins);
    }

    /// The offset of a field of [`VMBuiltins`], for [`FuncState::builtin`].
    pub fn builtin_field(field: BuiltinField) -> usize {
        match field {
            BuiltinField::MemoryGrow => offset_of!(VMBuiltins, memory_grow),
            BuiltinField::MemoryFill => offset_of!(VMBuiltins, memory_fill),
            BuiltinField::MemoryCopy => offset_of!(VMBuiltins, memory_copy),
            BuiltinField::MemoryInit => offset_of!(VMBuiltins, memory_init),
            BuiltinField::DataDrop => offset_of!(VMBuiltins, data_drop),
            BuiltinField::TableGrow => offset_of!(VMBuiltins, table_grow),
            BuiltinField::TableFill => offset_of!(VMBuiltins, table_fill),
            BuiltinField::TableCopy => offset_of!(VMBuiltins, table_copy),
            BuiltinField::TableInit => offset_of!(VMBuiltins, table_init),
            BuiltinField::ElemDrop => offset_of!(VMBuiltins, elem_drop),
            BuiltinField::CallCatching => offset_of!(VMBuiltins, call_catching),
            BuiltinField::ExnNew => offset_of!(VMBuiltins, exn_new),
            BuiltinField::ExnThrow => offset_of!(VMBuiltins, exn_throw),
            BuiltinField::ExnCatch => offset_of!(VMBuiltins, exn_catch),
        }
    }

    /// `value` as an `i64`: an address, index or length of a 32-bit memory or table
    /// (an `i32`) zero-extended, one of a 64-bit memory or table as it is.
    pub fn widen(&mut self, value: Value) -> Value {
        if self.b.func.dfg.value_type(value) == types::I64 {
            value
        } else {
            self.b.ins().uextend(types::I64, value)
        }
    }

    /// A size or old size (an `i64`; -1 for a failed growth) as the index type of a
    /// memory or table that is 64-bit (`is_64`) or not.
    pub fn as_index_type(&mut self, size: Value, is_64: bool) -> Value {
        if is_64 {
            size
        } else {
            self.b.ins().ireduce(types::I32, size)
        }
    }

    /// Traps with `code` when `cond` is non-zero.
    pub fn trap_if(&mut self, cond: Value, code: TrapCode) {
        self.b.ins().trapnz(cond, code);
    }

    /// The module function index space's view of `index`.
    pub fn func_index(&self, index: u32) -> FuncIndex {
        FuncIndex::from_u32(index)
    }
}

/// Raises the error a runtime function left when `status` is not zero, through the
/// table of runtime functions at `builtins`.
pub(super) fn raise_if(
    b: &mut FunctionBuilder<'_>,
    isa: &OwnedTargetIsa,
    builtins: Value,
    status: Value,
) {
    let (failed, ok) = (b.create_block(), b.create_block());
    b.set_cold_block(failed);
    b.ins().brif(status, failed, &[], ok, &[]);
    b.switch_to_block(failed);
    b.seal_block(failed);
    raise(b, isa, builtins);
    b.switch_to_block(ok);
    b.seal_block(ok);
}

/// Calls the raise routine of the table of runtime functions at `builtins`, which
/// leaves for the innermost entry's landing after a runtime function left its error
/// there (see `sys::entry::RAISE`): the block ends here.
pub(super) fn raise(b: &mut FunctionBuilder<'_>, isa: &OwnedTargetIsa, builtins: Value) {
    let sig = b.import_signature(Signature::new(CallConv::triple_default(isa.triple())));
    let offset = offset_of!(VMBuiltins, raise) as i32;
    let routine = b
        .ins()
        .load(isa.pointer_type(), readonly(), builtins, offset);
    b.ins().call_indirect(sig, routine, &[]);
    // Not reached: the routine does not return.
    b.ins().trap(traps::RAISED);
}

/// The runtime functions code calls through [`FuncState::builtin`].
#[derive(Debug, Clone, Copy)]
pub(super) enum BuiltinField {
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit,
    DataDrop,
    TableGrow,
    TableFill,
    TableCopy,
    TableInit,
    ElemDrop,
    CallCatching,
    ExnNew,
    ExnThrow,
    ExnCatch,
}
