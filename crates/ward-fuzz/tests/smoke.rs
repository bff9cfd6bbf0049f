//! Deterministic smoke runs of the three fuzz targets, so that every `cargo test` runs
//! them: a fixed set of PRNG inputs per target plus a small corpus of handcrafted ones.
//! A target panics on a finding, which fails the test with the target's message.
//!
//! The input counts keep the whole file under a minute in a debug build on two cores;
//! long runs are for `cargo fuzz` or the `fuzz` example (see the crate's README).

use ward::Strategy;
use ward_fuzz::inputs::{self, Rng};
use ward_fuzz::{deserialize, differential, differential_module, execute, load, Stats};

const LOAD_INPUTS: usize = 3_000;
const EXECUTE_INPUTS: usize = 1_500;
const DIFFERENTIAL_INPUTS: usize = 1_000;
const DESERIALIZE_INPUTS: usize = 3_000;
/// The largest random input: wasm-smith reads a module of a few functions out of 2 KiB.
const MAX_LEN: usize = 2_048;

fn run(target: fn(&[u8]) -> Stats, inputs: impl IntoIterator<Item = Vec<u8>>) -> Stats {
    let mut stats = Stats::default();
    for input in inputs {
        stats += target(&input);
    }
    stats
}

#[test]
fn load_survives_random_and_mutated_modules() {
    let mut rng = Rng::new(1);
    let stats = run(
        load,
        (0..LOAD_INPUTS).map(|_| inputs::load_input(&mut rng, MAX_LEN)),
    );
    // A mutated module is still valid often enough that loading goes past the header.
    assert!(stats.modules > LOAD_INPUTS as u64 / 20, "{stats:?}");
}

/// Text turned into bytes without validation: the wat crate only encodes.
fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("the corpus text parses")
}

/// `n` nested blocks around nothing, in one function body.
fn nested_blocks(n: usize) -> Vec<u8> {
    let mut body = "block\n".repeat(n);
    body.push_str(&"end\n".repeat(n));
    wat(&format!("(module (func {body}))"))
}

