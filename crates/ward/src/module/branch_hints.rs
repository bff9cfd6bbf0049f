//! The branch hints of the `metadata.code.branch_hint` custom section: which way an
//! `if` or a `br_if` is expected to go. The compiled tier moves the unlikely side out
//! of the hot path.
//!
//! Like every custom section, the hints never make a module fail to load. A section
//! that is malformed, or that says something impossible (a function that is imported or
//! does not exist, functions or offsets out of order, an offset where no `if` or
//! `br_if` begins), is ignored as a whole, and [`ModuleInfo::warnings`] says why.

use crate::prelude::HashMap;
use crate::prelude::*;
use core::ops::Range;

use wasmparser::{BinaryReader, BranchHintSectionReader, FunctionBody, Operator};

use super::ModuleInfo;
use crate::index::FuncIndex;

/// The section's name.
pub(super) const SECTION: &str = "metadata.code.branch_hint";

/// Reads the section whose contents are `bytes[range]` and checks it against the
/// module's code: the hints by the module offset of their instruction, or why the
/// section is ignored.
pub(super) fn read(
    info: &ModuleInfo,
    bytes: &[u8],
    range: Range<usize>,
) -> Result<HashMap<usize, bool>, String> {
    let reader = BinaryReader::new(&bytes[range.clone()], range.start as u64);
    let section = BranchHintSectionReader::new(reader).map_err(|e| e.message().to_string())?;
    let mut hints = HashMap::new();
    let mut previous_func = None;
    for entry in section {
        let entry = entry.map_err(|e| e.message().to_string())?;
        if previous_func.is_some_and(|p| p >= entry.func) {
            return Err(format!("function {} out of order", entry.func));
        }
        previous_func = Some(entry.func);
        let defined = info
            .defined_func(FuncIndex::from_u32(entry.func))
            .filter(|d| (d.as_u32() as usize) < info.num_defined_funcs())
            .ok_or_else(|| format!("function {} is not defined by the module", entry.func))?;
        let body = info.body(defined);
        let branches = branch_offsets(bytes, body.clone())?;
        let mut previous_offset = None;
        for hint in entry.hints {
            let hint = hint.map_err(|e| e.message().to_string())?;
            if previous_offset.is_some_and(|p| p >= hint.func_offset) {
                return Err(format!(
                    "offset {} of function {} out of order",
                    hint.func_offset, entry.func
                ));
            }
            previous_offset = Some(hint.func_offset);
            let at = body.start + hint.func_offset as usize;
            if branches.binary_search(&at).is_err() {
                return Err(format!(
                    "offset {} of function {} is not an `if` or a `br_if`",
                    hint.func_offset, entry.func
                ));
            }
            hints.insert(at, hint.taken);
        }
    }
    Ok(hints)
}

/// The module offsets of the `if` and `br_if` instructions of the (validated) body at
/// `bytes[body]`, in order.
fn branch_offsets(bytes: &[u8], body: Range<usize>) -> Result<Vec<usize>, String> {
    let reader = BinaryReader::new(&bytes[body.clone()], body.start as u64);
    let mut ops = FunctionBody::new(reader)
        .get_operators_reader()
        .map_err(|e| e.message().to_string())?;
    let mut offsets = Vec::new();
    while !ops.eof() {
        let at = ops.original_position() as usize;
        match ops.read().map_err(|e| e.message().to_string())? {
            Operator::If { .. } | Operator::BrIf { .. } => offsets.push(at),
            _ => {}
        }
    }
    Ok(offsets)
}

