//! The official WASI test suite (preview 1 programs) under `ward run`, on each tier.
//!
//! The suite is read from `WARD_WASI_TESTSUITE`, by default `../shared/wasi-testsuite`
//! beside the repository. Each `X.wasm` in `tests/{c,assemblyscript,rust}/testsuite/
//! wasm32-wasip1` is one test, with its expectations in `X.json` (see the suite's
//! FORMAT.md): arguments, environment variables, a directory to preopen as `/`, and the
//! expected exit code, stdout and stderr. Each test gets a fresh copy of its directory.
//! Without the suite the test is skipped, except under CI (`CI` set), where it fails.

mod common;

use common::Temp;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The suite's language groups, each a folder of preview 1 programs.
const GROUPS: [&str; 3] = ["c", "assemblyscript", "rust"];
/// The most time one program may run.
const TIMEOUT: Duration = Duration::from_secs(120);

fn suite_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("WARD_WASI_TESTSUITE") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/wasi-testsuite"),
    };
    dir.join("tests").is_dir().then_some(dir)
}

/// What a test expects; a missing key is not checked (except the exit code, 0 by default).
struct Expectation {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: Option<String>,
    stderr: Option<String>,
}

fn expectation(json_path: &Path) -> Result<Expectation, String> {
    let mut expect = Expectation {
        args: Vec::new(),
        env: Vec::new(),
        root: None,
        exit_code: 0,
        stdout: None,
        stderr: None,
    };
    let Ok(text) = std::fs::read_to_string(json_path) else {
        return Ok(expect);
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let bad = |key: &str| format!("{}: unexpected `{key}`", json_path.display());
    if let Some(args) = json.get("args") {
        expect.args = args
            .as_array()
            .ok_or_else(|| bad("args"))?
            .iter()
            .map(|a| a.as_str().map(str::to_owned).ok_or_else(|| bad("args")))
            .collect::<Result<_, _>>()?;
    }
    if let Some(env) = json.get("env") {
        expect.env = env
            .as_object()
            .ok_or_else(|| bad("env"))?
            .iter()
            .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(|| bad("env"))?.to_owned())))
            .collect::<Result<_, String>>()?;
    }
    if let Some(root) = json.get("root").filter(|r| !r.is_null()) {
        expect.root = Some(root.as_str().ok_or_else(|| bad("root"))?.to_owned());
    }
    if let Some(code) = json.get("exit_code") {
        expect.exit_code = code
            .as_i64()
            .and_then(|c| i32::try_from(c).ok())
            .ok_or_else(|| bad("exit_code"))?;
    }
    let text_of = |key: &str| -> Result<Option<String>, String> {
        json.get(key)
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| bad(key)))
            .transpose()
    };
    expect.stdout = text_of("stdout")?;
    expect.stderr = text_of("stderr")?;
    Ok(expect)
}

/// Copies the directory `from` to `to`, writable (the suite's folders are read-only),
/// leaving out `*.cleanup` leftovers of earlier runs. Symbolic links are copied as links.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".cleanup") {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let ty = entry.file_type()?;
        if ty.is_dir() {
            copy_tree(&src, &dst)?;
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
            let mut perms = std::fs::metadata(&dst)?.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&dst, perms)?;
        }
    }
    let mut perms = std::fs::metadata(to)?.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(to, perms)
}

struct RunOutput {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `ward` with `args`, no stdin, and a time limit.
fn run_ward(args: &[String]) -> Result<RunOutput, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("failed to start ward: {e}"))?;
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(RunOutput {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// Runs one test on the tier `strategy` (a `--strategy` value); `Err` says why it failed.
fn run_test(wasm: &Path, strategy: &str) -> Result<(), String> {
    let expect = expectation(&wasm.with_extension("json"))?;
    let mut args: Vec<String> = vec!["run".into(), "--strategy".into(), strategy.into()];
    let _root = match &expect.root {
        Some(root) => {
            let temp = Temp::dir_named("root");
            let copy = temp.0.join("root");
            let source = wasm.parent().expect("a test has a folder").join(root);
            copy_tree(&source, &copy)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
            args.push("--dir".into());
            args.push(format!("{}::/", copy.display()));
            Some(temp)
        }
        None => None,
    };
    for (key, value) in &expect.env {
        args.push("--env".into());
        args.push(format!("{key}={value}"));
    }
    args.push(wasm.display().to_string());
    if !expect.args.is_empty() {
        args.push("--".into());
        args.extend(expect.args.iter().cloned());
    }
    let output = run_ward(&args)?;
    let mut problems = Vec::new();
    if output.code != Some(expect.exit_code) {
        problems.push(format!(
            "exit code {:?}, expected {}",
            output.code, expect.exit_code
        ));
    }
    if let Some(stdout) = &expect.stdout {
        if &output.stdout != stdout {
            problems.push(format!("stdout {:?}, expected {stdout:?}", output.stdout));
        }
    }
    if let Some(stderr) = &expect.stderr {
        if &output.stderr != stderr {
            problems.push(format!("stderr {:?}, expected {stderr:?}", output.stderr));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        if !output.stderr.is_empty() && expect.stderr.is_none() {
            let tail: String = output.stderr.chars().rev().take(800).collect();
            problems.push(format!(
                "stderr ends: {:?}",
                tail.chars().rev().collect::<String>()
            ));
        }
        Err(problems.join("; "))
    }
}

#[test]
fn wasi_testsuite_passes_under_ward_run() {
    let Some(suite) = suite_dir() else {
        let message = "the WASI test suite is missing: set WARD_WASI_TESTSUITE to a folder \
                       with tests/{c,assemblyscript,rust}/testsuite/wasm32-wasip1 \
                       (by default ../shared/wasi-testsuite beside the repository)";
        if std::env::var_os("CI").is_some() {
            panic!("{message}");
        }
        eprintln!("skipped: {message}");
        return;
    };
    let mut tests = Vec::new();
    for group in GROUPS {
        let dir = suite
            .join("tests")
            .join(group)
            .join("testsuite/wasm32-wasip1");
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let mut wasms: Vec<PathBuf> = entries
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        wasms.sort();
        tests.extend(wasms);
    }
    assert!(
        !tests.is_empty(),
        "no tests found under {}",
        suite.display()
    );

    let mut strategies = vec!["interpreter"];
    if ward::Strategy::Cranelift.is_available() {
        strategies.push("cranelift");
    } else {
        eprintln!("the compiled tier is not available on this platform: interpreter only");
    }
    let mut failures = 0;
    for strategy in strategies {
        let (mut passed, mut failed) = (0, 0);
        for wasm in &tests {
            let name = wasm.strip_prefix(suite.join("tests")).unwrap_or(wasm);
            match run_test(wasm, strategy) {
                Ok(()) => passed += 1,
                Err(why) => {
                    failed += 1;
                    println!("FAILED {} ({strategy}): {why}", name.display());
                }
            }
        }
        println!("wasi-testsuite, {strategy}: {passed} passed, {failed} failed");
        failures += failed;
    }
    assert_eq!(
        failures,
        0,
        "{failures} WASI test runs of {} tests failed",
        tests.len()
    );
}
