//! The WebAssembly 2.0 core spec suite: one test per script, each script on the
//! interpreter under lazy and eager compilation and under eager compilation with fuel
//! and interruption on, and where the platform has it, on the compiled tier with both
//! kinds of memory, the first through artifacts (serialized and loaded back) and also
//! compiled for the other architecture ward compiles for (AArch64 on x86-64 machines:
//! every module that loads must compile for it; that code is not run).
//!
//! The suite is not vendored: point `WARD_SPEC_TESTSUITE` at the `core-2.0`
//! directory of a checkout of <https://github.com/WebAssembly/testsuite>. A test is
//! named after its script (`simd_lane.wast` is `scripts::simd_lane`,
//! `binary-leb128.wast` is `scripts::binary_leb128`, `if.wast` is `scripts::r#if`),
//! so `cargo test -p ward-wast --test spec -- simd_lane` runs that one script, and a
//! failing test shows the failed directives of each configuration that failed.
//! `every_script_has_a_test` checks the list below against the directory.
//!
//! Without `WARD_SPEC_TESTSUITE` the tests return at once and the run says, once,
//! that they were skipped, except under CI (`CI` set), where every test fails: the
//! suite must run there.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

use ward::{CompilationMode, Strategy};
use ward_wast::{run_paths_with, WastRunner};

/// Native stack of the thread that runs the scripts. The suite's deep-recursion
/// tests must end in a trap, never in a crash of the test process; a large stack
/// keeps the margin wide in unoptimised builds.
const RUNNER_STACK_SIZE: usize = 256 << 10;

/// Declares `SCRIPTS`, the file names of the suite, and in `mod scripts` one test per
/// script. An entry is the test's name, which is the script's name when that is a
/// plain Rust identifier; otherwise the entry spells the file out, as in
/// `binary_leb128 = "binary-leb128.wast"` or `r#if = "if.wast"`.
macro_rules! spec_scripts {
    (@file $test:ident) => {
        concat!(stringify!($test), ".wast")
    };
    (@file $test:ident $file:literal) => {
        $file
    };
    ($($test:ident $(= $file:literal)?,)*) => {
        const SCRIPTS: &[&str] = &[$(spec_scripts!(@file $test $($file)?)),*];

        mod scripts {
            $(
                #[test]
                fn $test() {
                    super::run_script(spec_scripts!(@file $test $($file)?));
                }
            )*
        }
    };
}

