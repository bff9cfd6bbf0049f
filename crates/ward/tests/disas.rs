//! Golden tests of the translator: what ward's interpreter runs for small modules.
//!
//! Each `tests/disas/*.wat` file holds a module and, below a marker line, the translated
//! code of every function the module defines, as [`Module::disassemble`] prints it, in
//! `;;` comment lines. A test fails when the translation differs; a change to the
//! translator then shows in the diff of these files, op by op.
//!
//! `WARD_BLESS=1 cargo test -p ward --test disas` rewrites the expected part of every
//! file from the current translation (the part above the marker is left as it is).
//!
//! A file may configure its engine with `;;!` lines above the marker, each holding
//! options separated by spaces: `fuel` ([`Config::consume_fuel`]), `interruptible`
//! ([`Config::interruptible`]) and `legacy-exceptions`
//! ([`Config::wasm_legacy_exceptions`]). Without them the engine has [`Config::new`].

use std::path::PathBuf;

use ward::{Config, Engine, ExternType, Module};

/// Separates a file's module from its expected disassembly.
const MARKER: &str = ";; ==== disassembly (WARD_BLESS=1 to update) ====";

/// One test per file of `tests/disas`, named after it, and the list of them all.
macro_rules! disas_tests {
    ($($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*

        const FILES: &[&str] = &[$(stringify!($name)),*];
    };
}

disas_tests! {
    accumulator
    bit_field
    bit_test
    block_params
    block_results
    br_if_compare
    br_if_compare_acc
    br_if_compare_imm
    br_if_eqz
    br_if_float_compare
    br_if_plain
    br_if_values
    br_table
    br_table_bias
    br_table_values
    bulk_memory
    call_indirect
    calls
    commutative_swap
    copies
    dead_code
    exceptions
    float_constants
    fuel
    fuel_interruptible
    globals
    if_compare
    if_float_compare
    immediates
    immediates_i64
    interruptible
    lazy_locals
    lazy_locals_at_labels
    lazy_locals_limit
    load_at
    load_store_abs
    load_store_widths
    load_test
    memory64
    local_set_pending_read
    local_set_retarget
    local_tee
    loop_back_edge
    ref_is_null
    reinterpret
    returns
    select
    simd_const_pool
    simd_ops
    store_at
    store_imm
    store_imm_at_abs
    typed_refs
}

fn disas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/disas")
}

#[test]
fn every_file_is_listed() {
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(disas_dir()).expect("tests/disas is readable") {
        let path = entry.expect("tests/disas is readable").path();
        if path.extension().is_some_and(|ext| ext == "wat") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !FILES.contains(&stem.as_str()) {
                unlisted.push(stem);
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "tests/disas files missing from `disas_tests!` in tests/disas.rs: {unlisted:?}"
    );
}

/// Checks (or with `WARD_BLESS` set, rewrites) the expected disassembly of file `name`.
fn check(name: &str) {
    let path = disas_dir().join(format!("{name}.wat"));
    let shown = format!("tests/disas/{name}.wat");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let (input, expected) = match text.split_once(MARKER) {
        Some((input, expected)) => (input, Some(expected)),
        None => (text.as_str(), None),
    };
    let engine = Engine::new(&config(&shown, input));
    let module = Module::new(&engine, input).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let actual = disassemble_all(&module).unwrap_or_else(|e| panic!("{shown}: {e}"));

    if std::env::var_os("WARD_BLESS").is_some() {
        let mut blessed = format!("{}\n\n{MARKER}\n", input.trim_end());
        for line in actual.lines() {
            blessed.push_str(format!(";; {line}").trim_end());
            blessed.push('\n');
        }
        if blessed != text {
            std::fs::write(&path, blessed).unwrap_or_else(|e| panic!("{shown}: {e}"));
        }
        return;
    }
    let Some(expected) = expected else {
        panic!(
            "{shown} has no expected disassembly yet; write it with\n    \
             WARD_BLESS=1 cargo test -p ward --test disas"
        );
    };
    let expected: Vec<&str> = expected
        .lines()
        .skip_while(|line| line.is_empty())
        .map(|line| line.strip_prefix(";;").unwrap_or(line))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let actual: Vec<&str> = actual.lines().map(str::trim_end).collect();
    if expected != actual {
        panic!(
            "{shown}: the translation differs from the expected disassembly \
             (-expected +actual):\n{}\nIf the change is intended, update the file with\n    \
             WARD_BLESS=1 cargo test -p ward --test disas",
            diff(&expected, &actual)
        );
    }
}

/// The engine configuration of a file's `;;!` lines.
fn config(shown: &str, input: &str) -> Config {
    let mut config = Config::new();
    for line in input.lines() {
        let Some(options) = line.strip_prefix(";;!") else {
            continue;
        };
        for option in options.split_whitespace() {
            match option {
                "fuel" => config.consume_fuel(true),
                "interruptible" => config.interruptible(true),
                "legacy-exceptions" => config.wasm_legacy_exceptions(true),
                other => panic!("{shown}: unknown option `{other}` (known: fuel, interruptible)"),
            };
        }
    }
    config
}

/// The disassembly of every function `module` defines, in index order, a blank line
/// between two functions.
fn disassemble_all(module: &Module) -> ward::Result<String> {
    let imported = module
        .imports()
        .filter(|import| matches!(import.ty(), ExternType::Func(_)))
        .count() as u32;
    let funcs = (imported..imported + module.num_funcs())
        .map(|index| module.disassemble(index))
        .collect::<ward::Result<Vec<_>>>()?;
    Ok(funcs.join("\n"))
}

/// A line diff of `expected` and `actual` from their longest common subsequence: lines
/// only in `expected` marked `-`, lines only in `actual` `+`, and up to two unchanged
/// lines around each change.
fn diff(expected: &[&str], actual: &[&str]) -> String {
    let (n, m) = (expected.len(), actual.len());
    // common[i][j]: length of the longest common subsequence of expected[i..], actual[j..].
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if expected[i] == actual[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let mut lines = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            lines.push((' ', expected[i]));
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && common[i + 1][j] >= common[i][j + 1]) {
            lines.push(('-', expected[i]));
            i += 1;
        } else {
            lines.push(('+', actual[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        lines[k.saturating_sub(2)..(k + 3).min(lines.len())]
            .iter()
            .any(|&(mark, _)| mark != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, &(mark, line)) in lines.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("  ...\n");
                skipped = false;
            }
            out.push_str(&format!("{mark} {line}\n"));
        } else {
            skipped = true;
        }
    }
    out
}
