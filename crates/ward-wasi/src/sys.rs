//! The operating-system calls that cap-std does not wrap: error numbers, clocks,
//! descriptor flags, advice, timestamps, readiness polling and socket I/O. Everything
//! here acts on a descriptor the guest already holds (never on a path), so none of it
//! can reach outside the sandbox. All of it goes through rustix, on Unix hosts.

use std::io;
use std::os::fd::BorrowedFd;
use std::time::Duration;

use rustix::fs::{OFlags, Timestamps, UTIME_NOW, UTIME_OMIT};
use rustix::time::{ClockId, Timespec};

use crate::types::{clockid, filetype, fstflags, Errno, WasiResult};

/// How the host's error numbers map to WASI's. The table is searched in order, so
/// aliases of one number (`EAGAIN`/`EWOULDBLOCK`) need no care.
const ERRNO_MAP: &[(rustix::io::Errno, Errno)] = {
    use rustix::io::Errno as E;
    &[
        (E::TOOBIG, Errno::TooBig),
        (E::ACCESS, Errno::Acces),
        (E::ADDRINUSE, Errno::AddrInUse),
        (E::ADDRNOTAVAIL, Errno::AddrNotAvail),
        (E::AFNOSUPPORT, Errno::AfNoSupport),
        (E::AGAIN, Errno::Again),
        (E::WOULDBLOCK, Errno::Again),
        (E::ALREADY, Errno::Already),
        (E::BADF, Errno::Badf),
        (E::BADMSG, Errno::BadMsg),
        (E::BUSY, Errno::Busy),
        (E::CANCELED, Errno::Canceled),
        (E::CHILD, Errno::Child),
        (E::CONNABORTED, Errno::ConnAborted),
        (E::CONNREFUSED, Errno::ConnRefused),
        (E::CONNRESET, Errno::ConnReset),
        (E::DEADLK, Errno::Deadlk),
        (E::DESTADDRREQ, Errno::DestAddrReq),
        (E::DOM, Errno::Dom),
        (E::DQUOT, Errno::Dquot),
        (E::EXIST, Errno::Exist),
        (E::FAULT, Errno::Fault),
        (E::FBIG, Errno::Fbig),
        (E::HOSTUNREACH, Errno::HostUnreach),
        (E::IDRM, Errno::Idrm),
        (E::ILSEQ, Errno::Ilseq),
        (E::INPROGRESS, Errno::InProgress),
        (E::INTR, Errno::Intr),
        (E::INVAL, Errno::Inval),
        (E::IO, Errno::Io),
        (E::ISCONN, Errno::IsConn),
        (E::ISDIR, Errno::IsDir),
        (E::LOOP, Errno::Loop),
        (E::MFILE, Errno::Mfile),
        (E::MLINK, Errno::Mlink),
        (E::MSGSIZE, Errno::MsgSize),
        (E::MULTIHOP, Errno::Multihop),
        (E::NAMETOOLONG, Errno::NameTooLong),
        (E::NETDOWN, Errno::NetDown),
        (E::NETRESET, Errno::NetReset),
        (E::NETUNREACH, Errno::NetUnreach),
        (E::NFILE, Errno::Nfile),
        (E::NOBUFS, Errno::NoBufs),
        (E::NODEV, Errno::NoDev),
        (E::NOENT, Errno::NoEnt),
        (E::NOEXEC, Errno::NoExec),
        (E::NOLCK, Errno::NoLck),
        (E::NOLINK, Errno::NoLink),
        (E::NOMEM, Errno::NoMem),
        (E::NOMSG, Errno::NoMsg),
        (E::NOPROTOOPT, Errno::NoProtoOpt),
        (E::NOSPC, Errno::NoSpc),
        (E::NOSYS, Errno::NoSys),
        (E::NOTCONN, Errno::NotConn),
        (E::NOTDIR, Errno::NotDir),
        (E::NOTEMPTY, Errno::NotEmpty),
        (E::NOTRECOVERABLE, Errno::NotRecoverable),
        (E::NOTSOCK, Errno::NotSock),
        (E::NOTSUP, Errno::NotSup),
        (E::OPNOTSUPP, Errno::NotSup),
        (E::NOTTY, Errno::NoTty),
        (E::NXIO, Errno::Nxio),
        (E::OVERFLOW, Errno::Overflow),
        (E::OWNERDEAD, Errno::OwnerDead),
        (E::PERM, Errno::Perm),
        (E::PIPE, Errno::Pipe),
        (E::PROTO, Errno::Proto),
        (E::PROTONOSUPPORT, Errno::ProtoNoSupport),
        (E::PROTOTYPE, Errno::ProtoType),
        (E::RANGE, Errno::Range),
        (E::ROFS, Errno::Rofs),
        (E::SPIPE, Errno::Spipe),
        (E::SRCH, Errno::Srch),
        (E::STALE, Errno::Stale),
        (E::TIMEDOUT, Errno::TimedOut),
        (E::TXTBSY, Errno::TxtBsy),
        (E::XDEV, Errno::Xdev),
    ]
};

