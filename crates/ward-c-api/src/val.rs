//! `wasm_val_t`: a value and, for a reference, the reference object it owns.

use std::ptr;

use ward::{HeapType, Val, ValType};

use crate::object::{boxed, wasm_ref_t, Item, Object};
use crate::store::wasm_store_t;
use crate::types::{from_valkind, valkind};
use crate::vec::{vec_api, Blank};

/// The payload of a `wasm_val_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    /// `WASM_I32`.
    pub i32: i32,
    /// `WASM_I64`.
    pub i64: i64,
    /// `WASM_F32`.
    pub f32: f32,
    /// `WASM_F64`.
    pub f64: f64,
    /// `WASM_EXTERNREF`, `WASM_FUNCREF`: NULL or a reference the value owns.
    pub ref_: *mut wasm_ref_t,
}

/// `wasm_val_t`.
#[repr(C)]
pub struct wasm_val_t {
    /// The `wasm_valkind_t`.
    pub kind: u8,
    /// The value.
    pub of: wasm_val_union,
}

// The layout C expects: a one-byte kind, then the 8-byte payload at offset 8.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(std::mem::size_of::<wasm_val_t>() == 16);
    assert!(std::mem::offset_of!(wasm_val_t, of) == 8);
};

impl wasm_val_t {
    fn is_ref(&self) -> bool {
        matches!(from_valkind(self.kind), Some(ty) if ty.is_ref())
    }

    /// The value of `val` as C sees it; references become new objects of `store`.
    ///
    /// # Errors
    ///
    /// For a `v128`, which `wasm_val_t` cannot hold.
    pub(crate) fn from_ward(store: *const wasm_store_t, val: &Val) -> Result<wasm_val_t, String> {
        let kind = valkind(val.ty());
        let of = match *val {
            Val::I32(i) => wasm_val_union { i32: i },
            Val::I64(i) => wasm_val_union { i64: i },
            Val::F32(bits) => wasm_val_union {
                f32: f32::from_bits(bits),
            },
            Val::F64(bits) => wasm_val_union {
                f64: f64::from_bits(bits),
            },
            Val::V128(_) => return Err("v128 values cannot pass through the C API".into()),
            Val::ExnRef(_) => return Err("exnref values cannot pass through the C API".into()),
            Val::FuncRef(f) => wasm_val_union {
                ref_: f.map_or(ptr::null_mut(), |f| boxed(store, Item::Func(f))),
            },
            Val::ExternRef(r) => wasm_val_union {
                ref_: r.map_or(ptr::null_mut(), |r| boxed(store, Item::ExternRef(r))),
            },
        };
        Ok(wasm_val_t { kind, of })
    }

    /// The value as ward's, borrowing a reference.
    ///
    /// # Safety
    ///
    /// A reference value's pointer is NULL or a live object of this library.
    ///
    /// # Errors
    ///
    /// For an unknown kind, a `v128`, or a reference of the wrong kind.
    pub(crate) unsafe fn to_ward(&self) -> Result<Val, String> {
        let ty =
            from_valkind(self.kind).ok_or_else(|| format!("unknown value kind {}", self.kind))?;
        // SAFETY: the kind says which field is set (the C caller's part of the
        // contract), and a reference's pointer is valid (precondition).
        unsafe {
            Ok(match ty {
                ValType::I32 => Val::I32(self.of.i32),
                ValType::I64 => Val::I64(self.of.i64),
                ValType::F32 => Val::F32(self.of.f32.to_bits()),
                ValType::F64 => Val::F64(self.of.f64.to_bits()),
                ValType::V128 => return Err("v128 values cannot pass through the C API".into()),
                ValType::Ref(r) if r.heap() != HeapType::Extern => {
                    match self.of.ref_.cast::<Object>().as_ref() {
                        None => Val::FuncRef(None),
                        Some(Object {
                            item: Item::Func(f),
                            ..
                        }) => Val::FuncRef(Some(*f)),
                        Some(_) => {
                            return Err("a funcref value holds another kind of reference".into())
                        }
                    }
                }
                ValType::Ref(_) => match self.of.ref_.cast::<Object>().as_ref() {
                    None => Val::ExternRef(None),
                    Some(Object {
                        item: Item::ExternRef(r),
                        ..
                    }) => Val::ExternRef(Some(*r)),
                    Some(_) => {
                        return Err("an externref value holds another kind of reference".into())
                    }
                },
            })
        }
    }
}

impl Clone for wasm_val_t {
    fn clone(&self) -> wasm_val_t {
        let mut of = self.of;
        if self.is_ref() {
            // SAFETY: a reference value's pointer is NULL or one of our objects.
            if let Some(obj) = unsafe { self.of.ref_.cast::<Object>().as_ref() } {
                of.ref_ = Box::into_raw(Box::new(obj.clone())).cast();
            }
        }
        wasm_val_t {
            kind: self.kind,
            of,
        }
    }
}

impl Drop for wasm_val_t {
    fn drop(&mut self) {
        if self.is_ref() {
            // SAFETY: a reference value owns its object, NULL or one of ours.
            let r = unsafe { self.of.ref_ };
            if !r.is_null() {
                // SAFETY: as above; the value gives it up here.
                drop(unsafe { Box::from_raw(r) });
            }
        }
    }
}

impl Blank for wasm_val_t {
    fn blank() -> wasm_val_t {
        wasm_val_t {
            kind: 0,
            of: wasm_val_union { i64: 0 },
        }
    }
}

vec_api!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);

/// Deletes the reference the value owns, if any, and leaves it an `i32` zero.
///
/// # Safety
///
/// `v` points to a value whose reference, if any, is NULL or owned by it.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    if !v.is_null() {
        // SAFETY: by the precondition; the old value is dropped once.
        let old = unsafe { ptr::replace(v, wasm_val_t::blank()) };
        crate::catch(|_| (), || drop(old));
    }
}

/// Copies a value, copying its reference.
///
/// # Safety
///
/// `out` points to writable memory for a value; `v` to a valid value.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, v: *const wasm_val_t) {
    // SAFETY: by the precondition.
    let copy = crate::catch(|_| wasm_val_t::blank(), || unsafe { (*v).clone() });
    // SAFETY: by the precondition; whatever `out` held is not dropped.
    unsafe { ptr::write(out, copy) }
}
