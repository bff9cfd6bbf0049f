//! The native stack as the `ward` command line sees it: endless recursion under a small
//! and a large `ulimit -s`, the stack flags, and `ward stack-report`.

mod common;

use std::process::{Command, Output};

use common::ward;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_module(name: &str, wat: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("ward-stack-test-{}-{name}", std::process::id()));
    std::fs::write(&path, wat).unwrap();
    path
}

const RECURSE: &str = r#"(module
  (func $f (export "run") (param i32) (result i32)
    (i32.add (call $f (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;

/// `ward run` of an endlessly recursive module under `ulimit -s` (in KiB): a normal
/// exit with the trap's code and message, never a signal.
fn run_under_ulimit(kib: u32) -> Output {
    let module = temp_module(&format!("recurse-{kib}.wat"), RECURSE);
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -s {kib} && exec \"$0\" run --invoke run \"$1\" 0"
        ))
        .arg(env!("CARGO_BIN_EXE_ward"))
        .arg(&module)
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_file(&module);
    output
}

#[test]
fn endless_recursion_under_small_and_large_ulimit_traps() {
    for kib in [256, 8192] {
        let output = run_under_ulimit(kib);
        let stderr = text(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(3),
            "ulimit -s {kib}: {:?}\n{stderr}",
            output.status
        );
        assert!(stderr.contains("call stack exhausted"), "{stderr}");
    }
}

#[test]
fn stack_flags_take_sizes_with_suffixes() {
    let module = temp_module("flags.wat", RECURSE);
    let path = module.to_str().unwrap();
    let output = ward(&[
        "run",
        "--stack-size",
        "64K",
        "--native-stack-guard",
        "8K",
        "--max-native-stack",
        "1M",
        "--invoke",
        "run",
        path,
        "0",
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("call stack exhausted"), "{stderr}");
    let output = ward(&[
        "run",
        "--native-stack-guard",
        "lots",
        "--invoke",
        "run",
        path,
        "0",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_file(&module);
}

#[test]
fn stack_report_measures_and_its_verdict_holds_for_the_defaults() {
    let output = ward(&["stack-report", "--check"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    for expected in [
        "thread stack:",
        "native stack guard:",
        "symbol binding:",
        "entry check to the deepest executor frame",
        "host-call check to the deepest point of spectest.print_f64_f64",
        "host-call check to the deepest point of WASI path_open",
        "one re-entry cycle",
        "lazy translation check",
        "instantiating a module",
        "verdict: the defaults cover every measured path",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing from:\n{stdout}"
        );
    }
}

#[test]
fn stack_report_fails_its_check_with_a_guard_too_small() {
    let output = ward(&["stack-report", "--check", "--native-stack-guard", "16"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("native stack guard: 16 bytes is too small"),
        "{stdout}"
    );
}

const SPIN: &str = r#"(module (func (export "spin") (loop (br 0))))"#;

#[test]
fn fuel_ends_an_endless_loop() {
    let module = temp_module("spin-fuel.wat", SPIN);
    let output = ward(&[
        "run",
        "--fuel",
        "100000",
        "--invoke",
        "spin",
        module.to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("all fuel consumed"), "{stderr}");
    let _ = std::fs::remove_file(&module);
}

#[test]
fn a_timeout_ends_an_endless_loop() {
    let module = temp_module("spin-timeout.wat", SPIN);
    let started = std::time::Instant::now();
    let output = ward(&[
        "run",
        "--timeout",
        "200ms",
        "--invoke",
        "spin",
        module.to_str().unwrap(),
    ]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let output = ward(&[
        "run",
        "--timeout",
        "soon",
        "--invoke",
        "spin",
        module.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_file(&module);
}
