//! The native code of a module, and the registry through which the signal handler finds
//! the code a faulting instruction belongs to.
//!
//! This is subtle: two reviews. The registry is read inside a signal handler, which may
//! take no lock and allocate nothing: readers load an immutable snapshot through an
//! atomic pointer, and announce themselves in a counter while they hold it. Writers,
//! under a mutex, publish a new snapshot and free an old one only once no reader is
//! active, which makes a reader that arrives later see the new one.

// Without the `cranelift` feature, the parts of this module that make or load native
// code have no user.
#![cfg_attr(not(feature = "cranelift"), allow(dead_code))]

use crate::prelude::Mutex;
use crate::prelude::*;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use crate::error::TrapKind;
use crate::index::{DefinedFuncIndex, IndexVec, TypeIndex};
use crate::sys::CodeMemory;

use super::CompiledModule;

/// How compiled code reaches a linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemoryStyle {
    /// The memory never moves and has at least `guard` bytes of inaccessible guard after
    /// a reservation of at least 4 GiB: an access whose static offset plus size fits the
    /// guard needs no bounds check (an index up to 4 GiB lands in the reservation, the
    /// offset in the guard, and either faults past the memory's size). The base is
    /// loaded once per function.
    Static { guard: u64 },
    /// The memory may move: every access checks its bounds against the current length
    /// and reads the current base.
    Dynamic,
}

/// What a trap site of compiled code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeTrap {
    /// A wasm trap of this kind.
    Wasm(TrapKind),
    /// A runtime function called from here failed, and left its error with the runtime.
    Raised,
}

/// Where a compiled function lies in its module's code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FuncRange {
    pub start: u32,
    pub len: u32,
}

/// The addresses of the two trampolines of one function type: `array_to_wasm` calls a
/// compiled function with its params and results in cells; `wasm_to_array` is what
/// compiled code calls for an interpreted or host function of that type.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Trampolines {
    pub array_to_wasm: usize,
    pub wasm_to_array: usize,
}

/// How a relocation is written into the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelocKind {
    /// The target's absolute address, 8 bytes.
    Abs8,
    /// The target relative to the relocation's address, 4 signed bytes (x86-64).
    PcRel4,
    /// The 26-bit word offset of an AArch64 `bl`.
    Arm64Call,
}

/// What a relocation refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelocTarget {
    /// Code of the same mapping, by its offset.
    Code(u32),
    /// A runtime function of ward, by its number in the compiled tier's list.
    Runtime(u8),
}

/// A place in the code that holds an address, resolved when the code is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reloc {
    /// Where, as an offset into the code.
    pub offset: u32,
    pub kind: RelocKind,
    pub target: RelocTarget,
    pub addend: i64,
}

impl Reloc {
    /// Whether the relocation is a relative reference to the code itself, whose value is
    /// the same wherever the code is mapped: once written, it never changes.
    pub(crate) fn is_relative(&self) -> bool {
        matches!(self.target, RelocTarget::Code(_))
            && matches!(self.kind, RelocKind::PcRel4 | RelocKind::Arm64Call)
    }
}

/// A module's compiled functions and trampolines, mapped executable, with what the trap
/// handler and backtraces need: trap sites and wasm offsets by code offset, and what
/// writing it to an artifact needs: its length and relocations.
pub(crate) struct NativeCode {
    memory: CodeMemory,
    /// The bytes of code in `memory` (the rest of its last page is padding).
    len: usize,
    /// The relocations applied to the code, to apply again wherever it is mapped next.
    relocs: Vec<Reloc>,
    /// The module that owns this code, once it exists (see [`NativeCode::attach`]).
    module: AtomicPtr<CompiledModule>,
    funcs: IndexVec<DefinedFuncIndex, FuncRange>,
    /// Trap sites, sorted by code offset.
    traps: Vec<(u32, CodeTrap)>,
    /// The wasm byte offset of the code from each code offset on, sorted.
    srclocs: Vec<(u32, u32)>,
    trampolines: IndexVec<TypeIndex, Trampolines>,
}

