//! Calling functions, and host functions written in C.
//!
//! A C host function is a ward host function like any other: ward checks the native
//! stack guard before calling it, so it starts with the guard's bytes free below it,
//! and it can ask for more with `ward_ensure_native_stack`. A trap it returns ends
//! the call that reached it, with its message.

use std::ffi::c_void;
use std::ptr;

use ward::{Caller, Func, Trap, Val};

use crate::catch;
use crate::externals::wasm_func_t;
use crate::object::{boxed, Item};
use crate::store::{store_mut, wasm_store_t, ActiveCaller, Finalizer, StoreData};
use crate::trap::{error_trap, new_trap, wasm_trap_t};
use crate::types::{valkind, wasm_functype_t};
use crate::val::{wasm_val_t, wasm_val_union, wasm_val_vec_t};
use crate::vec::CVec;

/// `wasm_func_callback_t`.
pub type wasm_func_callback_t = unsafe extern "C" fn(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// `wasm_func_callback_with_env_t`.
pub type wasm_func_callback_with_env_t = unsafe extern "C" fn(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// A C callback, with its environment.
enum Callback {
    Plain(wasm_func_callback_t),
    WithEnv(wasm_func_callback_with_env_t, *mut c_void),
}

// SAFETY: ward calls a store's host functions only on the thread running that store,
// and `wasm.h` gives stores to one thread at a time; the environment pointer is only
// handed back to the C function it came with.
unsafe impl Send for Callback {}
// SAFETY: as above: nothing reads the callback but a call of the function.
unsafe impl Sync for Callback {}

impl Callback {
    /// # Safety
    ///
    /// `args` and `results` are valid vectors.
    unsafe fn call(&self, args: &wasm_val_vec_t, results: &mut wasm_val_vec_t) -> *mut wasm_trap_t {
        match *self {
            // SAFETY: the C caller gave a function of this signature (`wasm_func_new`).
            Callback::Plain(f) => unsafe { f(args, results) },
            // SAFETY: as above, with the environment it gave for it.
            Callback::WithEnv(f, env) => unsafe { f(env, args, results) },
        }
    }

    /// Runs the callback for one call: converts the params, calls C with the caller
    /// recorded in the store, and converts the results back.
    fn run(
        &self,
        mut caller: Caller<'_, StoreData>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        let ws = caller.data().owner;
        let args = params
            .iter()
            .map(|v| wasm_val_t::from_ward(ws, v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Trap::new)?;
        let args = CVec::from_vec(args);
        let mut outs = CVec::from_vec(
            results
                .iter()
                .map(|r| wasm_val_t {
                    kind: valkind(r.ty()),
                    of: wasm_val_union { i64: 0 },
                })
                .collect(),
        );
        let trap = {
            // SAFETY: `caller` outlives `_active`, dropped at the end of this block,
            // and `ws` is its store.
            let _active = unsafe { ActiveCaller::enter(ws, &mut caller) };
            // SAFETY: both vectors are valid, made above.
            unsafe { self.call(&args, &mut outs) }
        };
        if !trap.is_null() {
            // SAFETY: the callback returns an owned trap, or NULL.
            let trap = unsafe { Box::from_raw(trap) };
            return Err(trap.trap().clone());
        }
        // SAFETY: `outs` is ours; the callback wrote values into its elements.
        let outs = unsafe { outs.take() };
        if outs.len() != results.len() {
            return Err(Trap::new("host function changed the length of its results"));
        }
        for (r, out) in results.iter_mut().zip(&outs) {
            // SAFETY: the callback gives each reference result as NULL or an object
            // of this library, owned by the vector (dropped below).
            let v = unsafe { out.to_ward() }.map_err(Trap::new)?;
            if v.ty() != r.ty() {
                return Err(Trap::new(format!(
                    "host function returned a {} for a {} result",
                    v.ty(),
                    r.ty()
                )));
            }
            *r = v;
        }
        Ok(())
    }
}

/// Makes the host function of `callback`.
///
/// # Safety
///
/// `store` is a live store; `ty` a live function type.
unsafe fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Callback,
    finalizer: Option<Finalizer>,
) -> *mut wasm_func_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let Some(ty) = (unsafe { &*ty }).to_ward() else {
                return ptr::null_mut();
            };
            // SAFETY: by the precondition; the borrow ends in this function.
            let s = unsafe { store_mut(store) };
            let f = Func::new(&mut *s, ty, move |caller, params, results| {
                callback.run(caller, params, results)
            });
            s.data_mut().finalizers.extend(finalizer);
            boxed(store, Item::Func(f))
        },
    )
}

