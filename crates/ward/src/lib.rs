//! ward: a small, fast WebAssembly runtime that no module can crash.
//!
//! Load a module with [`Module::new`], give it imports through a [`Linker`], and call
//! its exports through [`Func`] or [`TypedFunc`]:
//!
//! ```
//! use ward::{Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "host" "double" (func $double (param i32) (result i32)))
//!       (func (export "run") (param i32) (result i32)
//!         (call $double (i32.add (local.get 0) (i32.const 1)))))
//! "#)?;
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "double", |x: i32| x * 2)?;
//! let mut store = Store::new(&engine, ());
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
//! assert_eq!(run.call(&mut store, 20)?, 42);
//! # Ok::<(), ward::Error>(())
//! ```
//!
//! Functions run on a translating interpreter: each body is validated and translated
//! (lazily, on its first call, by default) into register-based code with resolved
//! branches. wasm-to-wasm calls use ward's own stack, never the native one; exhausting
//! it is a [`TrapKind::StackOverflow`] trap, and the store stays usable after any trap.

#![cfg_attr(not(any(feature = "std", test)), no_std)]
#![warn(missing_docs, unsafe_op_in_unsafe_fn)]

extern crate alloc;

// The modules, in dependency order: each imports only modules listed above it, and no
// two import each other (tests/layering.rs checks both, from this list).
//
//   prelude       the alloc types every module uses; locks and maps for either build
//   sys           all OS-specific code: stack bounds, memory reservations, signals
//   index         typed indices, one per index space
//   types         value and entity types (typed references name interned type ids)
//   error         errors and traps
//   native_stack  the native stack guard: bounds, checks, measurement
//   config        engine settings
//   engine        the engine and its registry of function types
//   ir            the interpreter's op set, handler signature, code arena: a leaf but for
//                 the typed indices and sys
//   module        reading and validating a module into a ModuleInfo
//   translate     wasm function bodies to ir, eagerly or lazily
//   vm            vmctx layout, memories, tables, globals, instances, stores, native code
//   compile       the compiled tier: wasm functions to native code with Cranelift
//   exec          the executor, and entering compiled code, on a type-erased store
//   api           the public embedding API
mod api;
#[cfg(feature = "cranelift")]
mod compile;
mod config;
mod engine;
mod error;
mod exec;
mod index;
mod ir;
mod module;
pub mod native_stack;
mod prelude;
mod sys;
mod translate;
mod types;
mod vm;

pub use api::artifact::ArtifactHeader;
pub use api::externals::{Extern, Global, Memory, Table, Tag};
pub use api::func::{
    Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy, WasmTyList,
};
pub use api::instance::Instance;
pub use api::linker::Linker;
pub use api::module::{ExportType, ImportType, Module};
pub use api::store::{AsContext, AsContextMut, Caller, InterruptHandle, Store};
pub use api::values::{ExnRef, ExternRef, Val, V128};
pub use config::{
    CompilationMode, Config, Profiler, Strategy, TargetCpu, DEFAULT_MEMORY_GUARD_SIZE,
    DEFAULT_MEMORY_RESERVATION, DEFAULT_WASM_STACK_SIZE,
};
pub use engine::Engine;
pub use error::{
    Error, FrameInfo, LinkError, MemoryAccessError, ResourceError, Result, Trap, TrapKind,
    BACKTRACE_INNER, BACKTRACE_OUTER,
};
#[cfg(not(feature = "std"))]
pub use sys::platform::set_platform;
#[cfg(feature = "std")]
pub use sys::platform::Os;
pub use sys::platform::Platform;
pub use types::{
    ExternType, FuncType, FuncTypeId, GlobalType, HeapType, MemoryType, Mutability, RefType,
    TableType, TagType, ValType,
};
pub use vm::{StoreFootprint, StoreLimits};
