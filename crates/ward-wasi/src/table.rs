//! The descriptor table: what each guest file descriptor stands for, and its rights.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};

use crate::pipe::{Input, Output};
use crate::types::{Errno, WasiResult};

/// An open file.
pub(crate) struct FileEntry {
    pub file: cap_std::fs::File,
    /// The `fdflags` the guest sees (append, non-blocking, and the sync family it asked for).
    pub flags: u16,
}

/// One entry of a directory listing as `fd_readdir` reports it.
#[derive(Debug, Clone)]
pub(crate) struct DirItem {
    pub name: Vec<u8>,
    pub ino: u64,
    pub filetype: u8,
}

/// An open directory.
pub(crate) struct DirEntry {
    pub dir: cap_std::fs::Dir,
    /// For a preopened directory, the path under which the guest sees it.
    pub preopen: Option<String>,
    /// The listing that `fd_readdir` cookies index, taken when a listing starts
    /// (cookie 0), so that one pass through a directory sees one consistent list.
    pub listing: Option<Vec<DirItem>>,
}

/// What a descriptor refers to.
pub(crate) enum Kind {
    Stdin(Input),
    Stdout(Output),
    File(FileEntry),
    Dir(DirEntry),
    Listener(TcpListener),
    Stream(TcpStream),
}

/// A descriptor: its object, its rights, and the flags of a stream.
pub(crate) struct Entry {
    pub kind: Kind,
    /// The rights of operations on this descriptor.
    pub base: u64,
    /// The rights that descriptors opened through this one may have.
    pub inheriting: u64,
    /// The `fdflags` of a descriptor that is not a file (a file keeps its own).
    pub stream_flags: u16,
}

impl Entry {
    pub(crate) fn new(kind: Kind, base: u64, inheriting: u64) -> Entry {
        Entry {
            kind,
            base,
            inheriting,
            stream_flags: 0,
        }
    }

    /// Fails with `NOTCAPABLE` unless the descriptor has all of `rights`.
    pub(crate) fn require(&self, rights: u64) -> WasiResult<()> {
        if self.base & rights == rights {
            Ok(())
        } else {
            Err(Errno::NotCapable)
        }
    }
}

/// The most descriptors a guest may hold at once: beyond it opens fail with `NFILE`,
/// so a guest that leaks descriptors cannot exhaust the host's.
pub(crate) const MAX_FDS: usize = 16 * 1024;

/// Guest descriptors, numbered from 0; a new descriptor takes the lowest free number.
#[derive(Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

impl FdTable {
    /// Adds `entry` under the lowest free number and returns it.
    pub(crate) fn push(&mut self, entry: Entry) -> WasiResult<u32> {
        if self.entries.len() >= MAX_FDS {
            return Err(Errno::Nfile);
        }
        let mut fd = 0u32;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd += 1;
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    /// Puts `entry` at `fd`, replacing whatever was there.
    pub(crate) fn insert_at(&mut self, fd: u32, entry: Entry) {
        self.entries.insert(fd, entry);
    }

    pub(crate) fn get(&self, fd: u32) -> WasiResult<&Entry> {
        self.entries.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> WasiResult<&mut Entry> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn remove(&mut self, fd: u32) -> WasiResult<Entry> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn contains(&self, fd: u32) -> bool {
        self.entries.contains_key(&fd)
    }

    /// The directory at `fd`: `BADF` when there is none, `NOTDIR` when it is something else.
    pub(crate) fn dir(&self, fd: u32, rights: u64) -> WasiResult<&cap_std::fs::Dir> {
        let entry = self.get(fd)?;
        match &entry.kind {
            Kind::Dir(d) => {
                entry.require(rights)?;
                Ok(&d.dir)
            }
            _ => Err(Errno::NotDir),
        }
    }

    /// The file at `fd`: `BADF` when there is none or it is not a file.
    pub(crate) fn file(&self, fd: u32, rights: u64) -> WasiResult<&FileEntry> {
        let entry = self.get(fd)?;
        match &entry.kind {
            Kind::File(f) => {
                entry.require(rights)?;
                Ok(f)
            }
            _ => Err(Errno::Badf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, FdTable, Kind};
    use crate::pipe::{Input, ReadPipe};
    use crate::types::Errno;

    fn entry() -> Entry {
        Entry::new(Kind::Stdin(Input::Pipe(ReadPipe::empty())), 0, 0)
    }

    #[test]
    fn new_descriptors_take_the_lowest_free_number() {
        let mut table = FdTable::default();
        assert_eq!(table.push(entry()), Ok(0));
        assert_eq!(table.push(entry()), Ok(1));
        assert_eq!(table.push(entry()), Ok(2));
        table.remove(1).unwrap();
        assert_eq!(table.push(entry()), Ok(1));
        assert_eq!(table.push(entry()), Ok(3));
        assert!(matches!(table.remove(7), Err(Errno::Badf)));
        assert!(matches!(table.get(7), Err(Errno::Badf)));
    }

    #[test]
    fn rights_are_enforced() {
        let e = Entry::new(Kind::Stdin(Input::Pipe(ReadPipe::empty())), 0b0110, 0);
        assert_eq!(e.require(0b0100), Ok(()));
        assert_eq!(e.require(0b0110), Ok(()));
        assert_eq!(e.require(0b0001), Err(Errno::NotCapable));
    }
}
