//! Numeric ops, with WebAssembly's exact semantics: wrapping integer arithmetic,
//! trapping division and float-to-int truncation, NaN-propagating min/max with
//! ordered signed zeros, round-half-to-even `nearest`.

use crate::error::TrapKind;
use crate::ir::Slot;

pub(super) fn i32_(c: u64) -> i32 {
    c as u32 as i32
}
pub(super) fn u32_(c: u64) -> u32 {
    c as u32
}
pub(super) fn i64_(c: u64) -> i64 {
    c as i64
}
pub(super) fn u64_(c: u64) -> u64 {
    c
}
pub(super) fn f32_(c: u64) -> f32 {
    f32::from_bits(c as u32)
}
pub(super) fn f64_(c: u64) -> f64 {
    f64::from_bits(c)
}
/// The cell of an i32 immediate.
pub(super) fn imm32(imm: u32) -> u64 {
    imm as u64
}
/// The cell of an i64 immediate, sign-extended from its 32 bits.
pub(super) fn imm64(imm: u32) -> u64 {
    imm as i32 as i64 as u64
}
pub(super) fn from_i32(v: i32) -> u64 {
    v as u32 as u64
}
pub(super) fn from_u32(v: u32) -> u64 {
    v as u64
}
pub(super) fn from_i64(v: i64) -> u64 {
    v as u64
}
pub(super) fn from_u64(v: u64) -> u64 {
    v
}
pub(super) fn from_bool(v: bool) -> u64 {
    v as u64
}
pub(super) fn from_f32(v: f32) -> u64 {
    v.to_bits() as u64
}
pub(super) fn from_f64(v: f64) -> u64 {
    v.to_bits()
}

/// Rounds with `round`, returning a quiet NaN for a NaN input: wasm's rounding ops
/// produce an arithmetic NaN even from a signalling one, which the host's rounding
/// instructions or library calls may pass through unchanged.
macro_rules! rounding {
    ($name:ident, $t:ty, $quiet:expr) => {
        pub(super) fn $name(x: $t, round: fn($t) -> $t) -> $t {
            if x.is_nan() {
                <$t>::from_bits(x.to_bits() | $quiet)
            } else {
                round(x)
            }
        }
    };
}

rounding!(round32, f32, 0x0040_0000);
rounding!(round64, f64, 0x0008_0000_0000_0000);

macro_rules! float_ops {
    ($min:ident, $max:ident, $t:ty) => {
        /// wasm `min`: NaN if either operand is NaN; -0 is less than +0.
        pub(super) fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                // Equal values differ only in the sign of zero: the negative one wins.
                return <$t>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b {
                a
            } else {
                b
            }
        }

        /// wasm `max`: NaN if either operand is NaN; +0 is greater than -0.
        pub(super) fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return <$t>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b {
                a
            } else {
                b
            }
        }
    };
}

float_ops!(fmin32, fmax32, f32);
float_ops!(fmin64, fmax64, f64);

/// Truncates toward zero when the result fits: `lo < x < hi` (exclusive bounds, the
/// nearest floats outside the target range).
macro_rules! trunc {
    ($x:expr, $lo:expr, $hi:expr, $to:ty) => {{
        let x = $x;
        if x.is_nan() {
            return Err(TrapKind::BadConversionToInteger);
        }
        if !(x > $lo && x < $hi) {
            return Err(TrapKind::IntegerOverflow);
        }
        Ok(x as $to)
    }};
}

/// Signed division and remainder with wasm's traps.
macro_rules! div_ops {
    ($div_s:ident, $rem_s:ident, $div_u:ident, $rem_u:ident, $s:ty, $u:ty) => {
        pub(super) fn $div_s(a: $s, b: $s) -> Result<$s, TrapKind> {
            if b == 0 {
                return Err(TrapKind::IntegerDivisionByZero);
            }
            if a == <$s>::MIN && b == -1 {
                return Err(TrapKind::IntegerOverflow);
            }
            Ok(a / b)
        }
        pub(super) fn $rem_s(a: $s, b: $s) -> Result<$s, TrapKind> {
            if b == 0 {
                return Err(TrapKind::IntegerDivisionByZero);
            }
            Ok(a.wrapping_rem(b))
        }
        pub(super) fn $div_u(a: $u, b: $u) -> Result<$u, TrapKind> {
            a.checked_div(b).ok_or(TrapKind::IntegerDivisionByZero)
        }
        pub(super) fn $rem_u(a: $u, b: $u) -> Result<$u, TrapKind> {
            a.checked_rem(b).ok_or(TrapKind::IntegerDivisionByZero)
        }
    };
}

