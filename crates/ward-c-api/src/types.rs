//! The type objects of `wasm.h`: value, function, global, table, memory, extern,
//! import and export types.
//!
//! `wasm_functype_t`, `wasm_globaltype_t`, `wasm_tabletype_t` and `wasm_memorytype_t`
//! are each a [`wasm_externtype_t`] of their kind, so the `_as_externtype` casts are
//! pointer casts. Each keeps its parts in C form, for the accessors that return them
//! borrowed.

use std::ptr;

use ward::{
    ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, TableType, TagType, ValType,
};

use crate::catch;
use crate::vec::{vec_api, wasm_byte_vec_t, CVec};

/// `wasm_valtype_t`.
#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

/// `wasm_limits_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_limits_t {
    /// The minimum.
    pub min: u32,
    /// The maximum; `u32::MAX` for none.
    pub max: u32,
}

/// The value kinds of `wasm.h`.
const WASM_I32: u8 = 0;
const WASM_I64: u8 = 1;
const WASM_F32: u8 = 2;
const WASM_F64: u8 = 3;
/// ward's extension (ward.h's `WARD_V128`): `v128` values cannot be passed through
/// `wasm_val_t`, but their types are described.
const WARD_V128: u8 = 4;
/// ward's extension (ward.h's `WARD_EXNREF`), described as `v128` is.
const WARD_EXNREF: u8 = 5;
const WASM_EXTERNREF: u8 = 128;
const WASM_FUNCREF: u8 = 129;

pub(crate) fn valkind(ty: ValType) -> u8 {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WARD_V128,
        // The C API knows only the two nullable reference types; a typed function
        // reference passes as a funcref.
        ValType::Ref(r) if r.heap() == HeapType::Extern => WASM_EXTERNREF,
        ValType::Ref(r) if r.heap() == HeapType::Exn => WARD_EXNREF,
        ValType::Ref(_) => WASM_FUNCREF,
    }
}

pub(crate) fn from_valkind(kind: u8) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WARD_V128 => ValType::V128,
        WARD_EXNREF => ValType::EXNREF,
        WASM_EXTERNREF => ValType::EXTERNREF,
        WASM_FUNCREF => ValType::FUNCREF,
        _ => return None,
    })
}

/// The limits of a table or memory type. `wasm_limits_t` holds 32 bits: a 64-bit
/// table's or memory's limits beyond that read as `u32::MAX`, which for the maximum
/// means none.
fn limits(min: u64, max: Option<u64>) -> wasm_limits_t {
    let saturate = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    wasm_limits_t {
        min: saturate(min),
        max: max.map_or(u32::MAX, saturate),
    }
}

fn limits_max(l: &wasm_limits_t) -> Option<u32> {
    (l.max != u32::MAX).then_some(l.max)
}

/// `wasm_externtype_t`.
#[derive(Clone)]
pub enum wasm_externtype_t {
    /// A function type: its parameter and result types.
    Func {
        /// The parameter types.
        params: wasm_valtype_vec_t,
        /// The result types.
        results: wasm_valtype_vec_t,
    },
    /// A global type.
    Global {
        /// The content type.
        content: wasm_valtype_t,
        /// `WASM_CONST` or `WASM_VAR`.
        mutability: u8,
    },
    /// A table type.
    Table {
        /// The element type.
        element: wasm_valtype_t,
        /// The limits.
        limits: wasm_limits_t,
    },
    /// A memory type, in pages.
    Memory {
        /// The limits.
        limits: wasm_limits_t,
    },
    /// A tag type (ward.h's `WARD_EXTERN_TAG`): the types of its exceptions' values.
    Tag {
        /// The parameter types.
        params: wasm_valtype_vec_t,
    },
}

fn valtypes(types: &[ValType]) -> wasm_valtype_vec_t {
    CVec::from_vec(
        types
            .iter()
            .map(|&ty| Some(Box::new(wasm_valtype_t { ty })))
            .collect(),
    )
}

impl wasm_externtype_t {
    pub(crate) fn from_ward(ty: &ExternType) -> wasm_externtype_t {
        match ty {
            ExternType::Func(f) => wasm_externtype_t::Func {
                params: valtypes(f.params()),
                results: valtypes(f.results()),
            },
            ExternType::Global(g) => wasm_externtype_t::Global {
                content: wasm_valtype_t { ty: g.content() },
                mutability: match g.mutability() {
                    Mutability::Const => 0,
                    Mutability::Var => 1,
                },
            },
            ExternType::Table(t) => wasm_externtype_t::Table {
                element: wasm_valtype_t { ty: t.element() },
                limits: limits(t.minimum(), t.maximum()),
            },
            ExternType::Memory(m) => wasm_externtype_t::Memory {
                limits: limits(m.minimum(), m.maximum()),
            },
            ExternType::Tag(t) => wasm_externtype_t::Tag {
                params: valtypes(t.params()),
            },
        }
    }

