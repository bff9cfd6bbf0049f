//! Loading a module: one streaming pass of wasmparser's parser and validator builds the
//! [`ModuleInfo`]; function bodies are validated in the same pass and translated either
//! then (eager) or on their first call (lazy).

mod arena;
mod const_expr;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use wasmparser::{
    BinaryReader, DataKind, ElementItems, ElementKind, ExternalKind, FuncValidatorAllocations,
    FunctionBody, KnownCustom, Name, Parser, Payload, TableInit, TypeRef, ValidPayload, Validator,
};

pub(crate) use arena::{ArenaSlice, CodeArena, CodeRef};
pub(crate) use const_expr::{ConstExpr, ConstVal};

use crate::error::{Error, Result};
use crate::ir::CompiledFunc;
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, TableType};
use crate::{CompilationMode, Engine};

/// The kind of an import, with its type.
#[derive(Debug, Clone)]
pub(crate) enum ImportKind {
    /// A function with this type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// What an export refers to, by index in its module's index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportKind {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub mode: DataMode,
    /// The segment's bytes, as a range of the module's bytes.
    pub bytes: Range<usize>,
}

/// Everything known about a module after loading, in module index spaces
/// (imports first, then definitions).
#[derive(Default)]
pub(crate) struct ModuleInfo {
    pub name: Option<String>,
    pub types: Vec<FuncType>,
    /// Engine-wide ids of `types`, for signature checks.
    pub type_ids: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    /// Initialisers of defined tables (function-references); `None` means null.
    pub table_inits: Vec<Option<ConstExpr>>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    /// Initialisers of defined globals.
    pub global_inits: Vec<ConstExpr>,
    pub num_imported_globals: u32,
    pub exports: Vec<(String, ExportKind)>,
    pub export_index: HashMap<String, usize>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Byte ranges of the defined functions' bodies.
    pub bodies: Vec<Range<usize>>,
    pub func_names: HashMap<u32, String>,
    pub customs: Vec<(String, Range<usize>)>,
}

impl ModuleInfo {
    pub(crate) fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub bytes: Box<[u8]>,
    pub info: ModuleInfo,
    /// Translated code of each defined function, filled on first use in lazy mode.
    /// Declared before `arena`, so that it is dropped first: its code lives there.
    pub compiled: Box<[OnceLock<CodeRef>]>,
    /// The memory of the translated code (see [`CodeArena`]).
    pub arena: Mutex<CodeArena>,
}

