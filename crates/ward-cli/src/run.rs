//! `ward run`: instantiate a module and call its `_start` function or a chosen export,
//! with WASI preview 1 for the programs that import it (in builds with the `wasi`
//! feature).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{ArgAction, Args};
use ward::{Engine, ExternType, FuncType, Linker, Module, Store, Val};
#[cfg(feature = "wasi")]
use ward_wasi::{I32Exit, WasiCtx};

use crate::engine::EngineOptions;
use crate::report::{MissingImport, UnresolvedImports};
#[cfg(feature = "wasi")]
use crate::wasi::WasiOptions;
use crate::{load, size, value};

/// The function run when no `--invoke` is given, as in WASI commands.
const START: &str = "_start";
/// The function that sets up a WASI reactor before `--invoke` calls one of its exports.
const INITIALIZE: &str = "_initialize";

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The module: a binary `.wasm` file, a `.wat` text file, or an artifact of `ward
    /// compile` (recognised by its contents, whatever its name).
    file: PathBuf,
    /// Call the exported function NAME with ARGS instead of `_start`, and print its results,
    /// one per line. Integers are decimal or 0x hexadecimal, floats decimal, nan, inf or -inf.
    /// A module that exports `_initialize` (a WASI reactor) has it called first.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    #[command(flatten)]
    engine: EngineOptions,
    /// The most bytes each linear memory may grow to; K, M and G suffixes are binary units.
    /// Past it memory.grow returns -1, and a module whose memory starts larger fails to
    /// instantiate.
    #[arg(long, value_name = "SIZE", value_parser = size::parse_size)]
    max_memory: Option<usize>,
    /// Run with N units of fuel, one per wasm instruction executed; running out traps
    /// with "all fuel consumed".
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Stop the program after DURATION (e.g. 500ms, 2s, 1m; a bare number is seconds):
    /// it traps with "interrupted" at its next loop iteration or call.
    #[arg(long, value_name = "DURATION", value_parser = size::parse_duration)]
    timeout: Option<std::time::Duration>,
    /// Log what ward does on stderr: loading, preopens, the call and how it ended.
    /// Twice (-vv) also logs every WASI call with its arguments and result.
    #[arg(short, long, action = ArgAction::Count)]
    verbose: u8,
    /// The program's arguments (it sees the module path as its first), or with --invoke
    /// the function's arguments. Everything after the first argument is an argument, so
    /// ward's options go before it; `--` ends ward's options.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<String>,
    #[cfg(feature = "wasi")]
    #[command(flatten)]
    wasi: WasiOptions,
}

