//! Reading a module: one streaming pass of wasmparser's parser and validator builds the
//! [`ModuleInfo`]. Each function body is handed, with its validator, to a
//! [`FunctionBodies`] given by the caller, which validates it and may translate it in
//! the same pass: this module knows nothing of translation.

use crate::prelude::*;

mod branch_hints;
mod const_expr;
mod gc;

use crate::prelude::HashMap;
use core::ops::Range;

use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, FuncValidator, FuncValidatorAllocations,
    FunctionBody, KnownCustom, Name, Parser, Payload, TableInit, TypeRef, ValidPayload, Validator,
    ValidatorResources, WasmFeatures,
};

pub(crate) use const_expr::{ConstExpr, ConstVal};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::index::{
    self, DataIndex, DefinedFuncIndex, DefinedGlobalIndex, DefinedTableIndex, ElemIndex, FuncIndex,
    GlobalIndex, IndexVec, MemoryIndex, SharedTypeId, TableIndex, TagIndex, TypeIndex,
};
use crate::types::{FuncType, GlobalType, MemoryType, TableType};

/// The kind of an import, with its type.
#[derive(Debug, Clone)]
pub(crate) enum ImportKind {
    Func(TypeIndex),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// A tag, of a function type without results.
    Tag(TypeIndex),
}

