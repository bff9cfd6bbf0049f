//! Compiling a module's functions (in parallel) and trampolines, and laying them out in
//! one mapping of executable memory with their calls to each other resolved.

use crate::prelude::*;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::__m128i;

use cranelift_codegen::binemit::Reloc as CraneliftReloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{ExternalName, Function, LibCall, TrapCode};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::{Context, FinalizedRelocTarget};
use cranelift_frontend::FunctionBuilderContext;
use wasmparser::{BinaryReader, FunctionBody};

use super::func::{self, traps, Env};
use super::{compile_error, engine_isa, trampoline};
use crate::engine::Engine;
use crate::error::{Result, TrapKind};
use crate::index::{DefinedFuncIndex, IndexVec, TypeIndex};
use crate::module::ModuleInfo;
use crate::sys::CodeMemory;
use crate::types::FuncType;
use crate::vm::{
    CodeTrap, FuncRange, MemoryStyle, NativeCode, Reloc, RelocKind, RelocTarget, Trampolines,
    VMOffsets,
};

/// What a call in compiled code goes to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Func(DefinedFuncIndex),
    Runtime(u8),
}

/// One compiled function (or trampoline), before it is placed.
struct Output {
    code: Vec<u8>,
    relocs: Vec<(u32, RelocKind, Target, i64)>,
    traps: Vec<(u32, TrapCode)>,
    srclocs: Vec<(u32, u32)>,
}

/// Compiles `func` with `ctx` into an [`Output`].
fn compile(isa: &OwnedTargetIsa, ctx: &mut Context, func: Function) -> Result<Output> {
    ctx.clear();
    // The names of the functions it calls, by the references its relocations hold.
    let names: Vec<u32> = func
        .params
        .user_named_funcs()
        .values()
        .map(|name| name.index)
        .collect();
    ctx.func = func;
    let code = ctx
        .compile(&**isa, &mut ControlPlane::default())
        .map_err(|e| compile_error(format!("code generation failed: {:?}", e.inner), 0))?;
    let mut relocs = Vec::new();
    for reloc in code.buffer.relocs() {
        let target = match &reloc.target {
            FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
                Target::Func(DefinedFuncIndex::from_u32(names[name.index()]))
            }
            FinalizedRelocTarget::ExternalName(ExternalName::LibCall(call)) => {
                let id = RUNTIME_CALLS
                    .iter()
                    .position(|c| c == call)
                    .ok_or_else(|| {
                        compile_error(format!("unsupported runtime call {call:?}"), 0)
                    })?;
                Target::Runtime(id as u8)
            }
            other => {
                return Err(compile_error(
                    format!("unexpected relocation target {other:?}"),
                    0,
                ))
            }
        };
        let kind = match reloc.kind {
            CraneliftReloc::Abs8 => RelocKind::Abs8,
            CraneliftReloc::X86PCRel4 | CraneliftReloc::X86CallPCRel4 => RelocKind::PcRel4,
            CraneliftReloc::Arm64Call => RelocKind::Arm64Call,
            other => {
                return Err(compile_error(
                    format!("unsupported relocation {other:?}"),
                    0,
                ))
            }
        };
        relocs.push((reloc.offset, kind, target, reloc.addend));
    }
    Ok(Output {
        code: code.code_buffer().to_vec(),
        relocs,
        traps: code
            .buffer
            .traps()
            .iter()
            .map(|t| (t.offset, t.code))
            .collect(),
        srclocs: code
            .buffer
            .get_srclocs_sorted()
            .iter()
            .filter(|s| !s.loc.is_default())
            .map(|s| (s.start, s.loc.bits()))
            .collect(),
    })
}

/// How the engine's memories are laid out, for the code that accesses them.
pub(crate) fn memory_style(engine: &Engine) -> MemoryStyle {
    let config = engine.config();
    if cfg!(target_pointer_width = "64") && config.memory_reservation >= 1 << 32 {
        MemoryStyle::Static {
            guard: config.memory_guard_size,
        }
    } else {
        MemoryStyle::Dynamic
    }
}

