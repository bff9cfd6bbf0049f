//! Valid modules from wasm-smith, and arguments to call them with.

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use wasm_smith::Config;

/// The largest linear memory a generated module may declare or grow to: 16 pages.
/// Memories are compared byte for byte after every call in the differential target,
/// so they stay small.
pub const MAX_MEMORY_BYTES: u64 = 16 * 65_536;

/// The most elements a generated table may declare or grow to.
pub const MAX_TABLE_ELEMENTS: u64 = 1_000;

/// The smallest and largest fuel a module gets from `ensure_termination`. The fuel is a
/// global shared by all the calls into one instance: every function entry and every
/// loop iteration costs one unit, so it bounds both the run time and the call depth.
pub const FUEL: std::ops::RangeInclusive<u32> = 100..=1_000;

/// What the module generated for one input needs beyond its bytes.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The binary module.
    pub wasm: Vec<u8>,
    /// The fuel `ensure_termination` gave it.
    pub fuel: u32,
}

/// How the module is generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Canonicalize NaNs after every float operation whose NaN payload the specification
    /// leaves open, so that two correct engines store and return the same bits.
    pub canonicalize_nans: bool,
    /// Use exception handling (tags, `try_table`, `throw`, `throw_ref`), which wasmi
    /// does not run: for ward alone.
    pub exceptions: bool,
    /// Use GC's types and instructions (recursion groups, struct and array types,
    /// subtypes, `anyref` and its kin), which ward takes only in part and refuses
    /// the rest of when a module loads: for loading alone.
    pub gc: bool,
}

/// The functions, globals, table and memory a generated module may import. Every
/// harness defines each import it finds with a dummy of the right type: functions
/// return zeros, globals hold zero, tables start null, memories start zeroed.
const AVAILABLE_IMPORTS: &str = r#"
(module
  (import "host" "nop" (func))
  (import "host" "i32_to_i32" (func (param i32) (result i32)))
  (import "host" "mixed" (func (param i64 f32 f64) (result f64 i64)))
  (import "host" "refs" (func (param funcref externref) (result externref)))
  (import "host" "g_i32" (global i32))
  (import "host" "g_mut_f64" (global (mut f64)))
  (import "host" "table" (table 4 16 funcref))
  (import "host" "memory" (memory 1 4))
)
"#;

fn available_imports() -> Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES
        .get_or_init(|| wat::parse_str(AVAILABLE_IMPORTS).expect("the import list is valid"))
        .clone()
}

/// The wasm-smith configuration: WebAssembly 2.0 without SIMD, with tail calls,
/// extended constant expressions and 64-bit memories and tables (and exceptions when
/// asked), every limit small enough that one input runs in milliseconds. A few knobs
/// come from the input.
pub fn config(u: &mut Unstructured<'_>, options: Options) -> Result<Config> {
    Ok(Config {
        // The proposals of WebAssembly 2.0 that ward executes.
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        // The parts of 3.0 that ward has on by default and wasmi has (memory64 switched
        // on in the wasmi harness).
        tail_call_enabled: true,
        extended_const_enabled: true,
        memory64_enabled: true,
        // Everything else is off: ward rejects modules that use it.
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: options.exceptions,
        gc_enabled: options.gc,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        max_memories: 1,
        // Sizes.
        max_memory32_bytes: MAX_MEMORY_BYTES,
        max_memory64_bytes: u128::from(MAX_MEMORY_BYTES),
        memory_max_size_required: true,
        max_table_elements: MAX_TABLE_ELEMENTS,
        table_max_size_required: true,
        max_tables: 4,
        max_funcs: 50,
        max_instructions: u.int_in_range(10..=500)?,
        max_globals: 20,
        max_data_segments: 20,
        max_element_segments: 20,
        max_elements: 50,
        max_types: 50,
        // Harness shape: dummy imports, and every function, global, table and memory
        // exported so that the harness can call and compare them.
        available_imports: Some(available_imports()),
        max_imports: 8,
        export_everything: true,
        canonicalize_nans: options.canonicalize_nans,
        // Some inputs avoid traps, so that calls run further and touch more state.
        disallow_traps: u.ratio(1, 4)?,
        ..Config::default()
    })
}

