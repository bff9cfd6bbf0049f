//! Exception tags and the exceptions thrown with them (exception handling).
//!
//! A tag is an entity of the store, like a global: a module defines fresh ones at each
//! instantiation or imports another's, and an exception matches a `catch` only if it
//! was thrown with that very tag. An exception is an object of the store: its tag and
//! the cells of its values. An `exnref` cell holds its id plus one (zero is null).
//!
//! There is no garbage collector: an exception lives until the store drops, unless it
//! is caught by value (`catch`, `catch_all`) before any reference to it was made (no
//! `catch_ref`, no `exnref` handed to the host, and it never left the activation of
//! the interpreter that threw it). Then nothing can name it again, and its slot is
//! reused. Programs that throw and catch by value, in a loop, run in constant memory.

use crate::index::SharedTypeId;
use crate::index::{ExnRefId, IndexVec, TagId};
use crate::prelude::*;
use crate::types::TagType;

use super::StoreInner;

/// A tag of a store.
pub(crate) struct TagEntity {
    ty: TagType,
    /// The engine's id of the tag's function type, which imports match.
    type_id: SharedTypeId,
}

impl TagEntity {
    pub(crate) fn new(ty: TagType, type_id: SharedTypeId) -> Self {
        TagEntity { ty, type_id }
    }

    pub(crate) fn ty(&self) -> &TagType {
        &self.ty
    }

    pub(crate) fn type_id(&self) -> SharedTypeId {
        self.type_id
    }
}

/// A thrown exception: its tag and the cells of its values.
pub(crate) struct ExceptionObject {
    tag: TagId,
    cells: Box<[u64]>,
    /// Whether a reference to it may exist (see the module's docs).
    exposed: bool,
}

impl ExceptionObject {
    pub(crate) fn tag(&self) -> TagId {
        self.tag
    }

    pub(crate) fn cells(&self) -> &[u64] {
        &self.cells
    }
}

/// The store's tags and exceptions.
#[derive(Default)]
pub(crate) struct Exceptions {
    tags: IndexVec<TagId, TagEntity>,
    objects: IndexVec<ExnRefId, Option<ExceptionObject>>,
    /// Ids of objects that were freed, for reuse.
    free: Vec<ExnRefId>,
}

impl Exceptions {
    pub(crate) fn push_tag(&mut self, tag: TagEntity) -> TagId {
        self.tags.push(tag)
    }

    pub(crate) fn tag(&self, id: TagId) -> &TagEntity {
        &self.tags[id]
    }

    /// A new exception of `tag` with values `cells`; it is not yet exposed.
    pub(crate) fn alloc(&mut self, tag: TagId, cells: Box<[u64]>) -> ExnRefId {
        let object = ExceptionObject {
            tag,
            cells,
            exposed: false,
        };
        match self.free.pop() {
            Some(id) => {
                self.objects[id] = Some(object);
                id
            }
            None => self.objects.push(Some(object)),
        }
    }

    /// Exception `id`, which is live: ids come from `alloc`, and only unexposed
    /// exceptions are freed, which nothing names any more.
    pub(crate) fn get(&self, id: ExnRefId) -> &ExceptionObject {
        self.objects[id]
            .as_ref()
            .expect("a live exception: only unreferenced ones are freed")
    }

    /// Notes that a reference to exception `id` may now exist beyond the unwinder.
    pub(crate) fn expose(&mut self, id: ExnRefId) {
        if let Some(object) = &mut self.objects[id] {
            object.exposed = true;
        }
    }

    /// Exception `id` was caught by value: frees it unless a reference may exist.
    pub(crate) fn caught_by_value(&mut self, id: ExnRefId) {
        if self.objects[id].as_ref().is_some_and(|o| !o.exposed) {
            self.objects[id] = None;
            self.free.push(id);
        }
    }

    /// The bytes of the tags and of the exceptions alive.
    pub(crate) fn bytes(&self) -> usize {
        let values: usize = self
            .objects
            .iter()
            .flatten()
            .map(|o| core::mem::size_of_val(&*o.cells))
            .sum();
        self.tags.heap_bytes()
            + self.objects.heap_bytes()
            + values
            + self.free.capacity() * core::mem::size_of::<ExnRefId>()
    }

    /// How many exceptions the store holds.
    #[cfg(test)]
    pub(crate) fn live(&self) -> usize {
        self.objects.len() - self.free.len()
    }
}

/// The `exnref` cell of exception `id`.
pub(crate) fn exnref_cell(id: ExnRefId) -> u64 {
    u64::from(id.as_u32()) + 1
}

/// The exception an `exnref` cell refers to; `None` for null.
pub(crate) fn exnref_of_cell(cell: u64) -> Option<ExnRefId> {
    cell.checked_sub(1).map(|i| ExnRefId::from_u32(i as u32))
}

impl StoreInner {
    /// Notes that the exception `error` carries, if it is an uncaught exception of this
    /// store, leaves the runtime's hands: whoever gets the error may keep a reference
    /// to it, so it is no longer freed when caught by value.
    pub(crate) fn expose_exception_of(&mut self, error: &crate::Error) {
        if let crate::Error::Trap(trap) = error {
            if let Some(Ok(exception)) = trap.exception_in(self.id()) {
                self.exceptions_mut().expose(exception);
            }
        }
    }

    /// The type of tag `id`.
    pub(crate) fn tag_type(&self, id: TagId) -> TagType {
        self.exceptions().tag(id).ty().clone()
    }
}
