//! The runtime data of stores and instances, laid out for running code: the vmctx of
//! each instance (see [`vmctx`] for its layout), linear memories that grow in place,
//! tables of function references, globals, the wasm stack, and the store that owns them.
//! Nothing here runs code: instantiation stops before the start function.

mod bulk;
mod exception;
mod footprint;
mod global;
mod instance;
mod limits;
mod memory;
mod module;
pub(crate) mod native;
mod store;
mod table;
pub(crate) mod vmctx;
mod wasm_stack;

pub(crate) use exception::{exnref_cell, exnref_of_cell, Exceptions, TagEntity};
pub use footprint::StoreFootprint;
pub(crate) use global::GlobalEntity;
pub(crate) use instance::{func_ref, InstanceData, Resolved};
pub use limits::StoreLimits;
pub(crate) use memory::MemoryEntity;
pub(crate) use module::CompiledModule;
#[cfg(feature = "cranelift")]
pub(crate) use native::{CodeTrap, FuncRange, Reloc, RelocKind, RelocTarget, Trampolines};
pub(crate) use native::{MemoryStyle, NativeCode};
pub(crate) use store::StoreInner;
pub(crate) use table::TableEntity;
pub(crate) use vmctx::{
    FuncKind, FuncRef, VMBuiltins, VMContext, VMFuncRef, VMGlobal, VMMemoryDefinition, VMOffsets,
    VMStoreContext, VMTableDefinition,
};
pub(crate) use wasm_stack::{Frame, WasmStack};

/// The size of a wasm page.
#[cfg(test)]
pub(crate) const PAGE_SIZE: usize = 65536;