/// An import: where it is resolved, and what it must be.
#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// What an export refers to, by index in its module's index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportKind {
    Func(FuncIndex),
    Table(TableIndex),
    Memory(MemoryIndex),
    Global(GlobalIndex),
    Tag(TagIndex),
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Passive,
    Declared,
    Active {
        table: TableIndex,
        offset: ConstExpr,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) enum DataMode {
    Passive,
    Active {
        memory: MemoryIndex,
        offset: ConstExpr,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub mode: DataMode,
    /// The segment's bytes, as a range of the module's bytes.
    pub bytes: Range<usize>,
}

/// Everything known about a module after reading it, in module index spaces (imports
/// first, then definitions). Read-only once built.
#[derive(Default)]
pub(crate) struct ModuleInfo {
    name: Option<String>,
    types: IndexVec<TypeIndex, FuncType>,
    /// Engine-wide ids of `types`, for signature checks.
    type_ids: IndexVec<TypeIndex, SharedTypeId>,
    imports: Vec<Import>,
    /// The type of every function.
    funcs: IndexVec<FuncIndex, TypeIndex>,
    num_imported_funcs: u32,
    tables: IndexVec<TableIndex, TableType>,
    /// Initialisers of defined tables (function-references); `None` means null.
    table_inits: IndexVec<DefinedTableIndex, Option<ConstExpr>>,
    num_imported_tables: u32,
    memories: IndexVec<MemoryIndex, MemoryType>,
    num_imported_memories: u32,
    globals: IndexVec<GlobalIndex, GlobalType>,
    global_inits: IndexVec<DefinedGlobalIndex, ConstExpr>,
    num_imported_globals: u32,
    /// The type of every tag: imports first.
    tags: IndexVec<TagIndex, TypeIndex>,
    num_imported_tags: u32,
    exports: Vec<(String, ExportKind)>,
    export_index: HashMap<String, usize>,
    start: Option<FuncIndex>,
    elems: IndexVec<ElemIndex, ElemSegment>,
    datas: IndexVec<DataIndex, DataSegment>,
    /// Byte ranges of the defined functions' bodies.
    bodies: IndexVec<DefinedFuncIndex, Range<usize>>,
    func_names: HashMap<FuncIndex, String>,
    customs: Vec<(String, Range<usize>)>,
    /// Branch hints by the module offset of their `if` or `br_if`.
    branch_hints: HashMap<usize, bool>,
    /// What was wrong with custom sections that were therefore ignored.
    warnings: Vec<String>,
}

impl ModuleInfo {
    /// The module's name from its name section.
    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The function types of the type section.
    pub(crate) fn types(&self) -> &IndexVec<TypeIndex, FuncType> {
        &self.types
    }

    /// The engine-wide id of type `index`.
    #[inline(always)]
    pub(crate) fn type_id(&self, index: TypeIndex) -> SharedTypeId {
        self.type_ids[index]
    }

    /// The engine-wide ids of all types, in type-index order.
    pub(crate) fn type_ids(&self) -> &IndexVec<TypeIndex, SharedTypeId> {
        &self.type_ids
    }

    pub(crate) fn imports(&self) -> &[Import] {
        &self.imports
    }

    pub(crate) fn exports(&self) -> &[(String, ExportKind)] {
        &self.exports
    }

    /// The export called `name`.
    pub(crate) fn export(&self, name: &str) -> Option<ExportKind> {
        Some(self.exports[*self.export_index.get(name)?].1)
    }

    pub(crate) fn start(&self) -> Option<FuncIndex> {
        self.start
    }

    pub(crate) fn num_imported_funcs(&self) -> u32 {
        self.num_imported_funcs
    }

    /// The number of functions the module defines.
    pub(crate) fn num_defined_funcs(&self) -> usize {
        self.bodies.len()
    }

    /// The type index of function `index`.
    #[inline(always)]
    pub(crate) fn func_type_index(&self, index: FuncIndex) -> TypeIndex {
        self.funcs[index]
    }

    /// The type of function `index`.
    pub(crate) fn func_type(&self, index: FuncIndex) -> &FuncType {
        &self.types[self.funcs[index]]
    }

    /// The defined index of function `index`, `None` for an import.
    #[inline(always)]
    pub(crate) fn defined_func(&self, index: FuncIndex) -> Option<DefinedFuncIndex> {
        index::defined_func(self.num_imported_funcs, index)
    }

    /// The module index of defined function `index`.
    #[inline(always)]
    pub(crate) fn func_index(&self, index: DefinedFuncIndex) -> FuncIndex {
        index::func_index(self.num_imported_funcs, index)
    }

    /// The byte range of defined function `index`'s body in the module.
    pub(crate) fn body(&self, index: DefinedFuncIndex) -> Range<usize> {
        self.bodies[index].clone()
    }

    pub(crate) fn tables(&self) -> &IndexVec<TableIndex, TableType> {
        &self.tables
    }

    pub(crate) fn num_imported_tables(&self) -> u32 {
        self.num_imported_tables
    }

    /// The initialiser of each defined table (`None`: null).
    pub(crate) fn table_inits(&self) -> &IndexVec<DefinedTableIndex, Option<ConstExpr>> {
        &self.table_inits
    }

    /// The module index of defined table `index`.
    pub(crate) fn table_index(&self, index: DefinedTableIndex) -> TableIndex {
        index::table_index(self.num_imported_tables, index)
    }

    pub(crate) fn memories(&self) -> &IndexVec<MemoryIndex, MemoryType> {
        &self.memories
    }

    pub(crate) fn num_imported_memories(&self) -> u32 {
        self.num_imported_memories
    }

    pub(crate) fn globals(&self) -> &IndexVec<GlobalIndex, GlobalType> {
        &self.globals
    }

    pub(crate) fn num_imported_globals(&self) -> u32 {
        self.num_imported_globals
    }

    /// The initialiser of each defined global.
    pub(crate) fn global_inits(&self) -> &IndexVec<DefinedGlobalIndex, ConstExpr> {
        &self.global_inits
    }

    /// The defined index of global `index`, `None` for an import.
    pub(crate) fn defined_global(&self, index: GlobalIndex) -> Option<DefinedGlobalIndex> {
        index::defined_global(self.num_imported_globals, index)
    }

    /// The module index of defined global `index`.
    pub(crate) fn global_index(&self, index: DefinedGlobalIndex) -> GlobalIndex {
        index::global_index(self.num_imported_globals, index)
    }

    /// The value of global `index` when it is immutable, defined by the module (not
    /// imported) and initialised with a scalar constant: it is then that constant.
    pub(crate) fn constant_global(&self, index: GlobalIndex) -> Option<u64> {
        if self.globals[index].mutability() != crate::Mutability::Const {
            return None;
        }
        self.global_inits[self.defined_global(index)?].as_number()
    }

    /// The type of each tag, imports first.
    pub(crate) fn tags(&self) -> &IndexVec<TagIndex, TypeIndex> {
        &self.tags
    }

    pub(crate) fn num_imported_tags(&self) -> u32 {
        self.num_imported_tags
    }

    pub(crate) fn elems(&self) -> &IndexVec<ElemIndex, ElemSegment> {
        &self.elems
    }

    pub(crate) fn datas(&self) -> &IndexVec<DataIndex, DataSegment> {
        &self.datas
    }

    /// The name of function `index` from the name section.
    pub(crate) fn func_name(&self, index: FuncIndex) -> Option<&str> {
        self.func_names.get(&index).map(String::as_str)
    }

    /// The custom sections: name and byte range.
    pub(crate) fn customs(&self) -> &[(String, Range<usize>)] {
        &self.customs
    }
}

/// What reading a module does with each function body.
pub(crate) trait FunctionBodies {
    /// The code section holds `count` bodies (called before the first one).
    fn reserve(&mut self, count: u32);

    /// Validates the body of defined function `index` with `validator` (and may
    /// translate it at the same time). `info` holds everything before the code section.
    fn body(
        &mut self,
        info: &ModuleInfo,
        index: DefinedFuncIndex,
        body: &FunctionBody<'_>,
        validator: &mut FuncValidator<ValidatorResources>,
    ) -> Result<()>;
}

/// The features module `bytes` is validated with, and whether they include the
/// validator's GC feature: recursion groups and constant expressions that read defined
/// globals need it; what else it admits is refused once the module is known to be
/// valid (see `gc`).
fn features_for(engine: &Engine, bytes: &[u8]) -> Result<(WasmFeatures, bool)> {
    let features = engine.config().validation_features()?;
    if features.function_references() && gc::needs_gc_validation(bytes, features) {
        return Ok((features | WasmFeatures::GC, true));
    }
    Ok((features, false))
}

/// Validates the binary module `bytes` as [`parse`] does, without reading more of it.
///
/// # Errors
///
/// As [`parse`].
pub(crate) fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
    let (features, gc_validation) = features_for(engine, bytes)?;
    Validator::new_with_features(features)
        .validate_all(bytes)
        .map_err(Error::compile)?;
    if gc_validation {
        gc::refuse_gc(bytes, features)?;
    }
    Ok(())
}

