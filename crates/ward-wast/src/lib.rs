//! Runs WebAssembly `.wast` spec scripts on ward.
//!
//! A script is a sequence of directives (`module`, `register`, `invoke`,
//! `assert_return`, `assert_trap`, ...). [`WastRunner`] executes them one by one and
//! counts each directive as passed or failed; [`run_paths`] runs whole files and
//! directories and prints a report, which is what `ward wast` and the spec test use.
//!
//! What is supported: every directive of the WebAssembly 2.0 core suite, plus
//! `module definition` / `module instance`. What is not: threads (`thread`, `wait`),
//! exceptions (`assert_exception`), stack switching (`assert_suspension`), custom
//! annotations (`assert_*_custom`) and the component model. Those directives are
//! counted as **failed** with the message `unsupported directive`, never as passed,
//! so a run over a suite that needs them cannot look green.
//!
//! Leniency, stated once:
//! - `assert_invalid` / `assert_malformed` pass when the module is rejected, whether by
//!   the `wast` crate while encoding it or by ward; the wording of the error is not
//!   compared (the suite's messages are informative, not normative).
//! - `assert_trap` compares messages loosely: it passes when the trap's message
//!   contains the expected text, or when the expected text starts with the trap's
//!   message (the suite writes e.g. `"uninitialized element 2"` where the trap says
//!   `"uninitialized element"`).
//! - `assert_unlinkable` passes on any instantiation error that is not a trap.

mod legacy;
mod report;
pub mod spectest;
mod value;

use std::collections::HashMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

use ward::{Engine, Instance, Linker, Module, Store, TrapKind, Val};

pub use report::{run_paths, run_paths_with};

/// Executes `.wast` scripts.
///
/// Every call of [`run_file`](Self::run_file) or [`run_str`](Self::run_str) starts
/// from a fresh state: a new [`Store`], a new [`Linker`] with only `spectest`
/// defined, and no instances. Scripts therefore never see each other's modules or
/// registrations, and one runner can be reused for many files. The [`Engine`] is
/// shared between runs.
pub struct WastRunner {
    engine: Engine,
    verbose: bool,
    /// Whether every module goes through an artifact before it is used.
    artifacts: bool,
    /// Whether the engine's strategy is `Auto`.
    auto: bool,
    /// An engine for another machine's target, which precompiles every module that
    /// loads (the code is checked to compile, never run).
    cross: Option<Engine>,
    store: Store<()>,
    linker: Linker<()>,
    /// The instance that unnamed `invoke`, `get` and `register` refer to.
    current: Option<Instance>,
    /// Instances by their `$id`.
    instances: HashMap<String, Instance>,
    /// Compiled `module definition`s by their `$id`.
    definitions: HashMap<String, Module>,
    /// The last `module definition`, for a `module instance` that names none.
    last_definition: Option<Module>,
}

/// The outcome of one script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The name the script was run under (its path for [`WastRunner::run_file`]).
    pub path: String,
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed (including unsupported ones).
    pub failed: usize,
    /// One entry per failed directive, in script order.
    pub failures: Vec<Failure>,
}

/// One failed directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The script the directive belongs to.
    pub path: String,
    /// 1-based line of the directive.
    pub line: usize,
    /// 1-based column of the directive.
    pub col: usize,
    /// The directive's keyword, e.g. `assert_return`.
    pub directive: String,
    /// What was expected and what happened instead.
    pub message: String,
}

impl fmt::Display for Failure {
    /// `file:line:col: directive: message`, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.col, self.directive, self.message
        )
    }
}

/// Result of a step that needs no ward call to fail: a missing export, a module
/// that does not encode, an unsupported argument. The inner `ward::Result` is the
/// outcome of the ward call itself, which assertions inspect.
type Setup<T> = Result<ward::Result<T>, String>;

impl WastRunner {
    /// Creates a runner whose modules are compiled with `config`.
    pub fn new(config: &ward::Config) -> Self {
        let engine = Engine::new(config);
        let store = Store::new(&engine, ());
        let linker = Linker::new(&engine);
        WastRunner {
            engine,
            auto: config.get_strategy() == ward::Strategy::Auto,
            verbose: false,
            artifacts: false,
            cross: None,
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
        }
    }

    /// Makes the `spectest` print functions write their arguments to stdout
    /// (they are silent by default).
    pub fn set_verbose(&mut self, verbose: bool) -> &mut Self {
        self.verbose = verbose;
        self
    }

    /// Makes every module of the scripts go through an artifact: compiled, written with
    /// [`Module::serialize`], and the module loaded back with [`Module::deserialize`] is
    /// the one the script uses. Needs an engine that compiles.
    pub fn set_artifacts(&mut self, artifacts: bool) -> &mut Self {
        self.artifacts = artifacts;
        self
    }

