//! Library errors and traps.

use crate::prelude::*;
use alloc::sync::Arc;
use core::fmt;

use crate::types::ExternType;

/// The result type of ward's fallible operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong when loading, linking or running a module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The module bytes are malformed or invalid (or the text format was rejected).
    #[error("{message} (at offset {offset:#x})")]
    Compile {
        /// What is wrong.
        message: String,
        /// Byte offset in the module where the problem was found.
        offset: usize,
    },
    /// An import could not be resolved, or an extern of the wrong type was supplied.
    /// Boxed, as the rare large variant, to keep `Error` (and every result that holds
    /// one, on every call path) small.
    #[error(transparent)]
    Link(Box<LinkError>),
    /// A call or a value had the wrong type or arity.
    #[error("{0}")]
    Type(String),
    /// Execution trapped, during a call or during instantiation.
    #[error(transparent)]
    Trap(#[from] Trap),
    /// A store's resource limit was reached, or the host could not provide the memory
    /// or address space asked for.
    #[error(transparent)]
    Resource(#[from] ResourceError),
    /// Reading a module from the file system failed.
    #[error("{0}")]
    Io(String),
    /// A resource limit or another condition outside the categories above.
    #[error("{0}")]
    Other(String),
}

impl From<LinkError> for Error {
    fn from(error: LinkError) -> Error {
        Error::Link(Box::new(error))
    }
}

impl Error {
    /// The trap behind this error, if it is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    pub(crate) fn compile(err: wasmparser::BinaryReaderError) -> Error {
        Error::Compile {
            message: err.message().to_string(),
            offset: err.offset() as usize,
        }
    }
}

/// Why a module could not be linked: an import that is missing or has the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// No definition was given for an import.
    #[error("unknown import: `{module}::{name}` has not been defined (expected {expected})")]
    UnknownImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// The type the import must have.
        expected: ExternType,
    },
    /// The definition given for an import has another type.
    #[error("incompatible import type for `{module}::{name}`: expected {expected}, found {found}")]
    IncompatibleImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// The type the import must have.
        expected: ExternType,
        /// The type of what was given.
        found: ExternType,
    },
    /// The definition given for an import has a function or tag type of the same
    /// shape as the import's but is another type: one of them belongs to a recursion
    /// group that the other does not, or they sit at different places in their groups.
    #[error(
        "incompatible import type for `{module}::{name}`: found {expected} of another \
         recursion group, or at another place in one"
    )]
    DistinctType {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// The type the import must have (which what was given has in shape only).
        expected: ExternType,
    },
    /// A list of imports of the wrong length was given.
    #[error("expected {expected} imports, got {found}")]
    ImportCount {
        /// The number of the module's imports.
        expected: usize,
        /// The number given.
        found: usize,
    },
    /// A name was defined twice in a linker that does not allow shadowing.
    #[error("`{module}::{name}` is already defined")]
    AlreadyDefined {
        /// The module name.
        module: String,
        /// The field name.
        name: String,
    },
    /// The module belongs to another engine than the store.
    #[error("the module belongs to another engine than the store")]
    EngineMismatch,
}

/// A resource a store could not have: past one of its limits, or more memory or address
/// space than the host could provide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// A memory's initial size exceeds the store's limit on a memory's size.
    #[error(
        "a memory of {pages} pages ({bytes} bytes) exceeds the store's memory limit of {limit} bytes"
    )]
    MemoryLimit {
        /// The memory's size in pages.
        pages: u64,
        /// The memory's size in bytes.
        bytes: u64,
        /// The store's limit in bytes.
        limit: usize,
    },
    /// A table's initial size exceeds the store's limit on a table's elements.
    #[error("a table of {elements} elements exceeds the store's limit of {limit} elements")]
    TableLimit {
        /// The table's size.
        elements: u64,
        /// The store's limit.
        limit: u32,
    },
    /// The store holds as many instances, memories or tables as its limits allow.
    #[error("resource limit exceeded: the store may hold at most {limit} {kind}")]
    Count {
        /// What there are too many of: "instances", "memories" or "tables".
        kind: &'static str,
        /// The store's limit.
        limit: usize,
    },
    /// The host could not provide the memory or address space for a memory or table.
    #[error("cannot allocate {what}: {reason}")]
    Allocation {
        /// What could not be allocated.
        what: String,
        /// The system's reason.
        reason: String,
    },
    /// [`Memory::grow`](crate::Memory::grow) or [`Table::grow`](crate::Table::grow)
    /// could not grow past a maximum or a limit, or the host ran out of memory.
    #[error("failed to grow {what} by {delta}")]
    Grow {
        /// "memory" (`delta` in pages) or "table" (in elements).
        what: &'static str,
        /// The requested growth.
        delta: u64,
    },
}

