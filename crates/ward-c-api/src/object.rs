//! The reference objects of `wasm.h`: references, functions, globals, tables,
//! memories, externs, instances, modules, traps and foreign objects.
//!
//! All are one [`Object`] under different C names, so that the standard's casts
//! (`wasm_func_as_extern`, `wasm_ref_as_func`, ...) are pointer casts that keep
//! ownership where it was. A cast *to* a narrower kind checks the object's [`Item`]
//! and gives NULL when it is something else.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;

use ward::{ExternRef, Func, Global, Instance, Memory, Module, Table, Tag, Trap};

use crate::store::wasm_store_t;

/// What an object is.
#[derive(Clone)]
pub(crate) enum Item {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Tag(Tag),
    /// A host reference: a foreign object, or an `externref` value.
    ExternRef(ExternRef),
    Instance(Instance),
    Module(Module),
    Trap(Trap),
}

/// The host info of `wasm_xxx_set_host_info_with_finalizer`.
#[derive(Clone, Copy)]
pub(crate) struct HostInfo {
    info: *mut c_void,
    finalize: Option<unsafe extern "C" fn(*mut c_void)>,
}

/// One object of the C API.
pub struct Object {
    /// The store the item belongs to; NULL for modules and for traps made without one.
    pub(crate) store: *const wasm_store_t,
    pub(crate) item: Item,
    /// Host info belongs to this object: a copy starts without.
    host_info: Cell<HostInfo>,
}

impl Object {
    pub(crate) fn new(store: *const wasm_store_t, item: Item) -> Object {
        Object {
            store,
            item,
            host_info: Cell::new(HostInfo {
                info: ptr::null_mut(),
                finalize: None,
            }),
        }
    }

    pub(crate) fn host_info(&self) -> *mut c_void {
        self.host_info.get().info
    }

    /// Replaces the host info, finalizing the one it replaces.
    pub(crate) fn set_host_info(
        &self,
        info: *mut c_void,
        finalize: Option<unsafe extern "C" fn(*mut c_void)>,
    ) {
        let old = self.host_info.replace(HostInfo { info, finalize });
        finalize_host_info(old);
    }
}

fn finalize_host_info(info: HostInfo) {
    if let Some(finalize) = info.finalize {
        // SAFETY: the C caller gave `finalize` for `info`, to run once when the object
        // lets the info go.
        unsafe { finalize(info.info) }
    }
}

impl Clone for Object {
    fn clone(&self) -> Object {
        Object::new(self.store, self.item.clone())
    }
}

impl Drop for Object {
    fn drop(&mut self) {
        finalize_host_info(self.host_info.get());
    }
}

/// Boxes an object as the C type `T`, a `#[repr(transparent)]` wrapper of [`Object`].
pub(crate) fn boxed<T: ObjectKind>(store: *const wasm_store_t, item: Item) -> *mut T {
    Box::into_raw(Box::new(Object::new(store, item))).cast::<T>()
}

/// A C name of [`Object`]: `#[repr(transparent)]` over it, and which items it may hold.
pub(crate) trait ObjectKind {
    fn holds(item: &Item) -> bool;
}

/// Declares the C type `$ty` for objects whose item matches `$pat`, and the standard's
/// reference functions for it (`_delete`, `_copy`, `_same`, host info, and the casts
/// to and from `wasm_ref_t` unless `$name` is `ref`).
macro_rules! object_kind {
    ($ty:ident, $pat:pat, $delete:ident, $copy:ident, $same:ident, $get_info:ident,
     $set_info:ident, $set_info_fin:ident) => {
        #[doc = concat!("`", stringify!($ty), "`.")]
        #[repr(transparent)]
        pub struct $ty {
            pub(crate) obj: $crate::object::Object,
        }

        impl $crate::object::ObjectKind for $ty {
            fn holds(item: &$crate::object::Item) -> bool {
                matches!(item, $pat)
            }
        }

        /// Deletes the object (not the entity it refers to, which its store owns).
        ///
        /// # Safety
        ///
        /// `p` is NULL or an object of this library, not used afterwards.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(p: *mut $ty) {
            if !p.is_null() {
                // SAFETY: by the precondition, ownership passes here.
                let b = unsafe { Box::from_raw(p) };
                $crate::catch(|_| (), || drop(b));
            }
        }

        /// Makes a new object referring to the same entity, without host info.
        ///
        /// # Safety
        ///
        /// `p` is a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(p: *const $ty) -> *mut $ty {
            // SAFETY: by the precondition.
            let obj = unsafe { &(*p).obj };
            $crate::catch(
                |_| std::ptr::null_mut(),
                || Box::into_raw(Box::new($ty { obj: obj.clone() })),
            )
        }

        /// Whether two objects refer to the same entity (for modules and traps:
        /// whether they are the same object).
        ///
        /// # Safety
        ///
        /// `a` and `b` are live objects of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $same(a: *const $ty, b: *const $ty) -> bool {
            // SAFETY: by the precondition.
            unsafe { $crate::object::same(&(*a).obj, &(*b).obj) }
        }

        /// The object's host info.
        ///
        /// # Safety
        ///
        /// `p` is a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $get_info(p: *const $ty) -> *mut std::ffi::c_void {
            // SAFETY: by the precondition.
            unsafe { (*p).obj.host_info() }
        }

        /// Sets the object's host info (finalizing the previous one).
        ///
        /// # Safety
        ///
        /// `p` is a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $set_info(p: *mut $ty, info: *mut std::ffi::c_void) {
            // SAFETY: by the precondition.
            unsafe { (*p).obj.set_host_info(info, None) }
        }

        /// Sets the object's host info, with a finalizer called when the object is
        /// deleted or the info replaced.
        ///
        /// # Safety
        ///
        /// `p` is a live object of this library; `finalize` is NULL or safe to call
        /// once with `info`.
        #[no_mangle]
        pub unsafe extern "C" fn $set_info_fin(
            p: *mut $ty,
            info: *mut std::ffi::c_void,
            finalize: Option<unsafe extern "C" fn(*mut std::ffi::c_void)>,
        ) {
            // SAFETY: by the precondition.
            unsafe { (*p).obj.set_host_info(info, finalize) }
        }
    };
}

