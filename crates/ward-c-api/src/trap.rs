//! `wasm_trap_t` and `wasm_frame_t`.
//!
//! Every failure an entry of `wasm.h` reports as a trap is one: a wasm trap keeps its
//! kind, message and backtrace; any other error (a link error, a resource limit)
//! becomes a host trap with the error's message.

use std::ptr;

use ward::{Error, FrameInfo, Trap};

use crate::object::{boxed, object_kind, ref_casts, Item};
use crate::store::wasm_store_t;
use crate::vec::{vec_api, wasm_byte_vec_t, CVec};

object_kind!(
    wasm_trap_t,
    Item::Trap(_),
    wasm_trap_delete,
    wasm_trap_copy,
    wasm_trap_same,
    wasm_trap_get_host_info,
    wasm_trap_set_host_info,
    wasm_trap_set_host_info_with_finalizer
);
ref_casts!(
    wasm_trap_t,
    wasm_trap_as_ref,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap,
    wasm_ref_as_trap_const
);

impl wasm_trap_t {
    pub(crate) fn trap(&self) -> &Trap {
        match &self.obj.item {
            Item::Trap(t) => t,
            _ => unreachable!("a wasm_trap_t holds a trap"),
        }
    }
}

/// A new trap object for `trap`.
pub(crate) fn new_trap(trap: Trap) -> *mut wasm_trap_t {
    boxed(ptr::null(), Item::Trap(trap))
}

/// A new trap object for `err`: its trap, or a host trap with its message.
pub(crate) fn error_trap(err: Error) -> *mut wasm_trap_t {
    match err {
        Error::Trap(trap) => new_trap(trap),
        other => new_trap(Trap::new(other.to_string())),
    }
}

/// `wasm_frame_t`: one frame of a trap's backtrace.
#[derive(Clone)]
pub struct wasm_frame_t {
    frame: FrameInfo,
}

vec_api!(
    wasm_frame_vec_t,
    Option<Box<wasm_frame_t>>,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);

/// Makes a trap with `message` (a `wasm_message_t`, whose terminating NUL, if any, is
/// not part of the message). The store is not needed.
///
/// # Safety
///
/// `message` is a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(
    _store: *mut wasm_store_t,
    message: *const wasm_byte_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: by the precondition.
    let text = crate::catch(|m| m, || unsafe { crate::vec::text(&*message) });
    crate::catch(|_| ptr::null_mut(), || new_trap(Trap::new(text)))
}

/// Writes the trap's message, NUL-terminated, to `out`.
///
/// # Safety
///
/// `trap` is a live trap; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: *const wasm_trap_t, out: *mut wasm_byte_vec_t) {
    // SAFETY: by the precondition.
    let trap = unsafe { &*trap };
    let message = crate::catch(
        |_| CVec::empty(),
        || crate::vec::message(trap.trap().message()),
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, message) }
}

/// The innermost wasm frame of the trap; NULL when it has none (a trap made by the
/// host outside any call).
///
/// # Safety
///
/// `trap` is a live trap.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: *const wasm_trap_t) -> *mut wasm_frame_t {
    // SAFETY: by the precondition.
    let trap = unsafe { &*trap };
    crate::catch(
        |_| ptr::null_mut(),
        || match trap.trap().backtrace().first() {
            Some(frame) => Box::into_raw(Box::new(wasm_frame_t {
                frame: frame.clone(),
            })),
            None => ptr::null_mut(),
        },
    )
}

/// Writes the trap's wasm frames, innermost first, to `out`. A deep stack keeps its
/// innermost and outermost frames only (`ward::BACKTRACE_INNER`, `BACKTRACE_OUTER`).
///
/// # Safety
///
/// `trap` is a live trap; `out` points to writable memory for a vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    // SAFETY: by the precondition.
    let trap = unsafe { &*trap };
    let frames = crate::catch(
        |_| CVec::empty(),
        || {
            CVec::from_vec(
                trap.trap()
                    .backtrace()
                    .iter()
                    .map(|frame| {
                        Some(Box::new(wasm_frame_t {
                            frame: frame.clone(),
                        }))
                    })
                    .collect(),
            )
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, frames) }
}

/// Deletes a frame.
///
/// # Safety
///
/// `frame` is NULL or a frame of this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(frame: *mut wasm_frame_t) {
    if !frame.is_null() {
        // SAFETY: by the precondition, ownership passes here.
        drop(unsafe { Box::from_raw(frame) });
    }
}

/// Copies a frame.
///
/// # Safety
///
/// `frame` is a live frame.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(frame: *const wasm_frame_t) -> *mut wasm_frame_t {
    // SAFETY: by the precondition.
    let frame = unsafe { &*frame };
    crate::catch(
        |_| ptr::null_mut(),
        || Box::into_raw(Box::new(frame.clone())),
    )
}

/// NULL: ward's frames do not record their instance.
#[no_mangle]
pub extern "C" fn wasm_frame_instance(
    _frame: *const wasm_frame_t,
) -> *mut crate::instance::wasm_instance_t {
    ptr::null_mut()
}

/// The frame's function index in its module.
///
/// # Safety
///
/// `frame` is a live frame.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(frame: *const wasm_frame_t) -> u32 {
    // SAFETY: by the precondition.
    unsafe { (*frame).frame.func_index }
}

/// 0: ward's frames record the offset in the module only.
#[no_mangle]
pub extern "C" fn wasm_frame_func_offset(_frame: *const wasm_frame_t) -> usize {
    0
}

/// The byte offset in the module of the instruction that was executing.
///
/// # Safety
///
/// `frame` is a live frame.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(frame: *const wasm_frame_t) -> usize {
    // SAFETY: by the precondition.
    unsafe { (*frame).frame.module_offset }
}
