//! The `path_*` functions: operations on paths relative to an open directory.
//!
//! This is subtle: two reviews. Every path a guest names is resolved by cap-std
//! relative to a directory descriptor the guest holds, never by the host's path
//! lookup: an absolute path, a `..` that climbs above the directory, or a symbolic
//! link (anywhere in the path) whose target lies outside fails with `PERM` instead of
//! reaching the host file system. Rights are checked before any host call, so a
//! read-only preopen never creates, changes or removes anything.

use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt,
    SystemTimeSpec,
};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};

use crate::ctx::WasiCtx;
use crate::fd::{check_fstflags, write_filestat};
use crate::memory::GuestMemory;
use crate::sys;
use crate::table::{DirEntry, Entry, FileEntry, Kind};
use crate::types::{fdflags, fstflags, lookupflags, oflags, rights, Errno, WasiResult};

/// A guest path: UTF-8 without NUL bytes (`INVAL` otherwise, as a C string could not
/// hold it), and not empty (`NOENT`, as POSIX answers).
fn guest_path<'m>(mem: &'m GuestMemory, ptr: u32, len: u32) -> WasiResult<&'m str> {
    let path = mem.str(ptr, len)?;
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    if path.is_empty() {
        return Err(Errno::NoEnt);
    }
    Ok(path)
}

fn follow(flags: u32) -> bool {
    flags & lookupflags::SYMLINK_FOLLOW != 0
}

/// A WASI time (nanoseconds since the epoch) as a cap-std time.
fn system_time(nanos: u64) -> cap_std::time::SystemTime {
    cap_std::time::SystemTime::from_std(
        std::time::UNIX_EPOCH + std::time::Duration::from_nanos(nanos),
    )
}

fn time_spec(value: u64, set: bool, now: bool) -> Option<SystemTimeSpec> {
    if now {
        Some(SystemTimeSpec::SymbolicNow)
    } else if set {
        Some(SystemTimeSpec::Absolute(system_time(value)))
    } else {
        None
    }
}

