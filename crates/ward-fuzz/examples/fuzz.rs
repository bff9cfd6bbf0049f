//! A fuzzing driver on stable Rust, without coverage guidance: it loops random inputs
//! through a target for a given time, and replays saved inputs.
//!
//! ```text
//! cargo run --release -p ward-fuzz --example fuzz -- <load|execute|differential|deserialize> <seconds> [--seed N] [--max-len N]
//! cargo run --release -p ward-fuzz --example fuzz -- <target> --replay <file or folder>...
//! cargo run --release -p ward-fuzz --example fuzz -- <execute|differential> --wasm <input> <out.wasm or .wat>
//! ```
//!
//! A failing input is saved under `fuzz/artifacts/<target>/` (where cargo-fuzz saves
//! its own), and the run stops; so are the first inputs on which an oracle of the
//! differential target was outvoted (`outvoted-*`). The input being run is also kept in
//! `fuzz/artifacts/<target>/last-input`, so that a crash that kills the process (an
//! abort, a fault) leaves its input behind.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ward_fuzz::inputs::{self, Rng};
use ward_fuzz::Stats;

/// How many inputs with an outvoted oracle a run keeps.
const MAX_OUTVOTED_SAVED: u64 = 20;

const USAGE: &str =
    "usage: fuzz <load|execute|differential|deserialize> <seconds> [--seed N] [--max-len N]
       fuzz <target> --replay <file or folder>...
       fuzz <execute|differential> --wasm <input> <out.wasm or out.wat>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let (target, rest) = args.split_first().ok_or("no target given")?;
    let target_fn = target_fn(target)?;
    match rest.first().map(String::as_str) {
        Some("--replay") => Ok(replay(target_fn, &rest[1..])),
        Some("--wasm") => {
            let [_, input, out] = rest else {
                return Err("--wasm takes an input file and an output file".into());
            };
            let data = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
            let wasm = ward_fuzz::generated_module(target, &data)
                .ok_or("this input generates no module for this target")?;
            let bytes = if out.ends_with(".wat") {
                wasmprinter::print_bytes(&wasm)
                    .map_err(|e| format!("cannot print the module: {e}"))?
                    .into_bytes()
            } else {
                wasm
            };
            std::fs::write(out, bytes).map_err(|e| format!("{out}: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(seconds) => {
            let seconds: u64 = seconds.parse().map_err(|_| "bad number of seconds")?;
            let mut seed = 0;
            let mut max_len = 4096;
            let mut options = rest[1..].chunks(2);
            for option in &mut options {
                let value = option.get(1).and_then(|v| v.parse().ok());
                match (option[0].as_str(), value) {
                    ("--seed", Some(v)) => seed = v,
                    ("--max-len", Some(v)) => max_len = v as usize,
                    _ => return Err(format!("bad option {:?}", option)),
                }
            }
            Ok(fuzz(target, target_fn, seconds, seed, max_len))
        }
        None => Err("no duration given".into()),
    }
}

fn target_fn(name: &str) -> Result<fn(&[u8]) -> Stats, String> {
    match name {
        "load" => Ok(ward_fuzz::load),
        "execute" => Ok(ward_fuzz::execute),
        "differential" => Ok(ward_fuzz::differential),
        "deserialize" => Ok(ward_fuzz::deserialize),
        _ => Err(format!("unknown target {name:?}")),
    }
}

fn fuzz(
    target: &str,
    target_fn: fn(&[u8]) -> Stats,
    seconds: u64,
    seed: u64,
    max_len: usize,
) -> ExitCode {
    let artifacts = PathBuf::from("fuzz/artifacts").join(target);
    if let Err(e) = std::fs::create_dir_all(&artifacts) {
        eprintln!("cannot create {}: {e}", artifacts.display());
        return ExitCode::FAILURE;
    }
    let last = artifacts.join("last-input");
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut report = start + Duration::from_secs(10);
    println!("fuzzing `{target}` for {seconds} s, seed {seed}, inputs up to {max_len} bytes");
    while Instant::now() < end {
        let input = if target == "load" {
            inputs::load_input(&mut rng, max_len)
        } else {
            inputs::smith_input(&mut rng, max_len)
        };
        // Written before the run: a crash that kills the process leaves it behind.
        let _ = std::fs::write(&last, &input);
        match panic::catch_unwind(AssertUnwindSafe(|| target_fn(&input))) {
            Ok(s) => {
                // A few inputs on which an oracle was outvoted, to look into with
                // `--replay` and WARD_FUZZ_SHOW_OUTVOTED=1.
                if s.oracle_disagreements > 0 && stats.oracle_disagreements < MAX_OUTVOTED_SAVED {
                    let name = format!("outvoted-seed{seed}-{}", stats.inputs);
                    let _ = std::fs::write(artifacts.join(name), &input);
                }
                stats += s;
            }
            Err(_) => {
                let name = format!("crash-seed{seed}-{}", stats.inputs);
                let path = artifacts.join(name);
                let _ = std::fs::write(&path, &input);
                println!(
                    "finding after {} inputs: saved {}",
                    stats.inputs,
                    path.display()
                );
                print_stats(&stats, start.elapsed());
                return ExitCode::FAILURE;
            }
        }
        if Instant::now() >= report {
            print_stats(&stats, start.elapsed());
            report += Duration::from_secs(10);
        }
    }
    let _ = std::fs::remove_file(&last);
    print_stats(&stats, start.elapsed());
    println!("done: no finding");
    ExitCode::SUCCESS
}

fn print_stats(stats: &Stats, elapsed: Duration) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "{:>7.0} s  {} inputs ({:.0}/s), {} modules ({} compiled), {} instances, {} calls \
         ({} compiled), {} traps, {} inconclusive, {} oracle disagreements",
        secs,
        stats.inputs,
        stats.inputs as f64 / secs,
        stats.modules,
        stats.compiled_modules,
        stats.instances,
        stats.calls,
        stats.compiled_calls,
        stats.traps,
        stats.inconclusive,
        stats.oracle_disagreements
    );
}

fn replay(target_fn: fn(&[u8]) -> Stats, paths: &[String]) -> ExitCode {
    let mut files = Vec::new();
    for path in paths {
        collect(Path::new(path), &mut files);
    }
    let mut failed = 0;
    for file in &files {
        let Ok(data) = std::fs::read(file) else {
            eprintln!("cannot read {}", file.display());
            failed += 1;
            continue;
        };
        match panic::catch_unwind(|| target_fn(&data)) {
            Ok(stats) => println!("ok    {} ({stats:?})", file.display()),
            Err(_) => {
                println!("FAIL  {}", file.display());
                failed += 1;
            }
        }
    }
    println!("{} passed, {failed} failed", files.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            entries.sort();
            files.extend(entries.into_iter().filter(|p| p.is_file()));
        }
        Err(_) => files.push(path.to_path_buf()),
    }
}