/// Compiles every function `info` defines (their bodies in `bytes`) and the trampolines
/// of its types, in parallel on the machine's cores; with `funcs` false, only the
/// trampolines (for a module whose functions the interpreter runs).
///
/// # Errors
///
/// [`Error::Compile`](crate::Error::Compile) when a function uses something the compiled
/// tier does not support, or code generation fails.
pub(crate) fn compile_module(
    engine: &Engine,
    info: &ModuleInfo,
    bytes: &[u8],
    funcs: bool,
) -> Result<(Arc<NativeCode>, MemoryStyle)> {
    on_compile_thread(|| compile_module_here(engine, info, bytes, funcs))
}

/// The native stack of the threads that compile. Code generation recurses (the
/// register allocator, the pattern matchers of instruction selection), and how deep
/// depends on the function compiled; it never runs on the embedder's thread, whose
/// stack ward does not choose and which may be small.
const COMPILE_STACK_SIZE: usize = 16 << 20;

/// Runs `f` on a thread of its own with a stack of [`COMPILE_STACK_SIZE`].
fn on_compile_thread<R: Send>(f: impl FnOnce() -> Result<R> + Send) -> Result<R> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("ward-compile".into())
            .stack_size(COMPILE_STACK_SIZE)
            .spawn_scoped(scope, f)
            .map_err(|e| compile_error(format!("cannot start a compiler thread: {e}"), 0))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn compile_module_here(
    engine: &Engine,
    info: &ModuleInfo,
    bytes: &[u8],
    funcs: bool,
) -> Result<(Arc<NativeCode>, MemoryStyle)> {
    let isa = engine_isa(engine)?;
    let offsets = VMOffsets::new(info);
    let config = engine.config();
    let env = Env {
        isa,
        info,
        offsets: &offsets,
        memory: memory_style(engine),
        fuel: config.consume_fuel,
        interrupt: config.interruptible,
    };
    let count = if funcs { info.num_defined_funcs() } else { 0 };
    let results: Mutex<Vec<Option<Result<Output>>>> =
        Mutex::new((0..count).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count.max(1));
    let work = || {
        let mut fctx = FunctionBuilderContext::new();
        let mut ctx = Context::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                break;
            }
            let index = DefinedFuncIndex::from_usize(i);
            let output = compile_function(&env, &mut fctx, &mut ctx, bytes, index);
            if output.is_err() {
                // The module does not compile: the functions left need not be. And
                // the builder context may still hold the failed function's blocks,
                // which the next function would inherit.
                next.store(count, Ordering::Relaxed);
                fctx = FunctionBuilderContext::new();
            }
            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(output);
        }
    };
    if workers > 1 {
        std::thread::scope(|scope| {
            for _ in 1..workers {
                // A helper that cannot start leaves its share to the others.
                let _ = std::thread::Builder::new()
                    .name("ward-compile".into())
                    .stack_size(COMPILE_STACK_SIZE)
                    .spawn_scoped(scope, work);
            }
            work();
        });
    } else {
        work();
    }
    let mut outputs = Vec::with_capacity(count);
    let mut failure = None;
    for output in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match output {
            Some(Ok(output)) => outputs.push(output),
            Some(Err(error)) => {
                failure.get_or_insert(error);
            }
            // Not compiled: another function failed first.
            None => {}
        }
    }
    if let Some(error) = failure {
        return Err(error);
    }
    debug_assert_eq!(outputs.len(), count, "every function was compiled");
    let code = link(isa, outputs, info.types().as_slice())?;
    Ok((code, env.memory))
}

