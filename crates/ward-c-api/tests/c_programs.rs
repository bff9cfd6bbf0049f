//! The C programs of `tests/c` (one per API group) and the example, compiled with
//! the system C compiler against the library `cargo test` has just built, shared and
//! static, and run: each must exit with 0 and print what its `.out` file holds.
//! One more build, under AddressSanitizer and LeakSanitizer, must run them all with
//! no report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The programs, by file name without `.c`, in `tests/c`.
const PROGRAMS: &[&str] = &["types", "module", "func", "externals", "ward", "wasi"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of `libward.so` and `libward.a`: the test executable's profile
/// directory (above its `deps`), where they are built first.
///
/// `cargo test` builds a library for its integration tests only when they can link
/// it as Rust; this one they cannot, so the first call builds it with the same cargo,
/// profile and target directory. It asks for the whole workspace's libraries and tests,
/// so that dependencies get the features `cargo test --workspace` gave them and are
/// reused, not built again with fewer (the spec tests' `all-arch`, for one): only the
/// library itself is compiled then.
fn lib_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("the test executable's path");
            let dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("the test executable is in <target>/<profile>/deps")
                .to_path_buf();
            let profile = dir.file_name().unwrap().to_str().unwrap().to_string();
            let profile = if profile == "debug" {
                "dev".to_string()
            } else {
                profile
            };
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--workspace",
                    "--lib",
                    "--tests",
                    "--profile",
                    &profile,
                ])
                .arg("--target-dir")
                .arg(dir.parent().unwrap())
                .status()
                .expect("running cargo to build the library");
            assert!(status.success(), "building libward failed");
            dir
        })
        .clone()
}

#[derive(Clone, Copy, Debug)]
enum Link {
    Shared,
    Static,
    /// Static, with the C code under AddressSanitizer and LeakSanitizer (whose
    /// allocator ward's allocations go through too, so leaks of either show).
    Sanitized,
}

/// The source of program `name`: `tests/c/<name>.c`, or `examples/<name>.c`.
fn source(name: &str) -> PathBuf {
    let test = crate_dir().join("tests/c").join(format!("{name}.c"));
    if test.exists() {
        test
    } else {
        crate_dir().join("examples").join(format!("{name}.c"))
    }
}

