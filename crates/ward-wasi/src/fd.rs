//! The `fd_*` functions: operations on open descriptors.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;

use cap_std::fs::FileExt;

use crate::ctx::WasiCtx;
use crate::memory::{total_len, GuestMemory};
use crate::pipe::{HostOutput, Input, Output};
use crate::sys::{self, Filestat};
use crate::table::{DirItem, Entry, Kind};
use crate::types::{
    fdflags, filetype, fstflags, layout, rights, whence, Errno, WasiResult, MAX_IO_CHUNK,
};

/// Writes a `filestat` at `ptr`.
pub(crate) fn write_filestat(mem: &mut GuestMemory, ptr: u32, st: &Filestat) -> WasiResult<()> {
    mem.check(ptr, layout::FILESTAT_SIZE as usize)?;
    let mut bytes = [0u8; layout::FILESTAT_SIZE as usize];
    bytes[0..8].copy_from_slice(&st.dev.to_le_bytes());
    bytes[8..16].copy_from_slice(&st.ino.to_le_bytes());
    bytes[16] = st.filetype;
    bytes[24..32].copy_from_slice(&st.nlink.to_le_bytes());
    bytes[32..40].copy_from_slice(&st.size.to_le_bytes());
    bytes[40..48].copy_from_slice(&st.atim.to_le_bytes());
    bytes[48..56].copy_from_slice(&st.mtim.to_le_bytes());
    bytes[56..64].copy_from_slice(&st.ctim.to_le_bytes());
    mem.write(ptr, &bytes)
}

