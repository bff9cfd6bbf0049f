//! WASI preview 1 (`wasi_snapshot_preview1`) for the ward WebAssembly runtime.
//!
//! Build a [`WasiCtx`] with [`WasiCtxBuilder`], keep it in the store's data, and define
//! the WASI functions with [`add_to_linker`]:
//!
//! ```no_run
//! use ward::{Engine, Linker, Module, Store};
//! use ward_wasi::{DirPerms, I32Exit, WasiCtx, WasiCtxBuilder};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::default();
//! let module = Module::new(&engine, std::fs::read("prog.wasm")?)?;
//! let ctx = WasiCtxBuilder::new()
//!     .arg("prog.wasm")
//!     .env("HOME", "/")
//!     .inherit_stdio()
//!     .preopened_dir("data", "/", DirPerms::ReadOnly)?
//!     .build();
//! let mut store = Store::new(&engine, ctx);
//! let mut linker = Linker::new(&engine);
//! ward_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
//! let status = match start.call(&mut store, ()) {
//!     Ok(()) => 0,
//!     Err(err) => match I32Exit::from_error(&err) {
//!         Some(I32Exit(status)) => status,
//!         None => return Err(err.into()),
//!     },
//! };
//! std::process::exit(status);
//! # }
//! ```
//!
//! # The sandbox
//!
//! A guest reaches the host's file system only through the directories preopened for
//! it, and only beneath them: every path is resolved by [cap-std](cap_std) relative to
//! a directory the guest holds, so absolute paths, `..` past a preopen's root and
//! symbolic links that point outside all fail (with `PERM`). Each descriptor carries
//! WASI rights; a directory preopened with [`DirPerms::ReadOnly`] and everything opened
//! through it lack every right that would modify the file system.
//!
//! # Guest pointers
//!
//! Every pointer and length a guest passes is checked against its memory before use.
//! One that does not fit makes the call return `FAULT` (21) with no other effect: a
//! bad pointer is an error the guest can handle, as it is for a native program, not a
//! trap. Pointers need not be aligned.
//!
//! # Not supported
//!
//! `proc_raise` returns `NOSYS`. Sockets can be used only when the embedder passes
//! them in ([`WasiCtxBuilder::preopened_tcp_listener`]); WASI preview 1 cannot create
//! them. The host is assumed to be Unix.

#![warn(missing_docs, unsafe_op_in_unsafe_fn)]
#![forbid(unsafe_code)]

mod ctx;
mod fd;
mod linker;
mod memory;
mod path;
mod pipe;
mod poll;
mod process;
mod sock;
mod sys;
mod table;
mod types;

use std::fmt;

pub use ctx::{DirPerms, Error, WasiCtx, WasiCtxBuilder};
pub use linker::{add_imports_to_linker, add_to_linker, MODULE};
pub use pipe::{ReadPipe, WritePipe};
pub use types::{clockid, fdflags, filetype, lookupflags, oflags, rights, Errno};

/// The exit status a guest passed to `proc_exit`.
///
/// `proc_exit` ends the guest with a host trap that carries this value
/// ([`ward::Trap::from_error`]), and records the status in the [`WasiCtx`]. An embedder
/// tells an exit from other traps with [`I32Exit::from_error`] or [`I32Exit::from_trap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl I32Exit {
    /// The exit behind `err`, when `err` is the trap `proc_exit` raised.
    pub fn from_error(err: &ward::Error) -> Option<I32Exit> {
        Self::from_trap(err.as_trap()?)
    }

    /// The exit behind `trap`, when it is the trap `proc_exit` raised.
    pub fn from_trap(trap: &ward::Trap) -> Option<I32Exit> {
        trap.downcast_ref::<I32Exit>().copied()
    }
}

impl fmt::Display for I32Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}
