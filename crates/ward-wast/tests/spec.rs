//! The WebAssembly spec suites: one test per script, each script on the interpreter
//! under lazy and eager compilation and under eager compilation with fuel and
//! interruption on, and where the platform has it, on the compiled tier with both kinds
//! of memory, the first through artifacts (serialized and loaded back) and also
//! compiled for the other architecture ward compiles for (AArch64 on x86-64 machines:
//! every module that loads must compile for it; that code is not run).
//!
//! Three suites, none vendored, from directories of a checkout of
//! <https://github.com/WebAssembly/testsuite>: the 2.0 core suite (`scripts`), from
//! `WARD_SPEC_TESTSUITE`, its `core-2.0` directory; the 3.0 proposals ward implements
//! and the scripts of the 3.0 core suite that are new or changed since 2.0 (`next`),
//! from `WARD_SPEC_NEXT`, its `next` directory; and the later proposals ward
//! implements (`post`), from `WARD_SPEC_PROPOSALS`, its `proposals` directory. The core
//! scripts run with the 3.0 features off, the others with the defaults and the
//! features they need (the legacy exception instructions for their scripts). A test
//! is named after its script (`simd_lane.wast` is `scripts::simd_lane`,
//! `binary-leb128.wast` is `scripts::binary_leb128`, `if.wast` is `scripts::r#if`,
//! `tail-call/return_call.wast` is `next::tail_call_return_call`), so
//! `cargo test -p ward-wast --test spec -- simd_lane` runs that one script, and a
//! failing test shows the failed directives of each configuration that failed.
//! `every_script_has_a_test` checks the lists below against the directories.
//!
//! Without a suite's variable its tests return at once and the run says, once, that
//! they were skipped, except under CI (`CI` set), where every test fails: the suites
//! must run there.

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

/// Declares `$list`, the file names of a suite's scripts, and in `mod $module` one test
/// per script, which runs it from the directory of `$suite`. An entry is the test's
/// name, which is the script's name when that is a plain Rust identifier; otherwise the
/// entry spells the file out, as in `binary_leb128 = "binary-leb128.wast"` or
/// `r#if = "if.wast"`.
macro_rules! spec_scripts {
    (@file $test:ident) => {
        concat!(stringify!($test), ".wast")
    };
    (@file $test:ident $file:literal) => {
        $file
    };
    ($suite:ident, $list:ident, mod $module:ident { $($test:ident $(= $file:literal)?,)* }) => {
        const $list: &[&str] = &[$(spec_scripts!(@file $test $($file)?)),*];

        mod $module {
            $(
                #[test]
                fn $test() {
                    super::run_script(super::Suite::$suite, spec_scripts!(@file $test $($file)?));
                }
            )*
        }
    };
}

spec_scripts!(Core, SCRIPTS, mod scripts {
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
});

