//! Throwing and catching wasm exceptions in the interpreter.
//!
//! An exception is thrown at an op: a `throw`, a `throw_ref`, or a call whose callee
//! (a host function, compiled code, or wasm in another activation) ended with an
//! uncaught exception. The unwinder works in two phases. First it looks, without
//! changing anything, for the first `catch` clause that covers the op and matches, in
//! the running function and then at the call op of each caller in this activation.
//! Found, it pops the frames above the catching one (each as a return would, so the
//! registers follow) and enters the clause's landing pad with the exception's values
//! in place. Not found, the activation ends with a trap of kind
//! [`TrapKind::Exception`](crate::TrapKind::Exception) while every frame is still there, so its backtrace shows
//! where the exception was thrown; whoever called into this activation (the host, or
//! the executor of an outer activation through a host function or compiled code)
//! goes on unwinding from its own call.
//!
//! Neither phase uses native stack in proportion to the depth of the wasm stack: both
//! are loops over the frame records.

use super::Executor;
use crate::error::{Error, Trap};
use crate::index::{ExnRefId, TagIndex};
use crate::ir::{CatchHandler, CatchKind, CompiledFunc, Instr};
use crate::prelude::*;
use crate::vm::{exnref_cell, VMContext};

impl Executor {
    /// Throws a new exception of tag `tag` whose values are in the cells from `base`.
    /// Returns true when a handler caught it (the registers are then at its landing
    /// pad), false when the activation ended with the exception in `self.fault`.
    #[inline(never)]
    pub(super) fn throw_new(&mut self, tag: TagIndex, base: u32) -> bool {
        let instance = self.instance();
        let store = self.store_mut();
        let tag = store.instance(instance).tag_id(tag);
        let cells = store.tag_type(tag).func_type().param_cells();
        let values: Box<[u64]> = (0..cells).map(|i| self.get(base + i)).collect();
        let exception = self.store_mut().exceptions_mut().alloc(tag, values);
        self.unwind(exception)
    }

    /// Throws exception `exception` from the op at `self.ip`: see the module's docs.
    /// Returns as [`Executor::throw_new`] does.
    #[inline(never)]
    pub(super) fn unwind(&mut self, exception: ExnRefId) -> bool {
        let Some((depth, handler)) = self.find_handler(exception) else {
            let id = self.store_mut().id();
            self.fault = Some(Trap::exception_of(id, exception).into());
            return false;
        };
        for _ in 0..depth {
            let popped = self.ret();
            debug_assert!(popped, "the handler's frame is in this activation");
        }
        self.land(exception, handler);
        true
    }

    /// The error of a call, for the handlers: an uncaught exception of this store
    /// is thrown on from the call op at `self.ip` (true when it was caught); any other
    /// error ends the activation (false, with the error in `self.fault`).
    pub(super) fn throw_or_fail(&mut self, error: Error) -> bool {
        let store = self.store_mut().id();
        match &error {
            Error::Trap(trap) => match trap.exception_in(store) {
                Some(Ok(exception)) => return self.unwind(exception),
                Some(Err(other)) => self.fault = Some(other.into()),
                None => self.fault = Some(error),
            },
            _ => self.fault = Some(error),
        }
        false
    }

    /// The first clause that catches `exception`, and how many frames lie above the
    /// one it belongs to.
    fn find_handler(&mut self, exception: ExnRefId) -> Option<(usize, CatchHandler)> {
        // SAFETY: see `store_mut`; only read here.
        let store = unsafe { &*self.inner };
        let tag = store.exceptions().get(exception).tag();
        let matching = |vmctx: *mut VMContext, code: *const CompiledFunc, ip: *const Instr| {
            // SAFETY: a frame's code is live translated code and its ip points into
            // its ops; its vmctx is the live vmctx of its instance.
            let (code, instance) = unsafe { (&*code, VMContext::header(vmctx).instance) };
            let at = (ip as usize - code.ops.as_ptr() as usize) / size_of::<Instr>();
            let at = at as u32;
            let is_tag = |t| store.instance(instance).tag_id(t) == tag;
            let handlers = &code.handlers;
            let mut i = 0;
            while let Some(&handler) = handlers.get(i) {
                i += 1;
                if !(handler.start <= at && at < handler.end) {
                    continue;
                }
                match handler.kind {
                    CatchKind::All { .. } | CatchKind::Legacy { tag: None, .. } => {
                        return Some(handler)
                    }
                    CatchKind::Tag { tag, .. } | CatchKind::Legacy { tag: Some(tag), .. } => {
                        if is_tag(tag) {
                            return Some(handler);
                        }
                    }
                    // Translation makes `resume` point past the delegate's own clause,
                    // so the walk only goes forward.
                    CatchKind::Delegate { resume } if resume == u32::MAX => return None,
                    CatchKind::Delegate { resume } => i = resume as usize,
                }
            }
            None
        };
        if let Some(handler) = matching(self.vmctx, self.code, self.ip) {
            return Some((0, handler));
        }
        let callers = store.wasm_stack().frames_above(self.entry_depth);
        callers.iter().rev().enumerate().find_map(|(i, frame)| {
            // The saved ip is the op after the call; the call is the op before it.
            let handler = matching(frame.vmctx, frame.code, frame.ip.wrapping_sub(1))?;
            Some((i + 1, handler))
        })
    }

