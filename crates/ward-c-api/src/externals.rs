//! Functions, globals, tables and memories as objects, the externs they are, and the
//! entries of globals, tables and memories. (Calling and making functions is in
//! `func.rs`.)

use std::ptr;

use ward::{Extern, ExternType, Global, Memory, Table, Val, ValType};

use crate::catch;
use crate::object::{boxed, object_kind, ref_casts, wasm_ref_t, Item, Object};
use crate::store::{store_mut, wasm_store_t};
use crate::types::{wasm_externtype_t, wasm_globaltype_t, wasm_memorytype_t, wasm_tabletype_t};
use crate::val::wasm_val_t;
use crate::vec::vec_api;

object_kind!(
    wasm_func_t,
    Item::Func(_),
    wasm_func_delete,
    wasm_func_copy,
    wasm_func_same,
    wasm_func_get_host_info,
    wasm_func_set_host_info,
    wasm_func_set_host_info_with_finalizer
);
ref_casts!(
    wasm_func_t,
    wasm_func_as_ref,
    wasm_func_as_ref_const,
    wasm_ref_as_func,
    wasm_ref_as_func_const
);
object_kind!(
    wasm_global_t,
    Item::Global(_),
    wasm_global_delete,
    wasm_global_copy,
    wasm_global_same,
    wasm_global_get_host_info,
    wasm_global_set_host_info,
    wasm_global_set_host_info_with_finalizer
);
ref_casts!(
    wasm_global_t,
    wasm_global_as_ref,
    wasm_global_as_ref_const,
    wasm_ref_as_global,
    wasm_ref_as_global_const
);
object_kind!(
    wasm_table_t,
    Item::Table(_),
    wasm_table_delete,
    wasm_table_copy,
    wasm_table_same,
    wasm_table_get_host_info,
    wasm_table_set_host_info,
    wasm_table_set_host_info_with_finalizer
);
ref_casts!(
    wasm_table_t,
    wasm_table_as_ref,
    wasm_table_as_ref_const,
    wasm_ref_as_table,
    wasm_ref_as_table_const
);
object_kind!(
    wasm_memory_t,
    Item::Memory(_),
    wasm_memory_delete,
    wasm_memory_copy,
    wasm_memory_same,
    wasm_memory_get_host_info,
    wasm_memory_set_host_info,
    wasm_memory_set_host_info_with_finalizer
);
ref_casts!(
    wasm_memory_t,
    wasm_memory_as_ref,
    wasm_memory_as_ref_const,
    wasm_ref_as_memory,
    wasm_ref_as_memory_const
);
object_kind!(
    wasm_extern_t,
    Item::Func(_) | Item::Global(_) | Item::Table(_) | Item::Memory(_),
    wasm_extern_delete,
    wasm_extern_copy,
    wasm_extern_same,
    wasm_extern_get_host_info,
    wasm_extern_set_host_info,
    wasm_extern_set_host_info_with_finalizer
);
ref_casts!(
    wasm_extern_t,
    wasm_extern_as_ref,
    wasm_extern_as_ref_const,
    wasm_ref_as_extern,
    wasm_ref_as_extern_const
);

