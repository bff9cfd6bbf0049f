//! SIMD loads and stores: whole vectors, extending and splatting loads, and single
//! lanes.

use super::lanes::{extract, replace, splat, widen};
use crate::exec::{Executor, OpResult};
use crate::ir::Op;

impl Executor {
    /// Executes `op`, which must be a SIMD load or store: the last family that
    /// [`Executor::simd`] tries.
    ///
    /// # Panics
    ///
    /// If `op` is not a SIMD op at all.
    #[inline(always)]
    pub(super) fn simd_memory(&mut self, op: Op) -> OpResult {
        match op {
            Op::V128Load { dst, addr, offset } => {
                let bytes = self.load::<16>(addr, offset)?;
                self.set_v128(dst, u128::from_le_bytes(bytes));
            }
            Op::V128Load8x8S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i8| x as i16));
            }
            Op::V128Load8x8U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u8| x as u16));
            }
            Op::V128Load16x4S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i16| x as i32));
            }
            Op::V128Load16x4U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u16| x as u32));
            }
            Op::V128Load32x2S { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: i32| x as i64));
            }
            Op::V128Load32x2U { dst, addr, offset } => {
                let v = u64::from_le_bytes(self.load(addr, offset)?) as u128;
                self.set_v128(dst, widen(v, false, |x: u32| x as u64));
            }
            Op::V128Load8Splat { dst, addr, offset } => {
                let x = u8::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load16Splat { dst, addr, offset } => {
                let x = u16::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load32Splat { dst, addr, offset } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load64Splat { dst, addr, offset } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, splat(x));
            }
            Op::V128Load32Zero { dst, addr, offset } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, x as u128);
            }
            Op::V128Load64Zero { dst, addr, offset } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, x as u128);
            }
            Op::V128Store { addr, src, offset } => {
                self.store(addr, offset, self.v128(src).to_le_bytes())?
            }

            Op::V128Load8Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u8::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load16Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u16::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load32Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u32::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Load64Lane {
                dst,
                addr,
                src,
                offset,
                lane,
            } => {
                let x = u64::from_le_bytes(self.load(addr, offset)?);
                self.set_v128(dst, replace(self.v128(src), lane, x));
            }
            Op::V128Store8Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u8>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store16Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u16>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store32Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u32>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            Op::V128Store64Lane {
                addr,
                src,
                offset,
                lane,
            } => {
                let x = extract::<u64>(self.v128(src), lane);
                self.store(addr, offset, x.to_le_bytes())?;
            }
            other => unreachable!("op {} is not a SIMD op", other.name()),
        }
        Ok(())
    }
}
