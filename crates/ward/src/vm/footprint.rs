//! What a store holds, in bytes, for embedders that budget memory per store.

/// The bytes a store holds, by kind (see [`Store::footprint`](crate::Store::footprint)).
///
/// Each figure is what ward allocated or mapped, not what the system has made resident:
/// a page of a memory or of the wasm stack that was never touched costs its address
/// space only. Small allocations the allocator rounds up are counted at their requested
/// size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreFootprint {
    /// The code of the modules the store's instances run, each module once: its binary
    /// (which the interpreter translates from), the functions translated so far, and
    /// compiled code. A module instantiated in several stores is counted in each.
    pub code: usize,
    /// The wasm stack: its value cells (allocated at the store's first call) and its
    /// frames' records.
    pub stacks: usize,
    /// The linear memories' current sizes: the bytes wasm code can reach.
    pub memories: usize,
    /// The address space the memories reserve, for growth and guard pages, beyond
    /// [`memories`](Self::memories). It costs no memory until a memory grows into it.
    pub memory_reservations: usize,
    /// The tables' elements.
    pub tables: usize,
    /// The instances: each one's vmctx and the lists of its entities, element segments,
    /// globals, tags, host functions and exceptions.
    pub instances: usize,
}

impl StoreFootprint {
    /// The memory the store holds: every figure but the reservations.
    pub fn total(&self) -> usize {
        self.code + self.stacks + self.memories + self.tables + self.instances
    }
}