/// The reason execution trapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed integer division overflowed (`MIN / -1`).
    IntegerOverflow,
    /// A float-to-int truncation of NaN or of a value out of range.
    BadConversionToInteger,
    /// A linear-memory access outside the memory.
    MemoryOutOfBounds,
    /// A table access outside the table.
    TableOutOfBounds,
    /// `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of another type.
    IndirectCallTypeMismatch,
    /// `ref.as_non_null` of a null reference.
    NullReference,
    /// `call_ref` or `return_call_ref` of a null reference.
    NullFunctionReference,
    /// The wasm stack (`Config::wasm_stack_size`) is exhausted.
    StackOverflow,
    /// The native stack has less room left than the configured guard.
    NativeStackOverflow,
    /// The store ran out of fuel.
    OutOfFuel,
    /// Another thread interrupted the call.
    Interrupted,
    /// A host function returned a trap.
    Host,
    /// A wasm exception that no handler caught: [`Trap::exception`] gives it.
    Exception,
}

impl TrapKind {
    /// The message the WebAssembly specification uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivisionByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::NullReference => "null reference",
            TrapKind::NullFunctionReference => "null function reference",
            TrapKind::StackOverflow => "call stack exhausted",
            TrapKind::NativeStackOverflow => "native stack overflow",
            TrapKind::OutOfFuel => "all fuel consumed",
            TrapKind::Interrupted => "interrupted",
            TrapKind::Host => "host trap",
            TrapKind::Exception => "uncaught exception",
        }
    }
}

/// Frames a backtrace keeps from the innermost end of a deep stack.
pub const BACKTRACE_INNER: usize = 32;
/// Frames a backtrace keeps from the outermost end of a deep stack.
pub const BACKTRACE_OUTER: usize = 8;

/// One wasm frame of a trap's backtrace.
#[derive(Debug, Clone)]
pub struct FrameInfo {
    /// The function's index in its module's function index space.
    pub func_index: u32,
    /// The function's name from the module's name section, if any.
    pub func_name: Option<String>,
    /// Byte offset in the module of the instruction that was executing.
    pub module_offset: usize,
}

/// A trap: execution stopped abnormally. The store stays usable afterwards.
///
/// Two words: the kind, and what only some traps carry (a message, a host error, a
/// backtrace) behind a pointer. Every call path of the runtime returns results that
/// hold a trap, and their size is native stack each frame keeps; a trap of a bare kind
/// (a native stack overflow, raised where the stack is nearly gone) allocates nothing.
#[derive(Debug, Clone)]
pub struct Trap {
    kind: TrapKind,
    details: Option<Box<TrapDetails>>,
}

#[derive(Debug, Clone, Default)]
struct TrapDetails {
    message: Option<String>,
    /// The host's error behind a host trap, for [`Trap::downcast_ref`].
    source: Option<Arc<dyn core::error::Error + Send + Sync>>,
    backtrace: Vec<FrameInfo>,
    /// Frames left out of `backtrace` between its innermost and outermost parts.
    omitted: usize,
    /// The exception of an [`TrapKind::Exception`]: its store's id and its id there.
    pub(crate) exception: Option<(u64, crate::index::ExnRefId)>,
}

