//! A guest for tests: a module whose exports call the WASI functions with the same
//! parameters, so a test drives WASI calls one by one from the host and sees each errno.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ward::{Engine, Instance, Linker, Memory, Module, Store, Val};
use ward_wasi::{Errno, WasiCtx, WasiCtxBuilder};

/// The WASI functions the guest calls, with their wasm parameter types.
const FUNCTIONS: &[(&str, &str)] = &[
    ("args_get", "i32 i32"),
    ("args_sizes_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("environ_sizes_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_close", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_fdstat_set_rights", "i32 i64 i64"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ("sock_send", "i32 i32 i32 i32 i32"),
    ("sock_shutdown", "i32 i32"),
];

/// Where the test puts strings in guest memory.
pub const SCRATCH: u32 = 1024;
/// A second scratch area, for a second path.
pub const SCRATCH2: u32 = 8192;
/// Where results (descriptors, counts) are written.
pub const OUT: u32 = 512;
/// The guest memory's size: one page.
pub const MEMORY_SIZE: u32 = 65536;

fn guest_wat() -> String {
    let mut wat = String::from("(module\n");
    for (name, params) in FUNCTIONS {
        wat.push_str(&format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        ));
    }
    wat.push_str("  (memory (export \"memory\") 1)\n");
    for (name, params) in FUNCTIONS {
        let count = params.split_whitespace().count();
        let args: String = (0..count).map(|i| format!(" (local.get {i})")).collect();
        wat.push_str(&format!(
            "  (func (export \"{name}\") (param {params}) (result i32) (call ${name}{args}))\n"
        ));
    }
    wat.push(')');
    wat
}

/// A guest instance and its store.
pub struct Guest {
    pub store: Store<WasiCtx>,
    instance: Instance,
    memory: Memory,
}

