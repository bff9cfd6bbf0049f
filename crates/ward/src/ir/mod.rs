//! The interpreter's instruction set.
//!
//! ward runs a register (slot) machine. Every operand of an op names a *slot*: a 64-bit
//! cell of the current frame, counted from the frame's base. Params come first, then the
//! other locals, then the slots of the wasm operand stack, one per stack height (a `v128`
//! takes two). Branch targets are resolved to relative offsets at translation time, so
//! nothing is decoded at run time.
//!
//! The op set is defined once, below, by [`define_ops!`]: it generates the [`Op`] enum,
//! the disassembler's names, and the mapping from wasm operators to the numeric ops that
//! have the same name and meaning. Adding an op touches this table and the executor.
//!
//! SIMD ops follow the same scheme in families of their own (`simd_*`): a `v128` operand
//! names the first of its two cells, and 128-bit immediates (`v128.const`, the lanes of
//! `i8x16.shuffle`) live in the function's constant pool, so every op stays small.
//!
//! This module is a leaf of the crate: it names no other part of ward but the index
//! types and the OS layer (for its code arena). The executor, which defines the
//! handlers, hides its state behind [`ExecContext`]; the translator, which picks a
//! handler for each op, asks for it through a [`HandlerFor`] function it is given.

mod arena;

pub(crate) use arena::{ArenaSlice, CodeArena, CodeRef};

use crate::error::TrapKind;
use crate::index::{
    DataIndex, DefinedFuncIndex, ElemIndex, FuncIndex, GlobalIndex, MemoryIndex, TableIndex,
    TagIndex, TypeIndex,
};

/// A frame slot: an index of a 64-bit cell relative to the frame's base.
pub(crate) type Slot = u32;