spec_scripts!(Next, NEXT_SCRIPTS, mod next {
    annotations = "annotations/annotations.wast",
    annotations_id = "annotations/id.wast",
    custom_custom_annot = "custom/custom/custom_annot.wast",
    custom_branch_hint = "custom/metadata.code.branch_hint/branch_hint.wast",
    custom_name_annot = "custom/name/name_annot.wast",
    multi_memory_address0 = "multi-memory/address0.wast",
    multi_memory_address1 = "multi-memory/address1.wast",
    multi_memory_align0 = "multi-memory/align0.wast",
    multi_memory_binary0 = "multi-memory/binary0.wast",
    multi_memory_data0 = "multi-memory/data0.wast",
    multi_memory_data1 = "multi-memory/data1.wast",
    multi_memory_data_drop0 = "multi-memory/data_drop0.wast",
    multi_memory_exports0 = "multi-memory/exports0.wast",
    multi_memory_float_exprs0 = "multi-memory/float_exprs0.wast",
    multi_memory_float_exprs1 = "multi-memory/float_exprs1.wast",
    multi_memory_float_memory0 = "multi-memory/float_memory0.wast",
    multi_memory_imports0 = "multi-memory/imports0.wast",
    multi_memory_imports1 = "multi-memory/imports1.wast",
    multi_memory_imports2 = "multi-memory/imports2.wast",
    multi_memory_imports3 = "multi-memory/imports3.wast",
    multi_memory_imports4 = "multi-memory/imports4.wast",
    multi_memory_linking0 = "multi-memory/linking0.wast",
    multi_memory_linking1 = "multi-memory/linking1.wast",
    multi_memory_linking2 = "multi-memory/linking2.wast",
    multi_memory_linking3 = "multi-memory/linking3.wast",
    multi_memory_load0 = "multi-memory/load0.wast",
    multi_memory_load1 = "multi-memory/load1.wast",
    multi_memory_load2 = "multi-memory/load2.wast",
    multi_memory_memory_multi = "multi-memory/memory-multi.wast",
    multi_memory_memory_copy0 = "multi-memory/memory_copy0.wast",
    multi_memory_memory_copy1 = "multi-memory/memory_copy1.wast",
    multi_memory_memory_fill0 = "multi-memory/memory_fill0.wast",
    multi_memory_memory_grow = "multi-memory/memory_grow.wast",
    multi_memory_memory_init0 = "multi-memory/memory_init0.wast",
    multi_memory_memory_size0 = "multi-memory/memory_size0.wast",
    multi_memory_memory_size1 = "multi-memory/memory_size1.wast",
    multi_memory_memory_size2 = "multi-memory/memory_size2.wast",
    multi_memory_memory_size3 = "multi-memory/memory_size3.wast",
    multi_memory_memory_size_import = "multi-memory/memory_size_import.wast",
    multi_memory_memory_trap0 = "multi-memory/memory_trap0.wast",
    multi_memory_memory_trap1 = "multi-memory/memory_trap1.wast",
    multi_memory_simd_memory_multi = "multi-memory/simd_memory-multi.wast",
    multi_memory_start0 = "multi-memory/start0.wast",
    multi_memory_store0 = "multi-memory/store0.wast",
    multi_memory_store1 = "multi-memory/store1.wast",
    multi_memory_store2 = "multi-memory/store2.wast",
    multi_memory_traps0 = "multi-memory/traps0.wast",
    memory64_address64 = "memory64/address64.wast",
    memory64_align64 = "memory64/align64.wast",
    memory64_binary_leb128_64 = "memory64/binary_leb128_64.wast",
    memory64_bulk64 = "memory64/bulk64.wast",
    memory64_call_indirect64 = "memory64/call_indirect64.wast",
    memory64_endianness64 = "memory64/endianness64.wast",
    memory64_float_memory64 = "memory64/float_memory64.wast",
    memory64_load64 = "memory64/load64.wast",
    memory64_memory64_imports = "memory64/memory64-imports.wast",
    memory64_memory64 = "memory64/memory64.wast",
    memory64_memory_copy64 = "memory64/memory_copy64.wast",
    memory64_memory_fill64 = "memory64/memory_fill64.wast",
    memory64_memory_grow64 = "memory64/memory_grow64.wast",
    memory64_memory_init64 = "memory64/memory_init64.wast",
    memory64_memory_redundancy64 = "memory64/memory_redundancy64.wast",
    memory64_memory_trap64 = "memory64/memory_trap64.wast",
    memory64_table64 = "memory64/table64.wast",
    memory64_table_copy64 = "memory64/table_copy64.wast",
    memory64_table_copy_mixed = "memory64/table_copy_mixed.wast",
    memory64_table_fill64 = "memory64/table_fill64.wast",
    memory64_table_get64 = "memory64/table_get64.wast",
    memory64_table_grow64 = "memory64/table_grow64.wast",
    memory64_table_set64 = "memory64/table_set64.wast",
    memory64_table_size64 = "memory64/table_size64.wast",
    relaxed_simd_i16x8_relaxed_q15mulr_s = "relaxed-simd/i16x8_relaxed_q15mulr_s.wast",
    relaxed_simd_i32x4_relaxed_trunc = "relaxed-simd/i32x4_relaxed_trunc.wast",
    relaxed_simd_i8x16_relaxed_swizzle = "relaxed-simd/i8x16_relaxed_swizzle.wast",
    relaxed_simd_relaxed_dot_product = "relaxed-simd/relaxed_dot_product.wast",
    relaxed_simd_relaxed_laneselect = "relaxed-simd/relaxed_laneselect.wast",
    relaxed_simd_relaxed_madd_nmadd = "relaxed-simd/relaxed_madd_nmadd.wast",
    relaxed_simd_relaxed_min_max = "relaxed-simd/relaxed_min_max.wast",
    tail_call_return_call = "tail-call/return_call.wast",
    tail_call_return_call_indirect = "tail-call/return_call_indirect.wast",
    function_references_br_on_non_null = "function-references/br_on_non_null.wast",
    function_references_br_on_null = "function-references/br_on_null.wast",
    function_references_call_ref = "function-references/call_ref.wast",
    function_references_local_init = "function-references/local_init.wast",
    function_references_ref = "function-references/ref.wast",
    function_references_ref_as_non_null = "function-references/ref_as_non_null.wast",
    function_references_return_call_ref = "function-references/return_call_ref.wast",
    core_3_0_address = "core-3.0/address.wast",
    core_3_0_align = "core-3.0/align.wast",
    core_3_0_binary_leb128 = "core-3.0/binary-leb128.wast",
    core_3_0_binary = "core-3.0/binary.wast",
    core_3_0_br_if = "core-3.0/br_if.wast",
    core_3_0_br_table = "core-3.0/br_table.wast",
    core_3_0_bulk_memory_memory_init = "core-3.0/bulk-memory/memory_init.wast",
    core_3_0_bulk_memory_table_sub = "core-3.0/bulk-memory/table-sub.wast",
    core_3_0_bulk_memory_table_fill = "core-3.0/bulk-memory/table_fill.wast",
    core_3_0_data = "core-3.0/data.wast",
    core_3_0_elem = "core-3.0/elem.wast",
    core_3_0_exports = "core-3.0/exports.wast",
    core_3_0_func = "core-3.0/func.wast",
    core_3_0_global = "core-3.0/global.wast",
    core_3_0_if = "core-3.0/if.wast",
    core_3_0_imports = "core-3.0/imports.wast",
    core_3_0_instance = "core-3.0/instance.wast",
    core_3_0_linking = "core-3.0/linking.wast",
    core_3_0_local_get = "core-3.0/local_get.wast",
    core_3_0_local_tee = "core-3.0/local_tee.wast",
    core_3_0_loop = "core-3.0/loop.wast",
    core_3_0_memory = "core-3.0/memory.wast",
    core_3_0_memory_grow = "core-3.0/memory_grow.wast",
    core_3_0_ref_is_null = "core-3.0/ref_is_null.wast",
    core_3_0_select = "core-3.0/select.wast",
    core_3_0_simd_simd_address = "core-3.0/simd/simd_address.wast",
    core_3_0_simd_simd_const = "core-3.0/simd/simd_const.wast",
    core_3_0_simd_simd_lane = "core-3.0/simd/simd_lane.wast",
    core_3_0_table = "core-3.0/table.wast",
    core_3_0_table_get = "core-3.0/table_get.wast",
    core_3_0_table_grow = "core-3.0/table_grow.wast",
    core_3_0_token = "core-3.0/token.wast",
    core_3_0_unreached_invalid = "core-3.0/unreached-invalid.wast",
    core_3_0_unreached_valid = "core-3.0/unreached-valid.wast",
    exception_handling_tag = "exception-handling/tag.wast",
    exception_handling_throw = "exception-handling/throw.wast",
    exception_handling_throw_ref = "exception-handling/throw_ref.wast",
    exception_handling_try_table = "exception-handling/try_table.wast",
    legacy_exceptions_rethrow = "legacy-exceptions/rethrow.wast",
    legacy_exceptions_throw = "legacy-exceptions/throw.wast",
    legacy_exceptions_try_catch = "legacy-exceptions/try_catch.wast",
    legacy_exceptions_try_delegate = "legacy-exceptions/try_delegate.wast",
});