div_ops!(div_s32, rem_s32, div_u32, rem_u32, i32, u32);
div_ops!(div_s64, rem_s64, div_u64, rem_u64, i64, u64);

/// Reads cell `slot` of the frame at `fp`.
#[inline(always)]
pub(super) fn get(fp: *mut u64, slot: Slot) -> u64 {
    // SAFETY: the translator only emits slots below the function's `frame_cells`, and
    // `enter` checked the whole frame lies within the stack.
    unsafe { *fp.add(slot as usize) }
}

/// Writes cell `slot` of the frame at `fp`.
#[inline(always)]
pub(super) fn set(fp: *mut u64, slot: Slot, value: u64) {
    // SAFETY: as for `get`.
    unsafe { *fp.add(slot as usize) = value }
}

/// Reads the operand of an op that may come from the accumulator: `$this` is
/// `(fp, acc, IN, OUT)`, where IN is `acc` when the operand is the accumulator and
/// `slot` when it is in the frame. See `dispatch.rs` for the accumulator.
macro_rules! opnd {
    (($fp:ident, $acc:ident, slot, $o:ident), $slot:expr) => {
        get($fp, $slot)
    };
    (($fp:ident, $acc:ident, acc, $o:ident), $slot:expr) => {
        $acc
    };
}

/// Reads an operand that is always in the frame.
macro_rules! frame {
    (($fp:ident, $acc:ident, $i:ident, $o:ident), $slot:expr) => {
        get($fp, $slot)
    };
}

/// Writes a result: to slot `$dst` when OUT is `slot`, to the accumulator when `acc`,
/// to both when `tee` (the slot is a local that others read too).
macro_rules! result {
    (($fp:ident, $acc:ident, $i:ident, slot), $dst:expr, $value:expr) => {
        set($fp, $dst, $value)
    };
    (($fp:ident, $acc:ident, $i:ident, acc), $dst:expr, $value:expr) => {
        $acc = $value
    };
    (($fp:ident, $acc:ident, $i:ident, tee), $dst:expr, $value:expr) => {{
        $acc = $value;
        set($fp, $dst, $acc)
    }};
}

macro_rules! un {
    ($this:tt, $dst:expr, $src:expr, $get:ident, $put:ident, |$x:ident| $e:expr) => {{
        let $x = $get(opnd!($this, $src));
        result!($this, $dst, $put($e))
    }};
}

/// `f(a)`: types a closure's parameter from its argument.
#[inline(always)]
pub(super) fn apply<A, R>(a: A, f: impl FnOnce(A) -> R) -> R {
    f(a)
}

macro_rules! un_trap {
    ($this:tt, $trap:ident, $dst:expr, $src:expr, $get:ident, $put:ident, |$x:ident| $e:expr) => {{
        // A closure, so that the conversion's early `return`s stay inside it.
        match apply($get(opnd!($this, $src)), |$x| $e) {
            Ok(value) => result!($this, $dst, $put(value)),
            Err(kind) => $trap!(kind),
        }
    }};
}

macro_rules! bin {
    ($this:tt, $dst:expr, $l:expr, $r:expr, $get:ident, $put:ident, |$a:ident, $b:ident| $e:expr) => {{
        let $a = $get(opnd!($this, $l));
        let $b = $get(frame!($this, $r));
        result!($this, $dst, $put($e))
    }};
}

