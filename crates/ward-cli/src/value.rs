//! Wasm values on the command line: parsing arguments and printing results.

use ward::{Val, ValType};

/// Parses a command-line argument as a value of type `ty`.
///
/// Integers are decimal or `0x` hexadecimal, optionally negative; values up to the unsigned
/// maximum are accepted and wrap (`0xffffffff` is the i32 -1). Floats are decimal, `nan`,
/// `inf` or `-inf`. A reference argument can only be `null`.
///
/// # Errors
///
/// Returns a message for the user when `text` is not a value of type `ty`.
pub fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let invalid = || format!("invalid {ty} argument `{text}`");
    match ty {
        ValType::I32 => parse_int(text, 32)
            .map(|bits| Val::I32(bits as u32 as i32))
            .ok_or_else(invalid),
        ValType::I64 => parse_int(text, 64)
            .map(|bits| Val::I64(bits as u64 as i64))
            .ok_or_else(invalid),
        ValType::F32 => text.parse::<f32>().map(Val::from).map_err(|_| invalid()),
        ValType::F64 => text.parse::<f64>().map(Val::from).map_err(|_| invalid()),
        ValType::Ref(r) if text == "null" && r.is_nullable() => Ok(Val::default_for(ty)),
        ValType::Ref(_) => Err(format!(
            "invalid {ty} argument `{text}`: only `null`, for a nullable reference type, can be \
             passed from the command line"
        )),
        ValType::V128 => Err("v128 arguments are not supported on the command line".to_owned()),
    }
}

/// Parses a decimal or `0x` hexadecimal integer that fits in `bits` bits, signed or unsigned,
/// and returns its two's complement bit pattern.
fn parse_int(text: &str, bits: u32) -> Option<i128> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (digits, radix) = match magnitude
        .strip_prefix("0x")
        .or_else(|| magnitude.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (magnitude, 10),
    };
    // `from_str_radix` accepts a sign of its own; the sign was handled above.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    let value = if negative {
        0i128.checked_sub_unsigned(magnitude)?
    } else {
        i128::try_from(magnitude).ok()?
    };
    let min = -(1i128 << (bits - 1));
    let max = (1i128 << bits) - 1;
    (min..=max).contains(&value).then_some(value)
}

/// Formats a result value: integers as signed decimal, floats in Rust's `Display` form,
/// references as `ref.null func`, `ref.func`, `ref.null extern`, `ref.extern`,
/// `ref.null exn` or `ref.exn`.
pub fn format(val: &Val) -> String {
    match val {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(bits) => format!("0x{bits:032x}"),
        Val::FuncRef(None) => "ref.null func".to_owned(),
        Val::FuncRef(Some(_)) => "ref.func".to_owned(),
        Val::ExternRef(None) => "ref.null extern".to_owned(),
        Val::ExternRef(Some(_)) => "ref.extern".to_owned(),
        Val::ExnRef(None) => "ref.null exn".to_owned(),
        Val::ExnRef(Some(_)) => "ref.exn".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{format, parse};
    use ward::{Val, ValType};

    fn i32_of(text: &str) -> Option<i32> {
        parse(text, ValType::I32).ok()?.i32()
    }

    fn i64_of(text: &str) -> Option<i64> {
        parse(text, ValType::I64).ok()?.i64()
    }

    #[test]
    fn integers() {
        assert_eq!(i32_of("42"), Some(42));
        assert_eq!(i32_of("-42"), Some(-42));
        assert_eq!(i32_of("0x10"), Some(16));
        assert_eq!(i32_of("-0x10"), Some(-16));
        assert_eq!(i32_of("0xffffffff"), Some(-1));
        assert_eq!(i32_of("4294967295"), Some(-1));
        assert_eq!(i32_of("-2147483648"), Some(i32::MIN));
        assert_eq!(i64_of("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(i64_of("0xffffffffffffffff"), Some(-1));
    }

    #[test]
    fn integers_out_of_range_or_malformed() {
        assert_eq!(i32_of("4294967296"), None);
        assert_eq!(i32_of("-2147483649"), None);
        assert_eq!(i32_of(""), None);
        assert_eq!(i32_of("-"), None);
        assert_eq!(i32_of("0x"), None);
        assert_eq!(i32_of("+5"), None);
        assert_eq!(i32_of("--5"), None);
        assert_eq!(i32_of("1.5"), None);
        assert_eq!(i64_of("18446744073709551616"), None);
    }

    #[test]
    fn floats() {
        assert_eq!(parse("1.5", ValType::F32).unwrap().f32(), Some(1.5));
        assert_eq!(parse("-2", ValType::F64).unwrap().f64(), Some(-2.0));
        assert_eq!(
            parse("inf", ValType::F64).unwrap().f64(),
            Some(f64::INFINITY)
        );
        assert_eq!(
            parse("-inf", ValType::F32).unwrap().f32(),
            Some(f32::NEG_INFINITY)
        );
        assert!(parse("nan", ValType::F64).unwrap().f64().unwrap().is_nan());
        assert!(parse("one", ValType::F64).is_err());
    }

    #[test]
    fn references() {
        assert!(matches!(
            parse("null", ValType::FUNCREF),
            Ok(Val::FuncRef(None))
        ));
        assert!(parse("0", ValType::EXTERNREF).is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format(&Val::I32(-7)), "-7");
        assert_eq!(format(&Val::I64(6765)), "6765");
        assert_eq!(format(&Val::from(1.5f32)), "1.5");
        assert_eq!(format(&Val::from(f64::NEG_INFINITY)), "-inf");
        assert_eq!(format(&Val::FuncRef(None)), "ref.null func");
        assert_eq!(format(&Val::ExternRef(None)), "ref.null extern");
    }
}
