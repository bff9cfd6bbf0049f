//! The translated code of a module: each function translated once, when the module is
//! loaded (eager) or on its first call (lazy), and kept as long as the module.

use crate::prelude::{Mutex, OnceLock};

use wasmparser::{BinaryReader, FuncValidator, FunctionBody, ValidatorResources};

use super::{with_translator, Translator};
use crate::error::Result;
use crate::index::{DefinedFuncIndex, IndexVec};
use crate::ir::{CodeArena, CodeRef, CompiledFunc, HandlerFor};
use crate::module::ModuleInfo;
use crate::Config;

/// Where a module's translated code goes: its arena, and the executor's handlers that
/// the ops are given.
pub(crate) struct CodeSpace {
    pub(super) arena: Mutex<CodeArena>,
    pub(super) handlers: HandlerFor,
}

/// The translated code of every function a module defines.
pub(crate) struct ModuleCode {
    /// Each defined function's code, set once. Declared before `space`, so that it is
    /// dropped first: its code lives in the arena.
    funcs: IndexVec<DefinedFuncIndex, OnceLock<CodeRef>>,
    space: CodeSpace,
}

impl ModuleCode {
    /// Empty code for a module whose ops run on `handlers`.
    pub(crate) fn new(handlers: HandlerFor) -> ModuleCode {
        ModuleCode {
            funcs: IndexVec::new(),
            space: CodeSpace {
                arena: Mutex::new(CodeArena::default()),
                handlers,
            },
        }
    }

    /// Makes room for `count` functions, while the module is read.
    pub(crate) fn reserve(&mut self, count: u32) {
        self.funcs.reserve_exact(count as usize);
    }

    /// Adds the next defined function, while the module is read: translates it now,
    /// validating each operator as it goes, when `translator` is given; else validates
    /// the body only, leaving translation to its first call.
    ///
    /// # Errors
    ///
    /// When the body is invalid, or does not translate.
    pub(crate) fn add(
        &mut self,
        info: &ModuleInfo,
        index: DefinedFuncIndex,
        body: &FunctionBody<'_>,
        validator: &mut FuncValidator<ValidatorResources>,
        translator: Option<&mut Translator>,
    ) -> Result<()> {
        let cell = match translator {
            Some(translator) => OnceLock::with(translator.translate(
                info,
                &self.space,
                index,
                body,
                Some(validator),
            )?),
            None => {
                validate(validator, body).map_err(crate::error::Error::compile)?;
                OnceLock::new()
            }
        };
        let added = self.funcs.push(cell);
        debug_assert_eq!(added, index);
        Ok(())
    }

    /// The bytes the code holds: the arena's chunks and the table of functions.
    pub(crate) fn bytes(&self) -> usize {
        let arena = self.space.arena.lock().bytes();
        arena + self.funcs.heap_bytes()
    }

    /// The code of defined function `index`, if it is translated already.
    #[inline(always)]
    pub(crate) fn ready(&self, index: DefinedFuncIndex) -> Option<&CompiledFunc> {
        self.funcs[index].get().map(|code| &**code)
    }

    /// The code of defined function `index`, translating it on first use (its body, in
    /// `bytes`, was validated when the module was read). When two threads race to
    /// translate it, both translations stay in the arena and the first to finish is used.
    ///
    /// # Errors
    ///
    /// When the function does not translate.
    pub(crate) fn get_or_translate(
        &self,
        config: &Config,
        info: &ModuleInfo,
        bytes: &[u8],
        index: DefinedFuncIndex,
    ) -> Result<&CompiledFunc> {
        let cell = &self.funcs[index];
        if let Some(code) = cell.get() {
            return Ok(code);
        }
        let range = info.body(index);
        let reader =
            BinaryReader::new_features(&bytes[range.clone()], range.start as u64, config.features);
        let body = FunctionBody::new(reader);
        let code = with_translator(config, |translator| {
            translator.translate(info, &self.space, index, &body, None)
        })?;
        Ok(cell.get_or_init(|| code))
    }
}

/// Validates `body` without translating it, with wasmparser's validator reading the
/// operators itself: its fastest path.
#[cfg(not(ward_small))]
fn validate(
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
) -> wasmparser::Result<()> {
    validator.validate(body)
}

/// In size-tuned builds, the body's operators are read into wasmparser's `Operator` and
/// handed to the validator one by one. Its own path has a copy of the operator decoder
/// specialised for the validator (15 KB of code); this one shares the copy that
/// constant expressions and the translator's checks use, at some cost in speed.
#[cfg(ward_small)]
fn validate(
    validator: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
) -> wasmparser::Result<()> {
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
    }
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let offset = ops.original_position();
        let op = ops.read()?;
        validator.op(offset, &op)?;
    }
    ops.finish()
}
