//! Conversion of `.wast` argument literals into [`Val`]s, and matching of
//! results against `.wast` result patterns.
//!
//! Floats are compared by bit pattern, never by `==`: `-0.0` and `0.0` differ,
//! and a NaN result must have exactly the payload the script asks for, except for
//! the two patterns `nan:canonical` and `nan:arithmetic`, which accept either sign.

use std::fmt::Write as _;

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

use ward::{ExternRef, Store, Val};

/// Converts one argument of an `invoke` into a value.
///
/// `ref.extern N` becomes a fresh [`ExternRef`] whose data is `N` as a `u32`; result
/// matching reads it back the same way.
///
/// # Errors
///
/// Returns a description of the argument when ward has no value for it (component
/// values, `ref.host`, GC references).
pub(crate) fn arg_to_val(store: &mut Store<()>, arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(arg) = arg else {
        return Err("unsupported argument: component-model value".to_string());
    };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => match null_kind(Some(heap)) {
            Some(NullKind::Func) => Val::FuncRef(None),
            Some(NullKind::Extern) => Val::ExternRef(None),
            Some(NullKind::Exn) => Val::ExnRef(None),
            None => return Err(format!("unsupported argument: ref.null {heap:?}")),
        },
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternRef::new(&mut *store, *n))),
        WastArgCore::RefHost(n) => return Err(format!("unsupported argument: ref.host {n}")),
    })
}

/// Which null reference a `ref.null <heaptype>` stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NullKind {
    Func,
    Extern,
    Exn,
}

/// Maps a heap type to the null it denotes; `None` for heap types ward has no
/// reference type for (GC, concrete types).
fn null_kind(heap: Option<&HeapType<'_>>) -> Option<NullKind> {
    match heap? {
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Some(NullKind::Func),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Some(NullKind::Extern),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Some(NullKind::Exn),
            _ => None,
        },
        _ => None,
    }
}

/// Checks one actual result against one expected pattern.
///
/// # Errors
///
/// `Err` carries the reason a pattern can never match here (component values,
/// GC reference patterns): those are reported as unsupported, not as mismatches.
pub(crate) fn ret_matches(
    store: &Store<()>,
    expected: &WastRet<'_>,
    actual: &Val,
) -> Result<bool, String> {
    match expected {
        WastRet::Core(expected) => core_matches(store, expected, actual),
        _ => Err("unsupported result pattern: component-model value".to_string()),
    }
}

fn core_matches(
    store: &Store<()>,
    expected: &WastRetCore<'_>,
    actual: &Val,
) -> Result<bool, String> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(e), Val::F32(a)) => f32_matches(e, *a),
        (WastRetCore::F64(e), Val::F64(a)) => f64_matches(e, *a),
        (WastRetCore::V128(e), Val::V128(a)) => v128_matches(e, *a),
        (WastRetCore::RefNull(heap), actual) => {
            let kind = match heap {
                None => None,
                Some(heap) => Some(
                    null_kind(Some(heap))
                        .ok_or_else(|| format!("unsupported result pattern: ref.null {heap:?}"))?,
                ),
            };
            match actual {
                Val::FuncRef(None) => kind.is_none_or(|k| k == NullKind::Func),
                Val::ExternRef(None) => kind.is_none_or(|k| k == NullKind::Extern),
                Val::ExnRef(None) => kind.is_none_or(|k| k == NullKind::Exn),
                _ => false,
            }
        }
        // `ref.func` (with or without an index) accepts any non-null function
        // reference: function identity is not observable through the public API.
        (WastRetCore::RefFunc(_), actual) => matches!(actual, Val::FuncRef(Some(_))),
        // `ref.extern` without a number accepts any non-null external reference.
        (WastRetCore::RefExtern(n), Val::ExternRef(Some(r))) => {
            n.is_none_or(|n| r.data(store).downcast_ref::<u32>() == Some(&n))
        }
        (WastRetCore::Either(alternatives), actual) => {
            for alternative in alternatives {
                if core_matches(store, alternative, actual)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => {
            return Err(format!(
                "unsupported result pattern: {}",
                describe_core(expected)
            ))
        }
        _ => false,
    })
}

const F32_SIGN: u32 = 0x8000_0000;
const F32_CANONICAL_NAN: u32 = 0x7fc0_0000;
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
const F64_CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

fn f32_matches(expected: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match expected {
        NanPattern::Value(v) => v.bits == bits,
        // Exponent all ones, quiet bit set, rest of the payload zero.
        NanPattern::CanonicalNan => bits & !F32_SIGN == F32_CANONICAL_NAN,
        // Exponent all ones and quiet bit set; any payload.
        NanPattern::ArithmeticNan => bits & F32_CANONICAL_NAN == F32_CANONICAL_NAN,
    }
}

fn f64_matches(expected: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match expected {
        NanPattern::Value(v) => v.bits == bits,
        NanPattern::CanonicalNan => bits & !F64_SIGN == F64_CANONICAL_NAN,
        NanPattern::ArithmeticNan => bits & F64_CANONICAL_NAN == F64_CANONICAL_NAN,
    }
}

