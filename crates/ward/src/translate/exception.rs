//! Exception handling: `try_table`, `throw` and `throw_ref`, and the legacy `try`,
//! `catch`, `catch_all`, `delegate` and `rethrow`.
//!
//! A `try_table` costs nothing on the path that throws nothing but one jump over its
//! landing pads. Each `catch` clause gets a landing pad, emitted before the body: the
//! unwinder (see `exec`) writes the exception's values (and reference) to the canonical
//! slots of the stack height below the `try_table`'s params, and jumps to the pad,
//! which branches to the clause's label as a `br` with those values on the stack
//! would. The clauses go to the function's table of [`CatchHandler`]s when the
//! `try_table` ends, once the range of its body is known: inner `try_table`s end
//! first, so their clauses come first, as the unwinder needs.
//!
//! A legacy `try` needs no pads: its `catch` blocks are its landing pads. Below the
//! values of a `catch` lies one more slot, for the exception's reference, which a
//! `rethrow` of the block throws again (the unwinder fills it only when a `rethrow`
//! names the block, so that an exception caught by value can be freed); the block's
//! results move down over it when it ends. A `delegate` is a clause that catches
//! every exception of the `try`'s body and hands it to the clauses of the block it
//! names: those the table lists from that block's end on.

use crate::prelude::*;
use wasmparser::Catch;

use super::{Control, Kind, Translator};
use crate::error::Result;
use crate::index::{TagIndex, TypeIndex};
use crate::ir::{CatchHandler, CatchKind, Op, Slot};
use crate::module::ModuleInfo;
use crate::ValType;

/// A `catch` clause of an open `try_table` or legacy `try`: what it catches, where
/// the unwinder puts the values, and its landing pad.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingCatch {
    kind: CatchKind,
    slot: Slot,
    landing: u32,
}

/// The state of an open legacy `try`.
#[derive(Debug, Default)]
pub(super) struct LegacyTry {
    /// Where its body ends: at its first `catch`.
    body_end: Option<usize>,
    /// Inside a `catch` block: the stack holds the exception's slot at the `try`'s
    /// height.
    in_catch: bool,
    /// A `rethrow` names one of its `catch` blocks.
    rethrown: bool,
}

impl Translator {
    /// Opens a `try_table` block with its `catch` clauses.
    pub(super) fn try_table(
        &mut self,
        module: &ModuleInfo,
        table: &wasmparser::TryTable,
    ) -> Result<()> {
        let (params, _) = Self::block_type(module, table.ty);
        self.materialize_locals();
        self.materialize_top(params.len());
        let height = self.stack.len() - params.len();
        let mut catches = Vec::with_capacity(table.catches.len());
        if !table.catches.is_empty() {
            let skip = self.emit(Op::Br { offset: 0 });
            // The pads run with the stack cut to the height below the params (which
            // are in their canonical slots, and come back as they were).
            self.reset_stack(height, &[]);
            for catch in &table.catches {
                let (kind, label) = match *catch {
                    Catch::One { tag, label } => (tag_catch(tag, false), label),
                    Catch::OneRef { tag, label } => (tag_catch(tag, true), label),
                    Catch::All { label } => (CatchKind::All { with_ref: false }, label),
                    Catch::AllRef { label } => (CatchKind::All { with_ref: true }, label),
                };
                let slot = self.slot_at(height);
                let landing = self.pc() as u32;
                for ty in payload(module, kind) {
                    self.push_temp(ty);
                }
                // The label is counted from outside the `try_table`, which is not on
                // the control stack yet.
                self.branch(label, None);
                self.reset_stack(height, &[]);
                catches.push(PendingCatch {
                    kind,
                    slot,
                    landing,
                });
            }
            self.reset_stack(height, &params);
            self.bind_label(&[skip]);
        }
        self.push_control(module, Kind::Block, table.ty);
        let last = self.ctrl.len() - 1;
        self.ctrl[last].catches = catches;
        Ok(())
    }

    /// Records, as block `frame` ends, its clauses (a `try_table`'s, a legacy
    /// `try`'s), and points the `delegate`s that name it at them.
    pub(super) fn close_handlers(&mut self, frame: &mut Control) {
        self.resolve_delegates(core::mem::take(&mut frame.delegates));
        let (end, rethrown) = match &frame.legacy {
            Some(legacy) => (legacy.body_end.unwrap_or(self.pc()), legacy.rethrown),
            None => (self.pc(), false),
        };
        for catch in &frame.catches {
            let kind = match catch.kind {
                CatchKind::Legacy { tag, .. } => CatchKind::Legacy { tag, rethrown },
                kind => kind,
            };
            self.catch_handlers.push(CatchHandler {
                start: frame.start as u32,
                end: end as u32,
                kind,
                slot: catch.slot,
                landing: catch.landing,
            });
        }
    }

    /// Points the `delegate`s that name a block ending here (their clauses
    /// `delegates`) at the clauses the table lists from here on: the block's own, then
    /// those of the blocks around it.
    fn resolve_delegates(&mut self, delegates: Vec<usize>) {
        let resume = self.catch_handlers.len() as u32;
        for at in delegates {
            self.catch_handlers[at].kind = CatchKind::Delegate { resume };
        }
    }

    /// Opens a legacy `try` block.
    pub(super) fn legacy_try(&mut self, module: &ModuleInfo, ty: wasmparser::BlockType) {
        self.push_control(module, Kind::Block, ty);
        let last = self.ctrl.len() - 1;
        self.ctrl[last].legacy = Some(LegacyTry::default());
    }

