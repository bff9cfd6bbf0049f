//! Chooses the executor's dispatch (see `src/exec/dispatch.rs`).
//!
//! `ward_tail_dispatch` is set for optimised builds (opt-level 2, 3, "s" or "z") on
//! x86-64 and AArch64, where the compiler turns the handlers' calls in tail position into
//! jumps. Unoptimised builds make no such promise, and other targets are untested: they
//! use the loop dispatch. `WARD_DISPATCH=loop` forces the loop dispatch anywhere.
//!
//! `ward_small` is set for size-tuned builds (opt-level "s" or "z"): the translator
//! then keeps one copy of its code where other builds inline it into each operator's.
//!
//! It also sets `WARD_BUILD_ID`, a hash of the crate's sources, which artifacts of the
//! compiled tier carry: code compiled by one build of ward relies on that build's
//! layouts and runtime functions, so another build refuses it.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=Cargo.toml");
    println!("cargo::rustc-env=WARD_BUILD_ID={:016x}", build_id());
    println!("cargo::rerun-if-env-changed=WARD_DISPATCH");
    println!("cargo::rustc-check-cfg=cfg(ward_tail_dispatch)");
    println!("cargo::rustc-check-cfg=cfg(ward_check_dispatch)");
    println!("cargo::rustc-check-cfg=cfg(ward_small)");
    if matches!(env::var("OPT_LEVEL").as_deref(), Ok("s" | "z")) {
        println!("cargo::rustc-cfg=ward_small");
    }
    let optimised = matches!(env::var("OPT_LEVEL").as_deref(), Ok("2" | "3" | "s" | "z"));
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let tail_target = matches!(arch.as_str(), "x86_64" | "aarch64");
    let forced_loop = env::var("WARD_DISPATCH").as_deref() == Ok("loop");
    if optimised && tail_target && !forced_loop {
        println!("cargo::rustc-cfg=ward_tail_dispatch");
    }
}

/// FNV-1a over the path and contents of every file under `src/`, in path order, and
/// `Cargo.toml`.
fn build_id() -> u64 {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    files.push(root.join("Cargo.toml"));
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut add = |bytes: &[u8]| {
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for file in &files {
        add(file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .as_bytes());
        add(&std::fs::read(file).unwrap_or_default());
    }
    hash
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