/// A validated WebAssembly module, ready to be instantiated in any store of its engine.
/// Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl Module {
    /// Loads a module from its binary format or its text format.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`] with the reason and byte offset when the bytes are malformed
    /// or invalid, or the text does not parse.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        Module::from_owned(engine, parse_text(bytes)?.into_boxed_slice())
    }

    /// Loads a module from its binary format or its text format, as [`Module::new`],
    /// but keeps `bytes` instead of a copy: for a big module read from a file, this
    /// saves copying it and the memory of the copy.
    ///
    /// # Errors
    ///
    /// As [`Module::new`].
    pub fn from_vec(engine: &Engine, bytes: Vec<u8>) -> Result<Module> {
        if bytes.starts_with(b"\0asm") {
            return Module::from_owned(engine, bytes.into_boxed_slice());
        }
        Module::new(engine, bytes)
    }

    /// Loads a module from its binary format only: bytes that are not a binary module
    /// (text included) are malformed.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`] with the reason and byte offset.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        Module::from_owned(engine, bytes.into())
    }

    /// Loads a binary module that the module keeps.
    fn from_owned(engine: &Engine, bytes: Box<[u8]>) -> Result<Module> {
        let (info, compiled, arena) = load(engine, &bytes)?;
        Ok(Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                bytes,
                info,
                compiled,
                arena,
            }),
        })
    }

    /// Loads a module from a `.wasm` or `.wat` file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, else as [`Module::new`].
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
        Module::from_vec(engine, bytes)
    }

    /// Checks that `bytes` are a valid binary module without keeping it.
    ///
    /// # Errors
    ///
    /// As [`Module::new`].
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        let mut validator = Validator::new_with_features(engine.config().features);
        validator.validate_all(bytes).map_err(Error::compile)?;
        Ok(())
    }

    /// The engine the module belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.info.name.as_deref()
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> {
        self.inner.info.imports.iter().map(|import| ImportType {
            module: self,
            import,
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> {
        self.inner
            .info
            .exports
            .iter()
            .map(|(name, kind)| ExportType {
                module: self,
                name,
                kind: *kind,
            })
    }

    /// The function index (imports first) of the exported function called `name`.
    pub fn export_func_index(&self, name: &str) -> Option<u32> {
        let index = *self.inner.info.export_index.get(name)?;
        match self.inner.info.exports[index].1 {
            ExportKind::Func(func) => Some(func),
            _ => None,
        }
    }

    /// The type of the export called `name`, if there is one.
    pub fn get_export(&self, name: &str) -> Option<ExternType> {
        let index = *self.inner.info.export_index.get(name)?;
        Some(self.export_type(self.inner.info.exports[index].1))
    }

    /// The custom sections: name and contents, in order.
    pub fn custom_sections(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.inner
            .info
            .customs
            .iter()
            .map(|(name, range)| (name.as_str(), &self.inner.bytes[range.clone()]))
    }

    /// The number of functions the module defines (imports not counted).
    pub fn num_funcs(&self) -> u32 {
        self.inner.info.bodies.len() as u32
    }

    /// The index of the start function, if the module has one.
    pub fn start(&self) -> Option<u32> {
        self.inner.info.start
    }

    /// The name of function `index` (in the function index space, imports first) from
    /// the module's name section, if it has one.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.inner.info.func_names.get(&index).map(String::as_str)
    }

    /// ward's translated code of function `index` (in the function index space, imports
    /// first), one op per line: its position, the byte offset of the wasm instruction it
    /// came from, its name and operands. Slots are frame cells; branch offsets are in
    /// bytes of code. For reading what the interpreter runs; the format may change.
    ///
    /// # Errors
    ///
    /// Fails when `index` is out of range, names an imported function, or the function
    /// does not translate.
    pub fn disassemble(&self, index: u32) -> Result<String> {
        use std::fmt::Write as _;
        let info = &self.inner.info;
        let defined = index
            .checked_sub(info.num_imported_funcs)
            .filter(|&i| (i as usize) < info.bodies.len())
            .ok_or_else(|| {
                Error::Other(format!(
                    "function {index} is not a defined function of the module ({} imported, {} defined)",
                    info.num_imported_funcs,
                    info.bodies.len()
                ))
            })?;
        let code = self.inner.compiled(defined)?;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "func {index}{}: {} param cells, {} local cells, {} frame cells, {} ops",
            self.func_name(index)
                .map(|n| format!(" ${n}"))
                .unwrap_or_default(),
            code.param_cells,
            code.local_cells,
            code.frame_cells,
            code.ops.len()
        );
        for (at, (instr, offset)) in code.ops.iter().zip(code.offsets.iter()).enumerate() {
            // Which accumulator mode the op runs in: `<acc` reads its first operand from
            // the accumulator, `>acc` writes its result there.
            let mode = (0..8u8)
                .find(|&mode| {
                    crate::exec::handler_in_mode(&{ instr.op }, mode)
                        .is_some_and(|h| h as usize == { instr.handler } as usize)
                })
                .unwrap_or(0);
            let read = if mode & crate::exec::ACC_IN != 0 {
                " <acc"
            } else {
                ""
            };
            let write = match mode & (crate::exec::ACC_OUT | crate::exec::ACC_KEEP) {
                0 => "",
                crate::exec::ACC_OUT => " >acc",
                _ => " >acc+slot",
            };
            let op = instr.op;
            let _ = writeln!(out, "{at:6} @{offset:<8x} {op:?}{read}{write}");
        }
        Ok(out)
    }

    /// The types of the memories the module defines (imports not counted).
    pub fn memories(&self) -> &[MemoryType] {
        &self.inner.info.memories[self.inner.info.num_imported_memories as usize..]
    }

    /// The types of the tables the module defines (imports not counted).
    pub fn tables(&self) -> &[TableType] {
        &self.inner.info.tables[self.inner.info.num_imported_tables as usize..]
    }

    /// The types of the globals the module defines (imports not counted).
    pub fn globals(&self) -> &[GlobalType] {
        &self.inner.info.globals[self.inner.info.num_imported_globals as usize..]
    }

    fn export_type(&self, kind: ExportKind) -> ExternType {
        let info = &self.inner.info;
        match kind {
            ExportKind::Func(i) => ExternType::Func(info.func_type(i).clone()),
            ExportKind::Table(i) => ExternType::Table(info.tables[i as usize]),
            ExportKind::Memory(i) => ExternType::Memory(info.memories[i as usize]),
            ExportKind::Global(i) => ExternType::Global(info.globals[i as usize]),
        }
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// An import of a [`Module`].
pub struct ImportType<'m> {
    module: &'m Module,
    import: &'m Import,
}

impl ImportType<'_> {
    /// The module name the import is resolved in.
    pub fn module(&self) -> &str {
        &self.import.module
    }

    /// The field name of the import.
    pub fn name(&self) -> &str {
        &self.import.name
    }

    /// The type the import must have.
    pub fn ty(&self) -> ExternType {
        match &self.import.kind {
            ImportKind::Func(t) => {
                ExternType::Func(self.module.inner.info.types[*t as usize].clone())
            }
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(t) => ExternType::Memory(*t),
            ImportKind::Global(t) => ExternType::Global(*t),
        }
    }
}

