//! Globals, memories, tables, tags, and the `Extern` sum of everything importable.

use crate::error::{Error, MemoryAccessError, ResourceError, Result};
use crate::index::{GlobalId, MemoryId, TableId, TagId};
use crate::prelude::*;
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, TableType, TagType};
use crate::vm::{GlobalEntity, MemoryEntity, TableEntity, TagEntity};
use crate::{AsContext, AsContextMut, Func, Store, Val};

/// Anything a module can import or export.
#[derive(Debug, Clone, Copy)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        match self {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }

    /// Its type; tables and memories report their current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        let store = store.as_context();
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}

impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}

impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}

impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}

/// An exception tag: what a `throw` names and a `catch` matches. Every tag a module
/// defines is new at each instantiation; an exception matches a `catch` of the very
/// tag it was thrown with, not of another tag of the same type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store_id: u64,
    pub(crate) id: TagId,
}

impl Tag {
    /// A new tag of type `ty`, for the host to define and throw with.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let store = store.as_context_mut();
        let type_id = store.inner.engine().intern_type(ty.func_type());
        let id = store
            .inner
            .exceptions_mut()
            .push_tag(TagEntity::new(ty.clone(), type_id));
        Tag {
            store_id: store.inner.id(),
            id,
        }
    }

    /// The tag's type.
    ///
    /// # Panics
    ///
    /// If the tag belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        let store = store.as_context();
        store.check_id(self.store_id);
        store.inner.tag_type(self.id)
    }
}

/// Checks that `val`, to be written into the store with id `store_id`, has type `ty`.
fn check_type(store_id: u64, val: &Val, ty: crate::ValType) -> Result<()> {
    if val.matches(store_id, ty) {
        Ok(())
    } else {
        Err(Error::Type(format!(
            "value of type {} where {ty} is expected",
            val.ty()
        )))
    }
}

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: GlobalId,
}

impl Global {
    /// A new global of type `ty` holding `val`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when `val` is not of the global's content type.
    ///
    /// # Panics
    ///
    /// When `val` is a reference of another store.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = store.as_context_mut();
        check_type(store.inner.id(), &val, ty.content())?;
        let bits = val.to_bits(store.inner.id());
        let index = store.inner.push_global(GlobalEntity::new(ty, bits));
        Ok(Global {
            store_id: store.inner.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a GlobalEntity {
        store.check_id(self.store_id);
        store.inner.global(self.index)
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(store.as_context()).ty()
    }

    /// The global's value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let g = self.entity(store);
        Val::from_bits(store.inner.id(), g.ty().content(), g.bits())
    }

    /// Sets the global's value.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when the global is immutable or `val` has the wrong type.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        let ty = self.entity(store).ty();
        if ty.mutability() == Mutability::Const {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        check_type(store.inner.id(), &val, ty.content())?;
        let bits = val.to_bits(store.inner.id());
        store.inner.global_mut(self.index).set_bits(bits);
        Ok(())
    }
}

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: MemoryId,
}

impl Memory {
    /// A new memory of type `ty`, zero-filled.
    ///
    /// # Errors
    ///
    /// [`Error::Resource`] when the host cannot allocate it, or when its minimum size
    /// exceeds the store's [limits](Store::set_limits).
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_context_mut();
        let index = store.inner.new_memory(ty)?;
        Ok(Memory {
            store_id: store.inner.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a MemoryEntity {
        store.check_id(self.store_id);
        store.inner.memory(self.index)
    }

    fn entity_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut MemoryEntity {
        store.check_id(self.store_id);
        store.inner.memory_mut(self.index)
    }

    /// The memory's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        let store = store.as_context();
        store.check_id(self.store_id);
        store.inner.memory_type(self.index)
    }

    /// The size in pages.
    pub fn size(&self, store: impl AsContext) -> u32 {
        self.entity(store.as_context()).pages()
    }

    /// The size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.entity(store.as_context()).byte_len()
    }

