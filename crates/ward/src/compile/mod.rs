//! The compiled tier: wasm functions compiled to native code with Cranelift.
//!
//! A module is compiled whole when it is loaded, its functions in parallel on the
//! machine's cores. Each function becomes a Cranelift function with the `Tail` calling
//! convention and the signature `(callee vmctx, caller vmctx, params...) -> results`;
//! it reaches its instance through the vmctx at the offsets of `vm::vmctx`, exactly as
//! the interpreter does. Two trampolines per function type connect it to the rest of
//! ward (see [`trampoline`]), and the runtime functions of `VMBuiltins` do what does not
//! belong inline (growth, bulk operations, calls into the other tier or the host).
//!
//! Safety rests on three mechanisms, each checked by the spec suite: explicit or
//! guard-page bounds on memory accesses (see [`func::MemoryStyle`]), a stack limit that
//! every function's prologue checks, and trap sites that the signal handler turns into
//! wasm traps (see `exec::compiled`).

mod func;
mod link;
mod ops;
mod simd;
mod trampoline;

use std::sync::OnceLock;

use cranelift_codegen::ir::{types, AbiParam, ArgumentPurpose, Signature, Type};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::index::SharedTypeId;
use crate::types::{FuncType, ValType};

pub(crate) use link::compile_module;

/// Whether this build and platform can run compiled code.
pub(crate) fn available() -> bool {
    crate::sys::entry::SUPPORTED && isa().is_ok()
}

/// The instruction set compiled code targets: the host's, with the CPU features it
/// has. Built once.
fn isa() -> std::result::Result<&'static OwnedTargetIsa, String> {
    static ISA: OnceLock<std::result::Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let set = |flags: &mut settings::Builder, name: &str, value: &str| {
            flags
                .set(name, value)
                .map_err(|e| format!("cranelift setting {name}={value}: {e}"))
        };
        set(&mut flags, "opt_level", "speed")?;
        // The verifier checks each function's IR before code generation: a translation
        // bug becomes a compile error instead of bad code. It costs compile time, so
        // only unoptimised builds of ward (tests, development) pay for it.
        set(
            &mut flags,
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        )?;
        // Frames larger than a page probe every page as they grow, so a big frame cannot
        // jump over a guard page.
        set(&mut flags, "enable_probestack", "true")?;
        set(&mut flags, "probestack_strategy", "inline")?;
        // Backtraces and the trap handler walk compiled frames by their frame pointers.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        set(&mut flags, "unwind_info", "false")?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // A wasm function may return more values than the platform's return registers
        // hold: Cranelift then returns the rest through a hidden return-area pointer. Only
        // Cranelift code calls wasm signatures (trampolines, compiled callers), so the
        // convention never has to match a platform ABI.
        set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
        let builder = cranelift_native::builder()?;
        builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| format!("cranelift cannot target this machine: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The Cranelift type of a wasm value: references are pointer-sized cells.
fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::FuncRef | ValType::ExternRef => types::I64,
    }
}

/// The signature of a compiled wasm function of type `ty`.
fn wasm_signature(isa: &OwnedTargetIsa, ty: &FuncType) -> Signature {
    let ptr = isa.pointer_type();
    let mut sig = Signature::new(CallConv::Tail);
    sig.params
        .push(AbiParam::special(ptr, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(ptr));
    sig.params
        .extend(ty.params().iter().map(|&t| AbiParam::new(clif_type(t))));
    sig.returns
        .extend(ty.results().iter().map(|&t| AbiParam::new(clif_type(t))));
    sig
}

/// A compile error of the compiled tier, as a library error.
fn compile_error(message: impl Into<String>, offset: usize) -> Error {
    Error::Compile {
        message: message.into(),
        offset,
    }
}

/// The `wasm_to_array` trampoline of function type `ty` (engine id `id`), which compiled
/// code calls for a host function of that type. Compiled once per type and engine, and
/// kept as long as the engine.
///
/// # Errors
///
/// When the trampoline does not compile.
pub(crate) fn host_trampoline(engine: &Engine, ty: &FuncType, id: SharedTypeId) -> Result<usize> {
    engine.host_trampoline(id, || {
        let code = link::compile_trampolines(std::slice::from_ref(ty))?;
        let address = code
            .trampolines(crate::index::TypeIndex::from_u32(0))
            .wasm_to_array;
        Ok((address, code as Box<dyn std::any::Any + Send + Sync>))
    })
}
