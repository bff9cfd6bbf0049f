//! The `differential` target: the same module and calls in ward's two tiers and in
//! wasmi.
//!
//! Each engine runs behind the [`Runtime`] trait, which reports what happened in
//! engine-neutral terms ([`Outcome`], [`Snapshot`]), so that comparing is one piece of
//! code whatever the engines.
//!
//! ward runs twice: on its interpreter, and on its compiled tier where the platform has
//! one. The two tiers are one runtime and must agree with each other at every step, as
//! the oracles are compared with ward: results by value (any NaN matching any NaN: the
//! generated modules canonicalize the NaNs of arithmetic, but `f32.demote_f64` and
//! `f64.promote_f32` may still pass on any payload), traps by kind, the exported state
//! by value and memories byte for byte. Nothing else may differ between the tiers:
//! - stack exhaustion: each tier has a stack beyond the call depth the fuel allows, so
//!   neither runs out on a generated module unless the other does too (then the run
//!   ends, as it does when ward and the oracles all run out);
//! - fuel: the target does not use ward's fuel (which both tiers charge alike, per
//!   instruction); the modules' own fuel is a wasm global, the same on both tiers.
//!
//! The oracle is wasmi 2. An oracle can be wrong too: wasmi 2.0.0 miscompiles some
//! `select`s whose result goes to a local (see the crate's README). So wasmi 1 runs
//! beside it as a second opinion. ward must agree with at least one oracle at every
//! step; an oracle that disagrees while the other agrees is dropped for the rest of the
//! run (its state has diverged) and the run counts as an oracle disagreement, not a
//! finding.

mod ward_runtime;
mod wasmi_runtime;

use std::cell::Cell;
use std::fmt::{self, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Once, OnceLock};

use arbitrary::Unstructured;

use ward::Strategy;

use crate::execute::compilation_mode;
use crate::smith::{self, Arg, Generated, Options};
use crate::Stats;

use ward_runtime::{WardRuntime, RUN_STACK};

/// What an input of the `differential` target asks for.
pub(crate) struct Plan<'a> {
    pub(crate) generated: Generated,
    ward_eager: bool,
    wasmi_eager: bool,
    /// The rest of the input, from which the call arguments come.
    args: &'a [u8],
}

pub(crate) fn plan(data: &[u8]) -> Option<Plan<'_>> {
    let mut u = Unstructured::new(data);
    let ward_eager = u.arbitrary().ok()?;
    let wasmi_eager = u.arbitrary().ok()?;
    // Arithmetic NaNs may carry any payload, so two correct engines may store different
    // bits; canonicalized, they may not.
    let options = Options {
        canonicalize_nans: true,
        exceptions: false,
        gc: false,
    };
    let generated = smith::generate(&mut u, options).ok()?;
    Some(Plan {
        generated,
        ward_eager,
        wasmi_eager,
        args: u.take_rest(),
    })
}

/// A value, engine-neutral. Floats compare by bits, except that any NaN equals any NaN
/// (NaN payloads may legitimately differ); references compare by null-ness only.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    Ref { null: bool },
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (*self, *other) {
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (Value::F64(a), Value::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (Value::Ref { null: a }, Value::Ref { null: b }) => a == b,
            _ => false,
        }
    }
}

/// A trap, engine-neutral, named after the specification's messages. ward's
/// "undefined element" (a `call_indirect` index past the table) is wasmi's
/// out-of-bounds table access: both map to `TableOutOfBounds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrapCode {
    Unreachable,
    IntegerDivisionByZero,
    IntegerOverflow,
    BadConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UninitializedElement,
    IndirectCallTypeMismatch,
    StackExhausted,
    /// Anything else, with the engine's description.
    Other,
}

/// What instantiating or calling did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Returned(Vec<Value>),
    Trapped(TrapCode),
    /// An error that is no trap, with the engine's message.
    Failed(String),
}

