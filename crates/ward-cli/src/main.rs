//! The `ward` command line: run, test and inspect WebAssembly modules.

mod compile;
mod engine;
mod inspect;
mod load;
mod report;
mod run;
mod size;
#[cfg(all(feature = "wasi", feature = "wast"))]
mod stack_report;
mod value;
#[cfg(feature = "wasi")]
mod wasi;
#[cfg(feature = "wast")]
mod wast;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Printed after the help text, so that scripts can rely on the exit status.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  usage error (bad command line), I/O error, any other error,
     or `ward wast` with at least one failed directive
  2  the module could not be loaded (malformed or invalid) or linked (unresolved import)
  3  the module trapped (the trap message and wasm backtrace go to stderr)
  A WASI program that calls proc_exit(N) (exit(N) in C) makes ward exit with N
  (its low 8 bits, as a POSIX process status).";

/// A small, fast, stack-safe WebAssembly runtime.
#[derive(Parser)]
#[command(name = "ward", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly module: its `_start` function, or the export named by --invoke.
    /// WASI (preview 1) programs run with the directories, environment and arguments given.
    #[command(after_help = EXIT_CODES)]
    Run(run::RunArgs),
    /// Compile a module ahead of time into an artifact (FILE.cwasm) that `ward run`
    /// loads without compiling.
    #[command(after_help = EXIT_CODES)]
    Compile(compile::CompileArgs),
    /// Run .wast spec test scripts and print a summary.
    #[cfg(feature = "wast")]
    Wast(wast::WastArgs),
    /// Run .wast spec test scripts (not in this build: the `wast` feature).
    #[cfg(not(feature = "wast"))]
    Wast(Absent),
    /// Print a summary of a module: imports, exports, functions, custom sections; for an
    /// artifact, its header first.
    Inspect(inspect::InspectArgs),
    /// Measure this machine's native stack use by ward's paths and built-in host
    /// functions, and check the native stack guard against it.
    #[cfg(all(feature = "wasi", feature = "wast"))]
    StackReport(stack_report::StackReportArgs),
    /// Measure native stack use (not in this build: the `wasi` and `wast` features).
    #[cfg(not(all(feature = "wasi", feature = "wast")))]
    StackReport(Absent),
}

/// The arguments of a command this build leaves out: whatever they are, the command
/// says which cargo feature brings it.
#[derive(Args)]
struct Absent {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

/// The error of a command this build leaves out.
#[cfg(not(all(feature = "wasi", feature = "wast")))]
fn absent(command: &str, features: &str) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build of ward has no `ward {command}` (it needs the {features})")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap exits with 2 on a usage error; ward keeps 2 for load and link errors,
            // so a bad command line is reported with the generic failure code 1.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match &cli.command {
        Command::Run(args) => run::execute(args),
        Command::Compile(args) => compile::execute(args).map(|()| ExitCode::SUCCESS),
        #[cfg(feature = "wast")]
        Command::Wast(args) => wast::execute(args),
        #[cfg(not(feature = "wast"))]
        Command::Wast(_) => absent("wast", "`wast` feature"),
        Command::Inspect(args) => inspect::execute(args).map(|()| ExitCode::SUCCESS),
        #[cfg(all(feature = "wasi", feature = "wast"))]
        Command::StackReport(args) => stack_report::execute(args),
        #[cfg(not(all(feature = "wasi", feature = "wast")))]
        Command::StackReport(_) => absent("stack-report", "`wasi` and `wast` features"),
    };
    result.unwrap_or_else(|err| report::report(&err))
}
