//! Link settings for the `ward` binary.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // A position-independent executable has its absolute addresses (the interpreter's
    // handler tables hold thousands) patched by the dynamic linker at every start,
    // one relocation record each. Packed relative relocations (DT_RELR) encode them as
    // a bitmap that glibc 2.36 and later applies in a fraction of the time: `ward run`
    // of a hello-world starts faster. A linker that does not know the option, or a
    // glibc without DT_RELR, leaves the usual relocations in place.
    if os == "linux" && env == "gnu" {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
