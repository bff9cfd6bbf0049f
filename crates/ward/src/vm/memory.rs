//! Linear memories: reserved address ranges that grow in place.
//!
//! A memory reserves `Config::memory_reservation` bytes of address space (at least its
//! initial size) plus `Config::memory_guard_size` bytes of guard after it (none in an
//! engine that only interprets); only its current size is accessible. A memory whose
//! maximum fits in the reservation (every 32-bit memory under the 64-bit default of
//! 4 GiB) grows by making more of it accessible and never moves. One that may outgrow its reservation moves to a larger
//! one when it does, copying its bytes; its [`VMMemoryDefinition`] then gets the new
//! base, which code reloads after anything that may grow a memory. So does a memory
//! whose reservation could not be had (the address space is short): it then reserves
//! its initial size only.

use crate::error::ResourceError;
use crate::prelude::*;
use crate::sys::Mmap;
use crate::types::MemoryType;
use crate::{Config, Strategy};

use super::{MemoryStyle, VMMemoryDefinition};

/// A linear memory of a store.
pub(crate) struct MemoryEntity {
    ty: MemoryType,
    /// Its base and length, at a fixed address for code to read.
    def: Box<VMMemoryDefinition>,
    map: Mmap,
    /// The reservation for growth, without the guard: the most bytes the memory can
    /// hold before it moves.
    capacity: u64,
    guard: u64,
}

// SAFETY: the definition's pointer is into `map`, which the memory owns.
unsafe impl Send for MemoryEntity {}
// SAFETY: shared access only reads.
unsafe impl Sync for MemoryEntity {}

impl MemoryEntity {
    /// A zero-filled memory of `ty`'s minimum size, which must not exceed `limit` bytes
    /// (the store's limit on one memory), reserved as `config` says.
    ///
    /// # Errors
    ///
    /// When the memory exceeds `limit`, or its address space cannot be reserved.
    pub(crate) fn new(
        ty: MemoryType,
        config: &Config,
        limit: usize,
    ) -> Result<MemoryEntity, ResourceError> {
        let pages = ty.minimum();
        // A 64-bit memory's minimum may exceed what ward gives any memory: such a
        // memory is refused as one past the store's limit is.
        let bytes = pages.saturating_mul(ty.page_size());
        if bytes > limit as u64 || pages > ty.max_pages() {
            return Err(ResourceError::MemoryLimit {
                pages,
                bytes,
                limit,
            });
        }
        let mut capacity = bytes.max(config.memory_reservation);
        // The interpreter checks every access against the memory's length: guard pages
        // serve compiled code only, which an engine that interprets never runs.
        let mut guard = if config.strategy == Strategy::Interpreter {
            0
        } else {
            config.memory_guard_size
        };
        let map = match reserve(capacity, guard, bytes, pages) {
            Ok(map) => map,
            // Without the address space for the whole reservation (a small address
            // space, a `ulimit -v`), the memory takes only its initial size: it works
            // all the same, and moves when it grows.
            Err(_) if capacity > bytes || guard > 0 => {
                (capacity, guard) = (bytes, 0);
                reserve(capacity, guard, bytes, pages)?
            }
            Err(e) => return Err(e),
        };
        let def = Box::new(VMMemoryDefinition {
            base: map.as_mut_ptr(),
            current_length: bytes as usize,
        });
        Ok(MemoryEntity {
            ty,
            def,
            map,
            capacity,
            guard,
        })
    }

    /// The address space the memory holds: its reservation for growth and its guard.
    pub(crate) fn reserved(&self) -> usize {
        self.map.len()
    }

    /// The memory's declared type.
    pub(crate) fn ty(&self) -> MemoryType {
        self.ty
    }

    /// The current size in pages.
    pub(crate) fn pages(&self) -> u32 {
        (self.def.current_length >> self.ty.page_size_log2()) as u32
    }

    /// The current size in bytes.
    pub(crate) fn byte_len(&self) -> usize {
        self.def.current_length
    }

    /// The memory's definition, at a fixed address for the memory's life.
    pub(crate) fn definition(&self) -> *mut VMMemoryDefinition {
        &*self.def as *const VMMemoryDefinition as *mut VMMemoryDefinition
    }

    /// Whether the memory can reach its maximum size without moving.
    pub(crate) fn never_moves(&self) -> bool {
        self.max_bytes() <= self.capacity
    }

    /// Whether compiled code that assumes `style` may access this memory: a static
    /// style needs the memory never to move, a 4 GiB reservation and the guard it
    /// assumed.
    pub(crate) fn suits(&self, style: MemoryStyle) -> bool {
        match style {
            MemoryStyle::Static { guard } => {
                self.never_moves() && self.capacity >= 1 << 32 && self.guard >= guard
            }
            MemoryStyle::Dynamic => true,
        }
    }

    fn max_bytes(&self) -> u64 {
        self.max_pages() * self.ty.page_size()
    }

    /// The most pages the memory can have: its maximum, within the page size's bound.
    fn max_pages(&self) -> u64 {
        self.ty
            .maximum()
            .unwrap_or(u64::MAX)
            .min(self.ty.max_pages())
    }

