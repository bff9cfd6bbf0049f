//! Defining the `wasi_snapshot_preview1` functions in a [`Linker`].

use ward::{AsContextMut, Caller, Extern, Linker, Module, Trap};

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::types::{Errno, WasiResult};
use crate::I32Exit;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A parameter type of a WASI function, as it travels in a wasm value.
///
/// Values narrower than 32 bits travel as `i32`; one whose high bits are set is not a
/// value of the type, and the call fails with `INVAL` rather than silently truncating.
trait Param: Sized + std::fmt::Debug {
    type Wasm: ward::WasmTy + std::fmt::Debug;
    fn lift(wasm: Self::Wasm) -> WasiResult<Self>;
}

impl Param for u8 {
    type Wasm = u32;
    fn lift(wasm: u32) -> WasiResult<u8> {
        u8::try_from(wasm).map_err(|_| Errno::Inval)
    }
}

impl Param for u16 {
    type Wasm = u32;
    fn lift(wasm: u32) -> WasiResult<u16> {
        u16::try_from(wasm).map_err(|_| Errno::Inval)
    }
}

impl Param for u32 {
    type Wasm = u32;
    fn lift(wasm: u32) -> WasiResult<u32> {
        Ok(wasm)
    }
}

impl Param for u64 {
    type Wasm = u64;
    fn lift(wasm: u64) -> WasiResult<u64> {
        Ok(wasm)
    }
}

impl Param for i64 {
    type Wasm = i64;
    fn lift(wasm: i64) -> WasiResult<i64> {
        Ok(wasm)
    }
}

/// Runs one WASI call: finds the caller's exported memory, reaches the context through
/// `get`, and turns the outcome into the errno the guest receives.
fn call<T>(
    caller: &mut Caller<'_, T>,
    get: impl Fn(&mut T) -> &mut WasiCtx,
    name: &str,
    trace_args: impl FnOnce() -> String,
    f: impl FnOnce(&mut WasiCtx, &mut GuestMemory) -> WasiResult<()>,
) -> i32 {
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let store = caller.as_context_mut();
    let mut no_memory = [0u8; 0];
    let (bytes, data) = match memory {
        Some(memory) => memory.data_and_store_mut(store),
        None => (&mut no_memory[..], store.data_mut()),
    };
    let ctx = get(data);
    let trace = ctx.trace;
    let result = f(ctx, &mut GuestMemory::new(bytes));
    let errno = match result {
        Ok(()) => Errno::Success,
        Err(errno) => errno,
    };
    if trace {
        eprintln!("wasi: {name}({}) -> {}", trace_args(), errno.name());
    }
    errno as i32
}

/// Defines one host function per WASI call. Each line gives the call's name and its
/// parameters with their WASI types; the function of the same name on [`WasiCtx`]
/// does the work.
/// Only the names `$wanted` accepts are defined.
macro_rules! define {
    ($linker:ident, $get:ident, $wanted:ident; $( $name:ident ( $( $arg:ident : $ty:ty ),* ); )*) => {
        $(
            if $wanted(stringify!($name)) { $linker.func_wrap(
                MODULE,
                stringify!($name),
                move |mut caller: Caller<'_, T>, $( $arg: <$ty as Param>::Wasm ),*| -> i32 {
                    call(
                        &mut caller,
                        $get,
                        stringify!($name),
                        || {
                            let parts: Vec<String> = vec![
                                $( format!("{}={:?}", stringify!($arg), $arg) ),*
                            ];
                            parts.join(", ")
                        },
                        |ctx, mem| {
                            $( let $arg = <$ty as Param>::lift($arg)?; )*
                            ctx.$name(mem, $( $arg ),*)
                        },
                    )
                },
            )?; }
        )*
    };
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`, for guests whose
/// store data `T` holds a [`WasiCtx`] that `get` reaches.
///
/// A guest pointer outside its memory makes the call return `FAULT` (the memory is the
/// guest's export named `memory`; a guest without one gets `FAULT` for any pointer).
/// `proc_exit` stops the guest with a trap that [`I32Exit::from_error`] recognises.
///
/// ```
/// use ward::{Engine, Linker, Module, Store};
/// use ward_wasi::{WasiCtx, WasiCtxBuilder, WritePipe};
///
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"
///     (module
///       (import "wasi_snapshot_preview1" "fd_write"
///         (func $fd_write (param i32 i32 i32 i32) (result i32)))
///       (memory (export "memory") 1)
///       (data (i32.const 16) "hi\n")
///       (func (export "_start")
///         (i32.store (i32.const 0) (i32.const 16))
///         (i32.store (i32.const 4) (i32.const 3))
///         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
/// "#)?;
/// let stdout = WritePipe::new_in_memory();
/// let ctx = WasiCtxBuilder::new().stdout(stdout.clone()).build();
/// let mut store = Store::new(&engine, ctx);
/// let mut linker = Linker::new(&engine);
/// ward_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
/// let instance = linker.instantiate(&mut store, &module)?;
/// instance.get_typed_func::<(), ()>(&store, "_start")?.call(&mut store, ())?;
/// assert_eq!(stdout.contents(), b"hi\n");
/// # Ok::<(), ward::Error>(())
/// ```
///
/// # Errors
///
/// [`ward::Error::Link`] when `linker` already defines one of the names (and shadowing
/// is off).
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> ward::Result<()> {
    add_some_to_linker(linker, get, |_| true)
}