spec_scripts!(Post, POST_SCRIPTS, mod post {
    custom_page_sizes_binary = "custom-page-sizes/binary.wast",
    custom_page_sizes = "custom-page-sizes/custom-page-sizes.wast",
    custom_page_sizes_invalid = "custom-page-sizes/custom-page-sizes-invalid.wast",
    custom_page_sizes_memory_max = "custom-page-sizes/memory_max.wast",
    custom_page_sizes_memory_max_i64 = "custom-page-sizes/memory_max_i64.wast",
    wide_arithmetic = "wide-arithmetic/wide-arithmetic.wast",
});

/// The directories of `WARD_SPEC_NEXT` and `WARD_SPEC_PROPOSALS` whose every script has
/// a test above.
const NEXT_DIRECTORIES: &[&str] = &[
    "annotations",
    "core-3.0",
    "custom",
    "exception-handling",
    "function-references",
    "legacy-exceptions",
    "memory64",
    "multi-memory",
    "relaxed-simd",
    "tail-call",
];
const POST_DIRECTORIES: &[&str] = &["custom-page-sizes", "wide-arithmetic"];

/// Scripts of those directories that need a proposal ward does not implement yet, and
/// which one. `table_init64.wast` and core-3.0's `table_init.wast` fail only in their
/// one module with an array type; `ref_null.wast` uses GC's heap types throughout.
const NOT_YET: &[(&str, &str)] = &[
    ("memory64/table_init64.wast", "gc"),
    ("core-3.0/bulk-memory/table_init.wast", "gc"),
    ("core-3.0/ref_null.wast", "gc"),
];

