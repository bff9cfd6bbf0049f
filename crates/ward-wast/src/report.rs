//! Running many scripts and printing the report that `ward wast` and the spec test show.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::WastRunner;

/// Runs every script named in `paths` and writes a report to `out`.
///
/// A directory stands for the `*.wast` files directly inside it, in name order.
/// Each file runs in a fresh [`WastRunner`]. The report has one line per failed
/// directive (`file:line:col: directive: message`), one summary line per file
/// (`path: N passed, M failed`) and, as its last line, the totals
/// (`N passed, M failed`). A file or directory that cannot be read, or a file
/// that is not a well-formed script, counts as one failed directive.
///
/// Returns the totals `(passed, failed)`.
///
/// Scripts such as the suite's call-depth tests recurse deeply; run this on a
/// thread with a generous native stack if the default one may be small.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn run_paths(
    paths: &[PathBuf],
    config: &ward::Config,
    out: &mut impl Write,
) -> anyhow::Result<(usize, usize)> {
    run_paths_with(paths, || WastRunner::new(config), out)
}

/// Runs every script named in `paths` as [`run_paths`] does, each in a fresh runner
/// made by `runner`.
///
/// # Errors
///
/// Fails only when writing to `out` fails.
pub fn run_paths_with(
    paths: &[PathBuf],
    runner: impl Fn() -> WastRunner,
    out: &mut impl Write,
) -> anyhow::Result<(usize, usize)> {
    let (mut passed, mut failed) = (0, 0);
    for path in paths {
        let files = match expand(path) {
            Ok(files) => files,
            Err(e) => {
                report_error(out, path, &e)?;
                failed += 1;
                continue;
            }
        };
        for file in files {
            match runner().run_file(&file) {
                Ok(report) => {
                    for failure in &report.failures {
                        writeln!(out, "{failure}")?;
                    }
                    writeln!(
                        out,
                        "{}: {} passed, {} failed",
                        report.path, report.passed, report.failed
                    )?;
                    passed += report.passed;
                    failed += report.failed;
                }
                Err(e) => {
                    report_error(out, &file, &e)?;
                    failed += 1;
                }
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok((passed, failed))
}

/// Reports a file that could not be run at all, as one failed directive.
fn report_error(out: &mut impl Write, path: &Path, error: &anyhow::Error) -> std::io::Result<()> {
    // One line per failure, whatever the error's own layout.
    let message = format!("{error:#}").replace('\n', " ");
    writeln!(out, "{}: error: {message}", path.display())?;
    writeln!(out, "{}: 0 passed, 1 failed", path.display())
}

/// The scripts `path` stands for: itself, or the sorted `*.wast` files of a directory.
fn expand(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| anyhow::anyhow!("cannot read directory {}: {e}", path.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| anyhow::anyhow!("cannot read directory {}: {e}", path.display()))?;
        let file = entry.path();
        if file.extension().is_some_and(|ext| ext == "wast") && file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    Ok(files)
}
