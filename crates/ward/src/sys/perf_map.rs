//! Linux `perf`'s map files: `/tmp/perf-<pid>.map`, one line per piece of code generated
//! at run time, `<start> <size> <name>` with the numbers in hex. perf reads the file
//! when it reports, to name samples in code that no ELF file describes.

use crate::prelude::*;
use std::io::Write;
use std::sync::Mutex;

/// Appends `entries` (start address, size in bytes, name) to this process's map file.
/// Threads that compile at once write whole entries, never interleaved lines.
///
/// # Errors
///
/// When the file cannot be opened or written.
pub(crate) fn append(entries: &[(usize, usize, String)]) -> std::io::Result<()> {
    static FILE: Mutex<()> = Mutex::new(());
    let mut text = String::new();
    for (start, size, name) in entries {
        // A name is the rest of the line: it must not end it early.
        let name = name.replace(['\n', '\r'], " ");
        text.push_str(&format!("{start:x} {size:x} {name}\n"));
    }
    let _lock = FILE.lock().unwrap_or_else(|e| e.into_inner());
    let path = format!("/tmp/perf-{}.map", std::process::id());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