/// Makes a host function of type `ty` that calls `callback`.
///
/// # Safety
///
/// `store` is a live store; `ty` a live function type; `callback` follows the
/// callback contract of `wasm.h`.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    // SAFETY: by the precondition.
    unsafe { new_func(store, ty, Callback::Plain(callback), None) }
}

/// Makes a host function of type `ty` that calls `callback` with `env`; `finalizer`
/// (if not NULL) is called with `env` when the store is deleted.
///
/// # Safety
///
/// As for `wasm_func_new`; `env` is what `callback` and `finalizer` expect.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let finalizer = finalizer.map(|finalize| Finalizer { env, finalize });
    // SAFETY: by the precondition.
    unsafe { new_func(store, ty, Callback::WithEnv(callback, env), finalizer) }
}

fn func_of(f: &wasm_func_t) -> Func {
    match f.obj.item {
        Item::Func(f) => f,
        _ => unreachable!("a wasm_func_t holds a function"),
    }
}

/// The function's type.
///
/// # Safety
///
/// `f` is a live function whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    // SAFETY: by the precondition.
    let f = unsafe { &*f };
    catch(
        |_| ptr::null_mut(),
        // SAFETY: by the precondition.
        || wasm_functype_t::boxed(&func_of(f).ty(unsafe { store_mut(f.obj.store) })),
    )
}

/// The number of the function's parameters.
///
/// # Safety
///
/// `f` is a live function whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: by the precondition.
    let f = unsafe { &*f };
    // SAFETY: by the precondition.
    crate::catch_default(|| {
        func_of(f)
            .ty(unsafe { store_mut(f.obj.store) })
            .params()
            .len()
    })
}

/// The number of the function's results.
///
/// # Safety
///
/// `f` is a live function whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: by the precondition.
    let f = unsafe { &*f };
    // SAFETY: by the precondition.
    crate::catch_default(|| {
        func_of(f)
            .ty(unsafe { store_mut(f.obj.store) })
            .results()
            .len()
    })
}

/// Calls the function with `args`, writing its results into `results`' elements,
/// which it overwrites without deleting (a reference result is a new object the
/// caller owns). Returns NULL, or the trap (or error, as a trap) that ended the call.
///
/// # Safety
///
/// `f` is a live function whose store is live; `args` a valid vector of values;
/// `results` a valid vector with room for the results.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: by the precondition.
    let (f, args, results) = unsafe { (&*f, &*args, &mut *results) };
    catch(
        |message| new_trap(Trap::new(message)),
        || {
            let ws = f.obj.store;
            let func = func_of(f);
            // SAFETY: `args` is valid, its references live (precondition).
            let params: Result<Vec<Val>, String> = unsafe { args.as_slice() }
                .iter()
                // SAFETY: as above.
                .map(|v| unsafe { v.to_ward() })
                .collect();
            let params = match params {
                Ok(p) => p,
                Err(message) => return new_trap(Trap::new(message)),
            };
            // SAFETY: by the precondition; each borrow of the store ends in its
            // statement.
            let ty = func.ty(unsafe { store_mut(ws) });
            if results.size < ty.results().len() {
                return new_trap(Trap::new(format!(
                    "the results vector holds {} values, the function returns {}",
                    results.size,
                    ty.results().len()
                )));
            }
            let mut outs: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
            // SAFETY: as above.
            if let Err(err) = func.call(unsafe { store_mut(ws) }, &params, &mut outs) {
                return error_trap(err);
            }
            for (i, v) in outs.iter().enumerate() {
                let v = match wasm_val_t::from_ward(ws, v) {
                    Ok(v) => v,
                    Err(message) => return new_trap(Trap::new(message)),
                };
                // SAFETY: `results` has room for `outs` (checked above); its old
                // elements are overwritten, not dropped, as wasm.h specifies.
                unsafe { ptr::write(results.data.add(i), v) };
            }
            ptr::null_mut()
        },
    )
}
