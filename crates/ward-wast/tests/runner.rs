//! The script runner itself: what counts as passed, what counts as failed.

use std::path::PathBuf;

use ward_wast::{run_paths, FileReport, WastRunner};

fn run(text: &str) -> FileReport {
    let mut runner = WastRunner::new(&ward::Config::new());
    runner
        .run_str("inline.wast", text)
        .expect("script should parse")
}

fn assert_all_passed(report: &FileReport) {
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert_eq!(report.failed, 0, "failures:\n{}", failures.join("\n"));
}

#[test]
fn passing_script_has_no_failures() {
    let report = run(r#"
        (module
          (func (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add)
          (func (export "div") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.div_s)
          (func (export "two") (result i32 i64) i32.const 1 i64.const 2)
          (func $loop (export "loop") call $loop)
          (global (export "g") i32 (i32.const 7)))
        (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
        (assert_return (invoke "two") (i32.const 1) (i64.const 2))
        (assert_return (get "g") (i32.const 7))
        (invoke "add" (i32.const 0) (i32.const 0))
        (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
        (assert_exhaustion (invoke "loop") "call stack exhausted")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_malformed (module quote "(func") "unexpected end")
        (assert_malformed (module binary "") "unexpected end")
        (assert_unlinkable (module (import "spectest" "nope" (func))) "unknown import")
        (assert_trap (module (func $t unreachable) (start $t)) "unreachable")
    "#);
    assert_all_passed(&report);
    assert_eq!(report.passed, 12);
}

#[test]
fn named_modules_register_and_spectest() {
    let report = run(r#"
        (module $M (func (export "f") (result i64) i64.const 5))
        (register "m" $M)
        (module
          (import "m" "f" (func $f (result i64)))
          (import "spectest" "print_i32" (func (param i32)))
          (import "spectest" "global_i32" (global $g i32))
          (import "spectest" "global_f64" (global $h f64))
          (import "spectest" "memory" (memory 1 2))
          (import "spectest" "table" (table 10 20 funcref))
          (func (export "g") (result i64) call $f)
          (func (export "gi") (result i32) global.get $g)
          (func (export "gh") (result f64) global.get $h))
        (assert_return (invoke "g") (i64.const 5))
        (assert_return (invoke $M "f") (i64.const 5))
        (assert_return (invoke "gi") (i32.const 666))
        (assert_return (invoke "gh") (f64.const 666.6))
    "#);
    assert_all_passed(&report);
    assert_eq!(report.passed, 7);
}

#[test]
fn references_round_trip() {
    let report = run(r#"
        (module
          (func (export "id") (param externref) (result externref) local.get 0)
          (func $f (export "f"))
          (elem declare func $f)
          (func (export "fref") (result funcref) ref.func $f)
          (func (export "null") (result funcref) ref.null func))
        (assert_return (invoke "id" (ref.extern 1)) (ref.extern 1))
        (assert_return (invoke "id" (ref.null extern)) (ref.null extern))
        (assert_return (invoke "fref") (ref.func))
        (assert_return (invoke "null") (ref.null func))
    "#);
    assert_all_passed(&report);

    let report = run(r#"
        (module (func (export "id") (param externref) (result externref) local.get 0))
        (assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
    "#);
    assert_eq!(report.failed, 1);
}

#[test]
fn wrong_assert_return_counts_one_failure() {
    let report = run(r#"
        (module (func (export "one") (result i32) i32.const 1))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke "one") (i32.const 2))
    "#);
    assert_eq!((report.passed, report.failed), (2, 1));
    let failure = &report.failures[0];
    assert_eq!(failure.directive, "assert_return");
    assert_eq!(failure.line, 4);
    assert!(
        failure.message.contains("i32.const 2") && failure.message.contains("i32.const 1"),
        "{failure}"
    );
    assert!(
        failure.to_string().starts_with("inline.wast:4:"),
        "{failure}"
    );
}

#[test]
fn wrong_result_count_and_wrong_trap_fail() {
    let report = run(r#"
        (module
          (func (export "one") (result i32) i32.const 1)
          (func (export "trap") unreachable))
        (assert_return (invoke "one"))
        (assert_trap (invoke "trap") "integer overflow")
        (assert_trap (invoke "one") "unreachable")
        (assert_invalid (module (func)) "accepted")
        (assert_return (invoke "missing"))
    "#);
    assert_eq!((report.passed, report.failed), (1, 5));
}

#[test]
fn assert_exception_wants_an_uncaught_exception() {
    let report = run(r#"
        (module
          (tag $e (param i32))
          (func (export "throw") (throw $e (i32.const 1)))
          (func (export "return"))
          (func (export "trap") unreachable))
        (assert_exception (invoke "throw"))
        (assert_exception (invoke "return"))
        (assert_exception (invoke "trap"))
    "#);
    assert_eq!((report.passed, report.failed), (2, 2));
}

#[test]
fn unsupported_directives_count_as_failed() {
    let report = run(r#"
        (module (func (export "f")))
        (assert_suspension (invoke "f") "suspended")
        (wait $T)
    "#);
    assert_eq!((report.passed, report.failed), (1, 2));
    for failure in &report.failures {
        assert!(
            failure.message.contains("unsupported directive"),
            "{failure}"
        );
    }
}

#[test]
fn nan_patterns() {
    let report = run(r#"
        (module
          (func (export "canon32") (result f32) f32.const nan)
          (func (export "neg_canon32") (result f32) f32.const -nan)
          (func (export "arith32") (result f32) f32.const nan:0x600000)
          (func (export "canon64") (result f64) f64.const nan)
          (func (export "arith64") (result f64) f64.const -nan:0xc000000000000))
        (assert_return (invoke "canon32") (f32.const nan:canonical))
        (assert_return (invoke "neg_canon32") (f32.const nan:canonical))
        (assert_return (invoke "canon32") (f32.const nan:arithmetic))
        (assert_return (invoke "arith32") (f32.const nan:arithmetic))
        (assert_return (invoke "canon64") (f64.const nan:canonical))
        (assert_return (invoke "arith64") (f64.const nan:arithmetic))
        (assert_return (invoke "arith64") (f64.const -nan:0xc000000000000))
    "#);
    assert_all_passed(&report);

    let report = run(r#"
        (module
          (func (export "arith32") (result f32) f32.const nan:0x600000)
          (func (export "signalling32") (result f32) f32.const nan:0x200000)
          (func (export "one") (result f32) f32.const 1)
          (func (export "zero") (result f64) f64.const 0))
        (assert_return (invoke "arith32") (f32.const nan:canonical))
        (assert_return (invoke "signalling32") (f32.const nan:arithmetic))
        (assert_return (invoke "one") (f32.const nan:arithmetic))
        (assert_return (invoke "zero") (f64.const -0))
    "#);
    assert_eq!((report.passed, report.failed), (1, 4));
}

#[test]
fn unparsable_script_is_an_error() {
    let mut runner = WastRunner::new(&ward::Config::new());
    let err = runner.run_str("bad.wast", "(assert_return").unwrap_err();
    assert!(err.to_string().starts_with("bad.wast:1:"), "{err}");
}

#[test]
fn run_paths_reports_per_file_and_totals() {
    let dir = std::env::temp_dir().join(format!("ward-wast-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.wast"),
        "(module (func (export \"f\") (result i32) i32.const 1))\n\
         (assert_return (invoke \"f\") (i32.const 2))\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.wast"), "(module").unwrap();
    std::fs::write(dir.join("ignored.txt"), "not a script").unwrap();

    let mut out = Vec::new();
    let paths: Vec<PathBuf> = vec![dir.clone(), dir.join("missing.wast")];
    let totals = run_paths(&paths, &ward::Config::new(), &mut out).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let out = String::from_utf8(out).unwrap();
    assert_eq!(totals, (1, 3), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.last(), Some(&"1 passed, 3 failed"), "{out}");
    assert!(out.contains("a.wast:2:2: assert_return: "), "{out}");
    assert!(out.contains("a.wast: 1 passed, 1 failed"), "{out}");
    assert!(out.contains("b.wast: 0 passed, 1 failed"), "{out}");
    assert!(out.contains("missing.wast: 0 passed, 1 failed"), "{out}");
    assert!(!out.contains("ignored"), "{out}");
}
