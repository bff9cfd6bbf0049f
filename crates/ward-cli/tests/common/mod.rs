//! Helpers shared by the command-line tests: temporary files and running `ward`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file or directory under the system temp dir, removed when dropped.
pub struct Temp(pub PathBuf);

impl Temp {
    /// A unique path under the temp dir ending in `name`.
    pub fn path(name: &str) -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!(
            "ward-cli-test-{}-{unique}-{name}",
            std::process::id()
        ))
    }

    /// A file named `...-{name}` holding `contents`.
    pub fn file(name: &str, contents: impl AsRef<[u8]>) -> Temp {
        let path = Self::path(name);
        std::fs::write(&path, contents).expect("failed to write a temp file");
        Temp(path)
    }

    /// An empty directory.
    pub fn dir() -> Temp {
        Self::dir_named("dir")
    }

    /// An empty directory named `...-{name}`.
    pub fn dir_named(name: &str) -> Temp {
        let path = Self::path(name);
        std::fs::create_dir_all(&path).expect("failed to create a temp dir");
        Temp(path)
    }

    pub fn as_str(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Runs the `ward` binary with `args`.
pub fn ward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .output()
        .expect("failed to start ward")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it differs.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "unexpected exit status\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// A file of the repository's `examples` folder.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}
