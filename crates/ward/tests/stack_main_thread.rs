//! The native stack scenarios on the process's main thread, whose stack the C library
//! derives from the stack mapping and `RLIMIT_STACK` (so a small `ulimit -s` counts).
//! libtest runs tests on other threads, so this test has its own `main`.

mod support;

use std::panic::catch_unwind;

/// The main thread's stack from `pthread_getattr_np`: its lowest address and its end.
fn c_library_stack() -> (usize, usize) {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `attr` is initialised by `pthread_getattr_np` before it is read and is
    // destroyed once; `addr` and `size` are written by `pthread_attr_getstack`.
    unsafe {
        assert_eq!(
            libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()),
            0
        );
        let mut addr = std::ptr::null_mut();
        let mut size = 0usize;
        assert_eq!(
            libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size),
            0
        );
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        (addr as usize, addr as usize + size)
    }
}

fn main() {
    let checks: [(&str, fn()); 5] = [
        ("ward sees the stack the C library reports", || {
            let ward =
                ward::native_stack::thread_stack().expect("ward finds the main thread's stack");
            let libc = c_library_stack();
            assert_eq!(
                (ward.low, ward.high),
                libc,
                "ward's bounds against the C library's"
            );
        }),
        ("endless recursion traps StackOverflow", || {
            let (engine, modules) = support::endless_recursion_modules();
            support::check_endless_recursion(&engine, &modules);
        }),
        ("endless recursion in compiled code traps", || {
            if !ward::Strategy::Cranelift.is_available() {
                println!("  (compiled tier not available: skipped)");
                return;
            }
            let mut config = ward::Config::new();
            config.strategy(ward::Strategy::Cranelift);
            let (engine, modules) = support::endless_recursion_modules_on(&config);
            // Compiled frames live on this stack: the wasm stack size ends the recursion
            // on a large main stack, the stack's own end on a small one (`ulimit -s`).
            support::check_endless_recursion_ends_in(
                &engine,
                &modules,
                &[
                    ward::TrapKind::StackOverflow,
                    ward::TrapKind::NativeStackOverflow,
                ],
            );
        }),
        ("host ping-pong traps NativeStackOverflow", || {
            let (engine, module) = support::ping_pong_module(&support::deep_wasm_stack());
            support::check_ping_pong(&engine, &module, "pong");
        }),
        (
            "ping-pong through a 2 KiB host buffer traps NativeStackOverflow",
            || {
                let (engine, module) = support::ping_pong_module(&support::deep_wasm_stack());
                support::check_ping_pong(&engine, &module, "pong_big");
            },
        ),
    ];
    let mut failed = 0;
    for (name, check) in checks {
        match catch_unwind(check) {
            Ok(()) => println!("main thread: {name} ... ok"),
            Err(_) => {
                failed += 1;
                println!("main thread: {name} ... FAILED");
            }
        }
    }
    println!("{} passed, {failed} failed", checks.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
