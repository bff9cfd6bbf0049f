//! The `deserialize` target: damaged artifacts through `Module::deserialize`.

use std::sync::OnceLock;

use ward::{ArtifactHeader, Config, Engine, Error, Module, Strategy};

use crate::Stats;

/// The modules whose artifacts the target damages: between them, every table an
/// artifact has (functions, trap sites, wasm offsets, trampolines, relocations of both
/// kinds) is non-empty.
const SEEDS: [&str; 3] = [
    "(module (func (export \"f\") (result i32) i32.const 7))",
    r#"(module
         (import "host" "f" (func $f (param i32) (result i32)))
         (memory 1) (table 2 funcref) (elem (i32.const 0) $a $b)
         (type $t (func (param i32) (result i32)))
         (func $a (param i32) (result i32) (call $f (local.get 0)))
         (func $b (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
         (func (export "g") (param i32 i32) (result i32)
           (memory.copy (i32.const 0) (i32.const 8) (local.get 0))
           (memory.fill (i32.const 0) (i32.const 1) (local.get 1))
           (call_indirect (type $t) (local.get 0) (local.get 1))))"#,
    r#"(module
         (func $loop (export "l") (param i64) (result i64 f64)
           (loop $l (br_if $l (i64.ne (local.tee 0 (i64.sub (local.get 0) (i64.const 1)))
                                      (i64.const 0))))
           (local.get 0) (f64.nearest (f64.const 2.5))))"#,
];

/// The engine the artifacts are written and loaded with, and the artifacts; `None`
/// where the compiled tier is not available.
fn seeds() -> Option<&'static (Engine, Vec<Vec<u8>>)> {
    static SEEDS_BUILT: OnceLock<Option<(Engine, Vec<Vec<u8>>)>> = OnceLock::new();
    SEEDS_BUILT
        .get_or_init(|| {
            if !Strategy::Cranelift.is_available() {
                return None;
            }
            let engine = Engine::new(Config::new().strategy(Strategy::Cranelift));
            let artifacts = SEEDS
                .iter()
                .map(|wat| {
                    Module::new(&engine, wat)
                        .and_then(|m| m.serialize())
                        .expect("the seed modules compile")
                })
                .collect();
            Some((engine, artifacts))
        })
        .as_ref()
}

/// Damages one of the seed artifacts as `bytes` say, and loads it.
///
/// The first byte picks the seed and the kind of damage: a truncation; changed bytes
/// anywhere, with the checksum left as it was; or changed bytes before the code with a
/// checksum written anew (see [`ArtifactHeader::reseal`]), which reaches the checks
/// behind the checksum. The rest are the damage: a length, or (offset, value) pairs.
/// Never runs the code: an artifact's code is trusted, its damage is not a finding.
///
/// # Panics
///
/// On a finding: ward panicked; an artifact damaged before its checksum was written
/// loaded; or a refusal is not an [`Error::Compile`] with an offset within the input.
pub fn deserialize(bytes: &[u8]) -> Stats {
    let mut stats = Stats::input();
    let Some((engine, artifacts)) = seeds() else {
        return stats;
    };
    let Some((&choice, damage)) = bytes.split_first() else {
        return stats;
    };
    let seed = &artifacts[usize::from(choice) % artifacts.len()];
    let code_offset = u64::from_le_bytes(seed[24..32].try_into().expect("8 bytes")) as usize;
    let mut artifact = seed.clone();
    let resealed = match (choice / 3) % 3 {
        0 => {
            let len = damage
                .iter()
                .take(4)
                .fold(0usize, |len, &b| len << 8 | usize::from(b));
            artifact.truncate(len % (seed.len() + 1));
            false
        }
        kind => {
            let end = if kind == 1 { seed.len() } else { code_offset };
            for pair in damage.chunks_exact(3) {
                let at = usize::from(u16::from_le_bytes([pair[0], pair[1]])) % end;
                artifact[at] ^= pair[2];
            }
            if kind == 2 {
                ArtifactHeader::reseal(&mut artifact);
            }
            kind == 2
        }
    };
    let _ = ArtifactHeader::parse(&artifact);
    // SAFETY: the code is never run: the module, if it loads, is dropped unused. Only
    // loading is under test, and it runs none of the artifact's code.
    match unsafe { Module::deserialize(engine, &artifact) } {
        Ok(_) => {
            stats.modules += 1;
            assert!(
                resealed || artifact == *seed,
                "a damaged artifact loaded without a matching checksum"
            );
        }
        Err(Error::Compile { offset, .. }) => {
            assert!(offset <= artifact.len(), "offset {offset} past the end");
        }
        Err(other) => panic!("refused with a non-compile error: {other:?}"),
    }
    stats
}
