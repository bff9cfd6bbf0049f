//! Chooses the executor's dispatch (see `src/exec/dispatch.rs`).
//!
//! `ward_tail_dispatch` is set for optimised builds (opt-level 2, 3, "s" or "z") on
//! x86-64 and AArch64, where the compiler turns the handlers' calls in tail position into
//! jumps. Unoptimised builds make no such promise, and other targets are untested: they
//! use the loop dispatch. `WARD_DISPATCH=loop` forces the loop dispatch anywhere.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=WARD_DISPATCH");
    println!("cargo::rustc-check-cfg=cfg(ward_tail_dispatch)");
    println!("cargo::rustc-check-cfg=cfg(ward_check_dispatch)");
    let optimised = matches!(env::var("OPT_LEVEL").as_deref(), Ok("2" | "3" | "s" | "z"));
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let tail_target = matches!(arch.as_str(), "x86_64" | "aarch64");
    let forced_loop = env::var("WARD_DISPATCH").as_deref() == Ok("loop");
    if optimised && tail_target && !forced_loop {
        println!("cargo::rustc-cfg=ward_tail_dispatch");
    }
}
