//! The translation of the fixed-width SIMD (`v128`) operators, by family.
//!
//! A `v128` has one Cranelift type wherever it is kept: `I8X16` on the operand stack,
//! in locals, block params, globals and calls (see `clif_type`). An op bitcasts its
//! operands to the lane type it works on and its result back to `I8X16`. With one type
//! everywhere, a value needs no conversion where control flow merges, whatever ops made
//! it; and the bitcasts are free: every vector type lives in the same registers, so
//! they emit no instruction.
//!
//! Most ops map to one Cranelift instruction whose semantics are wasm's, lane for lane
//! (shift amounts taken modulo the lane width, `fmin`/`fmax` with wasm's NaN and zero
//! rules, `swizzle` giving 0 for an index out of range, saturating narrows and
//! conversions). The others are built from a few instructions, in the shapes the
//! backends recognise and turn into one instruction where the CPU has it (the
//! `*_zero` conversions, `dot`, `extmul`, `extadd_pairwise`, `convert_low`).
//!
//! On x86-64 the baseline ward expects is x86-64-v2 (SSE4.2, SSSE3, POPCNT): every op
//! here compiles to inline code on it. Some ops have one instruction only with AVX-512
//! and become short sequences without it: `i64x2.abs` (`vpabsq`), `i64x2.mul`
//! (`vpmullq`), `i64x2.shr_s` (`vpsraq`), `f32x4.convert_i32x4_u` (`vcvtudq2ps`),
//! `i8x16.popcnt` (`vpopcntb`). Below the baseline, Cranelift calls out to runtime
//! functions for what the CPU lacks: float rounding without SSE4.1, `pshufb` (general
//! shuffles, swizzles) without SSSE3; `libcall` in `link.rs` resolves them all.

