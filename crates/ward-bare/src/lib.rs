//! ward embedded without the standard library, as firmware or a kernel embeds it.
//!
//! This crate is `#![no_std]` with `alloc`, and depends on ward without default
//! features, so ward is `no_std` too: the interpreter, binary modules, no compiled tier.
//! The embedder's part is what this crate shows: a [`Platform`] that knows the stack of
//! the task that runs wasm (here set by [`init`], as a scheduler that allocates task
//! stacks would), and host functions. It lives in a workspace of its own, so that no
//! other crate turns ward's `std` feature on; its tests run it on the host.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use ward::native_stack::ThreadStack;
use ward::{Caller, Engine, Error, Linker, Module, Platform, Store, Val};

/// The board's platform: the bounds of the one task stack that runs wasm.
struct Board {
    low: AtomicUsize,
    high: AtomicUsize,
}

impl Platform for Board {
    fn thread_stack(&self) -> Option<ThreadStack> {
        let low = self.low.load(Ordering::Acquire);
        let high = self.high.load(Ordering::Acquire);
        (low != 0 && low < high).then_some(ThreadStack { low, high })
    }
}

static BOARD: Board = Board {
    low: AtomicUsize::new(0),
    high: AtomicUsize::new(0),
};

/// Tells ward where the stack of the task that runs wasm lies, installing the board's
/// platform on the first call. Only that task may call [`run`].
pub fn init(stack: ThreadStack) {
    BOARD.low.store(stack.low, Ordering::Release);
    BOARD.high.store(stack.high, Ordering::Release);
    ward::set_platform(&BOARD);
}

/// What a run returns: the export's results, and the numbers the module logged.
#[derive(Debug)]
pub struct Outcome {
    pub results: Vec<Val>,
    pub log: Vec<i32>,
}

/// Loads the binary module `wasm`, links its import `env.log(i32)` (if it has one), and
/// calls its export `name` with `args`.
///
/// # Errors
///
/// Whatever ward reports: an invalid module, a missing export or import, a trap.
pub fn run(wasm: &[u8], name: &str, args: &[Val]) -> Result<Outcome, Error> {
    let engine = Engine::default();
    let module = Module::from_binary(&engine, wasm)?;
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "env",
        "log",
        |mut caller: Caller<'_, Vec<i32>>, value: i32| {
            caller.data_mut().push(value);
        },
    )?;
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module)?;
    let func = instance
        .get_func(&store, name)
        .ok_or_else(|| Error::Other(alloc::format!("no exported function `{name}`")))?;
    let mut results: Vec<Val> = func
        .ty(&store)
        .results()
        .iter()
        .map(|ty| Val::default_for(*ty))
        .collect();
    func.call(&mut store, args, &mut results)?;
    Ok(Outcome {
        results,
        log: core::mem::take(store.data_mut()),
    })
}