/// Lane `index` of width `bits` (8, 16, 32 or 64) of a little-endian v128.
fn lane(v: u128, bits: u32, index: usize) -> u64 {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    // Truncation is the point: the shifted value is masked to one lane.
    ((v >> (bits as usize * index)) as u64) & mask
}

fn v128_matches(expected: &V128Pattern, actual: u128) -> bool {
    match expected {
        V128Pattern::I8x16(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| lane(actual, 8, i) == u64::from(*e as u8)),
        V128Pattern::I16x8(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| lane(actual, 16, i) == u64::from(*e as u16)),
        V128Pattern::I32x4(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| lane(actual, 32, i) == u64::from(*e as u32)),
        V128Pattern::I64x2(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| lane(actual, 64, i) == *e as u64),
        V128Pattern::F32x4(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| f32_matches(e, lane(actual, 32, i) as u32)),
        V128Pattern::F64x2(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, e)| f64_matches(e, lane(actual, 64, i))),
    }
}

/// Formats a list of actual values for a failure message: `[i32.const 1, ...]`.
pub(crate) fn describe_vals(store: &Store<()>, vals: &[Val]) -> String {
    let items: Vec<String> = vals.iter().map(|v| describe_val(store, v)).collect();
    format!("[{}]", items.join(", "))
}

fn describe_val(store: &Store<()>, val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32.const {v}"),
        Val::I64(v) => format!("i64.const {v}"),
        Val::F32(bits) => format!("f32.const {} ({bits:#010x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64.const {} ({bits:#018x})", f64::from_bits(*bits)),
        Val::V128(v) => format!("v128.const i32x4 {}", v128_lanes(*v)),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(r)) => match r.data(store).downcast_ref::<u32>() {
            Some(n) => format!("ref.extern {n}"),
            None => "ref.extern (non-u32 host data)".to_string(),
        },
        Val::ExnRef(None) => "ref.null exn".to_string(),
        Val::ExnRef(Some(_)) => "ref.exn".to_string(),
    }
}

fn v128_lanes(v: u128) -> String {
    let mut s = String::new();
    for i in 0..4 {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{:#010x}", lane(v, 32, i));
    }
    s
}

/// Formats a list of expected patterns for a failure message.
pub(crate) fn describe_rets(rets: &[WastRet<'_>]) -> String {
    let items: Vec<String> = rets
        .iter()
        .map(|r| match r {
            WastRet::Core(core) => describe_core(core),
            _ => "(component value)".to_string(),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn describe_nan<T>(pattern: &NanPattern<T>, bits: impl Fn(&T) -> String) -> String {
    match pattern {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => bits(v),
    }
}

fn describe_core(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("i32.const {v}"),
        WastRetCore::I64(v) => format!("i64.const {v}"),
        WastRetCore::F32(p) => format!(
            "f32.const {}",
            describe_nan(p, |v| format!(
                "{} ({:#010x})",
                f32::from_bits(v.bits),
                v.bits
            ))
        ),
        WastRetCore::F64(p) => format!(
            "f64.const {}",
            describe_nan(p, |v| format!(
                "{} ({:#018x})",
                f64::from_bits(v.bits),
                v.bits
            ))
        ),
        WastRetCore::V128(p) => format!("v128.const {}", describe_v128(p)),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match null_kind(Some(heap)) {
            Some(NullKind::Func) => "ref.null func".to_string(),
            Some(NullKind::Extern) => "ref.null extern".to_string(),
            Some(NullKind::Exn) => "ref.null exn".to_string(),
            None => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefHost(n) => format!("ref.host {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::RefAny => "ref.any".to_string(),
        WastRetCore::RefEq => "ref.eq".to_string(),
        WastRetCore::RefArray => "ref.array".to_string(),
        WastRetCore::RefStruct => "ref.struct".to_string(),
        WastRetCore::RefI31 => "ref.i31".to_string(),
        WastRetCore::RefI31Shared => "ref.i31_shared".to_string(),
        WastRetCore::Either(alternatives) => {
            let items: Vec<String> = alternatives.iter().map(describe_core).collect();
            format!("(either {})", items.join(" "))
        }
    }
}

fn describe_v128(pattern: &V128Pattern) -> String {
    fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
        items.iter().map(f).collect::<Vec<_>>().join(" ")
    }
    match pattern {
        V128Pattern::I8x16(l) => format!("i8x16 {}", join(l, |v| v.to_string())),
        V128Pattern::I16x8(l) => format!("i16x8 {}", join(l, |v| v.to_string())),
        V128Pattern::I32x4(l) => format!("i32x4 {}", join(l, |v| format!("{:#010x}", *v as u32))),
        V128Pattern::I64x2(l) => format!("i64x2 {}", join(l, |v| v.to_string())),
        V128Pattern::F32x4(l) => format!(
            "f32x4 {}",
            join(l, |p| describe_nan(p, |v| format!("{:#010x}", v.bits)))
        ),
        V128Pattern::F64x2(l) => format!(
            "f64x2 {}",
            join(l, |p| describe_nan(p, |v| format!("{:#018x}", v.bits)))
        ),
    }
}