/// Parses and validates the binary module `bytes`, giving each function body to
/// `bodies`.
///
/// # Errors
///
/// [`Error::Compile`] with the byte offset when the module is malformed or invalid.
pub(crate) fn parse(
    engine: &Engine,
    bytes: &[u8],
    bodies: &mut dyn FunctionBodies,
) -> Result<ModuleInfo> {
    let (features, gc_validation) = features_for(engine, bytes)?;
    let mut validator = Validator::new_with_features(features);
    let mut info = ModuleInfo::default();
    let mut allocs = FuncValidatorAllocations::default();

    let mut parser = Parser::new(0);
    // The parser decodes with the same features the validator checks, so that, for
    // example, memory limits are 32-bit LEB128s unless memory64 is on.
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(Error::compile)?;
        if let ValidPayload::Func(to_validate, body) =
            validator.payload(&payload).map_err(Error::compile)?
        {
            let mut func_validator = to_validate.into_validator(core::mem::take(&mut allocs));
            let index = info.bodies.push(range_of(bytes, body_bytes(&body)));
            bodies.body(&info, index, &body, &mut func_validator)?;
            allocs = func_validator.into_allocations();
            continue;
        }
        if let Payload::CodeSectionStart { count, .. } = payload {
            // One entry per body follows: no regrowth of these tables on the way. The
            // validator has checked `count` against the function section, whose entries
            // take a byte each at least, so it is bounded by the module's size.
            info.bodies.reserve_exact(count as usize);
            bodies.reserve(count);
        }
        read_section(engine, bytes, &mut info, payload)?;
    }
    if gc_validation {
        gc::refuse_gc(bytes, features)?;
    }
    // The hints name the code, which follows them: they are read once it is known.
    let hints = info
        .customs
        .iter()
        .filter(|(name, _)| name == branch_hints::SECTION);
    let hints: Vec<Range<usize>> = hints.map(|(_, range)| range.clone()).collect();
    match hints.as_slice() {
        [] => {}
        [range] => info.take_branch_hints(bytes, range.clone()),
        [_, second, ..] => info.warnings.push(format!(
            "custom section `{}` at byte {:#x} ignored: a second one",
            branch_hints::SECTION,
            second.start
        )),
    }
    Ok(info)
}

fn range_of(bytes: &[u8], part: &[u8]) -> Range<usize> {
    let start = part.as_ptr() as usize - bytes.as_ptr() as usize;
    start..start + part.len()
}

fn body_bytes<'a>(body: &FunctionBody<'a>) -> &'a [u8] {
    let mut reader = body.get_binary_reader();
    let len = reader.bytes_remaining();
    reader.read_bytes(len).unwrap_or_default()
}

/// An error for a construct the validator accepts but ward does not support yet.
fn unsupported(what: &str, offset: usize) -> Error {
    Error::Compile {
        message: format!("{what} are not supported"),
        offset,
    }
}

