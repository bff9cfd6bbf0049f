//! Engine configuration.

use crate::prelude::*;
use wasmparser::WasmFeatures;

/// When function bodies are translated to ward's internal code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompilationMode {
    /// Validate every body when the module is loaded; translate each one on its first call.
    /// Start-up stays fast for big modules of which only a part runs.
    #[default]
    Lazy,
    /// Validate and translate every body, in one pass, when the module is loaded.
    Eager,
}

/// Which tier runs a module's functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The interpreter: instant start, no executable memory, every platform.
    #[default]
    Interpreter,
    /// Native code compiled with Cranelift when the module is loaded. Loading fails
    /// where the compiled tier is not available (a platform it does not support, a
    /// build without the `cranelift` feature) or the module uses something it does not
    /// compile yet.
    Cranelift,
    /// Compiled where the platform supports it and the module uses nothing the compiled
    /// tier does not compile; interpreted otherwise.
    Auto,
}

/// The CPU that the compiled tier generates code for.
#[derive(Clone, Debug, PartialEq, Eq, Default, Hash)]
pub enum TargetCpu {
    /// The machine ward runs on, with every instruction-set extension it has: the
    /// fastest code, for code compiled and run in the same process (the default).
    #[default]
    Native,
    /// Any CPU of the architecture: on x86-64, x86-64-v2 (SSE4.2, POPCNT, CMPXCHG16B),
    /// which every x86-64 CPU made since 2009 has; on AArch64, the base instruction
    /// set. What `ward compile` targets unless told otherwise.
    Baseline,
    /// A named CPU: on x86-64, `x86-64-v2`, `x86-64-v3` or `x86-64-v4`, or one of
    /// Cranelift's CPU presets (`haswell`, `skylake`, `znver3`, ...).
    Named(String),
}

impl TargetCpu {
    /// The CPU `name` denotes: `native`, `baseline`, or a named CPU.
    pub fn from_name(name: &str) -> TargetCpu {
        match name {
            "native" => TargetCpu::Native,
            "baseline" => TargetCpu::Baseline,
            other => TargetCpu::Named(other.to_owned()),
        }
    }
}

impl core::fmt::Display for TargetCpu {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TargetCpu::Native => f.write_str("native"),
            TargetCpu::Baseline => f.write_str("baseline"),
            TargetCpu::Named(name) => f.write_str(name),
        }
    }
}

/// Which profiler ward tells about the code it compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profiler {
    /// None.
    #[default]
    None,
    /// Linux `perf`'s map files: each compiled function's address range and name are
    /// appended to `/tmp/perf-<pid>.map` as its module is compiled, so that `perf
    /// report` names compiled wasm functions (`wasm[<module>]::<function>`). The file
    /// is not removed at exit; perf reads it after the process ends.
    PerfMap,
}

/// The default size of the wasm stack: 1 MiB holds 131,072 value cells and
/// 16,384 call frames, enough for recursion 10,000 deep in a small function
/// (fac or fib use 3 to 6 cells a frame).
pub const DEFAULT_WASM_STACK_SIZE: usize = 1 << 20;

/// The address space a linear memory reserves by default: its whole 32-bit index space
/// on 64-bit unix hosts, so that no 32-bit memory ever moves; nothing beyond its
/// current size elsewhere (there, memories move when they grow).
pub const DEFAULT_MEMORY_RESERVATION: u64 = if cfg!(all(unix, target_pointer_width = "64")) {
    4 << 30
} else {
    0
};

/// The inaccessible address space after each memory's reservation by default: 2 GiB on
/// 64-bit unix hosts, enough for compiled code to leave out the bounds check of any
/// access whose static offset is below 2 GiB; none elsewhere.
pub const DEFAULT_MEMORY_GUARD_SIZE: u64 = if cfg!(all(unix, target_pointer_width = "64")) {
    2 << 30
} else {
    0
};

/// Bytes of the wasm stack budget that one call frame costs beyond its value cells.
/// A frame with no locals and no operands still uses this much, so endless recursion
/// of even the smallest function ends in [`TrapKind::StackOverflow`](crate::TrapKind).
pub(crate) const FRAME_COST_BYTES: usize = 64;

