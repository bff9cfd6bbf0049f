//! A loaded module as the runtime uses it: its bytes, what they declare, its translated
//! code and the layout of its instances' vmctx.

use crate::prelude::*;
use alloc::sync::Arc;

use crate::engine::Engine;
use crate::error::Result;
use crate::index::{DefinedFuncIndex, FuncIndex};
use crate::ir::CompiledFunc;
use crate::module::ModuleInfo;
use crate::translate::ModuleCode;

use super::{MemoryStyle, NativeCode, VMOffsets};
#[cfg(feature = "cranelift")]
use {super::Trampolines, crate::index::TypeIndex};

/// A validated module, shared by every instance of it (in any store of its engine).
pub(crate) struct CompiledModule {
    engine: Engine,
    bytes: Box<[u8]>,
    info: ModuleInfo,
    /// The interpreter's code.
    code: ModuleCode,
    /// Native code, when the engine compiles: the compiled functions when this module's
    /// functions are compiled, and the trampolines of its types either way.
    native: Option<Arc<NativeCode>>,
    /// How the compiled functions reach memories, when the functions are compiled (else
    /// they are interpreted).
    compiled: Option<MemoryStyle>,
    /// Whether `bytes` hold the function bodies: an artifact's module has only
    /// `unreachable` in their place (its code is the compiled one).
    bodies: bool,
    offsets: VMOffsets,
}

impl CompiledModule {
    /// A module of `engine` read from `bytes` (with its function bodies, or not).
    pub(crate) fn new(
        engine: Engine,
        bytes: Box<[u8]>,
        info: ModuleInfo,
        code: ModuleCode,
        (native, compiled): (Option<Arc<NativeCode>>, Option<MemoryStyle>),
        bodies: bool,
    ) -> CompiledModule {
        let offsets = VMOffsets::new(&info);
        CompiledModule {
            engine,
            bytes,
            info,
            code,
            native,
            compiled,
            bodies,
            offsets,
        }
    }

    /// Whether the module's bytes hold its function bodies (not an artifact's).
    pub(crate) fn has_bodies(&self) -> bool {
        self.bodies
    }

    /// Lets the native code know its module (for backtraces); called once the module has
    /// its final address.
    pub(crate) fn attach_native(&self) {
        if let Some(native) = &self.native {
            native.attach(self);
        }
    }

    /// Forgets this module in its native code, which may outlive it (an engine keeps the
    /// code whose trampolines serve its host functions, see [`Engine`]'s cache).
    fn detach_native(&self) {
        if let Some(native) = &self.native {
            native.attach(core::ptr::null());
        }
    }

    /// The perf map entries of the module's compiled functions: address, size and
    /// `wasm[<module>]::<function>`, by the name section's names where it has them.
    #[cfg(feature = "std")]
    pub(crate) fn perf_map_entries(&self) -> Vec<(usize, usize, String)> {
        let (Some(native), true) = (self.native(), self.is_compiled()) else {
            return Vec::new();
        };
        let info = self.info();
        let module = info.name().unwrap_or("");
        native
            .func_ranges()
            .map(|(defined, start, size)| {
                let index = info.func_index(defined);
                let name = match info.func_name(index) {
                    Some(name) => format!("wasm[{module}]::{name}"),
                    None => format!("wasm[{module}]::func[{}]", index.as_u32()),
                };
                (start, size, name)
            })
            .collect()
    }

    /// The bytes of code the module holds: its binary (which the interpreter
    /// translates from), the translated functions, and the native code if any.
    pub(crate) fn code_bytes(&self) -> usize {
        self.bytes.len() + self.code.bytes() + self.native.as_ref().map_or(0, |n| n.bytes())
    }

    /// The native code, when the engine compiles.
    pub(crate) fn native(&self) -> Option<&NativeCode> {
        self.native.as_deref()
    }

    /// Whether the module's functions run compiled.
    pub(crate) fn is_compiled(&self) -> bool {
        self.compiled.is_some()
    }

    /// How the compiled functions reach memories, when they are compiled.
    pub(crate) fn memory_style(&self) -> Option<MemoryStyle> {
        self.compiled
    }

    /// The trampolines of type `index`, when the engine compiles.
    #[cfg(feature = "cranelift")]
    pub(crate) fn trampolines(&self, index: TypeIndex) -> Option<Trampolines> {
        Some(self.native.as_ref()?.trampolines(index))
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

impl Drop for CompiledModule {
    fn drop(&mut self) {
        self.detach_native();
    }
}