/// Defines in `linker` only the functions of `wasi_snapshot_preview1` that `module`
/// imports, as [`add_to_linker`] would define them. Defining a host function has a
/// cost (a few microseconds for all of WASI): a runner that links one module pays only
/// for what the module uses.
///
/// # Errors
///
/// As [`add_to_linker`].
pub fn add_imports_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    module: &Module,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> ward::Result<()> {
    add_some_to_linker(linker, get, |name| {
        module
            .imports()
            .any(|import| import.module() == MODULE && import.name() == name)
    })
}

/// Defines the WASI functions whose names `wanted` accepts.
fn add_some_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    wanted: impl Fn(&str) -> bool,
) -> ward::Result<()> {
    define! { linker, get, wanted;
        args_get(argv: u32, argv_buf: u32);
        args_sizes_get(argc: u32, argv_buf_size: u32);
        environ_get(environ: u32, environ_buf: u32);
        environ_sizes_get(count: u32, buf_size: u32);
        clock_res_get(id: u32, resolution: u32);
        clock_time_get(id: u32, precision: u64, time: u32);
        fd_advise(fd: u32, offset: u64, len: u64, advice: u8);
        fd_allocate(fd: u32, offset: u64, len: u64);
        fd_close(fd: u32);
        fd_datasync(fd: u32);
        fd_fdstat_get(fd: u32, stat: u32);
        fd_fdstat_set_flags(fd: u32, flags: u16);
        fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
        fd_filestat_get(fd: u32, buf: u32);
        fd_filestat_set_size(fd: u32, size: u64);
        fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u16);
        fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
        fd_prestat_get(fd: u32, buf: u32);
        fd_prestat_dir_name(fd: u32, path: u32, path_len: u32);
        fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
        fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
        fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
        fd_renumber(fd: u32, to: u32);
        fd_seek(fd: u32, offset: i64, whence: u8, newoffset: u32);
        fd_sync(fd: u32);
        fd_tell(fd: u32, offset: u32);
        fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
        path_create_directory(fd: u32, path: u32, path_len: u32);
        path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
        path_filestat_set_times(
            fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u16
        );
        path_link(
            old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32,
            new_fd: u32, new_path: u32, new_path_len: u32
        );
        path_open(
            fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u16,
            fs_rights_base: u64, fs_rights_inheriting: u64, fdflags: u16, opened_fd: u32
        );
        path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
        path_remove_directory(fd: u32, path: u32, path_len: u32);
        path_rename(
            fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32
        );
        path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32);
        path_unlink_file(fd: u32, path: u32, path_len: u32);
        poll_oneoff(subscriptions: u32, events: u32, nsubscriptions: u32, nevents: u32);
        proc_raise(signal: u8);
        sched_yield();
        random_get(buf: u32, buf_len: u32);
        sock_accept(fd: u32, flags: u16, opened_fd: u32);
        sock_recv(
            fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u16, ro_datalen: u32, ro_flags: u32
        );
        sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u16, so_datalen: u32);
        sock_shutdown(fd: u32, how: u8);
    }

    if !wanted("proc_exit") {
        return Ok(());
    }
    linker.func_wrap(
        MODULE,
        "proc_exit",
        move |mut caller: Caller<'_, T>, status: u32| -> Result<(), Trap> {
            let ctx = get(caller.data_mut());
            if ctx.trace {
                eprintln!("wasi: proc_exit(status={status})");
            }
            // WASI's exit status is a u32; the embedder sees it as the i32 of a process
            // exit status, as other runtimes report it.
            let status = status as i32;
            ctx.exit_code = Some(status);
            Err(Trap::from_error(I32Exit(status)))
        },
    )?;
    Ok(())
}