fn compile_function(
    env: &Env<'_>,
    fctx: &mut FunctionBuilderContext,
    ctx: &mut Context,
    bytes: &[u8],
    index: DefinedFuncIndex,
) -> Result<Output> {
    let range = env.info.body(index);
    let reader = BinaryReader::new(&bytes[range.clone()], range.start as u64);
    let body = FunctionBody::new(reader);
    let func = func::translate(env, fctx, index, &body)?;
    compile(env.isa, ctx, func).map_err(|e| match e {
        crate::Error::Compile { message, .. } => compile_error(message, range.start),
        other => other,
    })
}

/// Compiles the trampolines of `types` only.
pub(crate) fn compile_trampolines(engine: &Engine, types: &[FuncType]) -> Result<Arc<NativeCode>> {
    let isa = engine_isa(engine)?;
    on_compile_thread(|| link(isa, Vec::new(), types))
}

/// Compiles the trampolines of `types`, and places them after the functions
/// `outputs` in one executable mapping, with every call resolved.
fn link(isa: &OwnedTargetIsa, outputs: Vec<Output>, types: &[FuncType]) -> Result<Arc<NativeCode>> {
    let mut fctx = FunctionBuilderContext::new();
    let mut ctx = Context::new();
    let num_funcs = outputs.len();
    let mut all = outputs;
    for ty in types {
        all.push(compile(
            isa,
            &mut ctx,
            trampoline::array_to_wasm(isa, &mut fctx, ty),
        )?);
        all.push(compile(
            isa,
            &mut ctx,
            trampoline::wasm_to_array(isa, &mut fctx, ty),
        )?);
    }
    let mut starts = Vec::with_capacity(all.len());
    let mut len = 0usize;
    for output in &all {
        len = len.next_multiple_of(16);
        starts.push(len);
        len += output.code.len();
    }
    let mut relocs = Vec::new();
    for (output, &start) in all.iter().zip(&starts) {
        relocs.extend(
            output
                .relocs
                .iter()
                .map(|&(offset, kind, target, addend)| Reloc {
                    offset: start as u32 + offset,
                    kind,
                    target: match target {
                        Target::Func(f) => RelocTarget::Code(starts[f.index()] as u32),
                        Target::Runtime(id) => RelocTarget::Runtime(id),
                    },
                    addend,
                }),
        );
    }
    let mut failure = Ok(());
    let memory = CodeMemory::new(len, |bytes, base| {
        for (output, &start) in all.iter().zip(&starts) {
            bytes[start..start + output.code.len()].copy_from_slice(&output.code);
        }
        failure = apply_relocs(bytes, base, &relocs);
    })
    .map_err(|e| compile_error(format!("cannot map compiled code: {e}"), 0))?;
    failure.map_err(|message| compile_error(message, 0))?;
    let mut funcs = IndexVec::new();
    let mut trap_sites = Vec::new();
    let mut srclocs = Vec::new();
    for (i, (output, &start)) in all.iter().zip(&starts).enumerate() {
        if i < num_funcs {
            funcs.push(FuncRange {
                start: start as u32,
                len: output.code.len() as u32,
            });
        }
        for &(offset, code) in &output.traps {
            trap_sites.push((start as u32 + offset, code_trap(code)));
        }
        srclocs.extend(
            output
                .srclocs
                .iter()
                .map(|&(offset, loc)| (start as u32 + offset, loc)),
        );
    }
    let trampolines: IndexVec<TypeIndex, Trampolines> = (0..types.len())
        .map(|t| Trampolines {
            array_to_wasm: starts[num_funcs + 2 * t],
            wasm_to_array: starts[num_funcs + 2 * t + 1],
        })
        .collect();
    Ok(NativeCode::new(
        memory,
        len,
        relocs,
        funcs,
        trap_sites,
        srclocs,
        trampolines,
    ))
}

