//! Bounds-checked access to the guest's linear memory.
//!
//! Every pointer a guest passes is an untrusted offset. Each access here checks the
//! whole range `ptr..ptr + len` against the memory's current size (with overflow-free
//! arithmetic) and answers `Errno::Fault` when it does not fit, as wasmtime and the
//! POSIX `EFAULT` do: a bad pointer is the guest's error to handle, not a trap.
//! Pointers need not be aligned: fields are read and written byte-wise, little-endian.
//!
//! Calls check every range they will write before they do any I/O, so a call that
//! fails with `FAULT` has no other effect.

use crate::types::{layout, Errno, WasiResult};

/// The guest's memory during one WASI call.
pub(crate) struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// A guest buffer: an (address, length) pair from an `iovec` or an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GuestBuf {
    pub ptr: u32,
    pub len: u32,
}

impl<'a> GuestMemory<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: usize) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// Fails with `FAULT` unless `len` bytes from `ptr` are inside the memory.
    pub(crate) fn check(&self, ptr: u32, len: usize) -> WasiResult<()> {
        self.range(ptr, len).map(|_| ())
    }

    /// The `len` bytes at `ptr`.
    pub(crate) fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let range = self.range(ptr, len as usize)?;
        Ok(&self.bytes[range])
    }

    /// The `len` bytes at `ptr`, mutably.
    pub(crate) fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let range = self.range(ptr, len as usize)?;
        Ok(&mut self.bytes[range])
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let range = self.range(ptr, N)?;
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[range]);
        Ok(out)
    }

    pub(crate) fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        self.array(ptr).map(u16::from_le_bytes)
    }

    pub(crate) fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        self.array(ptr).map(u32::from_le_bytes)
    }

    pub(crate) fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        self.array(ptr).map(u64::from_le_bytes)
    }

    /// Writes `bytes` at `ptr`.
    pub(crate) fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult<()> {
        let range = self.range(ptr, bytes.len())?;
        self.bytes[range].copy_from_slice(bytes);
        Ok(())
    }

    pub(crate) fn write_u8(&mut self, ptr: u32, value: u8) -> WasiResult<()> {
        self.write(ptr, &[value])
    }

    pub(crate) fn write_u16(&mut self, ptr: u32, value: u16) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// The UTF-8 string of `len` bytes at `ptr`; `ILSEQ` when it is not UTF-8.
    pub(crate) fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// The `count` buffers of the `iovec` array at `ptr`, each checked to lie inside
    /// the memory.
    pub(crate) fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<GuestBuf>> {
        let size = (count as usize)
            .checked_mul(layout::IOVEC_SIZE as usize)
            .ok_or(Errno::Fault)?;
        self.check(ptr, size)?;
        (0..count)
            .map(|i| {
                let at = ptr + i * layout::IOVEC_SIZE;
                let buf = GuestBuf {
                    ptr: self.read_u32(at)?,
                    len: self.read_u32(at + 4)?,
                };
                self.check(buf.ptr, buf.len as usize)?;
                Ok(buf)
            })
            .collect()
    }

    /// The concatenated contents of `bufs`, at most `limit` bytes.
    pub(crate) fn gather(&self, bufs: &[GuestBuf], limit: usize) -> WasiResult<Vec<u8>> {
        let mut out = Vec::new();
        for buf in bufs {
            let room = limit - out.len();
            let bytes = self.slice(buf.ptr, buf.len)?;
            out.extend_from_slice(&bytes[..bytes.len().min(room)]);
            if out.len() == limit {
                break;
            }
        }
        Ok(out)
    }

    /// Copies `data` into `bufs` in order; returns how many bytes were copied.
    pub(crate) fn scatter(&mut self, bufs: &[GuestBuf], mut data: &[u8]) -> WasiResult<usize> {
        let mut copied = 0;
        for buf in bufs {
            if data.is_empty() {
                break;
            }
            let n = data.len().min(buf.len as usize);
            self.write(buf.ptr, &data[..n])?;
            data = &data[n..];
            copied += n;
        }
        Ok(copied)
    }
}

/// The total length of `bufs`, capped at `limit`.
pub(crate) fn total_len(bufs: &[GuestBuf], limit: usize) -> usize {
    bufs.iter()
        .fold(0usize, |sum, b| sum.saturating_add(b.len as usize))
        .min(limit)
}

#[cfg(test)]
mod tests {
    use super::{GuestBuf, GuestMemory};
    use crate::types::Errno;

    #[test]
    fn accesses_inside_the_memory_work() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut bytes);
        mem.write_u32(60, 0xdead_beef).unwrap();
        assert_eq!(mem.read_u32(60), Ok(0xdead_beef));
        mem.write_u64(1, u64::MAX - 1).unwrap();
        assert_eq!(mem.read_u64(1), Ok(u64::MAX - 1));
        assert_eq!(mem.slice(64, 0), Ok(&[][..]));
    }

    #[test]
    fn out_of_bounds_pointers_are_faults() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut bytes);
        assert_eq!(mem.read_u32(61), Err(Errno::Fault));
        assert_eq!(mem.write_u64(57, 1), Err(Errno::Fault));
        assert_eq!(mem.slice(65, 0), Err(Errno::Fault));
        assert_eq!(mem.slice(0, 65), Err(Errno::Fault));
        assert_eq!(mem.slice(u32::MAX, u32::MAX), Err(Errno::Fault));
        assert_eq!(mem.write(u32::MAX, &[1]), Err(Errno::Fault));
        assert_eq!(mem.str(60, 8), Err(Errno::Fault));
    }

    #[test]
    fn iovecs_are_checked_whole() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut bytes);
        // Two iovecs at 0: (32, 8) and (40, 24).
        mem.write_u32(0, 32).unwrap();
        mem.write_u32(4, 8).unwrap();
        mem.write_u32(8, 40).unwrap();
        mem.write_u32(12, 24).unwrap();
        assert_eq!(
            mem.iovecs(0, 2),
            Ok(vec![
                GuestBuf { ptr: 32, len: 8 },
                GuestBuf { ptr: 40, len: 24 }
            ])
        );
        // A buffer that runs one byte past the end.
        mem.write_u32(12, 25).unwrap();
        assert_eq!(mem.iovecs(0, 2), Err(Errno::Fault));
        // An array that does not fit, and a count whose size overflows.
        assert_eq!(mem.iovecs(60, 1), Err(Errno::Fault));
        assert_eq!(mem.iovecs(0, u32::MAX), Err(Errno::Fault));
    }

    #[test]
    fn invalid_utf8_is_ilseq() {
        let mut bytes = vec![0xffu8; 8];
        let mem = GuestMemory::new(&mut bytes);
        assert_eq!(mem.str(0, 4), Err(Errno::Ilseq));
    }

    #[test]
    fn scatter_and_gather_follow_buffer_order() {
        let mut bytes = vec![0u8; 32];
        let mut mem = GuestMemory::new(&mut bytes);
        let bufs = [GuestBuf { ptr: 8, len: 3 }, GuestBuf { ptr: 0, len: 4 }];
        assert_eq!(mem.scatter(&bufs, b"abcdefgh"), Ok(7));
        assert_eq!(mem.slice(0, 11).unwrap(), b"defg\0\0\0\0abc");
        assert_eq!(mem.gather(&bufs, 100).unwrap(), b"abcdefg");
        assert_eq!(mem.gather(&bufs, 5).unwrap(), b"abcde");
    }
}