spec_scripts! {
    address,
    align,
    binary_leb128 = "binary-leb128.wast",
    binary,
    block,
    br,
    br_if,
    br_table,
    bulk,
    call,
    call_indirect,
    comments,
    r#const = "const.wast",
    conversions,
    custom,
    data,
    elem,
    endianness,
    exports,
    f32,
    f32_bitwise,
    f32_cmp,
    f64,
    f64_bitwise,
    f64_cmp,
    fac,
    float_exprs,
    float_literals,
    float_memory,
    float_misc,
    forward,
    func,
    func_ptrs,
    global,
    i32,
    i64,
    r#if = "if.wast",
    imports,
    inline_module = "inline-module.wast",
    int_exprs,
    int_literals,
    labels,
    left_to_right = "left-to-right.wast",
    linking,
    load,
    local_get,
    local_set,
    local_tee,
    r#loop = "loop.wast",
    memory,
    memory_copy,
    memory_fill,
    memory_grow,
    memory_init,
    memory_redundancy,
    memory_size,
    memory_trap,
    names,
    nop,
    obsolete_keywords = "obsolete-keywords.wast",
    ref_func,
    ref_is_null,
    ref_null,
    r#return = "return.wast",
    select,
    simd_address,
    simd_align,
    simd_bit_shift,
    simd_bitwise,
    simd_boolean,
    simd_const,
    simd_conversions,
    simd_f32x4,
    simd_f32x4_arith,
    simd_f32x4_cmp,
    simd_f32x4_pmin_pmax,
    simd_f32x4_rounding,
    simd_f64x2,
    simd_f64x2_arith,
    simd_f64x2_cmp,
    simd_f64x2_pmin_pmax,
    simd_f64x2_rounding,
    simd_i16x8_arith,
    simd_i16x8_arith2,
    simd_i16x8_cmp,
    simd_i16x8_extadd_pairwise_i8x16,
    simd_i16x8_extmul_i8x16,
    simd_i16x8_q15mulr_sat_s,
    simd_i16x8_sat_arith,
    simd_i32x4_arith,
    simd_i32x4_arith2,
    simd_i32x4_cmp,
    simd_i32x4_dot_i16x8,
    simd_i32x4_extadd_pairwise_i16x8,
    simd_i32x4_extmul_i16x8,
    simd_i32x4_trunc_sat_f32x4,
    simd_i32x4_trunc_sat_f64x2,
    simd_i64x2_arith,
    simd_i64x2_arith2,
    simd_i64x2_cmp,
    simd_i64x2_extmul_i32x4,
    simd_i8x16_arith,
    simd_i8x16_arith2,
    simd_i8x16_cmp,
    simd_i8x16_sat_arith,
    simd_int_to_int_extend,
    simd_lane,
    simd_linking,
    simd_load,
    simd_load16_lane,
    simd_load32_lane,
    simd_load64_lane,
    simd_load8_lane,
    simd_load_extend,
    simd_load_splat,
    simd_load_zero,
    simd_select,
    simd_splat,
    simd_store,
    simd_store16_lane,
    simd_store32_lane,
    simd_store64_lane,
    simd_store8_lane,
    skip_stack_guard_page = "skip-stack-guard-page.wast",
    stack,
    start,
    store,
    switch,
    table_sub = "table-sub.wast",
    table,
    table_copy,
    table_fill,
    table_get,
    table_grow,
    table_init,
    table_set,
    table_size,
    token,
    traps,
    r#type = "type.wast",
    unreachable,
    unreached_invalid = "unreached-invalid.wast",
    unreached_valid = "unreached-valid.wast",
    unwind,
    utf8_custom_section_id = "utf8-custom-section-id.wast",
    utf8_import_field = "utf8-import-field.wast",
    utf8_import_module = "utf8-import-module.wast",
    utf8_invalid_encoding = "utf8-invalid-encoding.wast",
}

/// Runs the script `file_name` of the suite under every configuration, on a thread
/// with a [`RUNNER_STACK_SIZE`] stack.
///
/// # Panics
///
/// When the script fails under any configuration, with the failed directives of
/// each such configuration; and as [`suite_dir`] does.
fn run_script(file_name: &str) {
    let Some(dir) = suite_dir() else {
        return;
    };
    let path = dir.join(file_name);
    let runner = std::thread::Builder::new()
        .name(file_name.to_string())
        .stack_size(RUNNER_STACK_SIZE)
        .spawn(move || failed_configurations(&path))
        .expect("cannot spawn the spec runner thread");
    let failed = runner.join().expect("spec runner thread panicked");
    if failed.is_empty() {
        return;
    }
    let names: Vec<&str> = failed.iter().map(|(name, _)| name.as_str()).collect();
    let reports: Vec<String> = failed
        .iter()
        .map(|(name, report)| format!("=== {name} ===\n{report}"))
        .collect();
    panic!(
        "{file_name} failed under {}\n{}",
        names.join(", "),
        reports.join("\n")
    );
}