/// Writes each of `relocs` into `bytes`, code that will run at address `base`.
///
/// # Errors
///
/// When a relocation lies outside `bytes`, a target is out of reach or unknown.
pub(crate) fn apply_relocs(
    bytes: &mut [u8],
    base: usize,
    relocs: &[Reloc],
) -> core::result::Result<(), String> {
    for reloc in relocs {
        let target = match reloc.target {
            RelocTarget::Code(offset) => base + offset as usize,
            RelocTarget::Runtime(id) => {
                runtime_address(id).ok_or_else(|| format!("unknown runtime function {id}"))?
            }
        };
        let at = reloc.offset as usize;
        patch(
            bytes,
            at,
            base + at,
            reloc.kind,
            target as i64 + reloc.addend,
        )?;
    }
    Ok(())
}

/// Writes relocation `kind` at `bytes[at]` (which will run at `address`) for `value`.
fn patch(
    bytes: &mut [u8],
    at: usize,
    address: usize,
    kind: RelocKind,
    value: i64,
) -> core::result::Result<(), String> {
    let width = match kind {
        RelocKind::Abs8 => 8,
        RelocKind::PcRel4 | RelocKind::Arm64Call => 4,
    };
    let field = bytes
        .get_mut(at..at.saturating_add(width))
        .filter(|field| field.len() == width)
        .ok_or_else(|| format!("a relocation at offset {at} lies outside the code"))?;
    match kind {
        RelocKind::Abs8 => field.copy_from_slice(&(value as u64).to_le_bytes()),
        RelocKind::PcRel4 => {
            let relative = i32::try_from(value.wrapping_sub(address as i64))
                .map_err(|_| "a call target is out of reach".to_string())?;
            field.copy_from_slice(&relative.to_le_bytes());
        }
        RelocKind::Arm64Call => {
            let delta = value.wrapping_sub(address as i64);
            if delta % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&delta) {
                return Err("a call target is out of reach".to_string());
            }
            let insn = u32::from_le_bytes(field[..4].try_into().expect("4 bytes"));
            let insn = (insn & 0xfc00_0000) | (((delta >> 2) as u32) & 0x03ff_ffff);
            field.copy_from_slice(&insn.to_le_bytes());
        }
    }
    Ok(())
}

/// What a trap code of compiled code means.
fn code_trap(code: TrapCode) -> CodeTrap {
    let kind = match code {
        TrapCode::STACK_OVERFLOW => TrapKind::StackOverflow,
        TrapCode::INTEGER_OVERFLOW => TrapKind::IntegerOverflow,
        TrapCode::HEAP_OUT_OF_BOUNDS => TrapKind::MemoryOutOfBounds,
        TrapCode::INTEGER_DIVISION_BY_ZERO => TrapKind::IntegerDivisionByZero,
        TrapCode::BAD_CONVERSION_TO_INTEGER => TrapKind::BadConversionToInteger,
        traps::UNREACHABLE => TrapKind::Unreachable,
        traps::TABLE_OUT_OF_BOUNDS => TrapKind::TableOutOfBounds,
        traps::UNDEFINED_ELEMENT => TrapKind::UndefinedElement,
        traps::UNINITIALIZED_ELEMENT => TrapKind::UninitializedElement,
        traps::INDIRECT_CALL_TYPE_MISMATCH => TrapKind::IndirectCallTypeMismatch,
        traps::OUT_OF_FUEL => TrapKind::OutOfFuel,
        traps::INTERRUPTED => TrapKind::Interrupted,
        traps::NULL_REFERENCE => TrapKind::NullReference,
        traps::NULL_FUNCTION_REFERENCE => TrapKind::NullFunctionReference,
        _ => return CodeTrap::Raised,
    };
    CodeTrap::Wasm(kind)
}

/// The runtime calls compiled code may make, numbered by their place here: code and
/// artifacts name them by that number, so the list only ever grows at its end.
const RUNTIME_CALLS: [LibCall; 11] = [
    LibCall::FloorF32,
    LibCall::FloorF64,
    LibCall::CeilF32,
    LibCall::CeilF64,
    LibCall::TruncF32,
    LibCall::TruncF64,
    LibCall::NearestF32,
    LibCall::NearestF64,
    LibCall::X86Pshufb,
    LibCall::Memset,
    LibCall::Memmove,
];