/// The casts of a reference kind to and from `wasm_ref_t`.
macro_rules! ref_casts {
    ($ty:ident, $as_ref:ident, $as_ref_const:ident, $from_ref:ident, $from_ref_const:ident) => {
        /// The object as a reference (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ref(p: *mut $ty) -> *mut $crate::object::wasm_ref_t {
            p.cast()
        }

        /// The object as a reference (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ref_const(p: *const $ty) -> *const $crate::object::wasm_ref_t {
            p.cast()
        }

        /// The reference as this kind of object, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `r` is NULL or a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ref(r: *mut $crate::object::wasm_ref_t) -> *mut $ty {
            // SAFETY: by the precondition.
            unsafe { $crate::object::narrow::<$ty>(r.cast_const().cast()).cast_mut() }
        }

        /// The reference as this kind of object, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `r` is NULL or a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ref_const(
            r: *const $crate::object::wasm_ref_t,
        ) -> *const $ty {
            // SAFETY: by the precondition.
            unsafe { $crate::object::narrow::<$ty>(r.cast()) }
        }
    };
}

pub(crate) use {object_kind, ref_casts};

/// `p` as a `T`, or NULL when its item is not one `T` holds.
///
/// # Safety
///
/// `p` is NULL or a live object of this library.
pub(crate) unsafe fn narrow<T: ObjectKind>(p: *const Object) -> *const T {
    // SAFETY: by the precondition.
    match unsafe { p.as_ref() } {
        Some(obj) if T::holds(&obj.item) => p.cast(),
        _ => ptr::null(),
    }
}

/// See the `_same` functions.
pub(crate) fn same(a: &Object, b: &Object) -> bool {
    match (&a.item, &b.item) {
        (Item::Func(x), Item::Func(y)) => x == y,
        (Item::Global(x), Item::Global(y)) => x == y,
        (Item::Table(x), Item::Table(y)) => x == y,
        (Item::Memory(x), Item::Memory(y)) => x == y,
        (Item::ExternRef(x), Item::ExternRef(y)) => x == y,
        (Item::Instance(x), Item::Instance(y)) => x == y,
        // Modules and traps have no identity beyond the object.
        _ => ptr::eq(a, b),
    }
}

object_kind!(
    wasm_ref_t,
    _,
    wasm_ref_delete,
    wasm_ref_copy,
    wasm_ref_same,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);

object_kind!(
    wasm_foreign_t,
    Item::ExternRef(_),
    wasm_foreign_delete,
    wasm_foreign_copy,
    wasm_foreign_same,
    wasm_foreign_get_host_info,
    wasm_foreign_set_host_info,
    wasm_foreign_set_host_info_with_finalizer
);
ref_casts!(
    wasm_foreign_t,
    wasm_foreign_as_ref,
    wasm_foreign_as_ref_const,
    wasm_ref_as_foreign,
    wasm_ref_as_foreign_const
);

/// The host value behind a foreign object: nothing but its identity.
struct Foreign;

/// Makes a foreign object: a host reference wasm can hold as an `externref`.
///
/// # Safety
///
/// `store` is a live store.
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    crate::catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition; the borrow ends here.
            let r = ExternRef::new(unsafe { crate::store::store_mut(store) }, Foreign);
            boxed(store, Item::ExternRef(r))
        },
    )
}