/// Runs the script at `path` under each configuration: on the interpreter, lazy and
/// eager translation, and eager with the metering ops that fuel and interruption insert,
/// which must not change what any script sees; where the platform has it, on the
/// compiled tier, once with memories that never move (bounds checked by guard pages),
/// every module loaded from its artifact (`Module::serialize`, `Module::deserialize`),
/// and once with memories that may move (bounds checked in code), fuel and interrupts.
/// Returns the name and the `run_paths` report of each configuration under which the
/// script failed.
fn failed_configurations(path: &Path) -> Vec<(String, String)> {
    let mut configurations = vec![
        (Strategy::Interpreter, CompilationMode::Lazy, false),
        (Strategy::Interpreter, CompilationMode::Eager, false),
        (Strategy::Interpreter, CompilationMode::Eager, true),
    ];
    if Strategy::Cranelift.is_available() {
        configurations.extend([
            (Strategy::Cranelift, CompilationMode::Eager, false),
            (Strategy::Cranelift, CompilationMode::Eager, true),
        ]);
    } else {
        static NOTICE: Once = Once::new();
        NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "spec tests: the compiled tier is not available on this platform; \
                 the scripts run on the interpreter only"
            );
        });
    }
    let mut failed = Vec::new();
    for (strategy, mode, metered) in configurations {
        let mut config = ward::Config::new();
        config
            .strategy(strategy)
            .compilation(mode)
            .consume_fuel(metered)
            .interruptible(metered);
        let compiled = strategy == Strategy::Cranelift;
        if compiled && metered {
            // Without a reservation, memories move as they grow and code checks bounds.
            config.memory_reservation(0);
        }
        // The compiled configuration without metering runs every module through an
        // artifact: compiled, serialized, and the deserialized module is the one run.
        let artifacts = compiled && !metered;
        let mut report = Vec::new();
        let runner = || {
            let mut runner = WastRunner::new(&config);
            runner.set_artifacts(artifacts);
            if let Some(target) = cross_target().filter(|_| artifacts) {
                runner.set_cross_target(&config, target);
            }
            runner
        };
        let (_, failures) = run_paths_with(&[path.to_path_buf()], runner, &mut report)
            .expect("writing to a Vec cannot fail");
        if failures > 0 {
            let name = match (compiled, metered) {
                (false, false) => format!("interpreter, {mode:?}"),
                (false, true) => format!("interpreter, {mode:?} + fuel + interrupts"),
                (true, false) => format!(
                    "compiled, through artifacts, memories that never move{}",
                    cross_target().map_or(String::new(), |t| format!(", and for {t}"))
                ),
                (true, true) => "compiled, memories that move + fuel + interrupts".to_string(),
            };
            failed.push((name, String::from_utf8_lossy(&report).into_owned()));
        }
    }
    failed
}

/// The architecture ward compiles for besides this machine's: the artifact
/// configuration also compiles every module for it (compiled, not run: the code is
/// for another machine).
fn cross_target() -> Option<&'static str> {
    match ward::Module::host_target().split('-').next() {
        Some("x86_64") => Some("aarch64-unknown-linux-gnu"),
        Some("aarch64") => Some("x86_64-unknown-linux-gnu"),
        _ => None,
    }
}

/// The suite's directory from `WARD_SPEC_TESTSUITE`, or `None` if the variable is
/// unset and the caller should skip; the first skip in a run says so on stderr.
///
/// # Panics
///
/// When the variable is unset under CI (`CI` set and not empty).
fn suite_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("WARD_SPEC_TESTSUITE") {
        return Some(PathBuf::from(dir));
    }
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !in_ci,
        "CI is set but WARD_SPEC_TESTSUITE is not: the spec suite must run in CI"
    );
    static SKIP_NOTICE: Once = Once::new();
    SKIP_NOTICE.call_once(|| {
        // Straight to stderr: the test harness captures `eprintln!` from a passing
        // test and would hide the notice.
        let _ = writeln!(
            std::io::stderr(),
            "spec tests SKIPPED: set WARD_SPEC_TESTSUITE to the core-2.0 directory of the \
             WebAssembly spec testsuite (github.com/WebAssembly/testsuite)"
        );
    });
    None
}

/// Every script of the suite has a test, and every test has its script: a script
/// added to the suite cannot go untested, and a renamed one fails here by name.
#[test]
fn every_script_has_a_test() {
    let Some(dir) = suite_dir() else {
        return;
    };
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("WARD_SPEC_TESTSUITE={}: {e}", dir.display()));
    let mut on_disk = BTreeSet::new();
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|ext| ext == "wast") {
            let name = path.file_name().expect("a file name").to_string_lossy();
            on_disk.insert(name.into_owned());
        }
    }
    let listed: BTreeSet<String> = SCRIPTS.iter().map(|name| name.to_string()).collect();
    assert_eq!(listed.len(), SCRIPTS.len(), "a script is listed twice");
    let untested: Vec<&String> = on_disk.difference(&listed).collect();
    let missing: Vec<&String> = listed.difference(&on_disk).collect();
    assert!(
        untested.is_empty() && missing.is_empty(),
        "the script list in {} does not match {}: no test for {untested:?}; \
         no such file for {missing:?}",
        file!(),
        dir.display()
    );
}
