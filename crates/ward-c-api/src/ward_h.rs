//! What `ward.h` adds to `wasm.h`: the tier, fuel, interruption, store limits, the
//! native stack guard, a linker (for WASI), and errors with messages.

use std::ffi::c_char;
use std::ptr;

use ward::native_stack;
use ward::{CompilationMode, InterruptHandle, Linker, StoreLimits, Strategy, Trap};

use crate::catch;
use crate::externals::wasm_extern_t;
use crate::instance::{instance_result, wasm_instance_t};
use crate::module::wasm_module_t;
use crate::store::{
    store_mut, wasm_config_t, wasm_engine_t, wasm_store_t, StoreData, THREAD_CALLER,
};
use crate::trap::{error_trap, new_trap, wasm_trap_t};
use crate::vec::{wasm_byte_vec_t, CVec};

/// `ward_error_t`: an error with a message.
pub struct ward_error_t {
    message: String,
}

/// A new error object with `message`.
pub(crate) fn error(message: String) -> *mut ward_error_t {
    Box::into_raw(Box::new(ward_error_t { message }))
}

/// Writes the error's message, without a terminating NUL, to `out`.
///
/// # Safety
///
/// `e` is a live error; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn ward_error_message(e: *const ward_error_t, out: *mut wasm_byte_vec_t) {
    // SAFETY: by the precondition.
    let message = catch(
        |_| CVec::empty(),
        || crate::vec::name(unsafe { &(*e).message }),
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, message) }
}

/// Deletes an error.
///
/// # Safety
///
/// `e` is NULL or an error of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ward_error_delete(e: *mut ward_error_t) {
    if !e.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(e) });
    }
}

/// The configuration behind `config`.
///
/// # Safety
///
/// `config` is a live configuration.
unsafe fn config_mut<'a>(config: *mut wasm_config_t) -> &'a mut ward::Config {
    // SAFETY: by the precondition.
    unsafe { &mut (*config).config }
}

/// The tiers of `ward_config_strategy`.
const WARD_STRATEGY_INTERPRETER: u8 = 0;
const WARD_STRATEGY_CRANELIFT: u8 = 1;
const WARD_STRATEGY_AUTO: u8 = 2;

fn strategy(s: u8) -> Option<Strategy> {
    match s {
        WARD_STRATEGY_INTERPRETER => Some(Strategy::Interpreter),
        WARD_STRATEGY_CRANELIFT => Some(Strategy::Cranelift),
        WARD_STRATEGY_AUTO => Some(Strategy::Auto),
        _ => None,
    }
}

/// Chooses the tier that runs functions; false for an unknown strategy.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_strategy(config: *mut wasm_config_t, s: u8) -> bool {
    match strategy(s) {
        Some(s) => {
            // SAFETY: by the precondition.
            unsafe { config_mut(config) }.strategy(s);
            true
        }
        None => false,
    }
}

/// Chooses the CPU compiled code is for (`"native"`, the default; `"baseline"`, which
/// runs on every CPU of the architecture; or a named CPU such as `"x86-64-v3"`), which
/// matters for artifacts (`wasm_module_serialize`) that other machines load; false
/// when `cpu` is not UTF-8. An unknown name fails when a module compiles.
///
/// # Safety
///
/// `config` is a live configuration; `cpu` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ward_config_target_cpu(
    config: *mut wasm_config_t,
    cpu: *const std::ffi::c_char,
) -> bool {
    // SAFETY: by the precondition.
    let Ok(cpu) = unsafe { std::ffi::CStr::from_ptr(cpu) }.to_str() else {
        return false;
    };
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.target_cpu(ward::TargetCpu::from_name(cpu));
    true
}

/// Turns the WebAssembly feature `name` on or off: the names of `ward run -W`
/// (`Config::WASM_FEATURES`). False, changing nothing, for another name or one that
/// is not UTF-8.
///
/// # Safety
///
/// `config` is a live configuration and `name` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ward_config_wasm_feature(
    config: *mut wasm_config_t,
    name: *const std::ffi::c_char,
    on: bool,
) -> bool {
    // SAFETY: by the precondition.
    let Ok(name) = unsafe { std::ffi::CStr::from_ptr(name) }.to_str() else {
        return false;
    };
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.wasm_feature(name, on)
}

/// Whether modules load under the strategy on this host and build.
#[no_mangle]
pub extern "C" fn ward_strategy_is_available(s: u8) -> bool {
    catch(
        |_| false,
        || strategy(s).is_some_and(Strategy::is_available),
    )
}