impl NativeCode {
    /// The code in `memory`, with its functions' ranges, trap sites and source locations
    /// (code offsets), and its trampolines (code offsets, turned into addresses here).
    /// Registers it with the trap handler, until it is dropped.
    pub(crate) fn new(
        memory: CodeMemory,
        len: usize,
        relocs: Vec<Reloc>,
        funcs: IndexVec<DefinedFuncIndex, FuncRange>,
        mut traps: Vec<(u32, CodeTrap)>,
        mut srclocs: Vec<(u32, u32)>,
        trampolines: IndexVec<TypeIndex, Trampolines>,
    ) -> Arc<NativeCode> {
        traps.sort_by_key(|&(offset, _)| offset);
        srclocs.sort_by_key(|&(offset, _)| offset);
        // The code already holds the relative ones, valid wherever it is mapped.
        let relocs = relocs.into_iter().filter(|r| !r.is_relative()).collect();
        let start = memory.start();
        let trampolines = trampolines
            .iter()
            .map(|t| Trampolines {
                array_to_wasm: start + t.array_to_wasm,
                wasm_to_array: start + t.wasm_to_array,
            })
            .collect();
        let code = Arc::new(NativeCode {
            memory,
            len,
            relocs,
            module: AtomicPtr::new(core::ptr::null_mut()),
            funcs,
            traps,
            srclocs,
            trampolines,
        });
        register(&code);
        code
    }

    /// The bytes it holds: the code's mapping and the tables that describe it.
    pub(crate) fn bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * core::mem::size_of::<T>()
        }
        self.memory.len()
            + vec(&self.relocs)
            + self.funcs.heap_bytes()
            + vec(&self.traps)
            + vec(&self.srclocs)
            + self.trampolines.heap_bytes()
    }

    /// Records the module that owns this code, for backtraces.
    pub(crate) fn attach(&self, module: *const CompiledModule) {
        self.module.store(module.cast_mut(), Ordering::Release);
    }

    /// The module that owns this code, once attached.
    ///
    /// # Safety
    ///
    /// The module is alive (code of it ran, or runs, in a live store).
    pub(crate) unsafe fn module<'a>(&self) -> Option<&'a CompiledModule> {
        let module = self.module.load(Ordering::Acquire);
        // SAFETY: guaranteed by the caller.
        (!module.is_null()).then(|| unsafe { &*module })
    }

    /// The code, as mapped (relocations applied).
    pub(crate) fn code(&self) -> &[u8] {
        // SAFETY: the mapping is readable, at least `len` bytes, and never written again.
        unsafe { core::slice::from_raw_parts(self.memory.start() as *const u8, self.len) }
    }

    /// The relocations of the code that depend on where it is mapped: of ward's
    /// runtime functions and of absolute addresses.
    pub(crate) fn relocs(&self) -> &[Reloc] {
        &self.relocs
    }

    /// Each defined function's place in the code.
    pub(crate) fn funcs(&self) -> &[FuncRange] {
        self.funcs.as_slice()
    }

    /// The trap sites, sorted by code offset.
    pub(crate) fn traps(&self) -> &[(u32, CodeTrap)] {
        &self.traps
    }

    /// The wasm byte offset of the code from each code offset on, sorted.
    pub(crate) fn srclocs(&self) -> &[(u32, u32)] {
        &self.srclocs
    }

    /// The code offsets of each type's trampolines.
    pub(crate) fn trampoline_offsets(&self) -> impl Iterator<Item = Trampolines> + '_ {
        let start = self.memory.start();
        self.trampolines.iter().map(move |t| Trampolines {
            array_to_wasm: t.array_to_wasm - start,
            wasm_to_array: t.wasm_to_array - start,
        })
    }

    /// The address of defined function `index`'s code.
    pub(crate) fn func_address(&self, index: DefinedFuncIndex) -> usize {
        self.memory.start() + self.funcs[index].start as usize
    }

    /// The address and size of each defined function's code, in index order.
    pub(crate) fn func_ranges(
        &self,
    ) -> impl Iterator<Item = (DefinedFuncIndex, usize, usize)> + '_ {
        let start = self.memory.start();
        self.funcs.iter().enumerate().map(move |(i, range)| {
            (
                DefinedFuncIndex::from_usize(i),
                start + range.start as usize,
                range.len as usize,
            )
        })
    }

    /// The trampolines of type `index`.
    pub(crate) fn trampolines(&self, index: TypeIndex) -> Trampolines {
        self.trampolines[index]
    }

    fn contains(&self, pc: usize) -> bool {
        (self.memory.start()..self.memory.start() + self.memory.len()).contains(&pc)
    }

    /// What the trap site at `pc` means, if `pc` is one. Async-signal-safe.
    pub(crate) fn trap_at(&self, pc: usize) -> Option<CodeTrap> {
        let offset = u32::try_from(pc.checked_sub(self.memory.start())?).ok()?;
        let at = self.traps.binary_search_by_key(&offset, |&(o, _)| o).ok()?;
        Some(self.traps[at].1)
    }

    /// The defined function whose code holds `pc`, and the wasm byte offset of the
    /// instruction there.
    pub(crate) fn location(&self, pc: usize) -> Option<(DefinedFuncIndex, u32)> {
        let offset = u32::try_from(pc.checked_sub(self.memory.start())?).ok()?;
        // Functions lie in index order, so their starts are sorted.
        let funcs = self.funcs.as_slice();
        let at = funcs
            .partition_point(|r| r.start <= offset)
            .checked_sub(1)?;
        let range = funcs[at];
        if offset >= range.start + range.len {
            return None;
        }
        let func = DefinedFuncIndex::from_usize(at);
        let at = self.srclocs.partition_point(|&(o, _)| o <= offset);
        let wasm = at.checked_sub(1).map_or(0, |i| self.srclocs[i].1);
        Some((func, wasm))
    }
}

