//! `ward compile`: compile a module ahead of time into an artifact that `ward run` (and
//! `Module::deserialize`) loads without compiling.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use ward::{Config, Engine, Strategy, TargetCpu};

use crate::engine::FeatureOptions;
use crate::size;

#[derive(Args, Debug)]
pub struct CompileArgs {
    /// The module: a binary `.wasm` file or a `.wat` text file.
    file: PathBuf,
    /// Where to write the artifact [default: FILE with the extension `.cwasm`].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// The CPU the code is for: `baseline` runs on every CPU of the architecture (on
    /// x86-64: x86-64-v2, which has SSE4.2 and POPCNT); `native` is this machine's CPU
    /// with all its features (the fastest code, which may not run elsewhere); or a
    /// named CPU: x86-64-v2, x86-64-v3, x86-64-v4, haswell, skylake, znver3, ...
    /// Machines that lack a feature the code uses refuse to load it.
    #[arg(long, value_name = "CPU", default_value = "baseline")]
    target_cpu: String,
    /// The target triple of the code [default: this machine's]: x86_64-unknown-linux-gnu
    /// or aarch64-unknown-linux-gnu. An artifact for another machine's triple is only
    /// written here; it runs on a machine of that triple.
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
    /// Meter fuel in the code, for `ward run --fuel`.
    #[arg(long)]
    fuel: bool,
    /// Check for interruption in the code, for `ward run --timeout`.
    #[arg(long)]
    interruptible: bool,
    /// Address space each linear memory reserves (K, M, G suffixes): at least 4G lets
    /// the code rely on guard pages instead of bounds checks; `ward run` must then be
    /// given the same memory settings. Default: 4G on 64-bit unix hosts.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_byte_count)]
    memory_reservation: Option<usize>,
    /// Inaccessible address space after each memory's reservation (K, M, G suffixes).
    #[arg(long, value_name = "SIZE", value_parser = size::parse_byte_count)]
    memory_guard_size: Option<usize>,
    #[command(flatten)]
    features: FeatureOptions,
}

/// Runs `ward compile`: writes the artifact and says where.
///
/// # Errors
///
/// Fails when the module does not load or compile, the target is not supported, or
/// the artifact cannot be written.
pub fn execute(args: &CompileArgs) -> anyhow::Result<()> {
    let mut config = Config::new();
    config
        .strategy(Strategy::Cranelift)
        .target_cpu(TargetCpu::from_name(&args.target_cpu))
        .consume_fuel(args.fuel)
        .interruptible(args.interruptible);
    if let Some(target) = &args.target {
        config.target(target);
    }
    if let Some(bytes) = args.memory_reservation {
        config.memory_reservation(bytes as u64);
    }
    if let Some(bytes) = args.memory_guard_size {
        config.memory_guard_size(bytes as u64);
    }
    args.features.apply(&mut config);
    let engine = Engine::new(&config);
    let path = &args.file;
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    let artifact = engine
        .precompile_module(&bytes)
        .with_context(|| format!("failed to compile `{}`", path.display()))?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.file.with_extension("cwasm"));
    std::fs::write(&output, &artifact)
        .with_context(|| format!("failed to write `{}`", output.display()))?;
    Ok(())
}