    /// As ward's type; `None` for a function type with a missing value type.
    pub(crate) fn to_ward(&self) -> Option<ExternType> {
        Some(match self {
            wasm_externtype_t::Func { params, results } => {
                // SAFETY: the vectors of a type object are the library's own.
                let (p, r) = unsafe { (params.as_slice(), results.as_slice()) };
                let p: Option<Vec<ValType>> = p.iter().map(|t| t.as_ref().map(|t| t.ty)).collect();
                let r: Option<Vec<ValType>> = r.iter().map(|t| t.as_ref().map(|t| t.ty)).collect();
                ExternType::Func(FuncType::new(p?, r?))
            }
            wasm_externtype_t::Global {
                content,
                mutability,
            } => ExternType::Global(GlobalType::new(
                content.ty,
                if *mutability == 0 {
                    Mutability::Const
                } else {
                    Mutability::Var
                },
            )),
            wasm_externtype_t::Table { element, limits } => {
                ExternType::Table(TableType::new(element.ty, limits.min, limits_max(limits)))
            }
            wasm_externtype_t::Memory { limits } => {
                ExternType::Memory(MemoryType::new(limits.min, limits_max(limits)))
            }
            wasm_externtype_t::Tag { params } => {
                // SAFETY: as for a function type's vectors.
                let p = unsafe { params.as_slice() };
                let p: Option<Vec<ValType>> = p.iter().map(|t| t.as_ref().map(|t| t.ty)).collect();
                ExternType::Tag(TagType::new(p?))
            }
        })
    }

    pub(crate) fn boxed(ty: &ExternType) -> *mut wasm_externtype_t {
        Box::into_raw(Box::new(wasm_externtype_t::from_ward(ty)))
    }
}

/// Declares a kind of extern type: the C type, its copy, delete and casts.
macro_rules! extern_type_kind {
    ($ty:ident, $variant:ident, $delete:ident, $copy:ident, $as_ext:ident,
     $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        #[doc = concat!("`", stringify!($ty), "`: an extern type of its kind.")]
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $ty {
            pub(crate) ext: wasm_externtype_t,
        }

        /// Deletes the type.
        ///
        /// # Safety
        ///
        /// `p` is NULL or a type of this library, not used afterwards.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(p: *mut $ty) {
            if !p.is_null() {
                // SAFETY: by the precondition, ownership passes here.
                drop(unsafe { Box::from_raw(p) });
            }
        }

        /// Copies the type.
        ///
        /// # Safety
        ///
        /// `p` is a live type of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(p: *const $ty) -> *mut $ty {
            // SAFETY: by the precondition.
            let p = unsafe { &*p };
            catch(|_| ptr::null_mut(), || Box::into_raw(Box::new(p.clone())))
        }

        /// The type as an extern type (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ext(p: *mut $ty) -> *mut wasm_externtype_t {
            p.cast()
        }

        /// The type as an extern type (the same object).
        #[no_mangle]
        pub extern "C" fn $as_ext_const(p: *const $ty) -> *const wasm_externtype_t {
            p.cast()
        }

        /// The extern type as this kind, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `p` is a live type of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(p: *mut wasm_externtype_t) -> *mut $ty {
            // SAFETY: by the precondition.
            match unsafe { &*p } {
                wasm_externtype_t::$variant { .. } => p.cast(),
                _ => ptr::null_mut(),
            }
        }

        /// The extern type as this kind, or NULL when it is another kind.
        ///
        /// # Safety
        ///
        /// `p` is a live type of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(p: *const wasm_externtype_t) -> *const $ty {
            // SAFETY: by the precondition.
            match unsafe { &*p } {
                wasm_externtype_t::$variant { .. } => p.cast(),
                _ => ptr::null(),
            }
        }
    };
}