/// Validates and translates every function when its module loads, rather than each
/// one on its first call.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_eager_compilation(config: *mut wasm_config_t, eager: bool) {
    let mode = if eager {
        CompilationMode::Eager
    } else {
        CompilationMode::Lazy
    };
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.compilation(mode);
}

/// Makes execution consume fuel (`ward_store_set_fuel`).
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_consume_fuel(config: *mut wasm_config_t, on: bool) {
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.consume_fuel(on);
}

/// Makes calls interruptible from another thread (`ward_interrupt_handle_new`).
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_interruptible(config: *mut wasm_config_t, on: bool) {
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.interruptible(on);
}

/// Sets the size of the wasm stack, in bytes.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_wasm_stack_size(config: *mut wasm_config_t, bytes: usize) {
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.wasm_stack_size(bytes);
}

/// Sets the native stack guard: the bytes that must be free below the point where
/// ward calls a host function.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_native_stack_guard(config: *mut wasm_config_t, bytes: usize) {
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.native_stack_guard(bytes);
}

/// Caps the native stack an activation may use below its entry, in bytes; 0 for no
/// cap.
///
/// # Safety
///
/// `config` is a live configuration.
#[no_mangle]
pub unsafe extern "C" fn ward_config_max_native_stack(config: *mut wasm_config_t, bytes: usize) {
    // SAFETY: by the precondition.
    unsafe { config_mut(config) }.max_native_stack((bytes != 0).then_some(bytes));
}

/// Sets the store's fuel. Returns NULL, or the error (owned by the caller) when the
/// engine does not consume fuel.
///
/// # Safety
///
/// `store` is a live store.
#[no_mangle]
pub unsafe extern "C" fn ward_store_set_fuel(
    store: *mut wasm_store_t,
    fuel: u64,
) -> *mut ward_error_t {
    catch(error, || {
        // SAFETY: by the precondition; the borrow ends here.
        match unsafe { store_mut(store) }.set_fuel(fuel) {
            Ok(()) => ptr::null_mut(),
            Err(e) => error(e.to_string()),
        }
    })
}

/// Stores the fuel left in `*fuel`. Returns NULL, or the error (owned by the caller)
/// when the engine does not consume fuel.
///
/// # Safety
///
/// `store` is a live store; `fuel` points to writable memory.
#[no_mangle]
pub unsafe extern "C" fn ward_store_get_fuel(
    store: *mut wasm_store_t,
    fuel: *mut u64,
) -> *mut ward_error_t {
    catch(error, || {
        // SAFETY: by the precondition; the borrow ends here.
        match unsafe { store_mut(store) }.get_fuel() {
            Ok(f) => {
                // SAFETY: by the precondition.
                unsafe { *fuel = f };
                ptr::null_mut()
            }
            Err(e) => error(e.to_string()),
        }
    })
}

/// Limits the store's resources; a negative value leaves that resource unlimited.
///
/// # Safety
///
/// `store` is a live store.
#[no_mangle]
pub unsafe extern "C" fn ward_store_limit(
    store: *mut wasm_store_t,
    memory_size: i64,
    table_elements: i64,
    instances: i64,
    tables: i64,
    memories: i64,
) {
    fn limit<T: TryFrom<i64> + Copy>(v: i64, unlimited: T) -> T {
        if v < 0 {
            unlimited
        } else {
            T::try_from(v).unwrap_or(unlimited)
        }
    }
    catch(
        |_| (),
        || {
            let limits = StoreLimits {
                memory_size: limit(memory_size, usize::MAX),
                table_elements: limit(table_elements, u32::MAX),
                instances: limit(instances, usize::MAX),
                tables: limit(tables, usize::MAX),
                memories: limit(memories, usize::MAX),
            };
            // SAFETY: by the precondition; the borrow ends here.
            unsafe { store_mut(store) }.set_limits(limits);
        },
    );
}

/// `ward_interrupt_handle_t`: stops a store's running call from any thread.
pub struct ward_interrupt_handle_t {
    handle: InterruptHandle,
}

/// A handle that interrupts the store's calls; NULL when the engine is not
/// interruptible. The handle may be used, and deleted, on any thread.
///
/// # Safety
///
/// `store` is a live store.
#[no_mangle]
pub unsafe extern "C" fn ward_interrupt_handle_new(
    store: *mut wasm_store_t,
) -> *mut ward_interrupt_handle_t {
    catch(
        |_| ptr::null_mut(),
        // SAFETY: by the precondition; the borrow ends here.
        || match unsafe { store_mut(store) }.interrupt_handle() {
            Ok(handle) => Box::into_raw(Box::new(ward_interrupt_handle_t { handle })),
            Err(_) => ptr::null_mut(),
        },
    )
}

