//! The smallest embedder: a Linux program without the standard library that loads a
//! binary module, calls one of its exports with integers from the command line, and
//! prints what it returns. It talks to the OS through the C library alone (`libc`), and
//! gives ward a platform that knows the main thread's stack.
//!
//! ```sh
//! cd crates/ward-bare
//! cargo build --profile size --features tiny --example tiny --target-dir ../../target/bare
//! ../../target/bare/size/examples/tiny ../../examples/hello.wasm fib 20    # prints 6765
//! ```
//!
//! Exit codes as `ward run`'s: 1 for a usage or I/O error, 2 when the module does not
//! load or link, 3 when it traps.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::ffi::{c_char, c_int, CStr};
use core::fmt::Write;

use ward::native_stack::{stack_pointer, ThreadStack};
use ward::{Engine, Error, Linker, Module, Platform, Store, Val, ValType};

/// The C library's allocator.
struct Malloc;

// SAFETY: `posix_memalign` returns memory aligned as asked, or fails with null; `free`
// takes what it returned.
unsafe impl GlobalAlloc for Malloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut ptr = core::ptr::null_mut();
        let align = layout.align().max(core::mem::size_of::<usize>());
        // SAFETY: `align` is a power of two and a multiple of the pointer size.
        match unsafe { libc::posix_memalign(&mut ptr, align, layout.size()) } {
            0 => ptr.cast(),
            _ => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` (the caller's contract).
        unsafe { libc::free(ptr.cast()) }
    }
}

#[global_allocator]
static ALLOCATOR: Malloc = Malloc;

/// A panic is a bug: say so and end the process.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut message = String::new();
    let _ = writeln!(message, "tiny: {info}");
    write_all(2, message.as_bytes());
    // SAFETY: ends the process; nothing runs after it.
    unsafe { libc::abort() }
}

/// The precompiled `core` and `alloc` were built to unwind, and name the unwinder's
/// symbols in their cleanup paths; this program aborts on panic, so nothing ever
/// unwinds and neither is reached. They end the process if they ever were.
#[no_mangle]
extern "C" fn rust_eh_personality() {
    // SAFETY: ends the process.
    unsafe { libc::abort() }
}

/// See [`rust_eh_personality`].
#[no_mangle]
extern "C" fn _Unwind_Resume() -> ! {
    // SAFETY: ends the process.
    unsafe { libc::abort() }
}

/// The main thread's stack, as the kernel laid it out: it grows down from above
/// `main`'s frame by at most the stack size limit.
struct MainThread {
    /// The stack pointer at `main`'s entry.
    top: core::sync::atomic::AtomicUsize,
}

impl Platform for MainThread {
    fn thread_stack(&self) -> Option<ThreadStack> {
        let high = self.top.load(core::sync::atomic::Ordering::Relaxed);
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: writes the limit into `limit`.
        if high == 0 || unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut limit) } != 0 {
            return None;
        }
        // The environment, the arguments and the frames above `main` lie between the
        // stack's top and `high`: 64 KiB is kept for them. An unlimited stack is taken
        // as the usual 8 MiB.
        let size = match limit.rlim_cur {
            libc::RLIM_INFINITY => 8 << 20,
            size => usize::try_from(size).ok()?,
        };
        let low = high.checked_sub(size.checked_sub(64 * 1024)?)?;
        Some(ThreadStack { low, high })
    }
}

static MAIN_THREAD: MainThread = MainThread {
    top: core::sync::atomic::AtomicUsize::new(0),
};

#[no_mangle]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    MAIN_THREAD
        .top
        .store(stack_pointer(), core::sync::atomic::Ordering::Relaxed);
    ward::set_platform(&MAIN_THREAD);
    let args: Vec<&str> = (0..usize::try_from(argc).unwrap_or(0))
        // SAFETY: the C runtime passes `argc` NUL-terminated strings in `argv`.
        .map(|i| unsafe { CStr::from_ptr(*argv.add(i)) })
        .map(|arg| arg.to_str().unwrap_or(""))
        .collect();
    match run(&args) {
        Ok(()) => 0,
        Err((code, message)) => {
            write_all(2, b"tiny: ");
            write_all(2, message.as_bytes());
            write_all(2, b"\n");
            code
        }
    }
}

fn run(args: &[&str]) -> Result<(), (c_int, String)> {
    let [_, path, name, numbers @ ..] = args else {
        return Err((1, "usage: tiny FILE.wasm EXPORT [INTEGER...]".into()));
    };
    let bytes = read_file(path).map_err(|message| (1, message))?;
    let load = |e: Error| (2, alloc::format!("{path}: {e}"));
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &bytes).map_err(load)?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(load)?;
    let func = instance
        .get_func(&store, name)
        .ok_or_else(|| (1, alloc::format!("{path} exports no function `{name}`")))?;
    let ty = func.ty(&store);
    if numbers.len() != ty.params().len() {
        return Err((
            1,
            alloc::format!("`{name}` takes {} arguments: {ty}", ty.params().len()),
        ));
    }
    let params = ty
        .params()
        .iter()
        .zip(numbers)
        .map(|(ty, text)| {
            // One integer parser for both types: an `i32` is an `i64` in its range.
            let n: i64 = text.parse().ok()?;
            match ty {
                ValType::I32 => i32::try_from(n).ok().map(Val::I32),
                ValType::I64 => Some(Val::I64(n)),
                _ => None,
            }
        })
        .collect::<Option<Vec<Val>>>()
        .ok_or_else(|| (1, alloc::format!("`{name}` takes integers here: {ty}")))?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &params, &mut results)
        .map_err(|e| (3, alloc::format!("{e}")))?;
    let mut out = String::new();
    for result in &results {
        let _ = match result {
            Val::I32(n) => writeln!(out, "{n}"),
            Val::I64(n) => writeln!(out, "{n}"),
            other => writeln!(out, "{other:?}"),
        };
    }
    write_all(1, out.as_bytes());
    Ok(())
}

/// The whole file at `path`.
fn read_file(path: &str) -> Result<Vec<u8>, String> {
    let mut c_path: Vec<u8> = path.as_bytes().into();
    c_path.push(0);
    // SAFETY: `c_path` is NUL-terminated.
    let fd = unsafe { libc::open(c_path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(alloc::format!("{path}: cannot open it"));
    }
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let result = loop {
        // SAFETY: reads into `chunk`, at most its length.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        match n {
            0 => break Ok(bytes),
            n if n > 0 => bytes.extend_from_slice(&chunk[..n as usize]),
            _ => break Err(alloc::format!("{path}: cannot read it")),
        }
    };
    // SAFETY: closes the descriptor opened above, once.
    unsafe { libc::close(fd) };
    result
}

/// Writes all of `bytes` to descriptor `fd`, as far as it takes them.
fn write_all(fd: c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from `bytes`, at most its length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}
