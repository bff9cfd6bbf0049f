//! `ward run`: instantiate a module and call its `_start` function or a chosen export.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use ward::{Engine, ExternType, FuncType, Linker, Module, Store, Val};

use crate::engine::EngineOptions;
use crate::report::{MissingImport, UnresolvedImports};
use crate::{load, value};

/// The function run when no `--invoke` is given, as in WASI commands.
const START: &str = "_start";

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The module: a binary `.wasm` file or a `.wat` text file.
    file: PathBuf,
    /// Call the exported function NAME with ARGS instead of `_start`, and print its results,
    /// one per line. Integers are decimal or 0x hexadecimal, floats decimal, nan, inf or -inf.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    #[command(flatten)]
    engine: EngineOptions,
    /// Arguments for the function named by --invoke (ignored by `_start` for now).
    /// Everything after the first argument is an argument, so options go before it.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<String>,
}

/// Runs `ward run`.
///
/// # Errors
///
/// Fails when the module cannot be loaded or linked, when the arguments do not fit the
/// function, or when the module traps (the error then holds the [`ward::Trap`]).
pub fn execute(args: &RunArgs) -> anyhow::Result<()> {
    let engine = Engine::new(&args.engine.config());
    let module = load::module(&engine, &args.file)?;
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

    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    check_imports(&linker, &mut store, &module)?;
    // Instantiation runs the module's start function, if it has one.
    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("failed to instantiate `{}`", args.file.display()))?;
    let Some((name, ty, params)) = entry else {
        return Ok(());
    };
    let func = instance
        .get_func(&store, &name)
        .with_context(|| format!("the instance has no function `{name}`"))?;

    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|&ty| Val::default_for(ty))
        .collect();
    func.call(&mut store, &params, &mut results)
        .with_context(|| format!("failed to call `{name}`"))?;

    let mut out = std::io::stdout().lock();
    for result in &results {
        writeln!(out, "{}", value::format(result))?;
    }
    out.flush()?;
    Ok(())
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
