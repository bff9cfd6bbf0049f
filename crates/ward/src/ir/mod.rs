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

use crate::ValType;

/// A frame slot: an index of a 64-bit cell relative to the frame's base.
pub(crate) type Slot = u32;

macro_rules! define_ops {
    (
        unary { $($un:ident)* }
        binary { $($bin:ident)* }
        load { $($load:ident)* }
        store { $($store:ident)* }
        other { $( $(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* } )* }
    ) => {
        /// One instruction of ward's internal code.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub(crate) enum Op {
            $( $un { dst: Slot, src: Slot }, )*
            $( $bin { dst: Slot, lhs: Slot, rhs: Slot }, )*
            $( $load { dst: Slot, addr: Slot, offset: u32 }, )*
            $( $store { addr: Slot, src: Slot, offset: u32 }, )*
            $( $(#[$doc])* $name { $($field: $ty),* }, )*
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
                    $( Op::$name { .. } => stringify!($name), )*
                }
            }
        }

        /// The slot an op writes its single result to, for retargeting; `None` for ops
        /// without exactly one result slot.
        pub(crate) fn result_slot(op: &mut Op) -> Option<&mut Slot> {
            match op {
                $( Op::$un { dst, .. } => Some(dst), )*
                $( Op::$bin { dst, .. } => Some(dst), )*
                $( Op::$load { dst, .. } => Some(dst), )*
                Op::Const32 { dst, .. }
                | Op::Const64 { dst, .. }
                | Op::Copy { dst, .. }
                | Op::GlobalGet { dst, .. }
                | Op::RefFunc { dst, .. }
                | Op::MemorySize { dst }
                | Op::MemoryGrow { dst, .. }
                | Op::TableGet { dst, .. }
                | Op::TableSize { dst, .. } => Some(dst),
                _ => None,
            }
        }

        /// The unary op with the same meaning as a wasm operator.
        pub(crate) fn unary_op(op: &wasmparser::Operator<'_>) -> Option<fn(Slot, Slot) -> Op> {
            Some(match op {
                $( wasmparser::Operator::$un => |dst, src| Op::$un { dst, src }, )*
                _ => return None,
            })
        }

        /// The binary op with the same meaning as a wasm operator.
        pub(crate) fn binary_op(op: &wasmparser::Operator<'_>) -> Option<fn(Slot, Slot, Slot) -> Op> {
            Some(match op {
                $( wasmparser::Operator::$bin => |dst, lhs, rhs| Op::$bin { dst, lhs, rhs }, )*
                _ => return None,
            })
        }

        /// The load op for a wasm load of this name: its constructor and the loaded type.
        pub(crate) fn load_op<'a>(op: &'a wasmparser::Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a wasmparser::MemArg)> {
            Some(match op {
                $( wasmparser::Operator::$load { memarg } => (|dst, addr, offset| Op::$load { dst, addr, offset }, memarg), )*
                _ => return None,
            })
        }

        /// The store op for a wasm store of this name.
        pub(crate) fn store_op<'a>(op: &'a wasmparser::Operator<'_>) -> Option<(fn(Slot, Slot, u32) -> Op, &'a wasmparser::MemArg)> {
            Some(match op {
                $( wasmparser::Operator::$store { memarg } => (|addr, src, offset| Op::$store { addr, src, offset }, memarg), )*
                _ => return None,
            })
        }
    };
}

define_ops! {
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
    other {
        /// Traps with "unreachable".
        Unreachable {}
        /// Jumps by `offset` ops, relative to this op.
        Br { offset: i32 }
        /// Jumps when the i32 in `cond` is not zero.
        BrIfNez { cond: Slot, offset: i32 }
        /// Jumps when the i32 in `cond` is zero.
        BrIfEqz { cond: Slot, offset: i32 }
        /// Jumps to the `Br` at `index` (clamped to `len`) among the `len + 1` `Br` ops that follow.
        BrTable { index: Slot, len: u32 }
        /// Copies `len` cells from `src` to the frame's first cells and returns.
        Return { src: Slot, len: u32 }
        /// Calls function `func` (module index); its frame starts at slot `base`, where
        /// the arguments are and where the results will be.
        Call { func: u32, base: Slot }
        /// Calls the function at index `index` of table `table` if it has type `type_index`.
        CallIndirect { type_index: u32, table: u32, index: Slot, base: Slot }
        /// `dst = src`.
        Copy { dst: Slot, src: Slot }
        /// Copies `len` cells from `src` to `dst` (ranges may overlap).
        CopySpan { dst: Slot, src: Slot, len: u32 }
        /// `dst = value`, zero-extended (i32, f32, null references).
        Const32 { dst: Slot, value: u32 }
        /// `dst = hi << 32 | lo` (i64, f64). Two halves keep every op 4-byte aligned.
        Const64 { dst: Slot, lo: u32, hi: u32 }
        /// `dst = if cond != 0 { dst } else { other }` for `cells` cells.
        Select { dst: Slot, other: Slot, cond: Slot, cells: u32 }
        /// `dst` = a reference to function `func` (module index).
        RefFunc { dst: Slot, func: u32 }
        GlobalGet { dst: Slot, global: u32 }
        GlobalSet { src: Slot, global: u32 }
        MemorySize { dst: Slot }
        MemoryGrow { dst: Slot, delta: Slot }
        /// Operands `[dst, value, len]` start at `base`.
        MemoryFill { base: Slot }
        /// Operands `[dst, src, len]` start at `base`.
        MemoryCopy { base: Slot }
        /// Operands `[dst, src, len]` start at `base`.
        MemoryInit { segment: u32, base: Slot }
        DataDrop { segment: u32 }
        TableGet { dst: Slot, table: u32, index: Slot }
        TableSet { table: u32, index: Slot, value: Slot }
        TableSize { dst: Slot, table: u32 }
        /// Operands `[init, delta]` start at `base`; the result goes to `base`.
        TableGrow { table: u32, base: Slot }
        /// Operands `[index, value, len]` start at `base`.
        TableFill { table: u32, base: Slot }
        /// Operands `[dst, src, len]` start at `base`.
        TableCopy { dst_table: u32, src_table: u32, base: Slot }
        /// Operands `[dst, src, len]` start at `base`.
        TableInit { segment: u32, table: u32, base: Slot }
        ElemDrop { segment: u32 }
    }
}

/// Every operand is 32 bits wide, so an op is a tag and at most four operands.
const _: () = assert!(std::mem::size_of::<Op>() <= 20);

/// A function translated to ward's code.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    pub ops: Box<[Op]>,
    /// Byte offset in the module of the wasm instruction each op came from.
    pub offsets: Box<[u32]>,
    /// Cells of the parameters.
    pub param_cells: u32,
    /// Cells of the parameters and the other locals.
    pub local_cells: u32,
    /// Cells of the whole frame: locals and the deepest operand stack.
    pub frame_cells: u32,
    /// Result types, for the entry from the host.
    #[allow(dead_code)]
    pub results: Box<[ValType]>,
}
