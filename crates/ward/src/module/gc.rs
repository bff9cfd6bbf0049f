//! What ward takes of the GC proposal: what WebAssembly 3.0 has from it outside the GC
//! heap.
//!
//! - Recursion groups of function types (`rec`): tags, typed references and
//!   `call_indirect` name types of them, and two `(func)` types of one group are
//!   distinct types.
//! - Constant expressions that read globals the module defines (`global.get`).
//!
//! The validator accepts both only with its GC feature, which also admits GC's heap
//! types (`anyref`, `i31ref`, ...), struct and array types and GC's instructions, none
//! of which ward runs yet. So a module that uses either is validated with that feature
//! and then checked here for the rest, which is refused at load with the offset of its
//! first use. Every other module is validated without the feature, and its code is not
//! read twice.

use wasmparser::{
    AbstractHeapType, BlockType, Chunk, CompositeInnerType, ConstExpr, DataKind, ElementItems,
    ElementKind, FuncType, HeapType, Operator, OperatorsReader, Parser, Payload, RefType, SubType,
    TableInit, TypeRef, ValType, WasmFeatures,
};

use super::unsupported;
use crate::error::{Error, Result};

/// Whether module `bytes` uses what WebAssembly 3.0 has from the GC proposal and the
/// validator allows only with its GC feature: an explicit recursion group, or a
/// constant expression that reads a global the module defines. Reads the sections
/// before the code and after it, not the code; a malformed module is left to the
/// real parse.
pub(crate) fn needs_gc_validation(bytes: &[u8], features: WasmFeatures) -> bool {
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut rest = bytes;
    let mut imported_globals = 0;
    let reads_defined_global = |expr: &ConstExpr<'_>, imported: u32| {
        expr.get_operators_reader().into_iter().any(
            |op| matches!(op, Ok(Operator::GlobalGet { global_index }) if global_index >= imported),
        )
    };
    loop {
        let Ok(Chunk::Parsed { consumed, payload }) = parser.parse(rest, true) else {
            return false;
        };
        rest = &rest[consumed..];
        let needs = match payload {
            Payload::TypeSection(reader) => reader
                .into_iter()
                .any(|group| group.is_ok_and(|g| g.is_explicit_rec_group())),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports().flatten() {
                    imported_globals += u32::from(matches!(import.ty, TypeRef::Global(_)));
                }
                false
            }
            Payload::TableSection(reader) => reader.into_iter().flatten().any(|t| {
                matches!(&t.init, TableInit::Expr(e) if reads_defined_global(e, imported_globals))
            }),
            Payload::GlobalSection(reader) => reader
                .into_iter()
                .flatten()
                .any(|g| reads_defined_global(&g.init_expr, imported_globals)),
            Payload::ElementSection(reader) => reader.into_iter().flatten().any(|e| {
                let offset = match &e.kind {
                    ElementKind::Active { offset_expr, .. } => Some(offset_expr),
                    _ => None,
                };
                let items = match e.items {
                    ElementItems::Expressions(_, exprs) => exprs
                        .into_iter()
                        .flatten()
                        .any(|e| reads_defined_global(&e, imported_globals)),
                    ElementItems::Functions(_) => false,
                };
                items || offset.is_some_and(|o| reads_defined_global(o, imported_globals))
            }),
            Payload::DataSection(reader) => reader.into_iter().flatten().any(|d| {
                matches!(&d.kind, DataKind::Active { offset_expr, .. }
                    if reads_defined_global(offset_expr, imported_globals))
            }),
            Payload::CodeSectionStart { size, .. } => {
                parser.skip_section();
                match rest.get(size as usize..) {
                    Some(after) => rest = after,
                    None => return false,
                }
                false
            }
            Payload::End(_) => return false,
            _ => false,
        };
        if needs {
            return true;
        }
    }
}

/// Whether `ty` is a reference to one of GC's abstract heap types.
fn is_gc_val_type(ty: ValType) -> bool {
    match ty {
        ValType::Ref(r) => is_gc_heap_type(r.heap_type()),
        _ => false,
    }
}