/// Generates a valid module from `u`, made to terminate with wasm-smith's
/// `ensure_termination`.
///
/// # Errors
///
/// When `u` cannot drive wasm-smith (the input is then skipped).
pub fn generate(u: &mut Unstructured<'_>, options: Options) -> Result<Generated> {
    let config = config(u, options)?;
    let fuel = u.int_in_range(FUEL)?;
    let mut module = wasm_smith::Module::new(config, u)?;
    module
        .ensure_termination(fuel)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(Generated {
        wasm: module.to_bytes(),
        fuel,
    })
}

/// Calls beyond the first round, while the input lasts: they reach state that only a
/// sequence of calls builds (a grown memory, a filled table, a changed global).
pub const EXTRA_CALLS: usize = 16;

/// Which of `funcs` exported functions the harness calls at step `step`: each one in
/// export order first, then up to [`EXTRA_CALLS`] chosen by the input; `None` when done.
pub fn next_call(u: &mut Unstructured<'_>, step: usize, funcs: usize) -> Option<usize> {
    if step < funcs {
        return Some(step);
    }
    if funcs == 0 || step >= funcs + EXTRA_CALLS || u.is_empty() {
        return None;
    }
    u.choose_index(funcs).ok()
}

/// A WebAssembly value independent of the engine that receives it. References are
/// always null: the harnesses have no functions or host objects to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as bits.
    F32(u32),
    /// An `f64`, as bits.
    F64(u64),
    /// A null `funcref`.
    NullFunc,
    /// A null `externref`.
    NullExtern,
    /// A null `exnref` (modules with exceptions, for ward alone).
    NullExn,
}

/// The type of a parameter, independent of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `funcref`.
    FuncRef,
    /// `externref`.
    ExternRef,
    /// `exnref`.
    ExnRef,
}

/// Arguments of the given types from `u`: zeros once `u` runs dry. Integers favour the
/// values at the edges of their ranges, floats the special ones, so that division,
/// conversions and comparisons meet their corner cases often.
pub fn arguments(u: &mut Unstructured<'_>, types: &[ArgType]) -> Vec<Arg> {
    types
        .iter()
        .map(|ty| argument(u, *ty).unwrap_or(zero(*ty)))
        .collect()
}

fn zero(ty: ArgType) -> Arg {
    match ty {
        ArgType::I32 => Arg::I32(0),
        ArgType::I64 => Arg::I64(0),
        ArgType::F32 => Arg::F32(0),
        ArgType::F64 => Arg::F64(0),
        ArgType::FuncRef => Arg::NullFunc,
        ArgType::ExternRef => Arg::NullExtern,
        ArgType::ExnRef => Arg::NullExn,
    }
}

fn argument(u: &mut Unstructured<'_>, ty: ArgType) -> Result<Arg> {
    const I64_EDGES: [i64; 8] = [0, 1, -1, i64::MIN, i64::MAX, 65_536, 65_535, 8];
    const F64_EDGES: [f64; 8] = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        4294967296.0,
    ];
    let edge = u.ratio(1, 2)?;
    Ok(match ty {
        ArgType::I32 if edge => Arg::I32(*u.choose(&I64_EDGES)? as i32),
        ArgType::I32 => Arg::I32(u.arbitrary()?),
        ArgType::I64 if edge => Arg::I64(*u.choose(&I64_EDGES)?),
        ArgType::I64 => Arg::I64(u.arbitrary()?),
        ArgType::F32 if edge => Arg::F32((*u.choose(&F64_EDGES)? as f32).to_bits()),
        ArgType::F32 => Arg::F32(u.arbitrary()?),
        ArgType::F64 if edge => Arg::F64(u.choose(&F64_EDGES)?.to_bits()),
        ArgType::F64 => Arg::F64(u.arbitrary()?),
        ArgType::FuncRef => Arg::NullFunc,
        ArgType::ExternRef => Arg::NullExtern,
        ArgType::ExnRef => Arg::NullExn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_still_generates_a_module() {
        let mut u = Unstructured::new(&[]);
        let generated = generate(&mut u, Options::default()).unwrap();
        let engine = ward::Engine::default();
        ward::Module::from_binary(&engine, &generated.wasm).unwrap();
    }
}