/// Records what one (already validated) section declares.
fn read_section(
    engine: &Engine,
    bytes: &[u8],
    info: &mut ModuleInfo,
    payload: Payload<'_>,
) -> Result<()> {
    match payload {
        Payload::TypeSection(reader) => {
            let offset = reader.range().start as usize;
            for group in reader {
                read_rec_group(engine, info, group.map_err(Error::compile)?, offset)?;
            }
        }
        Payload::ImportSection(reader) => read_imports(info, reader)?,
        Payload::FunctionSection(reader) => {
            for ty in reader {
                info.funcs
                    .push(TypeIndex::from_u32(ty.map_err(Error::compile)?));
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = table.map_err(Error::compile)?;
                info.tables.push(TableType::from_wasmparser(
                    &table.ty,
                    info.type_ids.as_slice(),
                ));
                info.table_inits.push(match table.init {
                    TableInit::RefNull => None,
                    TableInit::Expr(e) => Some(ConstExpr::parse(e.get_operators_reader())?),
                });
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                info.memories.push(MemoryType::from_wasmparser(
                    &memory.map_err(Error::compile)?,
                ));
            }
        }
        Payload::GlobalSection(reader) => {
            for global in reader {
                let global = global.map_err(Error::compile)?;
                info.globals.push(GlobalType::from_wasmparser(
                    &global.ty,
                    info.type_ids.as_slice(),
                ));
                info.global_inits
                    .push(ConstExpr::parse(global.init_expr.get_operators_reader())?);
            }
        }
        Payload::TagSection(reader) => {
            for tag in reader {
                info.tags.push(TypeIndex::from_u32(
                    tag.map_err(Error::compile)?.func_type_idx,
                ));
            }
        }
        Payload::ExportSection(reader) => read_exports(info, reader)?,
        Payload::StartSection { func, .. } => info.start = Some(FuncIndex::from_u32(func)),
        Payload::ElementSection(reader) => read_elems(info, reader)?,
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(Error::compile)?;
                let mode = match data.kind {
                    DataKind::Passive => DataMode::Passive,
                    DataKind::Active {
                        memory_index,
                        offset_expr,
                    } => DataMode::Active {
                        memory: MemoryIndex::from_u32(memory_index),
                        offset: ConstExpr::parse(offset_expr.get_operators_reader())?,
                    },
                };
                info.datas.push(DataSegment {
                    mode,
                    bytes: range_of(bytes, data.data),
                });
            }
        }
        Payload::CustomSection(reader) => {
            info.customs
                .push((reader.name().to_string(), range_of(bytes, reader.data())));
            if let KnownCustom::Name(names) = reader.as_known() {
                read_names(info, names);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Interns recursion group `group`, the next of the type section at `offset`, and
/// records its types. Only final function types without supertypes are supported: the
/// rest of the GC proposal's types (structs, arrays, declared subtyping) are not.
fn read_rec_group(
    engine: &Engine,
    info: &mut ModuleInfo,
    group: wasmparser::RecGroup,
    offset: usize,
) -> Result<()> {
    use crate::engine::{GroupType, GroupVal};
    let start = info.types.len();
    let subs: Vec<wasmparser::SubType> = group.into_types().collect();
    let end = start + subs.len();
    let mut key = Vec::with_capacity(subs.len());
    for sub in &subs {
        let ty = gc::function_type(sub, offset as u64)?;
        let mut types = Vec::with_capacity(ty.params().len() + ty.results().len());
        for &t in ty.params().iter().chain(ty.results()) {
            let in_group = match t {
                wasmparser::ValType::Ref(r) => r
                    .type_index()
                    .and_then(|i| i.as_module_index())
                    .filter(|&i| (start..end).contains(&(i as usize)))
                    .map(|i| GroupVal::InGroup {
                        nullable: r.is_nullable(),
                        index: i - start as u32,
                    }),
                _ => None,
            };
            types.push(in_group.unwrap_or_else(|| {
                GroupVal::Val(crate::ValType::from_wasmparser(t, info.type_ids.as_slice()))
            }));
        }
        key.push(GroupType {
            types: types.into(),
            num_params: ty.params().len(),
        });
    }
    let (first, types) = engine.intern_group_types(key.into());
    for (id, ty) in (first.as_u32()..).zip(types) {
        info.type_ids.push(SharedTypeId::from_u32(id));
        info.types.push(ty);
    }
    Ok(())
}

fn read_imports(info: &mut ModuleInfo, reader: wasmparser::ImportSectionReader<'_>) -> Result<()> {
    for import in reader.into_imports() {
        let import = import.map_err(Error::compile)?;
        let kind = match import.ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                let t = TypeIndex::from_u32(t);
                info.funcs.push(t);
                info.num_imported_funcs += 1;
                ImportKind::Func(t)
            }
            TypeRef::Table(t) => {
                let t = TableType::from_wasmparser(&t, info.type_ids.as_slice());
                info.tables.push(t);
                info.num_imported_tables += 1;
                ImportKind::Table(t)
            }
            TypeRef::Memory(m) => {
                let m = MemoryType::from_wasmparser(&m);
                info.memories.push(m);
                info.num_imported_memories += 1;
                ImportKind::Memory(m)
            }
            TypeRef::Global(g) => {
                let g = GlobalType::from_wasmparser(&g, info.type_ids.as_slice());
                info.globals.push(g);
                info.num_imported_globals += 1;
                ImportKind::Global(g)
            }
            TypeRef::Tag(t) => {
                let t = TypeIndex::from_u32(t.func_type_idx);
                info.tags.push(t);
                info.num_imported_tags += 1;
                ImportKind::Tag(t)
            }
        };
        info.imports.push(Import {
            module: import.module.to_string(),
            name: import.name.to_string(),
            kind,
        });
    }
    Ok(())
}

