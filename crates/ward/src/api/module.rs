//! Modules: loading (and, eagerly or lazily, translating) a module, and what it
//! imports and exports.

use crate::prelude::*;
use alloc::sync::Arc;
#[cfg(feature = "std")]
use std::path::Path;

use wasmparser::{FuncValidator, FunctionBody, ValidatorResources};

use crate::error::{Error, Result};
use crate::index::{DefinedFuncIndex, FuncIndex};
use crate::module::{ExportKind, FunctionBodies, Import, ImportKind, ModuleInfo};
use crate::translate::{ModuleCode, Translator};
use crate::types::{ExternType, GlobalType, MemoryType, TableType, TagType};
use crate::vm::{CompiledModule, MemoryStyle, NativeCode};
use crate::{CompilationMode, Engine, Strategy};

/// A validated WebAssembly module, ready to be instantiated in any store of its engine.
/// Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<CompiledModule>,
}

/// What loading does with each function body: validates it, and translates it at once
/// when the engine is eager.
struct Bodies {
    code: ModuleCode,
    translator: Option<Translator>,
}

impl FunctionBodies for Bodies {
    fn reserve(&mut self, count: u32) {
        self.code.reserve(count);
    }

    fn body(
        &mut self,
        info: &ModuleInfo,
        index: DefinedFuncIndex,
        body: &FunctionBody<'_>,
        validator: &mut FuncValidator<ValidatorResources>,
    ) -> Result<()> {
        self.code
            .add(info, index, body, validator, self.translator.as_mut())
    }
}