use crate::prelude::*;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32X4, F64X2, I16, I16X8, I32, I32X4, I64X2, I8, I8X16};
use cranelift_codegen::ir::{ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;
use wasmparser::{MemArg, Operator};

use super::func::FuncState;

/// The flags of a bitcast between vector types: changing the lane count needs the byte
/// order said, and wasm's lanes are little-endian.
fn lane_order() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// A vector of zeros of type `ty`.
fn zeros(b: &mut FunctionBuilder<'_>, ty: Type) -> Value {
    let zeros = b
        .func
        .dfg
        .constants
        .insert(ConstantData::from(vec![0u8; 16]));
    b.ins().vconst(ty, zeros)
}

/// Which half of a vector's lanes a widening op reads.
#[derive(Clone, Copy)]
enum Half {
    Low,
    High,
}

/// How a widening op extends each lane.
#[derive(Clone, Copy)]
enum Sign {
    Signed,
    Unsigned,
}

/// The lanes of half `half` of `x`, each extended to twice its width.
fn widen(b: &mut FunctionBuilder<'_>, x: Value, half: Half, sign: Sign) -> Value {
    match (half, sign) {
        (Half::Low, Sign::Signed) => b.ins().swiden_low(x),
        (Half::High, Sign::Signed) => b.ins().swiden_high(x),
        (Half::Low, Sign::Unsigned) => b.ins().uwiden_low(x),
        (Half::High, Sign::Unsigned) => b.ins().uwiden_high(x),
    }
}

/// `extmul`: the lanes of half `half` of `x` and `y`, widened, multiplied. The x86-64
/// backend turns this shape into `pmull`/`pmulh` pairs or `pmuldq`.
fn extmul(b: &mut FunctionBuilder<'_>, x: Value, y: Value, half: Half, sign: Sign) -> Value {
    let x = widen(b, x, half, sign);
    let y = widen(b, y, half, sign);
    b.ins().imul(x, y)
}

/// `extadd_pairwise`: sums of adjacent lanes of `x`, widened.
fn extadd_pairwise(b: &mut FunctionBuilder<'_>, x: Value, sign: Sign) -> Value {
    let low = widen(b, x, Half::Low, sign);
    let high = widen(b, x, Half::High, sign);
    b.ins().iadd_pairwise(low, high)
}

impl FuncState<'_, '_> {
    /// Translates `op` if it is a SIMD operator; false otherwise.
    pub(super) fn translate_simd(&mut self, op: &Operator<'_>) -> bool {
        if let Some(op) = crate::translate::relaxed_equivalent(op) {
            return self.translate_simd(&op);
        }
        self.simd_memory(op)
            || self.simd_lanes(op)
            || self.simd_bitwise(op)
            || self.simd_compare(op)
            || self.simd_int(op)
            || self.simd_shift(op)
            || self.simd_float(op)
            || self.simd_convert(op)
            || self.simd_widen(op)
            || self.simd_relaxed(op)
    }

    /// The relaxed SIMD operators without an exact twin (see
    /// [`crate::translate::relaxed_equivalent`] for the others), with the interpreter's
    /// choices: multiply-adds rounded after each step, dot products of signed bytes
    /// summed in pairs as wrapping `i16`s.
    fn simd_relaxed(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        let madd = |s: &mut Self, ty: Type, negate: bool| {
            let c = s.pop_vector(ty);
            let b = s.pop_vector(ty);
            let a = s.pop_vector(ty);
            let product = s.b.ins().fmul(a, b);
            let product = if negate {
                s.b.ins().fneg(product)
            } else {
                product
            };
            let value = s.b.ins().fadd(product, c);
            s.push_vector(value);
        };
        let dot = |b: &mut FunctionBuilder<'_>, x: Value, y: Value| {
            let low = extmul(b, x, y, Half::Low, Sign::Signed);
            let high = extmul(b, x, y, Half::High, Sign::Signed);
            b.ins().iadd_pairwise(low, high)
        };
        match op {
            F32x4RelaxedMadd => madd(self, F32X4, false),
            F32x4RelaxedNmadd => madd(self, F32X4, true),
            F64x2RelaxedMadd => madd(self, F64X2, false),
            F64x2RelaxedNmadd => madd(self, F64X2, true),
            I16x8RelaxedDotI8x16I7x16S => self.vector_binary(I8X16, dot),
            I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_vector(I32X4);
                let y = self.pop_vector(I8X16);
                let x = self.pop_vector(I8X16);
                let pairs = dot(&mut self.b, x, y);
                let sums = extadd_pairwise(&mut self.b, pairs, Sign::Signed);
                let value = self.b.ins().iadd(sums, c);
                self.push_vector(value);
            }
            _ => return false,
        }
        true
    }

    // ---- the representation -------------------------------------------------------

    /// `v` as a vector of type `ty`.
    fn cast(&mut self, v: Value, ty: Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty {
            return v;
        }
        self.b.ins().bitcast(ty, lane_order(), v)
    }

    /// Pops a `v128` as a vector of type `ty`.
    fn pop_vector(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.cast(v, ty)
    }

    /// Pushes vector `v`, of any vector type, as a `v128`.
    fn push_vector(&mut self, v: Value) {
        let v = self.cast(v, I8X16);
        self.push(v);
    }

    /// Replaces the top `v128` with `f` of it, seen as type `ty`.
    fn vector_unary(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value) {
        let x = self.pop_vector(ty);
        let value = f(&mut self.b, x);
        self.push_vector(value);
    }

    /// Replaces the top two `v128`s with `f` of them, both seen as type `ty`.
    fn vector_binary(
        &mut self,
        ty: Type,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) {
        let y = self.pop_vector(ty);
        let x = self.pop_vector(ty);
        let value = f(&mut self.b, x, y);
        self.push_vector(value);
    }

    // ---- memory ---------------------------------------------------------------------

    /// Loads and stores: whole vectors, extending, splatting, zero-filling and one-lane
    /// accesses. Every access goes through `heap_address`, as the scalar ones.
    fn simd_memory(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        match *op {
            V128Load { memarg } => {
                self.vector_load(memarg, 16, |b, f, a, o| b.ins().load(I8X16, f, a, o))
            }
            V128Load8x8S { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().sload8x8(f, a, o))
            }
            V128Load8x8U { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().uload8x8(f, a, o))
            }
            V128Load16x4S { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().sload16x4(f, a, o))
            }
            V128Load16x4U { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().uload16x4(f, a, o))
            }
            V128Load32x2S { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().sload32x2(f, a, o))
            }
            V128Load32x2U { memarg } => {
                self.vector_load(memarg, 8, |b, f, a, o| b.ins().uload32x2(f, a, o))
            }
            V128Load8Splat { memarg } => self.load_splat(memarg, I8X16),
            V128Load16Splat { memarg } => self.load_splat(memarg, I16X8),
            V128Load32Splat { memarg } => self.load_splat(memarg, I32X4),
            V128Load64Splat { memarg } => self.load_splat(memarg, I64X2),
            V128Load32Zero { memarg } => self.load_zero(memarg, I32X4),
            V128Load64Zero { memarg } => self.load_zero(memarg, I64X2),
            V128Load8Lane { memarg, lane } => self.load_lane(memarg, I8X16, lane),
            V128Load16Lane { memarg, lane } => self.load_lane(memarg, I16X8, lane),
            V128Load32Lane { memarg, lane } => self.load_lane(memarg, I32X4, lane),
            V128Load64Lane { memarg, lane } => self.load_lane(memarg, I64X2, lane),
            V128Store { memarg } => self.store(memarg, 16, |b, f, v, a, o| {
                b.ins().store(f, v, a, o);
            }),
            V128Store8Lane { memarg, lane } => self.store_lane(memarg, I8X16, lane),
            V128Store16Lane { memarg, lane } => self.store_lane(memarg, I16X8, lane),
            V128Store32Lane { memarg, lane } => self.store_lane(memarg, I32X4, lane),
            V128Store64Lane { memarg, lane } => self.store_lane(memarg, I64X2, lane),
            _ => return false,
        }
        true
    }

    /// A load of `size` bytes whose `access` gives a vector of any type.
    fn vector_load(
        &mut self,
        memarg: MemArg,
        size: u32,
        access: impl FnOnce(&mut FunctionBuilder<'_>, MemFlagsData, Value, i32) -> Value,
    ) {
        let index = self.pop();
        let (address, offset) = self.heap_address(memarg, index, size);
        let value = access(&mut self.b, Self::heap_flags(), address, offset);
        self.push_vector(value);
    }

    /// `load*_splat`: one lane of `ty` loaded, copied to every lane.
    fn load_splat(&mut self, memarg: MemArg, ty: Type) {
        let lane = ty.lane_type();
        self.vector_load(memarg, lane.bytes(), |b, f, a, o| {
            let x = b.ins().load(lane, f, a, o);
            b.ins().splat(ty, x)
        });
    }

    /// `load*_zero`: one lane of `ty` loaded into lane 0, the others zero.
    fn load_zero(&mut self, memarg: MemArg, ty: Type) {
        let lane = ty.lane_type();
        self.vector_load(memarg, lane.bytes(), |b, f, a, o| {
            let x = b.ins().load(lane, f, a, o);
            b.ins().scalar_to_vector(ty, x)
        });
    }

    /// `load*_lane`: one lane of `ty` loaded into lane `lane` of the top vector.
    fn load_lane(&mut self, memarg: MemArg, ty: Type, lane: u8) {
        let vector = self.pop_vector(ty);
        let index = self.pop();
        let (address, offset) = self.heap_address(memarg, index, ty.lane_type().bytes());
        let x = self
            .b
            .ins()
            .load(ty.lane_type(), Self::heap_flags(), address, offset);
        let value = self.b.ins().insertlane(vector, x, lane);
        self.push_vector(value);
    }

    /// `store*_lane`: lane `lane` of the top vector, seen as `ty`, stored.
    fn store_lane(&mut self, memarg: MemArg, ty: Type, lane: u8) {
        let vector = self.pop_vector(ty);
        let index = self.pop();
        let (address, offset) = self.heap_address(memarg, index, ty.lane_type().bytes());
        let x = self.b.ins().extractlane(vector, lane);
        self.b.ins().store(Self::heap_flags(), x, address, offset);
    }

    // ---- constants, shuffles and lanes ------------------------------------------------

    /// Constants, shuffles, splats, and reading and replacing one lane.
    fn simd_lanes(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        match *op {
            V128Const { value } => {
                let bytes = ConstantData::from(value.bytes().to_vec());
                let constant = self.b.func.dfg.constants.insert(bytes);
                let value = self.b.ins().vconst(I8X16, constant);
                self.push(value);
            }
            I8x16Shuffle { lanes } => {
                // The immediate's lane indices (0-31 over both operands) are
                // Cranelift's exactly; the validator has checked their range.
                let (x, y) = self.pop2();
                let mask = self
                    .b
                    .func
                    .dfg
                    .immediates
                    .push(ConstantData::from(lanes.to_vec()));
                let value = self.b.ins().shuffle(x, y, mask);
                self.push(value);
            }
            // Cranelift's `swizzle` gives 0 for an index above 15, as wasm's.
            I8x16Swizzle => self.vector_binary(I8X16, |b, x, s| b.ins().swizzle(x, s)),
            I8x16Splat => self.splat(I8X16),
            I16x8Splat => self.splat(I16X8),
            I32x4Splat => self.splat(I32X4),
            I64x2Splat => self.splat(I64X2),
            F32x4Splat => self.splat(F32X4),
            F64x2Splat => self.splat(F64X2),
            I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, lane, Some(Sign::Signed)),
            I8x16ExtractLaneU { lane } => self.extract_lane(I8X16, lane, Some(Sign::Unsigned)),
            I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, lane, Some(Sign::Signed)),
            I16x8ExtractLaneU { lane } => self.extract_lane(I16X8, lane, Some(Sign::Unsigned)),
            I32x4ExtractLane { lane } => self.extract_lane(I32X4, lane, None),
            I64x2ExtractLane { lane } => self.extract_lane(I64X2, lane, None),
            F32x4ExtractLane { lane } => self.extract_lane(F32X4, lane, None),
            F64x2ExtractLane { lane } => self.extract_lane(F64X2, lane, None),
            I8x16ReplaceLane { lane } => self.replace_lane(I8X16, lane),
            I16x8ReplaceLane { lane } => self.replace_lane(I16X8, lane),
            I32x4ReplaceLane { lane } => self.replace_lane(I32X4, lane),
            I64x2ReplaceLane { lane } => self.replace_lane(I64X2, lane),
            F32x4ReplaceLane { lane } => self.replace_lane(F32X4, lane),
            F64x2ReplaceLane { lane } => self.replace_lane(F64X2, lane),
            _ => return false,
        }
        true
    }

    /// The top value (an `i32` for the narrow integer lanes) narrowed to a lane of
    /// `ty`.
    fn pop_lane(&mut self, ty: Type) -> Value {
        let x = self.pop();
        match ty.lane_type() {
            narrow @ (I8 | I16) => self.b.ins().ireduce(narrow, x),
            _ => x,
        }
    }

    fn splat(&mut self, ty: Type) {
        let x = self.pop_lane(ty);
        let value = self.b.ins().splat(ty, x);
        self.push_vector(value);
    }

    /// Lane `lane` of the top vector seen as `ty`; the narrow integer lanes extended to
    /// an `i32` as `extend` says.
    fn extract_lane(&mut self, ty: Type, lane: u8, extend: Option<Sign>) {
        let vector = self.pop_vector(ty);
        let x = self.b.ins().extractlane(vector, lane);
        let value = match extend {
            Some(Sign::Signed) => self.b.ins().sextend(I32, x),
            Some(Sign::Unsigned) => self.b.ins().uextend(I32, x),
            None => x,
        };
        self.push(value);
    }

    fn replace_lane(&mut self, ty: Type, lane: u8) {
        let x = self.pop_lane(ty);
        let vector = self.pop_vector(ty);
        let value = self.b.ins().insertlane(vector, x, lane);
        self.push_vector(value);
    }

    // ---- bitwise ops and reductions ---------------------------------------------------

    /// Bitwise ops on the whole vector, and the reductions to an `i32`: `any_true`,
    /// `all_true` and `bitmask`.
    fn simd_bitwise(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        match *op {
            V128Not => self.vector_unary(I8X16, |b, x| b.ins().bnot(x)),
            V128And => self.vector_binary(I8X16, |b, x, y| b.ins().band(x, y)),
            V128AndNot => self.vector_binary(I8X16, |b, x, y| b.ins().band_not(x, y)),
            V128Or => self.vector_binary(I8X16, |b, x, y| b.ins().bor(x, y)),
            V128Xor => self.vector_binary(I8X16, |b, x, y| b.ins().bxor(x, y)),
            V128Bitselect => {
                let (x, y, mask) = self.pop3();
                let value = self.b.ins().bitselect(mask, x, y);
                self.push(value);
            }
            V128AnyTrue => self.reduce(I8X16, |b, x| b.ins().vany_true(x)),
            I8x16AllTrue => self.reduce(I8X16, |b, x| b.ins().vall_true(x)),
            I16x8AllTrue => self.reduce(I16X8, |b, x| b.ins().vall_true(x)),
            I32x4AllTrue => self.reduce(I32X4, |b, x| b.ins().vall_true(x)),
            I64x2AllTrue => self.reduce(I64X2, |b, x| b.ins().vall_true(x)),
            I8x16Bitmask => self.reduce(I8X16, |b, x| b.ins().vhigh_bits(I32, x)),
            I16x8Bitmask => self.reduce(I16X8, |b, x| b.ins().vhigh_bits(I32, x)),
            I32x4Bitmask => self.reduce(I32X4, |b, x| b.ins().vhigh_bits(I32, x)),
            I64x2Bitmask => self.reduce(I64X2, |b, x| b.ins().vhigh_bits(I32, x)),
            _ => return false,
        }
        true
    }

    /// Replaces the top vector, seen as `ty`, with the `i32` of `f` of it (which may
    /// give a narrower integer: the truth values are `i8`s).
    fn reduce(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value) {
        let x = self.pop_vector(ty);
        let value = f(&mut self.b, x);
        let value = if self.b.func.dfg.value_type(value) == I32 {
            value
        } else {
            self.b.ins().uextend(I32, value)
        };
        self.push(value);
    }

    // ---- comparisons ------------------------------------------------------------------

    /// Lane comparisons: each result lane all ones where the comparison holds, zero
    /// where it does not.
    fn simd_compare(&mut self, op: &Operator<'_>) -> bool {
        use IntCC::*;
        use Operator::*;
        let (ty, cc) = match *op {
            I8x16Eq => (I8X16, Equal),
            I8x16Ne => (I8X16, NotEqual),
            I8x16LtS => (I8X16, SignedLessThan),
            I8x16LtU => (I8X16, UnsignedLessThan),
            I8x16GtS => (I8X16, SignedGreaterThan),
            I8x16GtU => (I8X16, UnsignedGreaterThan),
            I8x16LeS => (I8X16, SignedLessThanOrEqual),
            I8x16LeU => (I8X16, UnsignedLessThanOrEqual),
            I8x16GeS => (I8X16, SignedGreaterThanOrEqual),
            I8x16GeU => (I8X16, UnsignedGreaterThanOrEqual),
            I16x8Eq => (I16X8, Equal),
            I16x8Ne => (I16X8, NotEqual),
            I16x8LtS => (I16X8, SignedLessThan),
            I16x8LtU => (I16X8, UnsignedLessThan),
            I16x8GtS => (I16X8, SignedGreaterThan),
            I16x8GtU => (I16X8, UnsignedGreaterThan),
            I16x8LeS => (I16X8, SignedLessThanOrEqual),
            I16x8LeU => (I16X8, UnsignedLessThanOrEqual),
            I16x8GeS => (I16X8, SignedGreaterThanOrEqual),
            I16x8GeU => (I16X8, UnsignedGreaterThanOrEqual),
            I32x4Eq => (I32X4, Equal),
            I32x4Ne => (I32X4, NotEqual),
            I32x4LtS => (I32X4, SignedLessThan),
            I32x4LtU => (I32X4, UnsignedLessThan),
            I32x4GtS => (I32X4, SignedGreaterThan),
            I32x4GtU => (I32X4, UnsignedGreaterThan),
            I32x4LeS => (I32X4, SignedLessThanOrEqual),
            I32x4LeU => (I32X4, UnsignedLessThanOrEqual),
            I32x4GeS => (I32X4, SignedGreaterThanOrEqual),
            I32x4GeU => (I32X4, UnsignedGreaterThanOrEqual),
            // The signed `i64x2` orderings use SSE4.2's `pcmpgtq` (a longer sequence
            // without it).
            I64x2Eq => (I64X2, Equal),
            I64x2Ne => (I64X2, NotEqual),
            I64x2LtS => (I64X2, SignedLessThan),
            I64x2GtS => (I64X2, SignedGreaterThan),
            I64x2LeS => (I64X2, SignedLessThanOrEqual),
            I64x2GeS => (I64X2, SignedGreaterThanOrEqual),
            _ => return self.simd_float_compare(op),
        };
        self.vector_binary(ty, |b, x, y| b.ins().icmp(cc, x, y));
        true
    }

    /// Float lane comparisons, ordered except `ne` (true where either lane is NaN), as
    /// the scalar ones.
    fn simd_float_compare(&mut self, op: &Operator<'_>) -> bool {
        use FloatCC::*;
        use Operator::*;
        let (ty, cc) = match *op {
            F32x4Eq => (F32X4, Equal),
            F32x4Ne => (F32X4, NotEqual),
            F32x4Lt => (F32X4, LessThan),
            F32x4Gt => (F32X4, GreaterThan),
            F32x4Le => (F32X4, LessThanOrEqual),
            F32x4Ge => (F32X4, GreaterThanOrEqual),
            F64x2Eq => (F64X2, Equal),
            F64x2Ne => (F64X2, NotEqual),
            F64x2Lt => (F64X2, LessThan),
            F64x2Gt => (F64X2, GreaterThan),
            F64x2Le => (F64X2, LessThanOrEqual),
            F64x2Ge => (F64X2, GreaterThanOrEqual),
            _ => return false,
        };
        self.vector_binary(ty, |b, x, y| b.ins().fcmp(cc, x, y));
        true
    }

    // ---- integer arithmetic -----------------------------------------------------------

    /// Integer lane arithmetic, shifts aside. Additions, subtractions and products wrap;
    /// `abs` of the minimum value is the minimum value.
    fn simd_int(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        match *op {
            I8x16Abs => self.vector_unary(I8X16, |b, x| b.ins().iabs(x)),
            I16x8Abs => self.vector_unary(I16X8, |b, x| b.ins().iabs(x)),
            I32x4Abs => self.vector_unary(I32X4, |b, x| b.ins().iabs(x)),
            I64x2Abs => self.vector_unary(I64X2, |b, x| b.ins().iabs(x)),
            I8x16Neg => self.vector_unary(I8X16, |b, x| b.ins().ineg(x)),
            I16x8Neg => self.vector_unary(I16X8, |b, x| b.ins().ineg(x)),
            I32x4Neg => self.vector_unary(I32X4, |b, x| b.ins().ineg(x)),
            I64x2Neg => self.vector_unary(I64X2, |b, x| b.ins().ineg(x)),
            I8x16Popcnt => self.vector_unary(I8X16, |b, x| b.ins().popcnt(x)),
            I8x16Add => self.vector_binary(I8X16, |b, x, y| b.ins().iadd(x, y)),
            I16x8Add => self.vector_binary(I16X8, |b, x, y| b.ins().iadd(x, y)),
            I32x4Add => self.vector_binary(I32X4, |b, x, y| b.ins().iadd(x, y)),
            I64x2Add => self.vector_binary(I64X2, |b, x, y| b.ins().iadd(x, y)),
            I8x16Sub => self.vector_binary(I8X16, |b, x, y| b.ins().isub(x, y)),
            I16x8Sub => self.vector_binary(I16X8, |b, x, y| b.ins().isub(x, y)),
            I32x4Sub => self.vector_binary(I32X4, |b, x, y| b.ins().isub(x, y)),
            I64x2Sub => self.vector_binary(I64X2, |b, x, y| b.ins().isub(x, y)),
            I16x8Mul => self.vector_binary(I16X8, |b, x, y| b.ins().imul(x, y)),
            I32x4Mul => self.vector_binary(I32X4, |b, x, y| b.ins().imul(x, y)),
            I64x2Mul => self.vector_binary(I64X2, |b, x, y| b.ins().imul(x, y)),
            I8x16AddSatS => self.vector_binary(I8X16, |b, x, y| b.ins().sadd_sat(x, y)),
            I16x8AddSatS => self.vector_binary(I16X8, |b, x, y| b.ins().sadd_sat(x, y)),
            I8x16AddSatU => self.vector_binary(I8X16, |b, x, y| b.ins().uadd_sat(x, y)),
            I16x8AddSatU => self.vector_binary(I16X8, |b, x, y| b.ins().uadd_sat(x, y)),
            I8x16SubSatS => self.vector_binary(I8X16, |b, x, y| b.ins().ssub_sat(x, y)),
            I16x8SubSatS => self.vector_binary(I16X8, |b, x, y| b.ins().ssub_sat(x, y)),
            I8x16SubSatU => self.vector_binary(I8X16, |b, x, y| b.ins().usub_sat(x, y)),
            I16x8SubSatU => self.vector_binary(I16X8, |b, x, y| b.ins().usub_sat(x, y)),
            I8x16MinS => self.vector_binary(I8X16, |b, x, y| b.ins().smin(x, y)),
            I16x8MinS => self.vector_binary(I16X8, |b, x, y| b.ins().smin(x, y)),
            I32x4MinS => self.vector_binary(I32X4, |b, x, y| b.ins().smin(x, y)),
            I8x16MinU => self.vector_binary(I8X16, |b, x, y| b.ins().umin(x, y)),
            I16x8MinU => self.vector_binary(I16X8, |b, x, y| b.ins().umin(x, y)),
            I32x4MinU => self.vector_binary(I32X4, |b, x, y| b.ins().umin(x, y)),
            I8x16MaxS => self.vector_binary(I8X16, |b, x, y| b.ins().smax(x, y)),
            I16x8MaxS => self.vector_binary(I16X8, |b, x, y| b.ins().smax(x, y)),
            I32x4MaxS => self.vector_binary(I32X4, |b, x, y| b.ins().smax(x, y)),
            I8x16MaxU => self.vector_binary(I8X16, |b, x, y| b.ins().umax(x, y)),
            I16x8MaxU => self.vector_binary(I16X8, |b, x, y| b.ins().umax(x, y)),
            I32x4MaxU => self.vector_binary(I32X4, |b, x, y| b.ins().umax(x, y)),
            // (x + y + 1) / 2 without overflow: `pavgb`/`pavgw`.
            I8x16AvgrU => self.vector_binary(I8X16, |b, x, y| b.ins().avg_round(x, y)),
            I16x8AvgrU => self.vector_binary(I16X8, |b, x, y| b.ins().avg_round(x, y)),
            // (x * y + 2^14) >> 15, saturated: `pmulhrsw` with its one overflow
            // (-32768 * -32768) fixed up to 32767.
            I16x8Q15MulrSatS => self.vector_binary(I16X8, |b, x, y| b.ins().sqmul_round_sat(x, y)),
            // Products of the lanes widened, summed in pairs: `pmaddwd`.
            I32x4DotI16x8S => self.vector_binary(I16X8, |b, x, y| {
                let low = extmul(b, x, y, Half::Low, Sign::Signed);
                let high = extmul(b, x, y, Half::High, Sign::Signed);
                b.ins().iadd_pairwise(low, high)
            }),
            _ => return false,
        }
        true
    }

    /// Lane shifts by an `i32`, which Cranelift's shifts take modulo the lane width, as
    /// wasm's do.
    fn simd_shift(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        type Shift = fn(&mut FunctionBuilder<'_>, Value, Value) -> Value;
        let shl: Shift = |b, x, n| b.ins().ishl(x, n);
        let shr_s: Shift = |b, x, n| b.ins().sshr(x, n);
        let shr_u: Shift = |b, x, n| b.ins().ushr(x, n);
        let (ty, shift) = match *op {
            I8x16Shl => (I8X16, shl),
            I8x16ShrS => (I8X16, shr_s),
            I8x16ShrU => (I8X16, shr_u),
            I16x8Shl => (I16X8, shl),
            I16x8ShrS => (I16X8, shr_s),
            I16x8ShrU => (I16X8, shr_u),
            I32x4Shl => (I32X4, shl),
            I32x4ShrS => (I32X4, shr_s),
            I32x4ShrU => (I32X4, shr_u),
            I64x2Shl => (I64X2, shl),
            I64x2ShrS => (I64X2, shr_s),
            I64x2ShrU => (I64X2, shr_u),
            _ => return false,
        };
        let amount = self.pop();
        let x = self.pop_vector(ty);
        let value = shift(&mut self.b, x, amount);
        self.push_vector(value);
        true
    }

    // ---- floats -----------------------------------------------------------------------

    /// Float lane arithmetic and rounding, as the scalar ops lane by lane.
    fn simd_float(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        let ty = match *op {
            F32x4Abs | F32x4Neg | F32x4Sqrt | F32x4Ceil | F32x4Floor | F32x4Trunc
            | F32x4Nearest | F32x4Add | F32x4Sub | F32x4Mul | F32x4Div | F32x4Min | F32x4Max
            | F32x4PMin | F32x4PMax => F32X4,
            F64x2Abs | F64x2Neg | F64x2Sqrt | F64x2Ceil | F64x2Floor | F64x2Trunc
            | F64x2Nearest | F64x2Add | F64x2Sub | F64x2Mul | F64x2Div | F64x2Min | F64x2Max
            | F64x2PMin | F64x2PMax => F64X2,
            _ => return false,
        };
        match *op {
            F32x4Abs | F64x2Abs => self.vector_unary(ty, |b, x| b.ins().fabs(x)),
            F32x4Neg | F64x2Neg => self.vector_unary(ty, |b, x| b.ins().fneg(x)),
            F32x4Sqrt | F64x2Sqrt => self.vector_unary(ty, |b, x| b.ins().sqrt(x)),
            F32x4Ceil | F64x2Ceil => self.vector_unary(ty, |b, x| b.ins().ceil(x)),
            F32x4Floor | F64x2Floor => self.vector_unary(ty, |b, x| b.ins().floor(x)),
            F32x4Trunc | F64x2Trunc => self.vector_unary(ty, |b, x| b.ins().trunc(x)),
            F32x4Nearest | F64x2Nearest => self.vector_unary(ty, |b, x| b.ins().nearest(x)),
            F32x4Add | F64x2Add => self.vector_binary(ty, |b, x, y| b.ins().fadd(x, y)),
            F32x4Sub | F64x2Sub => self.vector_binary(ty, |b, x, y| b.ins().fsub(x, y)),
            F32x4Mul | F64x2Mul => self.vector_binary(ty, |b, x, y| b.ins().fmul(x, y)),
            F32x4Div | F64x2Div => self.vector_binary(ty, |b, x, y| b.ins().fdiv(x, y)),
            // wasm's `min`/`max`: NaN in, NaN out; -0 < +0.
            F32x4Min | F64x2Min => self.vector_binary(ty, |b, x, y| b.ins().fmin(x, y)),
            F32x4Max | F64x2Max => self.vector_binary(ty, |b, x, y| b.ins().fmax(x, y)),
            // The pseudo-min/max are defined by one comparison, without NaN
            // propagation: `pmin(x, y) = y < x ? y : x`, `pmax(x, y) = x < y ? y : x`.
            // The x86-64 backend turns them into `minps`/`maxps` (operands swapped),
            // which compute exactly that.
            F32x4PMin | F64x2PMin => self.vector_binary(ty, |b, x, y| {
                let less = b.ins().fcmp(FloatCC::LessThan, y, x);
                let less = b.ins().bitcast(ty, lane_order(), less);
                b.ins().bitselect(less, y, x)
            }),
            F32x4PMax | F64x2PMax => self.vector_binary(ty, |b, x, y| {
                let less = b.ins().fcmp(FloatCC::LessThan, x, y);
                let less = b.ins().bitcast(ty, lane_order(), less);
                b.ins().bitselect(less, y, x)
            }),
            _ => return false,
        }
        true
    }

    // ---- conversions ------------------------------------------------------------------

    /// Conversions between float and integer lanes, between float widths, and the
    /// saturating narrows.
    fn simd_convert(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        match *op {
            // NaN to 0, out of range to the nearest bound.
            I32x4TruncSatF32x4S => {
                self.vector_unary(F32X4, |b, x| b.ins().fcvt_to_sint_sat(I32X4, x))
            }
            I32x4TruncSatF32x4U => {
                self.vector_unary(F32X4, |b, x| b.ins().fcvt_to_uint_sat(I32X4, x))
            }
            // Converted to two 64-bit lanes, narrowed with zeros into the high lanes.
            // The x86-64 backend lowers only this shape of the 64-bit conversion and
            // narrow (to `cvttpd2dq` after clamping), so its parts must stay together.
            I32x4TruncSatF64x2SZero => self.vector_unary(F64X2, |b, x| {
                let wide = b.ins().fcvt_to_sint_sat(I64X2, x);
                let zeros = zeros(b, I64X2);
                b.ins().snarrow(wide, zeros)
            }),
            I32x4TruncSatF64x2UZero => self.vector_unary(F64X2, |b, x| {
                let wide = b.ins().fcvt_to_uint_sat(I64X2, x);
                let zeros = zeros(b, I64X2);
                b.ins().uunarrow(wide, zeros)
            }),
            // Rounded to nearest, ties to even.
            F32x4ConvertI32x4S => self.vector_unary(I32X4, |b, x| b.ins().fcvt_from_sint(F32X4, x)),
            F32x4ConvertI32x4U => self.vector_unary(I32X4, |b, x| b.ins().fcvt_from_uint(F32X4, x)),
            // Exact: every i32 is an f64. The low lanes widened, then converted:
            // `cvtdq2pd`, and a bias trick for the unsigned lanes.
            F64x2ConvertLowI32x4S => self.vector_unary(I32X4, |b, x| {
                let wide = b.ins().swiden_low(x);
                b.ins().fcvt_from_sint(F64X2, wide)
            }),
            F64x2ConvertLowI32x4U => self.vector_unary(I32X4, |b, x| {
                let wide = b.ins().uwiden_low(x);
                b.ins().fcvt_from_uint(F64X2, wide)
            }),
            // `fvdemote` leaves the two high lanes zero, as wasm's `demote_f64x2_zero`.
            F32x4DemoteF64x2Zero => self.vector_unary(F64X2, |b, x| b.ins().fvdemote(x)),
            F64x2PromoteLowF32x4 => self.vector_unary(F32X4, |b, x| b.ins().fvpromote_low(x)),
            // The inputs are signed; the unsigned narrows saturate negative lanes to 0.
            I8x16NarrowI16x8S => self.vector_binary(I16X8, |b, x, y| b.ins().snarrow(x, y)),
            I8x16NarrowI16x8U => self.vector_binary(I16X8, |b, x, y| b.ins().unarrow(x, y)),
            I16x8NarrowI32x4S => self.vector_binary(I32X4, |b, x, y| b.ins().snarrow(x, y)),
            I16x8NarrowI32x4U => self.vector_binary(I32X4, |b, x, y| b.ins().unarrow(x, y)),
            _ => return false,
        }
        true
    }

    /// Ops that widen lanes: extensions, pairwise sums and extended products (products
    /// of narrow lanes always fit the wide ones).
    fn simd_widen(&mut self, op: &Operator<'_>) -> bool {
        use Half::{High, Low};
        use Operator::*;
        use Sign::{Signed, Unsigned};
        match *op {
            I16x8ExtendLowI8x16S => self.vector_unary(I8X16, |b, x| widen(b, x, Low, Signed)),
            I16x8ExtendHighI8x16S => self.vector_unary(I8X16, |b, x| widen(b, x, High, Signed)),
            I16x8ExtendLowI8x16U => self.vector_unary(I8X16, |b, x| widen(b, x, Low, Unsigned)),
            I16x8ExtendHighI8x16U => self.vector_unary(I8X16, |b, x| widen(b, x, High, Unsigned)),
            I32x4ExtendLowI16x8S => self.vector_unary(I16X8, |b, x| widen(b, x, Low, Signed)),
            I32x4ExtendHighI16x8S => self.vector_unary(I16X8, |b, x| widen(b, x, High, Signed)),
            I32x4ExtendLowI16x8U => self.vector_unary(I16X8, |b, x| widen(b, x, Low, Unsigned)),
            I32x4ExtendHighI16x8U => self.vector_unary(I16X8, |b, x| widen(b, x, High, Unsigned)),
            I64x2ExtendLowI32x4S => self.vector_unary(I32X4, |b, x| widen(b, x, Low, Signed)),
            I64x2ExtendHighI32x4S => self.vector_unary(I32X4, |b, x| widen(b, x, High, Signed)),
            I64x2ExtendLowI32x4U => self.vector_unary(I32X4, |b, x| widen(b, x, Low, Unsigned)),
            I64x2ExtendHighI32x4U => self.vector_unary(I32X4, |b, x| widen(b, x, High, Unsigned)),
            I16x8ExtAddPairwiseI8x16S => {
                self.vector_unary(I8X16, |b, x| extadd_pairwise(b, x, Signed))
            }
            I16x8ExtAddPairwiseI8x16U => {
                self.vector_unary(I8X16, |b, x| extadd_pairwise(b, x, Unsigned))
            }
            I32x4ExtAddPairwiseI16x8S => {
                self.vector_unary(I16X8, |b, x| extadd_pairwise(b, x, Signed))
            }
            I32x4ExtAddPairwiseI16x8U => {
                self.vector_unary(I16X8, |b, x| extadd_pairwise(b, x, Unsigned))
            }
            I16x8ExtMulLowI8x16S => {
                self.vector_binary(I8X16, |b, x, y| extmul(b, x, y, Low, Signed))
            }
            I16x8ExtMulHighI8x16S => {
                self.vector_binary(I8X16, |b, x, y| extmul(b, x, y, High, Signed))
            }
            I16x8ExtMulLowI8x16U => {
                self.vector_binary(I8X16, |b, x, y| extmul(b, x, y, Low, Unsigned))
            }
            I16x8ExtMulHighI8x16U => {
                self.vector_binary(I8X16, |b, x, y| extmul(b, x, y, High, Unsigned))
            }
            I32x4ExtMulLowI16x8S => {
                self.vector_binary(I16X8, |b, x, y| extmul(b, x, y, Low, Signed))
            }
            I32x4ExtMulHighI16x8S => {
                self.vector_binary(I16X8, |b, x, y| extmul(b, x, y, High, Signed))
            }
            I32x4ExtMulLowI16x8U => {
                self.vector_binary(I16X8, |b, x, y| extmul(b, x, y, Low, Unsigned))
            }
            I32x4ExtMulHighI16x8U => {
                self.vector_binary(I16X8, |b, x, y| extmul(b, x, y, High, Unsigned))
            }
            I64x2ExtMulLowI32x4S => {
                self.vector_binary(I32X4, |b, x, y| extmul(b, x, y, Low, Signed))
            }
            I64x2ExtMulHighI32x4S => {
                self.vector_binary(I32X4, |b, x, y| extmul(b, x, y, High, Signed))
            }
            I64x2ExtMulLowI32x4U => {
                self.vector_binary(I32X4, |b, x, y| extmul(b, x, y, Low, Unsigned))
            }
            I64x2ExtMulHighI32x4U => {
                self.vector_binary(I32X4, |b, x, y| extmul(b, x, y, High, Unsigned))
            }
            _ => return false,
        }
        true
    }
}
