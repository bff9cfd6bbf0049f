//! `ward::Os`, the platform of builds with `std`: the answers a `no_std` embedder's
//! platform gives, as the operating system gives them.

use ward::native_stack::stack_pointer;
use ward::{Os, Platform};

#[test]
fn the_os_knows_this_threads_stack() {
    let stack = Os
        .thread_stack()
        .expect("Linux and macOS say where a thread's stack is");
    let sp = stack_pointer();
    assert!(
        stack.low < sp && sp < stack.high,
        "{stack:?} holds the stack pointer {sp:#x}"
    );
    // A thread spawned with a given stack size sees about that much.
    let size = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| Os.thread_stack().unwrap().size())
        .unwrap()
        .join()
        .unwrap();
    assert!(
        (256 * 1024..=512 * 1024).contains(&size),
        "a 256 KiB thread has {size} bytes"
    );
}

#[test]
fn os_reservations_commit_zeroed_pages_in_place() {
    let page = Os.page_size();
    assert!(page.is_power_of_two() && page >= 4096);
    let len = 16 * page;
    let base = Os.reserve(len).expect("address space for 16 pages");
    // SAFETY: the first two pages of the reservation, committed once, then written and
    // read within them; the reservation is released once, after the last access.
    unsafe {
        assert!(Os.commit(base, 2 * page));
        let bytes = std::slice::from_raw_parts_mut(base.as_ptr(), 2 * page);
        assert!(bytes.iter().all(|&b| b == 0));
        bytes[2 * page - 1] = 7;
        // Growing commits the next range; what was written stays where it was.
        assert!(Os.commit(
            std::ptr::NonNull::new(base.as_ptr().add(2 * page)).unwrap(),
            page
        ));
        let bytes = std::slice::from_raw_parts(base.as_ptr(), 3 * page);
        assert_eq!(bytes[2 * page - 1], 7);
        assert_eq!(bytes[3 * page - 1], 0);
        Os.release(base, len);
    }
}
