//! `wasm_xxx_vec_t`: a size and a pointer to that many elements, owned as a boxed slice.
//!
//! A vector's elements are owned with it: a vector of pointers (`wasm_valtype_vec_t`)
//! holds `Option<Box<_>>`s, a vector of values (`wasm_val_vec_t`) values that may own
//! a reference, so deleting the vector drops (deletes) every element.

use std::ptr;

/// A vector as `wasm.h` lays it out.
#[repr(C)]
pub struct CVec<T> {
    /// The number of elements.
    pub size: usize,
    /// The first element; NULL (or dangling) when `size` is 0.
    pub data: *mut T,
}

impl<T> CVec<T> {
    /// The empty vector.
    pub(crate) fn empty() -> CVec<T> {
        CVec {
            size: 0,
            data: ptr::null_mut(),
        }
    }

    /// The vector owning `v`'s elements.
    pub(crate) fn from_vec(v: Vec<T>) -> CVec<T> {
        let slice = Box::into_raw(v.into_boxed_slice());
        CVec {
            size: slice.len(),
            data: slice.cast::<T>(),
        }
    }

    /// The elements, borrowed.
    ///
    /// # Safety
    ///
    /// `data` points to `size` initialised elements (or `size` is 0): the vector was
    /// made by this library, or by C as an array it keeps alive.
    pub(crate) unsafe fn as_slice(&self) -> &[T] {
        if self.size == 0 || self.data.is_null() {
            return &[];
        }
        // SAFETY: by the precondition.
        unsafe { std::slice::from_raw_parts(self.data, self.size) }
    }

    /// Takes the elements out, leaving the vector empty.
    ///
    /// # Safety
    ///
    /// The vector was made by this library (its data is a boxed slice of `size`).
    pub(crate) unsafe fn take(&mut self) -> Vec<T> {
        let (data, size) = (self.data, self.size);
        self.size = 0;
        self.data = ptr::null_mut();
        if data.is_null() {
            return Vec::new();
        }
        // SAFETY: `data` and `size` are a boxed slice's (precondition), whose
        // ownership this vector held and now passes on.
        unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, size)) }.into_vec()
    }
}

impl<T: Clone> Clone for CVec<T> {
    fn clone(&self) -> CVec<T> {
        // SAFETY: vectors kept on the Rust side are made by this library.
        CVec::from_vec(unsafe { self.as_slice() }.to_vec())
    }
}

impl<T> Drop for CVec<T> {
    fn drop(&mut self) {
        // SAFETY: a `CVec` dropped on the Rust side is one of ours (a field of an
        // object this library made); those C hands back are taken explicitly.
        drop(unsafe { self.take() });
    }
}

/// What `wasm_xxx_vec_new_uninitialized` fills a vector with: zero, NULL, or an `i32`
/// zero, so that even an "uninitialised" vector is safe to delete.
pub(crate) trait Blank {
    fn blank() -> Self;
}

impl Blank for u8 {
    fn blank() -> u8 {
        0
    }
}

impl<T> Blank for Option<Box<T>> {
    fn blank() -> Self {
        None
    }
}

/// The five functions of a vector type: `new_empty`, `new_uninitialized`, `new`,
/// `copy`, `delete`.
macro_rules! vec_api {
    ($vec:ident, $elem:ty, $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident,
     $delete:ident) => {
        #[doc = concat!("`", stringify!($vec), "`.")]
        pub type $vec = $crate::vec::CVec<$elem>;

        /// Makes an empty vector.
        ///
        /// # Safety
        ///
        /// `out` points to writable memory for a vector.
        #[no_mangle]
        pub unsafe extern "C" fn $new_empty(out: *mut $vec) {
            // SAFETY: by the precondition; whatever `out` held is not dropped.
            unsafe { std::ptr::write(out, $crate::vec::CVec::empty()) }
        }

        /// Makes a vector of `size` blank elements (zero, NULL).
        ///
        /// # Safety
        ///
        /// `out` points to writable memory for a vector.
        #[no_mangle]
        pub unsafe extern "C" fn $new_uninit(out: *mut $vec, size: usize) {
            let v = $crate::catch(
                |_| Vec::new(),
                || {
                    (0..size)
                        .map(|_| <$elem as $crate::vec::Blank>::blank())
                        .collect()
                },
            );
            // SAFETY: by the precondition.
            unsafe { std::ptr::write(out, $crate::vec::CVec::from_vec(v)) }
        }

        /// Makes a vector of the `size` elements at `data`, taking ownership of them.
        ///
        /// # Safety
        ///
        /// `out` points to writable memory for a vector; `data` to `size` elements
        /// (or `size` is 0), which the vector owns afterwards.
        #[no_mangle]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            let mut v = Vec::with_capacity(size);
            for i in 0..size {
                // SAFETY: `data` holds `size` elements (precondition), moved here.
                v.push(unsafe { std::ptr::read(data.add(i)) });
            }
            // SAFETY: by the precondition.
            unsafe { std::ptr::write(out, $crate::vec::CVec::from_vec(v)) }
        }

        /// Makes a copy of `src`, copying its elements.
        ///
        /// # Safety
        ///
        /// `out` points to writable memory for a vector; `src` to a valid vector.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            let v = $crate::catch(
                |_| $crate::vec::CVec::empty(),
                // SAFETY: by the precondition.
                || $crate::vec::CVec::from_vec(unsafe { (*src).as_slice() }.to_vec()),
            );
            // SAFETY: by the precondition.
            unsafe { std::ptr::write(out, v) }
        }

        /// Deletes the vector's elements and storage, leaving it empty.
        ///
        /// # Safety
        ///
        /// `v` is NULL or points to a vector made by this library.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(v: *mut $vec) {
            if v.is_null() {
                return;
            }
            // SAFETY: by the precondition.
            let elements = unsafe { (*v).take() };
            $crate::catch(|_| (), || drop(elements));
        }
    };
}

pub(crate) use vec_api;

vec_api!(
    wasm_byte_vec_t,
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);

/// A byte vector holding `s`, without a terminating NUL.
pub(crate) fn name(s: &str) -> wasm_byte_vec_t {
    CVec::from_vec(s.as_bytes().to_vec())
}

/// A byte vector holding `s` and a terminating NUL (a `wasm_message_t`).
pub(crate) fn message(s: &str) -> wasm_byte_vec_t {
    let mut bytes = Vec::with_capacity(s.len() + 1);
    bytes.extend_from_slice(s.as_bytes());
    bytes.push(0);
    CVec::from_vec(bytes)
}

/// The text of a byte vector, up to a NUL if there is one.
///
/// # Safety
///
/// `v` is a valid vector.
pub(crate) unsafe fn text(v: &wasm_byte_vec_t) -> String {
    // SAFETY: by the precondition.
    let bytes = unsafe { v.as_slice() };
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}