extern_type_kind!(
    wasm_functype_t,
    Func,
    wasm_functype_delete,
    wasm_functype_copy,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
extern_type_kind!(
    wasm_globaltype_t,
    Global,
    wasm_globaltype_delete,
    wasm_globaltype_copy,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
extern_type_kind!(
    wasm_tabletype_t,
    Table,
    wasm_tabletype_delete,
    wasm_tabletype_copy,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
extern_type_kind!(
    wasm_memorytype_t,
    Memory,
    wasm_memorytype_delete,
    wasm_memorytype_copy,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

impl wasm_functype_t {
    pub(crate) fn boxed(ty: &FuncType) -> *mut wasm_functype_t {
        wasm_externtype_t::boxed(&ExternType::Func(ty.clone())).cast()
    }

    /// As ward's type; `None` when a value type is missing from a vector.
    pub(crate) fn to_ward(&self) -> Option<FuncType> {
        match self.ext.to_ward()? {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// A simple boxed type's delete and copy.
macro_rules! plain_type {
    ($ty:ident, $delete:ident, $copy:ident) => {
        /// Deletes the object.
        ///
        /// # Safety
        ///
        /// `p` is NULL or an object of this library, not used afterwards.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(p: *mut $ty) {
            if !p.is_null() {
                // SAFETY: by the precondition, ownership passes here.
                drop(unsafe { Box::from_raw(p) });
            }
        }

        /// Copies the object.
        ///
        /// # Safety
        ///
        /// `p` is a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(p: *const $ty) -> *mut $ty {
            // SAFETY: by the precondition.
            let p = unsafe { &*p };
            catch(|_| ptr::null_mut(), || Box::into_raw(Box::new(p.clone())))
        }
    };
}

plain_type!(wasm_valtype_t, wasm_valtype_delete, wasm_valtype_copy);
plain_type!(
    wasm_externtype_t,
    wasm_externtype_delete,
    wasm_externtype_copy
);
plain_type!(
    wasm_importtype_t,
    wasm_importtype_delete,
    wasm_importtype_copy
);
plain_type!(
    wasm_exporttype_t,
    wasm_exporttype_delete,
    wasm_exporttype_copy
);

vec_api!(
    wasm_valtype_vec_t,
    Option<Box<wasm_valtype_t>>,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);
vec_api!(
    wasm_functype_vec_t,
    Option<Box<wasm_functype_t>>,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
vec_api!(
    wasm_globaltype_vec_t,
    Option<Box<wasm_globaltype_t>>,
    wasm_globaltype_vec_new_empty,
    wasm_globaltype_vec_new_uninitialized,
    wasm_globaltype_vec_new,
    wasm_globaltype_vec_copy,
    wasm_globaltype_vec_delete
);
vec_api!(
    wasm_tabletype_vec_t,
    Option<Box<wasm_tabletype_t>>,
    wasm_tabletype_vec_new_empty,
    wasm_tabletype_vec_new_uninitialized,
    wasm_tabletype_vec_new,
    wasm_tabletype_vec_copy,
    wasm_tabletype_vec_delete
);
vec_api!(
    wasm_memorytype_vec_t,
    Option<Box<wasm_memorytype_t>>,
    wasm_memorytype_vec_new_empty,
    wasm_memorytype_vec_new_uninitialized,
    wasm_memorytype_vec_new,
    wasm_memorytype_vec_copy,
    wasm_memorytype_vec_delete
);
vec_api!(
    wasm_externtype_vec_t,
    Option<Box<wasm_externtype_t>>,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);
vec_api!(
    wasm_importtype_vec_t,
    Option<Box<wasm_importtype_t>>,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
vec_api!(
    wasm_exporttype_vec_t,
    Option<Box<wasm_exporttype_t>>,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);

/// Makes a value type; NULL for an unknown kind.
#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: u8) -> *mut wasm_valtype_t {
    match from_valkind(kind) {
        Some(ty) => Box::into_raw(Box::new(wasm_valtype_t { ty })),
        None => ptr::null_mut(),
    }
}

/// The value type's kind.
///
/// # Safety
///
/// `t` is a live value type.
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> u8 {
    // SAFETY: by the precondition.
    valkind(unsafe { (*t).ty })
}

/// Makes a function type, taking ownership of both vectors (left empty).
///
/// # Safety
///
/// `params` and `results` are vectors of this library with no NULL element.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    // SAFETY: by the precondition, the elements' ownership passes here.
    let (params, results) = unsafe { ((*params).take(), (*results).take()) };
    Box::into_raw(Box::new(wasm_functype_t {
        ext: wasm_externtype_t::Func {
            params: CVec::from_vec(params),
            results: CVec::from_vec(results),
        },
    }))
}

/// The function type's parameter types, borrowed.
///
/// # Safety
///
/// `t` is a live function type.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Func { params, .. } => params,
        _ => ptr::null(),
    }
}

/// The function type's result types, borrowed.
///
/// # Safety
///
/// `t` is a live function type.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Func { results, .. } => results,
        _ => ptr::null(),
    }
}

/// Makes a global type, taking ownership of `content`.
///
/// # Safety
///
/// `content` is a value type of this library.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: u8,
) -> *mut wasm_globaltype_t {
    // SAFETY: by the precondition, ownership passes here.
    let content = *unsafe { Box::from_raw(content) };
    Box::into_raw(Box::new(wasm_globaltype_t {
        ext: wasm_externtype_t::Global {
            content,
            mutability,
        },
    }))
}

/// The global type's content type, borrowed.
///
/// # Safety
///
/// `t` is a live global type.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(
    t: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Global { content, .. } => content,
        _ => ptr::null(),
    }
}

/// The global type's mutability.
///
/// # Safety
///
/// `t` is a live global type.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(t: *const wasm_globaltype_t) -> u8 {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Global { mutability, .. } => *mutability,
        _ => 0,
    }
}

