//! Globals, memories, tables, and the `Extern` sum of everything importable.

use crate::error::{Error, MemoryAccessError, Result};
use crate::types::{ExternType, GlobalType, MemoryType, Mutability, TableType};
use crate::vm::{GlobalEntity, MemoryEntity, TableEntity};
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

    /// Its type; tables and memories report their current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        let store = store.as_context();
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
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

fn check_type(val: &Val, ty: crate::ValType) -> Result<()> {
    if val.ty() == ty {
        Ok(())
    } else {
        Err(Error::Type(format!(
            "value of type {} where {ty} is expected",
            val.ty()
        )))
    }
}

/// A global variable.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Global {
    /// A new global of type `ty` holding `val`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when `val` is not of the global's content type.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = store.as_context_mut();
        check_type(&val, ty.content())?;
        let bits = val.to_bits(store.inner.id);
        let index = store.inner.globals.len() as u32;
        store
            .inner
            .globals
            .push(crate::vm::GlobalBox::new(GlobalEntity { ty, bits }));
        Ok(Global {
            store_id: store.inner.id,
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a GlobalEntity {
        store.inner.globals[store.global_index(*self) as usize].get()
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(store.as_context()).ty
    }

    /// The global's value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let g = self.entity(store);
        Val::from_bits(store.inner.id, g.ty.content(), g.bits)
    }

    /// Sets the global's value.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when the global is immutable or `val` has the wrong type.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        let ty = self.entity(store).ty;
        if ty.mutability() == Mutability::Const {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        check_type(&val, ty.content())?;
        let bits = val.to_bits(store.inner.id);
        let index = store.global_index(*self);
        store.inner.globals[index as usize].get_mut().bits = bits;
        Ok(())
    }
}

/// A linear memory.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Memory {
    /// A new memory of type `ty`, zero-filled.
    ///
    /// # Errors
    ///
    /// [`Error::Other`] when the host cannot allocate it, or when its minimum size exceeds
    /// the store's [limits](Store::set_limits).
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_context_mut();
        let index = store.inner.memories.len() as u32;
        let limits = store.inner.limits;
        limits.check_counts((0, false), (0, 0), (store.inner.memories.len(), 1))?;
        store
            .inner
            .memories
            .push(MemoryEntity::new(ty, limits.memory_size)?);
        Ok(Memory {
            store_id: store.inner.id,
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a MemoryEntity {
        &store.inner.memories[store.memory_index(*self) as usize]
    }

    /// The memory's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        let m = self.entity(store.as_context());
        MemoryType::new(m.pages(), m.ty.maximum())
    }

    /// The size in pages.
    pub fn size(&self, store: impl AsContext) -> u32 {
        self.entity(store.as_context()).pages()
    }

    /// The size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.entity(store.as_context()).data.len()
    }

    /// Grows the memory by `delta` pages and returns the old size in pages.
    ///
    /// # Errors
    ///
    /// [`Error::Other`] past the memory's maximum or the store's
    /// [limits](Store::set_limits), or when the host is out of memory.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u32) -> Result<u32> {
        let store = store.as_context_mut();
        let index = store.memory_index(*self);
        let limit = store.inner.limits.memory_size;
        store.inner.memories[index as usize]
            .grow(delta, limit)
            .ok_or_else(|| Error::Other(format!("failed to grow memory by {delta} pages")))
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: &'a Store<T>) -> &'a [u8] {
        &self.entity(store).data
    }

    /// The memory's bytes, mutably.
    pub fn data_mut<'a, T: 'a>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        let index = store.memory_index(*self);
        &mut store.inner.memories[index as usize].data
    }

    /// The memory's bytes and the store's user data, both mutably: what a host function
    /// needs to move bytes between guest memory and state kept in the store's data.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: &'a mut Store<T>,
    ) -> (&'a mut [u8], &'a mut T) {
        let index = store.memory_index(*self);
        let data = &mut store.inner.memories[index as usize].data;
        (data, &mut store.data)
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
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of type `ty` with every element set to `init`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] when `init` is not of the element type.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut();
        check_type(&init, ty.element())?;
        let cell = init.to_bits(store.inner.id) as u64;
        let index = store.inner.tables.len() as u32;
        let limits = store.inner.limits;
        limits.check_counts((0, false), (store.inner.tables.len(), 1), (0, 0))?;
        let table = TableEntity::new(ty, cell, limits.table_elements)?;
        store.inner.tables.push(table);
        Ok(Table {
            store_id: store.inner.id,
            index,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a TableEntity {
        &store.inner.tables[store.table_index(*self) as usize]
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let t = self.entity(store.as_context());
        TableType::new(t.ty.element(), t.elems.len() as u32, t.ty.maximum())
    }

    /// The number of elements.
    pub fn size(&self, store: impl AsContext) -> u32 {
        self.entity(store.as_context()).elems.len() as u32
    }

    /// Grows the table by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] for an `init` of the wrong type, [`Error::Other`] past the maximum.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u32, init: Val) -> Result<u32> {
        let store = store.as_context_mut();
        let index = store.table_index(*self) as usize;
        check_type(&init, store.inner.tables[index].ty.element())?;
        let cell = init.to_bits(store.inner.id) as u64;
        let limit = store.inner.limits.table_elements;
        store.inner.tables[index]
            .grow(delta, cell, limit)
            .ok_or_else(|| Error::Other(format!("failed to grow table by {delta} elements")))
    }

    /// The element at `index`, or `None` out of bounds.
    pub fn get(&self, store: impl AsContext, index: u32) -> Option<Val> {
        let store = store.as_context();
        let t = self.entity(store);
        let cell = *t.elems.get(index as usize)?;
        Some(Val::from_cells(store.inner.id, t.ty.element(), &[cell]))
    }

    /// Sets the element at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::Type`] for a value of the wrong type, [`Error::Other`] out of bounds.
    pub fn set(&self, mut store: impl AsContextMut, index: u32, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        let t = store.table_index(*self) as usize;
        check_type(&val, store.inner.tables[t].ty.element())?;
        let cell = val.to_bits(store.inner.id) as u64;
        let slot = store.inner.tables[t]
            .elems
            .get_mut(index as usize)
            .ok_or_else(|| Error::Other(format!("table index {index} out of bounds")))?;
        *slot = cell;
        Ok(())
    }
}