impl Outcome {
    fn agrees_with(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Failed(_), Outcome::Failed(_)) => true,
            _ => self == other,
        }
    }

    fn failed(&self) -> bool {
        !matches!(self, Outcome::Returned(_))
    }

    fn exhausted(&self) -> bool {
        *self == Outcome::Trapped(TrapCode::StackExhausted)
    }
}

/// The exported state of an instance, by export name. Memories are borrowed from the
/// engine, not copied: a snapshot is taken after every step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot<'a>(Vec<(String, Item<'a>)>);

impl<'a> FromIterator<(String, Item<'a>)> for Snapshot<'a> {
    /// Sorts by name: engines list exports in different orders.
    fn from_iter<I: IntoIterator<Item = (String, Item<'a>)>>(items: I) -> Snapshot<'a> {
        let mut items: Vec<(String, Item<'a>)> = items.into_iter().collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Snapshot(items)
    }
}

#[derive(Clone, PartialEq)]
pub(crate) enum Item<'a> {
    Func,
    Global(Value),
    Memory(&'a [u8]),
    /// Whether each element is null.
    Table(Vec<bool>),
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Func => f.write_str("func"),
            Item::Global(value) => write!(f, "global {value:?}"),
            Item::Memory(bytes) => write!(f, "memory of {} bytes", bytes.len()),
            Item::Table(nulls) => write!(f, "table of {} elements", nulls.len()),
        }
    }
}

impl Snapshot<'_> {
    /// Where `self` differs from `other`, described; `None` when they agree.
    fn difference(&self, other: &Snapshot<'_>) -> Option<String> {
        if self.0.len() != other.0.len() {
            return Some(format!(
                "{} exports against {}",
                self.0.len(),
                other.0.len()
            ));
        }
        for ((name, a), (other_name, b)) in self.0.iter().zip(&other.0) {
            if name != other_name {
                return Some(format!("export `{name}` against `{other_name}`"));
            }
            match (a, b) {
                // Compared whole first: a memcmp, where the search below is a loop.
                (Item::Memory(a), Item::Memory(b)) if a.len() == b.len() && a != b => {
                    if let Some(at) = a.iter().zip(b.iter()).position(|(x, y)| x != y) {
                        let end = (at + 16).min(a.len());
                        return Some(format!(
                            "memory `{name}` from offset {at:#x}: {:02x?} against {:02x?}",
                            &a[at..end],
                            &b[at..end]
                        ));
                    }
                }
                (Item::Table(a), Item::Table(b)) if a.len() == b.len() => {
                    if let Some(at) = a.iter().zip(b).position(|(x, y)| x != y) {
                        return Some(format!(
                            "table `{name}` element {at}: null {} against null {}",
                            a[at], b[at]
                        ));
                    }
                }
                (a, b) if a != b => return Some(format!("`{name}`: {a:?} against {b:?}")),
                _ => {}
            }
        }
        None
    }
}

/// One engine running one module.
pub(crate) trait Runtime {
    /// The engine's name in reports.
    fn name(&self) -> &'static str;
    /// Instantiates the module with dummy imports and runs its start function.
    fn instantiate(&mut self) -> Outcome;
    /// Calls the exported function `name`.
    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome;
    /// The exported state.
    fn snapshot(&self) -> Snapshot<'_>;
}

/// Generates a valid module from `data` and runs it in ward (interpreted, and compiled
/// where the platform has the compiled tier) and in the oracles: instantiation, then
/// each exported function once, in export order, then a few more chosen by the input
/// ([`smith::next_call`]), with the same arguments from `data`. After instantiation and
/// after every call, the outcome and the state (exported globals, tables and memories)
/// must agree.
///
/// Agreement means: equal results (floats by bits, any NaN matching any NaN,
/// references by null-ness); or traps of the same kind on both sides; or, for
/// instantiation, failure on both sides (between ward's tiers: with the same trap).
/// When ward and the oracles all exhaust their stacks, the run stops there: they count
/// frames differently, so what follows may legitimately differ. When no oracle accepts
/// the module, the input is skipped.
///
/// # Panics
///
/// On a finding: anything the `execute` target rejects, ward's tiers disagreeing with
/// each other, or ward disagreeing with every oracle still in the run. The message
/// lists the calls made and what each engine did.
pub fn differential(data: &[u8]) -> Stats {
    let Some(plan) = plan(data) else {
        return Stats::input();
    };
    on_run_stack(|| {
        compare(
            &plan.generated.wasm,
            plan.ward_eager,
            plan.wasmi_eager,
            plan.args,
        )
    })
}

