//! The native stack scenarios on the process's main thread, whose stack the C library
//! derives from the stack mapping and `RLIMIT_STACK` (so a small `ulimit -s` counts).
//! libtest runs tests on other threads, so this test has its own `main`.

mod support;

use std::panic::catch_unwind;

fn main() {
    let checks: [(&str, fn()); 3] = [
        ("endless recursion traps StackOverflow", || {
            let (engine, modules) = support::endless_recursion_modules();
            support::check_endless_recursion(&engine, &modules);
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
