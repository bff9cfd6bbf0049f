//! Turning a failed command into messages on stderr and an exit code.

use std::fmt;
use std::process::ExitCode;

use ward::{ExternType, Trap};

/// Exit code of a module that failed to load or link.
const EXIT_LOAD_OR_LINK: u8 = 2;
/// Exit code of a module that trapped.
const EXIT_TRAP: u8 = 3;

/// Import modules of the WASI preview 1 interface.
const WASI_MODULES: [&str; 2] = ["wasi_snapshot_preview1", "wasi_unstable"];

/// One import that nothing defines.
#[derive(Debug)]
pub struct MissingImport {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// The imports of a module that nothing defines, all of them at once, so the user
/// sees the whole list instead of fixing one import per run.
#[derive(Debug)]
pub struct UnresolvedImports(pub Vec<MissingImport>);

impl fmt::Display for UnresolvedImports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} unresolved import(s)", self.0.len())
    }
}

impl std::error::Error for UnresolvedImports {}

/// Prints `err` on stderr and returns the exit code for it.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if let Some(UnresolvedImports(missing)) = err.downcast_ref::<UnresolvedImports>() {
        for import in missing {
            eprintln!(
                "error: unresolved import `{}::{}` (expected {})",
                import.module, import.name, import.ty
            );
        }
        let wasi: Vec<&str> = WASI_MODULES
            .into_iter()
            .filter(|wasi| missing.iter().any(|import| import.module == *wasi))
            .collect();
        if !wasi.is_empty() {
            eprintln!(
                "note: this module needs WASI (`{}`), which is not supported yet by this build of ward",
                wasi.join("`, `")
            );
        }
        return ExitCode::from(EXIT_LOAD_OR_LINK);
    }
    if let Some(trap) = find_trap(err) {
        eprintln!("error: wasm trap: {trap}");
        return ExitCode::from(EXIT_TRAP);
    }
    eprintln!("error: {err:#}");
    let load_or_link = err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<ward::Error>(),
            Some(ward::Error::Compile { .. } | ward::Error::Link(_))
        )
    });
    if load_or_link {
        ExitCode::from(EXIT_LOAD_OR_LINK)
    } else {
        ExitCode::FAILURE
    }
}

/// The trap anywhere in the chain of `err`, if it is one.
fn find_trap(err: &anyhow::Error) -> Option<&Trap> {
    err.chain().find_map(|cause| {
        cause
            .downcast_ref::<Trap>()
            .or_else(|| cause.downcast_ref::<ward::Error>()?.as_trap())
    })
}
