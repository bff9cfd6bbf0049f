//! `ward inspect`: a readable summary of a module.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use ward::{ArtifactHeader, Engine, ExternType, Module};

use crate::engine::FeatureOptions;
use crate::load;

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The module: a binary `.wasm` file, a `.wat` text file, or an artifact of `ward
    /// compile`.
    file: PathBuf,
    /// Print ward's translated code of a function instead: its index (imports first) or
    /// its exported name.
    #[arg(long, value_name = "FUNC")]
    disassemble: Option<String>,
    /// The features a module (not an artifact, which records its own) may use.
    #[command(flatten)]
    features: FeatureOptions,
}

/// Runs `ward inspect`.
///
/// # Errors
///
/// Fails when the module cannot be loaded or stdout cannot be written.
pub fn execute(args: &InspectArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let artifact = load::is_artifact(&args.file);
    let engine = if artifact {
        // The header first: it says why an artifact that does not load here does not.
        let bytes = std::fs::read(&args.file)
            .with_context(|| format!("failed to read `{}`", args.file.display()))?;
        let header = ArtifactHeader::parse(&bytes)
            .with_context(|| format!("failed to load `{}`", args.file.display()))?;
        writeln!(out, "artifact: {}", args.file.display())?;
        for line in header.to_string().lines() {
            writeln!(out, "  {line}")?;
        }
        if header.target != Module::host_target() {
            // The header is all there is to show: the module is loaded with its code,
            // which is for another machine.
            writeln!(out, "(compiled for another machine: not loaded here)")?;
            out.flush()?;
            return Ok(());
        }
        out.flush()?;
        Engine::new(&header.config())
    } else {
        let mut config = ward::Config::new();
        args.features.apply(&mut config);
        Engine::new(&config)
    };
    let module = load::module(&engine, &args.file, artifact, false)?;
    match &args.disassemble {
        Some(func) => {
            let index = func_index(&module, func)?;
            out.write_all(module.disassemble(index)?.as_bytes())?;
        }
        None => write_summary(&mut out, &args.file, &module)?,
    }
    out.flush()?;
    Ok(())
}

/// The index of function `func`: a number, or the name of an exported function.
fn func_index(module: &Module, func: &str) -> anyhow::Result<u32> {
    if let Ok(index) = func.parse::<u32>() {
        return Ok(index);
    }
    module
        .export_func_index(func)
        .ok_or_else(|| anyhow::anyhow!("the module exports no function named `{func}`"))
}

/// The keyword of an extern's kind in the text format.
fn kind(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "func",
        ExternType::Memory(_) => "memory",
        ExternType::Table(_) => "table",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

fn write_summary(
    out: &mut impl Write,
    path: &std::path::Path,
    module: &Module,
) -> std::io::Result<()> {
    writeln!(out, "module: {}", path.display())?;
    if let Some(name) = module.name() {
        writeln!(out, "name: {name}")?;
    }

    let imports: Vec<(String, ExternType)> = module
        .imports()
        .map(|import| {
            (
                format!("{}::{}", import.module(), import.name()),
                import.ty(),
            )
        })
        .collect();
    let exports: Vec<(String, ExternType)> = module
        .exports()
        .map(|export| (export.name().to_owned(), export.ty()))
        .collect();
    write_externs(out, "imports", &imports)?;
    write_externs(out, "exports", &exports)?;

    let imported = |wanted: &str| imports.iter().filter(|(_, ty)| kind(ty) == wanted).count();
    let exported = |wanted: &str| exports.iter().filter(|(_, ty)| kind(ty) == wanted).count();
    writeln!(
        out,
        "functions: {} imported, {} defined, {} exported",
        imported("func"),
        module.num_funcs(),
        exported("func")
    )?;
    let defined: [Vec<String>; 3] = [
        module.memories().iter().map(ToString::to_string).collect(),
        module.tables().iter().map(ToString::to_string).collect(),
        module.globals().iter().map(ToString::to_string).collect(),
    ];
    for ((label, wanted), defined) in [
        ("memories", "memory"),
        ("tables", "table"),
        ("globals", "global"),
    ]
    .into_iter()
    .zip(defined)
    {
        writeln!(
            out,
            "{label}: {} imported, {} defined, {} exported",
            imported(wanted),
            defined.len(),
            exported(wanted)
        )?;
        for ty in defined {
            writeln!(out, "  {ty}")?;
        }
    }
    match module.start() {
        Some(index) => match module.func_name(index) {
            Some(name) => writeln!(out, "start: func[{index}] ${name}")?,
            None => writeln!(out, "start: func[{index}]")?,
        },
        None => writeln!(out, "start: none")?,
    }

    let sections: Vec<(&str, usize)> = module
        .custom_sections()
        .map(|(name, data)| (name, data.len()))
        .collect();
    writeln!(out, "custom sections: {}", sections.len())?;
    for (name, size) in sections {
        writeln!(out, "  {name:?} ({size} bytes)")?;
    }
    for warning in module.warnings() {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

/// Writes a titled list of externs, one per line: kind, name, type.
fn write_externs(
    out: &mut impl Write,
    title: &str,
    externs: &[(String, ExternType)],
) -> std::io::Result<()> {
    writeln!(out, "{title}: {}", externs.len())?;
    let width = externs
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (name, ty) in externs {
        writeln!(out, "  {:<6}  {name:<width$}  {ty}", kind(ty))?;
    }
    Ok(())
}
