//! Typed indices: one newtype per index space, so that a function index cannot be used
//! where a defined-function index or a store handle is meant.
//!
//! Module index spaces count imports first, then definitions (`FuncIndex`); the
//! `Defined*` spaces count definitions only. Conversions between the two live in one
//! place, [`ModuleInfo`](crate::module::ModuleInfo). Store handles (`*Id`) index the
//! entities of one store; engine-wide function type ids ([`SharedTypeId`]) are what a
//! `call_indirect` compares.

use crate::prelude::*;

macro_rules! index_types {
    ($( $(#[$doc:meta])* $name:ident; )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
            #[repr(transparent)]
            pub(crate) struct $name(u32);

            #[allow(dead_code)]
            impl $name {
                /// The index with this number.
                #[inline(always)]
                pub(crate) const fn from_u32(index: u32) -> Self {
                    $name(index)
                }

                /// The index with this position.
                ///
                /// # Panics
                ///
                /// When `index` exceeds `u32::MAX`: every index space is bounded far
                /// below that by the limits of the binary format and of stores.
                #[inline(always)]
                pub(crate) fn from_usize(index: usize) -> Self {
                    $name(u32::try_from(index).expect("an index fits in 32 bits"))
                }

                /// The index as a number.
                #[inline(always)]
                pub(crate) const fn as_u32(self) -> u32 {
                    self.0
                }

                /// The index as a position in a slice.
                #[inline(always)]
                pub(crate) const fn index(self) -> usize {
                    self.0 as usize
                }
            }

            impl EntityIndex for $name {
                #[inline(always)]
                fn from_position(position: usize) -> Self {
                    $name::from_usize(position)
                }

                #[inline(always)]
                fn position(self) -> usize {
                    self.index()
                }
            }
        )*
    };
}

index_types! {
    /// A function type in a module's type section.
    TypeIndex;
    /// A function in a module: imports first, then definitions.
    FuncIndex;
    /// A function a module defines (imports not counted).
    DefinedFuncIndex;
    /// A table in a module: imports first.
    TableIndex;
    /// A table a module defines.
    DefinedTableIndex;
    /// A linear memory in a module: imports first.
    MemoryIndex;
    /// A global in a module: imports first.
    GlobalIndex;
    /// A global a module defines.
    DefinedGlobalIndex;
    /// A data segment of a module.
    DataIndex;
    /// An element segment of a module.
    ElemIndex;
    /// An exception tag in a module: imports first.
    TagIndex;
    /// A function type interned by an engine: equal types have equal ids across all the
    /// modules and host functions of the engine.
    SharedTypeId;
    /// An instance of a store.
    InstanceId;
    /// A memory of a store.
    MemoryId;
    /// A table of a store.
    TableId;
    /// A global of a store.
    GlobalId;
    /// A host function of a store.
    HostFuncId;
    /// A host value of a store, referenced by an `externref`.
    ExternRefId;
    /// An exception tag of a store.
    TagId;
    /// An exception of a store, referenced by an `exnref`.
    ExnRefId;
}

/// A vector indexed by one index space only: `IndexVec<FuncIndex, T>` cannot be read
/// with a `TableIndex`.
pub(crate) struct IndexVec<I, T> {
    items: Vec<T>,
    _index: core::marker::PhantomData<fn(I) -> I>,
}

/// What [`IndexVec`] needs of an index type.
pub(crate) trait EntityIndex: Copy {
    /// The index with this position.
    fn from_position(position: usize) -> Self;
    /// The index's position.
    fn position(self) -> usize;
}

impl<I: EntityIndex, T> IndexVec<I, T> {
    /// An empty vector.
    pub(crate) const fn new() -> Self {
        IndexVec {
            items: Vec::new(),
            _index: core::marker::PhantomData,
        }
    }

    /// Appends `item` and returns its index.
    pub(crate) fn push(&mut self, item: T) -> I {
        let index = I::from_position(self.items.len());
        self.items.push(item);
        index
    }

    /// The number of items.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The items in index order.
    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items with their indices.
    pub(crate) fn iter_indexed(&self) -> impl ExactSizeIterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (I::from_position(i), item))
    }

    /// The items as a plain slice.
    pub(crate) fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// The items as a plain mutable slice.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.items
    }

    /// Reserves room for `additional` more items.
    pub(crate) fn reserve_exact(&mut self, additional: usize) {
        self.items.reserve_exact(additional);
    }

    /// The bytes of the vector's allocation (its items, not what they point to).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.items.capacity() * core::mem::size_of::<T>()
    }
}

impl<I, T> Default for IndexVec<I, T> {
    fn default() -> Self {
        IndexVec {
            items: Vec::new(),
            _index: core::marker::PhantomData,
        }
    }
}

impl<I, T: Clone> Clone for IndexVec<I, T> {
    fn clone(&self) -> Self {
        IndexVec {
            items: self.items.clone(),
            _index: core::marker::PhantomData,
        }
    }
}

impl<I, T: core::fmt::Debug> core::fmt::Debug for IndexVec<I, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.items.fmt(f)
    }
}

impl<I: EntityIndex, T> core::ops::Index<I> for IndexVec<I, T> {
    type Output = T;

    #[inline(always)]
    fn index(&self, index: I) -> &T {
        &self.items[index.position()]
    }
}

impl<I: EntityIndex, T> core::ops::IndexMut<I> for IndexVec<I, T> {
    #[inline(always)]
    fn index_mut(&mut self, index: I) -> &mut T {
        &mut self.items[index.position()]
    }
}

impl<I, T> FromIterator<T> for IndexVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IndexVec {
            items: iter.into_iter().collect(),
            _index: core::marker::PhantomData,
        }
    }
}

/// The defined function of function `index` in a module that imports `num_imported`
/// functions; `None` for an import.
#[inline(always)]
pub(crate) fn defined_func(num_imported: u32, index: FuncIndex) -> Option<DefinedFuncIndex> {
    index
        .as_u32()
        .checked_sub(num_imported)
        .map(DefinedFuncIndex::from_u32)
}

/// The module index of defined function `index`.
#[inline(always)]
pub(crate) fn func_index(num_imported: u32, index: DefinedFuncIndex) -> FuncIndex {
    FuncIndex::from_u32(num_imported + index.as_u32())
}

/// The defined global of global `index`; `None` for an import.
#[inline(always)]
pub(crate) fn defined_global(num_imported: u32, index: GlobalIndex) -> Option<DefinedGlobalIndex> {
    index
        .as_u32()
        .checked_sub(num_imported)
        .map(DefinedGlobalIndex::from_u32)
}

/// The module index of defined global `index`.
#[inline(always)]
pub(crate) fn global_index(num_imported: u32, index: DefinedGlobalIndex) -> GlobalIndex {
    GlobalIndex::from_u32(num_imported + index.as_u32())
}

/// The module index of defined table `index`.
#[inline(always)]
pub(crate) fn table_index(num_imported: u32, index: DefinedTableIndex) -> TableIndex {
    TableIndex::from_u32(num_imported + index.as_u32())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defined_and_module_indices_convert_both_ways() {
        assert_eq!(defined_func(3, FuncIndex::from_u32(2)), None);
        assert_eq!(
            defined_func(3, FuncIndex::from_u32(5)),
            Some(DefinedFuncIndex::from_u32(2))
        );
        assert_eq!(
            func_index(3, DefinedFuncIndex::from_u32(2)),
            FuncIndex::from_u32(5)
        );
        assert_eq!(
            defined_global(0, GlobalIndex::from_u32(0)),
            Some(DefinedGlobalIndex::from_u32(0))
        );
    }
}
