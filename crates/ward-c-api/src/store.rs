//! `wasm_config_t`, `wasm_engine_t`, `wasm_store_t`, and how the API reaches a store.
//!
//! Read changes here twice: every entry of the API that touches a store goes through
//! [`store_mut`], and a mistake in it aliases a `&mut Store` while ward runs.
//!
//! # Reaching a store
//!
//! C names a store through objects that point to their `wasm_store_t`, also while a
//! host function of that store runs, when ward holds the store borrowed in the
//! host function's [`Caller`]. To touch the store then through anything but that
//! borrow would alias it: so a C host function's call records a pointer to its
//! `Caller` in the store ([`wasm_store_t::active`]), and [`store_mut`] goes through
//! the innermost such caller while there is one, and to the store itself otherwise.

use std::cell::{Cell, UnsafeCell};
use std::ffi::c_void;
use std::ptr;

use ward::{AsContextMut, Caller, Config, Engine, Store};

use crate::catch;

/// `wasm_config_t`: the engine's settings, ward's [`Config`].
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// `wasm_engine_t`.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// A C function's finalizer and its argument, run when the store is deleted.
pub(crate) struct Finalizer {
    pub(crate) env: *mut c_void,
    pub(crate) finalize: unsafe extern "C" fn(*mut c_void),
}

/// What a store created through the C API keeps.
pub struct StoreData {
    /// The store's own `wasm_store_t`, for host functions to find it.
    pub(crate) owner: *const wasm_store_t,
    /// The WASI context the store's WASI imports use (`ward_store_set_wasi`).
    pub(crate) wasi: crate::wasi::StoreWasi,
    /// Finalizers of host functions' environments.
    pub(crate) finalizers: Vec<Finalizer>,
}

impl Drop for StoreData {
    fn drop(&mut self) {
        for f in self.finalizers.drain(..) {
            // SAFETY: the C caller gave `finalize` for `env`, to be called once when
            // the function is gone; it goes with the store, which is being dropped.
            unsafe { (f.finalize)(f.env) }
        }
    }
}

/// `wasm_store_t`.
pub struct wasm_store_t {
    pub(crate) engine: Engine,
    store: UnsafeCell<Store<StoreData>>,
    /// The innermost running C host function's caller, NULL when none runs.
    pub(crate) active: Cell<*mut Caller<'static, StoreData>>,
}

/// The store behind `ws`, through the running host function's caller if there is one.
///
/// # Safety
///
/// `ws` is a live store; the result is used only until control returns to C or to
/// ward (no two results of this function are used at once).
pub(crate) unsafe fn store_mut<'a>(ws: *const wasm_store_t) -> &'a mut Store<StoreData> {
    // SAFETY: `ws` is live (precondition).
    let ws = unsafe { &*ws };
    let caller = ws.active.get();
    if caller.is_null() {
        // SAFETY: no host function of this store runs, so ward holds no borrow of it;
        // the C API's own entries use one borrow at a time (precondition).
        unsafe { &mut *ws.store.get() }
    } else {
        // SAFETY: `caller` is the running host function's (see `ActiveCaller`),
        // alive until it returns, and only reached through this pointer meanwhile.
        unsafe { (*caller).as_context_mut() }
    }
}

/// Records a running C host function's caller in its store and in the thread, for
/// its duration.
pub(crate) struct ActiveCaller {
    ws: *const wasm_store_t,
    previous: *mut Caller<'static, StoreData>,
    previous_thread: *mut Caller<'static, StoreData>,
}

thread_local! {
    /// The innermost running C host function's caller on this thread
    /// (for `ward_ensure_native_stack`).
    pub(crate) static THREAD_CALLER: Cell<*mut Caller<'static, StoreData>> =
        const { Cell::new(ptr::null_mut()) };
}

impl ActiveCaller {
    /// # Safety
    ///
    /// `caller` outlives the returned value, which is dropped before the host function
    /// returns; `ws` is the caller's store.
    pub(crate) unsafe fn enter(
        ws: *const wasm_store_t,
        caller: *mut Caller<'_, StoreData>,
    ) -> ActiveCaller {
        // Only the lifetime changes: the pointer is used while the caller lives.
        let caller = caller.cast::<Caller<'static, StoreData>>();
        // SAFETY: `ws` is the caller's store, alive while it runs.
        let previous = unsafe { (*ws).active.replace(caller) };
        let previous_thread = THREAD_CALLER.with(|c| c.replace(caller));
        ActiveCaller {
            ws,
            previous,
            previous_thread,
        }
    }
}

impl Drop for ActiveCaller {
    fn drop(&mut self) {
        // SAFETY: as in `enter`.
        unsafe { (*self.ws).active.set(self.previous) };
        THREAD_CALLER.with(|c| c.set(self.previous_thread));
    }
}

/// Makes a configuration with ward's defaults.
#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(wasm_config_t {
                config: Config::new(),
            }))
        },
    )
}

/// Deletes a configuration.
///
/// # Safety
///
/// `config` is NULL or a configuration of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(config: *mut wasm_config_t) {
    if !config.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(config) });
    }
}

/// Makes an engine with the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(wasm_engine_t {
                engine: Engine::default(),
            }))
        },
    )
}

/// Makes an engine with `config`, which it takes ownership of.
///
/// # Safety
///
/// `config` is a configuration of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(
    config: *mut wasm_config_t,
) -> *mut wasm_engine_t {
    // SAFETY: by the precondition, ownership passes here.
    let config = unsafe { Box::from_raw(config) };
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(wasm_engine_t {
                engine: Engine::new(&config.config),
            }))
        },
    )
}

/// Deletes an engine. Stores and modules keep what they need of it.
///
/// # Safety
///
/// `engine` is NULL or an engine of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(engine: *mut wasm_engine_t) {
    if !engine.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(engine) });
    }
}

/// Makes a store.
///
/// # Safety
///
/// `engine` is a live engine.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    // SAFETY: by the precondition.
    let engine = unsafe { &(*engine).engine };
    catch(
        |_| ptr::null_mut(),
        || {
            let data = StoreData {
                owner: ptr::null(),
                wasi: crate::wasi::StoreWasi::default(),
                finalizers: Vec::new(),
            };
            let ws = Box::into_raw(Box::new(wasm_store_t {
                engine: engine.clone(),
                store: UnsafeCell::new(Store::new(engine, data)),
                active: Cell::new(ptr::null_mut()),
            }));
            // SAFETY: `ws` was just made and is not shared yet.
            unsafe { (*(*ws).store.get()).data_mut().owner = ws };
            ws
        },
    )
}

/// Deletes a store, with everything in it; the finalizers of its host functions'
/// environments run.
///
/// # Safety
///
/// `store` is NULL or a store of this library on which nothing runs, not used
/// afterwards (nor any object of it).
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    if !store.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        let store = unsafe { Box::from_raw(store) };
        catch(|_| (), || drop(store));
    }
}
