//! Link settings for the `ward` binary.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        // A position-independent executable has its absolute addresses (the
        // interpreter's handler tables hold thousands) patched by the dynamic linker at
        // every start, one relocation record each. Packed relative relocations (DT_RELR)
        // encode them as a bitmap that glibc 2.36 and later applies in a fraction of the
        // time: `ward run` of a hello-world starts faster. A linker that does not know
        // the option, or a glibc without DT_RELR, leaves the usual relocations in place.
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        static_unwinder();
        start_order();
    }
}

/// Places the functions a start runs next to each other, at the front of the code.
///
/// The kernel maps an executable's code as it is first touched, 64 KiB around each
/// touched page. A hello-world runs about 650 functions (540 KB) of the command line's
/// 9 MB of code, spread by the linker in the order of its input over 3 MB: each start
/// faulted in about 50 windows, and those pages made most of its resident memory.
/// `start-order.txt` lists those functions (bench/tools/start_order.py writes it); a
/// linker script puts their sections (each function has its own, `.text.NAME`, or
/// `.text.unlikely.NAME` for one the compiler thinks cold) into one output section
/// before `.text`. `INSERT` adds it to the linker's default script rather than
/// replacing it; rust-lld and GNU ld both read it (a linker that does not, such as
/// gold, needs `WARD_START_ORDER=0`, which leaves the order to the linker). Only
/// optimised builds: the names are those of the release build, and a name that matches
/// nothing is no error.
fn start_order() {
    let list = std::path::Path::new("start-order.txt");
    println!("cargo::rerun-if-changed={}", list.display());
    println!("cargo::rerun-if-env-changed=WARD_START_ORDER");
    if std::env::var("PROFILE").ok().as_deref() != Some("release")
        || std::env::var("WARD_START_ORDER").ok().as_deref() == Some("0")
    {
        return;
    }
    let (Ok(names), Some(out)) = (
        std::fs::read_to_string(list),
        std::env::var_os("OUT_DIR").map(PathBuf::from),
    ) else {
        return;
    };
    let mut script = String::from("SECTIONS {\n  .text.start : {\n");
    for name in names
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
    {
        script.push_str(&format!("    *(.text.{name} .text.unlikely.{name})\n"));
    }
    script.push_str("  }\n} INSERT BEFORE .text;\n");
    let path = out.join("start-order.ld");
    if std::fs::write(&path, script).is_ok() {
        println!("cargo::rustc-link-arg-bins=-Wl,-T,{}", path.display());
    }
}

/// Links the unwinder from GCC's static archive instead of `libgcc_s.so.1`.
///
/// The standard library links `-lgcc_s` for unwinding. Loading that library runs its
/// constructor, which asks the CPU for its features with a dozen CPUID instructions; in
/// a virtual machine each one exits to the hypervisor (7 µs each where bench/README.md's
/// startup figures come from), and a hello-world spent a twentieth of its time there,
/// plus the loading of one more library. The same unwinder from `libgcc_eh.a` (what
/// `gcc -static-libgcc` links) finds every loaded object's unwind tables through
/// `dl_iterate_phdr`, as the shared one does; it has no constructor.
///
/// Rust offers no switch for this, so a linker script named `libgcc_s.so`, in a folder
/// searched before the system's, stands in for the library and names the archive. When
/// the C compiler does not know the archive (another toolchain), or when cross-compiling
/// (the host's compiler would name the host's archive), nothing changes.
fn static_unwinder() {
    if std::env::var("TARGET").ok() != std::env::var("HOST").ok() {
        return;
    }
    println!("cargo::rerun-if-env-changed=CC");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let Ok(output) = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let archive = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    // Without the archive, the compiler prints the bare name back.
    if !output.status.success() || !archive.is_absolute() || !archive.is_file() {
        return;
    }
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let script = format!("INPUT({})\n", archive.display());
    if std::fs::write(out.join("libgcc_s.so"), script).is_ok() {
        println!("cargo::rustc-link-search=native={}", out.display());
    }
}
