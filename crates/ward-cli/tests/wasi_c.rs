//! Real programs: the C programs in `tests/wasi-c` compiled twice, to wasm32-wasi with
//! clang and natively with the host's C compiler, run with the same arguments,
//! environment, standard input and a fresh working directory each; their stdout,
//! stderr, exit status and the files they leave behind must be the same, on each of
//! ward's tiers.
//!
//! The WASI compiler is `WARD_WASI_CC` (default `clang`, which needs lld, wasi-libc and
//! the wasm32 compiler runtime); the native one is `CC` (default `cc`). Without a
//! working WASI compiler the test is skipped, except under CI (`CI` set), where it fails.

mod common;

use common::Temp;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wasi-c")
}

fn compile(compiler: &str, flags: &[&str], source: &Path, output: &Path) -> Result<(), String> {
    let result = Command::new(compiler)
        .args(flags)
        .args(["-O1", "-Wall", "-o"])
        .arg(output)
        .arg(source)
        .output()
        .map_err(|e| format!("cannot run `{compiler}`: {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{compiler} {}` failed on {}:\n{}",
            flags.join(" "),
            source.display(),
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

const WASI_FLAGS: &[&str] = &["--target=wasm32-wasi"];

/// The two builds of every program, or why the WASI one cannot be made here.
struct Builds {
    dir: Temp,
}

impl Builds {
    fn new() -> Result<Builds, String> {
        let dir = Temp::dir_named("builds");
        let wasi_cc = std::env::var("WARD_WASI_CC").unwrap_or_else(|_| "clang".into());
        let probe = dir.0.join("probe.c");
        std::fs::write(&probe, "int main(void) { return 0; }\n").map_err(|e| e.to_string())?;
        compile(&wasi_cc, WASI_FLAGS, &probe, &dir.0.join("probe.wasm"))?;
        Ok(Builds { dir })
    }

    /// Compiles `name.c` both ways, once; returns (native executable, wasm module).
    fn build(&self, name: &str) -> (PathBuf, PathBuf) {
        let source = sources().join(format!("{name}.c"));
        let native = self.dir.0.join(name);
        let wasm = self.dir.0.join(format!("{name}.wasm"));
        let wasi_cc = std::env::var("WARD_WASI_CC").unwrap_or_else(|_| "clang".into());
        let native_cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        if !wasm.exists() {
            compile(&wasi_cc, WASI_FLAGS, &source, &wasm).unwrap_or_else(|e| panic!("{e}"));
            compile(&native_cc, &[], &source, &native).unwrap_or_else(|e| panic!("{e}"));
        }
        (native, wasm)
    }
}

/// One run of a program.
struct Case<'a> {
    program: &'a str,
    args: &'a [&'a str],
    env: &'a [(&'a str, &'a str)],
    stdin: &'a [u8],
    /// Whether the program gets a working directory `work`, preopened for the wasm build.
    work_dir: bool,
}

/// What a run left: its output, its status and the files in `work`.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    files: Vec<String>,
}

fn run(mut command: Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start a program");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("failed to write stdin");
    child
        .wait_with_output()
        .expect("failed to wait for a program")
}

/// Every entry under `dir`, sorted, with its kind and contents or target.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries {
            let entry = entry.expect("a readable entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let ty = entry.file_type().expect("a file type");
            if ty.is_symlink() {
                let target = std::fs::read_link(entry.path()).expect("a link target");
                out.push(format!("{name} -> {}", target.display()));
            } else if ty.is_dir() {
                out.push(format!("{name}/"));
                stack.push((entry.path(), format!("{name}/")));
            } else {
                let data = std::fs::read(entry.path()).expect("a readable file");
                out.push(format!("{name}: {:?}", String::from_utf8_lossy(&data)));
            }
        }
    }
    out.sort();
    out
}

fn outcome(output: &Output, work: &Path) -> Outcome {
    Outcome {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        files: tree(work),
    }
}

fn check(builds: &Builds, case: &Case) {
    let (native, wasm) = builds.build(case.program);
    let native_root = Temp::dir_named("native");
    let work = "work";
    if case.work_dir {
        std::fs::create_dir(native_root.0.join(work)).unwrap();
    }

    let mut command = Command::new(&native);
    command
        .args(case.args)
        .env_clear()
        .envs(case.env.iter().copied())
        .current_dir(&native_root.0);
    let native_out = outcome(&run(command, case.stdin), &native_root.0.join(work));

    let mut tiers = vec!["interpreter"];
    if ward::Strategy::Cranelift.is_available() {
        tiers.push("cranelift");
    }
    for tier in tiers {
        let wasm_root = Temp::dir_named("wasm");
        if case.work_dir {
            std::fs::create_dir(wasm_root.0.join(work)).unwrap();
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_ward"));
        command
            .args(["run", "--strategy", tier])
            .current_dir(&wasm_root.0);
        if case.work_dir {
            command.args(["--dir", work]);
        }
        for (key, value) in case.env {
            command.arg("--env").arg(format!("{key}={value}"));
        }
        command.arg(&wasm).arg("--").args(case.args);
        let wasm_out = outcome(&run(command, case.stdin), &wasm_root.0.join(work));
        assert_eq!(
            native_out, wasm_out,
            "{} {:?}: the native build (left) and ward's {tier} tier (right) differ",
            case.program, case.args
        );
    }
    assert!(
        !native_out.stdout.contains("FAILED"),
        "{}: {}",
        case.program,
        native_out.stdout
    );
}

#[test]
fn c_programs_behave_as_their_native_builds() {
    let builds = match Builds::new() {
        Ok(builds) => builds,
        Err(why) => {
            let message = format!(
                "cannot compile C for wasm32-wasi (install clang, lld, wasi-libc and \
                 libclang-rt-dev-wasm32, or set WARD_WASI_CC): {why}"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            eprintln!("skipped: {message}");
            return;
        }
    };
    let env: &[(&str, &str)] = &[
        ("WARD_GREETING", "hello world"),
        ("WARD_EMPTY", ""),
        ("WARD_QUOTED", "say \"hi\"\nand = more"),
        ("OTHER", "not listed"),
    ];
    let cases = [
        Case {
            program: "files",
            args: &["work"],
            env: &[],
            stdin: b"",
            work_dir: true,
        },
        Case {
            program: "dirs",
            args: &["work"],
            env: &[],
            stdin: b"",
            work_dir: true,
        },
        Case {
            program: "args_env",
            args: &["0", "two words", "", "--flag", "ünïcödé"],
            env,
            stdin: b"",
            work_dir: false,
        },
        Case {
            program: "args_env",
            args: &["42"],
            env: &[],
            stdin: b"",
            work_dir: false,
        },
        Case {
            program: "args_env",
            args: &["-1"],
            env,
            stdin: b"",
            work_dir: false,
        },
        Case {
            program: "args_env",
            args: &["300"],
            env: &[],
            stdin: b"",
            work_dir: false,
        },
        Case {
            program: "clock_random",
            args: &[],
            env: &[],
            stdin: b"",
            work_dir: false,
        },
        Case {
            program: "stdio",
            args: &[],
            env: &[],
            stdin: b"first line\nsecond line\nno newline at the end",
            work_dir: false,
        },
        Case {
            program: "stdio",
            args: &[],
            env: &[],
            stdin: b"",
            work_dir: false,
        },
    ];
    for case in &cases {
        check(&builds, case);
    }
}
