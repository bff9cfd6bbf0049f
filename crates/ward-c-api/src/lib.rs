//! The C API of ward: the standard `wasm.h` (github.com/WebAssembly/wasm-c-api) and
//! `ward.h` for what is ward's own (tiers, WASI, fuel, interruption, store limits, the
//! native stack guard). Both headers are in `include/`; the library builds as
//! `libward.so` and `libward.a`.
//!
//! # Ownership
//!
//! Every object the API hands out is a `Box` the C side owns and gives back to its
//! `_delete` function; a vector is a boxed slice, deleted with its elements. Objects
//! of a store (functions, globals, tables, memories, externs, instances, references)
//! hold a pointer to their `wasm_store_t`, which the caller keeps alive while they are
//! used, as `wasm.h` requires.
//!
//! # Panics
//!
//! No panic crosses into C: every entry point runs its body under [`catch`], which
//! turns a panic into the entry's error result (a trap, an error, NULL or a neutral
//! value) after the panic hook has reported it.

#![warn(missing_docs, unsafe_op_in_unsafe_fn)]
// The C API's names are the standard's, not Rust's.
#![allow(non_camel_case_types)]

mod externals;
mod func;
mod instance;
mod module;
mod object;
mod store;
mod trap;
mod types;
mod val;
mod vec;
mod ward_h;
mod wasi;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`, and `on_panic` with the panic's message if it panics.
///
/// Unwind safety: a panic leaves at most a store in the middle of an operation; ward
/// keeps a store usable after a trap, and the C caller gets an error either way.
pub(crate) fn catch<R>(on_panic: impl FnOnce(String) -> R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => {
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic".to_string()
            };
            on_panic(format!("ward: internal error: {message}"))
        }
    }
}

/// Runs `body`, giving `R::default()` if it panics: for entries whose result carries
/// no error (a size, a kind, a flag), where a neutral value is the only answer C can
/// be given.
pub(crate) fn catch_default<R: Default>(body: impl FnOnce() -> R) -> R {
    catch(|_| R::default(), body)
}