/// The WASI errno for a host I/O error.
///
/// An error with an OS error number maps through [`ERRNO_MAP`] (an unknown number is
/// `IO`). cap-std reports a path that would leave the sandbox (an absolute path, too
/// many `..`, a symlink pointing out) as a `PermissionDenied` error without a number:
/// that becomes `PERM`, as in other WASI runtimes.
pub(crate) fn errno_from_io(err: &io::Error) -> Errno {
    if let Some(raw) = rustix::io::Errno::from_io_error(err) {
        return ERRNO_MAP
            .iter()
            .find(|(host, _)| *host == raw)
            .map_or(Errno::Io, |(_, wasi)| *wasi);
    }
    match err.kind() {
        io::ErrorKind::NotFound => Errno::NoEnt,
        io::ErrorKind::PermissionDenied => Errno::Perm,
        io::ErrorKind::AlreadyExists => Errno::Exist,
        io::ErrorKind::InvalidInput => Errno::Inval,
        io::ErrorKind::InvalidData => Errno::Ilseq,
        io::ErrorKind::WouldBlock => Errno::Again,
        io::ErrorKind::Interrupted => Errno::Intr,
        io::ErrorKind::BrokenPipe => Errno::Pipe,
        io::ErrorKind::Unsupported => Errno::NotSup,
        io::ErrorKind::OutOfMemory => Errno::NoMem,
        io::ErrorKind::TimedOut => Errno::TimedOut,
        _ => Errno::Io,
    }
}

fn rustix_errno(err: rustix::io::Errno) -> Errno {
    errno_from_io(&io::Error::from(err))
}

fn clock(id: u32) -> WasiResult<ClockId> {
    match id {
        clockid::REALTIME => Ok(ClockId::Realtime),
        clockid::MONOTONIC => Ok(ClockId::Monotonic),
        clockid::PROCESS_CPUTIME_ID => Ok(ClockId::ProcessCPUTime),
        clockid::THREAD_CPUTIME_ID => Ok(ClockId::ThreadCPUTime),
        _ => Err(Errno::Inval),
    }
}

fn nanos(ts: Timespec) -> u64 {
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// The resolution of clock `id` in nanoseconds; `INVAL` for an unknown clock.
pub(crate) fn clock_res(id: u32) -> WasiResult<u64> {
    Ok(nanos(rustix::time::clock_getres(clock(id)?)).max(1))
}

/// The time of clock `id` in nanoseconds; `INVAL` for an unknown clock.
pub(crate) fn clock_time(id: u32) -> WasiResult<u64> {
    Ok(nanos(rustix::time::clock_gettime(clock(id)?)))
}

/// Reads the host's standard input straight from its descriptor, past std's buffer, so
/// that readiness polling on the descriptor tells the truth.
pub(crate) fn read_stdin(buf: &mut [u8]) -> io::Result<usize> {
    Ok(rustix::io::read(rustix::stdio::stdin(), buf)?)
}

/// The WASI file type of a host descriptor, for inherited standard streams.
pub(crate) fn host_filetype(fd: BorrowedFd<'_>) -> u8 {
    if rustix::termios::isatty(fd) {
        return filetype::CHARACTER_DEVICE;
    }
    match rustix::fs::fstat(fd) {
        Ok(stat) => match rustix::fs::FileType::from_raw_mode(stat.st_mode) {
            rustix::fs::FileType::RegularFile => filetype::REGULAR_FILE,
            rustix::fs::FileType::CharacterDevice => filetype::CHARACTER_DEVICE,
            rustix::fs::FileType::BlockDevice => filetype::BLOCK_DEVICE,
            rustix::fs::FileType::Socket => filetype::SOCKET_STREAM,
            _ => filetype::UNKNOWN,
        },
        Err(_) => filetype::UNKNOWN,
    }
}

/// A file's status as WASI reports it (`filestat`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

fn stat_nanos(secs: i64, nsecs: i64) -> u64 {
    u64::try_from(secs)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(nsecs).unwrap_or(0))
}