/// Interrupts a store's running call once a timeout passes, unless dropped first.
struct Watchdog {
    cancel: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(handle: ward::InterruptHandle, timeout: std::time::Duration) -> Watchdog {
        let (cancel, cancelled) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(timeout)
            {
                handle.interrupt();
            }
        });
        Watchdog {
            cancel: Some(cancel),
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.cancel.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Messages for `-v`, on stderr.
struct Log {
    verbose: u8,
}

impl Log {
    fn info(&self, message: impl FnOnce() -> String) {
        if self.verbose > 0 {
            eprintln!("ward: {}", message());
        }
    }
}

/// Runs `ward run` and returns ward's exit code: the program's exit status when it
/// called `proc_exit` (its low 8 bits, as on POSIX), else success.
///
/// # Errors
///
/// Fails when the module cannot be loaded or linked, when a directory cannot be
/// preopened, when the arguments do not fit the function, or when the module traps
/// (the error then holds the [`ward::Trap`]).
pub fn execute(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let log = Log {
        verbose: args.verbose,
    };
    let file = args.file.display().to_string();
    let artifact = load::is_artifact(&args.file);
    let mut config = args.engine.config(artifact);
    config.consume_fuel(args.fuel.is_some());
    config.interruptible(args.timeout.is_some());
    let engine = Engine::new(&config);
    let loading = Instant::now();
    // The process ends soon after the module does: freeing its code (a great many small
    // allocations for a big module) is left to the exit.
    let module = std::mem::ManuallyDrop::new(load::module(
        &engine,
        &args.file,
        artifact,
        args.engine.artifacts(),
    )?);
    log.info(|| format!("loaded `{file}` in {:.1?}", loading.elapsed()));
    let entry = match entry_point(&module, args.invoke.as_deref())? {
        Some((name, ty)) => {
            let call_args: &[String] = if args.invoke.is_some() {
                &args.args
            } else {
                &[]
            };
            let params = parse_params(&name, &ty, call_args)?;
            Some((name, ty, params))
        }
        None => None,
    };

    #[cfg(feature = "wasi")]
    let ctx = {
        // A command gets its arguments after its own name; with --invoke the arguments
        // are the function's, and the program sees only its name.
        let mut program_args = vec![file.clone()];
        if args.invoke.is_none() {
            program_args.extend(args.args.iter().cloned());
        }
        let mut ctx = args.wasi.build(&program_args)?;
        ctx.set_trace(args.verbose >= 2);
        for (dir, perms) in args.wasi.preopens() {
            log.info(|| {
                format!(
                    "preopened `{}` as `{}` ({perms:?})",
                    dir.host.display(),
                    dir.guest
                )
            });
        }
        ctx
    };
    #[cfg(not(feature = "wasi"))]
    let ctx = ();
    let mut store = Store::new(&engine, ctx);
    if let Some(max) = args.max_memory {
        store.limit_memory(max);
        log.info(|| format!("linear memories are limited to {max} bytes"));
    }
    if let Some(fuel) = args.fuel {
        store.set_fuel(fuel)?;
        log.info(|| format!("running with {fuel} units of fuel"));
    }
    // Interrupts the program when the timeout passes; dropped (and stopped) on return.
    let _watchdog = match args.timeout {
        Some(timeout) => {
            log.info(|| format!("the program may run for {timeout:?}"));
            Some(Watchdog::start(store.interrupt_handle()?, timeout))
        }
        None => None,
    };
    #[cfg_attr(not(feature = "wasi"), expect(unused_mut, reason = "no WASI to add"))]
    let mut linker = Linker::new(&engine);
    // Only the WASI functions the module imports: the others would never be called.
    #[cfg(feature = "wasi")]
    ward_wasi::add_imports_to_linker(&mut linker, &module, |ctx: &mut WasiCtx| ctx)?;
    check_imports(&linker, &mut store, &module)?;
    // Instantiation runs the module's start function, if it has one.
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) => {
            return exit_status(err, &log)
                .with_context(|| format!("failed to instantiate `{file}`"))
        }
    };
    let Some((name, ty, params)) = entry else {
        return Ok(ExitCode::SUCCESS);
    };
    // A WASI reactor (a library module) sets itself up in `_initialize`, which must run
    // before any of its other exports is called.
    if args.invoke.is_some() && name != INITIALIZE {
        if let Ok(init) = instance.get_typed_func::<(), ()>(&store, INITIALIZE) {
            log.info(|| format!("calling `{INITIALIZE}`"));
            if let Err(err) = init.call(&mut store, ()) {
                return exit_status(err, &log)
                    .with_context(|| format!("failed to call `{INITIALIZE}`"));
            }
        }
    }
    let func = instance
        .get_func(&store, &name)
        .with_context(|| format!("the instance has no function `{name}`"))?;

    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|&ty| Val::default_for(ty))
        .collect();
    log.info(|| format!("calling `{name}`"));
    let running = Instant::now();
    if let Err(err) = func.call(&mut store, &params, &mut results) {
        note_exception(&store, &instance, &err);
        return exit_status(err, &log).with_context(|| format!("failed to call `{name}`"));
    }
    log.info(|| format!("`{name}` returned after {:.1?}", running.elapsed()));

    let mut out = std::io::stdout().lock();
    for result in &results {
        writeln!(out, "{}", value::format(result))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// For an uncaught wasm exception, says on stderr what it carries: its tag (by the
/// name the instance exports it under, if it does) and its values.
fn note_exception<T>(store: &Store<T>, instance: &ward::Instance, err: &ward::Error) {
    let Some(exception) = err.as_trap().and_then(ward::Trap::exception) else {
        return;
    };
    let tag = exception.tag(store);
    let exported = instance
        .exports(store)
        .into_iter()
        .find(|(_, export)| matches!(export, ward::Extern::Tag(t) if *t == tag));
    let tag = match exported {
        Some((name, _)) => format!("tag `{name}`"),
        None => "a tag the module does not export".to_string(),
    };
    let values: Vec<String> = exception.values(store).iter().map(value::format).collect();
    eprintln!(
        "note: the uncaught exception is of {tag}, with values [{}]",
        values.join(", ")
    );
}

/// The exit code for a guest that called `proc_exit`; any other error is returned.
#[cfg(feature = "wasi")]
fn exit_status(err: ward::Error, log: &Log) -> Result<ExitCode, ward::Error> {
    match I32Exit::from_error(&err) {
        Some(I32Exit(status)) => {
            log.info(|| format!("the program exited with status {status}"));
            // As a POSIX process's status, the low 8 bits: exit(-1) is 255.
            Ok(ExitCode::from(status as u8))
        }
        None => Err(err),
    }
}

/// Without WASI no guest can call `proc_exit`: every error is returned.
#[cfg(not(feature = "wasi"))]
fn exit_status(err: ward::Error, _log: &Log) -> Result<ExitCode, ward::Error> {
    Err(err)
}

/// Fails with every import of `module` that `linker` does not define, all at once.
fn check_imports<T: 'static>(
    linker: &Linker<T>,
    store: &mut Store<T>,
    module: &Module,
) -> anyhow::Result<()> {
    let missing: Vec<MissingImport> = module
        .imports()
        .filter(|import| {
            linker
                .get(&mut *store, import.module(), import.name())
                .is_none()
        })
        .map(|import| MissingImport {
            module: import.module().to_owned(),
            name: import.name().to_owned(),
            ty: import.ty(),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(UnresolvedImports(missing).into())
    }
}

/// Picks the exported function to call: `invoke` if given, else `_start`. A module that
/// has neither but has a start section runs only that (`None`); a module with no entry
/// point at all is an error that lists its exported functions.
fn entry_point(
    module: &Module,
    invoke: Option<&str>,
) -> anyhow::Result<Option<(String, FuncType)>> {
    let name = invoke.unwrap_or(START);
    match module.get_export(name) {
        Some(ExternType::Func(ty)) => Ok(Some((name.to_owned(), ty))),
        Some(other) => bail!("the export `{name}` is not a function: it is {other}"),
        None if invoke.is_none() && module.start().is_some() => Ok(None),
        None => {
            let funcs: Vec<String> = module
                .exports()
                .filter(|export| matches!(export.ty(), ExternType::Func(_)))
                .map(|export| format!("`{}`", export.name()))
                .collect();
            let available = if funcs.is_empty() {
                "the module exports no functions".to_owned()
            } else {
                format!("exported functions: {}", funcs.join(", "))
            };
            match invoke {
                Some(_) => bail!("the module exports no function `{name}`; {available}"),
                None => bail!(
                    "the module exports no `{START}` function; choose one with --invoke NAME ({available})"
                ),
            }
        }
    }
}

/// Parses the command-line arguments of `name` according to its parameter types.
fn parse_params(name: &str, ty: &FuncType, args: &[String]) -> anyhow::Result<Vec<Val>> {
    if args.len() != ty.params().len() {
        bail!(
            "`{name}` expects {} argument(s), got {}; its type is {ty}",
            ty.params().len(),
            args.len()
        );
    }
    ty.params()
        .iter()
        .zip(args)
        .enumerate()
        .map(|(index, (&ty, arg))| {
            value::parse(arg, ty)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("argument {} of `{name}`", index + 1))
        })
        .collect()
}