impl Module {
    /// Loads a module from its binary format or its text format.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`] with the reason and byte offset when the bytes are malformed
    /// or invalid, or the text does not parse.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        Module::from_owned(engine, binary(bytes.as_ref())?, false)
    }

    /// Compiles `bytes` (binary or text) for an artifact: as [`Module::new`], but also
    /// for an engine whose target is another machine's, whose code never runs here.
    #[cfg(feature = "cranelift")]
    pub(crate) fn for_artifact(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        Module::from_owned(engine, binary(bytes)?, true)
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
            return Module::from_owned(engine, bytes.into_boxed_slice(), false);
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
        Module::from_owned(engine, bytes.into(), false)
    }

    /// Loads a binary module that the module keeps; `for_artifact` when its code is
    /// only written to an artifact, which allows an engine with a foreign target.
    fn from_owned(engine: &Engine, bytes: Box<[u8]>, for_artifact: bool) -> Result<Module> {
        let (info, code) = read(engine, &bytes)?;
        let native = native_code(engine, &info, &bytes, for_artifact)?;
        Ok(Module::assemble(engine, bytes, (info, code), native, true))
    }

    /// The module of `bytes`, read into `info` and `code`, with its native code;
    /// `bodies` unless `bytes` are an artifact's, whose function bodies are left out.
    pub(crate) fn assemble(
        engine: &Engine,
        bytes: Box<[u8]>,
        (info, code): (ModuleInfo, ModuleCode),
        native: (Option<Arc<NativeCode>>, Option<MemoryStyle>),
        bodies: bool,
    ) -> Module {
        let module = Arc::new(CompiledModule::new(
            engine.clone(),
            bytes,
            info,
            code,
            native,
            bodies,
        ));
        module.attach_native();
        #[cfg(feature = "std")]
        if engine.config().profiler == crate::Profiler::PerfMap {
            // A profile without names is still a profile: a map that cannot be
            // written does not fail the load.
            let _ = crate::sys::perf_map::append(&module.perf_map_entries());
        }
        Module { inner: module }
    }

    /// Loads a module from a `.wasm` or `.wat` file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, else as [`Module::new`].
    #[cfg(feature = "std")]
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
        crate::module::validate(engine, bytes)
    }

    pub(crate) fn info(&self) -> &ModuleInfo {
        self.inner.info()
    }

    /// The engine the module belongs to.
    pub fn engine(&self) -> &Engine {
        self.inner.engine()
    }

    /// The module's name from its name section, if any.
    pub fn name(&self) -> Option<&str> {
        self.info().name()
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> {
        self.info().imports().iter().map(|import| ImportType {
            module: self,
            import,
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> {
        self.info().exports().iter().map(|(name, kind)| ExportType {
            module: self,
            name,
            kind: *kind,
        })
    }

    /// The function index (imports first) of the exported function called `name`.
    pub fn export_func_index(&self, name: &str) -> Option<u32> {
        match self.info().export(name)? {
            ExportKind::Func(func) => Some(func.as_u32()),
            _ => None,
        }
    }

    /// The type of the export called `name`, if there is one.
    pub fn get_export(&self, name: &str) -> Option<ExternType> {
        Some(self.export_type(self.info().export(name)?))
    }

    /// The custom sections: name and contents, in order.
    pub fn custom_sections(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.info()
            .customs()
            .iter()
            .map(|(name, range)| (name.as_str(), &self.inner.bytes()[range.clone()]))
    }

    /// What ward found wrong in custom sections it reads (branch hints): each such
    /// section was ignored, as the specification asks, and the module loaded without
    /// it. Empty for most modules.
    pub fn warnings(&self) -> &[String] {
        self.info().warnings()
    }

    /// The number of functions the module defines (imports not counted).
    pub fn num_funcs(&self) -> u32 {
        self.info().num_defined_funcs() as u32
    }

    /// The index of the start function, if the module has one.
    pub fn start(&self) -> Option<u32> {
        self.info().start().map(FuncIndex::as_u32)
    }

    /// The name of function `index` (in the function index space, imports first) from
    /// the module's name section, if it has one.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.info().func_name(FuncIndex::from_u32(index))
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
        let info = self.info();
        let func = FuncIndex::from_u32(index);
        let defined = info
            .defined_func(func)
            .filter(|i| i.index() < info.num_defined_funcs())
            .ok_or_else(|| {
                Error::Other(format!(
                    "function {index} is not a defined function of the module ({} imported, {} defined)",
                    info.num_imported_funcs(),
                    info.num_defined_funcs()
                ))
            })?;
        if !self.inner.has_bodies() {
            return Err(Error::Other(
                "the module comes from an artifact, which keeps compiled code, not function \
                 bodies: disassemble the module it was compiled from"
                    .into(),
            ));
        }
        let code = self.inner.code(defined)?;
        Ok(crate::exec::disassemble(code, info.func_name(func)))
    }

    /// Whether the module's functions run as compiled code: under
    /// [`Strategy::Cranelift`] always, under [`Strategy::Auto`] unless the module uses
    /// something the compiled tier does not compile yet (the exception instructions), and
    /// never under [`Strategy::Interpreter`].
    pub fn is_compiled(&self) -> bool {
        self.inner.is_compiled()
    }

    /// The types of the memories the module defines (imports not counted).
    pub fn memories(&self) -> &[MemoryType] {
        let info = self.info();
        &info.memories().as_slice()[info.num_imported_memories() as usize..]
    }

    /// The types of the tables the module defines (imports not counted).
    pub fn tables(&self) -> &[TableType] {
        let info = self.info();
        &info.tables().as_slice()[info.num_imported_tables() as usize..]
    }

    /// The types of the globals the module defines (imports not counted).
    pub fn globals(&self) -> &[GlobalType] {
        let info = self.info();
        &info.globals().as_slice()[info.num_imported_globals() as usize..]
    }

    fn export_type(&self, kind: ExportKind) -> ExternType {
        let info = self.info();
        match kind {
            ExportKind::Func(i) => ExternType::Func(info.func_type(i).clone()),
            ExportKind::Table(i) => ExternType::Table(info.tables()[i]),
            ExportKind::Memory(i) => ExternType::Memory(info.memories()[i]),
            ExportKind::Global(i) => ExternType::Global(info.globals()[i]),
            ExportKind::Tag(i) => ExternType::Tag(TagType::from_func_type(
                info.types()[info.tags()[i]].clone(),
            )),
        }
    }
}

/// Parses and validates the binary module `bytes`, translating its functions at once
/// when the engine is eager.
///
/// # Errors
///
/// [`Error::Compile`] with the reason and byte offset.
pub(crate) fn read(engine: &Engine, bytes: &[u8]) -> Result<(ModuleInfo, ModuleCode)> {
    let config = engine.config();
    let mut bodies = Bodies {
        code: ModuleCode::new(crate::exec::handler_in_mode),
        translator: (config.compilation == CompilationMode::Eager).then(|| Translator::new(config)),
    };
    let info = crate::module::parse(engine, bytes, &mut bodies)?;
    Ok((info, bodies.code))
}

impl Strategy {
    /// Whether modules load under this strategy here: always for the interpreter and
    /// `Auto`; for `Cranelift`, where the compiled tier is built in and supports the
    /// platform (x86-64 Linux).
    pub fn is_available(self) -> bool {
        match self {
            Strategy::Interpreter | Strategy::Auto => true,
            #[cfg(feature = "cranelift")]
            Strategy::Cranelift => crate::compile::available(),
            #[cfg(not(feature = "cranelift"))]
            Strategy::Cranelift => false,
        }
    }
}

/// The binary module of `bytes`: themselves when binary, else their text's encoding.
///
/// # Errors
///
/// When the text does not parse, or `bytes` are an artifact or another runtime's
/// format (named in the error).
fn binary(bytes: &[u8]) -> Result<Box<[u8]>> {
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes.into());
    }
    if Module::is_artifact(bytes) {
        return Err(Error::Compile {
            message: "this is an artifact of ward (`ward compile`, Module::serialize), \
                      not a module: load it with Module::deserialize"
                .into(),
            offset: 0,
        });
    }
    if let Some(what) = super::artifact::foreign(bytes) {
        return Err(Error::Compile {
            message: what,
            offset: 0,
        });
    }
    Ok(parse_text(bytes)?.into_boxed_slice())
}