/// Settings shared by every module and store of an [`Engine`](crate::Engine).
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) compilation: CompilationMode,
    pub(crate) wasm_stack_size: usize,
    pub(crate) features: WasmFeatures,
    pub(crate) native_stack_guard: usize,
    pub(crate) max_native_stack: Option<usize>,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    pub(crate) memory_reservation: u64,
    pub(crate) memory_guard_size: u64,
    pub(crate) strategy: Strategy,
    pub(crate) profiler: Profiler,
    pub(crate) target_cpu: TargetCpu,
    pub(crate) target: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            compilation: CompilationMode::default(),
            wasm_stack_size: DEFAULT_WASM_STACK_SIZE,
            features: default_features(),
            native_stack_guard: crate::native_stack::DEFAULT_NATIVE_STACK_GUARD,
            max_native_stack: None,
            consume_fuel: false,
            interruptible: false,
            memory_reservation: DEFAULT_MEMORY_RESERVATION,
            memory_guard_size: DEFAULT_MEMORY_GUARD_SIZE,
            strategy: Strategy::default(),
            profiler: Profiler::default(),
            target_cpu: TargetCpu::default(),
            target: None,
        }
    }
}

/// WebAssembly 2.0 and the 3.0 proposals both tiers run; without SIMD where this build
/// of ward has none.
fn default_features() -> WasmFeatures {
    #[allow(unused_mut)]
    let mut features = WasmFeatures::WASM2
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::MEMORY64
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::EXCEPTIONS;
    #[cfg(not(feature = "simd"))]
    features.remove(WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD);
    features
}

impl Config {
    /// The default configuration: WebAssembly 2.0 (including fixed-width SIMD) with the
    /// parts of 3.0 both tiers run (tail calls, extended constant expressions,
    /// multi-memory, relaxed SIMD), lazy
    /// translation, a 1 MiB wasm stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the tier that runs modules' functions (default:
    /// [`Strategy::Interpreter`]).
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Self {
        self.strategy = strategy;
        self
    }

    /// The configured strategy.
    pub fn get_strategy(&self) -> Strategy {
        self.strategy
    }

    /// Tells `profiler` about compiled code (default: [`Profiler::None`]). Only the
    /// compiled tier's code is described; interpreted functions show up as the
    /// interpreter's handlers.
    pub fn profiler(&mut self, profiler: Profiler) -> &mut Self {
        self.profiler = profiler;
        self
    }

    /// The configured profiler.
    pub fn get_profiler(&self) -> Profiler {
        self.profiler
    }

    /// Chooses the CPU compiled code is generated for (default: [`TargetCpu::Native`]).
    /// Code for another CPU than this machine's matters for artifacts
    /// ([`Module::serialize`](crate::Module::serialize)) that other machines load: they
    /// check, before running anything, that they have every feature the code uses.
    pub fn target_cpu(&mut self, cpu: TargetCpu) -> &mut Self {
        self.target_cpu = cpu;
        self
    }

    /// The CPU compiled code is generated for.
    pub fn get_target_cpu(&self) -> &TargetCpu {
        &self.target_cpu
    }

    /// Chooses the target triple compiled code is generated for (default: this
    /// machine's), to cross-compile artifacts: `x86_64-unknown-linux-gnu` or
    /// `aarch64-unknown-linux-gnu` (with the `all-arch` feature for the one that is not
    /// this machine's architecture). Code for another triple never runs here: an engine
    /// with a foreign target only writes artifacts
    /// ([`Engine::precompile_module`](crate::Engine::precompile_module)), and
    /// [`Module::new`](crate::Module::new) refuses to compile for it. The target CPU
    /// must then be `baseline` or a named CPU of that architecture. An unknown or
    /// unsupported triple is a compile error when the engine first compiles.
    pub fn target(&mut self, triple: &str) -> &mut Self {
        self.target = Some(triple.to_owned());
        self
    }

    /// The target triple compiled code is generated for, when not this machine's.
    pub fn get_target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// Chooses when function bodies are translated.
    pub fn compilation(&mut self, mode: CompilationMode) -> &mut Self {
        self.compilation = mode;
        self
    }