/// Makes a table type, taking ownership of `element`.
///
/// # Safety
///
/// `element` is a value type of this library; `limits` points to limits.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    // SAFETY: by the precondition, ownership passes here.
    let element = *unsafe { Box::from_raw(element) };
    Box::into_raw(Box::new(wasm_tabletype_t {
        ext: wasm_externtype_t::Table {
            element,
            // SAFETY: by the precondition.
            limits: unsafe { *limits },
        },
    }))
}

/// The table type's element type, borrowed.
///
/// # Safety
///
/// `t` is a live table type.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(
    t: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Table { element, .. } => element,
        _ => ptr::null(),
    }
}

/// The table type's limits, borrowed.
///
/// # Safety
///
/// `t` is a live table type.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Table { limits, .. } => limits,
        _ => ptr::null(),
    }
}

/// Makes a memory type.
///
/// # Safety
///
/// `limits` points to limits.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    Box::into_raw(Box::new(wasm_memorytype_t {
        ext: wasm_externtype_t::Memory {
            // SAFETY: by the precondition.
            limits: unsafe { *limits },
        },
    }))
}

/// The memory type's limits, borrowed.
///
/// # Safety
///
/// `t` is a live memory type.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(
    t: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    // SAFETY: by the precondition.
    match unsafe { &(*t).ext } {
        wasm_externtype_t::Memory { limits } => limits,
        _ => ptr::null(),
    }
}

/// The extern type's kind.
///
/// # Safety
///
/// `t` is a live extern type.
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> u8 {
    // SAFETY: by the precondition.
    match unsafe { &*t } {
        wasm_externtype_t::Func { .. } => 0,
        wasm_externtype_t::Global { .. } => 1,
        wasm_externtype_t::Table { .. } => 2,
        wasm_externtype_t::Memory { .. } => 3,
        wasm_externtype_t::Tag { .. } => 4,
    }
}

/// `wasm_importtype_t`.
#[derive(Clone)]
pub struct wasm_importtype_t {
    module: wasm_byte_vec_t,
    name: wasm_byte_vec_t,
    ty: Box<wasm_externtype_t>,
}

/// `wasm_exporttype_t`.
#[derive(Clone)]
pub struct wasm_exporttype_t {
    name: wasm_byte_vec_t,
    ty: Box<wasm_externtype_t>,
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: &ExternType) -> wasm_importtype_t {
        wasm_importtype_t {
            module: crate::vec::name(module),
            name: crate::vec::name(name),
            ty: Box::new(wasm_externtype_t::from_ward(ty)),
        }
    }
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: &ExternType) -> wasm_exporttype_t {
        wasm_exporttype_t {
            name: crate::vec::name(name),
            ty: Box::new(wasm_externtype_t::from_ward(ty)),
        }
    }
}

/// Makes an import type, taking ownership of its parts (the name vectors are left
/// empty).
///
/// # Safety
///
/// `module` and `name` are byte vectors of this library, `ty` an extern type.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_byte_vec_t,
    name: *mut wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    // SAFETY: by the precondition, ownership passes here.
    let (module, name, ty) = unsafe { ((*module).take(), (*name).take(), Box::from_raw(ty)) };
    Box::into_raw(Box::new(wasm_importtype_t {
        module: CVec::from_vec(module),
        name: CVec::from_vec(name),
        ty,
    }))
}

/// The import's module name, borrowed.
///
/// # Safety
///
/// `t` is a live import type.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(
    t: *const wasm_importtype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: by the precondition.
    unsafe { &(*t).module }
}

/// The import's name, borrowed.
///
/// # Safety
///
/// `t` is a live import type.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(
    t: *const wasm_importtype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: by the precondition.
    unsafe { &(*t).name }
}

/// The import's type, borrowed.
///
/// # Safety
///
/// `t` is a live import type.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(
    t: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    // SAFETY: by the precondition.
    unsafe { &*(*t).ty }
}

/// Makes an export type, taking ownership of its parts (the name vector is left
/// empty).
///
/// # Safety
///
/// `name` is a byte vector of this library, `ty` an extern type.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    // SAFETY: by the precondition, ownership passes here.
    let (name, ty) = unsafe { ((*name).take(), Box::from_raw(ty)) };
    Box::into_raw(Box::new(wasm_exporttype_t {
        name: CVec::from_vec(name),
        ty,
    }))
}

/// The export's name, borrowed.
///
/// # Safety
///
/// `t` is a live export type.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(
    t: *const wasm_exporttype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: by the precondition.
    unsafe { &(*t).name }
}

/// The export's type, borrowed.
///
/// # Safety
///
/// `t` is a live export type.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(
    t: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    // SAFETY: by the precondition.
    unsafe { &*(*t).ty }
}