/// The WASI file type of a cap-std file type.
pub(crate) fn filetype_of(ty: cap_std::fs::FileType) -> u8 {
    use cap_fs_ext::FileTypeExt;
    if ty.is_dir() {
        filetype::DIRECTORY
    } else if ty.is_file() {
        filetype::REGULAR_FILE
    } else if ty.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ty.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ty.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ty.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// The `filestat` of cap-std metadata.
pub(crate) fn filestat_of(meta: &cap_std::fs::Metadata) -> Filestat {
    use cap_std::fs::MetadataExt;
    Filestat {
        dev: meta.dev(),
        ino: meta.ino(),
        filetype: filetype_of(meta.file_type()),
        nlink: meta.nlink(),
        size: meta.size(),
        atim: stat_nanos(meta.atime(), meta.atime_nsec()),
        mtim: stat_nanos(meta.mtime(), meta.mtime_nsec()),
        ctim: stat_nanos(meta.ctime(), meta.ctime_nsec()),
    }
}

/// The `filestat` of an open descriptor.
pub(crate) fn fd_filestat(fd: BorrowedFd<'_>) -> WasiResult<Filestat> {
    let stat = rustix::fs::fstat(fd).map_err(rustix_errno)?;
    let filetype = match rustix::fs::FileType::from_raw_mode(stat.st_mode) {
        rustix::fs::FileType::RegularFile => filetype::REGULAR_FILE,
        rustix::fs::FileType::Directory => filetype::DIRECTORY,
        rustix::fs::FileType::Symlink => filetype::SYMBOLIC_LINK,
        rustix::fs::FileType::CharacterDevice => filetype::CHARACTER_DEVICE,
        rustix::fs::FileType::BlockDevice => filetype::BLOCK_DEVICE,
        rustix::fs::FileType::Socket => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    };
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    Ok(Filestat {
        dev: stat.st_dev as u64,
        ino: stat.st_ino as u64,
        filetype,
        nlink: stat.st_nlink as u64,
        size: stat.st_size as u64,
        atim: stat_nanos(stat.st_atime as i64, stat.st_atime_nsec as i64),
        mtim: stat_nanos(stat.st_mtime as i64, stat.st_mtime_nsec as i64),
        ctim: stat_nanos(stat.st_ctime as i64, stat.st_ctime_nsec as i64),
    })
}

/// Sets or clears the descriptor's append and non-blocking modes.
pub(crate) fn set_fd_flags(fd: BorrowedFd<'_>, append: bool, nonblock: bool) -> WasiResult<()> {
    let mut flags = rustix::fs::fcntl_getfl(fd).map_err(rustix_errno)?;
    flags.set(OFlags::APPEND, append);
    flags.set(OFlags::NONBLOCK, nonblock);
    rustix::fs::fcntl_setfl(fd, flags).map_err(rustix_errno)
}

/// Passes access-pattern advice to the host; `INVAL` for an unknown advice value.
pub(crate) fn advise(fd: BorrowedFd<'_>, offset: u64, len: u64, advice: u8) -> WasiResult<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        use rustix::fs::Advice;
        let advice = match advice {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::Inval),
        };
        let len = std::num::NonZeroU64::new(len);
        rustix::fs::fadvise(fd, offset, len, advice).map_err(rustix_errno)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        // Advice is only a hint: hosts without fadvise accept and ignore it.
        let _ = (fd, offset, len);
        if advice > 5 {
            return Err(Errno::Inval);
        }
        Ok(())
    }
}

/// A timestamp to set, from a WASI time and `fstflags`: the value, now, or unchanged.
fn timespec(value: u64, set: bool, now: bool) -> Timespec {
    if now {
        Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW,
        }
    } else if set {
        Timespec {
            tv_sec: (value / 1_000_000_000) as _,
            tv_nsec: (value % 1_000_000_000) as _,
        }
    } else {
        Timespec {
            tv_sec: 0,
            tv_nsec: UTIME_OMIT,
        }
    }
}

/// Sets an open descriptor's access and modification times as `fstflags` says.
/// The flags must have been validated.
pub(crate) fn set_fd_times(fd: BorrowedFd<'_>, atim: u64, mtim: u64, flags: u16) -> WasiResult<()> {
    let times = Timestamps {
        last_access: timespec(
            atim,
            flags & fstflags::ATIM != 0,
            flags & fstflags::ATIM_NOW != 0,
        ),
        last_modification: timespec(
            mtim,
            flags & fstflags::MTIM != 0,
            flags & fstflags::MTIM_NOW != 0,
        ),
    };
    rustix::fs::futimens(fd, &times).map_err(rustix_errno)
}

/// Which way a descriptor is polled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    Read,
    Write,
}

/// Readiness of a polled descriptor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Readiness {
    pub ready: bool,
    pub hangup: bool,
}

