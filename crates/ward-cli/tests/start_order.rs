//! The optimised command line keeps the code a start runs together (build.rs,
//! `start_order`), and `start-order.txt` still names that code.

use std::process::Command;

/// The list's lines that are patterns (names without their build's hashes) must match
/// functions in `.text.start`. Names in full are of one build only and not counted: a
/// compiler or settings other than those the list was made with give other hashes.
/// Below this share the list has gone stale: rerun bench/tools/start_order.py.
const MATCHED_AT_LEAST: f64 = 0.75;

#[test]
#[cfg_attr(
    any(debug_assertions, not(all(target_os = "linux", target_env = "gnu"))),
    ignore = "only optimised builds for Linux (glibc) order their code"
)]
fn start_functions_are_placed_together() {
    let ward = env!("CARGO_BIN_EXE_ward");
    let sections = readelf(&["-SW", ward]);
    let Some(index) = sections.lines().find_map(|line| {
        let line = line.trim_start().strip_prefix('[')?;
        let (index, rest) = line.split_once(']')?;
        (rest.split_whitespace().next()? == ".text.start").then(|| index.trim().to_owned())
    }) else {
        panic!("{ward} has no .text.start section:\n{sections}");
    };
    // `readelf -s`: Num, Value, Size, Type, Bind, Vis, Ndx, Name.
    let symbols = readelf(&["-sW", ward]);
    let placed: Vec<&str> = symbols
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() == 8 && fields[3] == "FUNC" && fields[6] == index).then(|| fields[7])
        })
        .collect();
    let list = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/start-order.txt"))
        .expect("start-order.txt");
    let patterns: Vec<&str> = list
        .lines()
        .filter(|line| !line.starts_with('#') && line.contains('*'))
        .collect();
    let missing: Vec<&str> = patterns
        .iter()
        .copied()
        .filter(|pattern| !placed.iter().any(|name| matches(pattern, name)))
        .collect();
    let matched = (patterns.len() - missing.len()) as f64 / patterns.len() as f64;
    assert!(
        patterns.len() > 100 && matched >= MATCHED_AT_LEAST,
        "{} of {} patterns of start-order.txt match no function in .text.start; \
         regenerate the list with bench/tools/start_order.py. The first ones: {:#?}",
        missing.len(),
        patterns.len(),
        &missing[..missing.len().min(20)]
    );
}

fn readelf(args: &[&str]) -> String {
    let output = Command::new("readelf")
        .args(args)
        .output()
        .expect("readelf (binutils) runs");
    assert!(output.status.success(), "readelf {args:?} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let mut parts = parts.peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[test]
fn wildcards_match_as_the_linker_does() {
    assert!(matches(
        "_ZN4ward4main17h*",
        "_ZN4ward4main17h0123456789abcdefE"
    ));
    assert!(matches("_RNvCs*_3std4call", "_RNvCsjrHSEGnQ3l9_3std4call"));
    assert!(matches("a*b*c", "axxbyyc"));
    assert!(matches("exact", "exact"));
    assert!(!matches("exact", "exactly"));
    assert!(!matches("_ZN4ward4main17h*", "_ZN4ward5mains17h0123E"));
    assert!(!matches("a*b*c", "axxcyyb"));
    assert!(!matches("a*bc", "abc-"));
}
