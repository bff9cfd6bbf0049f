//! Link settings for `examples/tiny.rs`, the smallest embedder.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // Optimised builds only (`release` and `size`, which inherits from it): a debugger
    // still finds its way up the stack of a debug build.
    let optimised = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if os != "linux" || env != "gnu" || !optimised {
        return;
    }
    // The example's absolute addresses (the interpreter's handler tables) as a bitmap
    // (DT_RELR) instead of one 24-byte record each: 20 KB less.
    println!("cargo::rustc-link-arg-examples=-Wl,-z,pack-relative-relocs");
    no_unwind_tables();
}

/// Leaves the unwind tables (`.eh_frame` and its index, `.eh_frame_hdr`) out of the
/// examples: a fifth of `tiny`'s bytes.
///
/// The precompiled `core` and `alloc` can unwind, so the compiler gives every function
/// that calls into them a table entry even with `panic = "abort"` and
/// `-C force-unwind-tables=no`. Nothing in a program without `std` that aborts on panic
/// reads them: no unwinder is linked, no backtrace is printed. Only a debugger or
/// profiler walking the stack would, and they still can in a debug build.
///
/// A linker script (`-T`) that ends in `INSERT` adds to the default script rather than
/// replacing it; `INSERT AFTER .text` puts its `/DISCARD/` rule ahead of the default
/// `.eh_frame` rule, so that the section's input goes nowhere. GNU ld and lld (Rust's
/// default linker on this target) both understand it.
fn no_unwind_tables() {
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let script = out.join("no-unwind-tables.ld");
    let text = "SECTIONS\n{\n  /DISCARD/ : { *(.eh_frame) }\n}\nINSERT AFTER .text;\n";
    if std::fs::write(&script, text).is_ok() {
        println!("cargo::rustc-link-arg-examples=-Wl,--no-eh-frame-hdr");
        println!("cargo::rustc-link-arg-examples=-Wl,-T,{}", script.display());
    }
}
