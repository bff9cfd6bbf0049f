//! Exception handling in compiled code: `try_table`, `throw` and `throw_ref`, and the
//! legacy `try`, `catch`, `catch_all`, `delegate` and `rethrow`.
//!
//! Inside a function, exceptions travel as values, not by unwinding native frames.
//! Each handler (a `try_table`, or a legacy `try` while in its body) has a dispatch
//! block, made when something in its body may first throw, whose param is the
//! exception's `exnref`. A `throw` makes the exception (runtime function `exn_new`)
//! and jumps to the innermost handler's dispatch; outside every handler it raises the
//! exception as a trap's error (`exn_throw`), which ends the compiled frames up to the
//! innermost entry into compiled code. A call inside a handler goes through the
//! runtime's `call_catching`, which enters the callee under an entry of its own and
//! reports an exception as a status, so that it reaches the dispatch as a local
//! `throw` does. The dispatch tries the clauses in order (`exn_catch` compares tags and
//! copies the values out) and branches to the first that matches with its values, or
//! throws the exception on to the next handler out.
//!
//! A call inside a handler pays for a runtime call and an entry; code outside
//! handlers, and handlers whose body throws nothing, pay nothing.
//!
//! A legacy `try`'s `catch` blocks chain off its dispatch as they come: each tests its
//! tag and leaves a block for the exceptions it does not catch to the next one, or at
//! the `try`'s end to the handlers outside. The exception is kept in a variable for a
//! `rethrow`; whether any `rethrow` names the `try` is known only at its end, which then
//! patches its clauses from catching by value (which frees the exception) to catching
//! by reference.

use crate::prelude::*;
use cranelift_codegen::ir::{
    self, condcodes::IntCC, types, BlockArg, InstBuilder, StackSlotData, StackSlotKind, Value,
};
use cranelift_frontend::Variable;
use wasmparser::{BlockType, Catch};

use super::func::{traps, trusted, BuiltinField, ControlKind, FuncState};
use super::trampoline::{load_values, store_values};
use crate::index::{TagIndex, TypeIndex};
use crate::types::ValType;

/// The state of an open legacy `try`.
#[derive(Debug)]
pub(super) struct LegacyTry {
    /// The dispatch of its body's exceptions, once something there may throw.
    dispatch: Option<ir::Block>,
    /// Whether its `catch` blocks have begun (its body's handler is then closed).
    in_catch: bool,
    /// The exceptions no `catch` so far caught, with the `exnref` as param.
    chain: Option<ir::Block>,
    /// The exception a `catch` block caught, for `rethrow`.
    exn: Variable,
    /// Whether a `rethrow` names the `try`, and the `with_ref` constants of its clauses.
    rethrown: bool,
    with_ref: Vec<ir::Inst>,
    /// For a `try` that ends in `delegate`: how many handlers (of the innermost ones
    /// when it began) its exceptions are thrown on to.
    delegate: Option<usize>,
}

impl FuncState<'_, '_> {
    /// Whether code here lies inside a handler, so that a call needs to catch.
    pub(super) fn in_handler(&self) -> bool {
        !self.catch_frames.is_empty()
    }

    /// The address of the buffer that values cross runtime calls in: room for the
    /// params and results of every function and tag type of the module.
    fn exn_cells(&mut self) -> Value {
        let slot = match self.exn_slot {
            Some(slot) => slot,
            None => {
                let cells = self
                    .env
                    .info
                    .types()
                    .iter()
                    .map(|t| t.param_cells().max(t.result_cells()))
                    .max()
                    .unwrap_or(0)
                    .max(1);
                let data = StackSlotData::new(StackSlotKind::ExplicitSlot, cells * 8, 4);
                let slot = self.b.create_sized_stack_slot(data);
                self.exn_slot = Some(slot);
                slot
            }
        };
        let ptr = self.env.isa.pointer_type();
        self.b.ins().stack_addr(ptr, slot, 0)
    }

