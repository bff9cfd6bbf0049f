//! Ten thousand native stack overflows leak nothing: the heap in use afterwards is what
//! it was before. (A test binary of its own: it counts every allocation.)

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use support::trap_kind;
use ward::TrapKind;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn ten_thousand_overflows_leak_nothing() {
    let mut config = support::deep_wasm_stack();
    config.max_native_stack(Some(128 << 10));
    let (engine, module) = support::ping_pong_module(&config);
    support::on_thread(1 << 20, move || {
        let (mut store, instance) = support::ping_pong_store(&engine, &module);
        let pong = instance.get_typed_func::<i32, ()>(&store, "pong").unwrap();
        let mut overflow = || {
            assert_eq!(
                trap_kind(pong.call(&mut store, 0)),
                TrapKind::NativeStackOverflow
            );
        };
        for _ in 0..100 {
            overflow();
        }
        let before = LIVE.load(Ordering::Relaxed);
        for _ in 0..10_000 {
            overflow();
        }
        let after = LIVE.load(Ordering::Relaxed);
        assert_eq!(
            after,
            before,
            "heap in use grew by {} bytes",
            after - before
        );
    });
}