/// An export of a [`Module`].
pub struct ExportType<'m> {
    module: &'m Module,
    name: &'m str,
    kind: ExportKind,
}

impl ExportType<'_> {
    /// The export's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// The exported entity's type.
    pub fn ty(&self) -> ExternType {
        self.module.export_type(self.kind)
    }
}

/// Encodes the text format to a binary module. Errors carry the byte offset in the
/// text, and their message the line and column with the offending line.
fn parse_text(bytes: &[u8]) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Compile {
        message: format!("neither a binary module (no `\\0asm` header) nor UTF-8 text: {e}"),
        offset: e.valid_up_to(),
    })?;
    let error = |mut e: wast::Error| {
        e.set_text(text);
        Error::Compile {
            offset: e.span().offset(),
            message: e.to_string(),
        }
    };
    let buffer = wast::parser::ParseBuffer::new(text).map_err(error)?;
    let mut wat: wast::Wat<'_> = wast::parser::parse(&buffer).map_err(error)?;
    wat.encode().map_err(error)
}

fn range_of(bytes: &[u8], part: &[u8]) -> Range<usize> {
    let start = part.as_ptr() as usize - bytes.as_ptr() as usize;
    start..start + part.len()
}

type Compiled = Box<[OnceLock<CodeRef>]>;

/// Parses and validates `bytes`, translating bodies now when the engine is eager.
fn load(engine: &Engine, bytes: &[u8]) -> Result<(ModuleInfo, Compiled, Mutex<CodeArena>)> {
    let eager = engine.config().compilation == CompilationMode::Eager;
    let mut validator = Validator::new_with_features(engine.config().features);
    let mut info = ModuleInfo::default();
    let mut compiled: Vec<OnceLock<CodeRef>> = Vec::new();
    let arena = Mutex::new(CodeArena::default());
    let mut allocs = FuncValidatorAllocations::default();
    let mut translator = crate::translate::Translator::new(engine.config());

    let mut parser = Parser::new(0);
    // The parser decodes with the same features the validator checks, so that, for
    // example, memory limits are 32-bit LEB128s unless memory64 is on.
    parser.set_features(engine.config().features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(Error::compile)?;
        if let ValidPayload::Func(to_validate, body) =
            validator.payload(&payload).map_err(Error::compile)?
        {
            let mut func_validator = to_validate.into_validator(std::mem::take(&mut allocs));
            let index = info.bodies.len() as u32;
            info.bodies.push(range_of(bytes, body_bytes(&body)));
            let cell = OnceLock::new();
            if eager {
                let code =
                    translator.translate(&info, &arena, index, &body, Some(&mut func_validator))?;
                let _ = cell.set(code);
            } else {
                func_validator.validate(&body).map_err(Error::compile)?;
            }
            compiled.push(cell);
            allocs = func_validator.into_allocations();
            continue;
        }
        if let Payload::CodeSectionStart { count, .. } = payload {
            // One entry per body follows: no regrowth of these tables on the way. The
            // validator has checked `count` against the function section, whose entries
            // take a byte each at least, so it is bounded by the module's size.
            info.bodies.reserve_exact(count as usize);
            compiled.reserve_exact(count as usize);
        }
        read_section(engine, bytes, &mut info, payload)?;
    }
    Ok((info, compiled.into_boxed_slice(), arena))
}