/// Waits until one of `fds` is ready for its interest, or `timeout` passes (`None`:
/// no limit). Returns each descriptor's readiness, in order.
pub(crate) fn poll(
    fds: &[(BorrowedFd<'_>, Interest)],
    timeout: Option<Duration>,
) -> WasiResult<Vec<Readiness>> {
    use rustix::event::{PollFd, PollFlags};
    let mut pollfds: Vec<PollFd<'_>> = fds
        .iter()
        .map(|(fd, interest)| {
            let events = match interest {
                Interest::Read => PollFlags::IN,
                Interest::Write => PollFlags::OUT,
            };
            PollFd::from_borrowed_fd(*fd, events)
        })
        .collect();
    let timeout = timeout.map(|t| Timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as _,
        tv_nsec: t.subsec_nanos() as _,
    });
    loop {
        match rustix::event::poll(&mut pollfds, timeout.as_ref()) {
            Ok(_) => break,
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(rustix_errno(err)),
        }
    }
    Ok(pollfds
        .iter()
        .map(|p| {
            let revents = p.revents();
            Readiness {
                ready: !revents.is_empty(),
                hangup: revents.contains(PollFlags::HUP),
            }
        })
        .collect())
}

/// Bytes that can be read from a descriptor without blocking, where the host can tell.
pub(crate) fn bytes_readable(fd: BorrowedFd<'_>) -> u64 {
    rustix::io::ioctl_fionread(fd).unwrap_or(0)
}

/// `recv` on a socket, with WASI's `riflags` (`RECV_PEEK` = 1, `RECV_WAITALL` = 2).
pub(crate) fn recv(fd: BorrowedFd<'_>, buf: &mut [u8], riflags: u16) -> WasiResult<usize> {
    use rustix::net::RecvFlags;
    let mut flags = RecvFlags::empty();
    if riflags & 1 != 0 {
        flags |= RecvFlags::PEEK;
    }
    if riflags & 2 != 0 {
        flags |= RecvFlags::WAITALL;
    }
    rustix::net::recv(fd, buf, flags)
        .map(|(n, _)| n)
        .map_err(rustix_errno)
}

/// `send` on a socket.
pub(crate) fn send(fd: BorrowedFd<'_>, buf: &[u8]) -> WasiResult<usize> {
    rustix::net::send(fd, buf, rustix::net::SendFlags::NOSIGNAL).map_err(rustix_errno)
}

/// Shuts a socket down for reading (`sdflags` RD = 1), writing (WR = 2) or both.
pub(crate) fn shutdown(fd: BorrowedFd<'_>, how: u8) -> WasiResult<()> {
    use rustix::net::Shutdown;
    let how = match how {
        1 => Shutdown::Read,
        2 => Shutdown::Write,
        3 => Shutdown::Both,
        _ => return Err(Errno::Inval),
    };
    rustix::net::shutdown(fd, how).map_err(rustix_errno)
}

#[cfg(test)]
mod tests {
    use super::errno_from_io;
    use crate::types::Errno;
    use std::io;

    #[test]
    fn host_error_numbers_map_to_wasi() {
        let cases = [
            (rustix::io::Errno::NOENT, Errno::NoEnt),
            (rustix::io::Errno::EXIST, Errno::Exist),
            (rustix::io::Errno::NOTDIR, Errno::NotDir),
            (rustix::io::Errno::ISDIR, Errno::IsDir),
            (rustix::io::Errno::NOTEMPTY, Errno::NotEmpty),
            (rustix::io::Errno::LOOP, Errno::Loop),
            (rustix::io::Errno::ACCESS, Errno::Acces),
            (rustix::io::Errno::PERM, Errno::Perm),
            (rustix::io::Errno::BADF, Errno::Badf),
            (rustix::io::Errno::AGAIN, Errno::Again),
            (rustix::io::Errno::WOULDBLOCK, Errno::Again),
            (rustix::io::Errno::SPIPE, Errno::Spipe),
            (rustix::io::Errno::TOOBIG, Errno::TooBig),
            (rustix::io::Errno::XDEV, Errno::Xdev),
        ];
        for (host, wasi) in cases {
            assert_eq!(errno_from_io(&io::Error::from(host)), wasi, "{host:?}");
        }
    }

    #[test]
    fn errors_without_a_number_map_by_kind() {
        // cap-std's answer to a path that leaves the sandbox.
        let escape = io::Error::new(
            io::ErrorKind::PermissionDenied,
            "a path led outside of the filesystem",
        );
        assert_eq!(errno_from_io(&escape), Errno::Perm);
        assert_eq!(
            errno_from_io(&io::Error::from(io::ErrorKind::NotFound)),
            Errno::NoEnt
        );
        assert_eq!(errno_from_io(&io::Error::other("strange")), Errno::Io);
    }

    #[test]
    fn clocks_tick() {
        use crate::types::clockid;
        let a = super::clock_time(clockid::MONOTONIC).unwrap();
        let b = super::clock_time(clockid::MONOTONIC).unwrap();
        assert!(b >= a);
        assert!(super::clock_time(clockid::REALTIME).unwrap() > 1_600_000_000_000_000_000);
        assert!(super::clock_res(clockid::REALTIME).unwrap() >= 1);
        assert_eq!(super::clock_time(4), Err(Errno::Inval));
    }
}