    /// Enters `handler`'s landing pad in the running function with `exception`'s
    /// values (and reference) in its slots.
    fn land(&mut self, exception: ExnRefId, handler: CatchHandler) {
        // SAFETY: see `store_mut`; the cells are copied out before anything changes
        // the store.
        let cells = unsafe { &*self.inner }.exceptions().get(exception).cells();
        // Whether the clause takes the values, and where the reference goes, if it
        // takes one: after the values, or (legacy) in the slot before them.
        let (values, ref_slot) = match handler.kind {
            CatchKind::Tag { with_ref, .. } => {
                (true, with_ref.then(|| handler.slot + cells.len() as u32))
            }
            CatchKind::All { with_ref } => (false, with_ref.then_some(handler.slot)),
            CatchKind::Legacy { tag, rethrown } => {
                (tag.is_some(), rethrown.then(|| handler.slot - 1))
            }
            CatchKind::Delegate { .. } => unreachable!("a delegate catches nothing itself"),
        };
        if values {
            for (slot, &cell) in (handler.slot..).zip(cells) {
                self.set(slot, cell);
            }
        }
        let exceptions = self.store_mut().exceptions_mut();
        match ref_slot {
            Some(slot) => {
                exceptions.expose(exception);
                self.set(slot, exnref_cell(exception));
            }
            None => exceptions.caught_by_value(exception),
        }
        // SAFETY: translation puts every landing pad inside the function's ops.
        let code: &CompiledFunc = unsafe { &*self.code };
        self.ip = unsafe { code.ops.as_ptr().add(handler.landing as usize) };
        // What threw may have been a host function that grew a memory.
        self.load_memory();
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Linker, Module, Store};

    /// Exceptions thrown and caught by value are freed as they are caught, in both
    /// tiers; one caught by reference, or that reached the host, stays.
    #[test]
    fn exceptions_caught_by_value_are_reclaimed() {
        reclaimed(&Engine::default());
        if crate::Strategy::Cranelift.is_available() {
            let mut config = crate::Config::new();
            config.strategy(crate::Strategy::Cranelift);
            reclaimed(&Engine::new(&config));
        }
    }

    fn reclaimed(engine: &Engine) {
        let module = Module::new(
            engine,
            r#"(module
                (tag $e (param i32))
                (func $throw (param i32) (throw $e (local.get 0)))
                (func (export "by_value") (param i32) (result i32) (local i32)
                    (loop $again
                        (block $h (result i32)
                            (try_table (catch $e $h) (call $throw (local.get 0)))
                            (unreachable))
                        (local.set 1 (i32.add (local.get 1)))
                        (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                    (local.get 1))
                (func (export "by_ref") (result exnref)
                    (block $h (result exnref)
                        (try_table (catch_all_ref $h) (call $throw (i32.const 1)))
                        (unreachable))))"#,
        )
        .unwrap();
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine)
            .instantiate(&mut store, &module)
            .unwrap();
        assert_eq!(
            module.is_compiled(),
            engine.config().get_strategy() == crate::Strategy::Cranelift
        );
        let by_value = instance
            .get_typed_func::<i32, i32>(&store, "by_value")
            .unwrap();
        assert_eq!(by_value.call(&mut store, 10_000).unwrap(), 50_005_000);
        assert_eq!(store.inner.exceptions().live(), 0);
        let by_ref = instance.get_func(&store, "by_ref").unwrap();
        let mut result = [crate::Val::I32(0)];
        by_ref.call(&mut store, &[], &mut result).unwrap();
        assert_eq!(store.inner.exceptions().live(), 1);
    }
}