impl WasiCtx {
    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        let dir = self.table.dir(fd, rights::PATH_CREATE_DIRECTORY)?;
        Ok(dir.create_dir(path)?)
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        buf: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        let dir = self.table.dir(fd, rights::PATH_FILESTAT_GET)?;
        let meta = if follow(flags) {
            dir.metadata(path)?
        } else {
            dir.symlink_metadata(path)?
        };
        write_filestat(mem, buf, &sys::filestat_of(&meta))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u16,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        let dir = self.table.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        check_fstflags(fst_flags)?;
        let atime = time_spec(
            atim,
            fst_flags & fstflags::ATIM != 0,
            fst_flags & fstflags::ATIM_NOW != 0,
        );
        let mtime = time_spec(
            mtim,
            fst_flags & fstflags::MTIM != 0,
            fst_flags & fstflags::MTIM_NOW != 0,
        );
        if follow(flags) {
            dir.set_times(path, atime, mtime)?;
        } else {
            dir.set_symlink_times(path, atime, mtime)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_link(
        &mut self,
        mem: &mut GuestMemory,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult<()> {
        let old_path = guest_path(mem, old_path, old_path_len)?;
        let new_path = guest_path(mem, new_path, new_path_len)?;
        let old_dir = self.table.dir(old_fd, rights::PATH_LINK_SOURCE)?;
        let new_dir = self.table.dir(new_fd, rights::PATH_LINK_TARGET)?;
        if follow(old_flags) {
            // Linking to what a symlink points at would have the host resolve the link
            // outside cap-std's control.
            return Err(Errno::Inval);
        }
        Ok(old_dir.hard_link(old_path, new_dir, new_path)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u16,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u16,
        opened_fd_ptr: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        mem.check(opened_fd_ptr, 4)?;
        let parent = self.table.get(fd)?;
        let Kind::Dir(parent_dir) = &parent.kind else {
            return Err(Errno::NotDir);
        };
        let mut needed = rights::PATH_OPEN;
        if oflags & oflags::CREAT != 0 {
            needed |= rights::PATH_CREATE_FILE;
        }
        if oflags & oflags::TRUNC != 0 {
            needed |= rights::PATH_FILESTAT_SET_SIZE;
        }
        parent.require(needed)?;

        let directory = oflags & oflags::DIRECTORY != 0;
        if directory && oflags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0 {
            return Err(Errno::Inval);
        }
        // What the new descriptor may do: what was asked, as far as the parent passes on.
        let base = rights_base & parent.inheriting;
        let inheriting = rights_inheriting & parent.inheriting;
        let read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
        let write =
            base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0;

        let mut opts = OpenOptions::new();
        opts.maybe_dir(true);
        if oflags & oflags::CREAT != 0 {
            if oflags & oflags::EXCL != 0 {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
            opts.write(true);
        }
        if oflags & oflags::TRUNC != 0 {
            opts.truncate(true);
            opts.write(true);
        }
        if write {
            opts.write(true);
        }
        // Without read or write the host cannot open a file at all: open it for reading,
        // which the guest still cannot do without the FD_READ right.
        if read || !write {
            opts.read(true);
        }
        // The host's open options refuse append together with truncate (as std does):
        // such a file is opened plain and switched to append mode once open.
        let append = fdflags & fdflags::APPEND != 0;
        let append_later = append && oflags & oflags::TRUNC != 0;
        if append && !append_later {
            opts.append(true);
        }
        if fdflags & fdflags::NONBLOCK != 0 {
            opts.nonblock(true);
        }
        if fdflags & fdflags::DSYNC != 0 {
            opts.dsync(true);
        }
        if fdflags & fdflags::RSYNC != 0 {
            opts.rsync(true);
        }
        if fdflags & fdflags::SYNC != 0 {
            opts.sync(true);
        }
        if directory {
            opts.custom_flags(rustix::fs::OFlags::DIRECTORY.bits() as i32);
        }
        opts.follow(if follow(dirflags) {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        let file = parent_dir.dir.open_with(path, &opts)?;
        if append_later {
            sys::set_fd_flags(
                std::os::fd::AsFd::as_fd(&file),
                true,
                fdflags & fdflags::NONBLOCK != 0,
            )?;
        }

        let is_dir = file.metadata()?.is_dir();
        let entry = if is_dir {
            Entry::new(
                Kind::Dir(DirEntry {
                    dir: Dir::from_std_file(file.into_std()),
                    preopen: None,
                    listing: None,
                }),
                base & rights::DIRECTORY,
                inheriting,
            )
        } else if directory {
            return Err(Errno::NotDir);
        } else {
            Entry::new(
                Kind::File(FileEntry {
                    file,
                    flags: fdflags,
                }),
                base & rights::FILE,
                0,
            )
        };
        let new_fd = self.table.push(entry)?;
        mem.write_u32(opened_fd_ptr, new_fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused_ptr: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        mem.check(buf, buf_len as usize)?;
        mem.check(bufused_ptr, 4)?;
        let dir = self.table.dir(fd, rights::PATH_READLINK)?;
        let target = dir.read_link_contents(path)?;
        let target = target.to_str().ok_or(Errno::Ilseq)?.as_bytes();
        // As POSIX readlink: a short buffer gets the beginning of the target.
        let n = target.len().min(buf_len as usize);
        mem.write(buf, &target[..n])?;
        mem.write_u32(bufused_ptr, n as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        let dir = self.table.dir(fd, rights::PATH_REMOVE_DIRECTORY)?;
        Ok(dir.remove_dir(path)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn path_rename(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult<()> {
        let old_path = guest_path(mem, old_path, old_path_len)?;
        let new_path = guest_path(mem, new_path, new_path_len)?;
        let old_dir = self.table.dir(fd, rights::PATH_RENAME_SOURCE)?;
        let new_dir = self.table.dir(new_fd, rights::PATH_RENAME_TARGET)?;
        Ok(old_dir.rename(old_path, new_dir, new_path)?)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory,
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> WasiResult<()> {
        let target = guest_path(mem, old_path, old_path_len)?;
        let link = guest_path(mem, new_path, new_path_len)?;
        let dir = self.table.dir(fd, rights::PATH_SYMLINK)?;
        // The target is stored as written; cap-std refuses absolute targets, and any
        // target is resolved inside the sandbox when the link is followed.
        Ok(dir.symlink(target, link)?)
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> WasiResult<()> {
        let path = guest_path(mem, path, path_len)?;
        let dir = self.table.dir(fd, rights::PATH_UNLINK_FILE)?;
        Ok(dir.remove_file(path)?)
    }
}