    /// Makes every module that loads also compile for `target`, another machine's
    /// triple ([`ward::Config::target`]), with the runner's settings and the baseline
    /// CPU: the code is written to an artifact, not run. A module that does not compile
    /// for `target` fails its directive.
    pub fn set_cross_target(&mut self, config: &ward::Config, target: &str) -> &mut Self {
        let mut config = config.clone();
        config.target(target).target_cpu(ward::TargetCpu::Baseline);
        self.cross = Some(Engine::new(&config));
        self
    }

    /// Reads and runs one script.
    ///
    /// # Errors
    ///
    /// Fails only when the file cannot be read or is not a well-formed `.wast` script;
    /// failing directives are reported in the [`FileReport`].
    pub fn run_file(&mut self, path: &Path) -> anyhow::Result<FileReport> {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text: {e}", path.display()))?;
        self.run_str(&path.display().to_string(), &text)
    }

    /// Runs the script `text`; `name` is used in the report and failure messages.
    ///
    /// # Errors
    ///
    /// Fails when `text` is not a well-formed `.wast` script, or (a ward bug) when the
    /// `spectest` module cannot be set up.
    pub fn run_str(&mut self, name: &str, text: &str) -> anyhow::Result<FileReport> {
        self.reset()?;
        let text = &*legacy::unfold_legacy_try(text);
        let mut lexer = wast::lexer::Lexer::new(text);
        // The suite's names.wast uses bidirectional and other confusable characters.
        lexer.allow_confusing_unicode(true);
        let with_location = |e: wast::Error| {
            let (line, col) = e.span().linecol_in(text);
            anyhow::anyhow!(
                "{name}:{}:{}: parse error: {}",
                line + 1,
                col + 1,
                e.message()
            )
        };
        let buffer = ParseBuffer::new_with_lexer(lexer).map_err(with_location)?;
        let script = parser::parse::<Wast<'_>>(&buffer).map_err(with_location)?;

        let mut report = FileReport {
            path: name.to_string(),
            ..FileReport::default()
        };
        for directive in script.directives {
            let (line, col) = directive.span().linecol_in(text);
            let keyword = directive_name(&directive);
            // A panic here is a ward bug; report it and keep going with the script.
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| self.execute(directive)))
                .unwrap_or_else(|payload| Err(format!("panic: {}", panic_message(&*payload))));
            match outcome {
                Ok(()) => report.passed += 1,
                Err(message) => {
                    report.failed += 1;
                    report.failures.push(Failure {
                        path: name.to_string(),
                        line: line + 1,
                        col: col + 1,
                        directive: keyword.to_string(),
                        message,
                    });
                }
            }
        }
        Ok(report)
    }

    /// Drops all state of the previous script and defines `spectest` afresh.
    fn reset(&mut self) -> anyhow::Result<()> {
        self.store = Store::new(&self.engine, ());
        if self.engine.config().get_consume_fuel() {
            // Scripts measure semantics, not cost: give them all the fuel there is.
            self.store.set_fuel(u64::MAX)?;
        }
        self.linker = Linker::new(&self.engine);
        // Scripts may `register` several modules under one name; the later one wins,
        // as in the spec interpreter.
        self.linker.allow_shadowing(true);
        self.current = None;
        self.instances.clear();
        self.definitions.clear();
        self.last_definition = None;
        spectest::define(
            &mut self.linker,
            &mut self.store,
            if self.verbose {
                spectest::PrintTo::Stdout
            } else {
                spectest::PrintTo::Nowhere
            },
        )
        .map_err(|e| anyhow::anyhow!("cannot define the spectest module: {e}"))
    }

    /// Runs one directive. `Err` holds the failure message.
    fn execute(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut wat) => {
                let id = wat.name().map(|id| id.name().to_string());
                let outcome = self.compile(&mut wat).and_then(|module| {
                    self.linker
                        .instantiate(&mut self.store, &module)
                        .map_err(|e| format!("instantiation failed: {}", describe_error(&e)))
                });
                self.set_current(id, outcome.as_ref().ok().copied());
                outcome.map(drop)
            }
            WastDirective::ModuleDefinition(mut wat) => {
                let id = wat.name().map(|id| id.name().to_string());
                let module = self.compile(&mut wat)?;
                if let Some(id) = id {
                    self.definitions.insert(id, module.clone());
                }
                self.last_definition = Some(module);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()),
                    None => self.last_definition.as_ref(),
                };
                let definition = definition
                    .cloned()
                    .ok_or_else(|| format!("no module definition {}", describe_id(module)))?;
                let outcome = self
                    .linker
                    .instantiate(&mut self.store, &definition)
                    .map_err(|e| format!("instantiation failed: {}", describe_error(&e)));
                let id = instance.map(|id| id.name().to_string());
                self.set_current(id, outcome.as_ref().ok().copied());
                outcome.map(drop)
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&self.store, name, instance)
                    .map(drop)
                    .map_err(|e| format!("register \"{name}\" failed: {}", describe_error(&e)))
            }
            WastDirective::Invoke(invoke) => self
                .invoke(&invoke)?
                .map(drop)
                .map_err(|e| format!("invoke \"{}\" failed: {}", invoke.name, describe_error(&e))),
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = self.exec(exec)?.map_err(|e| {
                    format!(
                        "expected {}, got error: {}",
                        value::describe_rets(&results),
                        describe_error(&e)
                    )
                })?;
                self.check_results(&results, &actual)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = self.exec(exec)?;
                expect_trap(outcome, message, |trap| trap_message_matches(trap, message))
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call)?;
                expect_trap(outcome, message, |trap| {
                    matches!(
                        trap.kind(),
                        TrapKind::StackOverflow | TrapKind::NativeStackOverflow
                    )
                })
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                if matches!(
                    module,
                    QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
                ) {
                    return Err(UNSUPPORTED.to_string());
                }
                match self.compile(&mut module) {
                    // The module loaded, but not through its artifact.
                    Err(e) if e.starts_with(UNEXPECTED_ARTIFACT) => Err(e),
                    Err(_) => Ok(()),
                    Ok(_) => Err(format!(
                        "module was accepted, expected rejection: \"{message}\""
                    )),
                }
            }
            // A malformed custom annotation is an error of the text format: the text
            // parser must reject the module.
            WastDirective::AssertMalformedCustom {
                mut module,
                message,
                ..
            } => match module.encode() {
                Ok(_) => Err(format!(
                    "the text parser accepted the module, expected rejection: \"{message}\""
                )),
                Err(_) => Ok(()),
            },
            // A custom section the module has is invalid: the module loads all the
            // same (custom sections never make a module fail), and ward, which reads
            // the section, reports it ignored.
            WastDirective::AssertInvalidCustom {
                mut module,
                message,
                ..
            } => {
                let module = self.compile(&mut module)?;
                if module.warnings().is_empty() {
                    return Err(format!(
                        "no custom section was reported invalid, expected: \"{message}\""
                    ));
                }
                Ok(())
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let module = self.compile_wat(&mut module)?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!(
                        "module was linked, expected failure: \"{message}\""
                    )),
                    Err(e) => match e.as_trap() {
                        Some(trap) => Err(format!(
                            "expected link error \"{message}\", got trap: {}",
                            trap.message()
                        )),
                        None => Ok(()),
                    },
                }
            }
            WastDirective::AssertException { exec, .. } => {
                let outcome = self.exec(exec)?;
                expect_trap(outcome, "uncaught exception", |trap| {
                    trap.kind() == TrapKind::Exception && trap.exception().is_some()
                })
            }
            WastDirective::AssertSuspension { .. }
            | WastDirective::Thread(_)
            | WastDirective::Wait { .. } => Err(UNSUPPORTED.to_string()),
        }
    }

    /// Records the outcome of instantiating a module: on success it becomes the
    /// current instance (and `$id` names it); on failure nothing is current, so the
    /// assertions that follow fail visibly instead of running against an older module.
    fn set_current(&mut self, id: Option<String>, instance: Option<Instance>) {
        self.current = instance;
        if let Some(id) = id {
            match instance {
                Some(instance) => self.instances.insert(id, instance),
                None => self.instances.remove(&id),
            };
        }
    }

    /// The instance named `id`, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self.instances.get(id.name()).copied(),
            None => self.current,
        }
        .ok_or_else(|| format!("no instance {}", describe_id(id)))
    }

    /// Encodes a script module and compiles it with ward.
    fn compile(&self, wat: &mut QuoteWat<'_>) -> Result<Module, String> {
        if matches!(
            wat,
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_))
        ) {
            return Err(format!("{UNSUPPORTED} (component)"));
        }
        let bytes = wat
            .encode()
            .map_err(|e| format!("encoding failed: {}", e.message()))?;
        self.compile_bytes(&bytes)
    }

    fn compile_wat(&self, wat: &mut Wat<'_>) -> Result<Module, String> {
        if matches!(wat, Wat::Component(_)) {
            return Err(format!("{UNSUPPORTED} (component)"));
        }
        let bytes = wat
            .encode()
            .map_err(|e| format!("encoding failed: {}", e.message()))?;
        self.compile_bytes(&bytes)
    }

    /// Compiles a binary module: everything the `wast` crate hands us is one, so text
    /// is not accepted here (an empty `(module binary "")` is malformed, not an empty
    /// text module).
    fn compile_bytes(&self, bytes: &[u8]) -> Result<Module, String> {
        let module = Module::from_binary(&self.engine, bytes)
            .map_err(|e| format!("compilation failed: {}", describe_error(&e)))?;
        if self.auto && !module.is_compiled() {
            // `Strategy::Auto` interprets a module the compiled tier does not compile:
            // there is no code to compile for another machine or to write out.
            return Ok(module);
        }
        if let Some(cross) = &self.cross {
            cross
                .precompile_module(bytes)
                .map_err(|e| format!("{UNEXPECTED_ARTIFACT}: cross-compile: {e}"))?;
        }
        if !self.artifacts {
            return Ok(module);
        }
        // A module that fails to load above is what the script expects to see fail;
        // one that loads must survive the round trip.
        let artifact = module
            .serialize()
            .map_err(|e| format!("{UNEXPECTED_ARTIFACT}: serialize: {e}"))?;
        // SAFETY: the artifact was just written by this ward, from this module.
        unsafe { Module::deserialize(&self.engine, &artifact) }
            .map_err(|e| format!("{UNEXPECTED_ARTIFACT}: deserialize: {e}"))
    }

    /// Calls an exported function with the invoke's arguments.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Setup<Vec<Val>> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| format!("no exported function \"{}\"", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(|arg| value::arg_to_val(&mut self.store, arg))
            .collect::<Result<Vec<_>, _>>()?;
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    /// Runs the action of an assertion: an invoke, a global read, or the
    /// instantiation of a module (which yields no values).
    fn exec(&mut self, exec: WastExecute<'_>) -> Setup<Vec<Val>> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let global = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no exported global \"{global}\""))?;
                Ok(Ok(vec![global.get(&self.store)]))
            }
            WastExecute::Wat(mut wat) => {
                let module = self.compile_wat(&mut wat)?;
                Ok(self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map(|_| Vec::new()))
            }
        }
    }

    fn check_results(&self, expected: &[wast::WastRet<'_>], actual: &[Val]) -> Result<(), String> {
        let mismatch = || {
            format!(
                "expected {}, got {}",
                value::describe_rets(expected),
                value::describe_vals(&self.store, actual)
            )
        };
        if expected.len() != actual.len() {
            return Err(format!(
                "{} ({} results expected, {} returned)",
                mismatch(),
                expected.len(),
                actual.len()
            ));
        }
        for (e, a) in expected.iter().zip(actual) {
            if !value::ret_matches(&self.store, e, a)? {
                return Err(mismatch());
            }
        }
        Ok(())
    }
}