/// Whether `heap` is one of GC's abstract heap types: not `func`, `extern`, nor
/// exception handling's `exn` and `noexn`.
fn is_gc_heap_type(heap: HeapType) -> bool {
    match heap {
        HeapType::Abstract { shared, ty } => {
            shared
                || !matches!(
                    ty,
                    AbstractHeapType::Func
                        | AbstractHeapType::Extern
                        | AbstractHeapType::Exn
                        | AbstractHeapType::NoExn
                )
        }
        HeapType::Concrete(_) | HeapType::Exact(_) => false,
    }
}

/// The function type that `sub`, a type of the type section at `offset`, declares;
/// an error for what else GC allows there: struct and array types, declared subtypes,
/// GC reference types in params and results.
pub(crate) fn function_type(sub: &SubType, offset: u64) -> Result<&FuncType> {
    let CompositeInnerType::Func(ty) = &sub.composite_type.inner else {
        return Err(unsupported(
            "types other than function types (GC)",
            offset as usize,
        ));
    };
    if !sub.is_final || !sub.supertype_idxs.is_empty() || sub.composite_type.shared {
        return Err(unsupported("declared subtypes (GC)", offset as usize));
    }
    for &t in ty.params().iter().chain(ty.results()) {
        value_type(t, offset)?;
    }
    Ok(ty)
}