    /// A legacy `catch` of tag `tag`, or `catch_all` when `None`: ends the body or the
    /// `catch` block before it, and begins a `catch` block.
    pub(super) fn legacy_catch(&mut self, module: &ModuleInfo, tag: Option<u32>) {
        let last = self.ctrl.len() - 1;
        if self.dead.is_none() {
            self.leave_legacy_catch();
            self.materialize_top(self.ctrl[last].results.len());
            let at = self.emit(Op::Br { offset: 0 });
            self.ctrl[last].fixups.push(at);
        }
        let pc = self.pc();
        let frame = &mut self.ctrl[last];
        let legacy = frame
            .legacy
            .as_mut()
            .expect("validated: catch follows a try");
        legacy.body_end.get_or_insert(pc);
        legacy.in_catch = true;
        let height = frame.height;
        self.reset_stack(height, &[]);
        self.push_temp(ValType::EXNREF);
        let slot = self.next_slot();
        let tag = tag.map(TagIndex::from_u32);
        if let Some(tag) = tag {
            for &ty in tag_params(module, tag) {
                self.push_temp(ty);
            }
        }
        let landing = self.pc() as u32;
        self.bind_label(&[]);
        self.dead = None;
        self.meter(false);
        self.ctrl[last].catches.push(PendingCatch {
            kind: CatchKind::Legacy {
                tag,
                rethrown: false,
            },
            slot,
            landing,
        });
    }

    /// Before a `catch` block falls through to its end: its results move down over
    /// the exception's slot, to where the `try`'s results go.
    pub(super) fn leave_legacy_catch(&mut self) {
        let frame = self.ctrl.last().expect("validated: inside a block");
        if !frame.legacy.as_ref().is_some_and(|l| l.in_catch) {
            return;
        }
        let height = frame.height;
        let n = frame.results.len();
        let cells: u32 = frame.results.iter().map(|t| t.cells()).sum();
        let src = self.top_span(n);
        let dst = self.slot_at(height);
        self.emit_copy(dst, src, cells);
    }

    /// `delegate` of the legacy `try` on top, to the block `depth` levels out of it:
    /// ends the `try` as `end` does.
    pub(super) fn delegate(&mut self, depth: u32) {
        let last = self.ctrl.len() - 1;
        // Exceptions delegated to this `try` go on to its own delegate, next.
        let delegates = core::mem::take(&mut self.ctrl[last].delegates);
        self.resolve_delegates(delegates);
        let at = self.catch_handlers.len();
        let end = self.pc() as u32;
        self.catch_handlers.push(CatchHandler {
            start: self.ctrl[last].start as u32,
            end,
            kind: CatchKind::Delegate { resume: u32::MAX },
            slot: 0,
            landing: 0,
        });
        // The label counts from outside the `try`; the function's own label sends
        // the exception to the caller (`resume` stays `u32::MAX`).
        let target = last - 1 - depth as usize;
        if target > 0 {
            self.ctrl[target].delegates.push(at);
        }
        self.end();
    }

    /// `rethrow` of the exception caught by the `catch` block `depth` levels out.
    pub(super) fn rethrow(&mut self, depth: u32) {
        let target = self.ctrl.len() - 1 - depth as usize;
        let height = self.ctrl[target].height;
        if let Some(legacy) = &mut self.ctrl[target].legacy {
            legacy.rethrown = true;
        }
        let src = self.slot_at(height);
        self.emit(Op::ThrowRef { src });
        self.dead = Some(0);
    }

    /// `throw` of tag `tag`: its values are the operands on top of the stack.
    pub(super) fn throw(&mut self, module: &ModuleInfo, tag: u32) {
        let tag = TagIndex::from_u32(tag);
        let n = tag_params(module, tag).len();
        let base = self.pop_span(n);
        self.emit(Op::Throw { tag, base });
        self.dead = Some(0);
    }

    /// `throw_ref` of the `exnref` on top of the stack.
    pub(super) fn throw_ref(&mut self) {
        let src = self.pop_slot();
        self.emit(Op::ThrowRef { src });
        self.dead = Some(0);
    }
}

fn tag_catch(tag: u32, with_ref: bool) -> CatchKind {
    CatchKind::Tag {
        tag: TagIndex::from_u32(tag),
        with_ref,
    }
}

/// The types of tag `tag`'s values.
fn tag_params(module: &ModuleInfo, tag: TagIndex) -> &[ValType] {
    let ty: TypeIndex = module.tags()[tag];
    module.types()[ty].params()
}

/// The values a clause of `kind` hands its label: the tag's values, then the
/// exception's reference when the clause asks for it.
fn payload(module: &ModuleInfo, kind: CatchKind) -> Vec<ValType> {
    let (values, with_ref) = match kind {
        CatchKind::Tag { tag, with_ref } => (tag_params(module, tag), with_ref),
        CatchKind::All { with_ref } => (&[][..], with_ref),
        CatchKind::Legacy { .. } | CatchKind::Delegate { .. } => {
            unreachable!("a try_table has no legacy clauses")
        }
    };
    let mut types = values.to_vec();
    if with_ref {
        types.push(ValType::Ref(crate::RefType::new(
            false,
            crate::HeapType::Exn,
        )));
    }
    types
}