    /// The params of tag `tag`.
    fn tag_params(&self, tag: u32) -> Vec<ValType> {
        let ty = self.env.info.tags()[TagIndex::from_u32(tag)];
        self.env.info.types()[ty].params().to_vec()
    }

    /// The dispatch block of the handler at `catch_frames[at]`, made on first use.
    fn dispatch(&mut self, at: usize) -> ir::Block {
        let index = self.catch_frames[at];
        if let Some(block) = *self.dispatch_of(index) {
            return block;
        }
        let block = self.b.create_block();
        self.b.append_block_param(block, types::I64);
        *self.dispatch_of(index) = Some(block);
        block
    }

    /// Where the handler frame `control[index]` keeps its dispatch block.
    fn dispatch_of(&mut self, index: usize) -> &mut Option<ir::Block> {
        match &mut self.control[index].kind {
            ControlKind::TryTable { dispatch, .. } => dispatch,
            ControlKind::Try(legacy) => &mut legacy.dispatch,
            _ => unreachable!("a handler is a try_table or a try"),
        }
    }

    /// Throws `exn` from here, to the innermost handler.
    pub(super) fn throw_exn(&mut self, exn: Value) {
        self.throw_to(exn, self.catch_frames.len());
    }

    /// Throws `exn` to the innermost of the `n` outermost handlers, or out of the
    /// function when `n` is zero.
    fn throw_to(&mut self, exn: Value, n: usize) {
        match n.checked_sub(1) {
            Some(at) => {
                let dispatch = self.dispatch(at);
                self.b.ins().jump(dispatch, &[BlockArg::Value(exn)]);
            }
            None => {
                let field = Self::builtin_field(BuiltinField::ExnThrow);
                self.builtin(field, &[types::I64], &[exn]);
                self.raise();
            }
        }
        self.reachable = false;
    }

    /// `throw` of tag `tag`, with its values on the stack.
    pub(super) fn throw(&mut self, tag: u32) {
        let params = self.tag_params(tag);
        let values = self.peek(params.len()).to_vec();
        self.stack.truncate(self.stack.len() - params.len());
        let cells = self.exn_cells();
        store_values(&mut self.b, &params, &values, cells);
        let tag = self.b.ins().iconst(types::I32, i64::from(tag));
        let ptr = self.env.isa.pointer_type();
        let field = Self::builtin_field(BuiltinField::ExnNew);
        let exn = self.builtin_returning(field, &[types::I32, ptr], types::I64, &[tag, cells]);
        self.throw_exn(exn);
    }

    /// `throw_ref`: a null reference traps.
    pub(super) fn throw_ref(&mut self) {
        let exn = self.pop();
        self.b.ins().trapz(exn, traps::NULL_REFERENCE);
        self.throw_exn(exn);
    }

    /// A call inside a handler of the function whose reference is `funcref`, of type
    /// `ty`, with `args`: through the runtime, so that an exception it throws reaches
    /// the handler. Pushes its results.
    pub(super) fn catching_call(&mut self, funcref: Value, ty: TypeIndex, args: &[Value]) {
        let ty = &self.env.info.types()[ty];
        let (params, results) = (ty.params().to_vec(), ty.results().to_vec());
        let cells = self.exn_cells();
        store_values(&mut self.b, &params, args, cells);
        let ptr = self.env.isa.pointer_type();
        let field = Self::builtin_field(BuiltinField::CallCatching);
        let status = self.builtin(field, &[ptr, ptr], &[funcref, cells]);
        let (ok, threw) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(status, threw, &[], ok, &[]);
        self.b.switch_to_block(threw);
        self.b.seal_block(threw);
        // Status 2 is an exception; any other failure is raised as it is.
        let other = self.b.ins().icmp_imm_u(IntCC::NotEqual, status, 2);
        self.raise_if(other);
        let exn = self.b.ins().load(types::I64, trusted(), cells, 0);
        self.throw_exn(exn);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
        self.reachable = true;
        let values = load_values(&mut self.b, &results, cells);
        self.stack.extend(values);
    }