/// The native code of a module as the engine's strategy asks: its compiled functions
/// (and how they reach memories), or only its types' trampolines for an interpreted
/// module that compiled code may call, or nothing.
#[cfg(feature = "cranelift")]
fn native_code(
    engine: &Engine,
    info: &crate::module::ModuleInfo,
    bytes: &[u8],
    for_artifact: bool,
) -> Result<(Option<Arc<NativeCode>>, Option<MemoryStyle>)> {
    let strategy = engine.config().get_strategy();
    if strategy == Strategy::Interpreter {
        return Ok((None, None));
    }
    if !for_artifact && crate::compile::is_cross(engine)? {
        let (target, _) = crate::compile::engine_target(engine)?;
        return Err(Error::Compile {
            message: format!(
                "the engine compiles for {target}, not for this machine ({}): its code \
                 cannot run here; Engine::precompile_module writes artifacts for {target}",
                crate::compile::host_triple()
            ),
            offset: 0,
        });
    }
    if !crate::compile::available() {
        if strategy == Strategy::Cranelift {
            return Err(Error::Compile {
                message: "the compiled tier is not available on this platform".into(),
                offset: 0,
            });
        }
        return Ok((None, None));
    }
    crate::exec::install_trap_hook();
    match crate::compile::compile_module(engine, info, bytes, true) {
        Ok((code, style)) => Ok((Some(code), Some(style))),
        Err(error) if strategy == Strategy::Cranelift => Err(error),
        // Auto: the interpreter runs what the compiled tier does not compile yet; its
        // trampolines let compiled code of other modules call it. Where even those do
        // not compile (a function type Cranelift cannot return, such as one with many
        // results), the module is interpreted like under `Strategy::Interpreter`.
        Err(_) => match crate::compile::compile_module(engine, info, bytes, false) {
            Ok((code, _)) => Ok((Some(code), None)),
            Err(_) => Ok((None, None)),
        },
    }
}

/// Without the compiled tier, every module is interpreted.
#[cfg(not(feature = "cranelift"))]
fn native_code(
    engine: &Engine,
    _info: &crate::module::ModuleInfo,
    _bytes: &[u8],
    _for_artifact: bool,
) -> Result<(Option<Arc<NativeCode>>, Option<MemoryStyle>)> {
    if engine.config().get_strategy() == Strategy::Cranelift {
        return Err(crate::api::artifact::no_compiled_tier());
    }
    Ok((None, None))
}

impl core::fmt::Debug for Module {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
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
            ImportKind::Func(t) => ExternType::Func(self.module.info().types()[*t].clone()),
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(t) => ExternType::Memory(*t),
            ImportKind::Global(t) => ExternType::Global(*t),
            ImportKind::Tag(t) => ExternType::Tag(TagType::from_func_type(
                self.module.info().types()[*t].clone(),
            )),
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
#[cfg(feature = "wat")]
fn parse_text(bytes: &[u8]) -> Result<Vec<u8>> {
    let text = core::str::from_utf8(bytes).map_err(|e| Error::Compile {
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

/// Without the `wat` feature, text is not a module.
#[cfg(not(feature = "wat"))]
fn parse_text(_bytes: &[u8]) -> Result<Vec<u8>> {
    Err(Error::Compile {
        message: "not a binary module (no `\\0asm` header); text modules need ward's `wat` \
                  feature"
            .into(),
        offset: 0,
    })
}