    /// Grows the memory by `delta` pages and returns the old size in pages.
    ///
    /// # Errors
    ///
    /// [`Error::Resource`] past the memory's maximum or the store's
    /// [limits](Store::set_limits), or when the host is out of memory.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u32) -> Result<u32> {
        let store = store.as_context_mut();
        let limit = store.inner.limits().memory_size;
        self.entity_mut(store)
            .grow(u64::from(delta), limit)
            .ok_or_else(|| {
                ResourceError::Grow {
                    what: "memory",
                    delta: u64::from(delta),
                }
                .into()
            })
    }

    /// Whether the memory keeps its address whatever it grows to: it then never moves
    /// (see [`Config::memory_reservation`](crate::Config::memory_reservation)).
    pub fn never_moves(&self, store: impl AsContext) -> bool {
        self.entity(store.as_context()).never_moves()
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: &'a Store<T>) -> &'a [u8] {
        self.entity(store).data()
    }

    /// The memory's bytes, mutably.
    pub fn data_mut<'a, T: 'a>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        self.entity_mut(store).data_mut()
    }

    /// The memory's bytes and the store's user data, both mutably: what a host function
    /// needs to move bytes between guest memory and state kept in the store's data.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: &'a mut Store<T>,
    ) -> (&'a mut [u8], &'a mut T) {
        store.check_id(self.store_id);
        let (inner, data) = store.inner_and_data_mut();
        (inner.memory_mut(self.index).data_mut(), data)
    }

    /// Copies `buf.len()` bytes from `offset` into `buf`.
    ///
    /// # Errors
    ///
    /// [`MemoryAccessError`] when the range is outside the memory.
    pub fn read(
        &self,
        store: impl AsContext,
        offset: usize,
        buf: &mut [u8],
    ) -> Result<(), MemoryAccessError> {
        let data = self.data(store.as_context());
        let end = offset.checked_add(buf.len()).ok_or(MemoryAccessError)?;
        buf.copy_from_slice(data.get(offset..end).ok_or(MemoryAccessError)?);
        Ok(())
    }

    /// Copies `buf` into the memory at `offset`.
    ///
    /// # Errors
    ///
    /// [`MemoryAccessError`] when the range is outside the memory.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        offset: usize,
        buf: &[u8],
    ) -> Result<(), MemoryAccessError> {
        let data = self.data_mut(store.as_context_mut());
        let end = offset.checked_add(buf.len()).ok_or(MemoryAccessError)?;
        data.get_mut(offset..end)
            .ok_or(MemoryAccessError)?
            .copy_from_slice(buf);
        Ok(())
    }
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: TableId,
}

impl Table {
    /// A new table of type `ty` with every element set to `init`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when `init` is not of the element type; [`Error::Resource`] past
    /// the store's [limits](Store::set_limits).
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut();
        check_type(store.inner.id(), &init, ty.element())?;
        let cell = init.to_bits(store.inner.id()) as u64;
        let index = store.inner.new_table(ty, cell)?;
        Ok(Table {
            store_id: store.inner.id(),
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a TableEntity {
        store.check_id(self.store_id);
        store.inner.table(self.index)
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let store = store.as_context();
        store.check_id(self.store_id);
        store.inner.table_type(self.index)
    }

    /// The number of elements.
    pub fn size(&self, store: impl AsContext) -> u32 {
        self.entity(store.as_context()).elems().len() as u32
    }

    /// Grows the table by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] for an `init` of the wrong type, [`Error::Resource`] past the
    /// maximum or the store's limits.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u32, init: Val) -> Result<u32> {
        let store = store.as_context_mut();
        check_type(store.inner.id(), &init, self.entity(store).ty().element())?;
        let cell = init.to_bits(store.inner.id()) as u64;
        let limit = store.inner.limits().table_elements;
        store
            .inner
            .table_mut(self.index)
            .grow(u64::from(delta), cell, limit)
            .ok_or_else(|| {
                ResourceError::Grow {
                    what: "table",
                    delta: u64::from(delta),
                }
                .into()
            })
    }

    /// The element at `index`, or `None` out of bounds.
    pub fn get(&self, store: impl AsContext, index: u32) -> Option<Val> {
        let store = store.as_context();
        let t = self.entity(store);
        let cell = *t.elems().get(index as usize)?;
        Some(Val::from_cells(store.inner.id(), t.ty().element(), &[cell]))
    }

    /// Sets the element at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] for a value of the wrong type, [`Error::Other`] out of bounds.
    pub fn set(&self, mut store: impl AsContextMut, index: u32, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        check_type(store.inner.id(), &val, self.entity(store).ty().element())?;
        let cell = val.to_bits(store.inner.id()) as u64;
        let slot = store
            .inner
            .table_mut(self.index)
            .elems_mut()
            .get_mut(index as usize)
            .ok_or_else(|| Error::Other(format!("table index {index} out of bounds")))?;
        *slot = cell;
        Ok(())
    }
}