    /// The size in bytes of the wasm stack (value cells and call frames) of each store.
    /// Exhausting it traps with [`TrapKind::StackOverflow`](crate::TrapKind). Compiled
    /// code keeps its frames on the native stack: there this is the most native stack
    /// its frames may take below the thread's outermost entry into wasm (less where the
    /// thread's stack, less the guard, is smaller).
    pub fn wasm_stack_size(&mut self, bytes: usize) -> &mut Self {
        self.wasm_stack_size = bytes;
        self
    }

    /// The native stack, in bytes, that must stay free below the point where ward
    /// hands control to code it does not control: checked at every entry into wasm and
    /// before every host-function call. Failing the check traps with
    /// [`TrapKind::NativeStackOverflow`](crate::TrapKind). The default,
    /// [`DEFAULT_NATIVE_STACK_GUARD`](crate::native_stack::DEFAULT_NATIVE_STACK_GUARD), covers
    /// ward's own path and its built-in host functions; raise it for host functions that
    /// use more stack (see `ward stack-report` and docs/stack.md).
    pub fn native_stack_guard(&mut self, bytes: usize) -> &mut Self {
        self.native_stack_guard = bytes;
        self
    }

    /// The most native stack ward may use, counted from the outermost entry into wasm
    /// on a thread; `None` (the default) lets it use the thread's whole stack.
    pub fn max_native_stack(&mut self, bytes: Option<usize>) -> &mut Self {
        self.max_native_stack = bytes;
        self
    }

