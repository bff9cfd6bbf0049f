//! The state of one WASI guest, and the builder that sets it up.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;

use crate::pipe::{HostOutput, Input, Output, ReadPipe, WritePipe};
use crate::table::{DirEntry, Entry, FdTable, Kind};
use crate::types::rights;

/// What a guest may do in a preopened directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirPerms {
    /// Read, create, change and delete files and directories.
    #[default]
    ReadWrite,
    /// Only read: every right that modifies the file system is withheld from the
    /// directory and from everything opened through it.
    ReadOnly,
}

/// An error while setting up a [`WasiCtx`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A directory to preopen could not be opened.
    #[error("cannot open the directory `{}` to give it to the guest: {source}", path.display())]
    Preopen {
        /// The host path.
        path: PathBuf,
        /// Why it could not be opened.
        source: std::io::Error,
    },
    /// A guest path of a preopen is not valid.
    #[error("invalid guest path `{0}` for a preopened directory: it must be non-empty and contain no NUL")]
    GuestPath(String),
    /// An argument or environment variable contains a NUL byte, which the guest's C
    /// strings cannot hold.
    #[error("{0} contains a NUL byte")]
    Nul(String),
}

/// The WASI state of a guest: arguments, environment, descriptors and exit status.
///
/// Keep it in the store's data and hand [`add_to_linker`](crate::add_to_linker) a way
/// to reach it. Built by [`WasiCtxBuilder`].
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) table: FdTable,
    pub(crate) exit_code: Option<i32>,
    pub(crate) trace: bool,
}

impl WasiCtx {
    /// A builder for a new context.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The status the guest passed to `proc_exit`, once it has called it.
    ///
    /// `proc_exit` stops the guest with a host trap; the embedder that gets the error
    /// asks this (or [`I32Exit::from_error`](crate::I32Exit::from_error)) whether the
    /// trap was an exit.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// Prints every WASI call, its arguments and its result on stderr (for `-v -v`).
    pub fn set_trace(&mut self, on: bool) {
        self.trace = on;
    }
}

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("exit_code", &self.exit_code)
            .finish_non_exhaustive()
    }
}

/// Builds a [`WasiCtx`].
///
/// By default a guest has no arguments (not even a program name), no environment,
/// no preopened directories, an empty standard input, and standard output and error
/// that discard what is written.
///
/// ```
/// use ward_wasi::{WasiCtxBuilder, WritePipe};
///
/// let stdout = WritePipe::new_in_memory();
/// let ctx = WasiCtxBuilder::new()
///     .arg("prog")
///     .arg("--verbose")
///     .env("LANG", "C")
///     .stdout(stdout.clone())
///     .build();
/// # let _ = ctx;
/// ```
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    preopens: Vec<(cap_std::fs::Dir, String, DirPerms)>,
    listeners: Vec<TcpListener>,
    streams: Vec<TcpStream>,
}