vec_api!(
    wasm_extern_vec_t,
    Option<Box<wasm_extern_t>>,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

impl Clone for wasm_extern_t {
    fn clone(&self) -> wasm_extern_t {
        wasm_extern_t {
            obj: self.obj.clone(),
        }
    }
}

impl wasm_extern_t {
    /// The extern as ward's.
    pub(crate) fn to_ward(&self) -> Extern {
        match self.obj.item {
            Item::Func(f) => Extern::Func(f),
            Item::Global(g) => Extern::Global(g),
            Item::Table(t) => Extern::Table(t),
            Item::Memory(m) => Extern::Memory(m),
            Item::Tag(t) => Extern::Tag(t),
            _ => unreachable!("a wasm_extern_t holds an extern"),
        }
    }

    pub(crate) fn new(store: *const wasm_store_t, ext: Extern) -> wasm_extern_t {
        let item = match ext {
            Extern::Func(f) => Item::Func(f),
            Extern::Global(g) => Item::Global(g),
            Extern::Table(t) => Item::Table(t),
            Extern::Memory(m) => Item::Memory(m),
            Extern::Tag(t) => Item::Tag(t),
        };
        wasm_extern_t {
            obj: Object::new(store, item),
        }
    }
}

/// The casts between an extern kind and `wasm_extern_t`.
macro_rules! extern_casts {
    ($ty:ident, $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        /// The object as an extern (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ext(p: *mut $ty) -> *mut wasm_extern_t {
            p.cast()
        }

        /// The object as an extern (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ext_const(p: *const $ty) -> *const wasm_extern_t {
            p.cast()
        }

        /// The extern as this kind, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `e` is NULL or a live extern.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(e: *mut wasm_extern_t) -> *mut $ty {
            // SAFETY: by the precondition.
            unsafe { crate::object::narrow::<$ty>(e.cast_const().cast()).cast_mut() }
        }

        /// The extern as this kind, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `e` is NULL or a live extern.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(e: *const wasm_extern_t) -> *const $ty {
            // SAFETY: by the precondition.
            unsafe { crate::object::narrow::<$ty>(e.cast()) }
        }
    };
}

extern_casts!(
    wasm_func_t,
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_casts!(
    wasm_global_t,
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_casts!(
    wasm_table_t,
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_casts!(
    wasm_memory_t,
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

/// The extern's kind (`WASM_EXTERN_FUNC`, ...).
///
/// # Safety
///
/// `e` is a live extern.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> u8 {
    // SAFETY: by the precondition.
    match unsafe { &(*e).obj.item } {
        Item::Func(_) => 0,
        Item::Global(_) => 1,
        Item::Table(_) => 2,
        Item::Tag(_) => 4,
        _ => 3,
    }
}

/// The extern's type; a table's or memory's minimum is its current size.
///
/// # Safety
///
/// `e` is a live extern whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    // SAFETY: by the precondition.
    let e = unsafe { &*e };
    catch(
        |_| ptr::null_mut(),
        // SAFETY: the extern's store is live (precondition).
        || wasm_externtype_t::boxed(&e.to_ward().ty(unsafe { store_mut(e.obj.store) })),
    )
}

/// The item of a global, table or memory object.
macro_rules! item {
    ($p:expr, $variant:ident) => {
        match &$p.obj.item {
            Item::$variant(x) => *x,
            _ => unreachable!("the object's C type says what it holds"),
        }
    };
}

/// Makes a global of `ty` with the value `val`; NULL when the value does not fit
/// the type.
///
/// # Safety
///
/// `store` is a live store, `ty` a live global type, `val` a valid value.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let (ty, val) = unsafe { (&*ty, (*val).to_ward()) };
            let Some(ExternType::Global(ty)) = ty.ext.to_ward() else {
                return ptr::null_mut();
            };
            let Ok(val) = val else {
                return ptr::null_mut();
            };
            // SAFETY: by the precondition.
            match Global::new(unsafe { store_mut(store) }, ty, val) {
                Ok(g) => boxed(store, Item::Global(g)),
                Err(_) => ptr::null_mut(),
            }
        },
    )
}

/// The global's type.
///
/// # Safety
///
/// `g` is a live global whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    // SAFETY: by the precondition.
    let g = unsafe { &*g };
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let ty = item!(g, Global).ty(unsafe { store_mut(g.obj.store) });
            wasm_externtype_t::boxed(&ExternType::Global(ty)).cast()
        },
    )
}

/// Writes the global's value to `out` (a reference as a new object `out` owns; a
/// `v128` global reads as an `i32` zero).
///
/// # Safety
///
/// `g` is a live global whose store is live; `out` points to writable memory for a
/// value.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    // SAFETY: by the precondition.
    let g = unsafe { &*g };
    let val = catch(
        |_| crate::vec::Blank::blank(),
        || {
            // SAFETY: by the precondition.
            let v = item!(g, Global).get(unsafe { store_mut(g.obj.store) });
            wasm_val_t::from_ward(g.obj.store, &v).unwrap_or_else(|_| crate::vec::Blank::blank())
        },
    );
    // SAFETY: by the precondition.
    unsafe { ptr::write(out, val) }
}

