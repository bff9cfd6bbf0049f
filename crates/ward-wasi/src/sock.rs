//! The `sock_*` functions, on sockets the embedder gave the guest.

use std::os::fd::AsFd;

use crate::ctx::WasiCtx;
use crate::memory::{total_len, GuestMemory};
use crate::sys;
use crate::table::{Entry, Kind};
use crate::types::{fdflags, rights, Errno, WasiResult, MAX_IO_CHUNK};

impl WasiCtx {
    /// The connected socket at `fd`: `BADF` when there is none, `NOTSOCK` for another kind.
    fn stream(&self, fd: u32, needed: u64) -> WasiResult<&std::net::TcpStream> {
        let entry = self.table.get(fd)?;
        match &entry.kind {
            Kind::Stream(s) => {
                entry.require(needed)?;
                Ok(s)
            }
            _ => Err(Errno::NotSock),
        }
    }

    pub(crate) fn sock_accept(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        flags: u16,
        fd_ptr: u32,
    ) -> WasiResult<()> {
        mem.check(fd_ptr, 4)?;
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::Inval);
        }
        let entry = self.table.get(fd)?;
        let Kind::Listener(listener) = &entry.kind else {
            return Err(Errno::NotSock);
        };
        entry.require(rights::SOCK_ACCEPT)?;
        let inherited = entry.inheriting;
        let (stream, _) = listener.accept()?;
        stream.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
        let mut entry = Entry::new(Kind::Stream(stream), rights::SOCKET & inherited, 0);
        entry.stream_flags = flags;
        let new_fd = self.table.push(entry)?;
        mem.write_u32(fd_ptr, new_fd)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sock_recv(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        ri_data: u32,
        ri_data_len: u32,
        ri_flags: u16,
        ro_datalen_ptr: u32,
        ro_flags_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(ri_data, ri_data_len)?;
        mem.check(ro_datalen_ptr, 4)?;
        mem.check(ro_flags_ptr, 2)?;
        if ri_flags & !0b11 != 0 {
            return Err(Errno::Inval);
        }
        let stream = self.stream(fd, rights::FD_READ)?;
        let mut buf = vec![0u8; total_len(&bufs, MAX_IO_CHUNK)];
        let n = if buf.is_empty() {
            0
        } else {
            sys::recv(stream.as_fd(), &mut buf, ri_flags)?
        };
        mem.scatter(&bufs, &buf[..n])?;
        mem.write_u32(ro_datalen_ptr, n as u32)?;
        mem.write_u16(ro_flags_ptr, 0)
    }

    pub(crate) fn sock_send(
        &mut self,
        mem: &mut GuestMemory,
        fd: u32,
        si_data: u32,
        si_data_len: u32,
        _si_flags: u16,
        so_datalen_ptr: u32,
    ) -> WasiResult<()> {
        let bufs = mem.iovecs(si_data, si_data_len)?;
        mem.check(so_datalen_ptr, 4)?;
        let stream = self.stream(fd, rights::FD_WRITE)?;
        let data = mem.gather(&bufs, MAX_IO_CHUNK)?;
        let n = if data.is_empty() {
            0
        } else {
            sys::send(stream.as_fd(), &data)?
        };
        mem.write_u32(so_datalen_ptr, n as u32)
    }

    pub(crate) fn sock_shutdown(
        &mut self,
        _mem: &mut GuestMemory,
        fd: u32,
        how: u8,
    ) -> WasiResult<()> {
        let stream = self.stream(fd, rights::SOCK_SHUTDOWN)?;
        sys::shutdown(stream.as_fd(), how)
    }
}