impl Guest {
    pub fn new(ctx: WasiCtx) -> Guest {
        let engine = Engine::default();
        let module = Module::new(&engine, guest_wat()).expect("the guest module is valid");
        let mut store = Store::new(&engine, ctx);
        let mut linker = Linker::new(&engine);
        ward_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&store, "memory").unwrap();
        Guest {
            store,
            instance,
            memory,
        }
    }

    /// A guest whose only preopen (descriptor 3) is `dir`, as `/`.
    pub fn with_dir(dir: &Path, perms: ward_wasi::DirPerms) -> Guest {
        let ctx = WasiCtxBuilder::new()
            .preopened_dir(dir, "/", perms)
            .unwrap()
            .build();
        Guest::new(ctx)
    }

    /// Calls WASI function `name` with `args` (i32 for `u32`, i64 for `u64`).
    pub fn call(&mut self, name: &str, args: &[Val]) -> Result<(), Errno> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .unwrap_or_else(|| panic!("the guest does not call {name}"));
        let mut result = [Val::I32(0)];
        func.call(&mut self.store, args, &mut result)
            .unwrap_or_else(|err| panic!("{name} trapped: {err}"));
        let Val::I32(errno) = result[0] else {
            panic!("{name} returned a non-i32")
        };
        match errno {
            0 => Ok(()),
            n => Err(Errno::from_raw(n as u16).expect("a WASI errno")),
        }
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) {
        self.memory
            .write(&mut self.store, ptr as usize, bytes)
            .unwrap();
    }

    pub fn read(&self, ptr: u32, len: u32) -> Vec<u8> {
        let mut buf = vec![0; len as usize];
        self.memory
            .read(&self.store, ptr as usize, &mut buf)
            .unwrap();
        buf
    }

    pub fn read_u32(&self, ptr: u32) -> u32 {
        u32::from_le_bytes(self.read(ptr, 4).try_into().unwrap())
    }

    pub fn read_u64(&self, ptr: u32) -> u64 {
        u64::from_le_bytes(self.read(ptr, 8).try_into().unwrap())
    }

    /// Puts `path` at `at` and returns its (pointer, length) as call arguments.
    pub fn path_at(&mut self, at: u32, path: &str) -> [Val; 2] {
        self.write(at, path.as_bytes());
        [Val::I32(at as i32), Val::I32(path.len() as i32)]
    }

    /// `path_open` relative to `dir`; returns the new descriptor.
    pub fn open(
        &mut self,
        dir: u32,
        path: &str,
        oflags: u16,
        rights: u64,
        follow: bool,
    ) -> Result<u32, Errno> {
        let [p, len] = self.path_at(SCRATCH, path);
        self.call(
            "path_open",
            &[
                Val::I32(dir as i32),
                Val::I32(follow as i32),
                p,
                len,
                Val::I32(oflags as i32),
                Val::I64(rights as i64),
                Val::I64(rights as i64),
                Val::I32(0),
                Val::I32(OUT as i32),
            ],
        )?;
        Ok(self.read_u32(OUT))
    }

    /// A call that takes (fd, path, path_len).
    pub fn path_call(&mut self, name: &str, dir: u32, path: &str) -> Result<(), Errno> {
        let [p, len] = self.path_at(SCRATCH, path);
        self.call(name, &[Val::I32(dir as i32), p, len])
    }

    /// `path_filestat_get`; returns the file type.
    pub fn filetype(&mut self, dir: u32, path: &str, follow: bool) -> Result<u8, Errno> {
        let [p, len] = self.path_at(SCRATCH, path);
        self.call(
            "path_filestat_get",
            &[
                Val::I32(dir as i32),
                Val::I32(follow as i32),
                p,
                len,
                Val::I32(OUT as i32),
            ],
        )?;
        Ok(self.read(OUT + 16, 1)[0])
    }

    /// `path_symlink(target, dir, link)`.
    pub fn symlink(&mut self, target: &str, dir: u32, link: &str) -> Result<(), Errno> {
        let [t, tlen] = self.path_at(SCRATCH, target);
        let [l, llen] = self.path_at(SCRATCH2, link);
        self.call("path_symlink", &[t, tlen, Val::I32(dir as i32), l, llen])
    }

    /// `path_rename(dir, from, dir, to)`.
    pub fn rename(&mut self, dir: u32, from: &str, to: &str) -> Result<(), Errno> {
        let [f, flen] = self.path_at(SCRATCH, from);
        let [t, tlen] = self.path_at(SCRATCH2, to);
        self.call(
            "path_rename",
            &[Val::I32(dir as i32), f, flen, Val::I32(dir as i32), t, tlen],
        )
    }

    /// `path_link(dir, from, dir, to)` without following symlinks.
    pub fn link(&mut self, dir: u32, from: &str, to: &str) -> Result<(), Errno> {
        let [f, flen] = self.path_at(SCRATCH, from);
        let [t, tlen] = self.path_at(SCRATCH2, to);
        self.call(
            "path_link",
            &[
                Val::I32(dir as i32),
                Val::I32(0),
                f,
                flen,
                Val::I32(dir as i32),
                t,
                tlen,
            ],
        )
    }

    /// `fd_read` of up to `len` bytes into the scratch area.
    pub fn read_fd(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        self.write(OUT, &SCRATCH2.to_le_bytes());
        self.write(OUT + 4, &len.to_le_bytes());
        self.call(
            "fd_read",
            &[
                Val::I32(fd as i32),
                Val::I32(OUT as i32),
                Val::I32(1),
                Val::I32(OUT as i32 + 8),
            ],
        )?;
        let n = self.read_u32(OUT + 8);
        Ok(self.read(SCRATCH2, n))
    }

    /// `fd_write` of `bytes`; returns the count written.
    pub fn write_fd(&mut self, fd: u32, bytes: &[u8]) -> Result<u32, Errno> {
        self.write(SCRATCH2, bytes);
        self.write(OUT, &SCRATCH2.to_le_bytes());
        self.write(OUT + 4, &(bytes.len() as u32).to_le_bytes());
        self.call(
            "fd_write",
            &[
                Val::I32(fd as i32),
                Val::I32(OUT as i32),
                Val::I32(1),
                Val::I32(OUT as i32 + 8),
            ],
        )?;
        Ok(self.read_u32(OUT + 8))
    }

    /// `fd_fdstat_get`: (base rights, inheriting rights).
    pub fn rights(&mut self, fd: u32) -> Result<(u64, u64), Errno> {
        self.call(
            "fd_fdstat_get",
            &[Val::I32(fd as i32), Val::I32(OUT as i32)],
        )?;
        Ok((self.read_u64(OUT + 8), self.read_u64(OUT + 16)))
    }
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "ward-wasi-test-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