impl ModuleInfo {
    /// The hint of the `if` or `br_if` at module offset `offset`: whether it is
    /// expected to branch (`br_if`) or to run its `then` arm (`if`). The compiled tier
    /// is its user.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn branch_hint(&self, offset: usize) -> Option<bool> {
        self.branch_hints.get(&offset).copied()
    }

    /// What ward found wrong in custom sections it reads and therefore ignored.
    pub(crate) fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Takes the hints of the branch hint section at `bytes[range]` (starting at module
    /// offset `range.start`), or a warning.
    pub(super) fn take_branch_hints(&mut self, bytes: &[u8], range: Range<usize>) {
        match read(self, bytes, range.clone()) {
            Ok(hints) => self.branch_hints = hints,
            Err(problem) => self.warnings.push(format!(
                "custom section `{SECTION}` at byte {:#x} ignored: {problem}",
                range.start
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SECTION;
    use crate::{Config, Engine, Linker, Module, Store, Strategy};

    /// A function whose `if` is at offset 3 of its body, and a `br_if` at offset 13.
    const WAT: &str = r#"(module
        (import "m" "f" (func))
        (func (export "f") (param i32) (result i32)
            local.get 0
            if (result i32)
                i32.const 1
            else
                i32.const 2
            end
            local.get 0
            br_if 0))"#;

    /// `WAT` with a branch hint section of `payload` appended.
    fn with_section(payload: &[u8]) -> Vec<u8> {
        let mut bytes = wat::parse_str(WAT).unwrap();
        let mut section = vec![SECTION.len() as u8];
        section.extend_from_slice(SECTION.as_bytes());
        section.extend_from_slice(payload);
        bytes.push(0);
        bytes.push(section.len() as u8);
        bytes.extend(section);
        bytes
    }

    /// The engines of both tiers (where the compiled one exists).
    fn engines() -> Vec<Engine> {
        let mut engines = vec![Engine::default()];
        if Strategy::Cranelift.is_available() {
            engines.push(Engine::new(Config::new().strategy(Strategy::Cranelift)));
        }
        engines
    }

    /// Loads `bytes` and checks that the module runs as it would without hints.
    fn load_and_run(engine: &Engine, bytes: &[u8]) -> Module {
        let module = Module::new(engine, bytes).unwrap();
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        linker.func_wrap("m", "f", || {}).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
        assert_eq!(f.call(&mut store, 0).unwrap(), 2);
        assert_eq!(f.call(&mut store, 5).unwrap(), 1);
        module
    }

    #[test]
    fn hints_on_an_if_and_a_br_if_are_read() {
        // Function 1 (0 is the import): two hints, the `if` unlikely, the `br_if` likely.
        let bytes = with_section(&[1, 1, 2, 3, 1, 0, 13, 1, 1]);
        for engine in engines() {
            let module = load_and_run(&engine, &bytes);
            assert!(module.warnings().is_empty(), "{:?}", module.warnings());
            let body = module
                .info()
                .body(crate::index::DefinedFuncIndex::from_u32(0));
            assert_eq!(module.info().branch_hint(body.start + 3), Some(false));
            assert_eq!(module.info().branch_hint(body.start + 13), Some(true));
            assert_eq!(module.info().branch_hint(body.start + 1), None);
        }
    }

    /// Each section that says something impossible is ignored with a warning that says
    /// what, and the module loads and runs all the same.
    #[test]
    fn invalid_hints_are_ignored_with_a_warning() {
        let cases: [(&[u8], &str); 7] = [
            (&[1, 1, 1, 1, 1, 0], "is not an `if` or a `br_if`"),
            (&[1, 0, 1, 3, 1, 0], "is not defined by the module"),
            (&[1, 2, 1, 3, 1, 0], "is not defined by the module"),
            (&[2, 1, 0, 1, 0], "out of order"),
            (&[1, 1, 2, 13, 1, 0, 3, 1, 0], "out of order"),
            (&[1, 1, 1, 3, 1, 2], "invalid branch hint taken byte"),
            (&[1, 1, 1, 3], "unexpected end"),
        ];
        for engine in engines() {
            for (payload, problem) in cases {
                let module = load_and_run(&engine, &with_section(payload));
                let warnings = module.warnings();
                assert_eq!(warnings.len(), 1, "{payload:?}: {warnings:?}");
                assert!(warnings[0].contains(problem), "{payload:?}: {warnings:?}");
                assert!(warnings[0].contains(SECTION), "{warnings:?}");
                let body = module
                    .info()
                    .body(crate::index::DefinedFuncIndex::from_u32(0));
                assert_eq!(module.info().branch_hint(body.start + 3), None);
            }
        }
    }
}