macro_rules! define_ops {
    (
        ($d:tt)
        unary { $($un:ident)* }
        binary { $($bin:ident)* }
        load { $($load:ident)* }
        store { $($store:ident)* }
        load_at { $($lat:ident = $lat_base:ident)* }
        store_at { $($sat:ident = $sat_base:ident)* }
        load_abs { $($labs:ident = $labs_base:ident)* }
        store_abs { $($sabs:ident = $sabs_base:ident)* }
        binary_imm { $($bimm:ident = $bimm_base:ident)* }
        branch_cmp { $($bcmp:ident = $bcmp_base:ident)* }
        branch_cmp_imm { $($bcmpi:ident = $bcmpi_base:ident)* }
        branch_cmp_not { $($bcmpn:ident = $bcmpn_base:ident)* }
        other { $( $(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* } )* }
        simd_unary { $($sun:ident)* }
        simd_binary { $($sbin:ident)* }
        simd_load { $($sload:ident)* }
        simd_store { $($sstore:ident)* }
        simd_extract { $($sext:ident)* }
        simd_replace { $($srep:ident)* }
        simd_load_lane { $($sll:ident)* }
        simd_store_lane { $($ssl:ident)* }
        simd_other { $( $(#[$sdoc:meta])* $sname:ident { $($sfield:ident : $sty:ty),* } )* }
    ) => {
        /// Invokes macro `$cb` with the names of all SIMD ops.
        #[cfg(feature = "simd")]
        macro_rules! simd_op_names {
            ($d cb:ident) => {
                $d cb! {
                    $($sun)* $($sbin)* $($sload)* $($sstore)* $($sext)* $($srep)* $($sll)*
                    $($ssl)* $($sname)*
                }
            };
        }
        #[cfg(feature = "simd")]
        pub(crate) use simd_op_names;

        /// One instruction of ward's internal code.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub(crate) enum Op {
            $( $un { dst: Slot, src: Slot }, )*
            $( $bin { dst: Slot, lhs: Slot, rhs: Slot }, )*
            $( $load { dst: Slot, addr: Slot, offset: u32 }, )*
            $( $store { addr: Slot, src: Slot, offset: u32 }, )*
            $( $lat { dst: Slot, addr: Slot, imm: u32, offset: u32 }, )*
            $( $sat { addr: Slot, src: Slot, imm: u32, offset: u32 }, )*
            $( $labs { dst: Slot, addr: u32, offset: u32 }, )*
            $( $sabs { addr: u32, src: Slot, offset: u32 }, )*
            $( $bimm { dst: Slot, lhs: Slot, imm: u32 }, )*
            $( $bcmp { lhs: Slot, rhs: Slot, offset: i32 }, )*
            $( $bcmpi { lhs: Slot, imm: u32, offset: i32 }, )*
            $( $bcmpn { lhs: Slot, rhs: Slot, offset: i32 }, )*
            $( $(#[$doc])* $name { $($field: $ty),* }, )*
            $( #[cfg(feature = "simd")] $sun { dst: Slot, src: Slot }, )*
            $( #[cfg(feature = "simd")] $sbin { dst: Slot, lhs: Slot, rhs: Slot }, )*
            $( #[cfg(feature = "simd")] $sload { dst: Slot, addr: Slot, offset: u32 }, )*
            $( #[cfg(feature = "simd")] $sstore { addr: Slot, src: Slot, offset: u32 }, )*
            $( #[cfg(feature = "simd")] $sext { dst: Slot, src: Slot, lane: u8 }, )*
            $( #[cfg(feature = "simd")] $srep { dst: Slot, src: Slot, value: Slot, lane: u8 }, )*
            $( #[cfg(feature = "simd")] $sll { dst: Slot, addr: Slot, src: Slot, offset: u32, lane: u8 }, )*
            $( #[cfg(feature = "simd")] $ssl { addr: Slot, src: Slot, offset: u32, lane: u8 }, )*
            $( #[cfg(feature = "simd")] $(#[$sdoc])* $sname { $($sfield: $sty),* }, )*
        }

        impl Op {
            /// The op's name, for disassembly.
            #[allow(dead_code)]
            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $( Op::$un { .. } => stringify!($un), )*
                    $( Op::$bin { .. } => stringify!($bin), )*
                    $( Op::$load { .. } => stringify!($load), )*
                    $( Op::$store { .. } => stringify!($store), )*
                    $( Op::$lat { .. } => stringify!($lat), )*
                    $( Op::$sat { .. } => stringify!($sat), )*
                    $( Op::$labs { .. } => stringify!($labs), )*
                    $( Op::$sabs { .. } => stringify!($sabs), )*
                    $( Op::$bimm { .. } => stringify!($bimm), )*
                    $( Op::$bcmp { .. } => stringify!($bcmp), )*
                    $( Op::$bcmpi { .. } => stringify!($bcmpi), )*
                    $( Op::$bcmpn { .. } => stringify!($bcmpn), )*
                    $( Op::$name { .. } => stringify!($name), )*
                    $( #[cfg(feature = "simd")] Op::$sun { .. } => stringify!($sun), )*
                    $( #[cfg(feature = "simd")] Op::$sbin { .. } => stringify!($sbin), )*
                    $( #[cfg(feature = "simd")] Op::$sload { .. } => stringify!($sload), )*
                    $( #[cfg(feature = "simd")] Op::$sstore { .. } => stringify!($sstore), )*
                    $( #[cfg(feature = "simd")] Op::$sext { .. } => stringify!($sext), )*
                    $( #[cfg(feature = "simd")] Op::$srep { .. } => stringify!($srep), )*
                    $( #[cfg(feature = "simd")] Op::$sll { .. } => stringify!($sll), )*
                    $( #[cfg(feature = "simd")] Op::$ssl { .. } => stringify!($ssl), )*
                    $( #[cfg(feature = "simd")] Op::$sname { .. } => stringify!($sname), )*
                }
            }
        }

        /// The slot an op writes its single result to, for retargeting (a `Copy2`'s
        /// second); `None` for ops without exactly one result slot.
        pub(crate) fn result_slot(op: &mut Op) -> Option<&mut Slot> {
            match op {
                $( Op::$un { dst, .. } => Some(dst), )*
                $( Op::$bin { dst, .. } => Some(dst), )*
                $( Op::$load { dst, .. } => Some(dst), )*
                $( Op::$lat { dst, .. } => Some(dst), )*
                $( Op::$labs { dst, .. } => Some(dst), )*
                $( Op::$bimm { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$sun { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$sbin { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$sload { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$sext { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$srep { dst, .. } => Some(dst), )*
                $( #[cfg(feature = "simd")] Op::$sll { dst, .. } => Some(dst), )*
                Op::Const32 { dst, .. }
                | Op::Const64 { dst, .. }
                | Op::I32ShrUAndImm { dst, .. }
                | Op::Copy { dst, .. }
                | Op::Copy2 { dst2: dst, .. }
                | Op::Select { dst, .. }
                | Op::GlobalGet { dst, .. }
                | Op::GlobalGet128 { dst, .. }
                | Op::RefFunc { dst, .. }
                | Op::MemorySize { dst }
                | Op::MemoryGrow { dst, .. }
                | Op::TableGet { dst, .. }
                | Op::TableSize { dst, .. } => Some(dst),
                #[cfg(feature = "simd")]
                Op::V128Const { dst, .. }
                | Op::I8x16Shuffle { dst, .. }
                | Op::V128Bitselect { dst, .. }
                | Op::F32x4RelaxedMadd { dst, .. }
                | Op::F32x4RelaxedNmadd { dst, .. }
                | Op::F64x2RelaxedMadd { dst, .. }
                | Op::F64x2RelaxedNmadd { dst, .. }
                | Op::I32x4RelaxedDotI8x16I7x16AddS { dst, .. } => Some(dst),
                _ => None,
            }
        }

        /// The unary op with the same meaning as a wasm operator.
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(crate) fn unary_op(op: &wasmparser::Operator<'_>) -> Option<fn(Slot, Slot) -> Op> {
            Some(match op {
                $( wasmparser::Operator::$un => |dst, src| Op::$un { dst, src }, )*
                _ => return None,
            })
        }

        /// The binary op with the same meaning as a wasm operator.
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(crate) fn binary_op(op: &wasmparser::Operator<'_>) -> Option<fn(Slot, Slot, Slot) -> Op> {
            Some(match op {
                $( wasmparser::Operator::$bin => |dst, lhs, rhs| Op::$bin { dst, lhs, rhs }, )*
                _ => return None,
            })
        }

        /// The op with an immediate right operand for a wasm binary operator, if it has one.
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(crate) fn binary_imm_op(op: &wasmparser::Operator<'_>) -> Option<fn(Slot, Slot, u32) -> Op> {
            Some(match op {
                $( wasmparser::Operator::$bimm_base => |dst, lhs, imm| Op::$bimm { dst, lhs, imm }, )*
                _ => return None,
            })
        }

        /// The branch that jumps when the comparison `op` holds, reading the comparison's
        /// operands itself; `None` when `op` is not an integer comparison.
        // The two bit tests list `I32AndImm` as the op they fuse, so its second arm here
        // is unreachable; the translator makes them itself (`zero_tests`), before it
        // asks this function.
        #[allow(unreachable_patterns)]
        pub(crate) fn fused_branch(op: &Op) -> Option<Op> {
            Some(match *op {
                $( Op::$bcmp_base { lhs, rhs, .. } => Op::$bcmp { lhs, rhs, offset: 0 }, )*
                $( Op::$bcmpi_base { lhs, imm, .. } => Op::$bcmpi { lhs, imm, offset: 0 }, )*
                _ => return None,
            })
        }

        /// The branch taken when comparison `op` is false, for the float comparisons,
        /// whose negation is no comparison (a NaN makes both `a < b` and `a >= b` false).
        pub(crate) fn fused_branch_not(op: &Op) -> Option<Op> {
            Some(match *op {
                $( Op::$bcmpn_base { lhs, rhs, .. } => Op::$bcmpn { lhs, rhs, offset: 0 }, )*
                _ => return None,
            })
        }

        /// Whether the executor can run `op` with its first operand in the accumulator
        /// (`.0`) and with its result sent there (`.1`): the numeric ops (fused ones
        /// too), the loads, and (reading only) the conditional branches and `BrTable`.
        pub(crate) fn acc_capable(op: &Op) -> (bool, bool) {
            match op {
                $( Op::$un { .. } )|*
                $( | Op::$bin { .. } )*
                $( | Op::$bimm { .. } )*
                $( | Op::$load { .. } )*
                $( | Op::$lat { .. } )*
                | Op::I32ShrUAndImm { .. } => (true, true),
                $( Op::$labs { .. } )|* => (false, true),
                $( Op::$bcmp { .. } )|*
                $( | Op::$bcmpi { .. } )*
                $( | Op::$bcmpn { .. } )*
                | Op::BrIfNez { .. } | Op::BrIfEqz { .. } | Op::BrTable { .. }
                | Op::BrI32LoadNez { .. } | Op::BrI32LoadEqz { .. }
                | Op::BrI32Load8UNez { .. } | Op::BrI32Load8UEqz { .. } => (true, false),
                _ => (false, false),
            }
        }

        /// The relative jump of a branch op.
        pub(crate) fn branch_offset(op: &mut Op) -> Option<&mut i32> {
            match op {
                Op::Br { offset } | Op::BrIfNez { offset, .. } | Op::BrIfEqz { offset, .. } => Some(offset),
                $( Op::$bcmp { offset, .. } => Some(offset), )*
                $( Op::$bcmpi { offset, .. } => Some(offset), )*
                $( Op::$bcmpn { offset, .. } => Some(offset), )*
                Op::BrI32LoadNez { jump, .. }
                | Op::BrI32LoadEqz { jump, .. }
                | Op::BrI32LoadAbsNez { jump, .. }
                | Op::BrI32LoadAbsEqz { jump, .. }
                | Op::BrI32Load8UNez { jump, .. }
                | Op::BrI32Load8UEqz { jump, .. } => Some(jump),
                _ => None,
            }
        }

        /// The load op for a wasm load of this name: its constructor and the loaded type.
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(crate) fn load_op<'a>(op: &'a wasmparser::Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a wasmparser::MemArg)> {
            Some(match op {
                $( wasmparser::Operator::$load { memarg } => (|dst, addr, offset| Op::$load { dst, addr, offset }, memarg), )*
                _ => return None,
            })
        }

        /// The store op for a wasm store of this name.
        #[cfg_attr(not(debug_assertions), inline(always))]
        pub(crate) fn store_op<'a>(op: &'a wasmparser::Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a wasmparser::MemArg)> {
            Some(match op {
                $( wasmparser::Operator::$store { memarg } => (|addr, src, offset| Op::$store { addr, src, offset }, memarg), )*
                _ => return None,
            })
        }

        /// `op`, a load or store whose address is `lhs + imm` (a 32-bit sum that wraps),
        /// as one op that adds `imm` itself; `None` for other ops.
        pub(crate) fn fold_address(op: &Op, lhs: Slot, imm: u32) -> Option<Op> {
            Some(match *op {
                $( Op::$lat_base { dst, offset, .. } => Op::$lat { dst, addr: lhs, imm, offset }, )*
                $( Op::$sat_base { src, offset, .. } => Op::$sat { addr: lhs, src, imm, offset }, )*
                Op::I32StoreImm { value, offset, .. } => Op::I32StoreImmAt { addr: lhs, value, imm, offset },
                Op::I64StoreImm { value, offset, .. } => Op::I64StoreImmAt { addr: lhs, value, imm, offset },
                Op::I32Store8Imm { value, offset, .. } => Op::I32Store8ImmAt { addr: lhs, value, imm, offset },
                Op::I32Store16Imm { value, offset, .. } => Op::I32Store16ImmAt { addr: lhs, value, imm, offset },
                _ => return None,
            })
        }

        /// `op`, a load or store, at constant address `addr` (plus its offset): one op
        /// that reads no address slot; `None` for other ops.
        pub(crate) fn absolute_address(op: &Op, addr: u32) -> Option<Op> {
            Some(match *op {
                $( Op::$labs_base { dst, offset, .. } => Op::$labs { dst, addr, offset }, )*
                $( Op::$sabs_base { src, offset, .. } => Op::$sabs { addr, src, offset }, )*
                Op::I32StoreImm { value, offset, .. } => Op::I32StoreImmAbs { addr, value, offset },
                Op::I64StoreImm { value, offset, .. } => Op::I64StoreImmAbs { addr, value, offset },
                Op::I32Store8Imm { value, offset, .. } => Op::I32Store8ImmAbs { addr, value, offset },
                Op::I32Store16Imm { value, offset, .. } => Op::I32Store16ImmAbs { addr, value, offset },
                _ => return None,
            })
        }

        /// The shapes of the SIMD ops that map one to one to wasm operators of the same name.
        #[cfg(feature = "simd")]
        pub(crate) mod simd {
            use super::{Op, Slot};
            use wasmparser::{MemArg, Operator};

            /// `dst = op(src)`.
            pub(crate) fn unary(op: &Operator<'_>) -> Option<fn(Slot, Slot) -> Op> {
                Some(match op {
                    $( Operator::$sun => |dst, src| Op::$sun { dst, src }, )*
                    _ => return None,
                })
            }

            /// `dst = op(lhs, rhs)`.
            pub(crate) fn binary(op: &Operator<'_>) -> Option<fn(Slot, Slot, Slot) -> Op> {
                Some(match op {
                    $( Operator::$sbin => |dst, lhs, rhs| Op::$sbin { dst, lhs, rhs }, )*
                    _ => return None,
                })
            }

            /// `dst = load(addr + offset)`.
            pub(crate) fn load<'a>(op: &'a Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a MemArg)> {
                Some(match op {
                    $( Operator::$sload { memarg } => (|dst, addr, offset| Op::$sload { dst, addr, offset }, memarg), )*
                    _ => return None,
                })
            }

            /// `store(addr + offset, src)`.
            pub(crate) fn store<'a>(op: &'a Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a MemArg)> {
                Some(match op {
                    $( Operator::$sstore { memarg } => (|addr, src, offset| Op::$sstore { addr, src, offset }, memarg), )*
                    _ => return None,
                })
            }

            /// `dst = src[lane]`.
            pub(crate) fn extract(op: &Operator<'_>) -> Option<(fn(Slot, Slot, u8) -> Op, u8)> {
                Some(match *op {
                    $( Operator::$sext { lane } => (|dst, src, lane| Op::$sext { dst, src, lane }, lane), )*
                    _ => return None,
                })
            }

            /// `dst = src` with `dst[lane] = value`.
            pub(crate) fn replace(op: &Operator<'_>) -> Option<(fn(Slot, Slot, Slot, u8) -> Op, u8)> {
                Some(match *op {
                    $( Operator::$srep { lane } => (|dst, src, value, lane| Op::$srep { dst, src, value, lane }, lane), )*
                    _ => return None,
                })
            }

            /// `dst = src` with `dst[lane] = load(addr + offset)`.
            #[allow(clippy::type_complexity)]
            pub(crate) fn load_lane<'a>(op: &'a Operator<'_>) -> Option<(fn(Slot, Slot, Slot, u32, u8) -> Op, &'a MemArg, u8)> {
                Some(match op {
                    $( Operator::$sll { memarg, lane } => (|dst, addr, src, offset, lane| Op::$sll { dst, addr, src, offset, lane }, memarg, *lane), )*
                    _ => return None,
                })
            }

            /// `store(addr + offset, src[lane])`.
            pub(crate) fn store_lane<'a>(op: &'a Operator<'_>) -> Option<(fn(Slot, Slot, u32, u8) -> Op, &'a MemArg, u8)> {
                Some(match op {
                    $( Operator::$ssl { memarg, lane } => (|addr, src, offset, lane| Op::$ssl { addr, src, offset, lane }, memarg, *lane), )*
                    _ => return None,
                })
            }
        }
    };
}

define_ops! {
    ($)
    unary {
        I32Eqz I64Eqz I32Clz I32Ctz I32Popcnt I64Clz I64Ctz I64Popcnt
        F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt
        F64Abs F64Neg F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt
        I32WrapI64 I64ExtendI32S I64ExtendI32U
        I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U
        I64TruncF32S I64TruncF32U I64TruncF64S I64TruncF64U
        I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U
        I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U
        F32ConvertI32S F32ConvertI32U F32ConvertI64S F32ConvertI64U F32DemoteF64
        F64ConvertI32S F64ConvertI32U F64ConvertI64S F64ConvertI64U F64PromoteF32
        I32Extend8S I32Extend16S I64Extend8S I64Extend16S I64Extend32S
    }
    binary {
        I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
        I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
        F32Eq F32Ne F32Lt F32Gt F32Le F32Ge
        F64Eq F64Ne F64Lt F64Gt F64Le F64Ge
        I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU
        I32And I32Or I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr
        I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU
        I64And I64Or I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr
        F32Add F32Sub F32Mul F32Div F32Min F32Max F32Copysign
        F64Add F64Sub F64Mul F64Div F64Min F64Max F64Copysign
    }
    load {
        I32Load I64Load I32Load8S I32Load8U I32Load16S I32Load16U
        I64Load8S I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U
    }
    store {
        I32Store I64Store I32Store8 I32Store16
    }
    // Loads and stores at `addr + imm` (wrapping at 32 bits) plus `offset`: an address
    // computed by `i32.add` of a constant, folded into the access.
    load_at {
        I32LoadAt = I32Load I64LoadAt = I64Load I32Load8SAt = I32Load8S I32Load8UAt = I32Load8U
        I32Load16SAt = I32Load16S I32Load16UAt = I32Load16U I64Load8SAt = I64Load8S
        I64Load8UAt = I64Load8U I64Load16SAt = I64Load16S I64Load16UAt = I64Load16U
        I64Load32SAt = I64Load32S I64Load32UAt = I64Load32U
    }
    store_at {
        I32StoreAt = I32Store I64StoreAt = I64Store I32Store8At = I32Store8 I32Store16At = I32Store16
    }
    // Loads and stores at a constant address `addr` plus `offset` (a global variable of
    // compiled code): no address slot to read.
    load_abs {
        I32LoadAbs = I32Load I64LoadAbs = I64Load I32Load8SAbs = I32Load8S I32Load8UAbs = I32Load8U
        I32Load16SAbs = I32Load16S I32Load16UAbs = I32Load16U I64Load8SAbs = I64Load8S
        I64Load8UAbs = I64Load8U I64Load16SAbs = I64Load16S I64Load16UAbs = I64Load16U
        I64Load32SAbs = I64Load32S I64Load32UAbs = I64Load32U
    }
    store_abs {
        I32StoreAbs = I32Store I64StoreAbs = I64Store I32Store8Abs = I32Store8 I32Store16Abs = I32Store16
    }
    // `dst = lhs op imm`: the right operand a constant, zero-extended for i32 ops and
    // sign-extended from 32 bits for i64 ops.
    binary_imm {
        I32AddImm = I32Add I32SubImm = I32Sub I32MulImm = I32Mul I32AndImm = I32And I32OrImm = I32Or I32XorImm = I32Xor I32ShlImm = I32Shl I32ShrSImm = I32ShrS I32ShrUImm = I32ShrU I32RotlImm = I32Rotl I32RotrImm = I32Rotr
        I32EqImm = I32Eq I32NeImm = I32Ne I32LtSImm = I32LtS I32LtUImm = I32LtU I32GtSImm = I32GtS I32GtUImm = I32GtU I32LeSImm = I32LeS I32LeUImm = I32LeU I32GeSImm = I32GeS I32GeUImm = I32GeU
        I64AddImm = I64Add I64SubImm = I64Sub I64MulImm = I64Mul I64AndImm = I64And I64OrImm = I64Or I64XorImm = I64Xor I64ShlImm = I64Shl I64ShrSImm = I64ShrS I64ShrUImm = I64ShrU I64RotlImm = I64Rotl I64RotrImm = I64Rotr
        I64EqImm = I64Eq I64NeImm = I64Ne I64LtSImm = I64LtS I64LtUImm = I64LtU I64GtSImm = I64GtS I64GtUImm = I64GtU I64LeSImm = I64LeS I64LeUImm = I64LeU I64GeSImm = I64GeS I64GeUImm = I64GeU
    }
    // Branches on a comparison, fused with it: `if lhs op rhs { jump by offset }`.
    branch_cmp {
        BrI32Eq = I32Eq BrI32Ne = I32Ne BrI32LtS = I32LtS BrI32LtU = I32LtU BrI32GtS = I32GtS BrI32GtU = I32GtU BrI32LeS = I32LeS BrI32LeU = I32LeU BrI32GeS = I32GeS BrI32GeU = I32GeU
        BrI64Eq = I64Eq BrI64Ne = I64Ne BrI64LtS = I64LtS BrI64LtU = I64LtU BrI64GtS = I64GtS BrI64GtU = I64GtU BrI64LeS = I64LeS BrI64LeU = I64LeU BrI64GeS = I64GeS BrI64GeU = I64GeU
        BrF32Eq = F32Eq BrF32Ne = F32Ne BrF32Lt = F32Lt BrF32Gt = F32Gt BrF32Le = F32Le BrF32Ge = F32Ge
        BrF64Eq = F64Eq BrF64Ne = F64Ne BrF64Lt = F64Lt BrF64Gt = F64Gt BrF64Le = F64Le BrF64Ge = F64Ge
    }
    // With them, two bit tests: `if lhs & imm != 0` (`BrI32AndImmNez`) and `== 0`.
    branch_cmp_imm {
        BrI32EqImm = I32EqImm BrI32NeImm = I32NeImm BrI32LtSImm = I32LtSImm BrI32LtUImm = I32LtUImm BrI32GtSImm = I32GtSImm BrI32GtUImm = I32GtUImm BrI32LeSImm = I32LeSImm BrI32LeUImm = I32LeUImm BrI32GeSImm = I32GeSImm BrI32GeUImm = I32GeUImm BrI32AndImmNez = I32AndImm BrI32AndImmEqz = I32AndImm
        BrI64EqImm = I64EqImm BrI64NeImm = I64NeImm BrI64LtSImm = I64LtSImm BrI64LtUImm = I64LtUImm BrI64GtSImm = I64GtSImm BrI64GtUImm = I64GtUImm BrI64LeSImm = I64LeSImm BrI64LeUImm = I64LeUImm BrI64GeSImm = I64GeSImm BrI64GeUImm = I64GeUImm
    }
    // Branches taken when a float comparison is false (when a NaN is involved, the
    // comparison and its mirror image are both false).
    branch_cmp_not {
        BrF32NotLt = F32Lt BrF32NotGt = F32Gt BrF32NotLe = F32Le BrF32NotGe = F32Ge
        BrF64NotLt = F64Lt BrF64NotGt = F64Gt BrF64NotLe = F64Le BrF64NotGe = F64Ge
    }
    other {
        /// Traps with "unreachable".
        Unreachable {}
        /// `dst = (lhs >> shift) & mask` on i32s, unsigned: an `i32.shr_u` by a constant
        /// and an `i32.and` of one, the reading of a bit field, in one op.
        I32ShrUAndImm { dst: Slot, lhs: Slot, shift: u32, mask: u32 }
        /// Loads the i32 at `addr + offset` into `dst` and jumps by `jump` bytes when it
        /// is not zero: an `i32.load` tested by a branch, in one op (a pointer or a flag
        /// tested, as C code does everywhere). `dst` is a temporary nothing reads when
        /// the branch is the load's only reader, or the local a `local.tee` keeps it in.
        /// Traps as the load does.
        BrI32LoadNez { dst: Slot, addr: Slot, offset: u32, jump: i32 }
        /// The same, jumping when the i32 is zero (`i32.eqz` of the load).
        BrI32LoadEqz { dst: Slot, addr: Slot, offset: u32, jump: i32 }
        /// `BrI32LoadNez` with a byte load (`i32.load8_u`).
        BrI32Load8UNez { dst: Slot, addr: Slot, offset: u32, jump: i32 }
        /// `BrI32LoadEqz` with a byte load (`i32.load8_u`).
        BrI32Load8UEqz { dst: Slot, addr: Slot, offset: u32, jump: i32 }
        /// `BrI32LoadNez` at a constant address `addr` plus `offset` (`I32LoadAbs`: a
        /// global variable of compiled code tested).
        BrI32LoadAbsNez { dst: Slot, addr: u32, offset: u32, jump: i32 }
        /// `BrI32LoadEqz` at a constant address.
        BrI32LoadAbsEqz { dst: Slot, addr: u32, offset: u32, jump: i32 }
        /// Stores the low 32 bits of `value` (an i32 or f32 store of a constant).
        I32StoreImm { addr: Slot, value: u32, offset: u32 }
        /// Stores `value` sign-extended to 64 bits (an i64 store of a small constant).
        I64StoreImm { addr: Slot, value: u32, offset: u32 }
        /// Stores the low byte of `value`.
        I32Store8Imm { addr: Slot, value: u32, offset: u32 }
        /// Stores the low 16 bits of `value`.
        I32Store16Imm { addr: Slot, value: u32, offset: u32 }
        /// The four stores of a constant above, at `addr + imm` (wrapping at 32 bits)
        /// plus `offset`.
        I32StoreImmAt { addr: Slot, value: u32, imm: u32, offset: u32 }
        I64StoreImmAt { addr: Slot, value: u32, imm: u32, offset: u32 }
        I32Store8ImmAt { addr: Slot, value: u32, imm: u32, offset: u32 }
        I32Store16ImmAt { addr: Slot, value: u32, imm: u32, offset: u32 }
        /// The four stores of a constant above, at constant address `addr` plus `offset`.
        I32StoreImmAbs { addr: u32, value: u32, offset: u32 }
        I64StoreImmAbs { addr: u32, value: u32, offset: u32 }
        I32Store8ImmAbs { addr: u32, value: u32, offset: u32 }
        I32Store16ImmAbs { addr: u32, value: u32, offset: u32 }
        /// Jumps by `offset` bytes (a multiple of the op size), relative to this op. Every
        /// branch offset is in bytes.
        Br { offset: i32 }
        /// Jumps when the i32 in `cond` is not zero.
        BrIfNez { cond: Slot, offset: i32 }
        /// Jumps when the i32 in `cond` is zero.
        BrIfEqz { cond: Slot, offset: i32 }
        /// Jumps to the `Br` at `index + bias` (a 32-bit sum that wraps, clamped to `len`)
        /// among the `len + 1` `Br` ops that follow. The bias is the `i32.add` of a
        /// constant that computed the index (a C `switch` whose cases start above zero).
        BrTable { index: Slot, bias: u32, len: u32 }
        /// Copies `len` cells from `src` to the frame's first cells and returns.
        Return { src: Slot, len: u32 }
        /// Calls function `func` (module index); its frame starts at slot `base`, where
        /// the arguments are and where the results will be.
        Call { func: FuncIndex, base: Slot }
        /// Calls `func`, a function the module defines (counting definitions only), the
        /// fast way: through the instance's table of translated code.
        CallInternal { func: DefinedFuncIndex, base: Slot }
        /// Calls the function at index `index` of table `table` if it has type `type_index`.
        CallIndirect { type_index: TypeIndex, table: TableIndex, index: Slot, base: Slot }
        /// Tail calls (`return_call`): like `Call`, `CallInternal` and `CallIndirect`,
        /// but the callee replaces the running function: its arguments move from `base`
        /// to the frame's first cells, and it returns to the running function's caller.
        ReturnCall { func: FuncIndex, base: Slot }
        /// `return_call` of a function the module defines.
        ReturnCallInternal { func: DefinedFuncIndex, base: Slot }
        /// `return_call_indirect`.
        ReturnCallIndirect { type_index: TypeIndex, table: TableIndex, index: Slot, base: Slot }
        /// Calls the function the reference in `callee` refers to (`call_ref`), trapping
        /// when it is null; frame at `base` as for `Call`.
        CallRef { callee: Slot, base: Slot }
        /// `return_call_ref`.
        ReturnCallRef { callee: Slot, base: Slot }
        /// Throws a new exception of tag `tag`, its values in the cells from `base`.
        Throw { tag: TagIndex, base: Slot }
        /// Throws again the exception the `exnref` in `src` refers to, trapping when it
        /// is null (`throw_ref`).
        ThrowRef { src: Slot }
        /// `dst = src`.
        Copy { dst: Slot, src: Slot }
        /// `dst = src`, then `dst2 = src2`: two `Copy` ops in a row (the moves of a C
        /// compiler's phis, or of a call's arguments), one dispatch.
        Copy2 { dst: Slot, src: Slot, dst2: Slot, src2: Slot }
        /// Copies `len` cells from `src` to `dst` (ranges may overlap).
        CopySpan { dst: Slot, src: Slot, len: u32 }
        /// `dst = value`, zero-extended (i32, f32, null references).
        Const32 { dst: Slot, value: u32 }
        /// `dst = hi << 32 | lo` (i64, f64). Two halves keep every op 4-byte aligned.
        Const64 { dst: Slot, lo: u32, hi: u32 }
        /// `dst = if cond != 0 { lhs } else { rhs }`: a one-cell value. The operands
        /// are read before `dst` is written, so `dst` may be any of them.
        Select { dst: Slot, lhs: Slot, rhs: Slot, cond: Slot }
        /// `Select` of a `v128`: two cells.
        Select128 { dst: Slot, lhs: Slot, rhs: Slot, cond: Slot }
        /// `dst` = a reference to function `func` (module index).
        RefFunc { dst: Slot, func: FuncIndex }
        GlobalGet { dst: Slot, global: GlobalIndex }
        GlobalSet { src: Slot, global: GlobalIndex }
        /// `GlobalGet` of a `v128`: two cells.
        GlobalGet128 { dst: Slot, global: GlobalIndex }
        /// `GlobalSet` of a `v128`: two cells.
        GlobalSet128 { src: Slot, global: GlobalIndex }
        MemorySize { dst: Slot }
        /// `wide`: the memory is 64-bit (its delta and result are `i64`s).
        MemoryGrow { dst: Slot, delta: Slot, wide: bool }
        /// Traps with `kind` unless the `i64` in `index` is below 2^32, and always when
        /// `far` (an access whose offset is 2^32 or more). It comes before an access
        /// to a 64-bit memory or table that reads its address or index as 32 bits:
        /// ward's memories and tables hold at most 2^32 bytes or elements, so a larger
        /// one is out of bounds.
        Index64 { index: Slot, kind: TrapKind, far: bool }
        /// Traps when the reference in `src` is null (`ref.as_non_null`).
        RefAsNonNull { src: Slot }
        /// Wide arithmetic: the operands start at `base`, `[lhs_lo, lhs_hi, rhs_lo,
        /// rhs_hi]` (for the multiplications, `[lhs, rhs]`), and the 128-bit result's
        /// low and high halves go to `base` and `base + 1`.
        I64Add128 { base: Slot }
        I64Sub128 { base: Slot }
        I64MulWideS { base: Slot }
        I64MulWideU { base: Slot }
        /// Operands `[dst, value, len]` start at `base`. In the bulk and table ops,
        /// bit `i` of `wide` is set when operand `i` is an `i64` (an address or length
        /// of a 64-bit memory or table); the others are `i32`s.
        MemoryFill { base: Slot, wide: u8 }
        /// Operands `[dst, src, len]` start at `base`.
        MemoryCopy { base: Slot, wide: u8 }
        /// `MemoryCopy` from memory `src` to another memory, `dst`.
        MemoryCopyBetween { base: Slot, dst: MemoryIndex, src: MemoryIndex, wide: u8 }
        /// Makes `memory` the one the memory ops access (multi-memory): memory 0 is
        /// the current one, except between a `UseMemory` of another memory and the
        /// `UseMemory` of memory 0 that follows, around a single access.
        UseMemory { memory: MemoryIndex }
        /// Operands `[dst, src, len]` start at `base`.
        MemoryInit { segment: DataIndex, base: Slot, wide: u8 }
        DataDrop { segment: DataIndex }
        TableGet { dst: Slot, table: TableIndex, index: Slot, wide: u8 }
        TableSet { table: TableIndex, index: Slot, value: Slot, wide: u8 }
        TableSize { dst: Slot, table: TableIndex }
        /// Operands `[init, delta]` start at `base`; the result goes to `base`.
        TableGrow { table: TableIndex, base: Slot, wide: u8 }
        /// Operands `[index, value, len]` start at `base`.
        TableFill { table: TableIndex, base: Slot, wide: u8 }
        /// Operands `[dst, src, len]` start at `base`.
        TableCopy { dst_table: TableIndex, src_table: TableIndex, base: Slot, wide: u8 }
        /// Operands `[dst, src, len]` start at `base`.
        TableInit { segment: ElemIndex, table: TableIndex, base: Slot, wide: u8 }
        ElemDrop { segment: ElemIndex }
        /// Takes `amount` units from the store's fuel, or traps when there is less.
        /// Emitted only when the engine consumes fuel, at the head of every region of
        /// straight-line code; `amount` is the number of wasm instructions in it.
        ConsumeFuel { amount: u32 }
        /// Traps when the store's interrupt flag is set. Emitted only for interruptible
        /// engines, at function entry and loop heads.
        CheckInterrupt {}
    }
    simd_unary {
        I8x16Splat I16x8Splat I32x4Splat I64x2Splat F32x4Splat F64x2Splat
        V128Not V128AnyTrue
        I8x16Abs I8x16Neg I8x16Popcnt I8x16AllTrue I8x16Bitmask
        I16x8Abs I16x8Neg I16x8AllTrue I16x8Bitmask
        I32x4Abs I32x4Neg I32x4AllTrue I32x4Bitmask
        I64x2Abs I64x2Neg I64x2AllTrue I64x2Bitmask
        I16x8ExtAddPairwiseI8x16S I16x8ExtAddPairwiseI8x16U
        I32x4ExtAddPairwiseI16x8S I32x4ExtAddPairwiseI16x8U
        I16x8ExtendLowI8x16S I16x8ExtendHighI8x16S I16x8ExtendLowI8x16U I16x8ExtendHighI8x16U
        I32x4ExtendLowI16x8S I32x4ExtendHighI16x8S I32x4ExtendLowI16x8U I32x4ExtendHighI16x8U
        I64x2ExtendLowI32x4S I64x2ExtendHighI32x4S I64x2ExtendLowI32x4U I64x2ExtendHighI32x4U
        F32x4Ceil F32x4Floor F32x4Trunc F32x4Nearest F32x4Abs F32x4Neg F32x4Sqrt
        F64x2Ceil F64x2Floor F64x2Trunc F64x2Nearest F64x2Abs F64x2Neg F64x2Sqrt
        I32x4TruncSatF32x4S I32x4TruncSatF32x4U F32x4ConvertI32x4S F32x4ConvertI32x4U
        I32x4TruncSatF64x2SZero I32x4TruncSatF64x2UZero
        F64x2ConvertLowI32x4S F64x2ConvertLowI32x4U
        F32x4DemoteF64x2Zero F64x2PromoteLowF32x4
    }
    simd_binary {
        I8x16Swizzle
        I8x16Eq I8x16Ne I8x16LtS I8x16LtU I8x16GtS I8x16GtU I8x16LeS I8x16LeU I8x16GeS I8x16GeU
        I16x8Eq I16x8Ne I16x8LtS I16x8LtU I16x8GtS I16x8GtU I16x8LeS I16x8LeU I16x8GeS I16x8GeU
        I32x4Eq I32x4Ne I32x4LtS I32x4LtU I32x4GtS I32x4GtU I32x4LeS I32x4LeU I32x4GeS I32x4GeU
        I64x2Eq I64x2Ne I64x2LtS I64x2GtS I64x2LeS I64x2GeS
        F32x4Eq F32x4Ne F32x4Lt F32x4Gt F32x4Le F32x4Ge
        F64x2Eq F64x2Ne F64x2Lt F64x2Gt F64x2Le F64x2Ge
        V128And V128AndNot V128Or V128Xor
        I8x16NarrowI16x8S I8x16NarrowI16x8U I16x8NarrowI32x4S I16x8NarrowI32x4U
        I8x16Shl I8x16ShrS I8x16ShrU I16x8Shl I16x8ShrS I16x8ShrU
        I32x4Shl I32x4ShrS I32x4ShrU I64x2Shl I64x2ShrS I64x2ShrU
        I8x16Add I8x16AddSatS I8x16AddSatU I8x16Sub I8x16SubSatS I8x16SubSatU
        I8x16MinS I8x16MinU I8x16MaxS I8x16MaxU I8x16AvgrU
        I16x8Add I16x8AddSatS I16x8AddSatU I16x8Sub I16x8SubSatS I16x8SubSatU I16x8Mul
        I16x8MinS I16x8MinU I16x8MaxS I16x8MaxU I16x8AvgrU I16x8Q15MulrSatS
        I32x4Add I32x4Sub I32x4Mul I32x4MinS I32x4MinU I32x4MaxS I32x4MaxU I32x4DotI16x8S
        I64x2Add I64x2Sub I64x2Mul I16x8RelaxedDotI8x16I7x16S
        I16x8ExtMulLowI8x16S I16x8ExtMulHighI8x16S I16x8ExtMulLowI8x16U I16x8ExtMulHighI8x16U
        I32x4ExtMulLowI16x8S I32x4ExtMulHighI16x8S I32x4ExtMulLowI16x8U I32x4ExtMulHighI16x8U
        I64x2ExtMulLowI32x4S I64x2ExtMulHighI32x4S I64x2ExtMulLowI32x4U I64x2ExtMulHighI32x4U
        F32x4Add F32x4Sub F32x4Mul F32x4Div F32x4Min F32x4Max F32x4PMin F32x4PMax
        F64x2Add F64x2Sub F64x2Mul F64x2Div F64x2Min F64x2Max F64x2PMin F64x2PMax
    }
    simd_load {
        V128Load V128Load8x8S V128Load8x8U V128Load16x4S V128Load16x4U V128Load32x2S V128Load32x2U
        V128Load8Splat V128Load16Splat V128Load32Splat V128Load64Splat
        V128Load32Zero V128Load64Zero
    }
    simd_store {
        V128Store
    }
    simd_extract {
        I8x16ExtractLaneS I8x16ExtractLaneU I16x8ExtractLaneS I16x8ExtractLaneU
        I32x4ExtractLane I64x2ExtractLane F32x4ExtractLane F64x2ExtractLane
    }
    simd_replace {
        I8x16ReplaceLane I16x8ReplaceLane I32x4ReplaceLane I64x2ReplaceLane
        F32x4ReplaceLane F64x2ReplaceLane
    }
    simd_load_lane {
        V128Load8Lane V128Load16Lane V128Load32Lane V128Load64Lane
    }
    simd_store_lane {
        V128Store8Lane V128Store16Lane V128Store32Lane V128Store64Lane
    }
    simd_other {
        /// `dst` = constant `index` of the function's pool.
        V128Const { dst: Slot, index: u32 }
        /// `dst[i] = (lhs ++ rhs)[lanes[i]]`, with the 16 lane indices in byte `i` of
        /// constant `index` of the function's pool.
        I8x16Shuffle { dst: Slot, lhs: Slot, rhs: Slot, index: u32 }
        /// `dst = (lhs & mask) | (rhs & !mask)`.
        V128Bitselect { dst: Slot, lhs: Slot, rhs: Slot, mask: Slot }
        /// `dst = a * b + c`, rounded after the product and after the sum: relaxed
        /// SIMD's unfused choice, the same in both tiers on every machine.
        F32x4RelaxedMadd { dst: Slot, a: Slot, b: Slot, c: Slot }
        /// `dst = -(a * b) + c`, unfused.
        F32x4RelaxedNmadd { dst: Slot, a: Slot, b: Slot, c: Slot }
        F64x2RelaxedMadd { dst: Slot, a: Slot, b: Slot, c: Slot }
        F64x2RelaxedNmadd { dst: Slot, a: Slot, b: Slot, c: Slot }
        /// `dst[i] = c[i] +` the sum of the four products of signed bytes `4i..4i+4` of
        /// `a` and `b`, summed in pairs as `i16x8.relaxed_dot_i8x16_i7x16_s` does.
        I32x4RelaxedDotI8x16I7x16AddS { dst: Slot, a: Slot, b: Slot, c: Slot }
    }
}

/// Every operand is 32 bits wide, so an op is a tag and at most four operands (a lane
/// index shares the tag's word).
const _: () = assert!(core::mem::size_of::<Op>() <= 20);

/// The executor's state, as the handlers receive it. The executor defines both its
/// state and the handlers, above this module in the crate; here the state is an opaque
/// type, and each handler turns the pointer back into the executor's own (a cast that
/// costs nothing). A raw pointer rather than a reference keeps the pointer's right to
/// the whole state across that cast.
#[repr(C)]
pub(crate) struct ExecContext {
    _opaque: [u8; 0],
}

/// The code of one op: given the running op, the frame pointer, memory 0's base and
/// length, the executor's state and the accumulator, it runs the op and returns the op
/// to run next (or goes on to it itself; see the executor's dispatch).
pub(crate) type Handler =
    fn(*const Instr, *mut u64, *mut u8, usize, *mut ExecContext, u64) -> *const Instr;

/// Where an op takes its first operand and sends its result: the frame, or the
/// accumulator, a machine register that carries a value from the op that computes it to
/// the next op, its only reader. A set of the bits below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AccMode(u8);

impl AccMode {
    /// Operands and result in the frame.
    pub(crate) const NONE: AccMode = AccMode(0);
    /// The op's first operand is the accumulator, not its slot.
    pub(crate) const IN: AccMode = AccMode(1);
    /// The op's result goes to the accumulator, not to its slot.
    pub(crate) const OUT: AccMode = AccMode(2);
    /// `IN` and `OUT`.
    pub(crate) const IN_OUT: AccMode = AccMode(3);
    /// `OUT`, and the result goes to its slot as well (a `local.tee` keeps it).
    pub(crate) const OUT_KEEP: AccMode = AccMode(6);
    /// `IN` and `OUT_KEEP`.
    pub(crate) const IN_OUT_KEEP: AccMode = AccMode(7);
    /// Every mode an op may have.
    pub(crate) const ALL: [AccMode; 6] = [
        AccMode::NONE,
        AccMode::IN,
        AccMode::OUT,
        AccMode::IN_OUT,
        AccMode::OUT_KEEP,
        AccMode::IN_OUT_KEEP,
    ];

    /// Whether every bit of `other` is set here.
    #[inline(always)]
    pub(crate) const fn contains(self, other: AccMode) -> bool {
        self.0 & other.0 == other.0
    }

    /// The bits of both.
    #[inline(always)]
    pub(crate) const fn with(self, other: AccMode) -> AccMode {
        AccMode(self.0 | other.0)
    }

    /// These bits without those of `other`.
    #[inline(always)]
    pub(crate) const fn without(self, other: AccMode) -> AccMode {
        AccMode(self.0 & !other.0)
    }

    /// The mode as its bits, for the disassembler and error messages.
    pub(crate) const fn bits(self) -> u8 {
        self.0
    }
}

/// The handler of an op in an accumulator mode, if the executor has one: how the
/// translator, below the executor in the crate, learns the executor's handlers.
pub(crate) type HandlerFor = fn(&Op, AccMode) -> Option<Handler>;

/// An op and the handler that runs it: the unit of ward's threaded code. The handler
/// is chosen from the op's variant when the function is translated (through a
/// [`HandlerFor`]), so a handler only ever sees ops of its own variant. Packed to the
/// op's 4-byte alignment: 28 bytes rather than 32, which x86-64 and AArch64 load
/// without penalty (a handler pointer rarely straddles a cache line).
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(4))]
pub(crate) struct Instr {
    pub handler: Handler,
    pub op: Op,
}

/// A function translated to ward's code. It and its slices live in its module's code
/// arena ([`CodeArena`]).
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The function's index in its module (imports first).
    pub func_index: FuncIndex,
    pub ops: ArenaSlice<Instr>,
    /// Byte offset in the module of the wasm instruction each op came from.
    pub offsets: ArenaSlice<u32>,
    /// Cells of the parameters.
    pub param_cells: u32,
    /// Cells of the parameters and the other locals.
    pub local_cells: u32,
    /// Cells of the whole frame: locals and the deepest operand stack.
    pub frame_cells: u32,
    /// The 128-bit constants of `V128Const` and `I8x16Shuffle` (empty without SIMD).
    #[cfg_attr(not(feature = "simd"), allow(dead_code))]
    pub consts: ArenaSlice<u128>,
    /// The `catch` clauses of its `try_table`s, innermost first (see [`CatchHandler`]).
    pub handlers: ArenaSlice<CatchHandler>,
}

/// What a `catch` clause of a `try_table` catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CatchKind {
    /// Exceptions of tag `tag`, giving their values (`catch`), and a reference to the
    /// exception after them when `with_ref` (`catch_ref`).
    Tag { tag: TagIndex, with_ref: bool },
    /// Every exception, giving nothing (`catch_all`) or a reference to it
    /// (`catch_all_ref`).
    All { with_ref: bool },
    /// A legacy `catch` of tag `tag`, or `catch_all` when `None`: the values go to
    /// the clause's slots, and when a `rethrow` names the clause's block, the
    /// exception's reference to the slot before them.
    Legacy {
        tag: Option<TagIndex>,
        rethrown: bool,
    },
    /// A legacy `delegate`: every exception goes on to the clauses from index `resume`
    /// of the function's table (those of the block the `delegate` names and further
    /// out), or to the caller when `resume` is `u32::MAX`.
    Delegate { resume: u32 },
}

/// One `catch` clause of a `try_table` (or of a legacy `try`): an exception thrown by
/// an op of the range `start..end` (op indices) that the clause catches puts its
/// values (and reference) in the cells from `slot` and goes on at op `landing`, which
/// moves them on to the clause's label (or is the legacy clause's code). A function
/// lists the clauses of its inner blocks before the outer ones, and those of one block
/// in order, so the first clause that covers an op and matches is the one that
/// catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CatchHandler {
    pub start: u32,
    pub end: u32,
    pub kind: CatchKind,
    pub slot: Slot,
    pub landing: u32,
}