impl Drop for NativeCode {
    fn drop(&mut self) {
        unregister(self);
    }
}

// SAFETY: immutable after construction; the code memory is owned.
unsafe impl Sync for NativeCode {}
// SAFETY: as above.
unsafe impl Send for NativeCode {}

/// One snapshot of the registry: code ranges, sorted, and their owners.
struct Snapshot {
    entries: Vec<(usize, *const NativeCode)>,
}

static CURRENT: AtomicPtr<Snapshot> = AtomicPtr::new(core::ptr::null_mut());
static READERS: AtomicUsize = AtomicUsize::new(0);
/// The writers' lock, and the snapshots replaced while readers were active.
static WRITER: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// The registered code holding `pc`, if any. Async-signal-safe. The caller must know
/// that the code it gets back is alive (the running thread executes in it).
pub(crate) fn lookup(pc: usize) -> Option<&'static NativeCode> {
    READERS.fetch_add(1, Ordering::SeqCst);
    let snapshot = CURRENT.load(Ordering::SeqCst);
    let found = if snapshot.is_null() {
        None
    } else {
        // SAFETY: a published snapshot is freed only while no reader is counted.
        let entries = unsafe { &(*snapshot).entries };
        let at = entries.partition_point(|&(start, _)| start <= pc);
        at.checked_sub(1)
            .map(|i| entries[i].1)
            // SAFETY: a registered code object is alive until it unregisters, which it
            // does before it is freed; the caller vouches for the one holding `pc`.
            .filter(|&code| unsafe { (*code).contains(pc) })
    };
    READERS.fetch_sub(1, Ordering::SeqCst);
    // SAFETY: as above.
    found.map(|code| unsafe { &*code })
}

fn register(code: &NativeCode) {
    update(|entries| {
        let start = code.memory.start();
        let at = entries.partition_point(|&(s, _)| s < start);
        entries.insert(at, (start, code as *const NativeCode));
    });
}

fn unregister(code: &NativeCode) {
    update(|entries| entries.retain(|&(_, c)| !core::ptr::eq(c, code)));
}

/// Publishes a copy of the current snapshot changed by `change`.
fn update(change: impl FnOnce(&mut Vec<(usize, *const NativeCode)>)) {
    let mut retired = WRITER.lock();
    let old = CURRENT.load(Ordering::SeqCst);
    let mut entries = if old.is_null() {
        Vec::new()
    } else {
        // SAFETY: only writers free snapshots, and this one holds the lock.
        unsafe { (*old).entries.clone() }
    };
    change(&mut entries);
    let new = Box::into_raw(Box::new(Snapshot { entries }));
    CURRENT.store(new, Ordering::SeqCst);
    if !old.is_null() {
        retired.push(old as usize);
    }
    // A reader counted now may hold any retired snapshot; one that arrives after this
    // check loads the new one.
    if READERS.load(Ordering::SeqCst) == 0 {
        for snapshot in retired.drain(..) {
            // SAFETY: unpublished and unread (checked above), freed once.
            drop(unsafe { Box::from_raw(snapshot as *mut Snapshot) });
        }
    }
}
