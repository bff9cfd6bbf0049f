//! Fuzz targets for ward, as library functions.
//!
//! The cargo-fuzz targets in `fuzz/` and the deterministic smoke tests of this crate
//! call the same four functions, so a crash found by one reproduces in the other:
//!
//! - [`load`]: arbitrary bytes through [`ward::Module::from_binary`] (lazy and eager
//!   translation) and [`ward::Module::new`]. Nothing may panic, and every rejection
//!   is an [`ward::Error::Compile`] whose offset lies within the input.
//! - [`execute`]: a valid module from wasm-smith, made to terminate by wasm-smith's
//!   `ensure_termination`, instantiated with dummy imports; every exported function
//!   is called with arguments from the input. The input chooses the tier: the
//!   interpreter, or the compiled tier where the platform has it. Traps are fine;
//!   panics, crashes, errors other than traps, and results of the wrong type are
//!   findings.
//! - [`differential`]: the same kind of module and the same calls in ward's
//!   interpreter, in its compiled tier where the platform has it, and in wasmi, the
//!   oracle (wasmi 2, with wasmi 1 as a second opinion). ward's tiers must agree with
//!   each other, and with the oracle: results, traps and their kinds, exported
//!   globals, tables and memories after every call (floats by bits, any NaN matching
//!   any NaN).
//! - [`deserialize`]: artifacts of the compiled tier, truncated or with changed bytes
//!   (behind a checksum written anew, to reach the checks behind it), through
//!   [`ward::Module::deserialize`]. Nothing may panic, every refusal is an
//!   [`ward::Error::Compile`] within the input, and nothing damaged loads unless its
//!   checksum was rewritten.
//!
//! Each target panics on a finding, with a message that says what disagreed; it returns
//! [`Stats`] about the input otherwise.

#![warn(missing_docs)]

mod deserialize;
mod differential;
mod execute;
pub mod inputs;
mod load;
pub mod smith;

pub use deserialize::deserialize;
pub use differential::{differential, differential_module};
pub use execute::execute;
pub use load::load;

use std::ops::AddAssign;

/// What one or more inputs exercised, for a fuzzing run's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Inputs run.
    pub inputs: u64,
    /// Inputs that produced a valid module (for `load`: that ward accepted).
    pub modules: u64,
    /// Modules instantiated.
    pub instances: u64,
    /// Calls of exported functions.
    pub calls: u64,
    /// Calls that trapped.
    pub traps: u64,
    /// Modules that ran on ward's compiled tier: in `differential`, besides the
    /// interpreter; in `execute`, instead of it.
    pub compiled_modules: u64,
    /// Calls made on ward's compiled tier.
    pub compiled_calls: u64,
    /// Differential runs ended early because all engines exhausted their stacks, or
    /// skipped because no oracle accepted the module.
    pub inconclusive: u64,
    /// Differential runs in which one oracle disagreed with ward while another agreed:
    /// an oracle's bug, or a difference the specification allows.
    pub oracle_disagreements: u64,
}

impl Stats {
    fn input() -> Stats {
        Stats {
            inputs: 1,
            ..Stats::default()
        }
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.inputs += other.inputs;
        self.modules += other.modules;
        self.instances += other.instances;
        self.calls += other.calls;
        self.traps += other.traps;
        self.compiled_modules += other.compiled_modules;
        self.compiled_calls += other.compiled_calls;
        self.inconclusive += other.inconclusive;
        self.oracle_disagreements += other.oracle_disagreements;
    }
}

/// The module wasm-smith generates for `data` in the target `target` (`"execute"` or
/// `"differential"`), to inspect a finding; `None` for another target or when the
/// input cannot drive wasm-smith.
pub fn generated_module(target: &str, data: &[u8]) -> Option<Vec<u8>> {
    match target {
        "execute" => execute::plan(data).map(|plan| plan.generated.wasm),
        "differential" => differential::plan(data).map(|plan| plan.generated.wasm),
        _ => None,
    }
}
