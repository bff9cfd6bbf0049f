//! Constant expressions (global initialisers, segment offsets and element items),
//! kept as a flat list of operations and evaluated with an explicit stack.

use crate::prelude::*;
use wasmparser::{Operator, OperatorsReader};

use crate::error::{Error, Result};
use crate::index::{FuncIndex, GlobalIndex};

/// One operation of a constant expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    #[cfg(feature = "simd")]
    V128(u128),
    RefNull,
    RefFunc(FuncIndex),
    GlobalGet(GlobalIndex),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstExpr {
    ops: Box<[ConstOp]>,
}

/// A value produced by a constant expression, before it is placed in a store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstVal {
    /// A number (or the low bits of a v128) as raw bits.
    Bits(u128),
    /// A null reference.
    Null,
    /// A reference to the function with this index in the module.
    Func(FuncIndex),
}

impl ConstExpr {
    /// The cell of a scalar number the expression is, when it is a single constant.
    pub(crate) fn as_number(&self) -> Option<u64> {
        match *self.ops {
            [ConstOp::I32(v)] => Some(v as u32 as u64),
            [ConstOp::I64(v)] => Some(v as u64),
            [ConstOp::F32(bits)] => Some(bits as u64),
            [ConstOp::F64(bits)] => Some(bits),
            _ => None,
        }
    }

    /// Reads a constant expression the validator has accepted.
    pub(crate) fn parse(mut reader: OperatorsReader<'_>) -> Result<ConstExpr> {
        let mut ops = Vec::new();
        loop {
            let offset = reader.original_position();
            let op = reader.read().map_err(Error::compile)?;
            ops.push(match op {
                Operator::End => break,
                Operator::I32Const { value } => ConstOp::I32(value),
                Operator::I64Const { value } => ConstOp::I64(value),
                Operator::F32Const { value } => ConstOp::F32(value.bits()),
                Operator::F64Const { value } => ConstOp::F64(value.bits()),
                #[cfg(feature = "simd")]
                Operator::V128Const { value } => ConstOp::V128(value.i128() as u128),
                Operator::RefNull { .. } => ConstOp::RefNull,
                Operator::RefFunc { function_index } => {
                    ConstOp::RefFunc(FuncIndex::from_u32(function_index))
                }
                Operator::GlobalGet { global_index } => {
                    ConstOp::GlobalGet(GlobalIndex::from_u32(global_index))
                }
                Operator::I32Add => ConstOp::I32Add,
                Operator::I32Sub => ConstOp::I32Sub,
                Operator::I32Mul => ConstOp::I32Mul,
                Operator::I64Add => ConstOp::I64Add,
                Operator::I64Sub => ConstOp::I64Sub,
                Operator::I64Mul => ConstOp::I64Mul,
                other => {
                    return Err(Error::Compile {
                        message: format!(
                            "unsupported constant expression operator {}",
                            super::operator_name(&other)
                        ),
                        offset: offset as usize,
                    })
                }
            });
        }
        Ok(ConstExpr { ops: ops.into() })
    }

    /// A constant expression that is a single `ref.func`.
    pub(crate) fn ref_func(index: FuncIndex) -> ConstExpr {
        ConstExpr {
            ops: Box::new([ConstOp::RefFunc(index)]),
        }
    }

    /// Evaluates the expression; `global` reads the value of a global by module index.
    pub(crate) fn eval(&self, global: impl Fn(GlobalIndex) -> ConstVal) -> ConstVal {
        // Nearly every expression is one operation (a constant, a `ref.func`, a
        // `global.get`): it needs no stack, and instantiation evaluates one per element
        // of every segment.
        if let [op] = *self.ops {
            return match op {
                ConstOp::GlobalGet(i) => global(i),
                op => Self::leaf(op),
            };
        }
        let mut stack: Vec<ConstVal> = Vec::with_capacity(2);
        for op in self.ops.iter() {
            let val = match *op {
                ConstOp::GlobalGet(i) => global(i),
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let (a, b) = pop2(&mut stack);
                    let (a, b) = (a as u32, b as u32);
                    let r = match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    };
                    ConstVal::Bits(r as u128)
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (a, b) = pop2(&mut stack);
                    let (a, b) = (a as u64, b as u64);
                    let r = match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    };
                    ConstVal::Bits(r as u128)
                }
                leaf => Self::leaf(leaf),
            };
            stack.push(val);
        }
        // The validator guarantees exactly one value remains.
        stack.pop().unwrap_or(ConstVal::Null)
    }
}

impl ConstExpr {
    /// The value of an operation that reads no operand and no global (the arithmetic
    /// ones read two operands; `eval` computes those).
    fn leaf(op: ConstOp) -> ConstVal {
        match op {
            ConstOp::I32(v) => ConstVal::Bits(v as u32 as u128),
            ConstOp::I64(v) => ConstVal::Bits(v as u64 as u128),
            ConstOp::F32(v) => ConstVal::Bits(v as u128),
            ConstOp::F64(v) => ConstVal::Bits(v as u128),
            #[cfg(feature = "simd")]
            ConstOp::V128(v) => ConstVal::Bits(v),
            ConstOp::RefNull => ConstVal::Null,
            ConstOp::RefFunc(i) => ConstVal::Func(i),
            ConstOp::GlobalGet(_)
            | ConstOp::I32Add
            | ConstOp::I32Sub
            | ConstOp::I32Mul
            | ConstOp::I64Add
            | ConstOp::I64Sub
            | ConstOp::I64Mul => unreachable!("`eval` computes globals and arithmetic"),
        }
    }
}

fn pop2(stack: &mut Vec<ConstVal>) -> (u128, u128) {
    let bits = |v: Option<ConstVal>| match v {
        Some(ConstVal::Bits(b)) => b,
        _ => 0,
    };
    let b = bits(stack.pop());
    let a = bits(stack.pop());
    (a, b)
}
