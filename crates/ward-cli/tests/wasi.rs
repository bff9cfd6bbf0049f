//! `ward run` with WASI programs: standard streams, arguments, environment, preopened
//! directories, exit statuses, memory limits, logging and the errors a user can meet.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{assert_exit, example, stderr, stdout, ward, Temp};

fn ward_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start ward");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("failed to write ward's stdin");
    child.wait_with_output().expect("failed to wait for ward")
}

const CAT: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; iovec at 0: buffer at 1024, 4096 bytes; counts at 16.
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 4096))
    (block $eof
      (loop $copy
        (br_if $eof (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
        (br_if $eof (i32.eqz (i32.load (i32.const 16))))
        (i32.store (i32.const 8) (i32.const 1024))
        (i32.store (i32.const 12) (i32.load (i32.const 16)))
        (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 20)))
        (br $copy)))
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (drop (call $environ_sizes_get (i32.const 40) (i32.const 44)))
    (call $proc_exit
      (i32.add
        (i32.mul (i32.load (i32.const 32)) (i32.const 10))
        (i32.load (i32.const 40))))))
"#;

/// A program that exits with `status`.
fn exit_with(status: i32) -> String {
    format!(
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (call $exit (i32.const {status})) unreachable))"#
    )
}

/// Tries to create `new-file` in its first preopen (descriptor 3) and exits with the
/// errno path_open returned (0 when the file was created).
const CREATE: &str = r#"
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "new-file")
  (func (export "_start")
    (call $proc_exit
      (call $path_open
        (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 8)
        (i32.const 1) ;; OFLAGS_CREAT
        (i64.const 0x40) (i64.const 0) ;; FD_WRITE
        (i32.const 0) (i32.const 0)))))
"#;

