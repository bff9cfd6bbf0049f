//! WASI preview 1 through `ward.h`: `ward_wasi_config_t`, and a store's WASI context.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use ward_wasi::{DirPerms, I32Exit, WasiCtx, WasiCtxBuilder, WritePipe};

use crate::catch;
use crate::store::wasm_store_t;
use crate::trap::wasm_trap_t;
use crate::vec::{wasm_byte_vec_t, CVec};
use crate::ward_h::{error, ward_error_t};

/// A store's WASI context, and the pipes that capture its output.
pub(crate) struct StoreWasi {
    pub(crate) ctx: WasiCtx,
    stdout: Option<WritePipe>,
    stderr: Option<WritePipe>,
}

impl Default for StoreWasi {
    fn default() -> Self {
        StoreWasi {
            ctx: WasiCtxBuilder::new().build(),
            stdout: None,
            stderr: None,
        }
    }
}

/// `ward_wasi_config_t`: what a guest gets from WASI.
pub struct ward_wasi_config_t {
    builder: WasiCtxBuilder,
    stdout: Option<WritePipe>,
    stderr: Option<WritePipe>,
}

/// A C string as a Rust one (lossily).
///
/// # Safety
///
/// `s` is a NUL-terminated string.
unsafe fn string(s: *const c_char) -> String {
    // SAFETY: by the precondition.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// The `n` C strings at `strings`.
///
/// # Safety
///
/// `strings` points to `n` NUL-terminated strings (or `n` is 0).
unsafe fn strings(n: c_int, strings: *const *const c_char) -> Vec<String> {
    (0..n.max(0) as usize)
        // SAFETY: by the precondition.
        .map(|i| unsafe { string(*strings.add(i)) })
        .collect()
}

/// Makes a WASI configuration: no arguments, no environment, no preopened directory,
/// empty stdin, and stdout and stderr discarded.
#[no_mangle]
pub extern "C" fn ward_wasi_config_new() -> *mut ward_wasi_config_t {
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(ward_wasi_config_t {
                builder: WasiCtxBuilder::new(),
                stdout: None,
                stderr: None,
            }))
        },
    )
}

/// Deletes a WASI configuration.
///
/// # Safety
///
/// `config` is NULL or a configuration of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_delete(config: *mut ward_wasi_config_t) {
    if !config.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        let config = unsafe { Box::from_raw(config) };
        catch(|_| (), || drop(config));
    }
}

/// Appends `argc` arguments (the first is the program's name by convention).
///
/// # Safety
///
/// `config` is a live configuration; `argv` points to `argc` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_set_argv(
    config: *mut ward_wasi_config_t,
    argc: c_int,
    argv: *const *const c_char,
) {
    // SAFETY: by the precondition.
    let (config, args) = unsafe { (&mut *config, strings(argc, argv)) };
    catch(
        |_| (),
        || {
            config.builder.args(args);
        },
    );
}

/// Appends `n` environment variables, `names[i]=values[i]`.
///
/// # Safety
///
/// `config` is a live configuration; `names` and `values` point to `n`
/// NUL-terminated strings each.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_set_env(
    config: *mut ward_wasi_config_t,
    n: c_int,
    names: *const *const c_char,
    values: *const *const c_char,
) {
    // SAFETY: by the precondition.
    let (config, names, values) = unsafe { (&mut *config, strings(n, names), strings(n, values)) };
    catch(
        |_| (),
        || {
            for (k, v) in names.iter().zip(&values) {
                config.builder.env(k, v);
            }
        },
    );
}

/// Gives the guest the host process's environment.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_inherit_env(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    catch(
        |_| (),
        || {
            config.builder.inherit_env();
        },
    );
}

/// Gives the guest `bytes` as its stdin.
///
/// # Safety
///
/// `config` is a live configuration; `bytes` a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_set_stdin_bytes(
    config: *mut ward_wasi_config_t,
    bytes: *const wasm_byte_vec_t,
) {
    // SAFETY: by the precondition.
    let (config, bytes) = unsafe { (&mut *config, (*bytes).as_slice().to_vec()) };
    catch(
        |_| (),
        || {
            config.builder.stdin(ward_wasi::ReadPipe::from_bytes(bytes));
        },
    );
}

/// Gives the guest the host process's stdin.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_inherit_stdin(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    catch(
        |_| (),
        || {
            config.builder.inherit_stdin();
        },
    );
}

/// Gives the guest the host process's stdout.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_inherit_stdout(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    config.stdout = None;
    catch(
        |_| (),
        || {
            config.builder.inherit_stdout();
        },
    );
}