fn body_bytes<'a>(body: &FunctionBody<'a>) -> &'a [u8] {
    let mut reader = body.get_binary_reader();
    let len = reader.bytes_remaining();
    reader.read_bytes(len).unwrap_or_default()
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
            for group in reader {
                for sub in group.map_err(Error::compile)?.into_types() {
                    let ty = match &sub.composite_type.inner {
                        wasmparser::CompositeInnerType::Func(f) => FuncType::from_wasmparser(f),
                        _ => {
                            return Err(Error::Compile {
                                message: "only function types are supported".into(),
                                offset: 0,
                            })
                        }
                    };
                    info.type_ids.push(engine.intern_type(&ty));
                    info.types.push(ty);
                }
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                let import = import.map_err(Error::compile)?;
                let kind = match import.ty {
                    TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                        info.funcs.push(t);
                        info.num_imported_funcs += 1;
                        ImportKind::Func(t)
                    }
                    TypeRef::Table(t) => {
                        let t = TableType::from_wasmparser(&t);
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
                        let g = GlobalType::from_wasmparser(&g);
                        info.globals.push(g);
                        info.num_imported_globals += 1;
                        ImportKind::Global(g)
                    }
                    TypeRef::Tag(_) => {
                        return Err(Error::Compile {
                            message: "tag imports are not supported".into(),
                            offset: 0,
                        })
                    }
                };
                info.imports.push(Import {
                    module: import.module.to_string(),
                    name: import.name.to_string(),
                    kind,
                });
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                info.funcs.push(ty.map_err(Error::compile)?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = table.map_err(Error::compile)?;
                info.tables.push(TableType::from_wasmparser(&table.ty));
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
                info.globals.push(GlobalType::from_wasmparser(&global.ty));
                info.global_inits
                    .push(ConstExpr::parse(global.init_expr.get_operators_reader())?);
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                let export = export.map_err(Error::compile)?;
                let kind = match export.kind {
                    ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func(export.index),
                    ExternalKind::Table => ExportKind::Table(export.index),
                    ExternalKind::Memory => ExportKind::Memory(export.index),
                    ExternalKind::Global => ExportKind::Global(export.index),
                    ExternalKind::Tag => {
                        return Err(Error::Compile {
                            message: "tag exports are not supported".into(),
                            offset: 0,
                        })
                    }
                };
                info.export_index
                    .insert(export.name.to_string(), info.exports.len());
                info.exports.push((export.name.to_string(), kind));
            }
        }
        Payload::StartSection { func, .. } => info.start = Some(func),
        Payload::ElementSection(reader) => {
            for elem in reader {
                let elem = elem.map_err(Error::compile)?;
                let mode = match elem.kind {
                    ElementKind::Passive => ElemMode::Passive,
                    ElementKind::Declared => ElemMode::Declared,
                    ElementKind::Active {
                        table_index,
                        offset_expr,
                    } => ElemMode::Active {
                        table: table_index.unwrap_or(0),
                        offset: ConstExpr::parse(offset_expr.get_operators_reader())?,
                    },
                };
                let items = match elem.items {
                    ElementItems::Functions(funcs) => funcs
                        .into_iter()
                        .map(|f| f.map(ConstExpr::ref_func).map_err(Error::compile))
                        .collect::<Result<Vec<_>>>()?,
                    ElementItems::Expressions(_, exprs) => exprs
                        .into_iter()
                        .map(|e| {
                            ConstExpr::parse(e.map_err(Error::compile)?.get_operators_reader())
                        })
                        .collect::<Result<Vec<_>>>()?,
                };
                info.elems.push(ElemSegment { mode, items });
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(Error::compile)?;
                let mode = match data.kind {
                    DataKind::Passive => DataMode::Passive,
                    DataKind::Active {
                        memory_index,
                        offset_expr,
                    } => DataMode::Active {
                        memory: memory_index,
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

/// Reads function and module names. A malformed name section is ignored, as the
/// specification asks of custom sections: it must not make a valid module fail.
fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names.into_iter().flatten() {
        match name {
            Name::Module { name, .. } => info.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map.into_iter().flatten() {
                    info.func_names
                        .insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
}

impl ModuleInner {
    /// The translated code of defined function `index`, if it is translated already.
    #[inline(always)]
    pub(crate) fn compiled_ready(&self, index: u32) -> Option<&CompiledFunc> {
        self.compiled[index as usize].get().map(|code| &**code)
    }

    /// The translated code of defined function `index`, translating it on first use.
    /// When two threads race to translate it, both translations stay in the arena and
    /// the first to finish is used.
    pub(crate) fn compiled(&self, index: u32) -> Result<&CodeRef> {
        let cell = &self.compiled[index as usize];
        if let Some(code) = cell.get() {
            return Ok(code);
        }
        let range = self.info.bodies[index as usize].clone();
        let reader = BinaryReader::new_features(
            &self.bytes[range.clone()],
            range.start as u64,
            self.engine.config().features,
        );
        let body = FunctionBody::new(reader);
        let code = crate::translate::with_translator(self.engine.config(), |translator| {
            translator.translate(&self.info, &self.arena, index, &body, None)
        })?;
        Ok(cell.get_or_init(|| code))
    }

    pub(crate) fn func_name(&self, func_index: u32) -> Option<String> {
        self.info.func_names.get(&func_index).cloned()
    }
}
