//! The WebAssembly 2.0 core spec suite, under lazy and eager compilation.
//!
//! The suite is not vendored: point `WARD_SPEC_TESTSUITE` at the `core-2.0`
//! directory of a checkout of <https://github.com/WebAssembly/testsuite>. Without it
//! the test reports itself skipped, except under CI (`CI` set), where a missing
//! suite is an error.

use std::path::{Path, PathBuf};

use ward::CompilationMode;
use ward_wast::run_paths;

/// Native stack of the thread that runs the scripts. The suite's deep-recursion
/// tests must end in a trap, never in a crash of the test process; a large stack
/// keeps the margin wide in unoptimised builds.
const RUNNER_STACK_SIZE: usize = 256 << 10;

#[test]
fn spec_core_2_0() {
    let Some(dir) = std::env::var_os("WARD_SPEC_TESTSUITE") else {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(
            !in_ci,
            "CI is set but WARD_SPEC_TESTSUITE is not: the spec suite must run in CI"
        );
        eprintln!(
            "spec tests SKIPPED: set WARD_SPEC_TESTSUITE to the core-2.0 directory of the \
             WebAssembly spec testsuite (github.com/WebAssembly/testsuite)"
        );
        return;
    };
    let dir = PathBuf::from(dir);
    let files = collect_scripts(&dir);
    assert!(!files.is_empty(), "no .wast files in {}", dir.display());
    eprintln!(
        "spec: running {} scripts from {}",
        files.len(),
        dir.display()
    );

    let runner = std::thread::Builder::new()
        .name("spec".to_string())
        .stack_size(RUNNER_STACK_SIZE)
        .spawn(move || {
            let mut failed_modes = Vec::new();
            // Lazy and eager translation, and eager with the metering ops that fuel and
            // interruption insert, which must not change what any script sees.
            for (mode, metered) in [
                (CompilationMode::Lazy, false),
                (CompilationMode::Eager, false),
                (CompilationMode::Eager, true),
            ] {
                let mut config = ward::Config::new();
                config
                    .compilation(mode)
                    .consume_fuel(metered)
                    .interruptible(metered);
                let mode = format!(
                    "{mode:?}{}",
                    if metered { " + fuel + interrupts" } else { "" }
                );
                let mut out = Vec::new();
                let (passed, failed) =
                    run_paths(&files, &config, &mut out).expect("writing to a Vec cannot fail");
                println!("=== spec core-2.0, compilation {mode} ===");
                println!("{}", String::from_utf8_lossy(&out));
                if failed > 0 {
                    failed_modes.push(format!("{mode}: {passed} passed, {failed} failed"));
                }
            }
            failed_modes
        })
        .expect("cannot spawn the spec runner thread");
    let failed_modes = runner.join().expect("spec runner thread panicked");
    assert!(
        failed_modes.is_empty(),
        "spec failures ({}); rerun with --nocapture for the list",
        failed_modes.join("; ")
    );
}

/// The scripts of `dir`, sorted.
fn collect_scripts(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("WARD_SPEC_TESTSUITE={}: {e}", dir.display()));
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|ext| ext == "wast") {
            files.push(path);
        }
    }
    files.sort();
    files
}
