//! Exception handling: `try_table`, `throw` and `throw_ref`.
//!
//! A `try_table` costs nothing on the path that throws nothing but one jump over its
//! landing pads. Each `catch` clause gets a landing pad, emitted before the body: the
//! unwinder (see `exec`) writes the exception's values (and reference) to the canonical
//! slots of the stack height below the `try_table`'s params, and jumps to the pad,
//! which branches to the clause's label as a `br` with those values on the stack
//! would. The clauses go to the function's table of [`CatchHandler`]s when the
//! `try_table` ends, once the range of its body is known: inner `try_table`s end
//! first, so their clauses come first, as the unwinder needs.

use wasmparser::Catch;

use super::{Kind, Translator};
use crate::error::Result;
use crate::index::{TagIndex, TypeIndex};
use crate::ir::{CatchHandler, CatchKind, Op, Slot};
use crate::module::ModuleInfo;
use crate::ValType;

/// A `catch` clause of an open `try_table`: what it catches, where the unwinder puts
/// the values, and its landing pad.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingCatch {
    kind: CatchKind,
    slot: Slot,
    landing: u32,
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

    /// Records the clauses of a `try_table` whose body is the ops from `start` to here.
    pub(super) fn close_try_table(&mut self, start: usize, catches: &[PendingCatch]) {
        let end = self.pc() as u32;
        for catch in catches {
            self.catch_handlers.push(CatchHandler {
                start: start as u32,
                end,
                kind: catch.kind,
                slot: catch.slot,
                landing: catch.landing,
            });
        }
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