/// Refuses what module `bytes`, already valid under `features`, uses of GC beyond
/// recursion groups of function types: other types in the type section, GC reference
/// types in imports, tables, globals, element segments and locals, and GC's
/// instructions and heap types in code and constant expressions.
pub(crate) fn refuse_gc(bytes: &[u8], features: WasmFeatures) -> Result<()> {
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        match payload.map_err(Error::compile)? {
            Payload::TypeSection(reader) => {
                let offset = reader.range().start;
                for group in reader {
                    for sub in group.map_err(Error::compile)?.into_types() {
                        function_type(&sub, offset)?;
                    }
                }
            }
            Payload::ImportSection(reader) => {
                let offset = reader.range().start;
                for import in reader.into_imports() {
                    let import = import.map_err(Error::compile)?;
                    match import.ty {
                        TypeRef::Global(g) => value_type(g.content_type, offset)?,
                        TypeRef::Table(t) => ref_type(t.element_type, offset)?,
                        _ => {}
                    }
                }
            }
            Payload::TableSection(reader) => {
                let offset = reader.range().start;
                for table in reader {
                    let table = table.map_err(Error::compile)?;
                    ref_type(table.ty.element_type, offset)?;
                    if let TableInit::Expr(e) = table.init {
                        operators(e.get_operators_reader())?;
                    }
                }
            }
            Payload::GlobalSection(reader) => {
                let offset = reader.range().start;
                for global in reader {
                    let global = global.map_err(Error::compile)?;
                    value_type(global.ty.content_type, offset)?;
                    operators(global.init_expr.get_operators_reader())?;
                }
            }
            Payload::ElementSection(reader) => {
                let offset = reader.range().start;
                for elem in reader {
                    let elem = elem.map_err(Error::compile)?;
                    if let ElementKind::Active { offset_expr, .. } = &elem.kind {
                        operators(offset_expr.get_operators_reader())?;
                    }
                    if let ElementItems::Expressions(ty, exprs) = elem.items {
                        ref_type(ty, offset)?;
                        for expr in exprs {
                            operators(expr.map_err(Error::compile)?.get_operators_reader())?;
                        }
                    }
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    if let DataKind::Active { offset_expr, .. } = data.map_err(Error::compile)?.kind
                    {
                        operators(offset_expr.get_operators_reader())?;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                for local in body.get_locals_reader().map_err(Error::compile)? {
                    let (_, ty) = local.map_err(Error::compile)?;
                    value_type(ty, body.range().start)?;
                }
                operators(body.get_operators_reader().map_err(Error::compile)?)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn value_type(ty: ValType, offset: u64) -> Result<()> {
    if is_gc_val_type(ty) {
        return Err(unsupported("GC reference types", offset as usize));
    }
    Ok(())
}

fn ref_type(ty: RefType, offset: u64) -> Result<()> {
    value_type(ValType::Ref(ty), offset)
}

/// Refuses GC's instructions, and GC's types in the immediates of the others.
fn operators(mut reader: OperatorsReader<'_>) -> Result<()> {
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(Error::compile)?;
        if is_gc_operator(&op) {
            return Err(unsupported("GC instructions", offset as usize));
        }
        let block_type = |ty: BlockType| match ty {
            BlockType::Type(ty) => value_type(ty, offset),
            BlockType::Empty | BlockType::FuncType(_) => Ok(()),
        };
        match op {
            Operator::RefNull { hty } if is_gc_heap_type(hty) => {
                return Err(unsupported("GC reference types", offset as usize));
            }
            Operator::TypedSelect { ty } => value_type(ty, offset)?,
            Operator::TypedSelectMulti { tys } => {
                for ty in tys {
                    value_type(ty, offset)?;
                }
            }
            Operator::Block { blockty }
            | Operator::Loop { blockty }
            | Operator::If { blockty }
            | Operator::Try { blockty } => block_type(blockty)?,
            Operator::TryTable { try_table } => block_type(try_table.ty)?,
            _ => {}
        }
    }
    Ok(())
}

/// Whether `op` is one of the GC proposal's instructions.
fn is_gc_operator(op: &Operator<'_>) -> bool {
    macro_rules! proposal_is_gc {
        (gc) => {
            true
        };
        ($other:ident) => {
            false
        };
    }
    macro_rules! define_match {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            #[allow(unreachable_patterns)]
            match op {
                $( Operator::$op { .. } => proposal_is_gc!($proposal), )*
                _ => false,
            }
        };
    }
    wasmparser::for_each_operator!(define_match)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    fn gc_features() -> WasmFeatures {
        WasmFeatures::default() | WasmFeatures::GC
    }

    #[test]
    fn finds_groups_and_constant_expressions_that_read_defined_globals() {
        let features = gc_features();
        for wat in [
            "(module (rec (type (func)) (type (func))))",
            "(module (global i32 (i32.const 1)) (global i32 (global.get 0)))",
            "(module (global i32 (i32.const 1)) (table 1 funcref)
                (elem (table 0) (global.get 0) func))",
            "(module (global i32 (i32.const 1)) (memory 1) (data (global.get 0) \"x\"))",
            // After a code section, which is skipped.
            "(module (global i32 (i32.const 1)) (memory 1) (func) (data (global.get 0) \"x\"))",
        ] {
            assert!(needs_gc_validation(&module(wat), features), "{wat}");
        }
        for wat in [
            "(module (type (func)) (func (type 0)))",
            "(module (import \"m\" \"g\" (global i32)) (global i32 (global.get 0)))",
            "(module (global i32 (i32.const 1)) (func (drop (global.get 0))))",
            "(module)",
        ] {
            assert!(!needs_gc_validation(&module(wat), features), "{wat}");
        }
        assert!(!needs_gc_validation(b"\0asm\x01\0\0\0\x01", features));
    }

    #[test]
    fn refuses_gc_uses_and_accepts_function_types() {
        let features = gc_features();
        let plain = "(module (rec (type $f (func (param (ref null $g)))) (type $g (func)))
            (table 1 funcref) (global funcref (ref.null func))
            (func (type $g) (local (ref null $f)) (block (result funcref) (ref.null $g))
              drop))";
        assert!(refuse_gc(&module(plain), features).is_ok());
        for (wat, what) in [
            (
                "(module (global anyref (ref.null any)))",
                "GC reference types",
            ),
            ("(module (table 1 i31ref))", "GC reference types"),
            ("(module (func (local eqref)))", "GC reference types"),
            (
                "(module (func (drop (ref.null none))))",
                "GC reference types",
            ),
            (
                "(module (func (drop (ref.i31 (i32.const 1)))))",
                "GC instructions",
            ),
            (
                "(module (func (param externref) (drop (any.convert_extern (local.get 0)))))",
                "GC instructions",
            ),
            (
                "(module (func (block (result structref) unreachable) drop))",
                "GC reference types",
            ),
            (
                "(module (import \"m\" \"g\" (global arrayref)))",
                "GC reference types",
            ),
        ] {
            let err = refuse_gc(&module(wat), features).unwrap_err().to_string();
            assert!(err.contains(what), "{wat}: {err}");
        }
    }
}