/// The core-3.0 scripts are WebAssembly 3.0's whole core suite, most of them the
/// core-2.0 scripts unchanged: the tests cover those that differ from the core-2.0
/// script of the same name (new or changed for 3.0), run with 3.0's features; the
/// unchanged ones run in the core suite.
const CORE_3: &str = "core-3.0";

/// The directory of the scripts of the legacy exception-handling instructions, which
/// run with them switched on (`Config::wasm_legacy_exceptions`).
const LEGACY_EXCEPTIONS: &str = "legacy-exceptions/";

/// A suite of spec scripts.
#[derive(Clone, Copy, Debug)]
enum Suite {
    /// WebAssembly 2.0, from `WARD_SPEC_TESTSUITE`.
    Core,
    /// The 3.0 proposals, from `WARD_SPEC_NEXT`.
    Next,
    /// Proposals after 3.0, from `WARD_SPEC_PROPOSALS`: they run with their features
    /// switched on.
    Post,
}

impl Suite {
    /// The environment variable that names the suite's directory.
    fn variable(self) -> &'static str {
        match self {
            Suite::Core => "WARD_SPEC_TESTSUITE",
            Suite::Next => "WARD_SPEC_NEXT",
            Suite::Post => "WARD_SPEC_PROPOSALS",
        }
    }

    /// The directory it names, for the variable's help.
    fn directory(self) -> &'static str {
        match self {
            Suite::Core => "core-2.0",
            Suite::Next => "next",
            Suite::Post => "proposals",
        }
    }

    /// A configuration with the features the suite's scripts are written for: the
    /// core scripts for WebAssembly 2.0 alone (with 3.0's multiple memories, for one,
    /// a memory index byte that 2.0 requires to be zero is an index), the others for
    /// the default features and their own.
    fn config(self) -> ward::Config {
        let mut config = ward::Config::new();
        match self {
            Suite::Core => {
                config
                    .wasm_tail_call(false)
                    .wasm_extended_const(false)
                    .wasm_multi_memory(false)
                    .wasm_memory64(false)
                    .wasm_function_references(false)
                    .wasm_exceptions(false)
                    .wasm_relaxed_simd(false);
            }
            Suite::Next => {}
            Suite::Post => {
                config
                    .wasm_wide_arithmetic(true)
                    .wasm_custom_page_sizes(true);
            }
        }
        config
    }
}