    /// The memory's bytes.
    pub(crate) fn data(&self) -> &[u8] {
        // SAFETY: `current_length` bytes from `base` are accessible and initialised
        // (zeroed by the system, then written through this memory only); `&self` keeps
        // them from changing meanwhile.
        unsafe { core::slice::from_raw_parts(self.def.base, self.def.current_length) }
    }

    /// The memory's bytes, mutably.
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `data`, and `&mut self` is exclusive.
        unsafe { core::slice::from_raw_parts_mut(self.def.base, self.def.current_length) }
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` past the
    /// memory's maximum, past `limit` bytes (the store's limit on one memory) or when
    /// the host cannot provide the memory.
    pub(crate) fn grow(&mut self, delta: u64, limit: usize) -> Option<u32> {
        let old = self.pages();
        let new = u64::from(old).saturating_add(delta);
        let bytes = new.saturating_mul(self.ty.page_size());
        if new > self.max_pages() || bytes > limit as u64 {
            return None;
        }
        if bytes > self.capacity {
            self.relocate(bytes)?;
        }
        self.map.make_accessible(bytes as usize).ok()?;
        self.def.current_length = bytes as usize;
        Some(old)
    }

    /// Moves the memory to a reservation that holds `bytes`, with room to grow: the one
    /// case where a memory's base changes.
    #[cold]
    fn relocate(&mut self, bytes: u64) -> Option<()> {
        let capacity = bytes
            .max(self.capacity.saturating_mul(2))
            .min(self.max_bytes());
        let pages = bytes >> self.ty.page_size_log2();
        let map = reserve(capacity, self.guard, bytes, pages).ok()?;
        let len = self.def.current_length;
        // SAFETY: both ranges are accessible for `len` bytes (the new one for more), and
        // they are distinct mappings.
        unsafe { core::ptr::copy_nonoverlapping(self.def.base, map.as_mut_ptr(), len) };
        self.def.base = map.as_mut_ptr();
        self.map = map;
        self.capacity = capacity;
        Some(())
    }
}

/// Reserves `capacity` bytes plus `guard` for a memory of `pages` pages, of which the
/// first `bytes` are accessible.
fn reserve(capacity: u64, guard: u64, bytes: u64, pages: u64) -> Result<Mmap, ResourceError> {
    let total = capacity
        .checked_add(guard)
        .and_then(|total| usize::try_from(total).ok())
        .ok_or_else(|| ResourceError::Allocation {
            what: format!("a memory of {pages} pages"),
            reason: format!(
                "its reservation of {capacity} bytes and guard of {guard} bytes exceed the \
                 address space"
            ),
        })?;
    Mmap::reserve_accessible(total, bytes as usize).map_err(|e| allocation_error(pages, &e))
}

fn allocation_error(pages: u64, error: &dyn core::fmt::Display) -> ResourceError {
    ResourceError::Allocation {
        what: format!("a memory of {pages} pages"),
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::PAGE_SIZE;
    use super::*;

    fn config(reservation: u64, guard: u64) -> Config {
        let mut config = Config::new();
        config
            .memory_reservation(reservation)
            .memory_guard_size(guard);
        config
    }

    #[test]
    fn a_memory_within_its_reservation_grows_in_place() {
        let mut memory = MemoryEntity::new(
            MemoryType::new(1, Some(8)),
            &config(1 << 20, 1 << 16),
            usize::MAX,
        )
        .unwrap();
        assert!(memory.never_moves());
        let base = memory.data().as_ptr();
        memory.data_mut()[100] = 7;
        assert_eq!(memory.grow(3, usize::MAX), Some(1));
        assert_eq!(memory.pages(), 4);
        assert_eq!(memory.data().as_ptr(), base);
        assert_eq!(memory.data()[100], 7);
        assert_eq!(memory.data()[4 * PAGE_SIZE - 1], 0);
        assert_eq!(memory.grow(5, usize::MAX), None, "past the maximum");
        assert_eq!(
            memory.grow(1, 4 * PAGE_SIZE),
            None,
            "past the store's limit"
        );
        assert_eq!(memory.grow(4, usize::MAX), Some(4));
    }

    #[test]
    fn a_memory_past_its_reservation_moves_and_keeps_its_bytes() {
        let mut memory =
            MemoryEntity::new(MemoryType::new(1, None), &config(0, 0), usize::MAX).unwrap();
        assert!(!memory.never_moves());
        memory.data_mut()[PAGE_SIZE - 1] = 9;
        assert_eq!(memory.grow(2, usize::MAX), Some(1));
        assert_eq!(memory.byte_len(), 3 * PAGE_SIZE);
        assert_eq!(memory.data()[PAGE_SIZE - 1], 9);
        // SAFETY: the definition lives as long as the memory.
        let def = unsafe { &*memory.definition() };
        assert_eq!(def.base, memory.data().as_ptr() as *mut u8);
        assert_eq!(def.current_length, 3 * PAGE_SIZE);
    }

    #[test]
    fn the_store_limit_applies_to_the_initial_size() {
        let err = MemoryEntity::new(MemoryType::new(2, None), &config(0, 0), PAGE_SIZE)
            .err()
            .unwrap();
        assert!(
            matches!(err, ResourceError::MemoryLimit { pages: 2, .. }),
            "{err}"
        );
    }
}