#[test]
fn load_survives_the_corpus() {
    let header = b"\0asm\x01\0\0\0".to_vec();
    let with_header = |rest: &[u8]| [header.as_slice(), rest].concat();
    let corpus: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\0asm".to_vec(),
        header.clone(),
        b"\0asm\x02\0\0\0".to_vec(),
        // A section that claims more bytes than there are.
        with_header(&[1, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        // A count whose LEB128 encoding runs past 32 bits.
        with_header(&[1, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        // Four billion functions announced in a five-byte section.
        with_header(&[3, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        // Unknown section id, and a custom section with a truncated name.
        with_header(&[13, 0]),
        with_header(&[0, 2, 5, b'a']),
        // Invalid code: an operand missing, a branch too far, a type mismatch.
        wat("(module (func (result i32) i32.add))"),
        wat("(module (func br 1))"),
        wat("(module (func (result i32) f32.const 1))"),
        wat("(module (memory 2 1))"),
        wat("(module (table 2 1 funcref))"),
        wat("(module (func (export \"a\")) (func (export \"a\")))"),
        wat("(module (global i32 (global.get 0)))"),
        wat("(module (data (i32.const 0) \"x\"))"),
        wat("(module (func (param i32) (result i32) local.get 0 br_table 0 1 2 0))"),
        nested_blocks(20_000),
        // Text, valid and not.
        b"(module (func (export \"f\") (result i32) i32.const 1))".to_vec(),
        b"(module (func".to_vec(),
        vec![0xff; 64],
    ];
    let stats = run(load, corpus);
    assert_eq!(stats.modules, 2, "{stats:?}");
}

#[test]
fn execute_survives_random_inputs() {
    let mut rng = Rng::new(2);
    let stats = run(
        execute,
        (0..EXECUTE_INPUTS).map(|_| inputs::smith_input(&mut rng, MAX_LEN)),
    );
    assert!(stats.calls > EXECUTE_INPUTS as u64, "{stats:?}");
    assert!(stats.traps > 0, "{stats:?}");
    // The input chooses the tier: about half the modules run compiled.
    if Strategy::Cranelift.is_available() {
        let interpreted = stats.modules - stats.compiled_modules;
        assert!(
            stats.compiled_modules > stats.modules / 4 && interpreted > stats.modules / 4,
            "{stats:?}"
        );
        assert!(stats.compiled_calls > stats.calls / 4, "{stats:?}");
    }
}

/// Byte patterns that drive wasm-smith into its smallest and its most repetitive
/// choices.
fn pattern_corpus() -> Vec<Vec<u8>> {
    let mut corpus = Vec::new();
    for len in [0, 1, 16, 256, 2_048] {
        corpus.push(vec![0; len]);
        corpus.push(vec![0xff; len]);
        corpus.push((0..len).map(|i| i as u8).collect());
        corpus.push((0..len).map(|i| (i * 7 + 3) as u8 ^ 0x5a).collect());
    }
    corpus
}

#[test]
fn execute_survives_the_corpus() {
    run(execute, pattern_corpus());
}

#[test]
fn ward_agrees_with_the_oracles_on_random_inputs() {
    let mut rng = Rng::new(3);
    let stats = run(
        differential,
        (0..DIFFERENTIAL_INPUTS).map(|_| inputs::smith_input(&mut rng, MAX_LEN)),
    );
    assert!(stats.calls > DIFFERENTIAL_INPUTS as u64, "{stats:?}");
    assert!(
        stats.inconclusive < DIFFERENTIAL_INPUTS as u64 / 10,
        "{stats:?}"
    );
    // Every module and every call runs on both tiers.
    if Strategy::Cranelift.is_available() {
        assert_eq!(stats.compiled_modules, stats.modules, "{stats:?}");
        assert_eq!(stats.compiled_calls, stats.calls, "{stats:?}");
    }
}

#[test]
fn ward_agrees_with_the_oracles_on_the_corpus() {
    run(differential, pattern_corpus());
}

/// wasmi 2.0.0 returns 7 here (it loses the `select` stored in local 1 after a value
/// was dropped by a branch out of two blocks); the answer is 8, which ward and wasmi 1
/// give. The second oracle turns this into a counted disagreement, not a finding.
#[test]
fn a_wrong_oracle_is_outvoted() {
    let wasm = wat(r#"
        (module
          (memory 1)
          (func (export "f") (result i32) (local i32 i32)
            block block memory.size br 1 end end
            i32.const 7
            i32.const 1 local.get 1 local.get 1 i32.eqz select
            local.set 1
            local.get 1
            i32.add))
    "#);
    let stats = differential_module(&wasm, &[]);
    assert_eq!(stats.calls, 1);
    assert_eq!(stats.oracle_disagreements, 1, "{stats:?}");
}

/// wasmi 2.0.0 panics translating this function (`unreachable!` in its translator: a
/// store whose pointer and value are the same register, with an offset past 16 bits);
/// wasmi 1 loads it. The panic is caught and the other oracle judges.
#[test]
fn a_crashing_oracle_is_outvoted() {
    let wasm = wat(r#"
        (module
          (memory 1)
          (global (mut i32) (i32.const 0))
          (func (export "f") (param i32)
            global.get 0
            local.tee 0
            local.get 0
            i32.store offset=70000))
    "#);
    let stats = differential_module(&wasm, &[]);
    assert_eq!((stats.calls, stats.traps), (1, 1), "{stats:?}");
    assert_eq!(stats.oracle_disagreements, 1, "{stats:?}");
}

/// ward and both oracles agree on traps and state across calls of a handwritten module
/// touching memory, globals, tables and indirect calls.
#[test]
fn a_handwritten_module_agrees() {
    let wasm = wat(r#"
        (module
          (type $t (func (param i32) (result i32)))
          (memory (export "mem") 1 2)
          (global $g (export "g") (mut i64) (i64.const -1))
          (table (export "tab") 3 funcref)
          (elem (i32.const 1) func $double)
          (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
          (func (export "store") (param i32 i32)
            (i32.store (local.get 0) (local.get 1))
            (global.set $g (i64.extend_i32_s (local.get 1))))
          (func (export "indirect") (param i32) (result i32)
            (call_indirect (type $t) (i32.const 21) (local.get 0)))
          (func (export "grow") (result i32) (memory.grow (i32.const 1)))
          (func (export "div") (param i32 i32) (result i32)
            (i32.div_s (local.get 0) (local.get 1))))
    "#);
    // With no argument bytes, every argument is zero: `indirect` calls the null element
    // 0 and `div` divides by zero, so both trap.
    let stats = differential_module(&wasm, &[]);
    assert_eq!((stats.calls, stats.traps), (4, 2), "{stats:?}");
    assert_eq!(stats.oracle_disagreements, 0);
    if Strategy::Cranelift.is_available() {
        assert_eq!(stats.compiled_calls, 4, "{stats:?}");
    }
    // Arguments from bytes, and calls chosen by them after the first round.
    let stats = differential_module(&wasm, &[7; 64]);
    assert!(stats.calls > 4, "{stats:?}");
    assert_eq!(stats.oracle_disagreements, 0);
}

#[test]
fn deserialize_refuses_damaged_artifacts() {
    if !Strategy::Cranelift.is_available() {
        eprintln!("compiled tier not available on this platform: test skipped");
        return;
    }
    let mut rng = Rng::new(4);
    let stats = run(
        deserialize,
        (0..DESERIALIZE_INPUTS).map(|_| {
            let len = 1 + rng.below(64);
            rng.bytes(len)
        }),
    );
    assert_eq!(stats.inputs, DESERIALIZE_INPUTS as u64);
    // A resealed change that hits nothing checked (a wasm offset, say) loads; most
    // damage does not.
    assert!(stats.modules < DESERIALIZE_INPUTS as u64 / 2, "{stats:?}");
}