impl Trap {
    /// A trap raised by a host function, with its own message.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            kind: TrapKind::Host,
            details: Some(Box::new(TrapDetails {
                message: Some(message.into()),
                ..TrapDetails::default()
            })),
        }
    }

    /// A trap of the given kind with the specification's message.
    #[inline(always)]
    pub fn from_kind(kind: TrapKind) -> Trap {
        Trap {
            kind,
            details: None,
        }
    }

    /// The trap of an uncaught exception: exception `id` of the store with id
    /// `store_id`.
    pub(crate) fn exception_of(store_id: u64, id: crate::index::ExnRefId) -> Trap {
        Trap {
            kind: TrapKind::Exception,
            details: Some(Box::new(TrapDetails {
                exception: Some((store_id, id)),
                ..TrapDetails::default()
            })),
        }
    }

    /// The store id and id of the exception an [`TrapKind::Exception`] carries.
    pub(crate) fn exception_id(&self) -> Option<(u64, crate::index::ExnRefId)> {
        self.details.as_ref()?.exception
    }

    /// For the handlers of store `store_id`: the exception this trap carries, when it
    /// is an uncaught exception. One of another store (a host function passed it on)
    /// is no exception here but an error of its own, which no handler catches.
    pub(crate) fn exception_in(
        &self,
        store_id: u64,
    ) -> Option<Result<crate::index::ExnRefId, Trap>> {
        let (store, id) = self.exception_id()?;
        Some(if store == store_id {
            Ok(id)
        } else {
            Err(Trap::new(
                "a host function threw an exception of another store",
            ))
        })
    }

    fn details_mut(&mut self) -> &mut TrapDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// A trap raised by a host function that carries the host's own error: its message
    /// is the error's, and [`Trap::downcast_ref`] gives the error back to the embedder
    /// (a process exit, say, as opposed to a failure).
    pub fn from_error(error: impl core::error::Error + Send + Sync + 'static) -> Trap {
        let mut trap = Trap::new(error.to_string());
        trap.details_mut().source = Some(Arc::new(error));
        trap
    }

    /// The host error this trap carries, if it was made by [`Trap::from_error`] with an
    /// error of type `E`.
    pub fn downcast_ref<E: core::error::Error + 'static>(&self) -> Option<&E> {
        self.details
            .as_ref()?
            .source
            .as_deref()?
            .downcast_ref::<E>()
    }

    /// Why execution trapped.
    pub fn kind(&self) -> TrapKind {
        self.kind
    }

    /// The trap's message: the host's for [`TrapKind::Host`], else the specification's.
    pub fn message(&self) -> &str {
        self.details
            .as_ref()
            .and_then(|details| details.message.as_deref())
            .unwrap_or(self.kind.message())
    }

    /// The wasm frames active when the trap happened, innermost first. A deep stack
    /// keeps its [`BACKTRACE_INNER`] innermost and [`BACKTRACE_OUTER`] outermost frames.
    pub fn backtrace(&self) -> &[FrameInfo] {
        self.details
            .as_ref()
            .map_or(&[], |details| &details.backtrace)
    }

    /// How many frames between the innermost and the outermost ones the backtrace
    /// leaves out.
    pub fn backtrace_omitted(&self) -> usize {
        self.details.as_ref().map_or(0, |details| details.omitted)
    }

    pub(crate) fn set_backtrace_if_empty(&mut self, frames: Vec<FrameInfo>, omitted: usize) {
        if self.backtrace().is_empty() && !frames.is_empty() {
            let details = self.details_mut();
            details.backtrace = frames;
            details.omitted = omitted;
        }
    }
}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Trap {
        Trap::from_kind(kind)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        let omitted = self.backtrace_omitted();
        if !self.backtrace().is_empty() {
            f.write_str("\nwasm backtrace:")?;
            for (i, frame) in self.backtrace().iter().enumerate() {
                let mut i = i;
                if omitted > 0 && i >= BACKTRACE_INNER {
                    if i == BACKTRACE_INNER {
                        write!(f, "\n    ... {omitted} frames omitted ...")?;
                    }
                    i += omitted;
                }
                write!(f, "\n    {i}: ")?;
                match &frame.func_name {
                    Some(name) => write!(f, "{name}")?,
                    None => write!(f, "func[{}]", frame.func_index)?,
                }
                write!(f, " @ {:#x}", frame.module_offset)?;
            }
        }
        Ok(())
    }
}

impl core::error::Error for Trap {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.details
            .as_ref()?
            .source
            .as_deref()
            .map(|e| e as &(dyn core::error::Error + 'static))
    }
}

/// An access through [`Memory::read`](crate::Memory::read) or
/// [`Memory::write`](crate::Memory::write) outside the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("out of bounds memory access")]
pub struct MemoryAccessError;
