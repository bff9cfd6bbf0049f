//! What every module uses from `alloc` (the standard prelude's share of it, which a
//! `no_std` build lacks), and the two synchronisation types ward needs, from `std` when
//! it has it and as spin locks when it does not.

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::format;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;

/// A hash map: `hashbrown`'s, which the validator uses already, in every build.
pub(crate) type HashMap<K, V> = hashbrown::HashMap<K, V>;

/// A mutual-exclusion lock whose `lock` never fails: a panic while it is held leaves
/// the data as it was, and ward's data stays valid at every point a panic can start.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T> {
    #[cfg(feature = "std")]
    inner: std::sync::Mutex<T>,
    #[cfg(not(feature = "std"))]
    inner: spin::Mutex<T>,
}

impl<T> Mutex<T> {
    pub(crate) const fn new(value: T) -> Mutex<T> {
        Mutex {
            #[cfg(feature = "std")]
            inner: std::sync::Mutex::new(value),
            #[cfg(not(feature = "std"))]
            inner: spin::Mutex::new(value),
        }
    }

    #[cfg(feature = "std")]
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[cfg(not(feature = "std"))]
    pub(crate) fn lock(&self) -> spin::MutexGuard<'_, T> {
        self.inner.lock()
    }
}

/// A cell written once, by whichever thread gets there first.
#[derive(Debug, Default)]
pub(crate) struct OnceLock<T> {
    #[cfg(feature = "std")]
    inner: std::sync::OnceLock<T>,
    #[cfg(not(feature = "std"))]
    inner: spin::Once<T>,
}

impl<T> OnceLock<T> {
    pub(crate) const fn new() -> OnceLock<T> {
        OnceLock {
            #[cfg(feature = "std")]
            inner: std::sync::OnceLock::new(),
            #[cfg(not(feature = "std"))]
            inner: spin::Once::new(),
        }
    }

    /// A cell that holds `value` already.
    pub(crate) fn with(value: T) -> OnceLock<T> {
        OnceLock {
            #[cfg(feature = "std")]
            inner: std::sync::OnceLock::from(value),
            #[cfg(not(feature = "std"))]
            inner: spin::Once::initialized(value),
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.inner.get()
    }

    pub(crate) fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        #[cfg(feature = "std")]
        return self.inner.get_or_init(init);
        #[cfg(not(feature = "std"))]
        return self.inner.call_once(init);
    }
}

/// The float functions wasm needs that `core` lacks: the standard library's with
/// `std`, else `libm`'s, which are correctly rounded where wasm requires it (`sqrt`)
/// and exact elsewhere (rounding to an integer; `rint` rounds half to even).
pub(crate) mod math {
    macro_rules! math {
        ($($name:ident: $ty:ty = $method:ident, $libm:ident;)*) => {$(
            #[inline(always)]
            pub(crate) fn $name(x: $ty) -> $ty {
                #[cfg(feature = "std")]
                return x.$method();
                #[cfg(not(feature = "std"))]
                return libm::$libm(x);
            }
        )*};
    }

    math! {
        ceil32: f32 = ceil, ceilf;
        floor32: f32 = floor, floorf;
        trunc32: f32 = trunc, truncf;
        nearest32: f32 = round_ties_even, rintf;
        sqrt32: f32 = sqrt, sqrtf;
        ceil64: f64 = ceil, ceil;
        floor64: f64 = floor, floor;
        trunc64: f64 = trunc, trunc;
        nearest64: f64 = round_ties_even, rint;
        sqrt64: f64 = sqrt, sqrt;
    }
}