/// Interrupts the store's running call (or its next one): it traps with
/// "interrupted".
///
/// # Safety
///
/// `handle` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn ward_interrupt_handle_interrupt(handle: *const ward_interrupt_handle_t) {
    // SAFETY: by the precondition.
    let handle = unsafe { &(*handle).handle };
    catch(|_| (), || handle.interrupt());
}

/// Deletes an interrupt handle.
///
/// # Safety
///
/// `handle` is NULL or a handle of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ward_interrupt_handle_delete(handle: *mut ward_interrupt_handle_t) {
    if !handle.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(handle) });
    }
}

/// Checks that `bytes` of native stack are free below the current stack pointer,
/// from a C host function about to do deep work. Returns NULL when they are, or a
/// "native stack overflow" trap for the host function to return. Outside a host
/// function called by ward it returns NULL: no guard applies there.
#[no_mangle]
pub extern "C" fn ward_ensure_native_stack(bytes: usize) -> *mut wasm_trap_t {
    let caller = THREAD_CALLER.with(|c| c.get());
    if caller.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: the thread's innermost running C host function's caller, alive until
    // that function returns, which has not happened: this call runs inside it.
    match unsafe { (*caller).ensure_native_stack(bytes) } {
        Ok(()) => ptr::null_mut(),
        Err(trap) => new_trap(trap),
    }
}

/// `ward_stack_figures_t`: ward's native stack reserves for this build, in bytes.
#[repr(C)]
pub struct ward_stack_figures_t {
    /// The default native stack guard.
    pub default_native_stack_guard: usize,
    /// What an entry into wasm checks is free.
    pub entry: usize,
    /// What lazy translation of a function checks is free.
    pub translation: usize,
    /// What instantiation checks is free.
    pub instantiation: usize,
    /// What compiled frames leave free above the stack's end for the runtime.
    pub compiled_call: usize,
    /// What a program whose symbols are bound lazily should add to the guard.
    pub lazy_binding_allowance: usize,
}

/// Writes ward's stack reserves for this build to `out`.
///
/// # Safety
///
/// `out` points to writable memory for the figures.
#[no_mangle]
pub unsafe extern "C" fn ward_stack_figures(out: *mut ward_stack_figures_t) {
    let figures = ward_stack_figures_t {
        default_native_stack_guard: native_stack::DEFAULT_NATIVE_STACK_GUARD,
        entry: native_stack::entry_need(),
        translation: native_stack::TRANSLATION_STACK,
        instantiation: native_stack::INSTANTIATION_STACK,
        compiled_call: native_stack::COMPILED_CALL_STACK,
        lazy_binding_allowance: native_stack::LAZY_BINDING_ALLOWANCE,
    };
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, figures) }
}

/// Stores the current thread's native stack bounds (`*low` < `*high`) as ward sees
/// them; false when the OS cannot say.
///
/// # Safety
///
/// `low` and `high` point to writable memory.
#[no_mangle]
pub unsafe extern "C" fn ward_thread_stack(low: *mut usize, high: *mut usize) -> bool {
    match catch(|_| None, native_stack::thread_stack) {
        Some(stack) => {
            // SAFETY: by the precondition.
            unsafe { (*low, *high) = (stack.low, stack.high) };
            true
        }
        None => false,
    }
}

/// 1 when the program's symbols were bound at load time, 0 when they are bound
/// lazily (which costs a caller's stack more; see the lazy-binding allowance), -1
/// when the platform cannot say.
#[no_mangle]
pub extern "C" fn ward_symbols_bound_at_load() -> i32 {
    match native_stack::symbols_bound_at_load() {
        Some(true) => 1,
        Some(false) => 0,
        None => -1,
    }
}

/// `ward_linker_t`: imports by name, and WASI.
pub struct ward_linker_t {
    linker: Linker<StoreData>,
}

/// Makes a linker for the engine's modules.
///
/// # Safety
///
/// `engine` is a live engine.
#[no_mangle]
pub unsafe extern "C" fn ward_linker_new(engine: *const wasm_engine_t) -> *mut ward_linker_t {
    // SAFETY: by the precondition.
    let engine = unsafe { &(*engine).engine };
    catch(
        |_| ptr::null_mut(),
        || {
            Box::into_raw(Box::new(ward_linker_t {
                linker: Linker::new(engine),
            }))
        },
    )
}

