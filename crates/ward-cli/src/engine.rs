//! Command-line options that configure the engine, shared by the subcommands that execute code.

use clap::{Args, ValueEnum};
use ward::{CompilationMode, Config};

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

/// Engine settings.
#[derive(Args, Debug)]
pub struct EngineOptions {
    /// When to translate function bodies.
    #[arg(long, value_enum, default_value_t, value_name = "MODE")]
    compilation: Compilation,
    /// Size of the wasm stack (values and call frames) in bytes; K, M and G suffixes
    /// are binary units, e.g. 512K or 8M. Deeper recursion traps with "call stack exhausted".
    #[arg(long, value_name = "SIZE", value_parser = size::parse_size)]
    stack_size: Option<usize>,
}

impl EngineOptions {
    /// The engine configuration these options describe.
    pub fn config(&self) -> Config {
        let mut config = Config::new();
        config.compilation(self.compilation.into());
        if let Some(bytes) = self.stack_size {
            config.wasm_stack_size(bytes);
        }
        config
    }
}
