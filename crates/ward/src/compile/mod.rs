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

use crate::prelude::*;

mod cpu;
mod exception;
mod func;
mod link;
mod ops;
mod simd;
mod trampoline;

use std::sync::{Mutex, PoisonError};

use cranelift_codegen::ir::{types, AbiParam, ArgumentPurpose, Signature, Type};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use target_lexicon::{Architecture, OperatingSystem, Triple};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::index::SharedTypeId;
use crate::types::{FuncType, ValType};
use crate::TargetCpu;

pub(crate) use cpu::host_has;

pub(crate) use link::{apply_relocs, compile_module, memory_style};

/// Whether this build and platform can run compiled code.
pub(crate) fn available() -> bool {
    crate::sys::entry::SUPPORTED && isa(None, &TargetCpu::Native).is_ok()
}

/// The instruction set compiled code for `cpu` of `target` (a triple; `None` for this
/// machine) targets. Built once per pair and kept for the life of the process (a
/// program names a handful at most).
fn isa(
    target: Option<&str>,
    cpu: &TargetCpu,
) -> core::result::Result<&'static OwnedTargetIsa, String> {
    type Isas = Vec<(
        Option<String>,
        TargetCpu,
        core::result::Result<&'static OwnedTargetIsa, String>,
    )>;
    static ISAS: Mutex<Isas> = Mutex::new(Vec::new());
    let mut isas = ISAS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, _, isa)) = isas
        .iter()
        .find(|(t, c, _)| t.as_deref() == target && c == cpu)
    {
        return isa.clone();
    }
    let isa = build_isa(target, cpu).map(|isa| &*Box::leak(Box::new(isa)));
    isas.push((target.map(str::to_owned), cpu.clone(), isa.clone()));
    isa
}

/// The instruction set of the engine's target.
///
/// # Errors
///
/// [`Error::Other`] when the engine's target or target CPU is unknown or unsupported:
/// a configuration error, not one of a module.
fn engine_isa(engine: &Engine) -> Result<&'static OwnedTargetIsa> {
    let config = engine.config();
    isa(config.get_target(), config.get_target_cpu()).map_err(Error::Other)
}

/// Whether `engine` compiles for another triple than this machine's: such code is
/// only written to artifacts, never run here.
///
/// # Errors
///
/// When the engine's target is unknown or unsupported.
pub(crate) fn is_cross(engine: &Engine) -> Result<bool> {
    Ok(*engine_isa(engine)?.triple() != Triple::host())
}

/// A Cranelift ISA builder for `target`, or for this machine when `None` (with all of
/// its CPU's features when `native`).
fn isa_builder(
    target: Option<&str>,
    native: bool,
) -> core::result::Result<cranelift_codegen::isa::Builder, String> {
    let host = || cranelift_native::builder_with_options(native).map_err(str::to_owned);
    let Some(name) = target else {
        return host();
    };
    let triple: Triple = name
        .parse()
        .map_err(|e| format!("`{name}` is not a target triple: {e}"))?;
    if triple == Triple::host() {
        return host();
    }
    let supported = matches!(
        triple.architecture,
        Architecture::X86_64 | Architecture::Aarch64(_)
    ) && triple.operating_system == OperatingSystem::Linux;
    if !supported {
        return Err(format!(
            "cannot compile for {triple}: ward compiles for Linux on x86-64 and AArch64"
        ));
    }
    let builder = cranelift_codegen::isa::lookup(triple.clone()).map_err(|e| match e {
        cranelift_codegen::isa::LookupError::SupportDisabled => format!(
            "this build of ward cannot compile for {triple}: build it with the `all-arch` \
             feature"
        ),
        other => format!("cannot compile for {triple}: {other}"),
    })?;
    if native {
        return Err(format!(
            "the `native` CPU is this machine's, and code for {triple} runs on another: \
             choose `baseline` or a named CPU of that architecture"
        ));
    }
    Ok(builder)
}

/// The x86-64 microarchitecture levels, as Cranelift's CPU features: each level has
/// the features of the levels before it.
const X86_64_LEVELS: [(&str, &[&str]); 3] = [
    (
        "x86-64-v2",
        &[
            "has_sse3",
            "has_ssse3",
            "has_sse41",
            "has_sse42",
            "has_popcnt",
            "has_cmpxchg16b",
        ],
    ),
    (
        "x86-64-v3",
        &[
            "has_avx",
            "has_avx2",
            "has_bmi1",
            "has_bmi2",
            "has_fma",
            "has_lzcnt",
        ],
    ),
    (
        "x86-64-v4",
        &["has_avx512f", "has_avx512dq", "has_avx512vl"],
    ),
];

fn build_isa(
    target: Option<&str>,
    cpu: &TargetCpu,
) -> core::result::Result<OwnedTargetIsa, String> {
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
    let mut builder = isa_builder(target, *cpu == TargetCpu::Native)?;
    let x86_64 = builder.triple().to_string().starts_with("x86_64");
    let level = |name: &str| X86_64_LEVELS.iter().position(|(level, _)| *level == name);
    let features: Vec<&str> = match cpu {
        TargetCpu::Native => Vec::new(),
        TargetCpu::Baseline if x86_64 => X86_64_LEVELS[0].1.to_vec(),
        TargetCpu::Baseline => Vec::new(),
        TargetCpu::Named(name) => match level(name) {
            Some(top) if x86_64 => X86_64_LEVELS[..=top]
                .iter()
                .flat_map(|(_, features)| features.iter().copied())
                .collect(),
            _ => {
                builder
                    .enable(name)
                    .map_err(|_| format!("unknown CPU `{name}` for {}", builder.triple()))?;
                Vec::new()
            }
        },
    };
    for feature in features {
        builder
            .enable(feature)
            .map_err(|e| format!("cranelift CPU feature {feature}: {e}"))?;
    }
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cranelift cannot target this machine: {e}"))
}

/// The target triple of the code `engine` compiles, and the CPU features (Cranelift's
/// names, such as `has_sse41`) that code may use.
///
/// # Errors
///
/// When the engine's target CPU is unknown or unsupported.
pub(crate) fn engine_target(engine: &Engine) -> Result<(String, Vec<String>)> {
    let isa = engine_isa(engine)?;
    let features = isa
        .isa_flags()
        .iter()
        .filter(|flag| flag.as_bool() == Some(true))
        .map(|flag| flag.name.to_owned())
        .collect();
    Ok((isa.triple().to_string(), features))
}

/// The target triple of this machine, as [`engine_target`] names it.
pub(crate) fn host_triple() -> String {
    // The triple Cranelift's host builder uses, without building one (which costs a
    // tenth of a small artifact's load).
    Triple::host().to_string()
}

/// The Cranelift type of a wasm value: references are pointer-sized cells.
fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => types::I64,
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
        let code = link::compile_trampolines(engine, core::slice::from_ref(ty))?;
        let address = code
            .trampolines(crate::index::TypeIndex::from_u32(0))
            .wasm_to_array;
        Ok((
            address,
            Box::new(code) as Box<dyn core::any::Any + Send + Sync>,
        ))
    })
}
