//! ward without `std` and without a platform: it cannot know where the native stack
//! ends, so it enters no wasm at all and traps instead (a process of its own, since a
//! platform, once installed, stays).

use ward::{Error, TrapKind};

#[test]
fn without_a_platform_calls_trap() {
    let wasm =
        wat::parse_str(r#"(module (func (export "one") (result i32) (i32.const 1)))"#).unwrap();
    match ward_bare::run(&wasm, "one", &[]) {
        Err(Error::Trap(trap)) => assert_eq!(trap.kind(), TrapKind::NativeStackOverflow),
        other => panic!("expected a native stack overflow, got {other:?}"),
    }
}