/// Runs a given module in ward and in the oracles as [`differential`] runs a generated
/// one, with call arguments from `args`: for regression tests of findings.
///
/// # Panics
///
/// As [`differential`]; also when ward rejects the module.
pub fn differential_module(wasm: &[u8], args: &[u8]) -> Stats {
    on_run_stack(|| compare(wasm, false, false, args))
}

/// Runs `run` where the compiled tier has the native stack it is configured for: on
/// this thread when it has [`RUN_STACK`] left (libFuzzer's and the driver's main
/// threads, of 8 MiB), else on a thread of that size (a test thread, of 2 MiB), whose
/// panic, a finding, goes on here. Were the thread's stack to run out first, deep
/// recursion would trap with `NativeStackOverflow` on the compiled tier alone.
fn on_run_stack<T: Send>(run: impl FnOnce() -> T + Send) -> T {
    use ward::native_stack::{stack_pointer, thread_stack};
    let left = thread_stack().map(|stack| stack_pointer().saturating_sub(stack.low));
    if !Strategy::Cranelift.is_available() || left.is_some_and(|left| left >= RUN_STACK) {
        return run();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("differential".into())
            .stack_size(RUN_STACK)
            .spawn_scoped(scope, run)
            .expect("a thread for the differential run")
            .join()
            .unwrap_or_else(|finding| panic::resume_unwind(finding))
    })
}

fn compare(wasm: &[u8], ward_eager: bool, wasmi_eager: bool, args: &[u8]) -> Stats {
    let mut stats = Stats::input();
    stats.modules += 1;
    let mut run = Run {
        log: String::new(),
        disagreed: false,
    };
    let loaded = [
        guarded(|| wasmi_runtime::v2::load(wasm, wasmi_eager)),
        guarded(|| wasmi_runtime::v1::load(wasm, wasmi_eager)),
    ];
    // An oracle that rejects the valid module, or crashes on it, is wrong.
    run.disagreed = loaded.iter().any(|o| !matches!(o, Some(Some(_))));
    let mut oracles: Vec<Box<dyn Runtime>> = loaded.into_iter().flatten().flatten().collect();
    if oracles.is_empty() {
        stats.inconclusive += 1;
        return run.finish(stats);
    }
    let mode = compilation_mode(ward_eager);
    let mut ward = WardRuntime::load(wasm, mode, Strategy::Interpreter);
    let mut compiled = None;
    if Strategy::Cranelift.is_available() {
        compiled = Some(WardRuntime::load(wasm, mode, Strategy::Cranelift));
        stats.compiled_modules += 1;
    }

    let outcome = ward.instantiate();
    if let Some(compiled) = &mut compiled {
        run.compare_tiers(Step::Instantiation, &outcome, &compiled.instantiate());
    }
    let outcomes = oracles
        .iter_mut()
        .map(|o| guarded(|| o.instantiate()))
        .collect();
    let judged = run.step(&mut oracles, Step::Instantiation, &outcome, outcomes);
    match outcome {
        Outcome::Returned(_) => stats.instances += 1,
        _ => return run.finish(stats),
    }
    let when = "after instantiation";
    run.compare_tier_states(&ward, compiled.as_ref(), when);
    if !judged || !run.compare_state(&mut oracles, &ward, when) {
        stats.inconclusive += 1;
        return run.finish(stats);
    }

    let mut u = Unstructured::new(args);
    let funcs = ward.exported_funcs();
    let mut step = 0;
    while let Some(i) = smith::next_call(&mut u, step, funcs.len()) {
        step += 1;
        let (name, params) = &funcs[i];
        let args = smith::arguments(&mut u, params);
        let _ = write!(run.log, "\ncall `{name}`{args:?}");
        stats.calls += 1;
        let outcome = ward.call(name, &args);
        if let Some(compiled) = &mut compiled {
            stats.compiled_calls += 1;
            run.compare_tiers(Step::Call(name), &outcome, &compiled.call(name, &args));
        }
        let outcomes = oracles
            .iter_mut()
            .map(|o| guarded(|| o.call(name, &args)))
            .collect();
        let _ = write!(run.log, " -> {outcome:?}");
        let judged = run.step(&mut oracles, Step::Call(name), &outcome, outcomes);
        if let Outcome::Trapped(_) = outcome {
            stats.traps += 1;
        }
        if !judged || outcome.exhausted() {
            stats.inconclusive += 1;
            return run.finish(stats);
        }
        let when = format!("after the call of `{name}`");
        run.compare_tier_states(&ward, compiled.as_ref(), &when);
        if !run.compare_state(&mut oracles, &ward, &when) {
            stats.inconclusive += 1;
            return run.finish(stats);
        }
    }
    run.finish(stats)
}