/// Fails with `INVAL` for `fstflags` that set a time both to a value and to now, or
/// that have unknown bits.
pub(crate) fn check_fstflags(flags: u16) -> WasiResult<()> {
    let known = fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW;
    let both_a = fstflags::ATIM | fstflags::ATIM_NOW;
    let both_m = fstflags::MTIM | fstflags::MTIM_NOW;
    if flags & !known != 0 || flags & both_a == both_a || flags & both_m == both_m {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// The status of an inherited or piped standard stream.
fn stream_filestat(entry: &Entry) -> Filestat {
    let host = match &entry.kind {
        Kind::Stdin(Input::Inherit) => Some(rustix::stdio::stdin()),
        Kind::Stdout(Output::Inherit(HostOutput::Stdout)) => Some(rustix::stdio::stdout()),
        Kind::Stdout(Output::Inherit(HostOutput::Stderr)) => Some(rustix::stdio::stderr()),
        _ => None,
    };
    match host {
        Some(fd) => {
            let mut st = sys::fd_filestat(fd).unwrap_or_default();
            st.filetype = sys::host_filetype(fd);
            st
        }
        None => Filestat::default(),
    }
}

/// The file type the guest sees for a descriptor.
fn entry_filetype(entry: &Entry) -> WasiResult<u8> {
    Ok(match &entry.kind {
        Kind::Stdin(_) | Kind::Stdout(_) => stream_filestat(entry).filetype,
        Kind::File(f) => sys::fd_filestat(f.file.as_fd())?.filetype,
        Kind::Dir(_) => filetype::DIRECTORY,
        Kind::Listener(_) | Kind::Stream(_) => filetype::SOCKET_STREAM,
    })
}

impl WasiCtx {
    pub(crate) fn fd_advise(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u8,
    ) -> WasiResult<()> {
        let file = self.table.file(fd, rights::FD_ADVISE)?;
        sys::advise(file.file.as_fd(), offset, len, advice)
    }

    pub(crate) fn fd_allocate(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        offset: u64,
        len: u64,
    ) -> WasiResult<()> {
        let file = &self.table.file(fd, rights::FD_ALLOCATE)?.file;
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        if end > i64::MAX as u64 {
            return Err(Errno::Fbig);
        }
        // Like posix_fallocate, make the range part of the file; storage itself is left
        // to the host's file system (which may allocate lazily).
        if end > file.metadata()?.len() {
            file.set_len(end)?;
        }
        Ok(())
    }

    pub(crate) fn fd_close(&mut self, _mem: &mut GuestMemory, fd: u32) -> WasiResult<()> {
        self.table.remove(fd).map(drop)
    }

    pub(crate) fn fd_datasync(&mut self, _mem: &mut GuestMemory, fd: u32) -> WasiResult<()> {
        let file = self.table.file(fd, rights::FD_DATASYNC)?;
        Ok(file.file.sync_data()?)
    }

    pub(crate) fn fd_sync(&mut self, _mem: &mut GuestMemory, fd: u32) -> WasiResult<()> {
        let entry = self.table.get(fd)?;
        match &entry.kind {
            Kind::File(f) => {
                entry.require(rights::FD_SYNC)?;
                Ok(f.file.sync_all()?)
            }
            Kind::Dir(d) => {
                entry.require(rights::FD_SYNC)?;
                Ok(rustix::fs::fsync(d.dir.as_fd()).map_err(std::io::Error::from)?)
            }
            _ => Err(Errno::Inval),
        }
    }

    pub(crate) fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        ptr: u32,
    ) -> WasiResult<()> {
        mem.check(ptr, layout::FDSTAT_SIZE as usize)?;
        let entry = self.table.get(fd)?;
        let flags = match &entry.kind {
            Kind::File(f) => f.flags,
            _ => entry.stream_flags,
        };
        let mut bytes = [0u8; layout::FDSTAT_SIZE as usize];
        bytes[0] = entry_filetype(entry)?;
        bytes[2..4].copy_from_slice(&flags.to_le_bytes());
        bytes[8..16].copy_from_slice(&entry.base.to_le_bytes());
        bytes[16..24].copy_from_slice(&entry.inheriting.to_le_bytes());
        mem.write(ptr, &bytes)
    }

    pub(crate) fn fd_fdstat_set_flags(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        flags: u16,
    ) -> WasiResult<()> {
        let entry = self.table.get_mut(fd)?;
        entry.require(rights::FD_FDSTAT_SET_FLAGS)?;
        let known =
            fdflags::APPEND | fdflags::DSYNC | fdflags::NONBLOCK | fdflags::RSYNC | fdflags::SYNC;
        if flags & !known != 0 {
            return Err(Errno::Inval);
        }
        let append = flags & fdflags::APPEND != 0;
        let nonblock = flags & fdflags::NONBLOCK != 0;
        match &mut entry.kind {
            Kind::File(f) => {
                // The sync family cannot be changed on an open descriptor portably.
                let sync = fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC;
                if flags & sync != f.flags & sync {
                    return Err(Errno::NotSup);
                }
                sys::set_fd_flags(f.file.as_fd(), append, nonblock)?;
                f.flags = flags;
                Ok(())
            }
            Kind::Stream(s) => {
                s.set_nonblocking(nonblock)?;
                entry.stream_flags = flags & fdflags::NONBLOCK;
                Ok(())
            }
            Kind::Listener(l) => {
                l.set_nonblocking(nonblock)?;
                entry.stream_flags = flags & fdflags::NONBLOCK;
                Ok(())
            }
            // The host's standard streams are shared with the host process: their modes
            // stay as they are, and the guest's flags are only recorded. A directory
            // has no modes that matter.
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::Dir(_) => {
                entry.stream_flags = flags & (fdflags::APPEND | fdflags::NONBLOCK);
                Ok(())
            }
        }
    }

    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> WasiResult<()> {
        let entry = self.table.get_mut(fd)?;
        // Rights can only be dropped, never gained.
        if base & !entry.base != 0 || inheriting & !entry.inheriting != 0 {
            return Err(Errno::NotCapable);
        }
        entry.base = base;
        entry.inheriting = inheriting;
        Ok(())
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        ptr: u32,
    ) -> WasiResult<()> {
        mem.check(ptr, layout::FILESTAT_SIZE as usize)?;
        let entry = self.table.get(fd)?;
        entry.require(rights::FD_FILESTAT_GET)?;
        let st = match &entry.kind {
            Kind::File(f) => sys::fd_filestat(f.file.as_fd())?,
            Kind::Dir(d) => sys::fd_filestat(d.dir.as_fd())?,
            Kind::Listener(l) => sys::fd_filestat(l.as_fd())?,
            Kind::Stream(s) => sys::fd_filestat(s.as_fd())?,
            Kind::Stdin(_) | Kind::Stdout(_) => stream_filestat(entry),
        };
        write_filestat(mem, ptr, &st)
    }

    pub(crate) fn fd_filestat_set_size(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        size: u64,
    ) -> WasiResult<()> {
        let file = self.table.file(fd, rights::FD_FILESTAT_SET_SIZE)?;
        if size > i64::MAX as u64 {
            return Err(Errno::Fbig);
        }
        Ok(file.file.set_len(size)?)
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u16,
    ) -> WasiResult<()> {
        let entry = self.table.get(fd)?;
        entry.require(rights::FD_FILESTAT_SET_TIMES)?;
        check_fstflags(flags)?;
        match &entry.kind {
            Kind::File(f) => sys::set_fd_times(f.file.as_fd(), atim, mtim, flags),
            Kind::Dir(d) => sys::set_fd_times(d.dir.as_fd(), atim, mtim, flags),
            _ => Err(Errno::Badf),
        }
    }

    pub(crate) fn fd_pread(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(iovs, iovs_len)?;
        mem.check(nread_ptr, 4)?;
        let entry = self.table.get(fd)?;
        let file = match &entry.kind {
            Kind::File(f) => f,
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::Stream(_) | Kind::Listener(_) => {
                return Err(Errno::Spipe)
            }
            Kind::Dir(_) => return Err(Errno::Badf),
        };
        entry.require(rights::FD_READ)?;
        let mut buf = vec![0u8; total_len(&bufs, MAX_IO_CHUNK)];
        let n = if buf.is_empty() {
            0
        } else {
            file.file.read_at(&mut buf, offset)?
        };
        mem.scatter(&bufs, &buf[..n])?;
        mem.write_u32(nread_ptr, n as u32)
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(iovs, iovs_len)?;
        mem.check(nwritten_ptr, 4)?;
        let entry = self.table.get(fd)?;
        let file = match &entry.kind {
            Kind::File(f) => f,
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::Stream(_) | Kind::Listener(_) => {
                return Err(Errno::Spipe)
            }
            Kind::Dir(_) => return Err(Errno::Badf),
        };
        entry.require(rights::FD_WRITE)?;
        let data = mem.gather(&bufs, MAX_IO_CHUNK)?;
        let n = if data.is_empty() {
            0
        } else {
            file.file.write_at(&data, offset)?
        };
        mem.write_u32(nwritten_ptr, n as u32)
    }

    pub(crate) fn fd_read(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(iovs, iovs_len)?;
        mem.check(nread_ptr, 4)?;
        let entry = self.table.get(fd)?;
        if !matches!(entry.kind, Kind::File(_) | Kind::Stdin(_) | Kind::Stream(_)) {
            return Err(Errno::Badf);
        }
        entry.require(rights::FD_READ)?;
        let mut buf = vec![0u8; total_len(&bufs, MAX_IO_CHUNK)];
        let n = if buf.is_empty() {
            0
        } else {
            match &entry.kind {
                Kind::File(f) => (&f.file).read(&mut buf)?,
                Kind::Stdin(input) => input.read(&mut buf)?,
                Kind::Stream(s) => (&*s).read(&mut buf)?,
                _ => unreachable!("checked above"),
            }
        };
        mem.scatter(&bufs, &buf[..n])?;
        mem.write_u32(nread_ptr, n as u32)
    }

    pub(crate) fn fd_write(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(iovs, iovs_len)?;
        mem.check(nwritten_ptr, 4)?;
        let entry = self.table.get(fd)?;
        if !matches!(
            entry.kind,
            Kind::File(_) | Kind::Stdout(_) | Kind::Stream(_)
        ) {
            return Err(Errno::Badf);
        }
        entry.require(rights::FD_WRITE)?;
        let data = mem.gather(&bufs, MAX_IO_CHUNK)?;
        let n = if data.is_empty() {
            0
        } else {
            match &entry.kind {
                Kind::File(f) => (&f.file).write(&data)?,
                Kind::Stdout(output) => output.write(&data)?,
                Kind::Stream(s) => sys::send(s.as_fd(), &data)?,
                _ => unreachable!("checked above"),
            }
        };
        mem.write_u32(nwritten_ptr, n as u32)
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        ptr: u32,
    ) -> WasiResult<()> {
        mem.check(ptr, layout::PRESTAT_SIZE as usize)?;
        match &self.table.get(fd)?.kind {
            Kind::Dir(d) => {
                let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
                let mut bytes = [0u8; layout::PRESTAT_SIZE as usize];
                // Tag 0: a directory.
                bytes[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
                mem.write(ptr, &bytes)
            }
            _ => Err(Errno::Badf),
        }
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> WasiResult<()> {
        match &self.table.get(fd)?.kind {
            Kind::Dir(d) => {
                let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
                if (path_len as usize) < name.len() {
                    return Err(Errno::NameTooLong);
                }
                mem.write(path, name.as_bytes())
            }
            _ => Err(Errno::Badf),
        }
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused_ptr: u32,
    ) -> WasiResult<()> {
        mem.check(buf, buf_len as usize)?;
        mem.check(bufused_ptr, 4)?;
        let entry = self.table.get_mut(fd)?;
        if !matches!(entry.kind, Kind::Dir(_)) {
            return Err(Errno::NotDir);
        }
        entry.require(rights::FD_READDIR)?;
        let Kind::Dir(dir) = &mut entry.kind else {
            unreachable!("checked above");
        };
        if cookie == 0 || dir.listing.is_none() {
            dir.listing = Some(list_dir(&dir.dir)?);
        }
        let items = dir.listing.as_deref().unwrap_or_default();
        let start = usize::try_from(cookie).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for (index, item) in items.iter().enumerate().skip(start) {
            if out.len() >= buf_len as usize {
                break;
            }
            let next = index as u64 + 1;
            out.extend_from_slice(&next.to_le_bytes());
            out.extend_from_slice(&item.ino.to_le_bytes());
            out.extend_from_slice(&(item.name.len() as u32).to_le_bytes());
            out.extend_from_slice(&[item.filetype, 0, 0, 0]);
            out.extend_from_slice(&item.name);
        }
        // A full buffer may end inside an entry: the guest sees `bufused == buf_len`
        // and reads again from the last whole entry's cookie with a bigger buffer.
        out.truncate(buf_len as usize);
        mem.write(buf, &out)?;
        mem.write_u32(bufused_ptr, out.len() as u32)
    }

    pub(crate) fn fd_renumber(
        &mut self,
        _mem: &mut GuestMemory,
        from: u32,
        to: u32,
    ) -> WasiResult<()> {
        if !self.table.contains(from) || !self.table.contains(to) {
            return Err(Errno::Badf);
        }
        if from != to {
            let entry = self.table.remove(from)?;
            self.table.insert_at(to, entry);
        }
        Ok(())
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        offset: i64,
        whence: u8,
        newoffset_ptr: u32,
    ) -> WasiResult<()> {
        mem.check(newoffset_ptr, 8)?;
        let entry = self.table.get(fd)?;
        let file = match &entry.kind {
            Kind::File(f) => f,
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::Stream(_) | Kind::Listener(_) => {
                return Err(Errno::Spipe)
            }
            Kind::Dir(_) => return Err(Errno::Badf),
        };
        let needed = if offset == 0 && whence == whence::CUR {
            rights::FD_TELL
        } else {
            rights::FD_SEEK | rights::FD_TELL
        };
        entry.require(needed)?;
        let pos = match whence {
            whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
            whence::CUR => SeekFrom::Current(offset),
            whence::END => SeekFrom::End(offset),
            _ => return Err(Errno::Inval),
        };
        let new = (&file.file).seek(pos)?;
        mem.write_u64(newoffset_ptr, new)
    }

    pub(crate) fn fd_tell(&mut self, mem: &mut GuestMemory, fd: u32, ptr: u32) -> WasiResult<()> {
        mem.check(ptr, 8)?;
        let entry = self.table.get(fd)?;
        let file = match &entry.kind {
            Kind::File(f) => f,
            Kind::Stdin(_) | Kind::Stdout(_) | Kind::Stream(_) | Kind::Listener(_) => {
                return Err(Errno::Spipe)
            }
            Kind::Dir(_) => return Err(Errno::Badf),
        };
        entry.require(rights::FD_TELL)?;
        let pos = (&file.file).stream_position()?;
        mem.write_u64(ptr, pos)
    }
}

/// A directory's entries as `fd_readdir` lists them: `.` and `..` first, then the
/// rest in the host's order. `..` of a preopened root reports the root itself, since
/// the guest has no view of what lies above.
fn list_dir(dir: &cap_std::fs::Dir) -> WasiResult<Vec<DirItem>> {
    use cap_std::fs::MetadataExt;
    use std::os::unix::fs::DirEntryExt;
    let own = dir.dir_metadata()?.ino();
    let mut items = vec![
        DirItem {
            name: b".".to_vec(),
            ino: own,
            filetype: filetype::DIRECTORY,
        },
        DirItem {
            name: b"..".to_vec(),
            ino: own,
            filetype: filetype::DIRECTORY,
        },
    ];
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            // WASI names are UTF-8; a host name that is not cannot be shown.
            continue;
        };
        items.push(DirItem {
            name: name.as_bytes().to_vec(),
            ino: entry.ino(),
            filetype: sys::filetype_of(entry.file_type()?),
        });
    }
    Ok(items)
}