/// Sets the global's value; nothing happens when the global is immutable or the
/// value of another type.
///
/// # Safety
///
/// `g` is a live global whose store is live; `val` a valid value.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    // SAFETY: by the precondition.
    let g = unsafe { &*g };
    catch(
        |_| (),
        || {
            // SAFETY: by the precondition.
            if let Ok(v) = unsafe { (*val).to_ward() } {
                // SAFETY: by the precondition.
                let _ = item!(g, Global).set(unsafe { store_mut(g.obj.store) }, v);
            }
        },
    )
}

/// The value of reference `r` (NULL for null) for an element of type `ty`.
///
/// # Safety
///
/// `r` is NULL or a live reference.
unsafe fn ref_val(ty: ValType, r: *const wasm_ref_t) -> Option<Val> {
    // SAFETY: by the precondition.
    let obj = unsafe { r.cast::<Object>().as_ref() };
    match (ty, obj.map(|o| &o.item)) {
        (ty, None) => ty.is_ref().then(|| Val::default_for(ty)),
        (ty, Some(Item::Func(f))) if ty.is_func_ref() => Some(Val::FuncRef(Some(*f))),
        (ty, Some(Item::ExternRef(x))) if ty == ValType::EXTERNREF => {
            Some(Val::ExternRef(Some(*x)))
        }
        _ => None,
    }
}

/// A new reference object for a reference value; NULL for null (or a non-reference).
fn val_ref(store: *const wasm_store_t, v: Val) -> *mut wasm_ref_t {
    match v {
        Val::FuncRef(Some(f)) => boxed(store, Item::Func(f)),
        Val::ExternRef(Some(r)) => boxed(store, Item::ExternRef(r)),
        _ => ptr::null_mut(),
    }
}

/// Makes a table of `ty` with every element `init` (NULL for null); NULL on failure.
///
/// # Safety
///
/// `store` is a live store, `ty` a live table type, `init` NULL or a live reference.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let Some(ExternType::Table(ty)) = (unsafe { &*ty }).ext.to_ward() else {
                return ptr::null_mut();
            };
            // SAFETY: by the precondition.
            let Some(init) = (unsafe { ref_val(ty.element(), init) }) else {
                return ptr::null_mut();
            };
            // SAFETY: by the precondition.
            match Table::new(unsafe { store_mut(store) }, ty, init) {
                Ok(t) => boxed(store, Item::Table(t)),
                Err(_) => ptr::null_mut(),
            }
        },
    )
}

/// The table's type; its minimum is its current size.
///
/// # Safety
///
/// `t` is a live table whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    // SAFETY: by the precondition.
    let t = unsafe { &*t };
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let ty = item!(t, Table).ty(unsafe { store_mut(t.obj.store) });
            wasm_externtype_t::boxed(&ExternType::Table(ty)).cast()
        },
    )
}

/// The element at `index`, as a new reference; NULL for null or out of bounds.
///
/// # Safety
///
/// `t` is a live table whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(t: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    // SAFETY: by the precondition.
    let t = unsafe { &*t };
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            match item!(t, Table).get(unsafe { store_mut(t.obj.store) }, index) {
                Some(v) => val_ref(t.obj.store, v),
                None => ptr::null_mut(),
            }
        },
    )
}

/// Sets the element at `index` to `r` (NULL for null); false when out of bounds or
/// of the wrong kind.
///
/// # Safety
///
/// `t` is a live table whose store is live; `r` NULL or a live reference.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(
    t: *mut wasm_table_t,
    index: u32,
    r: *mut wasm_ref_t,
) -> bool {
    // SAFETY: by the precondition.
    let t = unsafe { &*t };
    catch(
        |_| false,
        || {
            let table = item!(t, Table);
            // SAFETY: by the precondition; each borrow of the store ends in its line.
            let ty = table.ty(unsafe { store_mut(t.obj.store) });
            // SAFETY: by the precondition.
            let Some(v) = (unsafe { ref_val(ty.element(), r) }) else {
                return false;
            };
            // SAFETY: by the precondition.
            table
                .set(unsafe { store_mut(t.obj.store) }, index, v)
                .is_ok()
        },
    )
}

