//! `wasm_instance_t`.

use std::ptr;

use ward::{Instance, Trap};

use crate::catch;
use crate::externals::{wasm_extern_t, wasm_extern_vec_t};
use crate::module::wasm_module_t;
use crate::object::{boxed, object_kind, ref_casts, Item};
use crate::store::{store_mut, wasm_store_t};
use crate::trap::{error_trap, new_trap, wasm_trap_t};
use crate::vec::CVec;

object_kind!(
    wasm_instance_t,
    Item::Instance(_),
    wasm_instance_delete,
    wasm_instance_copy,
    wasm_instance_same,
    wasm_instance_get_host_info,
    wasm_instance_set_host_info,
    wasm_instance_set_host_info_with_finalizer
);
ref_casts!(
    wasm_instance_t,
    wasm_instance_as_ref,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance,
    wasm_ref_as_instance_const
);

impl wasm_instance_t {
    pub(crate) fn instance(&self) -> Instance {
        match self.obj.item {
            Item::Instance(i) => i,
            _ => unreachable!("a wasm_instance_t holds an instance"),
        }
    }
}

/// Writes `result`'s failure to `*trap` (when `trap` is not NULL) and gives NULL, or
/// gives the new instance.
///
/// # Safety
///
/// `trap` is NULL or points to writable memory for a pointer.
pub(crate) unsafe fn instance_result(
    store: *const wasm_store_t,
    result: Result<Instance, *mut wasm_trap_t>,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    match result {
        Ok(instance) => boxed(store, Item::Instance(instance)),
        Err(t) => {
            if trap.is_null() {
                // SAFETY: `t` is a trap just made and owned here.
                drop(unsafe { Box::from_raw(t) });
            } else {
                // SAFETY: by the precondition.
                unsafe { *trap = t };
            }
            ptr::null_mut()
        }
    }
}

/// Instantiates `module` with `imports`, given in the order of the module's imports.
/// On failure (a link error, a trap of the start function) gives NULL and, when
/// `trap` is not NULL, stores the reason in `*trap` as a trap the caller owns.
///
/// # Safety
///
/// `store` is a live store; `module` a live module; `imports` a valid vector of
/// live externs (no NULL element); `trap` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    let result = catch(
        |message| Err(new_trap(Trap::new(message))),
        || {
            // SAFETY: by the precondition.
            let (module, imports) = unsafe { ((*module).module(), (*imports).as_slice()) };
            let mut externs = Vec::with_capacity(imports.len());
            for import in imports {
                match import {
                    Some(e) => externs.push(e.to_ward()),
                    None => return Err(new_trap(Trap::new("a NULL import"))),
                }
            }
            // SAFETY: by the precondition; the borrow ends here.
            Instance::new(unsafe { store_mut(store) }, module, &externs).map_err(error_trap)
        },
    );
    // SAFETY: by the precondition.
    unsafe { instance_result(store, result, trap) }
}

/// Writes the instance's exports, in the order of the module's exports, to `out`.
///
/// # Safety
///
/// `instance` is a live instance whose store is live; `out` points to writable
/// memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    instance: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    // SAFETY: by the precondition.
    let instance = unsafe { &*instance };
    let ws = instance.obj.store;
    let exports = catch(
        |_| CVec::empty(),
        || {
            // SAFETY: by the precondition.
            let exports = instance.instance().exports(unsafe { store_mut(ws) });
            CVec::from_vec(
                exports
                    .into_iter()
                    .map(|(_, e)| Some(Box::new(wasm_extern_t::new(ws, e))))
                    .collect(),
            )
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, exports) }
}