    /// Asks the runtime whether a clause catching `tag` (`None`: any) catches `exn`,
    /// by reference when `with_ref` is 1; its values are then in `cells`. Returns the
    /// answer, and the `with_ref` constant's instruction.
    fn exn_catch(
        &mut self,
        exn: Value,
        tag: Option<u32>,
        cells: Value,
        with_ref: bool,
    ) -> (Value, ir::Inst) {
        let tag = self
            .b
            .ins()
            .iconst(types::I32, i64::from(tag.unwrap_or(u32::MAX)));
        let flag = self.b.ins().iconst(types::I32, i64::from(with_ref));
        let inst = self
            .b
            .func
            .dfg
            .value_def(flag)
            .inst()
            .expect("an iconst is an instruction");
        let ptr = self.env.isa.pointer_type();
        let field = Self::builtin_field(BuiltinField::ExnCatch);
        let params = [types::I64, types::I32, ptr, types::I32];
        (self.builtin(field, &params, &[exn, tag, cells, flag]), inst)
    }

    /// Loads the values of tag `tag` from `cells`.
    fn tag_values(&mut self, tag: u32, cells: Value) -> Vec<Value> {
        let params = self.tag_params(tag);
        load_values(&mut self.b, &params, cells)
    }

    // ---- try_table ------------------------------------------------------------------

    pub(super) fn try_table(&mut self, table: &wasmparser::TryTable) {
        self.block(table.ty);
        let last = self.control.len() - 1;
        self.control[last].kind = ControlKind::TryTable {
            catches: table.catches.clone(),
            dispatch: None,
        };
        self.catch_frames.push(last);
    }

