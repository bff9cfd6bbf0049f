//! The bridge from wasmparser's operator visitor to the translator.
//!
//! Reading a body as a sequence of [`Operator`] values costs a round trip through
//! memory per operator: the reader builds the (large) enum in a return slot and the
//! translator copies it out and branches on its tag again. wasmparser's visitor instead
//! calls one method per operator with the immediates as arguments. Each method below
//! rebuilds its operator as a local constant and runs the translator's `translate_op`
//! inlined into it, so that the compiler folds every test of the operator's kind away
//! and each method keeps only the code for its own operator. (Debug builds do not
//! inline: their frames would grow by the whole translator's. Size-tuned builds,
//! `ward_small`, do not either: a copy of the translator per operator is about 140 KiB.
//! They do not use the visitor at all: [`Visit::next`] reads each operator as an
//! [`Operator`] instead, which spares a copy of wasmparser's decoder.)
//!
//! SIMD operators, and those of the proposals ward does not translate, go through one
//! out-of-line function instead (which reports the latter as unsupported; the validator
//! has normally refused them already).

use crate::prelude::*;

#[cfg(feature = "simd")]
use wasmparser::VisitSimdOperator;
use wasmparser::{Operator, OperatorsReader, VisitOperator};

use super::{Translator, Validator};
use crate::error::Error;
use crate::module::ModuleInfo;

/// What translating one operator gives: the error boxed, so that the visitor's result
/// (wrapped in the reader's own) comes back in registers rather than through memory.
pub(super) type Outcome = core::result::Result<(), Box<Error>>;

/// Feeds one function body's operators to a translator.
pub(super) struct Visit<'t, 'm, 'v> {
    pub translator: &'t mut Translator,
    pub module: &'m ModuleInfo,
    /// Set when operators are validated as they are translated (eager translation).
    pub validator: Validator<'v>,
    /// The byte offset of the operator being visited.
    pub offset: u64,
}

impl Visit<'_, '_, '_> {
    /// Reads the next operator of `reader` and translates it: wasmparser's decoder calls
    /// this visitor's method for the operator.
    #[cfg(not(ward_small))]
    #[inline(always)]
    pub(super) fn next(&mut self, reader: &mut OperatorsReader<'_>) -> Result<(), Error> {
        reader
            .visit_operator(self)
            .map_err(Error::compile)?
            .map_err(|e| *e)
    }

    /// In size-tuned builds, reads the next operator of `reader` as an [`Operator`] and
    /// translates it. The decoder's copy specialised for this visitor would be 19 KB of
    /// code; this one is shared with the lazy validation and the constant expressions.
    #[cfg(ward_small)]
    pub(super) fn next(&mut self, reader: &mut OperatorsReader<'_>) -> Result<(), Error> {
        let op = reader.read().map_err(Error::compile)?;
        self.outlined(&op, other_memory(&op).is_some())
            .map_err(|e| *e)
    }

    /// Validates (when asked to) and translates `op`, with the translator inlined
    /// (except in size-tuned builds).
    /// `other_memory`: the operator accesses a memory other than memory 0.
    #[cfg_attr(not(any(debug_assertions, ward_small)), inline(always))]
    #[cfg_attr(ward_small, inline(never))]
    fn inlined(&mut self, op: &Operator<'_>, other_memory: bool) -> Outcome {
        self.check(op)?;
        if other_memory {
            return self.in_other_memory(op);
        }
        self.translator
            .translate_op(self.module, op)
            .map_err(Box::new)
    }

    /// Translates `op`, which accesses a memory other than memory 0, out of line.
    #[cold]
    #[inline(never)]
    fn in_other_memory(&mut self, op: &Operator<'_>) -> Outcome {
        self.translator
            .translate_in_memory(self.module, op)
            .map_err(Box::new)
    }

    /// [`Visit::inlined`] in one shared copy, for operators that are rare or not
    /// translated at all.
    #[inline(never)]
    fn outlined(&mut self, op: &Operator<'_>, other_memory: bool) -> Outcome {
        self.inlined(op, other_memory)
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn check(&mut self, op: &Operator<'_>) -> Outcome {
        if let Some(v) = self.validator.as_deref_mut() {
            v.op(self.offset, op)
                .map_err(|e| Box::new(Error::compile(e)))?;
        }
        if self.translator.ctrl.is_empty() {
            return Err(Box::new(Error::Compile {
                message: "operators remaining after end of function".into(),
                offset: self.offset as usize,
            }));
        }
        self.translator.offset = self.offset as u32;
        Ok(())
    }
}

macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Outcome {
                let other_memory = false $($( || memory_of!($arg, $arg) != 0 )*)?;
                let op = Operator::$op $({ $($arg),* })?;
                define_visit!(@route $proposal self op other_memory)
            }
        )*
    };
    // The scalar proposals of WebAssembly 2.0: each operator gets its own copy.
    (@route mvp $this:ident $op:ident $m:ident) => { $this.inlined(&$op, $m) };
    (@route sign_extension $this:ident $op:ident $m:ident) => { $this.inlined(&$op, $m) };
    (@route saturating_float_to_int $this:ident $op:ident $m:ident) => { $this.inlined(&$op, $m) };
    (@route bulk_memory $this:ident $op:ident $m:ident) => { $this.inlined(&$op, $m) };
    (@route reference_types $this:ident $op:ident $m:ident) => { $this.inlined(&$op, $m) };
    (@route $other:ident $this:ident $op:ident $m:ident) => { $this.outlined(&$op, $m) };
}

/// The memory an operator argument names, by the argument's name in wasmparser's
/// operator list (`memarg`, `mem`, `dst_mem`, `src_mem`); 0 for any other argument.
/// The name comes twice: once to match, once to use (with the caller's hygiene).
macro_rules! memory_of {
    (memarg, $value:ident) => {
        match $value.target {
            wasmparser::MemArgTarget::Memory(index) => index,
            // Not a linear memory at all: no op of the interpreter's accesses one.
            wasmparser::MemArgTarget::Array(_) => u32::MAX,
        }
    };
    (mem, $value:ident) => {
        memory_index(&$value)
    };
    (dst_mem, $value:ident) => {
        memory_index(&$value)
    };
    (src_mem, $value:ident) => {
        memory_index(&$value)
    };
    ($other:ident, $value:ident) => {
        0u32
    };
}

/// The memory other than memory 0 that `op` accesses, if any: `u32::MAX` for an
/// access to something else than a linear memory, and for a copy between two memories,
/// one of them.
pub(crate) fn other_memory(op: &Operator<'_>) -> Option<u32> {
    // Each arm is a plain 0 for the many operators without a memory argument, and the
    // same read at the same place for those with one `memarg`: the compiler merges the
    // arms into a few. (With a search over an array of the arguments in each arm, this
    // function was 10 KB of code.)
    macro_rules! define_match {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $(
                    Operator::$op $({ $($arg),* })? => {
                        let memory = 0u32;
                        $($(
                            let memory = if memory != 0 { memory } else { memory_of!($arg, $arg) };
                        )*)?
                        memory
                    }
                )*
                _ => 0,
            }
        };
    }
    #[allow(unused_variables, unreachable_patterns)]
    let memory = wasmparser::for_each_operator!(define_match);
    (memory != 0).then_some(memory)
}

/// The memory argument of `op`, if it accesses a linear memory, and how many operands
/// lie above its address on the stack: none for a load, one for a store (its value)
/// and for the SIMD lane operators (their vector).
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn address_operand(op: &Operator<'_>) -> Option<(wasmparser::MemArg, usize)> {
    macro_rules! memarg_of {
        (memarg, $value:ident) => {
            Some(*$value)
        };
        ($other:ident, $value:ident) => {
            None
        };
    }
    macro_rules! define_match {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            #[allow(unused_variables, unreachable_patterns)]
            match op {
                $(
                    Operator::$op $({ $($arg),* })? => {
                        const DEPTH: usize = address_depth(stringify!($op));
                        None $($(.or(memarg_of!($arg, $arg)))*)?.map(|memarg| (memarg, DEPTH))
                    }
                )*
                _ => None,
            }
        };
    }
    wasmparser::for_each_operator!(define_match)
}

/// The operands above the address of the memory operator named `name` (see
/// [`address_operand`]), decided when compiling from the name.
const fn address_depth(name: &str) -> usize {
    if contains(name, "Store") || contains(name, "Lane") {
        1
    } else {
        0
    }
}

/// Whether `needle` occurs in `haystack`, in a constant.
const fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let mut start = 0;
    while start + n.len() <= h.len() {
        let mut i = 0;
        while i < n.len() && h[start + i] == n[i] {
            i += 1;
        }
        if i == n.len() {
            return true;
        }
        start += 1;
    }
    false
}

/// A memory index operand, given by value or (in a match on a borrowed operator) by
/// reference.
fn memory_index(index: &u32) -> u32 {
    *index
}

impl<'a> VisitOperator<'a> for Visit<'_, '_, '_> {
    type Output = Outcome;

    #[cfg(feature = "simd")]
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit);
}

#[cfg(feature = "simd")]
impl<'a> VisitSimdOperator<'a> for Visit<'_, '_, '_> {
    wasmparser::for_each_visit_simd_operator!(define_visit);
}
