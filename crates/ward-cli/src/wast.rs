//! `ward wast`: run .wast spec test scripts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::engine::EngineOptions;

/// Native stack of the thread that runs the scripts. Some spec scripts nest deeply and
/// recurse deeply; `ward_wast::run_paths` asks for a generous stack, which the main
/// thread's default (often 8 MiB, sometimes less) may not give.
const RUNNER_STACK_SIZE: usize = 64 << 20;

#[derive(Args, Debug)]
pub struct WastArgs {
    /// .wast scripts, or directories whose .wast scripts are run.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    engine: EngineOptions,
}

/// Runs `ward wast`; the exit code is 0 only if no directive failed. A script that cannot
/// be read or parsed counts as a failed directive.
///
/// # Errors
///
/// Fails when stdout cannot be written or the runner thread cannot be started.
pub fn execute(args: &WastArgs) -> anyhow::Result<ExitCode> {
    let config = args.engine.config(false);
    let artifacts = args.engine.artifacts();
    let failed = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("wast".to_owned())
            .stack_size(RUNNER_STACK_SIZE)
            .spawn_scoped(scope, || -> anyhow::Result<usize> {
                let mut out = std::io::stdout().lock();
                let runner = || {
                    let mut runner = ward_wast::WastRunner::new(&config);
                    runner.set_artifacts(artifacts);
                    runner
                };
                let (_passed, failed) = ward_wast::run_paths_with(&args.paths, runner, &mut out)?;
                out.flush()?;
                Ok(failed)
            })
            .context("failed to start the thread that runs the scripts")?
            .join()
            .map_err(|_| anyhow::anyhow!("the script runner panicked"))?
    })?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
