//! Turning a failed command into messages on stderr and an exit code.

use std::fmt;
use std::process::ExitCode;

use ward::{ExternType, Trap};

/// Exit code of a module that failed to load or link.
const EXIT_LOAD_OR_LINK: u8 = 2;
/// Exit code of a module that trapped.
const EXIT_TRAP: u8 = 3;

/// The import module of WASI preview 1, the version ward provides.
const WASI_PREVIEW1: &str = "wasi_snapshot_preview1";

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
        let mut notes: Vec<String> = Vec::new();
        for import in missing {
            if let Some(note) = wasi_note(import) {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
        for note in notes {
            eprintln!("note: {note}");
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

/// Why an import that nothing defines may be a WASI function of another version than
/// the one ward provides, and what to do about it.
fn wasi_note(import: &MissingImport) -> Option<String> {
    let module = import.module.as_str();
    if module == WASI_PREVIEW1 && cfg!(not(feature = "wasi")) {
        return Some("this build of ward has no WASI (the `wasi` feature)".to_owned());
    }
    if module == WASI_PREVIEW1 {
        return Some(format!(
            "ward provides WASI preview 1 (`{WASI_PREVIEW1}`), which has no function `{}`",
            import.name
        ));
    }
    if module == "wasi_unstable" {
        return Some(format!(
            "`wasi_unstable` is WASI's older snapshot 0; ward provides WASI preview 1 \
             (`{WASI_PREVIEW1}`): rebuild the program for the wasm32-wasip1 (wasm32-wasi) target"
        ));
    }
    if module.starts_with("wasi:") {
        return Some(format!(
            "`{module}` is a WASI preview 2 interface (the component model), which ward does \
             not run; ward provides WASI preview 1 (`{WASI_PREVIEW1}`): rebuild the program \
             for the wasm32-wasip1 target"
        ));
    }
    if module == "wasi" {
        return Some(format!(
            "`wasi::{}` belongs to a WASI proposal (such as wasi-threads) that ward does not \
             support; ward provides WASI preview 1 (`{WASI_PREVIEW1}`)",
            import.name
        ));
    }
    None
}

/// The trap anywhere in the chain of `err`, if it is one.
fn find_trap(err: &anyhow::Error) -> Option<&Trap> {
    err.chain().find_map(|cause| {
        cause
            .downcast_ref::<Trap>()
            .or_else(|| cause.downcast_ref::<ward::Error>()?.as_trap())
    })
}
