//! The `ward` binary as a user sees it: output, messages and exit codes.

mod common;

use common::{assert_exit, example, stderr, stdout, ward, Temp};

const FUNCS: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i64 f64) (result f64 i64)
    (local.get 1)
    (local.get 0))
  (func (export "half") (param f32) (result f32)
    (f32.div (local.get 0) (f32.const 2)))
  (func (export "null") (result funcref)
    (ref.null func))
  (func (export "nothing"))
  (memory (export "memory") 1))
"#;

#[test]
fn readme_example_prints_fib_20() {
    let hello = example("hello.wat");
    let output = ward(&["run", hello.to_str().unwrap(), "--invoke", "fib", "20"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "6765\n");
}

#[test]
fn eager_and_lazy_compilation_agree() {
    let fac = example("fac.wat");
    for mode in ["lazy", "eager"] {
        for func in ["fac", "fac-iter"] {
            let output = ward(&[
                "run",
                "--compilation",
                mode,
                fac.to_str().unwrap(),
                "--invoke",
                func,
                "20",
            ]);
            assert_exit(&output, 0);
            assert_eq!(stdout(&output), "2432902008176640000\n", "{mode} {func}");
        }
    }
}

#[test]
fn memories_run_alike_with_and_without_a_reservation() {
    let grow = Temp::file(
        "grow.wat",
        r#"(module
             (memory 1)
             (func (export "run") (result i32)
               (i32.store8 (i32.const 100) (i32.const 42))
               (drop (memory.grow (i32.const 15)))
               (i32.store8 (i32.const 1048575) (i32.const 1))
               (i32.add (i32.load8_u (i32.const 100)) (i32.load8_u (i32.const 1048575)))))"#,
    );
    for memory in [
        &[][..],
        &["--memory-reservation", "0", "--memory-guard-size", "0"],
        &["--memory-reservation", "64K", "--memory-guard-size", "1M"],
    ] {
        let mut args = vec!["run"];
        args.extend_from_slice(memory);
        args.extend([grow.0.to_str().unwrap(), "--invoke", "run"]);
        let output = ward(&args);
        assert_exit(&output, 0);
        assert_eq!(stdout(&output), "43\n", "{memory:?}");
    }
    let output = ward(&[
        "run",
        "--memory-reservation",
        "lots",
        grow.0.to_str().unwrap(),
    ]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("invalid size `lots`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn invoke_parses_arguments_by_type_and_prints_each_result() {
    let module = Temp::file("funcs.wat", FUNCS);
    let cases: [(&[&str], &str); 7] = [
        (&["add", "2", "-5"], "-3\n"),
        (&["add", "0xffffffff", "0"], "-1\n"),
        (&["pair", "-0x10", "inf"], "inf\n-16\n"),
        (&["half", "3"], "1.5\n"),
        (&["half", "-inf"], "-inf\n"),
        (&["null"], "ref.null func\n"),
        (&["nothing"], ""),
    ];
    for (invocation, expected) in cases {
        let mut args = vec!["run", module.as_str(), "--invoke"];
        args.extend_from_slice(invocation);
        let output = ward(&args);
        assert_exit(&output, 0);
        assert_eq!(stdout(&output), expected, "{invocation:?}");
    }
}

#[test]
fn bad_arguments_are_usage_errors() {
    let module = Temp::file("funcs.wat", FUNCS);
    let output = ward(&["run", module.as_str(), "--invoke", "add", "1", "two"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("invalid i32 argument `two`"));

    let output = ward(&["run", module.as_str(), "--invoke", "add", "1"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("expects 2 argument(s), got 1"));

    let output = ward(&["run", module.as_str(), "--invoke", "missing"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("no function `missing`"));

    let output = ward(&["run", module.as_str(), "--invoke", "memory"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("not a function"));
}

#[test]
fn without_start_or_invoke_the_exported_functions_are_listed() {
    let module = Temp::file("funcs.wat", FUNCS);
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("_start"), "{err}");
    for name in ["`add`", "`pair`", "`half`", "`null`", "`nothing`"] {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
}

#[test]
fn start_function_runs_by_default() {
    let module = Temp::file(
        "start.wat",
        r#"(module (func (export "_start") (drop (i32.const 1))))"#,
    );
    let output = ward(&["run", module.as_str(), "ignored", "--args"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
}

#[test]
fn start_section_alone_is_an_entry_point() {
    let module = Temp::file(
        "start-section.wat",
        r#"(module (func $s (drop (i32.const 1))) (start $s) (func (export "other")))"#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
}

#[test]
fn trap_exits_3_with_message_and_backtrace() {
    let module = Temp::file(
        "trap.wat",
        r#"
        (module
          (func $inner unreachable)
          (func $outer (export "_start") (call $inner)))
        "#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 3);
    let err = stderr(&output);
    assert!(err.starts_with("error: wasm trap: unreachable"), "{err}");
    assert!(err.contains("wasm backtrace"), "{err}");
    assert!(err.contains("inner"), "{err}");
    assert!(err.contains("outer"), "{err}");
}

#[test]
fn uncaught_exception_exits_3_with_its_tag_and_values() {
    let module = Temp::file(
        "throw.wat",
        r#"
        (module
          (tag $e (export "oops") (param i32 f64))
          (func $thrower (export "boom") (param i32)
            (throw $e (local.get 0) (f64.const 1.5))))
        "#,
    );
    let output = ward(&["run", module.as_str(), "--invoke", "boom", "7"]);
    assert_exit(&output, 3);
    let err = stderr(&output);
    assert!(
        err.starts_with("note: the uncaught exception is of tag `oops`, with values [7, 1.5]"),
        "{err}"
    );
    assert!(
        err.contains("error: wasm trap: uncaught exception"),
        "{err}"
    );
    assert!(err.contains("thrower"), "{err}");
}

#[test]
fn trap_in_start_section_exits_3() {
    let module = Temp::file(
        "start-trap.wat",
        r#"(module (func $s (drop (i32.div_u (i32.const 1) (i32.const 0)))) (start $s))"#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 3);
    assert!(stderr(&output).starts_with("error: wasm trap: integer divide by zero"));
}

#[test]
fn infinite_recursion_exhausts_the_wasm_stack() {
    let module = Temp::file(
        "recurse.wat",
        r#"(module (func $f (export "f") (call $f)))"#,
    );
    for stack_size in ["64K", "1M"] {
        let output = ward(&[
            "run",
            "--stack-size",
            stack_size,
            module.as_str(),
            "--invoke",
            "f",
        ]);
        assert_exit(&output, 3);
        let err = stderr(&output);
        assert!(
            err.starts_with("error: wasm trap: call stack exhausted\nwasm backtrace:\n"),
            "{err}"
        );
        assert!(err.contains("frames omitted"), "{err}");
        assert!(err.lines().count() < 50, "the backtrace is elided: {err}");
    }
}

#[test]
fn malformed_module_exits_2_with_offset() {
    // A valid header followed by a type section whose declared size runs past the end.
    let module = Temp::file("malformed.wasm", b"\0asm\x01\0\0\0\x01\x05\x01");
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.starts_with("error: failed to load"), "{err}");
    assert!(err.contains("offset"), "{err}");
}

#[test]
fn invalid_module_exits_2_with_offset() {
    let module = Temp::file("invalid.wat", "(module (func (result i32)))");
    let output = ward(&["inspect", module.as_str()]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("offset"), "{}", stderr(&output));
}

#[test]
fn missing_file_exits_1() {
    let output = ward(&["run", "/nonexistent/ward/module.wasm"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).starts_with("error: failed to read"));
}

#[test]
fn every_unresolved_import_is_named_with_its_type() {
    let module = Temp::file(
        "imports.wat",
        r#"
        (module
          (import "env" "foo" (func (param i32)))
          (import "env" "mem" (memory 1))
          (func (export "_start")))
        "#,
    );
    let output = ward(&["run", module.as_str()]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("error: unresolved import `env::foo` (expected (func (param i32)))"),
        "{err}"
    );
    assert!(
        err.contains("error: unresolved import `env::mem` (expected (memory 1"),
        "{err}"
    );
    assert!(!err.contains("WASI"), "{err}");
}

#[test]
fn inspect_lists_imports_exports_and_counts() {
    let module = Temp::file(
        "inspect.wat",
        r#"
        (module
          (import "env" "log" (func (param i32)))
          (import "env" "g" (global i64))
          (memory (export "memory") 1)
          (func $helper)
          (func (export "fib") (param i64) (result i64) (local.get 0))
          (start $helper))
        "#,
    );
    let output = ward(&["inspect", module.as_str()]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    for expected in [
        "imports: 2",
        "env::log",
        "(func (param i32))",
        "env::g",
        "exports: 2",
        "fib",
        "(func (param i64) (result i64))",
        "memory",
        "functions: 1 imported, 2 defined, 1 exported",
        "globals: 1 imported, 0 defined, 0 exported",
        "memories: 0 imported, 1 defined, 1 exported",
        "  (memory 1)",
        "start: func[1] $helper",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }
}

#[test]
fn wast_reports_passed_and_failed_assertions() {
    let dir = Temp::dir();
    std::fs::write(
        dir.0.join("pass.wast"),
        r#"
        (module
          (func (export "add") (param i32 i32) (result i32)
            (i32.add (local.get 0) (local.get 1)))
          (func (export "trap") unreachable))
        (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
        (assert_trap (invoke "trap") "unreachable")
        "#,
    )
    .unwrap();
    let output = ward(&["wast", dir.as_str()]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 2, "{out}");

    let failing = Temp::file(
        "fail.wast",
        r#"
        (module (func (export "one") (result i32) (i32.const 1)))
        (assert_return (invoke "one") (i32.const 2))
        "#,
    );
    let output = ward(&["wast", "--compilation", "eager", failing.as_str()]);
    assert_exit(&output, 1);
    let out = stdout(&output);
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with(" 1 failed"),
        "{out}"
    );
}

#[test]
fn usage_errors_print_usage_and_exit_1() {
    let output = ward(&["run", "--bogus", "x.wasm"]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("Usage:"), "{}", stderr(&output));

    let output = ward(&["run", "--stack-size", "12X", "x.wasm"]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("unknown suffix"),
        "{}",
        stderr(&output)
    );

    let output = ward(&[]);
    assert_exit(&output, 1);
}

#[test]
fn help_documents_exit_codes() {
    let output = ward(&["--help"]);
    assert_exit(&output, 0);
    let out = stdout(&output);
    assert!(out.contains("Exit codes"), "{out}");
    assert!(out.contains("3  the module trapped"), "{out}");
}

#[test]
fn profile_perfmap_names_compiled_functions() {
    if !ward::Strategy::Cranelift.is_available() {
        eprintln!("compiled tier not available on this platform: test skipped");
        return;
    }
    let module = Temp::file(
        "named.wat",
        r#"(module $demo
             (func $square (export "square") (param i32) (result i32)
               (i32.mul (local.get 0) (local.get 0)))
             (func (export "one") (result i32) (i32.const 1)))"#,
    );
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(["run", "--strategy", "cranelift", "--profile", "perfmap"])
        .arg(&module.0)
        .args(["--invoke", "square", "9"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let map = std::path::PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let output = child.wait_with_output().unwrap();
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "81\n");
    let text = std::fs::read_to_string(&map).unwrap_or_else(|e| panic!("{}: {e}", map.display()));
    let _ = std::fs::remove_file(&map);
    let names: Vec<&str> = text
        .lines()
        .map(|line| {
            let mut fields = line.splitn(3, ' ');
            let start = usize::from_str_radix(fields.next().unwrap(), 16).unwrap();
            let size = usize::from_str_radix(fields.next().unwrap(), 16).unwrap();
            assert!(start > 0 && size > 0, "{line}");
            fields.next().unwrap()
        })
        .collect();
    assert_eq!(names, ["wasm[demo]::square", "wasm[demo]::func[1]"]);
}

/// Whether the compiled tier runs here; says so when it does not.
fn compiled_tier() -> bool {
    let available = ward::Strategy::Cranelift.is_available();
    if !available {
        eprintln!("compiled tier not available on this platform: test skipped");
    }
    available
}

#[test]
fn a_compiled_artifact_runs_whatever_its_name() {
    if !compiled_tier() {
        return;
    }
    let hello = example("hello-wasi.wat");
    let artifact = Temp::path("hello.bin");
    let output = ward(&[
        "compile",
        hello.to_str().unwrap(),
        "-o",
        artifact.to_str().unwrap(),
    ]);
    assert_exit(&output, 0);
    let artifact = Temp(artifact);
    let output = ward(&["run", artifact.as_str()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "Hello, world!\n");

    // `ward inspect` shows the header, then the module.
    let output = ward(&["inspect", artifact.as_str()]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("cpu:            baseline"), "{text}");
    assert!(text.contains("fd_write"), "{text}");

    // Settings that change the code must match: exit code 2, naming the mismatch.
    let output = ward(&["run", "--fuel", "1000", artifact.as_str()]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("fuel metering"),
        "{}",
        stderr(&output)
    );
    let output = ward(&["run", "--strategy", "interpreter", artifact.as_str()]);
    assert_exit(&output, 2);

    // Compiled with fuel, it runs with fuel, and runs out.
    let metered = Temp::path("metered.cwasm");
    let output = ward(&[
        "compile",
        "--fuel",
        hello.to_str().unwrap(),
        "-o",
        metered.to_str().unwrap(),
    ]);
    assert_exit(&output, 0);
    let metered = Temp(metered);
    let output = ward(&["run", "--fuel", "1000", metered.as_str()]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "Hello, world!\n");
    let output = ward(&["run", "--fuel", "1", metered.as_str()]);
    assert_exit(&output, 3);
}

#[test]
fn compile_writes_next_to_the_module_by_default() {
    if !compiled_tier() {
        return;
    }
    let module = Temp::file(
        "answer.wat",
        "(module (func (export \"answer\") (result i32) i32.const 42))",
    );
    let output = ward(&["compile", module.as_str()]);
    assert_exit(&output, 0);
    let artifact = Temp(module.0.with_extension("cwasm"));
    let output = ward(&["run", artifact.as_str(), "--invoke", "answer"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "42\n");
}

#[test]
fn damaged_or_foreign_artifacts_exit_2() {
    if !compiled_tier() {
        return;
    }
    let module = Temp::file(
        "seven.wat",
        "(module (func (export \"f\") (result i32) i32.const 7))",
    );
    let artifact = Temp(Temp::path("seven.cwasm"));
    assert_exit(
        &ward(&["compile", module.as_str(), "-o", artifact.as_str()]),
        0,
    );
    let bytes = std::fs::read(&artifact.0).expect("the artifact is read");
    let truncated = Temp::file("truncated.cwasm", &bytes[..bytes.len() - 1]);
    let output = ward(&["run", truncated.as_str(), "--invoke", "f"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("truncated"), "{}", stderr(&output));
    let mut flipped = bytes.clone();
    flipped[60] ^= 1;
    let flipped = Temp::file("flipped.cwasm", flipped);
    let output = ward(&["run", flipped.as_str(), "--invoke", "f"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("checksum"), "{}", stderr(&output));
    let mut wamr = b"\0aot\x03\0\0\0".to_vec();
    wamr.extend_from_slice(&[0; 64]);
    let wamr = Temp::file("module.aot", wamr);
    let output = ward(&["run", wamr.as_str()]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("WAMR"), "{}", stderr(&output));
    // Another architecture is refused, with the reason.
    let output = ward(&[
        "compile",
        module.as_str(),
        "--target",
        "riscv64gc-unknown-linux-gnu",
    ]);
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("riscv64gc"), "{}", stderr(&output));
    // The other architecture ward compiles for: written here, refused here.
    let (other, this) = if cfg!(target_arch = "x86_64") {
        ("aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu")
    } else {
        ("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu")
    };
    let cross = Temp::file("cross.cwasm", Vec::new());
    let output = ward(&[
        "compile",
        module.as_str(),
        "--target",
        other,
        "-o",
        cross.as_str(),
    ]);
    assert_exit(&output, 0);
    let output = ward(&["inspect", cross.as_str()]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains(&format!("target:         {other}")),
        "{}",
        stdout(&output)
    );
    let output = ward(&["run", cross.as_str(), "--invoke", "f"]);
    assert_exit(&output, 2);
    let expected = format!("compiled for {other}; this machine is {this}");
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
}

#[test]
fn wast_runs_scripts_through_artifacts() {
    if !compiled_tier() {
        return;
    }
    let script = Temp::file(
        "aot.wast",
        r#"(module
             (memory 1)
             (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
             (func (export "fill") (result i32)
               (memory.fill (i32.const 0) (i32.const 9) (i32.const 100))
               (i32.load8_u (i32.const 99))))
           (assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
           (assert_return (invoke "fill") (i32.const 9))
           (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
           (assert_invalid (module (func (result i32))) "type mismatch")"#,
    );
    let output = ward(&["wast", "--strategy", "aot", script.as_str()]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("5 passed, 0 failed"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn feature_switches_gate_modules_and_artifacts() {
    let module = Temp::file(
        "wide.wat",
        r#"(module (func (export "mul") (param i64 i64) (result i64 i64)
             (i64.mul_wide_u (local.get 0) (local.get 1))))"#,
    );
    let invoke = ["--invoke", "mul", "-1", "2"];
    // Off by default: the module does not validate.
    let output = ward(&[&["run", module.as_str()][..], &invoke].concat());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("wide arithmetic"),
        "{}",
        stderr(&output)
    );
    // On with -W, in either tier: (2^64 - 1) * 2 = 2^65 - 2, low half -2, high half 1.
    for tier in ["interpreter", "cranelift"] {
        if tier == "cranelift" && !compiled_tier() {
            continue;
        }
        let output = ward(
            &[
                &[
                    "run",
                    "-W",
                    "wide-arithmetic",
                    "--strategy",
                    tier,
                    module.as_str(),
                ][..],
                &invoke,
            ]
            .concat(),
        );
        assert_exit(&output, 0);
        assert_eq!(stdout(&output), "-2\n1\n", "{tier}");
    }
    // A feature that is on by default turns off with =n.
    let tail = Temp::file(
        "tail.wat",
        r#"(module (func $f (export "f") (result i32) (return_call $g)) (func $g (result i32) i32.const 5))"#,
    );
    let output = ward(&["run", tail.as_str(), "--invoke", "f"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "5\n");
    let output = ward(&["run", "-W", "tail-call=n", tail.as_str()]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("tail calls"),
        "{}",
        stderr(&output)
    );
    // Unknown names and values are usage errors that list the known names.
    let output = ward(&["run", "-W", "tail-calls", tail.as_str()]);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("wide-arithmetic"),
        "{}",
        stderr(&output)
    );
    assert_exit(&ward(&["run", "-W", "simd=maybe", tail.as_str()]), 1);
    // An artifact keeps the features it was compiled with: it runs only where they are on.
    if !compiled_tier() {
        return;
    }
    let artifact = Temp(Temp::path("wide.cwasm"));
    assert_exit(
        &ward(&[
            "compile",
            "-W",
            "wide-arithmetic",
            module.as_str(),
            "-o",
            artifact.as_str(),
        ]),
        0,
    );
    let output = ward(&[&["run", artifact.as_str()][..], &invoke].concat());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("wasm features"),
        "{}",
        stderr(&output)
    );
    let output = ward(
        &[
            &["run", "-W", "wide-arithmetic", artifact.as_str()][..],
            &invoke,
        ]
        .concat(),
    );
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "-2\n1\n");
}
