//! `wasm_module_t` and `wasm_shared_module_t`.

use std::ptr;

use ward::{Engine, Module};

use crate::catch;
use crate::object::{boxed, object_kind, ref_casts, Item};
use crate::store::wasm_store_t;
use crate::types::{
    wasm_exporttype_t, wasm_exporttype_vec_t, wasm_importtype_t, wasm_importtype_vec_t,
};
use crate::vec::{wasm_byte_vec_t, CVec};
use crate::ward_h::{error, ward_error_t};

object_kind!(
    wasm_module_t,
    Item::Module(_),
    wasm_module_delete,
    wasm_module_copy,
    wasm_module_same,
    wasm_module_get_host_info,
    wasm_module_set_host_info,
    wasm_module_set_host_info_with_finalizer
);
ref_casts!(
    wasm_module_t,
    wasm_module_as_ref,
    wasm_module_as_ref_const,
    wasm_ref_as_module,
    wasm_ref_as_module_const
);

impl wasm_module_t {
    pub(crate) fn module(&self) -> &Module {
        match &self.obj.item {
            Item::Module(m) => m,
            _ => unreachable!("a wasm_module_t holds a module"),
        }
    }
}

/// `wasm_shared_module_t`: a module that can move to another thread's store of the
/// same engine.
pub struct wasm_shared_module_t {
    module: Module,
}

/// Compiles a module from its binary (or, in ward, its text format); NULL when it
/// is malformed or invalid.
///
/// # Safety
///
/// `store` is a live store; `binary` a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let (engine, bytes) = unsafe { (&(*store).engine, (*binary).as_slice()) };
            match Module::new(engine, bytes) {
                Ok(m) => boxed(store, Item::Module(m)),
                Err(_) => ptr::null_mut(),
            }
        },
    )
}

/// Compiles a module as `wasm_module_new` does, storing it in `*out`; returns NULL,
/// or the error (owned by the caller) that says why the module is malformed or
/// invalid, `*out` then being NULL.
///
/// # Safety
///
/// `store` is a live store; `binary` a valid byte vector; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn ward_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
    out: *mut *mut wasm_module_t,
) -> *mut ward_error_t {
    let (module, err) = catch(
        |message| (ptr::null_mut(), error(message)),
        || {
            // SAFETY: by the precondition.
            let (engine, bytes) = unsafe { (&(*store).engine, (*binary).as_slice()) };
            match Module::new(engine, bytes) {
                Ok(m) => (boxed(store, Item::Module(m)), ptr::null_mut()),
                Err(e) => (ptr::null_mut(), error(e.to_string())),
            }
        },
    );
    // SAFETY: by the precondition.
    unsafe { *out = module };
    err
}

/// Whether `binary` is a valid module.
///
/// # Safety
///
/// `store` is a live store; `binary` a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    catch(
        |_| false,
        || {
            // SAFETY: by the precondition.
            let (engine, bytes) = unsafe { (&(*store).engine, (*binary).as_slice()) };
            Module::validate(engine, bytes).is_ok()
        },
    )
}

/// Writes the module's imports, in order, to `out`.
///
/// # Safety
///
/// `module` is a live module; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(
    module: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    // SAFETY: by the precondition.
    let module = unsafe { &*module }.module();
    let imports = catch(
        |_| CVec::empty(),
        || {
            CVec::from_vec(
                module
                    .imports()
                    .map(|i| {
                        Some(Box::new(wasm_importtype_t::new(
                            i.module(),
                            i.name(),
                            &i.ty(),
                        )))
                    })
                    .collect(),
            )
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, imports) }
}

/// Writes the module's exports, in order, to `out`.
///
/// # Safety
///
/// `module` is a live module; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(
    module: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    // SAFETY: by the precondition.
    let module = unsafe { &*module }.module();
    let exports = catch(
        |_| CVec::empty(),
        || {
            CVec::from_vec(
                module
                    .exports()
                    .map(|e| Some(Box::new(wasm_exporttype_t::new(e.name(), &e.ty()))))
                    .collect(),
            )
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, exports) }
}

/// Writes the module as an artifact of ward to `out` (see `Module::serialize`); an
/// empty vector when the module's functions are not compiled (an engine that
/// interprets).
///
/// # Safety
///
/// `module` is a live module; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(
    module: *const wasm_module_t,
    out: *mut wasm_byte_vec_t,
) {
    // SAFETY: by the precondition.
    let module = unsafe { &*module }.module();
    let bytes = catch(
        |_| CVec::empty(),
        || match module.serialize() {
            Ok(bytes) => CVec::from_vec(bytes),
            Err(_) => CVec::empty(),
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, bytes) }
}

/// Loads an artifact of ward (see `Module::deserialize`); NULL when it is refused
/// (damaged, or made by another build, for another machine or other settings).
///
/// # Safety
///
/// `store` is a live store; `bytes` a valid byte vector holding an artifact from a
/// trusted source: its code runs as it is.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let (engine, bytes) = unsafe { (&(*store).engine, (*bytes).as_slice()) };
            // SAFETY: the caller vouches for the artifact's code.
            match unsafe { Module::deserialize(engine, bytes) } {
                Ok(m) => boxed(store, Item::Module(m)),
                Err(_) => ptr::null_mut(),
            }
        },
    )
}

/// Shares the module, for `wasm_module_obtain` in another store.
///
/// # Safety
///
/// `module` is a live module.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(
    module: *const wasm_module_t,
) -> *mut wasm_shared_module_t {
    // SAFETY: by the precondition.
    let module = unsafe { &*module }.module();
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(wasm_shared_module_t {
                module: module.clone(),
            }))
        },
    )
}

/// The shared module as a module of `store`; NULL when the store's engine is not
/// the module's.
///
/// # Safety
///
/// `store` is a live store; `shared` a live shared module.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    // SAFETY: by the precondition.
    let (engine, module) = unsafe { (&(*store).engine, &(*shared).module) };
    catch(
        |_| ptr::null_mut(),
        || {
            if Engine::same(engine, module.engine()) {
                boxed(store, Item::Module(module.clone()))
            } else {
                ptr::null_mut()
            }
        },
    )
}

/// Deletes a shared module.
///
/// # Safety
///
/// `shared` is NULL or a shared module of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    if !shared.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(shared) });
    }
}