/// Compiles program `name`, returning the executable's path.
fn compile(name: &str, link: Link) -> PathBuf {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("c-{link:?}"));
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(name);
    let lib = lib_dir();
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-std=c11", "-g", "-Wall", "-Wextra", "-Werror", "-pthread"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg(source(name))
        .arg("-o")
        .arg(&exe);
    if let Link::Sanitized = link {
        cc.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    match link {
        Link::Shared => {
            cc.arg("-L").arg(&lib).arg("-lward");
            cc.arg(format!("-Wl,-rpath,{}", lib.display()));
        }
        Link::Static | Link::Sanitized => {
            // What Rust's standard library needs from the system when linked statically.
            // The library's debug info would make each program about 300 MB.
            cc.arg(lib.join("libward.a")).args([
                "-Wl,--strip-debug",
                "-lpthread",
                "-ldl",
                "-lm",
                "-lrt",
                "-lutil",
                "-lgcc_s",
            ]);
        }
    }
    let output = cc.output().expect("running the C compiler (cc)");
    assert!(
        output.status.success(),
        "compiling {name} ({link:?}) failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

/// Runs program `name` built with `link`, and checks its exit status and output.
fn run(name: &str, link: Link) {
    let exe = compile(name, link);
    let mut cmd = Command::new(&exe);
    cmd.current_dir(crate_dir().join("tests/c"));
    if let Link::Sanitized = link {
        // ward handles SIGSEGV itself (guard pages of memories and stacks).
        cmd.env("ASAN_OPTIONS", "detect_leaks=1:handle_segv=0:exitcode=99");
    }
    let output = cmd.output().expect("running a C program");
    // Built again by each run: nothing to keep, and a statically linked one is large.
    let _ = std::fs::remove_file(&exe);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} ({link:?}) failed with {}:\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let expected_path = source(name).with_extension("out");
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", expected_path.display()));
    assert_eq!(
        stdout, expected,
        "{name} ({link:?}) printed something else; stderr:\n{stderr}"
    );
}

fn run_all(link: Link) {
    for name in PROGRAMS.iter().chain(&["wasi_host"]) {
        run(name, link);
    }
}

#[test]
fn shared_library() {
    run_all(Link::Shared);
}

#[test]
fn static_library() {
    run_all(Link::Static);
}

#[test]
fn address_and_leak_sanitizer() {
    run_all(Link::Sanitized);
}

/// The flags `ward.pc` gives: pkg-config's answer where it is installed, else the
/// file's `Cflags` and `Libs` with its variables expanded.
fn pkg_config_flags(pc_dir: &Path) -> Vec<String> {
    if let Ok(output) = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ward"])
        .env("PKG_CONFIG_PATH", pc_dir)
        .output()
    {
        assert!(
            output.status.success(),
            "pkg-config failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return String::from_utf8(output.stdout)
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
    }
    let pc = std::fs::read_to_string(pc_dir.join("ward.pc")).unwrap();
    let mut vars: Vec<(String, String)> = Vec::new();
    let expand = |s: &str, vars: &[(String, String)]| {
        let mut s = s.to_string();
        for (k, v) in vars {
            s = s.replace(&format!("${{{k}}}"), v);
        }
        s
    };
    let mut flags = Vec::new();
    for line in pc.lines() {
        if let Some((k, v)) = line.split_once('=') {
            if !k.contains(':') {
                let v = expand(v, &vars);
                vars.push((k.to_string(), v));
                continue;
            }
        }
        if let Some(v) = line
            .strip_prefix("Cflags:")
            .or_else(|| line.strip_prefix("Libs:"))
        {
            flags.extend(expand(v, &vars).split_whitespace().map(String::from));
        }
    }
    flags
}

/// `install.sh` puts the library, the headers and `ward.pc` under a prefix; the
/// example builds with the flags of `ward.pc` alone, and runs.
#[test]
fn install_and_pkg_config() {
    let lib = lib_dir();
    let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    let status = Command::new("bash")
        .arg(crate_dir().join("install.sh"))
        .arg(&prefix)
        .arg(&lib)
        .status()
        .expect("running install.sh");
    assert!(status.success(), "install.sh failed");
    let pc_dir = prefix.join("lib/pkgconfig");
    let pc = std::fs::read_to_string(pc_dir.join("ward.pc")).unwrap();
    assert!(pc.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))));

    let exe = prefix.join("wasi_host");
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .arg(crate_dir().join("examples/wasi_host.c"))
        .arg("-o")
        .arg(&exe)
        .args(pkg_config_flags(&pc_dir))
        .output()
        .expect("running the C compiler (cc)");
    assert!(
        output.status.success(),
        "compiling the example with ward.pc's flags failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = Command::new(&exe)
        .env("LD_LIBRARY_PATH", prefix.join("lib"))
        .output()
        .unwrap();
    assert!(output.status.success(), "the installed example failed");
    let expected = std::fs::read_to_string(crate_dir().join("examples/wasi_host.out")).unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

/// Every function `wasm.h` and `ward.h` declare is defined: a C program that takes
/// the address of each links against both libraries.
#[test]
fn every_declared_function_is_defined() {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&cc)
        .args(["-E", "-x", "c", "-"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"#include \"ward.h\"\n")?;
            child.wait_with_output()
        })
        .expect("running the C preprocessor");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    // A name followed by `(` is a function's declaration (or an inline one's call).
    let mut names: Vec<&str> = Vec::new();
    for (at, _) in text.match_indices('(') {
        let before = text[..at].trim_end();
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name = &before[start..];
        if (name.starts_with("wasm_") || name.starts_with("ward_")) && !names.contains(&name) {
            names.push(name);
        }
    }
    assert!(names.len() > 300, "found only {} functions", names.len());
    let mut program = String::from("#include <stdio.h>\n#include \"ward.h\"\nvoid* all[] = {\n");
    for name in &names {
        program.push_str(&format!("  (void*){name},\n"));
    }
    program.push_str(
        "};\nint main(void) { printf(\"%zu\\n\", sizeof all / sizeof *all); return 0; }\n",
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("declared");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("declared.c"), program).unwrap();
    let lib = lib_dir();
    for (exe, link) in [
        (
            "declared-shared",
            vec!["-L".to_string(), lib.display().to_string(), "-lward".into()],
        ),
        (
            "declared-static",
            vec![
                lib.join("libward.a").display().to_string(),
                "-lpthread".into(),
                "-ldl".into(),
                "-lm".into(),
            ],
        ),
    ] {
        let output = Command::new(&cc)
            .arg(dir.join("declared.c"))
            .arg("-I")
            .arg(crate_dir().join("include"))
            .arg("-o")
            .arg(dir.join(exe))
            .args(&link)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "a declared function is missing from the library:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
