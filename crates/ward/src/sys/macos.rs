//! macOS: the thread's stack from the pthread extensions.

use super::ThreadStack;

/// The current thread's stack, from `pthread_get_stackaddr_np` (its top) and
/// `pthread_get_stacksize_np`.
pub(crate) fn thread_stack() -> Option<ThreadStack> {
    // SAFETY: both calls only read the current thread's attributes.
    let (top, size) = unsafe {
        let this = libc::pthread_self();
        (
            libc::pthread_get_stackaddr_np(this) as usize,
            libc::pthread_get_stacksize_np(this),
        )
    };
    if top == 0 || size == 0 || size > top {
        return None;
    }
    Some(ThreadStack {
        low: top - size,
        high: top,
    })
}

/// dyld binds lazily unless told otherwise; ward does not inspect the binary there.
pub(crate) fn symbols_bound_at_load() -> Option<bool> {
    None
}