/// Deletes a linker.
///
/// # Safety
///
/// `linker` is NULL or a linker of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ward_linker_delete(linker: *mut ward_linker_t) {
    if !linker.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(linker) });
    }
}

/// Defines `module::name` as `item`. Returns NULL, or the error (owned by the
/// caller) when the name is defined already.
///
/// # Safety
///
/// `linker` is a live linker; `module` and `name` NUL-terminated strings; `item` a
/// live extern. Instances made with the linker belong to the extern's store.
#[no_mangle]
pub unsafe extern "C" fn ward_linker_define(
    linker: *mut ward_linker_t,
    module: *const c_char,
    name: *const c_char,
    item: *const wasm_extern_t,
) -> *mut ward_error_t {
    // SAFETY: by the precondition.
    let (linker, module, name, item) = unsafe {
        (
            &mut (*linker).linker,
            std::ffi::CStr::from_ptr(module).to_string_lossy(),
            std::ffi::CStr::from_ptr(name).to_string_lossy(),
            (*item).to_ward(),
        )
    };
    catch(error, || match linker.define(&module, &name, item) {
        Ok(_) => ptr::null_mut(),
        Err(e) => error(e.to_string()),
    })
}

/// Defines the WASI preview 1 functions; they use the WASI context of the store
/// they run in (`ward_store_set_wasi`). Returns NULL, or the error (owned by the
/// caller).
///
/// # Safety
///
/// `linker` is a live linker.
#[no_mangle]
pub unsafe extern "C" fn ward_linker_define_wasi(linker: *mut ward_linker_t) -> *mut ward_error_t {
    // SAFETY: by the precondition.
    let linker = unsafe { &mut (*linker).linker };
    catch(error, || {
        match ward_wasi::add_to_linker(linker, |data: &mut StoreData| &mut data.wasi.ctx) {
            Ok(()) => ptr::null_mut(),
            Err(e) => error(e.to_string()),
        }
    })
}

/// Instantiates `module` in `store` with the linker's definitions, as
/// `wasm_instance_new` does with a list of imports.
///
/// # Safety
///
/// `linker` is a live linker; `store` a live store; `module` a live module; `trap`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ward_linker_instantiate(
    linker: *const ward_linker_t,
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    // SAFETY: by the precondition.
    let (linker, module) = unsafe { (&(*linker).linker, (*module).module()) };
    let result = catch(
        |message| Err(new_trap(Trap::new(message))),
        // SAFETY: by the precondition; the borrow ends here.
        || {
            linker
                .instantiate(unsafe { store_mut(store) }, module)
                .map_err(error_trap)
        },
    );
    // SAFETY: by the precondition.
    unsafe { instance_result(store, result, trap) }
}

/// The instance's export called `name`, as a new extern; NULL when there is none.
///
/// # Safety
///
/// `instance` is a live instance whose store is live; `name` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ward_instance_export(
    instance: *const wasm_instance_t,
    name: *const c_char,
) -> *mut wasm_extern_t {
    // SAFETY: by the precondition.
    let (instance, name) =
        unsafe { (&*instance, std::ffi::CStr::from_ptr(name).to_string_lossy()) };
    let ws = instance.obj.store;
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition; the borrow ends here.
            match instance
                .instance()
                .get_export(unsafe { store_mut(ws) }, &name)
            {
                Some(e) => Box::into_raw(Box::new(wasm_extern_t::new(ws, e))),
                None => ptr::null_mut(),
            }
        },
    )
}

/// Why the trap happened: `WARD_TRAP_*`, numbered as `ward.h` numbers them.
///
/// # Safety
///
/// `trap` is a live trap.
#[no_mangle]
pub unsafe extern "C" fn ward_trap_kind(trap: *const wasm_trap_t) -> u8 {
    use ward::TrapKind::*;
    // SAFETY: by the precondition.
    match unsafe { (*trap).trap() }.kind() {
        Unreachable => 0,
        IntegerDivisionByZero => 1,
        IntegerOverflow => 2,
        BadConversionToInteger => 3,
        MemoryOutOfBounds => 4,
        TableOutOfBounds => 5,
        UndefinedElement => 6,
        UninitializedElement => 7,
        IndirectCallTypeMismatch => 8,
        StackOverflow => 9,
        NativeStackOverflow => 10,
        OutOfFuel => 11,
        Interrupted => 12,
        Host => 13,
        NullReference => 14,
        NullFunctionReference => 15,
        Exception => 16,
    }
}