/// The address of runtime call `id` (of [`RUNTIME_CALLS`]), one Cranelift may emit where the CPU lacks an instruction
/// (rounding without SSE4.1, `pshufb` without SSSE3), or that translation asks for (the
/// C library's `memset` and `memmove` for bulk memory operations).
///
/// Rust's rounding may return a signalling NaN unchanged (its software rounding, in a
/// build for baseline x86-64, does), where wasm's gives an arithmetic (quiet) NaN; the
/// functions here quiet it.
fn runtime_address(id: u8) -> Option<usize> {
    extern "C" fn floor_f32(x: f32) -> f32 {
        quiet_f32(x.floor())
    }
    extern "C" fn floor_f64(x: f64) -> f64 {
        quiet_f64(x.floor())
    }
    extern "C" fn ceil_f32(x: f32) -> f32 {
        quiet_f32(x.ceil())
    }
    extern "C" fn ceil_f64(x: f64) -> f64 {
        quiet_f64(x.ceil())
    }
    extern "C" fn trunc_f32(x: f32) -> f32 {
        quiet_f32(x.trunc())
    }
    extern "C" fn trunc_f64(x: f64) -> f64 {
        quiet_f64(x.trunc())
    }
    extern "C" fn nearest_f32(x: f32) -> f32 {
        quiet_f32(x.round_ties_even())
    }
    extern "C" fn nearest_f64(x: f64) -> f64 {
        quiet_f64(x.round_ties_even())
    }
    Some(match *RUNTIME_CALLS.get(usize::from(id))? {
        LibCall::FloorF32 => floor_f32 as *const () as usize,
        LibCall::FloorF64 => floor_f64 as *const () as usize,
        LibCall::CeilF32 => ceil_f32 as *const () as usize,
        LibCall::CeilF64 => ceil_f64 as *const () as usize,
        LibCall::TruncF32 => trunc_f32 as *const () as usize,
        LibCall::TruncF64 => trunc_f64 as *const () as usize,
        LibCall::NearestF32 => nearest_f32 as *const () as usize,
        LibCall::NearestF64 => nearest_f64 as *const () as usize,
        #[cfg(target_arch = "x86_64")]
        LibCall::X86Pshufb => pshufb as *const () as usize,
        // `memory.fill` and `memory.copy`, after their bounds checks.
        LibCall::Memset => libc::memset as *const () as usize,
        LibCall::Memmove => libc::memmove as *const () as usize,
        _ => return None,
    })
}

/// `x`, with its quiet bit set if it is a NaN.
fn quiet_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 1 << 22)
    } else {
        x
    }
}

/// `x`, with its quiet bit set if it is a NaN.
fn quiet_f64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 1 << 51)
    } else {
        x
    }
}

/// SSSE3's `pshufb`, for shuffles and swizzles on x86-64 CPUs without it: byte `i` of
/// the result is byte `mask[i] & 15` of `x`, or 0 where `mask[i]` has its top bit set.
#[cfg(target_arch = "x86_64")]
#[allow(
    improper_ctypes_definitions,
    reason = "compiled code passes a vector in an xmm register, as Rust's C ABI does \
              with SSE2, which every x86-64 CPU has"
)]
extern "C" fn pshufb(x: __m128i, mask: __m128i) -> __m128i {
    // SAFETY: `__m128i` and `[u8; 16]` are 16 bytes of plain data, and every bit
    // pattern is a valid value of both.
    let (x, mask) = unsafe {
        (
            core::mem::transmute::<__m128i, [u8; 16]>(x),
            core::mem::transmute::<__m128i, [u8; 16]>(mask),
        )
    };
    let bytes = mask.map(|m| {
        if m & 0x80 == 0 {
            x[usize::from(m & 15)]
        } else {
            0
        }
    });
    // SAFETY: as above.
    unsafe { core::mem::transmute::<[u8; 16], __m128i>(bytes) }
}
