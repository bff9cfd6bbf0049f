//! The `load` target: arbitrary bytes through loading and validation.

use ward::{CompilationMode, Config, Engine, Error, Module};

use crate::Stats;

/// Loads `bytes` as a binary module, with lazy and with eager translation, and as a
/// module in the text format.
///
/// # Panics
///
/// On a finding: ward panicked; the two translation modes or [`Module::validate`]
/// disagree on whether the bytes are a valid module; or a rejection is not an
/// [`Error::Compile`] with an offset within the input.
pub fn load(bytes: &[u8]) -> Stats {
    let mut stats = Stats::input();
    let lazy = Module::from_binary(&engine(CompilationMode::Lazy), bytes);
    // Eager translation runs the translator over every body at load time, so invalid
    // code in a body reaches it here and not only on a call.
    let eager = Module::from_binary(&engine(CompilationMode::Eager), bytes);
    let valid = Module::validate(&Engine::default(), bytes);
    if let Err(err) = &lazy {
        check_rejection(err, bytes.len(), "lazy load");
    }
    if let Err(err) = &eager {
        check_rejection(err, bytes.len(), "eager load");
    }
    if let Err(err) = &valid {
        check_rejection(err, bytes.len(), "validation");
    }
    assert_eq!(
        lazy.is_ok(),
        eager.is_ok(),
        "lazy and eager translation disagree: lazy {:?}, eager {:?}",
        lazy.as_ref().err(),
        eager.as_ref().err(),
    );
    assert_eq!(
        lazy.is_ok(),
        valid.is_ok(),
        "loading and Module::validate disagree: load {:?}, validate {:?}",
        lazy.as_ref().err(),
        valid.as_ref().err(),
    );
    if let Ok(module) = &lazy {
        stats.modules += 1;
        // Walking the module's description must not panic either.
        let _ = (module.imports().count(), module.exports().count());
        let _ = (module.memories(), module.tables(), module.globals());
    }
    // The text path, for inputs that are not binary modules. The wat parser reports
    // its own positions in the message; ward's error carries no byte offset for text.
    if !bytes.starts_with(b"\0asm") {
        if let Err(err) = Module::new(&Engine::default(), bytes) {
            assert!(
                matches!(err, Error::Compile { .. }),
                "text rejected with a non-compile error: {err:?}"
            );
        }
    }
    stats
}

fn engine(mode: CompilationMode) -> Engine {
    let mut config = Config::new();
    config.compilation(mode);
    Engine::new(&config)
}

fn check_rejection(err: &Error, len: usize, what: &str) {
    match err {
        Error::Compile { offset, .. } => assert!(
            *offset <= len,
            "{what}: error offset {offset:#x} lies past the end of the {len}-byte input: {err}"
        ),
        _ => panic!("{what}: rejected with a non-compile error: {err:?}"),
    }
}
