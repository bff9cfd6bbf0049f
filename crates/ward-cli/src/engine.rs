//! Command-line options that configure the engine, shared by the subcommands that execute code.

use clap::{Args, ValueEnum};
use ward::{CompilationMode, Config, Profiler, Strategy};

use crate::size;

/// When function bodies are translated to ward's internal code.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum Compilation {
    /// On the first call of each function: fast startup for big modules.
    #[default]
    Lazy,
    /// All functions while the module is loaded.
    Eager,
}

impl From<Compilation> for CompilationMode {
    fn from(compilation: Compilation) -> Self {
        match compilation {
            Compilation::Lazy => CompilationMode::Lazy,
            Compilation::Eager => CompilationMode::Eager,
        }
    }
}

/// Which tier runs the module's functions.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum Tier {
    /// The interpreter.
    #[default]
    Interpreter,
    /// Native code compiled with Cranelift when the module is loaded.
    Cranelift,
    /// Compiled where the platform and the module allow it, interpreted otherwise.
    Auto,
    /// Compiled with Cranelift, and every module loaded back from its artifact (as
    /// `ward compile` writes it) before it runs: tests artifacts.
    Aot,
}

impl From<Tier> for Strategy {
    fn from(tier: Tier) -> Self {
        match tier {
            Tier::Interpreter => Strategy::Interpreter,
            Tier::Cranelift | Tier::Aot => Strategy::Cranelift,
            Tier::Auto => Strategy::Auto,
        }
    }
}

/// A profiler to tell about compiled code.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Profile {
    /// perf's map file, /tmp/perf-<pid>.map: `perf record -g ward run --strategy
    /// cranelift --profile perfmap ...`, then `perf report` names compiled functions.
    Perfmap,
}

/// Parses `-W NAME[=y|n]`.
fn parse_feature(text: &str) -> Result<(String, bool), String> {
    let (name, on) = match text.split_once('=') {
        None => (text, true),
        Some((name, "y" | "yes" | "true")) => (name, true),
        Some((name, "n" | "no" | "false")) => (name, false),
        Some((_, value)) => return Err(format!("`{value}` is not y or n")),
    };
    if !Config::WASM_FEATURES.contains(&name) {
        return Err(format!(
            "unknown feature `{name}`; known: {}",
            Config::WASM_FEATURES.join(", ")
        ));
    }
    Ok((name.to_owned(), on))
}

/// The WebAssembly features modules may use.
#[derive(Args, Debug)]
pub struct FeatureOptions {
    /// Turns a WebAssembly feature on or off: -W NAME, -W NAME=y or -W NAME=n; may be
    /// repeated. On by default: simd, relaxed-simd, tail-call, function-references,
    /// exceptions, extended-const, multi-memory, memory64. Off by default:
    /// legacy-exceptions, wide-arithmetic, custom-page-sizes.
    #[arg(short = 'W', value_name = "NAME[=y|n]", value_parser = parse_feature)]
    wasm: Vec<(String, bool)>,
}

impl FeatureOptions {
    /// Applies the options to `config`, in order.
    pub fn apply(&self, config: &mut Config) {
        for (name, on) in &self.wasm {
            let known = config.wasm_feature(name, *on);
            debug_assert!(known, "`parse_feature` checked the name");
        }
    }
}

/// Engine settings.
#[derive(Args, Debug)]
pub struct EngineOptions {
    /// Which tier runs the module's functions [default: interpreter; cranelift for an
    /// artifact of `ward compile`].
    #[arg(long, value_enum, value_name = "TIER")]
    strategy: Option<Tier>,
    /// When to translate function bodies.
    #[arg(long, value_enum, default_value_t, value_name = "MODE")]
    compilation: Compilation,
    /// Size of the wasm stack (values and call frames) in bytes; K, M and G suffixes
    /// are binary units, e.g. 512K or 8M. Deeper recursion traps with "call stack exhausted".
    #[arg(long, value_name = "SIZE", value_parser = size::parse_size)]
    stack_size: Option<usize>,
    /// Address space each linear memory reserves (K, M, G suffixes; 0 reserves only its
    /// current size). A memory that fits in its reservation grows in place and never
    /// moves; one that outgrows it is copied. Default: 4G on 64-bit unix hosts.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_byte_count)]
    memory_reservation: Option<usize>,
    /// Inaccessible address space after each memory's reservation (K, M, G suffixes).
    /// Default: 2G on 64-bit unix hosts.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_byte_count)]
    memory_guard_size: Option<usize>,
    /// Describe compiled code to a profiler (with `--strategy cranelift` or `auto`).
    #[arg(long, value_enum, value_name = "PROFILER")]
    profile: Option<Profile>,
    #[command(flatten)]
    native: NativeStackOptions,
    #[command(flatten)]
    features: FeatureOptions,
}

/// Native stack settings.
#[derive(Args, Debug)]
pub struct NativeStackOptions {
    /// Native stack that must stay free below the point where ward calls a host function
    /// or enters wasm (K/M suffixes); less left traps with "native stack overflow".
    /// Default: measured for this platform and build, see `ward stack-report`.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_size)]
    native_stack_guard: Option<usize>,
    /// Most native stack ward may use below its outermost entry (K/M suffixes).
    /// Default: the thread's whole stack.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_size)]
    max_native_stack: Option<usize>,
}

impl NativeStackOptions {
    /// Applies the options to `config`.
    pub fn apply(&self, config: &mut Config) {
        if let Some(bytes) = self.native_stack_guard {
            config.native_stack_guard(bytes);
        }
        if self.max_native_stack.is_some() {
            config.max_native_stack(self.max_native_stack);
        }
    }
}

impl EngineOptions {
    /// Whether modules go through artifacts (`--strategy aot`).
    pub fn artifacts(&self) -> bool {
        matches!(self.strategy, Some(Tier::Aot))
    }

    /// The engine configuration these options describe, for a module (`artifact`
    /// false) or an artifact, which runs compiled unless the options say otherwise.
    pub fn config(&self, artifact: bool) -> Config {
        let mut config = Config::new();
        config.compilation(self.compilation.into());
        let tier = match self.strategy {
            Some(tier) => tier,
            None if artifact => Tier::Cranelift,
            None => Tier::Interpreter,
        };
        config.strategy(tier.into());
        if let Some(Profile::Perfmap) = self.profile {
            config.profiler(Profiler::PerfMap);
        }
        if let Some(bytes) = self.stack_size {
            config.wasm_stack_size(bytes);
        }
        if let Some(bytes) = self.memory_reservation {
            config.memory_reservation(bytes as u64);
        }
        if let Some(bytes) = self.memory_guard_size {
            config.memory_guard_size(bytes as u64);
        }
        self.native.apply(&mut config);
        self.features.apply(&mut config);
        config
    }
}