    /// Makes wasm consume fuel: one unit per instruction, charged per region of
    /// straight-line code; a store then runs only while it has fuel
    /// ([`Store::set_fuel`](crate::Store::set_fuel)) and traps with
    /// [`TrapKind::OutOfFuel`](crate::TrapKind) when it runs out. Off by default, when it
    /// costs nothing: the metering ops are not even emitted.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Self {
        self.consume_fuel = on;
        self
    }

    /// Lets another thread stop a running call through an
    /// [`InterruptHandle`](crate::InterruptHandle): the call traps with
    /// [`TrapKind::Interrupted`](crate::TrapKind) at its next loop iteration or function
    /// call. Off by default, when it costs nothing.
    pub fn interruptible(&mut self, on: bool) -> &mut Self {
        self.interruptible = on;
        self
    }

    /// The address space, in bytes, that each linear memory reserves when it is created
    /// (at least its initial size). A memory whose maximum size fits in the reservation
    /// grows in place and never moves: growth only makes more of the reservation
    /// accessible. A memory that may outgrow it moves to a larger reservation (its bytes
    /// are copied) when it does. Reserved address space costs no memory until it is
    /// used. Default: [`DEFAULT_MEMORY_RESERVATION`] (4 GiB on 64-bit unix hosts, the
    /// whole index space of a 32-bit memory).
    pub fn memory_reservation(&mut self, bytes: u64) -> &mut Self {
        self.memory_reservation = bytes;
        self
    }

    /// The inaccessible address space, in bytes, that follows each memory's
    /// reservation, so that an access a little past a memory's end faults instead of
    /// touching anything else. Default: [`DEFAULT_MEMORY_GUARD_SIZE`] (2 GiB on 64-bit
    /// unix hosts). Compiled code relies on it; the interpreter checks every access, so
    /// with [`Strategy::Interpreter`] memories take no guard, whatever this says.
    pub fn memory_guard_size(&mut self, bytes: u64) -> &mut Self {
        self.memory_guard_size = bytes;
        self
    }

    /// The configured memory reservation in bytes.
    pub fn get_memory_reservation(&self) -> u64 {
        self.memory_reservation
    }

    /// The configured guard size in bytes.
    pub fn get_memory_guard_size(&self) -> u64 {
        self.memory_guard_size
    }

    /// Whether fuel is consumed.
    pub fn get_consume_fuel(&self) -> bool {
        self.consume_fuel
    }

    /// Whether calls can be interrupted.
    pub fn get_interruptible(&self) -> bool {
        self.interruptible
    }

    /// The configured native stack guard in bytes.
    pub fn get_native_stack_guard(&self) -> usize {
        self.native_stack_guard
    }

    /// The configured native stack cap in bytes.
    pub fn get_max_native_stack(&self) -> Option<usize> {
        self.max_native_stack
    }

    pub(crate) fn stack_limits(&self) -> crate::native_stack::Limits {
        crate::native_stack::Limits {
            guard: self.native_stack_guard,
            entry: crate::native_stack::entry_need(),
            cap: self.max_native_stack,
            wasm: self.wasm_stack_size,
        }
    }

    /// The names of the WebAssembly features that [`Config::wasm_feature`] switches
    /// (the command line's `-W NAME`), each with the switch it stands for.
    pub const WASM_FEATURES: [&'static str; 11] = [
        "simd",
        "relaxed-simd",
        "tail-call",
        "function-references",
        "exceptions",
        "legacy-exceptions",
        "extended-const",
        "multi-memory",
        "memory64",
        "wide-arithmetic",
        "custom-page-sizes",
    ];

    /// Turns the WebAssembly feature named `name` (one of [`Config::WASM_FEATURES`]) on
    /// or off, as its own switch does (`"tail-call"`: [`Config::wasm_tail_call`]);
    /// false, changing nothing, for another name.
    pub fn wasm_feature(&mut self, name: &str, on: bool) -> bool {
        match name {
            "simd" => self.wasm_simd(on),
            "relaxed-simd" => self.wasm_relaxed_simd(on),
            "tail-call" => self.wasm_tail_call(on),
            "function-references" => self.wasm_function_references(on),
            "exceptions" => self.wasm_exceptions(on),
            "legacy-exceptions" => self.wasm_legacy_exceptions(on),
            "extended-const" => self.wasm_extended_const(on),
            "multi-memory" => self.wasm_multi_memory(on),
            "memory64" => self.wasm_memory64(on),
            "wide-arithmetic" => self.wasm_wide_arithmetic(on),
            "custom-page-sizes" => self.wasm_custom_page_sizes(on),
            _ => return false,
        };
        true
    }

    /// The features modules are validated with: an error, naming the cargo feature,
    /// when one of them needs code this build of ward left out.
    pub(crate) fn validation_features(&self) -> crate::Result<WasmFeatures> {
        #[cfg(not(feature = "simd"))]
        if self
            .features
            .intersects(WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD)
        {
            return Err(crate::Error::Compile {
                message: "this build of ward has no SIMD (the `simd` feature): \
                          turn `Config::wasm_simd` off"
                    .into(),
                offset: 0,
            });
        }
        Ok(self.features)
    }

    fn feature(&mut self, feature: WasmFeatures, on: bool) -> &mut Self {
        self.features.set(feature, on);
        self
    }

    /// Accepts fixed-width SIMD (`v128`) in modules. On by default; with it off, a module
    /// that uses `v128` fails to load with a validation error. Turning it off turns
    /// relaxed SIMD off too.
    ///
    /// Builds of ward without the `simd` feature have it off by default, and turning it
    /// on makes every module fail to load with an error that names the feature.
    pub fn wasm_simd(&mut self, on: bool) -> &mut Self {
        if !on {
            self.feature(WasmFeatures::RELAXED_SIMD, false);
        }
        self.feature(WasmFeatures::SIMD, on)
    }

    /// Accepts several memories in one module (WebAssembly 3.0), with the memory
    /// operators' memory index. On by default.
    pub fn wasm_multi_memory(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::MULTI_MEMORY, on)
    }

    /// Accepts 64-bit memories and tables (memory64, WebAssembly 3.0): memories and
    /// tables declared `i64`, whose addresses, indices, sizes and lengths are `i64`s.
    /// On by default. ward holds at most 4 GiB in a memory and `u32::MAX` elements in
    /// a table whatever their index type: growing past that fails (`-1`), and a memory
    /// or table whose minimum is larger cannot be instantiated. Compiled code checks
    /// the bounds of every access to a 64-bit memory, since its addresses reach past
    /// any guard region.
    pub fn wasm_memory64(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::MEMORY64, on)
    }

    /// Accepts exception handling (WebAssembly 3.0): tags, `try_table`, `throw`,
    /// `throw_ref` and `exnref`. On by default. The interpreter runs them; the compiled
    /// tier does not compile the instructions yet, so [`Strategy::Cranelift`] refuses a
    /// module that has them and [`Strategy::Auto`] interprets it. An exception no handler catches
    /// reaches the embedder as a trap of kind [`TrapKind::Exception`](crate::TrapKind),
    /// whose [`Trap::exception`](crate::Trap::exception) gives its tag and values; a
    /// host function throws one by returning [`Trap::throw`](crate::Trap::throw).
    pub fn wasm_exceptions(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::EXCEPTIONS, on)
    }

    /// Accepts the legacy exception-handling instructions (`try`, `catch`,
    /// `catch_all`, `delegate`, `rethrow`), which toolchains still emit (Emscripten's
    /// and LLVM's older output for C++ exceptions), in the interpreter as
    /// [`Config::wasm_exceptions`] is. Off by default: they are not part of
    /// WebAssembly 3.0, which has `try_table` instead.
    pub fn wasm_legacy_exceptions(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::LEGACY_EXCEPTIONS, on)
    }

    /// Accepts the extended constant expressions (WebAssembly 3.0): `add`, `sub` and
    /// `mul` of integers in initialisers. On by default.
    pub fn wasm_extended_const(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::EXTENDED_CONST, on)
    }

    /// Accepts relaxed SIMD (WebAssembly 3.0), with one choice for each operator, the
    /// same in both tiers and on every machine: each behaves as its strict twin where
    /// it has one (`relaxed_swizzle` as `swizzle`, `relaxed_trunc` as `trunc_sat`,
    /// `relaxed_laneselect` as `bitselect`, `relaxed_min`/`max` as `min`/`max`,
    /// `relaxed_q15mulr_s` as `q15mulr_sat_s`), the multiply-adds round after the
    /// product and after the sum, and the dot products take both operands as signed
    /// bytes and sum each pair of products as a wrapping `i16`. On by default; turning
    /// it on turns [`Config::wasm_simd`] on too.
    pub fn wasm_relaxed_simd(&mut self, on: bool) -> &mut Self {
        if on {
            self.feature(WasmFeatures::SIMD, true);
        }
        self.feature(WasmFeatures::RELAXED_SIMD, on)
    }

    /// Accepts tail calls (WebAssembly 3.0): `return_call` and `return_call_indirect`,
    /// which replace the caller's frame, so that a chain of tail calls of any length
    /// runs in constant stack in either tier. On by default.
    pub fn wasm_tail_call(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::TAIL_CALL, on)
    }

    /// Accepts typed function references (WebAssembly 3.0): reference types that name
    /// a function type or exclude null (`(ref $t)`, `(ref null func)`), `call_ref` and
    /// `return_call_ref`, `ref.as_non_null`, `br_on_null`, `br_on_non_null`,
    /// non-nullable locals and tables with initialisers. On by default. The API sees
    /// these types as [`ValType::Ref`](crate::ValType::Ref).
    ///
    /// With it come the parts of WebAssembly 3.0's type system that the GC proposal
    /// brought and that need no GC heap: recursion groups of function types (`rec`;
    /// two types of one group are distinct, and imports and `call_indirect` match
    /// them by identity) and constant expressions that read globals the module
    /// defines. Struct and array types, declared subtypes, GC's reference types and
    /// instructions are refused when a module loads.
    pub fn wasm_function_references(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::FUNCTION_REFERENCES, on)
    }

    /// Accepts the custom-page-sizes proposal: memories of one-byte pages, declared
    /// with `(pagesize 1)`. Off by default: the proposal is not part of a standard
    /// yet. Compiled code checks the bounds of every access to such a memory, since
    /// guard pages cannot catch an access just past its end.
    pub fn wasm_custom_page_sizes(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::CUSTOM_PAGE_SIZES, on)
    }

    /// Accepts the wide-arithmetic proposal: `i64.add128`, `i64.sub128`,
    /// `i64.mul_wide_s` and `i64.mul_wide_u` (128-bit results as two `i64`s). Off by
    /// default: the proposal is not part of a standard yet.
    pub fn wasm_wide_arithmetic(&mut self, on: bool) -> &mut Self {
        self.feature(WasmFeatures::WIDE_ARITHMETIC, on)
    }

    /// The current compilation mode.
    pub fn get_compilation(&self) -> CompilationMode {
        self.compilation
    }

    /// The configured wasm stack size in bytes.
    pub fn get_wasm_stack_size(&self) -> usize {
        self.wasm_stack_size
    }
}