/// Runs the script `file_name` of `suite` under every configuration, on a thread
/// with a [`RUNNER_STACK_SIZE`] stack.
///
/// # Panics
///
/// When the script fails under any configuration, with the failed directives of
/// each such configuration; and as [`suite_dir`] does.
fn run_script(suite: Suite, file_name: &str) {
    let Some(dir) = suite_dir(suite) else {
        return;
    };
    let path = dir.join(file_name);
    let runner = std::thread::Builder::new()
        .name(file_name.to_string())
        .stack_size(RUNNER_STACK_SIZE)
        .spawn({
            let file_name = file_name.to_string();
            move || failed_configurations(suite, &path, &file_name)
        })
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
/// script (`file_name` in its suite) failed.
fn failed_configurations(suite: Suite, path: &Path, file_name: &str) -> Vec<(String, String)> {
    let mut failed = Vec::new();
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
    for (strategy, mode, metered) in configurations {
        let compiled = strategy == Strategy::Cranelift;
        let mut config = suite.config();
        if file_name.starts_with(LEGACY_EXCEPTIONS) {
            config.wasm_legacy_exceptions(true);
        }
        config
            .strategy(strategy)
            .compilation(mode)
            .consume_fuel(metered)
            .interruptible(metered);
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
            let auto = if strategy == Strategy::Auto {
                " (Strategy::Auto)"
            } else {
                ""
            };
            let name = match (compiled, metered) {
                (false, false) => format!("interpreter, {mode:?}"),
                (false, true) => format!("interpreter, {mode:?} + fuel + interrupts"),
                (true, false) => format!(
                    "compiled, through artifacts, memories that never move{}",
                    cross_target().map_or(String::new(), |t| format!(", and for {t}"))
                ),
                (true, true) => "compiled, memories that move + fuel + interrupts".to_string(),
            } + auto;
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

/// The directory of `suite` from its variable, or `None` if the variable is unset and
/// the caller should skip; the first skip of each suite in a run says so on stderr.
///
/// # Panics
///
/// When the variable is unset under CI (`CI` set and not empty).
fn suite_dir(suite: Suite) -> Option<PathBuf> {
    let variable = suite.variable();
    if let Some(dir) = std::env::var_os(variable) {
        return Some(PathBuf::from(dir));
    }
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !in_ci,
        "CI is set but {variable} is not: the spec suites must run in CI"
    );
    static SKIP_NOTICE: [Once; 3] = [Once::new(), Once::new(), Once::new()];
    SKIP_NOTICE[suite as usize].call_once(|| {
        // Straight to stderr: the test harness captures `eprintln!` from a passing
        // test and would hide the notice.
        let _ = writeln!(
            std::io::stderr(),
            "spec tests SKIPPED: set {variable} to the {} directory of the WebAssembly \
             spec testsuite (github.com/WebAssembly/testsuite)",
            suite.directory()
        );
    });
    None
}

/// The `.wast` scripts of `dir` and its subdirectories, by path from `dir`, each
/// prefixed with `prefix`.
fn scripts_in(dir: &Path, prefix: &str) -> BTreeSet<String> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut scripts = BTreeSet::new();
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        let name = path.file_name().expect("a file name").to_string_lossy();
        if path.is_dir() {
            scripts.extend(scripts_in(&path, &format!("{prefix}{name}/")));
        } else if path.extension().is_some_and(|ext| ext == "wast") {
            scripts.insert(format!("{prefix}{name}"));
        }
    }
    scripts
}

/// Whether core-3.0 script `script` (a path in `next`) is the core-2.0 script of the
/// same file name, unchanged.
fn unchanged_from_core_2(next: &Path, script: &str) -> bool {
    let core_2 = suite_dir(Suite::Core).unwrap_or_else(|| next.join("../core-2.0"));
    let name = Path::new(script).file_name().expect("a file name");
    match (
        std::fs::read(next.join(script)),
        std::fs::read(core_2.join(name)),
    ) {
        (Ok(new), Ok(old)) => new == old,
        _ => false,
    }
}

/// Checks that `listed` names each script of `on_disk` once, and nothing else.
fn assert_same_scripts(listed: &[&str], on_disk: &BTreeSet<String>, dir: &Path) {
    let set: BTreeSet<String> = listed.iter().map(|name| name.to_string()).collect();
    assert_eq!(set.len(), listed.len(), "a script is listed twice");
    let untested: Vec<&String> = on_disk.difference(&set).collect();
    let missing: Vec<&String> = set.difference(on_disk).collect();
    assert!(
        untested.is_empty() && missing.is_empty(),
        "the script list in {} does not match {}: no test for {untested:?}; \
         no such file for {missing:?}",
        file!(),
        dir.display()
    );
}

/// Every script of the core suite, and of each listed proposal directory but those
/// [`NOT_YET`] lists (and the core-3.0 scripts that are core-2.0's, unchanged), has a
/// test, and every test has its script: a script added to the suite cannot go
/// untested, and a renamed one fails here by name.
#[test]
fn every_script_has_a_test() {
    if let Some(dir) = suite_dir(Suite::Core) {
        assert_same_scripts(SCRIPTS, &scripts_in(&dir, ""), &dir);
    }
    for (suite, listed, directories) in [
        (Suite::Next, NEXT_SCRIPTS, NEXT_DIRECTORIES),
        (Suite::Post, POST_SCRIPTS, POST_DIRECTORIES),
    ] {
        if let Some(dir) = suite_dir(suite) {
            let mut on_disk = BTreeSet::new();
            for proposal in directories {
                on_disk.extend(scripts_in(&dir.join(proposal), &format!("{proposal}/")));
            }
            for (script, _) in NOT_YET {
                on_disk.remove(*script);
            }
            on_disk.retain(|script| {
                !script.starts_with(&format!("{CORE_3}/")) || !unchanged_from_core_2(&dir, script)
            });
            assert_same_scripts(listed, &on_disk, &dir);
        }
    }
}