impl std::fmt::Debug for WasiCtxBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtxBuilder")
            .field("args", &self.args)
            .field("env", &self.env.len())
            .field("preopens", &self.preopens.len())
            .finish_non_exhaustive()
    }
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// A builder with the defaults described above.
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Input::Pipe(ReadPipe::empty()),
            stdout: Output::Pipe(WritePipe::sink()),
            stderr: Output::Pipe(WritePipe::sink()),
            preopens: Vec::new(),
            listeners: Vec::new(),
            streams: Vec::new(),
        }
    }

    /// Appends a command-line argument; the first is the program name by convention.
    pub fn arg(&mut self, arg: impl AsRef<str>) -> &mut Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends command-line arguments.
    pub fn args(&mut self, args: impl IntoIterator<Item = impl AsRef<str>>) -> &mut Self {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Sets an environment variable.
    pub fn env(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        self.env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Sets environment variables.
    pub fn envs(
        &mut self,
        vars: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
    ) -> &mut Self {
        for (key, value) in vars {
            self.env(key, value);
        }
        self
    }

    /// Passes the host process's environment to the guest (its UTF-8 variables).
    pub fn inherit_env(&mut self) -> &mut Self {
        for (key, value) in std::env::vars_os() {
            if let (Some(key), Some(value)) = (key.to_str(), value.to_str()) {
                self.env(key, value);
            }
        }
        self
    }

    /// Gives the guest this standard input.
    pub fn stdin(&mut self, pipe: ReadPipe) -> &mut Self {
        self.stdin = Input::Pipe(pipe);
        self
    }

    /// Gives the guest this standard output.
    pub fn stdout(&mut self, pipe: WritePipe) -> &mut Self {
        self.stdout = Output::Pipe(pipe);
        self
    }

    /// Gives the guest this standard error.
    pub fn stderr(&mut self, pipe: WritePipe) -> &mut Self {
        self.stderr = Output::Pipe(pipe);
        self
    }

    /// Gives the guest the host process's standard input.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = Input::Inherit;
        self
    }

    /// Gives the guest the host process's standard output.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = Output::Inherit(HostOutput::Stdout);
        self
    }

    /// Gives the guest the host process's standard error.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = Output::Inherit(HostOutput::Stderr);
        self
    }

    /// Gives the guest the host process's standard input, output and error.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Opens the host directory `host_path` now and gives it to the guest as
    /// `guest_path` (for example `/` or `.`). The guest reaches nothing outside it:
    /// absolute paths, `..` past its root and symbolic links that lead out all fail.
    ///
    /// Preopens get descriptors 3, 4, ... in the order they are added.
    ///
    /// # Errors
    ///
    /// [`Error::Preopen`] when the directory cannot be opened (it does not exist, is
    /// not a directory, or is not readable); [`Error::GuestPath`] for an empty guest path.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl AsRef<str>,
        perms: DirPerms,
    ) -> Result<&mut Self, Error> {
        let host_path = host_path.as_ref();
        let dir = cap_std::fs::Dir::open_ambient_dir(host_path, ambient_authority()).map_err(
            |source| Error::Preopen {
                path: host_path.to_owned(),
                source,
            },
        )?;
        self.preopened_cap_dir(dir, guest_path, perms)
    }

    /// Gives the guest an already opened cap-std directory as `guest_path`.
    ///
    /// # Errors
    ///
    /// [`Error::GuestPath`] for an empty guest path or one containing NUL.
    pub fn preopened_cap_dir(
        &mut self,
        dir: cap_std::fs::Dir,
        guest_path: impl AsRef<str>,
        perms: DirPerms,
    ) -> Result<&mut Self, Error> {
        let guest_path = guest_path.as_ref();
        if guest_path.is_empty() || guest_path.contains('\0') {
            return Err(Error::GuestPath(guest_path.to_owned()));
        }
        self.preopens.push((dir, guest_path.to_owned(), perms));
        Ok(self)
    }

    /// Gives the guest a listening TCP socket, on which it can `sock_accept`
    /// connections. Sockets get the descriptors after the preopened directories.
    pub fn preopened_tcp_listener(&mut self, listener: TcpListener) -> &mut Self {
        self.listeners.push(listener);
        self
    }

    /// Gives the guest a connected TCP socket, for `sock_recv`, `sock_send` and
    /// `sock_shutdown` (and `fd_read`/`fd_write`).
    pub fn preopened_tcp_stream(&mut self, stream: TcpStream) -> &mut Self {
        self.streams.push(stream);
        self
    }

    /// Builds the context. The builder is left empty (its preopens move into the context).
    ///
    /// # Errors
    ///
    /// [`Error::Nul`] when an argument or environment variable contains a NUL byte.
    pub fn try_build(&mut self) -> Result<WasiCtx, Error> {
        let mut args = Vec::new();
        for arg in std::mem::take(&mut self.args) {
            if arg.contains('\0') {
                return Err(Error::Nul(format!("the argument {arg:?}")));
            }
            args.push(arg.into_bytes());
        }
        let mut env = Vec::new();
        for (key, value) in std::mem::take(&mut self.env) {
            if key.contains('\0') || value.contains('\0') {
                return Err(Error::Nul(format!("the environment variable {key:?}")));
            }
            env.push(format!("{key}={value}").into_bytes());
        }

        let mut table = FdTable::default();
        let stdio = [
            Entry::new(Kind::Stdin(self.stdin.clone()), rights::STDIN, 0),
            Entry::new(Kind::Stdout(self.stdout.clone()), rights::STDOUT, 0),
            Entry::new(Kind::Stdout(self.stderr.clone()), rights::STDOUT, 0),
        ];
        for entry in stdio {
            table.push(entry).expect("a new table has room for stdio");
        }
        for (dir, guest, perms) in std::mem::take(&mut self.preopens) {
            let withheld = match perms {
                DirPerms::ReadWrite => 0,
                DirPerms::ReadOnly => rights::MUTATING,
            };
            let entry = Entry::new(
                Kind::Dir(DirEntry {
                    dir,
                    preopen: Some(guest),
                    listing: None,
                }),
                rights::DIRECTORY & !withheld,
                rights::DIRECTORY_INHERITING & !withheld,
            );
            table.push(entry).expect("preopens fit in the table");
        }
        for listener in std::mem::take(&mut self.listeners) {
            let entry = Entry::new(Kind::Listener(listener), rights::LISTENER, rights::SOCKET);
            table.push(entry).expect("sockets fit in the table");
        }
        for stream in std::mem::take(&mut self.streams) {
            let entry = Entry::new(Kind::Stream(stream), rights::SOCKET, 0);
            table.push(entry).expect("sockets fit in the table");
        }
        Ok(WasiCtx {
            args,
            env,
            table,
            exit_code: None,
            trace: false,
        })
    }

    /// Builds the context, like [`try_build`](Self::try_build).
    ///
    /// # Panics
    ///
    /// When an argument or environment variable contains a NUL byte.
    pub fn build(&mut self) -> WasiCtx {
        self.try_build()
            .unwrap_or_else(|err| panic!("invalid WASI context: {err}"))
    }
}
