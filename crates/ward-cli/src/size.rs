//! Parsing of byte sizes given on the command line.

/// Parses a byte count such as `65536`, `512K`, `8M` or `1G`.
///
/// The suffixes are binary units (K = 1024 bytes); `KiB`, `MiB` and `GiB` are accepted too,
/// in any letter case.
///
/// # Errors
///
/// Returns a message for the user when the text is not a positive size that fits in `usize`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    match parse_byte_count(text)? {
        0 => Err(format!("invalid size `{text}`: must be greater than zero")),
        bytes => Ok(bytes),
    }
}

/// Parses a number of bytes as [`parse_size`] does, zero included.
pub fn parse_byte_count(text: &str) -> Result<usize, String> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err(format!(
            "invalid size `{text}`: expected a number of bytes such as 65536, 512K or 8M"
        ));
    }
    let unit: usize = match suffix.to_ascii_lowercase().as_str() {
        "" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "invalid size `{text}`: unknown suffix `{suffix}` (use K, M or G)"
            ))
        }
    };
    let bytes = digits
        .parse::<usize>()
        .ok()
        .and_then(|count| count.checked_mul(unit))
        .ok_or_else(|| format!("invalid size `{text}`: too large"))?;
    Ok(bytes)
}

/// Parses a duration: a number with an optional unit `ms`, `s` or `m` (seconds when
/// none), e.g. `500ms`, `1.5s`, `2m`.
///
/// # Errors
///
/// A message naming the accepted forms when the text is not a duration.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("`{text}` is not a duration: write e.g. 500ms, 2s or 1m"))?;
    std::time::Duration::try_from_secs_f64(value * scale)
        .map_err(|_| format!("`{text}` is too long a duration"))
}

#[cfg(test)]
mod tests {
    use super::{parse_byte_count, parse_size};

    #[test]
    fn plain_bytes() {
        assert_eq!(parse_size("65536"), Ok(65536));
    }

    #[test]
    fn binary_suffixes() {
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("8M"), Ok(8 * 1024 * 1024));
        assert_eq!(parse_size("8MiB"), Ok(8 * 1024 * 1024));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_size("").is_err());
        assert!(parse_size("K").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("1.5M").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("0K").is_err());
        assert!(parse_size("99999999999999999999999").is_err());
        assert!(parse_size(&format!("{}G", usize::MAX)).is_err());
    }

    #[test]
    fn byte_counts_may_be_zero() {
        assert_eq!(parse_byte_count("0"), Ok(0));
        assert_eq!(parse_byte_count("4G"), Ok(4 << 30));
        assert!(parse_byte_count("").is_err());
    }

    #[test]
    fn durations() {
        use super::parse_duration;
        use std::time::Duration;
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