macro_rules! bin_trap {
    ($this:tt, $trap:ident, $dst:expr, $l:expr, $r:expr, $get:ident, $put:ident, $f:expr) => {{
        match $f($get(opnd!($this, $l)), $get(frame!($this, $r))) {
            Ok(value) => result!($this, $dst, $put(value)),
            Err(kind) => $trap!(kind),
        }
    }};
}

macro_rules! bin_imm {
    ($this:tt, $dst:expr, $l:expr, $imm:expr, $conv:ident, $get:ident, $put:ident, |$a:ident, $b:ident| $e:expr) => {{
        let $a = $get(opnd!($this, $l));
        let $b = $get($conv($imm));
        result!($this, $dst, $put($e))
    }};
}

/// A fused compare-and-branch: jumps by `offset` when `lhs op rhs` holds, `rhs` a frame
/// slot or an immediate.
macro_rules! br_cmp {
    ($this:tt, $ip:ident, $l:expr, $r:expr, $offset:expr, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
        let $a = $get(opnd!($this, $l));
        let $b = $get($r);
        jump!($ip, $e, $offset)
    }};
}

macro_rules! jump {
    ($ip:ident, $taken:expr, $offset:expr) => {
        // SAFETY: translation resolves every branch to an op of the same function, and
        // a fused compare-and-branch is never a function's last op.
        unsafe {
            $ip.byte_offset(if $taken {
                $offset as isize
            } else {
                core::mem::size_of::<crate::ir::Instr>() as isize
            })
        }
    };
}

