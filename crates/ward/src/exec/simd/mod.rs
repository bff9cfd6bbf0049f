//! SIMD (`v128`) ops, with WebAssembly's exact semantics.
//!
//! A `v128` occupies two cells of the frame: the low 64 bits (lanes 0..) in the first,
//! the high 64 bits in the second. Ops read every operand before they write their
//! result, so a result may overwrite its operands.
//!
//! [`lanes`] is the portable implementation of every op. The ops that matter most for
//! speed and have an instruction with exactly wasm's meaning go through `fast`: the
//! x86_64 module (SSE2, plus SSSE3/SSE4.1 when detected at run time), the aarch64 NEON
//! module, or [`lanes`] itself elsewhere. Building with `--cfg ward_portable_simd`
//! selects the portable code everywhere, so that it can be tested on any host.
//!
//! The ops themselves are split by family, one module each: [`bitwise`] (with the
//! reductions to an i32), [`moves`] (splats, constants, shuffles, lane access), [`int`]
//! (lane arithmetic and shifts), [`float`], [`compare`], [`convert`] (conversions,
//! narrowing and widening) and [`memory`] (loads and stores).

// Where intrinsics replace them, the portable twins are the reference of the unit tests
// and the fallback when a CPU lacks an extension, not code the executor calls directly.
#[cfg_attr(
    all(any(target_arch = "x86_64", target_arch = "aarch64"), not(test)),
    allow(dead_code)
)]
mod lanes;
#[cfg(all(
    target_arch = "aarch64",
    target_endian = "little",
    not(ward_portable_simd)
))]
mod neon;
#[cfg(all(target_arch = "x86_64", not(ward_portable_simd)))]
mod x86;

#[cfg(not(any(
    all(target_arch = "x86_64", not(ward_portable_simd)),
    all(
        target_arch = "aarch64",
        target_endian = "little",
        not(ward_portable_simd)
    )
)))]
use lanes as fast;
#[cfg(all(
    target_arch = "aarch64",
    target_endian = "little",
    not(ward_portable_simd)
))]
use neon as fast;
#[cfg(all(target_arch = "x86_64", not(ward_portable_simd)))]
use x86 as fast;

use super::{Executor, OpResult};
use crate::ir::{Op, Slot};

// The shapes of most SIMD ops, for the family modules below; `$this` is the executor
// (`self`). Macros rather than methods taking a closure: the op's expression then sits
// in its family function itself. Through a closure it reached some handlers later in
// the optimiser, which then hoisted all loads and spilled registers (measured: up to
// 30% more code in the `i8x16` unsigned comparisons and min/max).

/// `dst = e(v)` with `v` the `v128` in `src`.
macro_rules! un {
    ($this:ident, $dst:expr, $src:expr, |$v:ident| $e:expr) => {{
        let $v = $this.v128($src);
        $this.set_v128($dst, $e);
    }};
}

/// `dst = e(a, b)` with `a` and `b` the `v128`s in `l` and `r`.
macro_rules! bin {
    ($this:ident, $dst:expr, $l:expr, $r:expr, |$a:ident, $b:ident| $e:expr) => {{
        let $a = $this.v128($l);
        let $b = $this.v128($r);
        $this.set_v128($dst, $e);
    }};
}

/// A shift of the `v128` in `l` by the i32 in `r`, taken modulo the lane width `bits`.
macro_rules! shift {
    ($this:ident, $dst:expr, $l:expr, $r:expr, $bits:expr, |$v:ident, $c:ident| $e:expr) => {{
        let $v = $this.v128($l);
        let $c = $this.get($r) as u32 & ($bits - 1);
        $this.set_v128($dst, $e);
    }};
}

/// An i32 computed from the `v128` in `src`: a truth value or a bitmask.
macro_rules! test {
    ($this:ident, $dst:expr, $src:expr, |$v:ident| $e:expr) => {{
        let $v = $this.v128($src);
        $this.set($dst, $e as u64);
    }};
}

// The ops by family, each in an `#[inline(always)]` function (see `Executor::simd`).
mod bitwise;
mod compare;
mod convert;
mod float;
mod int;
mod memory;
mod moves;

#[cfg(test)]
mod tests;

impl Executor {
    /// Executes SIMD op `op`, trying its family functions in turn.
    ///
    /// Each SIMD op has a handler of its own (`simd_handlers!` in `dispatch.rs`) that
    /// inlines this function and tells the compiler the op's variant. Every family's
    /// `match` then folds to the op's arm or to `false`, and the handler keeps only the
    /// op's own code. That is why this function and every family function are
    /// `#[inline(always)]`: one left out of line would be a call, shared by all the
    /// handlers, to a whole family's `match`.
    #[inline(always)]
    pub(super) fn simd(&mut self, op: Op) -> OpResult {
        let done = self.simd_bitwise(op)
            || self.simd_moves(op)
            || self.simd_int(op)
            || self.simd_shift(op)
            || self.simd_float(op)
            || self.simd_compare(op)
            || self.simd_convert(op)
            || self.simd_extend(op)
            || self.simd_extmul(op);
        if done {
            return Ok(());
        }
        self.simd_memory(op)
    }

    /// Reads the `v128` whose first cell is `slot`.
    #[inline(always)]
    fn v128(&self, slot: Slot) -> u128 {
        self.get(slot) as u128 | (self.get(slot + 1) as u128) << 64
    }

    /// Writes a `v128` to the two cells from `slot`.
    #[inline(always)]
    fn set_v128(&mut self, slot: Slot, v: u128) {
        self.set(slot, v as u64);
        self.set(slot + 1, (v >> 64) as u64);
    }

    /// Constant `index` of the running function's pool.
    #[inline(always)]
    fn pool(&self, index: u32) -> u128 {
        // SAFETY: `code` is the running function's compiled code, kept alive by its
        // module for as long as the store lives (see `enter`).
        let code = unsafe { &*self.code };
        code.consts[index as usize]
    }
}
