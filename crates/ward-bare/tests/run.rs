//! ward without `std`, run on the host: one thread plays the task that runs wasm, with
//! a stack of a known size whose bounds it gives the platform, as firmware would.

use ward::native_stack::{stack_pointer, ThreadStack};
use ward::{Error, TrapKind, Val};

const MODULE: &str = r#"
(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; Grows the memory by `pages`, writes the page count at the end of every page and
  ;; logs the sum of what it reads back: the memory moves when it grows (no platform
  ;; reservation), and its bytes must come along.
  (func (export "grow") (param $pages i32) (result i32)
    (local $i i32) (local $sum i32)
    (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (unreachable)))
    (loop $write
      (i32.store (i32.sub (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 65536))
                          (i32.const 4))
                 (i32.add (local.get $i) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $write (i32.lt_u (local.get $i) (memory.size))))
    (local.set $i (i32.const 0))
    (loop $read
      (local.set $sum (i32.add (local.get $sum)
        (i32.load (i32.sub (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 65536))
                           (i32.const 4)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $read (i32.lt_u (local.get $i) (memory.size))))
    (call $log (local.get $sum))
    (memory.size))
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $forever (export "forever") (call $forever)))
"#;

fn i32s(values: &[Val]) -> Vec<i32> {
    values
        .iter()
        .map(|value| match value {
            Val::I32(n) => *n,
            other => panic!("expected an i32, got {other:?}"),
        })
        .collect()
}

fn trap_kind(result: Result<ward_bare::Outcome, Error>) -> TrapKind {
    match result {
        Err(Error::Trap(trap)) => trap.kind(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// The task's stack: 512 KiB, of which the platform is told about all but a margin
/// above the current frame and a margin for the guard page at the bottom.
const TASK_STACK: usize = 512 * 1024;

#[test]
fn interpreter_runs_without_std() {
    let wasm = wat::parse_str(MODULE).unwrap();
    std::thread::Builder::new()
        .stack_size(TASK_STACK)
        .spawn(move || {
            let sp = stack_pointer();
            let whole = ThreadStack {
                low: sp - (TASK_STACK - 64 * 1024),
                high: sp,
            };
            ward_bare::init(whole);

            let fib = ward_bare::run(&wasm, "fib", &[Val::I32(20)]).unwrap();
            assert_eq!(i32s(&fib.results), [6765]);
            assert!(fib.log.is_empty());

            // 1 + 15 pages: the sum of 1..=16 read back after the moves.
            let grown = ward_bare::run(&wasm, "grow", &[Val::I32(15)]).unwrap();
            assert_eq!(i32s(&grown.results), [16]);
            assert_eq!(grown.log, [136]);

            let divide = ward_bare::run(&wasm, "divide", &[Val::I32(7), Val::I32(0)]);
            assert_eq!(trap_kind(divide), TrapKind::IntegerDivisionByZero);

            // Endless recursion fills the wasm stack, not the native one.
            assert_eq!(
                trap_kind(ward_bare::run(&wasm, "forever", &[])),
                TrapKind::StackOverflow
            );

            // A task whose stack is nearly used up: ward refuses to enter wasm rather
            // than overflow it, and the task goes on.
            let sp = stack_pointer();
            ward_bare::init(ThreadStack {
                low: sp - 1024,
                high: sp,
            });
            assert_eq!(
                trap_kind(ward_bare::run(&wasm, "fib", &[Val::I32(5)])),
                TrapKind::NativeStackOverflow
            );
            ward_bare::init(whole);
            let again = ward_bare::run(&wasm, "fib", &[Val::I32(10)]).unwrap();
            assert_eq!(i32s(&again.results), [55]);
        })
        .unwrap()
        .join()
        .unwrap();
}
