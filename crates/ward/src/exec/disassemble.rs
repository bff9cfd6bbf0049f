//! A readable listing of translated code, for `Module::disassemble`.

use crate::prelude::*;
use core::fmt::Write as _;

use super::handler_in_mode;
use crate::ir::{AccMode, CompiledFunc};

/// `code`, one op per line: its position, the byte offset of the wasm instruction it
/// came from, its name and operands, and its accumulator mode (`<acc` reads its first
/// operand from the accumulator, `>acc` writes its result there, `>acc+slot` to both),
/// then the function's `catch` clauses, in the order the unwinder tries them.
pub(crate) fn disassemble(code: &CompiledFunc, name: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "func {}{}: {} param cells, {} local cells, {} frame cells, {} ops",
        code.func_index.as_u32(),
        name.map(|n| format!(" ${n}")).unwrap_or_default(),
        code.param_cells,
        code.local_cells,
        code.frame_cells,
        code.ops.len()
    );
    for (at, (instr, offset)) in code.ops.iter().zip(code.offsets.iter()).enumerate() {
        // The mode is the one whose handler the op was given.
        let op = instr.op;
        let handler = instr.handler;
        let mode = AccMode::ALL
            .into_iter()
            .find(|&mode| {
                handler_in_mode(&op, mode).is_some_and(|h| h as usize == handler as usize)
            })
            .unwrap_or(AccMode::NONE);
        let read = if mode.contains(AccMode::IN) {
            " <acc"
        } else {
            ""
        };
        let write = if mode.contains(AccMode::OUT_KEEP) {
            " >acc+slot"
        } else if mode.contains(AccMode::OUT) {
            " >acc"
        } else {
            ""
        };
        let _ = writeln!(out, "{at:6} @{offset:<8x} {op:?}{read}{write}");
    }
    for handler in code.handlers.iter() {
        let _ = writeln!(
            out,
            "catch ops {}..{}: {:?}, values at slot {}, landing at {}",
            handler.start, handler.end, handler.kind, handler.slot, handler.landing
        );
    }
    out
}
