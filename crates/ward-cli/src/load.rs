//! Reading a module from disk: a `.wasm` or `.wat` module, or an artifact of
//! `ward compile`.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use ward::{Engine, Module};

/// Whether the file at `path` is an artifact of `ward compile`, by its first bytes
/// (whatever its name). A file that cannot be read is not: reading it as a module
/// reports the error.
pub fn is_artifact(path: &Path) -> bool {
    let mut magic = [0; 8];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut magic))
        .is_ok_and(|()| Module::is_artifact(&magic))
}

/// Reads and compiles the `.wasm` or `.wat` file at `path`, or loads the artifact
/// there (`artifact`, as [`is_artifact`] tells); with `artifacts`, a module is
/// compiled, serialized and loaded back.
///
/// # Errors
///
/// Fails when the file cannot be read (I/O error) or when its contents are not a valid
/// module or a loadable artifact; the latter errors keep the [`ward::Error::Compile`]
/// in their chain.
pub fn module(
    engine: &Engine,
    path: &Path,
    artifact: bool,
    artifacts: bool,
) -> anyhow::Result<Module> {
    let failed = || format!("failed to load `{}`", path.display());
    if artifact {
        // SAFETY: an artifact's code is trusted as a native program is: ward runs the
        // one it is asked to run, as it runs a native program's host functions. Its
        // header, tables and checksum are checked before any of it runs.
        return unsafe { Module::deserialize_file(engine, path) }.with_context(failed);
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    let module = Module::from_vec(engine, bytes).with_context(failed)?;
    if !artifacts {
        return Ok(module);
    }
    let artifact = module.serialize().with_context(failed)?;
    // SAFETY: the artifact was just written by this process from this module.
    unsafe { Module::deserialize(engine, artifact) }.with_context(failed)
}