fn read_exports(info: &mut ModuleInfo, reader: wasmparser::ExportSectionReader<'_>) -> Result<()> {
    for export in reader {
        let export = export.map_err(Error::compile)?;
        let kind = match export.kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                ExportKind::Func(FuncIndex::from_u32(export.index))
            }
            ExternalKind::Table => ExportKind::Table(TableIndex::from_u32(export.index)),
            ExternalKind::Memory => ExportKind::Memory(MemoryIndex::from_u32(export.index)),
            ExternalKind::Global => ExportKind::Global(GlobalIndex::from_u32(export.index)),
            ExternalKind::Tag => ExportKind::Tag(TagIndex::from_u32(export.index)),
        };
        info.export_index
            .insert(export.name.to_string(), info.exports.len());
        info.exports.push((export.name.to_string(), kind));
    }
    Ok(())
}

fn read_elems(info: &mut ModuleInfo, reader: wasmparser::ElementSectionReader<'_>) -> Result<()> {
    for elem in reader {
        let elem = elem.map_err(Error::compile)?;
        let mode = match elem.kind {
            ElementKind::Passive => ElemMode::Passive,
            ElementKind::Declared => ElemMode::Declared,
            ElementKind::Active {
                table_index,
                offset_expr,
            } => ElemMode::Active {
                table: TableIndex::from_u32(table_index.unwrap_or(0)),
                offset: ConstExpr::parse(offset_expr.get_operators_reader())?,
            },
        };
        let items = match elem.items {
            ElementItems::Functions(funcs) => funcs
                .into_iter()
                .map(|f| {
                    f.map(|f| ConstExpr::ref_func(FuncIndex::from_u32(f)))
                        .map_err(Error::compile)
                })
                .collect::<Result<Vec<_>>>()?,
            ElementItems::Expressions(_, exprs) => exprs
                .into_iter()
                .map(|e| ConstExpr::parse(e.map_err(Error::compile)?.get_operators_reader()))
                .collect::<Result<Vec<_>>>()?,
        };
        info.elems.push(ElemSegment { mode, items });
    }
    Ok(())
}

/// Reads function and module names. A malformed name section is ignored, as the
/// specification asks of custom sections: it must not make a valid module fail.
fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names.into_iter().flatten() {
        match name {
            Name::Module { name, .. } => info.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map.into_iter().flatten() {
                    info.func_names
                        .insert(FuncIndex::from_u32(naming.index), naming.name.to_string());
                }
            }
            _ => {}
        }
    }
}

/// The name of `op`'s variant (`I32Add`), for error messages: a table of names, where
/// formatting the operator with `Debug` would bring in code for every operator's fields.
pub(crate) fn operator_name(op: &wasmparser::Operator<'_>) -> &'static str {
    macro_rules! define_match {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            #[allow(unreachable_patterns)]
            match op {
                $( wasmparser::Operator::$op { .. } => stringify!($op), )*
                _ => "an operator of a newer proposal",
            }
        };
    }
    wasmparser::for_each_operator!(define_match)
}
