//! A loaded module as the runtime uses it: its bytes, what they declare, its translated
//! code and the layout of its instances' vmctx.

use crate::engine::Engine;
use crate::error::Result;
use crate::index::{DefinedFuncIndex, FuncIndex};
use crate::ir::CompiledFunc;
use crate::module::ModuleInfo;
use crate::translate::ModuleCode;

use super::VMOffsets;

/// A validated module, shared by every instance of it (in any store of its engine).
pub(crate) struct CompiledModule {
    engine: Engine,
    bytes: Box<[u8]>,
    info: ModuleInfo,
    code: ModuleCode,
    offsets: VMOffsets,
}

impl CompiledModule {
    /// A module of `engine` read from `bytes`.
    pub(crate) fn new(
        engine: Engine,
        bytes: Box<[u8]>,
        info: ModuleInfo,
        code: ModuleCode,
    ) -> CompiledModule {
        let offsets = VMOffsets::new(&info);
        CompiledModule {
            engine,
            bytes,
            info,
            code,
            offsets,
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The module's binary.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn info(&self) -> &ModuleInfo {
        &self.info
    }

    /// The layout of the vmctx of this module's instances.
    #[inline(always)]
    pub(crate) fn offsets(&self) -> &VMOffsets {
        &self.offsets
    }

    /// The translated code of defined function `index`, if it is translated already.
    #[inline(always)]
    pub(crate) fn code_ready(&self, index: DefinedFuncIndex) -> Option<&CompiledFunc> {
        self.code.ready(index)
    }

    /// The translated code of defined function `index`, translating it on first use.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`](crate::Error::Compile) when the function does not translate.
    pub(crate) fn code(&self, index: DefinedFuncIndex) -> Result<&CompiledFunc> {
        self.code
            .get_or_translate(self.engine.config(), &self.info, &self.bytes, index)
    }

    /// The name of function `index` from the name section.
    pub(crate) fn func_name(&self, index: FuncIndex) -> Option<&str> {
        self.info.func_name(index)
    }
}