#[test]
fn hello_wasi_example_prints_hello_world() {
    let hello = example("hello-wasi.wat");
    let output = ward(&["run", hello.to_str().unwrap()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "Hello, world!\n");
    assert_eq!(stderr(&output), "");
}

#[test]
fn stdin_passes_through_and_args_and_env_reach_the_program() {
    let cat = Temp::file("cat.wat", CAT);
    let output = ward_with_stdin(
        &[
            "run",
            "--env",
            "A=1",
            "--env",
            "B=two=2",
            cat.as_str(),
            "x",
            "--not-a-ward-flag",
        ],
        b"line one\nline two\n",
    );
    // Three arguments (the module path first) and two variables.
    assert_exit(&output, 32);
    assert_eq!(stdout(&output), "line one\nline two\n");
}

#[test]
fn the_exit_status_becomes_wards_exit_code() {
    for (status, code) in [
        (0, 0),
        (1, 1),
        (42, 42),
        (255, 255),
        (-1, 255),
        (256 + 7, 7),
    ] {
        let module = Temp::file("exit.wat", exit_with(status));
        let output = ward(&["run", module.as_str()]);
        assert_exit(&output, code);
        assert_eq!(stderr(&output), "", "an exit is not an error");
    }
}

#[test]
fn traps_keep_exit_code_3() {
    let module = Temp::file(
        "trap.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
          (memory (export "memory") 1)
          (func (export "_start") (drop (call $yield)) unreachable))"#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 3);
    assert!(stderr(&output).starts_with("error: wasm trap: unreachable"));
}

#[test]
fn preopened_directories_are_writable_and_read_only_ones_are_not() {
    let create = Temp::file("create.wat", CREATE);
    let dir = Temp::dir();
    let output = ward(&[
        "run",
        "--dir",
        &format!("{}::/", dir.as_str()),
        create.as_str(),
    ]);
    assert_exit(&output, 0);
    assert!(dir.0.join("new-file").is_file());

    let ro = Temp::dir();
    let output = ward(&["run", "--dir-ro", ro.as_str(), create.as_str()]);
    // ENOTCAPABLE: the read-only directory lacks the right to create files.
    assert_exit(&output, 76);
    assert!(!ro.0.join("new-file").exists());

    // Without any preopen, descriptor 3 does not exist: EBADF.
    let output = ward(&["run", create.as_str()]);
    assert_exit(&output, 8);
}

#[test]
fn a_missing_directory_is_an_error_before_the_program_starts() {
    let hello = example("hello-wasi.wat");
    let missing = Temp::path("missing");
    let output = ward(&[
        "run",
        "--dir",
        missing.to_str().unwrap(),
        hello.to_str().unwrap(),
    ]);
    assert_exit(&output, 1);
    assert_eq!(stdout(&output), "", "the program must not run");
    let err = stderr(&output);
    assert!(err.contains("no such directory"), "{err}");
    assert!(err.contains(missing.to_str().unwrap()), "{err}");

    let file = Temp::file("plain", "not a directory");
    let output = ward(&["run", "--dir", file.as_str(), hello.to_str().unwrap()]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("not a directory"));
    assert_eq!(stdout(&output), "");
}

#[test]
fn unknown_flags_print_usage() {
    let hello = example("hello-wasi.wat");
    let output = ward(&["run", "--no-such-flag", hello.to_str().unwrap()]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("unexpected argument '--no-such-flag'"),
        "{err}"
    );
    assert!(
        err.contains("Usage: ward run [OPTIONS] <FILE> [ARGS]..."),
        "{err}"
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn run_help_documents_every_flag() {
    let output = ward(&["run", "--help"]);
    assert_exit(&output, 0);
    let help = stdout(&output);
    for flag in [
        "--invoke",
        "--dir <HOST[::GUEST]>",
        "--dir-ro",
        "--env <KEY=VALUE>",
        "--tcplisten",
        "--stack-size",
        "--max-memory",
        "--compilation",
        "-v, --verbose",
        "Exit codes:",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn missing_wasi_functions_are_named_with_a_hint() {
    let cases = [
        (
            r#"(import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#,
            "unresolved import `wasi_unstable::fd_write` (expected (func (param i32 i32 i32 i32) (result i32)))",
            "wasm32-wasip1",
        ),
        (
            r#"(import "wasi:cli/environment@0.2.0" "get-arguments" (func (param i32)))"#,
            "unresolved import `wasi:cli/environment@0.2.0::get-arguments` (expected (func (param i32)))",
            "preview 2",
        ),
        (
            r#"(import "wasi_snapshot_preview1" "no_such_call" (func))"#,
            "unresolved import `wasi_snapshot_preview1::no_such_call` (expected (func))",
            "has no function `no_such_call`",
        ),
    ];
    for (import, error, hint) in cases {
        let module = Temp::file(
            "import.wat",
            format!("(module {import} (func (export \"_start\")))"),
        );
        let output = ward(&["run", module.as_str()]);
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(err.contains(error), "{err}");
        assert!(err.contains(hint), "{err}");
    }
}

#[test]
fn a_wasi_function_of_the_wrong_type_is_a_link_error() {
    let module = Temp::file(
        "badtype.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func (param i64)))
          (func (export "_start")))"#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("wasi_snapshot_preview1::proc_exit"), "{err}");
}

#[test]
fn max_memory_caps_memory_growth() {
    let module = Temp::file(
        "grow.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            ;; Exit 1 when growing by 3 pages fails, else 0.
            (call $exit (i32.eq (memory.grow (i32.const 3)) (i32.const -1)))))"#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 0);
    let output = ward(&["run", "--max-memory", "4M", module.as_str()]);
    assert_exit(&output, 0);
    let output = ward(&["run", "--max-memory", "192K", module.as_str()]);
    assert_exit(&output, 1);

    let big = Temp::file("big.wat", "(module (memory 8) (func (export \"_start\")))");
    let output = ward(&["run", "--max-memory", "64K", big.as_str()]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("memory limit"),
        "{}",
        stderr(&output)
    );

    let output = ward(&["run", "--max-memory", "lots", big.as_str()]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("invalid size"));
}

#[test]
fn verbose_logs_the_run_and_twice_the_wasi_calls() {
    let hello = example("hello-wasi.wat");
    let output = ward(&["run", "-v", hello.to_str().unwrap()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "Hello, world!\n");
    let err = stderr(&output);
    assert!(err.contains("ward: loaded"), "{err}");
    assert!(err.contains("ward: calling `_start`"), "{err}");
    assert!(!err.contains("fd_write"), "{err}");

    let output = ward(&["run", "-vv", hello.to_str().unwrap()]);
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("wasi: fd_write(fd=1, iovs=0, iovs_len=1, nwritten=8) -> SUCCESS"),
        "{err}"
    );

    let exit = Temp::file("exit.wat", exit_with(5));
    let output = ward(&["run", "-v", exit.as_str()]);
    assert_exit(&output, 5);
    assert!(stderr(&output).contains("exited with status 5"));
}

#[test]
fn invoke_still_calls_exports_of_wasi_modules() {
    let module = Temp::file(
        "invoke.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (call $exit (i32.const 9)))
          (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
          (func (export "quit") (param i32) (call $exit (local.get 0))))"#,
    );
    let output = ward(&["run", module.as_str(), "--invoke", "twice", "21"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "42\n");
    let output = ward(&["run", module.as_str(), "--invoke", "quit", "4"]);
    assert_exit(&output, 4);
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 9);
}

#[test]
fn invoke_initializes_a_reactor_first() {
    let module = Temp::file(
        "reactor.wat",
        r#"(module
          (global $ready (mut i32) (i32.const 0))
          (func (export "_initialize") (global.set $ready (i32.const 40)))
          (func (export "get") (result i32) (i32.add (global.get $ready) (i32.const 2))))"#,
    );
    let output = ward(&["run", module.as_str(), "--invoke", "get"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "42\n");
}
