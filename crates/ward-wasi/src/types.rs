//! The types of `wasi_snapshot_preview1` as the guest sees them: error numbers, rights,
//! flags, and the byte layouts of the structures passed through guest memory.
//!
//! Values and layouts follow the preview 1 witx definitions (`typenames.witx`).

use std::fmt;

/// Declares [`Errno`] from one list of (variant, value, name, description), so that the
/// numbers, the names and the messages cannot drift apart.
macro_rules! errnos {
    ($($variant:ident = $value:literal, $name:literal, $doc:literal;)*) => {
        /// A WASI error number (`errno`), with the values the specification assigns.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(#[doc = $doc] $variant = $value,)*
        }

        impl Errno {
            /// The error's name in the specification, e.g. `NOENT`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$variant => $name,)*
                }
            }

            /// The specification's description of the error.
            pub fn description(self) -> &'static str {
                match self {
                    $(Errno::$variant => $doc,)*
                }
            }

            /// The error with this number, if the specification defines it.
            pub fn from_raw(value: u16) -> Option<Errno> {
                match value {
                    $($value => Some(Errno::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

errnos! {
    Success = 0, "SUCCESS", "No error occurred. System call completed successfully.";
    TooBig = 1, "2BIG", "Argument list too long.";
    Acces = 2, "ACCES", "Permission denied.";
    AddrInUse = 3, "ADDRINUSE", "Address in use.";
    AddrNotAvail = 4, "ADDRNOTAVAIL", "Address not available.";
    AfNoSupport = 5, "AFNOSUPPORT", "Address family not supported.";
    Again = 6, "AGAIN", "Resource unavailable, or operation would block.";
    Already = 7, "ALREADY", "Connection already in progress.";
    Badf = 8, "BADF", "Bad file descriptor.";
    BadMsg = 9, "BADMSG", "Bad message.";
    Busy = 10, "BUSY", "Device or resource busy.";
    Canceled = 11, "CANCELED", "Operation canceled.";
    Child = 12, "CHILD", "No child processes.";
    ConnAborted = 13, "CONNABORTED", "Connection aborted.";
    ConnRefused = 14, "CONNREFUSED", "Connection refused.";
    ConnReset = 15, "CONNRESET", "Connection reset.";
    Deadlk = 16, "DEADLK", "Resource deadlock would occur.";
    DestAddrReq = 17, "DESTADDRREQ", "Destination address required.";
    Dom = 18, "DOM", "Mathematics argument out of domain of function.";
    Dquot = 19, "DQUOT", "Reserved.";
    Exist = 20, "EXIST", "File exists.";
    Fault = 21, "FAULT", "Bad address.";
    Fbig = 22, "FBIG", "File too large.";
    HostUnreach = 23, "HOSTUNREACH", "Host is unreachable.";
    Idrm = 24, "IDRM", "Identifier removed.";
    Ilseq = 25, "ILSEQ", "Illegal byte sequence.";
    InProgress = 26, "INPROGRESS", "Operation in progress.";
    Intr = 27, "INTR", "Interrupted function.";
    Inval = 28, "INVAL", "Invalid argument.";
    Io = 29, "IO", "I/O error.";
    IsConn = 30, "ISCONN", "Socket is connected.";
    IsDir = 31, "ISDIR", "Is a directory.";
    Loop = 32, "LOOP", "Too many levels of symbolic links.";
    Mfile = 33, "MFILE", "File descriptor value too large.";
    Mlink = 34, "MLINK", "Too many links.";
    MsgSize = 35, "MSGSIZE", "Message too large.";
    Multihop = 36, "MULTIHOP", "Reserved.";
    NameTooLong = 37, "NAMETOOLONG", "Filename too long.";
    NetDown = 38, "NETDOWN", "Network is down.";
    NetReset = 39, "NETRESET", "Connection aborted by network.";
    NetUnreach = 40, "NETUNREACH", "Network unreachable.";
    Nfile = 41, "NFILE", "Too many files open in system.";
    NoBufs = 42, "NOBUFS", "No buffer space available.";
    NoDev = 43, "NODEV", "No such device.";
    NoEnt = 44, "NOENT", "No such file or directory.";
    NoExec = 45, "NOEXEC", "Executable file format error.";
    NoLck = 46, "NOLCK", "No locks available.";
    NoLink = 47, "NOLINK", "Reserved.";
    NoMem = 48, "NOMEM", "Not enough space.";
    NoMsg = 49, "NOMSG", "No message of the desired type.";
    NoProtoOpt = 50, "NOPROTOOPT", "Protocol not available.";
    NoSpc = 51, "NOSPC", "No space left on device.";
    NoSys = 52, "NOSYS", "Function not supported.";
    NotConn = 53, "NOTCONN", "The socket is not connected.";
    NotDir = 54, "NOTDIR", "Not a directory or a symbolic link to a directory.";
    NotEmpty = 55, "NOTEMPTY", "Directory not empty.";
    NotRecoverable = 56, "NOTRECOVERABLE", "State not recoverable.";
    NotSock = 57, "NOTSOCK", "Not a socket.";
    NotSup = 58, "NOTSUP", "Not supported, or operation not supported on socket.";
    NoTty = 59, "NOTTY", "Inappropriate I/O control operation.";
    Nxio = 60, "NXIO", "No such device or address.";
    Overflow = 61, "OVERFLOW", "Value too large to be stored in data type.";
    OwnerDead = 62, "OWNERDEAD", "Previous owner died.";
    Perm = 63, "PERM", "Operation not permitted.";
    Pipe = 64, "PIPE", "Broken pipe.";
    Proto = 65, "PROTO", "Protocol error.";
    ProtoNoSupport = 66, "PROTONOSUPPORT", "Protocol not supported.";
    ProtoType = 67, "PROTOTYPE", "Protocol wrong type for socket.";
    Range = 68, "RANGE", "Result too large.";
    Rofs = 69, "ROFS", "Read-only file system.";
    Spipe = 70, "SPIPE", "Invalid seek.";
    Srch = 71, "SRCH", "No such process.";
    Stale = 72, "STALE", "Reserved.";
    TimedOut = 73, "TIMEDOUT", "Connection timed out.";
    TxtBsy = 74, "TXTBSY", "Text file busy.";
    Xdev = 75, "XDEV", "Cross-device link.";
    NotCapable = 76, "NOTCAPABLE", "Extension: Capabilities insufficient.";
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.name())
    }
}

impl std::error::Error for Errno {}

impl From<std::io::Error> for Errno {
    fn from(err: std::io::Error) -> Errno {
        crate::sys::errno_from_io(&err)
    }
}

/// What a WASI call returns inside the host: its value, or the errno for the guest.
pub(crate) type WasiResult<T> = Result<T, Errno>;

/// File descriptor rights (`rights`): what operations a descriptor allows.
pub mod rights {
    /// `fd_datasync`.
    pub const FD_DATASYNC: u64 = 1 << 0;
    /// `fd_read` and `sock_recv`.
    pub const FD_READ: u64 = 1 << 1;
    /// `fd_seek`; implies `FD_TELL`.
    pub const FD_SEEK: u64 = 1 << 2;
    /// `fd_fdstat_set_flags`.
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    /// `fd_sync`.
    pub const FD_SYNC: u64 = 1 << 4;
    /// `fd_seek` with offset 0 and whence `CUR`, and `fd_tell`.
    pub const FD_TELL: u64 = 1 << 5;
    /// `fd_write` and `sock_send`.
    pub const FD_WRITE: u64 = 1 << 6;
    /// `fd_advise`.
    pub const FD_ADVISE: u64 = 1 << 7;
    /// `fd_allocate`.
    pub const FD_ALLOCATE: u64 = 1 << 8;
    /// `path_create_directory`.
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    /// `path_open` with `OFLAGS_CREAT`.
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    /// `path_link` on the source directory.
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    /// `path_link` on the target directory.
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    /// `path_open`.
    pub const PATH_OPEN: u64 = 1 << 13;
    /// `fd_readdir`.
    pub const FD_READDIR: u64 = 1 << 14;
    /// `path_readlink`.
    pub const PATH_READLINK: u64 = 1 << 15;
    /// `path_rename` on the source directory.
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    /// `path_rename` on the target directory.
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    /// `path_filestat_get`.
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    /// Changing a file's size by path (`path_open` with `OFLAGS_TRUNC`).
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    /// `path_filestat_set_times`.
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    /// `fd_filestat_get`.
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    /// `fd_filestat_set_size`.
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    /// `fd_filestat_set_times`.
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    /// `path_symlink`.
    pub const PATH_SYMLINK: u64 = 1 << 24;
    /// `path_remove_directory`.
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    /// `path_unlink_file`.
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    /// Subscribing to the descriptor's readiness in `poll_oneoff`.
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// `sock_shutdown`.
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    /// `sock_accept`.
    pub const SOCK_ACCEPT: u64 = 1 << 29;

    /// The rights that apply to a regular file.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;

    /// The rights that apply to a directory itself.
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_ADVISE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;

    /// The rights a directory passes on to what is opened beneath it.
    pub const DIRECTORY_INHERITING: u64 = DIRECTORY | FILE;

    /// Every right that modifies the file system: what a read-only directory lacks.
    pub const MUTATING: u64 = FD_DATASYNC
        | FD_WRITE
        | FD_ALLOCATE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;

    /// The rights of a standard input stream.
    pub const STDIN: u64 = FD_READ | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE;

    /// The rights of a standard output or error stream.
    pub const STDOUT: u64 = FD_WRITE | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE;

    /// The rights of a connected stream socket.
    pub const SOCKET: u64 = FD_READ
        | FD_WRITE
        | FD_FDSTAT_SET_FLAGS
        | FD_FILESTAT_GET
        | POLL_FD_READWRITE
        | SOCK_SHUTDOWN;

    /// The rights of a listening socket.
    pub const LISTENER: u64 =
        FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE | SOCK_ACCEPT;
}

/// File types (`filetype`).
pub mod filetype {
    /// Unknown, or of a kind WASI does not name (a pipe, for one).
    pub const UNKNOWN: u8 = 0;
    /// A block device.
    pub const BLOCK_DEVICE: u8 = 1;
    /// A character device, such as a terminal.
    pub const CHARACTER_DEVICE: u8 = 2;
    /// A directory.
    pub const DIRECTORY: u8 = 3;
    /// A regular file.
    pub const REGULAR_FILE: u8 = 4;
    /// A datagram socket.
    pub const SOCKET_DGRAM: u8 = 5;
    /// A stream socket.
    pub const SOCKET_STREAM: u8 = 6;
    /// A symbolic link.
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// Descriptor flags (`fdflags`).
pub mod fdflags {
    /// Writes append to the end of the file.
    pub const APPEND: u16 = 1 << 0;
    /// Data integrity synchronisation on write.
    pub const DSYNC: u16 = 1 << 1;
    /// Non-blocking mode.
    pub const NONBLOCK: u16 = 1 << 2;
    /// Synchronised read I/O.
    pub const RSYNC: u16 = 1 << 3;
    /// File integrity synchronisation on write.
    pub const SYNC: u16 = 1 << 4;
}

/// Open flags (`oflags`) of `path_open`.
pub mod oflags {
    /// Create the file if it does not exist.
    pub const CREAT: u16 = 1 << 0;
    /// Fail unless the path is a directory.
    pub const DIRECTORY: u16 = 1 << 1;
    /// Fail if the file exists (with `CREAT`).
    pub const EXCL: u16 = 1 << 2;
    /// Truncate the file to size 0.
    pub const TRUNC: u16 = 1 << 3;
}

/// Lookup flags (`lookupflags`): how the last component of a path is resolved.
pub mod lookupflags {
    /// Follow a symbolic link in the last component.
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// Which timestamps `*_filestat_set_times` changes (`fstflags`).
pub mod fstflags {
    /// Set the access time to the given value.
    pub const ATIM: u16 = 1 << 0;
    /// Set the access time to now.
    pub const ATIM_NOW: u16 = 1 << 1;
    /// Set the modification time to the given value.
    pub const MTIM: u16 = 1 << 2;
    /// Set the modification time to now.
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// The reference point of `fd_seek` (`whence`).
pub mod whence {
    /// From the start of the file.
    pub const SET: u8 = 0;
    /// From the current position.
    pub const CUR: u8 = 1;
    /// From the end of the file.
    pub const END: u8 = 2;
}

/// Clock identifiers (`clockid`).
pub mod clockid {
    /// Wall-clock time, in nanoseconds since the Unix epoch.
    pub const REALTIME: u32 = 0;
    /// A clock that never goes back, from an unspecified origin.
    pub const MONOTONIC: u32 = 1;
    /// The CPU time of the process.
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    /// The CPU time of the calling thread.
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// Event types of `poll_oneoff` (`eventtype`).
pub mod eventtype {
    /// A clock's timeout expired.
    pub const CLOCK: u8 = 0;
    /// A descriptor has data to read.
    pub const FD_READ: u8 = 1;
    /// A descriptor accepts writes.
    pub const FD_WRITE: u8 = 2;
}

/// The layouts of WASI structures in guest memory: sizes and field offsets in bytes.
pub(crate) mod layout {
    /// `iovec` / `ciovec`: `buf: u32` at 0, `buf_len: u32` at 4.
    pub const IOVEC_SIZE: u32 = 8;
    /// `dirent`: `d_next: u64` at 0, `d_ino: u64` at 8, `d_namlen: u32` at 16,
    /// `d_type: u8` at 20; the name follows the 24 bytes.
    pub const DIRENT_SIZE: usize = 24;
    /// `fdstat`: `fs_filetype: u8` at 0, `fs_flags: u16` at 2, `fs_rights_base: u64` at 8,
    /// `fs_rights_inheriting: u64` at 16.
    pub const FDSTAT_SIZE: u32 = 24;
    /// `filestat`: `dev` at 0, `ino` at 8, `filetype: u8` at 16, `nlink` at 24,
    /// `size` at 32, `atim` at 40, `mtim` at 48, `ctim` at 56 (all u64 but the type).
    pub const FILESTAT_SIZE: u32 = 64;
    /// `prestat`: `tag: u8` at 0, `pr_name_len: u32` at 4.
    pub const PRESTAT_SIZE: u32 = 8;
    /// `subscription`: `userdata: u64` at 0, `tag: u8` at 8, then at 16 either
    /// `clock { id: u32 at 16, timeout: u64 at 24, precision: u64 at 32, flags: u16 at 40 }`
    /// or `fd_readwrite { fd: u32 at 16 }`.
    pub const SUBSCRIPTION_SIZE: u32 = 48;
    /// `event`: `userdata: u64` at 0, `error: u16` at 8, `type: u8` at 10,
    /// `fd_readwrite { nbytes: u64 at 16, flags: u16 at 24 }`.
    pub const EVENT_SIZE: u32 = 32;

    const _: () = assert!(DIRENT_SIZE == 24 && FILESTAT_SIZE == 64 && EVENT_SIZE == 32);
}

/// The most bytes a single read or write moves: larger requests are shortened, which
/// WASI allows (the guest sees the count that moved and asks again for the rest).
pub(crate) const MAX_IO_CHUNK: usize = 64 << 20;

#[cfg(test)]
mod tests {
    use super::Errno;

    #[test]
    fn errno_values_follow_the_specification() {
        assert_eq!(Errno::Success as u16, 0);
        assert_eq!(Errno::TooBig as u16, 1);
        assert_eq!(Errno::Badf as u16, 8);
        assert_eq!(Errno::Exist as u16, 20);
        assert_eq!(Errno::Fault as u16, 21);
        assert_eq!(Errno::Inval as u16, 28);
        assert_eq!(Errno::IsDir as u16, 31);
        assert_eq!(Errno::NoEnt as u16, 44);
        assert_eq!(Errno::NoSys as u16, 52);
        assert_eq!(Errno::NotDir as u16, 54);
        assert_eq!(Errno::NotEmpty as u16, 55);
        assert_eq!(Errno::Perm as u16, 63);
        assert_eq!(Errno::Spipe as u16, 70);
        assert_eq!(Errno::NotCapable as u16, 76);
    }

    #[test]
    fn every_errno_round_trips_through_its_number() {
        for value in 0..=76u16 {
            let errno = Errno::from_raw(value).expect("every number up to 76 is an errno");
            assert_eq!(errno as u16, value);
            assert!(!errno.name().is_empty());
        }
        assert_eq!(Errno::from_raw(77), None);
        assert_eq!(Errno::NoEnt.name(), "NOENT");
        assert_eq!(
            Errno::NoEnt.to_string(),
            "No such file or directory. (NOENT)"
        );
    }
}