    /// The end of a handler frame (already popped from the control stack): closes its
    /// handler, and emits what its dispatch does with the exceptions that reach it.
    pub(super) fn end_handler(&mut self, kind: ControlKind) {
        match kind {
            ControlKind::TryTable { catches, dispatch } => {
                self.catch_frames.pop();
                if let Some(dispatch) = dispatch {
                    self.emit_try_table_dispatch(&catches, dispatch);
                }
            }
            ControlKind::Try(legacy) => {
                let chain = if legacy.in_catch {
                    legacy.chain
                } else {
                    self.catch_frames.pop();
                    legacy.dispatch
                };
                if let Some(chain) = chain {
                    self.b.switch_to_block(chain);
                    self.b.seal_block(chain);
                    let exn = self.b.block_params(chain)[0];
                    match legacy.delegate {
                        Some(n) => self.throw_to(exn, n),
                        None => self.throw_exn(exn),
                    }
                }
                if legacy.rethrown {
                    for inst in legacy.with_ref {
                        self.b.func.replace(inst).iconst(types::I32, 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// A `try_table`'s dispatch: its clauses in order, then on to the handlers outside.
    fn emit_try_table_dispatch(&mut self, catches: &[Catch], dispatch: ir::Block) {
        self.b.switch_to_block(dispatch);
        self.b.seal_block(dispatch);
        let exn = self.b.block_params(dispatch)[0];
        for catch in catches {
            let (tag, label, with_ref) = match *catch {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            let cells = self.exn_cells();
            let (caught, _) = self.exn_catch(exn, tag, cells, with_ref);
            if let Some(tag) = tag {
                let (take, miss) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(caught, take, &[], miss, &[]);
                self.b.switch_to_block(take);
                self.b.seal_block(take);
                let values = self.tag_values(tag, cells);
                let args = clause_args(values, with_ref, exn);
                let (target, _) = self.branch_target(label);
                self.b.ins().jump(target, &args);
                self.b.switch_to_block(miss);
                self.b.seal_block(miss);
                continue;
            }
            // A catch-all clause takes every exception: no clause after it is reached.
            let args = clause_args(Vec::new(), with_ref, exn);
            let (target, _) = self.branch_target(label);
            self.b.ins().jump(target, &args);
            self.reachable = false;
            return;
        }
        self.throw_exn(exn);
    }

    // ---- the legacy instructions ----------------------------------------------------

    pub(super) fn try_(&mut self, ty: BlockType) {
        self.block(ty);
        let last = self.control.len() - 1;
        let exn = self.b.declare_var(types::I64);
        self.control[last].kind = ControlKind::Try(Box::new(LegacyTry {
            dispatch: None,
            in_catch: false,
            chain: None,
            exn,
            rethrown: false,
            with_ref: Vec::new(),
            delegate: None,
        }));
        self.catch_frames.push(last);
    }

    /// `catch` of tag `tag`, or `catch_all` for `None`: ends the `try`'s body or the
    /// previous `catch` block, and begins this one, reached by the exceptions that no
    /// clause before caught (when there are any).
    pub(super) fn catch(&mut self, tag: Option<u32>) {
        let last = self.end_arm();
        let height = self.control[last].height;
        self.stack.truncate(height);
        let ControlKind::Try(legacy) = &mut self.control[last].kind else {
            unreachable!("validated: catch without try");
        };
        let in_catch = core::mem::replace(&mut legacy.in_catch, true);
        let chain = if in_catch {
            legacy.chain.take()
        } else {
            legacy.dispatch.take()
        };
        let var = legacy.exn;
        if !in_catch {
            // The body's handler closes: exceptions of the catch blocks go outward.
            self.catch_frames.pop();
        }
        self.dead_depth = 0;
        let Some(chain) = chain else {
            // Nothing in the body throws: no exception reaches this block.
            self.reachable = false;
            return;
        };
        self.b.switch_to_block(chain);
        self.b.seal_block(chain);
        let exn = self.b.block_params(chain)[0];
        let cells = self.exn_cells();
        let (caught, inst) = self.exn_catch(exn, tag, cells, false);
        let body = self.b.create_block();
        let miss = match tag {
            Some(_) => {
                let miss = self.b.create_block();
                self.b.append_block_param(miss, types::I64);
                self.b
                    .ins()
                    .brif(caught, body, &[], miss, &[BlockArg::Value(exn)]);
                Some(miss)
            }
            None => {
                self.b.ins().jump(body, &[]);
                None
            }
        };
        let ControlKind::Try(legacy) = &mut self.control[last].kind else {
            unreachable!("checked above");
        };
        legacy.chain = miss;
        legacy.with_ref.push(inst);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        self.b.def_var(var, exn);
        if let Some(tag) = tag {
            let values = self.tag_values(tag, cells);
            self.stack.extend(values);
        }
        self.reachable = true;
        self.start_region(false);
    }

    /// `delegate` of the `try` on top to the block `depth` levels out of it: its body's
    /// exceptions go to the handlers at or outside that block. Ends the `try`.
    pub(super) fn delegate(&mut self, depth: u32) {
        let last = self.control.len() - 1;
        let target = last - 1 - depth as usize;
        // The handlers (innermost last) that began at or outside the target block.
        let n = self.catch_frames.partition_point(|&i| i <= target);
        let ControlKind::Try(legacy) = &mut self.control[last].kind else {
            unreachable!("validated: delegate without try");
        };
        legacy.delegate = Some(n);
        self.end();
    }

    /// `rethrow` of the exception caught by the `catch` block `depth` levels out.
    pub(super) fn rethrow(&mut self, depth: u32) {
        let target = self.control.len() - 1 - depth as usize;
        let ControlKind::Try(legacy) = &mut self.control[target].kind else {
            unreachable!("validated: rethrow names a catch block");
        };
        legacy.rethrown = true;
        let var = legacy.exn;
        let exn = self.b.use_var(var);
        self.throw_exn(exn);
    }
}

/// The branch arguments of a clause: the tag's values, then the reference.
fn clause_args(values: Vec<Value>, with_ref: bool, exn: Value) -> Vec<BlockArg> {
    let mut args: Vec<BlockArg> = values.into_iter().map(BlockArg::Value).collect();
    if with_ref {
        args.push(BlockArg::Value(exn));
    }
    args
}
