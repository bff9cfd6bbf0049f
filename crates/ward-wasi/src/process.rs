//! Arguments, environment, clocks, randomness, scheduling and signals.

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::sys;
use crate::types::{Errno, WasiResult};

/// Writes `strings` as C strings into the buffer at `buf`, and a pointer to each into
/// the array at `ptrs` (the layout of `args_get` and `environ_get`).
fn write_strings(
    mem: &mut GuestMemory,
    strings: &[Vec<u8>],
    ptrs: u32,
    buf: u32,
) -> WasiResult<()> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    mem.check(ptrs, strings.len() * 4)?;
    mem.check(buf, total)?;
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        mem.write_u32(ptrs + i as u32 * 4, at)?;
        mem.write(at, s)?;
        mem.write_u8(at + s.len() as u32, 0)?;
        at += s.len() as u32 + 1;
    }
    Ok(())
}

/// Writes the count of `strings` and the bytes they take as C strings.
fn write_sizes(
    mem: &mut GuestMemory,
    strings: &[Vec<u8>],
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult<()> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    mem.check(count_ptr, 4)?;
    mem.check(size_ptr, 4)?;
    mem.write_u32(count_ptr, strings.len() as u32)?;
    mem.write_u32(size_ptr, u32::try_from(total).map_err(|_| Errno::Overflow)?)
}

impl WasiCtx {
    pub(crate) fn args_get(
        &mut self,
        mem: &mut GuestMemory,
        argv: u32,
        buf: u32,
    ) -> WasiResult<()> {
        write_strings(mem, &self.args, argv, buf)
    }

    pub(crate) fn args_sizes_get(
        &mut self,
        mem: &mut GuestMemory,
        argc_ptr: u32,
        size_ptr: u32,
    ) -> WasiResult<()> {
        write_sizes(mem, &self.args, argc_ptr, size_ptr)
    }

    pub(crate) fn environ_get(
        &mut self,
        mem: &mut GuestMemory,
        environ: u32,
        buf: u32,
    ) -> WasiResult<()> {
        write_strings(mem, &self.env, environ, buf)
    }

    pub(crate) fn environ_sizes_get(
        &mut self,
        mem: &mut GuestMemory,
        count_ptr: u32,
        size_ptr: u32,
    ) -> WasiResult<()> {
        write_sizes(mem, &self.env, count_ptr, size_ptr)
    }

    pub(crate) fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory,
        id: u32,
        ptr: u32,
    ) -> WasiResult<()> {
        mem.check(ptr, 8)?;
        mem.write_u64(ptr, sys::clock_res(id)?)
    }

    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory,
        id: u32,
        _precision: u64,
        ptr: u32,
    ) -> WasiResult<()> {
        mem.check(ptr, 8)?;
        mem.write_u64(ptr, sys::clock_time(id)?)
    }

    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory,
        buf: u32,
        len: u32,
    ) -> WasiResult<()> {
        let bytes = mem.slice_mut(buf, len)?;
        getrandom::fill(bytes).map_err(|_| Errno::Io)
    }

    pub(crate) fn sched_yield(&mut self, _mem: &mut GuestMemory) -> WasiResult<()> {
        std::thread::yield_now();
        Ok(())
    }

    /// Signals are not delivered to guests: `proc_raise` is `NOSYS`, as in other
    /// runtimes and as the function's deprecation in later WASI versions suggests.
    pub(crate) fn proc_raise(&mut self, _mem: &mut GuestMemory, _signal: u8) -> WasiResult<()> {
        Err(Errno::NoSys)
    }
}