/// Message of every directive this runner does not implement.
const UNSUPPORTED: &str = "unsupported directive";
/// How a module that loads but does not survive its artifact's round trip, or does
/// not compile for the cross target, fails.
const UNEXPECTED_ARTIFACT: &str = "artifact round trip failed";

/// Checks that `outcome` is a trap accepted by `accept`.
fn expect_trap(
    outcome: ward::Result<Vec<Val>>,
    expected: &str,
    accept: impl Fn(&ward::Trap) -> bool,
) -> Result<(), String> {
    match outcome {
        Ok(_) => Err(format!("expected trap \"{expected}\", got success")),
        Err(e) => match e.as_trap() {
            Some(trap) if accept(trap) => Ok(()),
            Some(trap) => Err(format!(
                "expected trap \"{expected}\", got trap \"{}\" ({:?})",
                trap.message(),
                trap.kind()
            )),
            None => Err(format!(
                "expected trap \"{expected}\", got error: {}",
                describe_error(&e)
            )),
        },
    }
}

/// The lenient message comparison of `assert_trap` (see the crate docs).
fn trap_message_matches(trap: &ward::Trap, expected: &str) -> bool {
    let actual = trap.message();
    actual.contains(expected) || (!actual.is_empty() && expected.starts_with(actual))
}

/// One line describing a ward error (a trap's backtrace is left out).
fn describe_error(e: &ward::Error) -> String {
    match e.as_trap() {
        Some(trap) => format!("trap: {} ({:?})", trap.message(), trap.kind()),
        None => e.to_string().lines().next().unwrap_or_default().to_string(),
    }
}

fn describe_id(id: Option<Id<'_>>) -> String {
    match id {
        Some(id) => format!("${}", id.name()),
        None => "(no current module)".to_string(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// The keyword of a directive, as written in the script.
fn directive_name(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}
