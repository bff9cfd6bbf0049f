//! Reading a module from disk.

use std::path::Path;

use anyhow::Context;
use ward::{Engine, Module};

/// Reads and compiles the `.wasm` or `.wat` file at `path`.
///
/// # Errors
///
/// Fails when the file cannot be read (I/O error) or when its contents are not a valid
/// module; the latter error keeps the [`ward::Error::Compile`] in its chain.
pub fn module(engine: &Engine, path: &Path) -> anyhow::Result<Module> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    Module::from_vec(engine, bytes).with_context(|| format!("failed to load `{}`", path.display()))
}