/// Every numeric op, as `Name { fields } => body` arms handed to macro `$cb`: the
/// `arith` arms evaluate to `()` (a trapping one invokes `$trap!(kind)`), the `branch`
/// arms to the op to run next. `$this` is `(fp, acc, IN, OUT)` (see [`opnd!`]), `$ip`
/// names the running op.
macro_rules! numeric_ops {
    ($cb:ident, $this:tt, $ip:ident, $trap:ident) => {
        $cb! {
            ($this, $ip)
            arith {
            I32Eqz { dst, src } => un!($this, dst, src, u32_, from_bool, |x| x == 0),
            I64Eqz { dst, src } => un!($this, dst, src, u64_, from_bool, |x| x == 0),
            I32Clz { dst, src } => un!($this, dst, src, u32_, from_u32, |x| x.leading_zeros()),
            I32Ctz { dst, src } => un!($this, dst, src, u32_, from_u32, |x| x.trailing_zeros()),
            I32Popcnt { dst, src } => un!($this, dst, src, u32_, from_u32, |x| x.count_ones()),
            I64Clz { dst, src } => {
                un!($this, dst, src, u64_, from_u64, |x| x.leading_zeros() as u64)
            },
            I64Ctz { dst, src } => {
                un!($this, dst, src, u64_, from_u64, |x| x.trailing_zeros() as u64)
            },
            I64Popcnt { dst, src } => {
                un!($this, dst, src, u64_, from_u64, |x| x.count_ones() as u64)
            },
            F32Abs { dst, src } => un!($this, dst, src, u32_, from_u32, |x| x & 0x7fff_ffff),
            F32Neg { dst, src } => un!($this, dst, src, u32_, from_u32, |x| x ^ 0x8000_0000),
            F32Ceil { dst, src } => un!($this, dst, src, f32_, from_f32, |x| round32(x, crate::prelude::math::ceil32)),
            F32Floor { dst, src } => un!($this, dst, src, f32_, from_f32, |x| round32(x, crate::prelude::math::floor32)),
            F32Trunc { dst, src } => un!($this, dst, src, f32_, from_f32, |x| round32(x, crate::prelude::math::trunc32)),
            F32Nearest { dst, src } => {
                un!($this, dst, src, f32_, from_f32, |x| round32(
                    x,
                    crate::prelude::math::nearest32
                ))
            },
            F32Sqrt { dst, src } => un!($this, dst, src, f32_, from_f32, |x| round32(x, crate::prelude::math::sqrt32)),
            F64Abs { dst, src } => {
                un!($this, dst, src, u64_, from_u64, |x| x & 0x7fff_ffff_ffff_ffff)
            },
            F64Neg { dst, src } => {
                un!($this, dst, src, u64_, from_u64, |x| x ^ 0x8000_0000_0000_0000)
            },
            F64Ceil { dst, src } => un!($this, dst, src, f64_, from_f64, |x| round64(x, crate::prelude::math::ceil64)),
            F64Floor { dst, src } => un!($this, dst, src, f64_, from_f64, |x| round64(x, crate::prelude::math::floor64)),
            F64Trunc { dst, src } => un!($this, dst, src, f64_, from_f64, |x| round64(x, crate::prelude::math::trunc64)),
            F64Nearest { dst, src } => {
                un!($this, dst, src, f64_, from_f64, |x| round64(
                    x,
                    crate::prelude::math::nearest64
                ))
            },
            F64Sqrt { dst, src } => un!($this, dst, src, f64_, from_f64, |x| round64(x, crate::prelude::math::sqrt64)),
            I32WrapI64 { dst, src } => un!($this, dst, src, u64_, from_u32, |x| x as u32),
            I64ExtendI32S { dst, src } => un!($this, dst, src, i32_, from_i64, |x| x as i64),
            I64ExtendI32U { dst, src } => un!($this, dst, src, u32_, from_u64, |x| x as u64),
            I32TruncF32S { dst, src } => {
                un_trap!($this, $trap, dst, src, f32_, from_i32, |x| trunc!(
                    x,
                    -2147483904.0f32,
                    2147483648.0f32,
                    i32
                ))
            },
            I32TruncF32U { dst, src } => {
                un_trap!($this, $trap, dst, src, f32_, from_u32, |x| trunc!(
                    x,
                    -1.0f32,
                    4294967296.0f32,
                    u32
                ))
            },
            I32TruncF64S { dst, src } => {
                un_trap!($this, $trap, dst, src, f64_, from_i32, |x| trunc!(
                    x,
                    -2147483649.0f64,
                    2147483648.0f64,
                    i32
                ))
            },
            I32TruncF64U { dst, src } => {
                un_trap!($this, $trap, dst, src, f64_, from_u32, |x| trunc!(
                    x,
                    -1.0f64,
                    4294967296.0f64,
                    u32
                ))
            },
            I64TruncF32S { dst, src } => un_trap!($this, $trap, dst, src, f32_, from_i64, |x| trunc!(
                x,
                -9223373136366403584.0f32,
                9223372036854775808.0f32,
                i64
            )),
            I64TruncF32U { dst, src } => un_trap!($this, $trap, dst, src, f32_, from_u64, |x| trunc!(
                x,
                -1.0f32,
                18446744073709551616.0f32,
                u64
            )),
            I64TruncF64S { dst, src } => un_trap!($this, $trap, dst, src, f64_, from_i64, |x| trunc!(
                x,
                -9223372036854777856.0f64,
                9223372036854775808.0f64,
                i64
            )),
            I64TruncF64U { dst, src } => un_trap!($this, $trap, dst, src, f64_, from_u64, |x| trunc!(
                x,
                -1.0f64,
                18446744073709551616.0f64,
                u64
            )),
            // Rust's float-to-int `as` saturates and maps NaN to 0: exactly trunc_sat.,
            I32TruncSatF32S { dst, src } => un!($this, dst, src, f32_, from_i32, |x| x as i32),
            I32TruncSatF32U { dst, src } => un!($this, dst, src, f32_, from_u32, |x| x as u32),
            I32TruncSatF64S { dst, src } => un!($this, dst, src, f64_, from_i32, |x| x as i32),
            I32TruncSatF64U { dst, src } => un!($this, dst, src, f64_, from_u32, |x| x as u32),
            I64TruncSatF32S { dst, src } => un!($this, dst, src, f32_, from_i64, |x| x as i64),
            I64TruncSatF32U { dst, src } => un!($this, dst, src, f32_, from_u64, |x| x as u64),
            I64TruncSatF64S { dst, src } => un!($this, dst, src, f64_, from_i64, |x| x as i64),
            I64TruncSatF64U { dst, src } => un!($this, dst, src, f64_, from_u64, |x| x as u64),
            // Rust's int-to-float `as` rounds to nearest, ties to even, as wasm does.,
            F32ConvertI32S { dst, src } => un!($this, dst, src, i32_, from_f32, |x| x as f32),
            F32ConvertI32U { dst, src } => un!($this, dst, src, u32_, from_f32, |x| x as f32),
            F32ConvertI64S { dst, src } => un!($this, dst, src, i64_, from_f32, |x| x as f32),
            F32ConvertI64U { dst, src } => un!($this, dst, src, u64_, from_f32, |x| x as f32),
            F32DemoteF64 { dst, src } => un!($this, dst, src, f64_, from_f32, |x| x as f32),
            F64ConvertI32S { dst, src } => un!($this, dst, src, i32_, from_f64, |x| x as f64),
            F64ConvertI32U { dst, src } => un!($this, dst, src, u32_, from_f64, |x| x as f64),
            F64ConvertI64S { dst, src } => un!($this, dst, src, i64_, from_f64, |x| x as f64),
            F64ConvertI64U { dst, src } => un!($this, dst, src, u64_, from_f64, |x| x as f64),
            F64PromoteF32 { dst, src } => un!($this, dst, src, f32_, from_f64, |x| x as f64),
            I32Extend8S { dst, src } => un!($this, dst, src, u32_, from_i32, |x| x as i8 as i32),
            I32Extend16S { dst, src } => {
                un!($this, dst, src, u32_, from_i32, |x| x as i16 as i32)
            },
            I64Extend8S { dst, src } => un!($this, dst, src, u64_, from_i64, |x| x as i8 as i64),
            I64Extend16S { dst, src } => {
                un!($this, dst, src, u64_, from_i64, |x| x as i16 as i64)
            },
            I64Extend32S { dst, src } => {
                un!($this, dst, src, u64_, from_i64, |x| x as i32 as i64)
            },
            I32Eq { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a == b),
            I32Ne { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a != b),
            I32LtS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i32_, from_bool, |a, b| a < b),
            I32LtU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a < b),
            I32GtS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i32_, from_bool, |a, b| a > b),
            I32GtU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a > b),
            I32LeS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i32_, from_bool, |a, b| a <= b),
            I32LeU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a <= b),
            I32GeS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i32_, from_bool, |a, b| a >= b),
            I32GeU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_bool, |a, b| a >= b),
            I64Eq { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a == b),
            I64Ne { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a != b),
            I64LtS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i64_, from_bool, |a, b| a < b),
            I64LtU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a < b),
            I64GtS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i64_, from_bool, |a, b| a > b),
            I64GtU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a > b),
            I64LeS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i64_, from_bool, |a, b| a <= b),
            I64LeU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a <= b),
            I64GeS { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, i64_, from_bool, |a, b| a >= b),
            I64GeU { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_bool, |a, b| a >= b),
            F32Eq { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a == b),
            F32Ne { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a != b),
            F32Lt { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a < b),
            F32Gt { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a > b),
            F32Le { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a <= b),
            F32Ge { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_bool, |a, b| a >= b),
            F64Eq { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a == b),
            F64Ne { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a != b),
            F64Lt { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a < b),
            F64Gt { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a > b),
            F64Le { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a <= b),
            F64Ge { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_bool, |a, b| a >= b),
            I32Add { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.wrapping_add(b))
            },
            I32Sub { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.wrapping_sub(b))
            },
            I32Mul { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.wrapping_mul(b))
            },
            I32DivS { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, i32_, from_i32, div_s32),
            I32DivU { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, u32_, from_u32, div_u32),
            I32RemS { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, i32_, from_i32, rem_s32),
            I32RemU { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, u32_, from_u32, rem_u32),
            I32And { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a & b),
            I32Or { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a | b),
            I32Xor { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a ^ b),
            I32Shl { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.wrapping_shl(b))
            },
            I32ShrS { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, i32_, from_i32, |a, b| a
                    .wrapping_shr(b as u32))
            },
            I32ShrU { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.wrapping_shr(b))
            },
            I32Rotl { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.rotate_left(b % 32))
            },
            I32Rotr { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| a.rotate_right(b % 32))
            },
            I64Add { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a.wrapping_add(b))
            },
            I64Sub { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a.wrapping_sub(b))
            },
            I64Mul { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a.wrapping_mul(b))
            },
            I64DivS { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, i64_, from_i64, div_s64),
            I64DivU { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, u64_, from_u64, div_u64),
            I64RemS { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, i64_, from_i64, rem_s64),
            I64RemU { dst, lhs, rhs } => bin_trap!($this, $trap, dst, lhs, rhs, u64_, from_u64, rem_u64),
            I64And { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a & b),
            I64Or { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a | b),
            I64Xor { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a ^ b),
            I64Shl { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a
                    .wrapping_shl(b as u32))
            },
            I64ShrS { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, i64_, from_i64, |a, b| a
                    .wrapping_shr(b as u32))
            },
            I64ShrU { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a
                    .wrapping_shr(b as u32))
            },
            I64Rotl { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a
                    .rotate_left((b % 64) as u32))
            },
            I64Rotr { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| a
                    .rotate_right((b % 64) as u32))
            },
            F32Add { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| a + b),
            F32Sub { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| a - b),
            F32Mul { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| a * b),
            F32Div { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| a / b),
            F32Min { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| fmin32(a, b))
            },
            F32Max { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, f32_, from_f32, |a, b| fmax32(a, b))
            },
            F32Copysign { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, u32_, from_u32, |a, b| (a & 0x7fff_ffff)
                    | (b & 0x8000_0000))
            },
            F64Add { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| a + b),
            F64Sub { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| a - b),
            F64Mul { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| a * b),
            F64Div { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| a / b),
            F64Min { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| fmin64(a, b))
            },
            F64Max { dst, lhs, rhs } => {
                bin!($this, dst, lhs, rhs, f64_, from_f64, |a, b| fmax64(a, b))
            },
            F64Copysign { dst, lhs, rhs } => bin!($this, dst, lhs, rhs, u64_, from_u64, |a, b| (a
                & 0x7fff_ffff_ffff_ffff)
                | (b & 0x8000_0000_0000_0000)),
            I32AddImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.wrapping_add(b)),
            I32SubImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.wrapping_sub(b)),
            I32MulImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.wrapping_mul(b)),
            I32AndImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a & b),
            I32OrImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a | b),
            I32XorImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a ^ b),
            I32ShlImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.wrapping_shl(b)),
            I32ShrSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, i32_, from_i32, |a, b| a.wrapping_shr(b as u32)),
            I32ShrUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.wrapping_shr(b)),
            I32RotlImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.rotate_left(b % 32)),
            I32RotrImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_u32, |a, b| a.rotate_right(b % 32)),
            I32EqImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a == b),
            I32NeImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a != b),
            I32LtSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, i32_, from_bool, |a, b| a < b),
            I32LtUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a < b),
            I32GtSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, i32_, from_bool, |a, b| a > b),
            I32GtUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a > b),
            I32LeSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, i32_, from_bool, |a, b| a <= b),
            I32LeUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a <= b),
            I32GeSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, i32_, from_bool, |a, b| a >= b),
            I32GeUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm32, u32_, from_bool, |a, b| a >= b),
            I64AddImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.wrapping_add(b)),
            I64SubImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.wrapping_sub(b)),
            I64MulImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.wrapping_mul(b)),
            I64AndImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a & b),
            I64OrImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a | b),
            I64XorImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a ^ b),
            I64ShlImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.wrapping_shl(b as u32)),
            I64ShrSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, i64_, from_i64, |a, b| a.wrapping_shr(b as u32)),
            I64ShrUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.wrapping_shr(b as u32)),
            I64RotlImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.rotate_left((b % 64) as u32)),
            I64RotrImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_u64, |a, b| a.rotate_right((b % 64) as u32)),
            I32ShrUAndImm { dst, lhs, shift, mask } => {
                bin_imm!($this, dst, lhs, shift, imm32, u32_, from_u32, |a, b| a.wrapping_shr(b) & mask)
            },
            I64EqImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a == b),
            I64NeImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a != b),
            I64LtSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, i64_, from_bool, |a, b| a < b),
            I64LtUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a < b),
            I64GtSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, i64_, from_bool, |a, b| a > b),
            I64GtUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a > b),
            I64LeSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, i64_, from_bool, |a, b| a <= b),
            I64LeUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a <= b),
            I64GeSImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, i64_, from_bool, |a, b| a >= b),
            I64GeUImm { dst, lhs, imm } => bin_imm!($this, dst, lhs, imm, imm64, u64_, from_bool, |a, b| a >= b),
            }
            branch {
            BrF32Eq { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a == b),
            BrF32Ne { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a != b),
            BrF32Lt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a < b),
            BrF32Gt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a > b),
            BrF32Le { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a <= b),
            BrF32Ge { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| a >= b),
            BrF32NotLt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| !(a < b)),
            BrF32NotGt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| !(a > b)),
            BrF32NotLe { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| !(a <= b)),
            BrF32NotGe { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f32_, |a, b| !(a >= b)),
            BrF64Eq { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a == b),
            BrF64Ne { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a != b),
            BrF64Lt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a < b),
            BrF64Gt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a > b),
            BrF64Le { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a <= b),
            BrF64Ge { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| a >= b),
            BrF64NotLt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| !(a < b)),
            BrF64NotGt { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| !(a > b)),
            BrF64NotLe { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| !(a <= b)),
            BrF64NotGe { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, f64_, |a, b| !(a >= b)),
            BrI32Eq { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a == b),
            BrI32EqImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a == b),
            BrI32Ne { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a != b),
            BrI32NeImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a != b),
            BrI32LtS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i32_, |a, b| a < b),
            BrI32LtSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, i32_, |a, b| a < b),
            BrI32LtU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a < b),
            BrI32LtUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a < b),
            BrI32GtS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i32_, |a, b| a > b),
            BrI32GtSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, i32_, |a, b| a > b),
            BrI32GtU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a > b),
            BrI32GtUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a > b),
            BrI32LeS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i32_, |a, b| a <= b),
            BrI32LeSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, i32_, |a, b| a <= b),
            BrI32LeU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a <= b),
            BrI32LeUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a <= b),
            BrI32GeS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i32_, |a, b| a >= b),
            BrI32GeSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, i32_, |a, b| a >= b),
            BrI32GeU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u32_, |a, b| a >= b),
            BrI32GeUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a >= b),
            BrI32AndImmNez { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a & b != 0),
            BrI32AndImmEqz { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm32(imm), offset, u32_, |a, b| a & b == 0),
            BrI64Eq { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a == b),
            BrI64EqImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a == b),
            BrI64Ne { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a != b),
            BrI64NeImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a != b),
            BrI64LtS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i64_, |a, b| a < b),
            BrI64LtSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, i64_, |a, b| a < b),
            BrI64LtU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a < b),
            BrI64LtUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a < b),
            BrI64GtS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i64_, |a, b| a > b),
            BrI64GtSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, i64_, |a, b| a > b),
            BrI64GtU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a > b),
            BrI64GtUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a > b),
            BrI64LeS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i64_, |a, b| a <= b),
            BrI64LeSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, i64_, |a, b| a <= b),
            BrI64LeU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a <= b),
            BrI64LeUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a <= b),
            BrI64GeS { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, i64_, |a, b| a >= b),
            BrI64GeSImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, i64_, |a, b| a >= b),
            BrI64GeU { lhs, rhs, offset } => br_cmp!($this, $ip, lhs, frame!($this, rhs), offset, u64_, |a, b| a >= b),
            BrI64GeUImm { lhs, imm, offset } => br_cmp!($this, $ip, lhs, imm64(imm), offset, u64_, |a, b| a >= b),
            }
        }
    };
}