/// Gives the guest the host process's stderr.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_inherit_stderr(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    config.stderr = None;
    catch(
        |_| (),
        || {
            config.builder.inherit_stderr();
        },
    );
}

/// Captures what the guest writes to stdout in memory, for `ward_store_wasi_stdout`.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_capture_stdout(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    catch(
        |_| (),
        || {
            let pipe = WritePipe::new_in_memory();
            config.builder.stdout(pipe.clone());
            config.stdout = Some(pipe);
        },
    );
}

/// Captures what the guest writes to stderr in memory, for `ward_store_wasi_stderr`.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_capture_stderr(config: *mut ward_wasi_config_t) {
    // SAFETY: by the precondition.
    let config = unsafe { &mut *config };
    catch(
        |_| (),
        || {
            let pipe = WritePipe::new_in_memory();
            config.builder.stderr(pipe.clone());
            config.stderr = Some(pipe);
        },
    );
}

/// Preopens the host directory `host_path` for the guest as `guest_path`, read-only
/// when `read_only`. Returns NULL, or the error (which the caller owns) when the
/// directory cannot be opened.
///
/// # Safety
///
/// `config` is a live configuration; both paths are NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ward_wasi_config_preopen_dir(
    config: *mut ward_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    read_only: bool,
) -> *mut ward_error_t {
    // SAFETY: by the precondition.
    let (config, host, guest) = unsafe { (&mut *config, string(host_path), string(guest_path)) };
    let perms = if read_only {
        DirPerms::ReadOnly
    } else {
        DirPerms::ReadWrite
    };
    catch(error, || {
        match config.builder.preopened_dir(&host, guest, perms) {
            Ok(_) => ptr::null_mut(),
            Err(e) => error(e.to_string()),
        }
    })
}

/// Gives the store the WASI context `config` describes, taking ownership of
/// `config`. Returns NULL, or the error (which the caller owns).
///
/// # Safety
///
/// `store` is a live store on which nothing runs; `config` a configuration of this
/// library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ward_store_set_wasi(
    store: *mut wasm_store_t,
    config: *mut ward_wasi_config_t,
) -> *mut ward_error_t {
    // SAFETY: by the precondition, ownership passes here.
    let mut config = unsafe { Box::from_raw(config) };
    catch(error, || match config.builder.try_build() {
        Ok(ctx) => {
            // SAFETY: by the precondition; the borrow ends here.
            let data = unsafe { crate::store::store_mut(store) }.data_mut();
            data.wasi = StoreWasi {
                ctx,
                stdout: config.stdout.take(),
                stderr: config.stderr.take(),
            };
            ptr::null_mut()
        }
        Err(e) => error(e.to_string()),
    })
}

/// Writes what the guest wrote to a captured stream so far to `out`.
///
/// # Safety
///
/// `store` is a live store; `out` points to writable memory for a vector.
unsafe fn captured(store: *mut wasm_store_t, out: *mut wasm_byte_vec_t, stdout: bool) {
    let bytes = catch(
        |_| CVec::empty(),
        || {
            // SAFETY: by the precondition; the borrow ends here.
            let wasi = &unsafe { crate::store::store_mut(store) }.data().wasi;
            let pipe = if stdout { &wasi.stdout } else { &wasi.stderr };
            CVec::from_vec(pipe.as_ref().map(WritePipe::contents).unwrap_or_default())
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, bytes) }
}

/// Writes what the guest wrote to its captured stdout so far to `out` (empty when
/// stdout is not captured).
///
/// # Safety
///
/// `store` is a live store; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn ward_store_wasi_stdout(
    store: *mut wasm_store_t,
    out: *mut wasm_byte_vec_t,
) {
    // SAFETY: by the precondition.
    unsafe { captured(store, out, true) }
}

/// Writes what the guest wrote to its captured stderr so far to `out` (empty when
/// stderr is not captured).
///
/// # Safety
///
/// `store` is a live store; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn ward_store_wasi_stderr(
    store: *mut wasm_store_t,
    out: *mut wasm_byte_vec_t,
) {
    // SAFETY: by the precondition.
    unsafe { captured(store, out, false) }
}

/// Whether `trap` is the guest's `proc_exit`; if so, stores its status in `*status`.
///
/// # Safety
///
/// `trap` is a live trap; `status` points to writable memory.
#[no_mangle]
pub unsafe extern "C" fn ward_trap_exit_status(trap: *const wasm_trap_t, status: *mut i32) -> bool {
    // SAFETY: by the precondition.
    let trap = unsafe { &*trap };
    match catch(|_| None, || I32Exit::from_trap(trap.trap())) {
        Some(I32Exit(s)) => {
            // SAFETY: by the precondition.
            unsafe { *status = s };
            true
        }
        None => false,
    }
}
