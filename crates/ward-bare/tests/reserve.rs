//! ward without `std` on a platform that reserves address space: a memory grows in
//! place inside its reservation, as on an OS with virtual memory, and the platform gets
//! back every reservation it made (a process of its own, since a platform stays).

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::ptr::NonNull;
use std::sync::Mutex;

use ward::native_stack::{stack_pointer, ThreadStack};
use ward::{Config, Engine, Linker, Module, Platform, Store};

const PAGE: usize = 4096;

/// Reservations from the allocator, zeroed up front: committing a range then needs no
/// work, and the platform checks that ward commits only inside its reservations.
struct Reserving {
    stack: Mutex<Option<ThreadStack>>,
    /// Live reservations: address, length, committed prefix.
    live: Mutex<Vec<(usize, usize, usize)>>,
    reserved: Mutex<usize>,
}

impl Platform for Reserving {
    fn thread_stack(&self) -> Option<ThreadStack> {
        *self.stack.lock().unwrap()
    }

    fn page_size(&self) -> usize {
        PAGE
    }

    fn reserve(&self, len: usize) -> Option<NonNull<u8>> {
        assert_eq!(len % PAGE, 0, "reservations are whole pages");
        // SAFETY: a non-zero size (ward reserves nothing empty) with a valid alignment.
        let ptr = NonNull::new(unsafe { alloc_zeroed(Layout::from_size_align(len, PAGE).ok()?) })?;
        self.live
            .lock()
            .unwrap()
            .push((ptr.as_ptr() as usize, len, 0));
        *self.reserved.lock().unwrap() += 1;
        Some(ptr)
    }

    unsafe fn commit(&self, ptr: NonNull<u8>, len: usize) -> bool {
        let at = ptr.as_ptr() as usize;
        let mut live = self.live.lock().unwrap();
        let reservation = live
            .iter_mut()
            .find(|(start, size, _)| *start <= at && at + len <= start + size)
            .expect("ward commits inside a reservation");
        // Committed ranges follow each other from the reservation's start.
        assert_eq!(at, reservation.0 + reservation.2, "commits are in order");
        reservation.2 += len;
        true
    }

    unsafe fn release(&self, ptr: NonNull<u8>, len: usize) {
        let mut live = self.live.lock().unwrap();
        let at = live
            .iter()
            .position(|&(start, size, _)| start == ptr.as_ptr() as usize && size == len)
            .expect("ward releases whole reservations it made");
        live.swap_remove(at);
        // SAFETY: reserved above with this layout, and released once.
        unsafe { dealloc(ptr.as_ptr(), Layout::from_size_align_unchecked(len, PAGE)) };
    }
}

static PLATFORM: Reserving = Reserving {
    stack: Mutex::new(None),
    live: Mutex::new(Vec::new()),
    reserved: Mutex::new(0),
};

#[test]
fn memories_grow_in_place_in_a_platform_reservation() {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let sp = stack_pointer();
            *PLATFORM.stack.lock().unwrap() = Some(ThreadStack {
                low: sp - 448 * 1024,
                high: sp,
            });
            assert!(ward::set_platform(&PLATFORM));

            let mut config = Config::new();
            config.memory_reservation(4 << 16);
            let engine = Engine::new(&config);
            let wasm = wat::parse_str(
                r#"(module (memory (export "memory") 1 4)
                     (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#,
            )
            .unwrap();
            let module = Module::from_binary(&engine, &wasm).unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
            let memory = instance.get_memory(&store, "memory").unwrap();
            let poke = instance
                .get_typed_func::<(i32, i32), ()>(&store, "poke")
                .unwrap();
            poke.call(&mut store, (100, 7)).unwrap();
            let base = memory.data(&store).as_ptr();
            assert_eq!(memory.grow(&mut store, 3).unwrap(), 1);
            // Grown in place: the same base, the bytes where they were, the new pages
            // zero and usable.
            assert_eq!(memory.data(&store).as_ptr(), base);
            assert_eq!(memory.data(&store)[100], 7);
            assert!(memory.data(&store)[65536..].iter().all(|&b| b == 0));
            poke.call(&mut store, (4 * 65536 - 4, 9)).unwrap();
            assert!(*PLATFORM.reserved.lock().unwrap() >= 1);
            drop(store);
            assert!(
                PLATFORM.live.lock().unwrap().is_empty(),
                "every reservation is released with its store"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}
