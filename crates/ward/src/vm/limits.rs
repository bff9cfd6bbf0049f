//! Resource limits of a store.

use crate::error::ResourceError;

/// Resource limits of a [`Store`](crate::Store); the default limits nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// The most bytes one linear memory may hold.
    pub memory_size: usize,
    /// The most elements one table may hold.
    pub table_elements: u32,
    /// The most instances the store may hold.
    pub instances: usize,
    /// The most tables the store may hold.
    pub tables: usize,
    /// The most memories the store may hold.
    pub memories: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            memory_size: usize::MAX,
            table_elements: u32::MAX,
            instances: usize::MAX,
            tables: usize::MAX,
            memories: usize::MAX,
        }
    }
}

impl StoreLimits {
    /// Checks that one more instance (when `instance`), `tables.1` more tables on top of
    /// the `tables.0` there are, and likewise memories, stay within the limits.
    pub(crate) fn check_counts(
        &self,
        instances: (usize, bool),
        tables: (usize, usize),
        memories: (usize, usize),
    ) -> Result<(), ResourceError> {
        let over = |kind: &'static str, have: usize, more: usize, limit: usize| {
            if have.saturating_add(more) > limit {
                Err(ResourceError::Count { kind, limit })
            } else {
                Ok(())
            }
        };
        over(
            "instances",
            instances.0,
            usize::from(instances.1),
            self.instances,
        )?;
        over("tables", tables.0, tables.1, self.tables)?;
        over("memories", memories.0, memories.1, self.memories)
    }
}
