//! The two trampolines of a function type.
//!
//! - `array_to_wasm` (the platform's C convention: `(funcref, caller vmctx, cells)`):
//!   how the interpreter and the host call a compiled function. It loads the params from
//!   the cells of ward's calling convention (see `api::func`), calls the function's
//!   `wasm_call` with its `call_ctx`, and stores the results back in the cells.
//! - `wasm_to_array` (the compiled tier's convention, called with the function reference
//!   as `call_ctx`): how compiled code calls an interpreted or host function. It spills
//!   the params into cells in its frame, asks the runtime's `call_array` to make the
//!   call, raises a trap when that failed, and returns the results from the cells.

use crate::prelude::*;
use core::mem::offset_of;

use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName, Value,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use super::{clif_type, wasm_signature};
use crate::types::{FuncType, ValType};
use crate::vm::vmctx::VMContextHeader;
use crate::vm::{VMBuiltins, VMFuncRef};

/// The byte offset of each value's first cell, and the number of cells in all.
fn cell_offsets(types: &[ValType]) -> (Vec<i32>, u32) {
    let mut at = 0u32;
    let offsets = types
        .iter()
        .map(|t| {
            let offset = (at * 8) as i32;
            at += t.cells();
            offset
        })
        .collect();
    (offsets, at)
}

/// Loads a value of type `ty` from its cell at `cells + offset`.
fn load_cell(b: &mut FunctionBuilder<'_>, ty: ValType, cells: Value, offset: i32) -> Value {
    b.ins()
        .load(clif_type(ty), MemFlagsData::trusted(), cells, offset)
}

/// Stores `value` of type `ty` as its cells at `cells + offset`: 32-bit values
/// zero-extended to the whole cell, as the interpreter keeps them.
fn store_cell(b: &mut FunctionBuilder<'_>, ty: ValType, value: Value, cells: Value, offset: i32) {
    let value = match ty {
        ValType::I32 => b.ins().uextend(types::I64, value),
        ValType::F32 => {
            let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), value);
            b.ins().uextend(types::I64, bits)
        }
        _ => value,
    };
    b.ins().store(MemFlagsData::trusted(), value, cells, offset);
}

/// Stores `values`, of `types`, as their cells from `cells`.
pub(super) fn store_values(
    b: &mut FunctionBuilder<'_>,
    types: &[ValType],
    values: &[Value],
    cells: Value,
) {
    let (offsets, _) = cell_offsets(types);
    for ((&t, &offset), &value) in types.iter().zip(&offsets).zip(values) {
        store_cell(b, t, value, cells, offset);
    }
}

/// Loads values of `types` from their cells from `cells`.
pub(super) fn load_values(
    b: &mut FunctionBuilder<'_>,
    types: &[ValType],
    cells: Value,
) -> Vec<Value> {
    let (offsets, _) = cell_offsets(types);
    types
        .iter()
        .zip(&offsets)
        .map(|(&t, &offset)| load_cell(b, t, cells, offset))
        .collect()
}

/// The `array_to_wasm` trampoline of `ty`.
pub(super) fn array_to_wasm(
    isa: &OwnedTargetIsa,
    fctx: &mut FunctionBuilderContext,
    ty: &FuncType,
) -> Function {
    let ptr = isa.pointer_type();
    let mut sig = Signature::new(CallConv::triple_default(isa.triple()));
    sig.params.extend([AbiParam::new(ptr); 3]);
    let mut func = Function::with_name_signature(UserFuncName::user(1, 0), sig);
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let [funcref, caller, cells] = [0, 1, 2].map(|i| b.block_params(entry)[i]);
    let ro = MemFlagsData::trusted().with_readonly();
    let wasm_call = b.ins().load(ptr, ro, funcref, VMFuncRef::WASM_CALL as i32);
    let call_ctx = b.ins().load(ptr, ro, funcref, VMFuncRef::CALL_CTX as i32);
    let mut args = vec![call_ctx, caller];
    args.extend(load_values(&mut b, ty.params(), cells));
    let callee = b.import_signature(wasm_signature(isa, ty));
    let call = b.ins().call_indirect(callee, wasm_call, &args);
    let results = b.inst_results(call).to_vec();
    store_values(&mut b, ty.results(), &results, cells);
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
    func
}

/// The `wasm_to_array` trampoline of `ty`.
pub(super) fn wasm_to_array(
    isa: &OwnedTargetIsa,
    fctx: &mut FunctionBuilderContext,
    ty: &FuncType,
) -> Function {
    let ptr = isa.pointer_type();
    let mut func = Function::with_name_signature(UserFuncName::user(1, 1), wasm_signature(isa, ty));
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    let (funcref, caller) = (params[0], params[1]);
    let (_, param_cells) = cell_offsets(ty.params());
    let (_, result_cells) = cell_offsets(ty.results());
    let size = (param_cells.max(result_cells).max(1) * 8).next_multiple_of(16);
    let slot = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 4));
    let cells = b.ins().stack_addr(ptr, slot, 0);
    store_values(&mut b, ty.params(), &params[2..], cells);
    let ro = MemFlagsData::trusted().with_readonly();
    let builtins = b
        .ins()
        .load(ptr, ro, caller, VMContextHeader::BUILTINS as i32);
    let call_array = b
        .ins()
        .load(ptr, ro, builtins, offset_of!(VMBuiltins, call_array) as i32);
    let mut sig = Signature::new(CallConv::triple_default(isa.triple()));
    sig.params.extend([AbiParam::new(ptr); 3]);
    sig.returns.push(AbiParam::new(types::I32));
    let sig = b.import_signature(sig);
    let call = b
        .ins()
        .call_indirect(sig, call_array, &[funcref, caller, cells]);
    let status = b.inst_results(call)[0];
    super::func::raise_if(&mut b, isa, builtins, status);
    let results = load_values(&mut b, ty.results(), cells);
    b.ins().return_(&results);
    b.finalize(isa.frontend_config());
    func
}