/// The table's size in elements.
///
/// # Safety
///
/// `t` is a live table whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> u32 {
    // SAFETY: by the precondition.
    let t = unsafe { &*t };
    // SAFETY: by the precondition.
    crate::catch_default(|| item!(t, Table).size(unsafe { store_mut(t.obj.store) }))
}

/// Grows the table by `delta` elements set to `init`; false when it cannot.
///
/// # Safety
///
/// `t` is a live table whose store is live; `init` NULL or a live reference.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    t: *mut wasm_table_t,
    delta: u32,
    init: *mut wasm_ref_t,
) -> bool {
    // SAFETY: by the precondition.
    let t = unsafe { &*t };
    catch(
        |_| false,
        || {
            let table = item!(t, Table);
            // SAFETY: by the precondition; each borrow of the store ends in its line.
            let ty = table.ty(unsafe { store_mut(t.obj.store) });
            // SAFETY: by the precondition.
            let Some(v) = (unsafe { ref_val(ty.element(), init) }) else {
                return false;
            };
            // SAFETY: by the precondition.
            table
                .grow(unsafe { store_mut(t.obj.store) }, delta, v)
                .is_ok()
        },
    )
}

/// Makes a memory of `ty`; NULL when it cannot.
///
/// # Safety
///
/// `store` is a live store, `ty` a live memory type.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let Some(ExternType::Memory(ty)) = (unsafe { &*ty }).ext.to_ward() else {
                return ptr::null_mut();
            };
            // SAFETY: by the precondition.
            match Memory::new(unsafe { store_mut(store) }, ty) {
                Ok(m) => boxed(store, Item::Memory(m)),
                Err(_) => ptr::null_mut(),
            }
        },
    )
}

/// The memory's type; its minimum is its current size.
///
/// # Safety
///
/// `m` is a live memory whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    // SAFETY: by the precondition.
    let m = unsafe { &*m };
    catch(
        |_| ptr::null_mut(),
        || {
            // SAFETY: by the precondition.
            let ty = item!(m, Memory).ty(unsafe { store_mut(m.obj.store) });
            wasm_externtype_t::boxed(&ExternType::Memory(ty)).cast()
        },
    )
}

/// The memory's first byte.
///
/// # Safety
///
/// `m` is a live memory whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut u8 {
    // SAFETY: by the precondition.
    let m = unsafe { &*m };
    catch(
        |_| ptr::null_mut(),
        // SAFETY: by the precondition.
        || {
            item!(m, Memory)
                .data_mut(unsafe { store_mut(m.obj.store) })
                .as_mut_ptr()
        },
    )
}

/// The memory's size in bytes.
///
/// # Safety
///
/// `m` is a live memory whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    // SAFETY: by the precondition.
    let m = unsafe { &*m };
    // SAFETY: by the precondition.
    crate::catch_default(|| item!(m, Memory).data_size(unsafe { store_mut(m.obj.store) }))
}

/// The memory's size in pages.
///
/// # Safety
///
/// `m` is a live memory whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> u32 {
    // SAFETY: by the precondition.
    let m = unsafe { &*m };
    // SAFETY: by the precondition.
    crate::catch_default(|| item!(m, Memory).size(unsafe { store_mut(m.obj.store) }))
}

/// Grows the memory by `delta` pages; false when it cannot.
///
/// # Safety
///
/// `m` is a live memory whose store is live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: u32) -> bool {
    // SAFETY: by the precondition.
    let m = unsafe { &*m };
    catch(
        |_| false,
        // SAFETY: by the precondition.
        || {
            item!(m, Memory)
                .grow(unsafe { store_mut(m.obj.store) }, delta)
                .is_ok()
        },
    )
}