thread_local! {
    /// Whether a panic on this thread is an oracle's, to be caught and kept quiet.
    static IN_ORACLE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, a call into an oracle, catching its panic: `None` when it panicked. An
/// oracle's crash is its own bug, not ward's, and must not end the run as a finding.
///
/// A harness may install a panic hook that aborts (libFuzzer's does, so that a panic
/// is a crash), which would fire before any unwinding; so the first call wraps the
/// current hook in one that stays silent, and returns, for panics inside `f`.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static WRAP_HOOK: Once = Once::new();
    WRAP_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_ORACLE.with(Cell::get) {
                previous(info);
            }
        }));
    });
    IN_ORACLE.with(|flag| flag.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_ORACLE.with(|flag| flag.set(false));
    result.ok()
}

/// Whether to print the oracles outvoted (`WARD_FUZZ_SHOW_OUTVOTED` set): to tell
/// which oracle is wrong how often, and why.
fn show_outvoted() -> bool {
    static SHOW: OnceLock<bool> = OnceLock::new();
    *SHOW.get_or_init(|| std::env::var_os("WARD_FUZZ_SHOW_OUTVOTED").is_some())
}

/// What the engines just did.
#[derive(Clone, Copy)]
enum Step<'a> {
    Instantiation,
    Call(&'a str),
}

/// The history of one differential run, for the report of a mismatch.
struct Run {
    log: String,
    /// Whether an oracle disagreed with ward, or crashed, while another one agreed.
    disagreed: bool,
}

impl Run {
    /// Panics unless ward's compiled tier did what its interpreter did. Both exhausting
    /// their stacks is agreement (the caller then ends the run); one alone is not: each
    /// has room for deeper calls than the fuel allows.
    fn compare_tiers(&self, step: Step<'_>, interpreted: &Outcome, compiled: &Outcome) {
        if interpreted.agrees_with(compiled) {
            return;
        }
        let what = match step {
            Step::Instantiation => "instantiation".to_string(),
            Step::Call(name) => format!("call of `{name}`"),
        };
        self.tiers_disagree(&format!(
            "{what}: interpreted {interpreted:?}; compiled {compiled:?}"
        ));
    }

    /// Panics unless the exported state on ward's compiled tier, when it runs, is the
    /// state on its interpreter.
    fn compare_tier_states(
        &self,
        interpreted: &WardRuntime,
        compiled: Option<&WardRuntime>,
        when: &str,
    ) {
        let Some(compiled) = compiled else {
            return;
        };
        if let Some(difference) = interpreted.snapshot().difference(&compiled.snapshot()) {
            self.tiers_disagree(&format!(
                "{when}, exported state (interpreted against compiled): {difference}"
            ));
        }
    }

    fn tiers_disagree(&self, what: &str) -> ! {
        panic!(
            "ward's interpreter and compiled tier disagree: {what}\nhistory:{}",
            self.history()
        )
    }

    /// Keeps the oracles whose outcome (`None`: it panicked) agrees with ward's. Panics
    /// if none agrees and one did not panic; returns false if all panicked.
    fn step(
        &mut self,
        oracles: &mut Vec<Box<dyn Runtime>>,
        step: Step<'_>,
        ward: &Outcome,
        outcomes: Vec<Option<Outcome>>,
    ) -> bool {
        let agrees = |o: &Option<Outcome>| {
            o.as_ref().is_some_and(|o| {
                o.agrees_with(ward)
                    || (o.exhausted() && ward.exhausted())
                    // Failing to instantiate is agreement, whatever the reason on each side.
                    || (matches!(step, Step::Instantiation) && o.failed() && ward.failed())
            })
        };
        let what = match step {
            Step::Instantiation => format!("instantiation: ward {ward:?}"),
            Step::Call(name) => format!("call of `{name}`: ward {ward:?}"),
        };
        let views = outcomes
            .iter()
            .map(|o| o.as_ref().map(|o| format!("{o:?}")));
        self.judge(oracles, &what, outcomes.iter().map(agrees).collect(), views)
    }

    /// Keeps the oracles whose exported state agrees with ward's. Panics if none agrees
    /// and one did not panic; returns false if all panicked.
    fn compare_state(
        &mut self,
        oracles: &mut Vec<Box<dyn Runtime>>,
        ward: &WardRuntime,
        when: &str,
    ) -> bool {
        let mine = ward.snapshot();
        // For each oracle: `None` if it panicked, else its difference from ward.
        let differences: Vec<Option<Option<String>>> = oracles
            .iter()
            .map(|o| guarded(|| mine.difference(&o.snapshot())))
            .collect();
        let agree = differences
            .iter()
            .map(|d| matches!(d, Some(None)))
            .collect();
        let views = differences
            .into_iter()
            .map(|d| d.map(|d| d.unwrap_or_else(|| "the same".into())));
        let what = format!("{when}, exported state (ward against the oracle)");
        self.judge(oracles, &what, agree, views)
    }

    /// Keeps the oracles that agree with ward, given what each reported (`None`: it
    /// panicked). Panics if none agrees and one did not panic; returns false if all
    /// panicked. With `WARD_FUZZ_SHOW_OUTVOTED` set, prints each oracle dropped.
    fn judge(
        &mut self,
        oracles: &mut Vec<Box<dyn Runtime>>,
        what: &str,
        agree: Vec<bool>,
        views: impl Iterator<Item = Option<String>>,
    ) -> bool {
        let views: Vec<Option<String>> = views.collect();
        if views.iter().all(Option::is_none) {
            oracles.clear();
            return false;
        }
        let views: Vec<String> = oracles
            .iter()
            .zip(views)
            .map(|(oracle, view)| {
                let view = view.unwrap_or_else(|| "panicked".into());
                format!("{} {view}", oracle.name())
            })
            .collect();
        if !agree.contains(&true) {
            self.mismatch(&format!("{what}; {}", views.join("; ")));
        }
        if agree.contains(&false) {
            self.disagreed = true;
            if show_outvoted() {
                for (view, _) in views.iter().zip(&agree).filter(|(_, agrees)| !**agrees) {
                    eprintln!("oracle outvoted at {what}: {view}");
                }
            }
        }
        let mut keep = agree.into_iter();
        oracles.retain(|_| keep.next().unwrap_or(false));
        true
    }

    fn mismatch(&self, what: &str) -> ! {
        panic!(
            "ward disagrees with every oracle: {what}\nhistory:{}",
            self.history()
        )
    }

    /// The calls made so far, with the interpreter's outcome of each.
    fn history(&self) -> &str {
        if self.log.is_empty() {
            " (none)"
        } else {
            &self.log
        }
    }

    fn finish(self, mut stats: Stats) -> Stats {
        if self.disagreed {
            stats.oracle_disagreements += 1;
        }
        stats
    }
}
