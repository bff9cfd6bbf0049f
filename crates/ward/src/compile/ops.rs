//! The translation of each wasm operator, by family.

use crate::prelude::*;
use cranelift_codegen::ir::{
    condcodes::{FloatCC, IntCC},
    immediates::{Ieee32, Ieee64},
    types, Endianness, InstBuilder, MemFlagsData, Type, Value,
};
use wasmparser::{MemArg, MemArgTarget, Operator};

use super::clif_type;
use super::compile_error;
use super::func::{readonly, traps, trusted, BuiltinField, FuncState};
use crate::error::Result;
use crate::index::{GlobalIndex, MemoryIndex, TableIndex, TypeIndex};
use crate::types::{MemoryType, ValType};
use crate::vm::MemoryStyle;
use crate::vm::VMFuncRef;

impl FuncState<'_, '_> {
    /// Translates one (reachable) operator.
    pub(super) fn translate_op(&mut self, op: &Operator<'_>, offset: usize) -> Result<()> {
        if crate::translate::other_memory(op) == Some(u32::MAX) {
            // A memory argument that names a GC array, not a linear memory.
            return Err(unsupported(op, offset));
        }
        if self.translate_control(op, offset)?
            || self.translate_value(op)
            || self.translate_numeric(op)
            || self.translate_conversion(op)
            || self.translate_memory(op)
            || self.translate_call(op)
            || self.translate_table(op)
            || self.translate_simd(op)
            || self.translate_wide(op)
        {
            return Ok(());
        }
        Err(unsupported(op, offset))
    }

    fn translate_control(&mut self, op: &Operator<'_>, offset: usize) -> Result<bool> {
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => self.unreachable(),
            Operator::Block { blockty } => self.block(blockty),
            Operator::Loop { blockty } => self.loop_(blockty),
            Operator::If { blockty } => self.if_(blockty, self.env.info.branch_hint(offset)),
            Operator::Else => self.else_(),
            Operator::End => self.end(),
            Operator::Br { relative_depth } => self.br(relative_depth),
            Operator::BrIf { relative_depth } => {
                self.br_if(relative_depth, self.env.info.branch_hint(offset))
            }
            Operator::BrTable { ref targets } => self.br_table(targets)?,
            Operator::BrOnNull { relative_depth } => self.br_on_null(relative_depth, false),
            Operator::BrOnNonNull { relative_depth } => self.br_on_null(relative_depth, true),
            Operator::Return => self.return_(),
            Operator::TryTable { ref try_table } => self.try_table(try_table),
            Operator::Throw { tag_index } => self.throw(tag_index),
            Operator::ThrowRef => self.throw_ref(),
            Operator::Try { blockty } => self.try_(blockty),
            Operator::Catch { tag_index } => self.catch(Some(tag_index)),
            Operator::CatchAll => self.catch(None),
            Operator::Delegate { relative_depth } => self.delegate(relative_depth),
            Operator::Rethrow { relative_depth } => self.rethrow(relative_depth),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Locals, globals, constants, `select`, `drop` and references.
    fn translate_value(&mut self, op: &Operator<'_>) -> bool {
        match *op {
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let (a, b, cond) = self.pop3();
                let value = self.b.ins().select(cond, a, b);
                self.push(value);
            }
            Operator::LocalGet { local_index } => {
                let value = self.b.use_var(self.locals[local_index as usize]);
                self.push(value);
            }
            Operator::LocalSet { local_index } => {
                let value = self.pop();
                self.b.def_var(self.locals[local_index as usize], value);
            }
            Operator::LocalTee { local_index } => {
                let value = *self.peek(1).first().expect("validated: a value to tee");
                self.b.def_var(self.locals[local_index as usize], value);
            }
            Operator::GlobalGet { global_index } => {
                self.global_get(GlobalIndex::from_u32(global_index))
            }
            Operator::GlobalSet { global_index } => {
                self.global_set(GlobalIndex::from_u32(global_index))
            }
            Operator::I32Const { value } => {
                let value = self.b.ins().iconst(types::I32, i64::from(value as u32));
                self.push(value);
            }
            Operator::I64Const { value } => {
                let value = self.b.ins().iconst(types::I64, value);
                self.push(value);
            }
            Operator::F32Const { value } => {
                let value = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(value);
            }
            Operator::F64Const { value } => {
                let value = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(value);
            }
            Operator::RefNull { .. } => {
                let null = self.b.ins().iconst(types::I64, 0);
                self.push(null);
            }
            Operator::RefAsNonNull => {
                let value = self.pop();
                self.b.ins().trapz(value, traps::NULL_REFERENCE);
                self.push(value);
            }
            Operator::RefIsNull => {
                let value = self.pop();
                let is_null = self.b.ins().icmp_imm_u(IntCC::Equal, value, 0);
                let is_null = self.b.ins().uextend(types::I32, is_null);
                self.push(is_null);
            }
            Operator::RefFunc { function_index } => {
                let funcref = self.func_ref(crate::index::FuncIndex::from_u32(function_index));
                self.push(funcref);
            }
            _ => return false,
        }
        true
    }

    fn global_get(&mut self, index: GlobalIndex) {
        let info = self.env.info;
        let ty = info.globals()[index].content();
        if let Some(bits) = info.constant_global(index) {
            let value = match ty {
                ValType::F32 => self.b.ins().f32const(Ieee32::with_bits(bits as u32)),
                ValType::F64 => self.b.ins().f64const(Ieee64::with_bits(bits)),
                ValType::I32 => self.b.ins().iconst(types::I32, bits as u32 as i64),
                _ => self.b.ins().iconst(types::I64, bits as i64),
            };
            self.push(value);
            return;
        }
        let ptr = self.vmctx_pointer(self.env.offsets.global(index));
        let value = self.b.ins().load(clif_type(ty), trusted(), ptr, 0);
        self.push(value);
    }

    fn global_set(&mut self, index: GlobalIndex) {
        let ty = self.env.info.globals()[index].content();
        let value = self.pop();
        // A global's cell holds a 32-bit value zero-extended, as the interpreter keeps it.
        let value = match ty {
            ValType::I32 => self.b.ins().uextend(types::I64, value),
            ValType::F32 => {
                let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), value);
                self.b.ins().uextend(types::I64, bits)
            }
            _ => value,
        };
        let ptr = self.vmctx_pointer(self.env.offsets.global(index));
        self.b.ins().store(trusted(), value, ptr, 0);
    }

    /// The address of function `index`'s reference: in the vmctx for a defined
    /// function, the exporter's for an import.
    fn func_ref(&mut self, index: crate::index::FuncIndex) -> Value {
        let offsets = self.env.offsets;
        match self.env.info.defined_func(index) {
            Some(defined) => self
                .b
                .ins()
                .iadd_imm_u(self.vmctx, offsets.defined_func(defined) as i64),
            None => self.vmctx_pointer(offsets.imported_func(index)),
        }
    }

    /// Integer and float arithmetic and comparisons.
    fn translate_numeric(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        let int_cmp = |op: &Operator<'_>| {
            Some(match op {
                I32Eq | I64Eq => IntCC::Equal,
                I32Ne | I64Ne => IntCC::NotEqual,
                I32LtS | I64LtS => IntCC::SignedLessThan,
                I32LtU | I64LtU => IntCC::UnsignedLessThan,
                I32GtS | I64GtS => IntCC::SignedGreaterThan,
                I32GtU | I64GtU => IntCC::UnsignedGreaterThan,
                I32LeS | I64LeS => IntCC::SignedLessThanOrEqual,
                I32LeU | I64LeU => IntCC::UnsignedLessThanOrEqual,
                I32GeS | I64GeS => IntCC::SignedGreaterThanOrEqual,
                I32GeU | I64GeU => IntCC::UnsignedGreaterThanOrEqual,
                _ => return None,
            })
        };
        let float_cmp = |op: &Operator<'_>| {
            Some(match op {
                F32Eq | F64Eq => FloatCC::Equal,
                F32Ne | F64Ne => FloatCC::NotEqual,
                F32Lt | F64Lt => FloatCC::LessThan,
                F32Gt | F64Gt => FloatCC::GreaterThan,
                F32Le | F64Le => FloatCC::LessThanOrEqual,
                F32Ge | F64Ge => FloatCC::GreaterThanOrEqual,
                _ => return None,
            })
        };
        if let Some(cc) = int_cmp(op) {
            let (a, b) = self.pop2();
            let flag = self.b.ins().icmp(cc, a, b);
            let flag = self.b.ins().uextend(types::I32, flag);
            self.push(flag);
            return true;
        }
        if let Some(cc) = float_cmp(op) {
            let (a, b) = self.pop2();
            let flag = self.b.ins().fcmp(cc, a, b);
            let flag = self.b.ins().uextend(types::I32, flag);
            self.push(flag);
            return true;
        }
        if self.translate_binary(op) {
            return true;
        }
        match op {
            I32Eqz | I64Eqz => {
                let value = self.pop();
                let flag = self.b.ins().icmp_imm_u(IntCC::Equal, value, 0);
                let flag = self.b.ins().uextend(types::I32, flag);
                self.push(flag);
            }
            I32Clz | I64Clz => self.unary(|b, x| b.ins().clz(x)),
            I32Ctz | I64Ctz => self.unary(|b, x| b.ins().ctz(x)),
            I32Popcnt | I64Popcnt => self.unary(|b, x| b.ins().popcnt(x)),
            F32Abs | F64Abs => self.unary(|b, x| b.ins().fabs(x)),
            F32Neg | F64Neg => self.unary(|b, x| b.ins().fneg(x)),
            F32Ceil | F64Ceil => self.unary(|b, x| b.ins().ceil(x)),
            F32Floor | F64Floor => self.unary(|b, x| b.ins().floor(x)),
            F32Trunc | F64Trunc => self.unary(|b, x| b.ins().trunc(x)),
            F32Nearest | F64Nearest => self.unary(|b, x| b.ins().nearest(x)),
            F32Sqrt | F64Sqrt => self.unary(|b, x| b.ins().sqrt(x)),
            _ => return false,
        }
        true
    }

    /// Binary arithmetic: both operands and the result of the same type.
    fn translate_binary(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        type Bin = fn(
            cranelift_codegen::ir::InsertBuilder<'_, &mut cranelift_codegen::ir::Function>,
            Value,
            Value,
        ) -> Value;
        let _: Option<Bin> = None;
        let (a, b) = match op {
            I32Add | I32Sub | I32Mul | I32DivS | I32DivU | I32RemS | I32RemU | I32And | I32Or
            | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr | I64Add | I64Sub
            | I64Mul | I64DivS | I64DivU | I64RemS | I64RemU | I64And | I64Or | I64Xor | I64Shl
            | I64ShrS | I64ShrU | I64Rotl | I64Rotr | F32Add | F32Sub | F32Mul | F32Div
            | F32Min | F32Max | F32Copysign | F64Add | F64Sub | F64Mul | F64Div | F64Min
            | F64Max | F64Copysign => self.pop2(),
            _ => return false,
        };
        let ins = self.b.ins();
        let value = match op {
            I32Add | I64Add => ins.iadd(a, b),
            I32Sub | I64Sub => ins.isub(a, b),
            I32Mul | I64Mul => ins.imul(a, b),
            // Cranelift's divisions trap exactly as wasm's do: by zero, and on overflow.
            I32DivS | I64DivS => ins.sdiv(a, b),
            I32DivU | I64DivU => ins.udiv(a, b),
            I32RemS | I64RemS => ins.srem(a, b),
            I32RemU | I64RemU => ins.urem(a, b),
            I32And | I64And => ins.band(a, b),
            I32Or | I64Or => ins.bor(a, b),
            I32Xor | I64Xor => ins.bxor(a, b),
            // Shift amounts are taken modulo the width, as in wasm.
            I32Shl | I64Shl => ins.ishl(a, b),
            I32ShrS | I64ShrS => ins.sshr(a, b),
            I32ShrU | I64ShrU => ins.ushr(a, b),
            I32Rotl | I64Rotl => ins.rotl(a, b),
            I32Rotr | I64Rotr => ins.rotr(a, b),
            F32Add | F64Add => ins.fadd(a, b),
            F32Sub | F64Sub => ins.fsub(a, b),
            F32Mul | F64Mul => ins.fmul(a, b),
            F32Div | F64Div => ins.fdiv(a, b),
            // Cranelift's `fmin`/`fmax` have wasm's semantics: NaN in, NaN out; -0 < +0.
            F32Min | F64Min => ins.fmin(a, b),
            F32Max | F64Max => ins.fmax(a, b),
            _ => ins.fcopysign(a, b),
        };
        self.push(value);
        true
    }

    fn unary(
        &mut self,
        f: impl FnOnce(&mut cranelift_frontend::FunctionBuilder<'_>, Value) -> Value,
    ) {
        let x = self.pop();
        let value = f(&mut self.b, x);
        self.push(value);
    }

    /// Conversions, extensions and reinterpretations.
    fn translate_conversion(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        let (i32_, i64_, f32_, f64_) = (types::I32, types::I64, types::F32, types::F64);
        let bits = MemFlagsData::new();
        match op {
            I32WrapI64 => self.unary(|b, x| b.ins().ireduce(i32_, x)),
            I64ExtendI32S => self.unary(|b, x| b.ins().sextend(i64_, x)),
            I64ExtendI32U => self.unary(|b, x| b.ins().uextend(i64_, x)),
            // The trapping conversions trap as wasm's: NaN is a bad conversion, a value
            // out of range an integer overflow.
            I32TruncF32S | I32TruncF64S => self.unary(|b, x| b.ins().fcvt_to_sint(i32_, x)),
            I32TruncF32U | I32TruncF64U => self.unary(|b, x| b.ins().fcvt_to_uint(i32_, x)),
            I64TruncF32S | I64TruncF64S => self.unary(|b, x| b.ins().fcvt_to_sint(i64_, x)),
            I64TruncF32U | I64TruncF64U => self.unary(|b, x| b.ins().fcvt_to_uint(i64_, x)),
            I32TruncSatF32S | I32TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(i32_, x))
            }
            I32TruncSatF32U | I32TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(i32_, x))
            }
            I64TruncSatF32S | I64TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(i64_, x))
            }
            I64TruncSatF32U | I64TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(i64_, x))
            }
            F32ConvertI32S | F32ConvertI64S => self.unary(|b, x| b.ins().fcvt_from_sint(f32_, x)),
            F32ConvertI32U | F32ConvertI64U => self.unary(|b, x| b.ins().fcvt_from_uint(f32_, x)),
            F64ConvertI32S | F64ConvertI64S => self.unary(|b, x| b.ins().fcvt_from_sint(f64_, x)),
            F64ConvertI32U | F64ConvertI64U => self.unary(|b, x| b.ins().fcvt_from_uint(f64_, x)),
            F32DemoteF64 => self.unary(|b, x| b.ins().fdemote(f32_, x)),
            F64PromoteF32 => self.unary(|b, x| b.ins().fpromote(f64_, x)),
            I32ReinterpretF32 => self.unary(|b, x| b.ins().bitcast(i32_, bits, x)),
            I64ReinterpretF64 => self.unary(|b, x| b.ins().bitcast(i64_, bits, x)),
            F32ReinterpretI32 => self.unary(|b, x| b.ins().bitcast(f32_, bits, x)),
            F64ReinterpretI64 => self.unary(|b, x| b.ins().bitcast(f64_, bits, x)),
            I32Extend8S => self.sign_extend(types::I8, i32_),
            I32Extend16S => self.sign_extend(types::I16, i32_),
            I64Extend8S => self.sign_extend(types::I8, i64_),
            I64Extend16S => self.sign_extend(types::I16, i64_),
            I64Extend32S => self.sign_extend(types::I32, i64_),
            _ => return false,
        }
        true
    }

    /// Sign-extends the low `from` bits of the top value to `to`.
    fn sign_extend(&mut self, from: Type, to: Type) {
        self.unary(|b, x| {
            let low = b.ins().ireduce(from, x);
            b.ins().sextend(to, low)
        });
    }

    /// Loads, stores, and the memory-wide ops.
    fn translate_memory(&mut self, op: &Operator<'_>) -> bool {
        use Operator::*;
        let (i32_, i64_) = (types::I32, types::I64);
        match *op {
            I32Load { memarg } => self.load(memarg, 4, |b, f, a, o| b.ins().load(i32_, f, a, o)),
            I64Load { memarg } => self.load(memarg, 8, |b, f, a, o| b.ins().load(i64_, f, a, o)),
            F32Load { memarg } => {
                self.load(memarg, 4, |b, f, a, o| b.ins().load(types::F32, f, a, o))
            }
            F64Load { memarg } => {
                self.load(memarg, 8, |b, f, a, o| b.ins().load(types::F64, f, a, o))
            }
            I32Load8S { memarg } => {
                self.load(memarg, 1, |b, f, a, o| b.ins().sload8(i32_, f, a, o))
            }
            I32Load8U { memarg } => {
                self.load(memarg, 1, |b, f, a, o| b.ins().uload8(i32_, f, a, o))
            }
            I32Load16S { memarg } => {
                self.load(memarg, 2, |b, f, a, o| b.ins().sload16(i32_, f, a, o))
            }
            I32Load16U { memarg } => {
                self.load(memarg, 2, |b, f, a, o| b.ins().uload16(i32_, f, a, o))
            }
            I64Load8S { memarg } => {
                self.load(memarg, 1, |b, f, a, o| b.ins().sload8(i64_, f, a, o))
            }
            I64Load8U { memarg } => {
                self.load(memarg, 1, |b, f, a, o| b.ins().uload8(i64_, f, a, o))
            }
            I64Load16S { memarg } => {
                self.load(memarg, 2, |b, f, a, o| b.ins().sload16(i64_, f, a, o))
            }
            I64Load16U { memarg } => {
                self.load(memarg, 2, |b, f, a, o| b.ins().uload16(i64_, f, a, o))
            }
            I64Load32S { memarg } => self.load(memarg, 4, |b, f, a, o| b.ins().sload32(f, a, o)),
            I64Load32U { memarg } => self.load(memarg, 4, |b, f, a, o| b.ins().uload32(f, a, o)),
            I32Store { memarg }
            | I64Store { memarg }
            | F32Store { memarg }
            | F64Store { memarg } => {
                let size = match op {
                    I32Store { .. } | F32Store { .. } => 4,
                    _ => 8,
                };
                self.store(memarg, size, |b, f, v, a, o| {
                    b.ins().store(f, v, a, o);
                });
            }
            I32Store8 { memarg } | I64Store8 { memarg } => {
                self.store(memarg, 1, |b, f, v, a, o| {
                    b.ins().istore8(f, v, a, o);
                })
            }
            I32Store16 { memarg } | I64Store16 { memarg } => {
                self.store(memarg, 2, |b, f, v, a, o| {
                    b.ins().istore16(f, v, a, o);
                })
            }
            I64Store32 { memarg } => self.store(memarg, 4, |b, f, v, a, o| {
                b.ins().istore32(f, v, a, o);
            }),
            MemorySize { mem } => {
                let def = self.memory_definition(mem);
                let ptr = self.env.isa.pointer_type();
                let len = self.b.ins().load(ptr, trusted(), def, ptr.bytes() as i32);
                let ty = self.env.info.memories()[MemoryIndex::from_u32(mem)];
                let pages = self.b.ins().ushr_imm_u(len, i64::from(ty.page_size_log2()));
                let pages = self.as_index_type(pages, ty.is_64());
                self.push(pages);
            }
            MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.widen(delta);
                let memory = self.b.ins().iconst(i32_, i64::from(mem));
                let field = FuncState::builtin_field(BuiltinField::MemoryGrow);
                let old = self.builtin_returning(field, &[i32_, i64_], i64_, &[memory, delta]);
                let is_64 = self.env.info.memories()[MemoryIndex::from_u32(mem)].is_64();
                let old = self.as_index_type(old, is_64);
                self.push(old);
            }
            // Memory 0 (the only one compiled code has): bounds checks inline, then the C
            // library's `memset`/`memmove`, with no trip through the runtime.
            MemoryFill { mem: 0 } => {
                let (dst, value, len) = self.pop3();
                let (base, [dst], len) = self.bulk_bounds([dst], len);
                let to = self.b.ins().iadd(base, dst);
                let byte = self.b.ins().ireduce(types::I8, value);
                let config = self.env.isa.frontend_config();
                self.b.call_memset(config, to, byte, len);
            }
            MemoryCopy {
                dst_mem: 0,
                src_mem: 0,
            } => {
                let (dst, src, len) = self.pop3();
                let (base, [dst, src], len) = self.bulk_bounds([dst, src], len);
                let to = self.b.ins().iadd(base, dst);
                let from = self.b.ins().iadd(base, src);
                let config = self.env.isa.frontend_config();
                self.b.call_memmove(config, to, from, len);
            }
            MemoryFill { mem } => {
                let (dst, value, len) = self.pop3();
                let [dst, len] = [dst, len].map(|v| self.widen(v));
                let memory = self.b.ins().iconst(i32_, i64::from(mem));
                let field = FuncState::builtin_field(BuiltinField::MemoryFill);
                let params = [i32_, i64_, i32_, i64_];
                self.fallible_builtin(field, &params, &[memory, dst, value, len]);
            }
            MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                let [dst, src, len] = [dst, src, len].map(|v| self.widen(v));
                let d = self.b.ins().iconst(i32_, i64::from(dst_mem));
                let s = self.b.ins().iconst(i32_, i64::from(src_mem));
                let field = FuncState::builtin_field(BuiltinField::MemoryCopy);
                let params = [i32_, i32_, i64_, i64_, i64_];
                self.fallible_builtin(field, &params, &[d, s, dst, src, len]);
            }
            MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let [dst, src, len] = [dst, src, len].map(|v| self.widen(v));
                let memory = self.b.ins().iconst(i32_, i64::from(mem));
                let segment = self.b.ins().iconst(i32_, i64::from(data_index));
                let field = FuncState::builtin_field(BuiltinField::MemoryInit);
                let params = [i32_, i32_, i64_, i64_, i64_];
                self.fallible_builtin(field, &params, &[memory, segment, dst, src, len]);
            }
            DataDrop { data_index } => {
                let segment = self.b.ins().iconst(i32_, i64::from(data_index));
                let field = FuncState::builtin_field(BuiltinField::DataDrop);
                self.builtin(field, &[i32_], &[segment]);
            }
            _ => return false,
        }
        true
    }

    /// The native address of an access of `size` bytes at the wasm address `index` plus
    /// `memarg`'s offset, and the offset still to add in the access itself; checks the
    /// bounds where the memory's guard does not.
    pub(super) fn heap_address(&mut self, memarg: MemArg, index: Value, size: u32) -> (Value, i32) {
        let ptr = self.env.isa.pointer_type();
        let memory = match memarg.target {
            MemArgTarget::Memory(memory) => memory,
            MemArgTarget::Array(_) => unreachable!("refused by translate_op"),
        };
        let ty = self.env.info.memories()[MemoryIndex::from_u32(memory)];
        let index = self.widen(index);
        // Saturated, the end of an access past 2^64 still traps below: it is then
        // `u64::MAX`, and so the index is 0 and the end past the memory, or their sum
        // overflows.
        let end = memarg.offset.saturating_add(u64::from(size));
        // Guard pages catch what lies past the last page of the OS, which ends a memory
        // of 64 KiB pages; a memory of one-byte pages may end anywhere in one. They
        // cover 4 GiB and the guard after: a 64-bit address may lie anywhere.
        let whole_pages = ty.page_size_log2() == MemoryType::DEFAULT_PAGE_SIZE_LOG2;
        if let (MemoryStyle::Static { guard }, true, false) =
            (self.env.memory, whole_pages, ty.is_64())
        {
            if end <= guard && memarg.offset <= i32::MAX as u64 {
                // Memories never move: memory 0's base is loaded once, at the entry;
                // another's where it is accessed (a load Cranelift may share).
                let base = match (memory, self.memory_base) {
                    (0, Some(base)) => base,
                    _ => {
                        let def = self.memory_definition(memory);
                        self.b.ins().load(ptr, readonly(), def, 0)
                    }
                };
                let address = self.b.ins().iadd(base, index);
                return (address, memarg.offset as i32);
            }
        }
        let def = self.memory_definition(memory);
        let len = self.b.ins().load(ptr, trusted(), def, ptr.bytes() as i32);
        let last = if ty.is_64() {
            let end = self.b.ins().iconst(ptr, end as i64);
            self.b.ins().uadd_overflow_trap(
                index,
                end,
                cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS,
            )
        } else {
            self.b.ins().iadd_imm_u(index, end as i64)
        };
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len);
        self.b
            .ins()
            .trapnz(out, cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS);
        let base = self.b.ins().load(ptr, trusted(), def, 0);
        let address = self.b.ins().iadd(base, index);
        if memarg.offset == 0 {
            return (address, 0);
        }
        let address = self.b.ins().iadd_imm_u(address, memarg.offset as i64);
        (address, 0)
    }

    /// Checks that `len` bytes from each of `starts` lie in memory 0, trapping as an
    /// out-of-bounds access before anything is written when one does not; returns the
    /// memory's base and the starts and length widened to pointers.
    fn bulk_bounds<const N: usize>(
        &mut self,
        starts: [Value; N],
        len: Value,
    ) -> (Value, [Value; N], Value) {
        let ptr = self.env.isa.pointer_type();
        let def = self.memory_definition(0);
        let size = self.b.ins().load(ptr, trusted(), def, ptr.bytes() as i32);
        let is_64 = self.env.info.memories()[MemoryIndex::from_u32(0)].is_64();
        let len = self.widen(len);
        let starts = starts.map(|start| {
            let start = self.widen(start);
            // A 64-bit memory's start and length may add up past 2^64; a 32-bit
            // memory's are both below 2^32.
            let end = if is_64 {
                self.b.ins().uadd_overflow_trap(
                    start,
                    len,
                    cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS,
                )
            } else {
                self.b.ins().iadd(start, len)
            };
            let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, size);
            self.b
                .ins()
                .trapnz(out, cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS);
            start
        });
        let base = self.b.ins().load(ptr, trusted(), def, 0);
        (base, starts, len)
    }

    /// The flags of a wasm memory access: it may trap (a guard page), little-endian.
    pub(super) fn heap_flags() -> MemFlagsData {
        MemFlagsData::new().with_endianness(Endianness::Little)
    }

    fn load(
        &mut self,
        memarg: MemArg,
        size: u32,
        access: impl FnOnce(
            &mut cranelift_frontend::FunctionBuilder<'_>,
            MemFlagsData,
            Value,
            i32,
        ) -> Value,
    ) {
        let index = self.pop();
        let (address, offset) = self.heap_address(memarg, index, size);
        let value = access(&mut self.b, Self::heap_flags(), address, offset);
        self.push(value);
    }

    pub(super) fn store(
        &mut self,
        memarg: MemArg,
        size: u32,
        access: impl FnOnce(
            &mut cranelift_frontend::FunctionBuilder<'_>,
            MemFlagsData,
            Value,
            Value,
            i32,
        ),
    ) {
        let (index, value) = self.pop2();
        let (address, offset) = self.heap_address(memarg, index, size);
        access(&mut self.b, Self::heap_flags(), value, address, offset);
    }

    /// Wide arithmetic: 128-bit sums and differences of two `i64` pairs, and full
    /// 64 x 64-bit products, each as its low and high `i64`.
    fn translate_wide(&mut self, op: &Operator<'_>) -> bool {
        let (lo, hi) = match *op {
            Operator::I64Add128 | Operator::I64Sub128 => {
                let (rhs_lo, rhs_hi) = self.pop2();
                let (lhs_lo, lhs_hi) = self.pop2();
                let lhs = self.b.ins().iconcat(lhs_lo, lhs_hi);
                let rhs = self.b.ins().iconcat(rhs_lo, rhs_hi);
                let result = if let Operator::I64Add128 = op {
                    self.b.ins().iadd(lhs, rhs)
                } else {
                    self.b.ins().isub(lhs, rhs)
                };
                self.b.ins().isplit(result)
            }
            Operator::I64MulWideS | Operator::I64MulWideU => {
                let (lhs, rhs) = self.pop2();
                let lo = self.b.ins().imul(lhs, rhs);
                let hi = if let Operator::I64MulWideS = op {
                    self.b.ins().smulhi(lhs, rhs)
                } else {
                    self.b.ins().umulhi(lhs, rhs)
                };
                (lo, hi)
            }
            _ => return false,
        };
        self.push(lo);
        self.push(hi);
        true
    }

    /// Direct and indirect calls, and their tail forms.
    fn translate_call(&mut self, op: &Operator<'_>) -> bool {
        match *op {
            Operator::Call { function_index } => self.call(function_index, false),
            Operator::ReturnCall { function_index } => self.call(function_index, true),
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, false),
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, true),
            Operator::CallRef { type_index } => self.call_ref(type_index, false),
            Operator::ReturnCallRef { type_index } => self.call_ref(type_index, true),
            _ => return false,
        }
        true
    }

    /// Pops the `n` arguments of a call.
    fn call_args(&mut self, n: usize) -> Vec<Value> {
        let args = self.peek(n).to_vec();
        self.stack.truncate(self.stack.len() - n);
        args
    }

    /// A call of function `index`; a tail call (`return_call`) when `tail`. Defined
    /// functions are called directly, imports through their function reference.
    fn call(&mut self, index: u32, tail: bool) {
        let index = self.func_index(index);
        let info = self.env.info;
        let args = self.call_args(info.func_type(index).params().len());
        match info.defined_func(index) {
            Some(defined) => {
                if !tail && self.in_handler() {
                    let funcref = self.func_ref(index);
                    let ty = info.func_type_index(index);
                    return self.catching_call(funcref, ty, &args);
                }
                let callee = self.defined_func(defined);
                let mut all = vec![self.vmctx, self.vmctx];
                all.extend(args);
                if tail {
                    self.b.ins().return_call(callee, &all);
                    self.reachable = false;
                } else {
                    let call = self.b.ins().call(callee, &all);
                    self.push_results(call);
                }
            }
            None => {
                let funcref = self.vmctx_pointer(self.env.offsets.imported_func(index));
                self.call_funcref(info.func_type_index(index), funcref, args, tail);
            }
        }
    }

    /// A `call_indirect` of type `type_index` through table `table`; a tail call
    /// (`return_call_indirect`) when `tail`.
    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let type_index = TypeIndex::from_u32(type_index);
        let index = self.pop();
        let funcref = self.table_funcref(TableIndex::from_u32(table), index, type_index);
        let args = self.call_args(self.env.info.types()[type_index].params().len());
        self.call_funcref(type_index, funcref, args, tail);
    }

    /// A `call_ref` of type `type_index`; a tail call (`return_call_ref`) when `tail`.
    fn call_ref(&mut self, type_index: u32, tail: bool) {
        let type_index = TypeIndex::from_u32(type_index);
        let funcref = self.pop();
        self.b.ins().trapz(funcref, traps::NULL_FUNCTION_REFERENCE);
        let args = self.call_args(self.env.info.types()[type_index].params().len());
        self.call_funcref(type_index, funcref, args, tail);
    }

    /// Pushes the results of `call`.
    fn push_results(&mut self, call: cranelift_codegen::ir::Inst) {
        let results = self.b.inst_results(call).to_vec();
        self.stack.extend(results);
    }

    /// Calls the function of type `ty` whose reference is at `funcref`: its
    /// `wasm_call` with its `call_ctx` and this instance as the caller; a tail call
    /// when `tail`.
    fn call_funcref(&mut self, ty: TypeIndex, funcref: Value, args: Vec<Value>, tail: bool) {
        if !tail && self.in_handler() {
            return self.catching_call(funcref, ty, &args);
        }
        let sig = self.signature(ty);
        let ptr = self.env.isa.pointer_type();
        let code = self
            .b
            .ins()
            .load(ptr, readonly(), funcref, VMFuncRef::WASM_CALL as i32);
        let ctx = self
            .b
            .ins()
            .load(ptr, readonly(), funcref, VMFuncRef::CALL_CTX as i32);
        let mut all = vec![ctx, self.vmctx];
        all.extend(args);
        if tail {
            self.b.ins().return_call_indirect(sig, code, &all);
            self.reachable = false;
        } else {
            let call = self.b.ins().call_indirect(sig, code, &all);
            self.push_results(call);
        }
    }

    /// The function reference at `index` of `table` for a `call_indirect` of type
    /// `type_index`: a bounds check, a load, a null check and a type-id compare.
    fn table_funcref(&mut self, table: TableIndex, index: Value, type_index: TypeIndex) -> Value {
        let ptr = self.env.isa.pointer_type();
        let (base, len) = self.table_base_len(table);
        let index = self.widen(index);
        let out = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.trap_if(out, traps::UNDEFINED_ELEMENT);
        let at = self.b.ins().ishl_imm_u(index, 3);
        let at = self.b.ins().iadd(base, at);
        let funcref = self.b.ins().load(ptr, trusted(), at, 0);
        self.b.ins().trapz(funcref, traps::UNINITIALIZED_ELEMENT);
        let id = self
            .b
            .ins()
            .load(types::I32, readonly(), funcref, VMFuncRef::TYPE_ID as i32);
        let expected = self.b.ins().load(
            types::I32,
            readonly(),
            self.vmctx,
            self.env.offsets.type_id(type_index) as i32,
        );
        let mismatch = self.b.ins().icmp(IntCC::NotEqual, id, expected);
        self.trap_if(mismatch, traps::INDIRECT_CALL_TYPE_MISMATCH);
        funcref
    }

    /// A table's current elements and their number.
    fn table_base_len(&mut self, table: TableIndex) -> (Value, Value) {
        let ptr = self.env.isa.pointer_type();
        let def = self.vmctx_pointer(self.env.offsets.table(table));
        let base = self.b.ins().load(ptr, trusted(), def, 0);
        let len = self.b.ins().load(ptr, trusted(), def, ptr.bytes() as i32);
        (base, len)
    }

    /// The address of element `index` of `table`, after its bounds check.
    fn table_element(&mut self, table: TableIndex, index: Value) -> Value {
        let (base, len) = self.table_base_len(table);
        let index = self.widen(index);
        let out = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.trap_if(out, traps::TABLE_OUT_OF_BOUNDS);
        let at = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, at)
    }

    /// Table ops.
    fn translate_table(&mut self, op: &Operator<'_>) -> bool {
        let (i32_, i64_) = (types::I32, types::I64);
        let constant = |s: &mut Self, value: u32| s.b.ins().iconst(i32_, i64::from(value));
        let is_64 = |s: &Self, table: u32| s.env.info.tables()[TableIndex::from_u32(table)].is_64();
        match *op {
            Operator::TableGet { table } => {
                let index = self.pop();
                let at = self.table_element(TableIndex::from_u32(table), index);
                let value = self.b.ins().load(types::I64, trusted(), at, 0);
                self.push(value);
            }
            Operator::TableSet { table } => {
                let (index, value) = self.pop2();
                let at = self.table_element(TableIndex::from_u32(table), index);
                self.b.ins().store(trusted(), value, at, 0);
            }
            Operator::TableSize { table } => {
                let (_, len) = self.table_base_len(TableIndex::from_u32(table));
                let len = self.as_index_type(len, is_64(self, table));
                self.push(len);
            }
            Operator::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let delta = self.widen(delta);
                let index = constant(self, table);
                let field = FuncState::builtin_field(BuiltinField::TableGrow);
                let params = [i32_, i64_, i64_];
                let old = self.builtin_returning(field, &params, i64_, &[index, init, delta]);
                let old = self.as_index_type(old, is_64(self, table));
                self.push(old);
            }
            Operator::TableFill { table } => {
                let (dst, value, len) = self.pop3();
                let [dst, len] = [dst, len].map(|v| self.widen(v));
                let table = constant(self, table);
                let field = FuncState::builtin_field(BuiltinField::TableFill);
                let params = [i32_, i64_, i64_, i64_];
                self.fallible_builtin(field, &params, &[table, dst, value, len]);
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                let [dst, src, len] = [dst, src, len].map(|v| self.widen(v));
                let (d, s) = (constant(self, dst_table), constant(self, src_table));
                let field = FuncState::builtin_field(BuiltinField::TableCopy);
                let params = [i32_, i32_, i64_, i64_, i64_];
                self.fallible_builtin(field, &params, &[d, s, dst, src, len]);
            }
            Operator::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let [dst, src, len] = [dst, src, len].map(|v| self.widen(v));
                let (t, e) = (constant(self, table), constant(self, elem_index));
                let field = FuncState::builtin_field(BuiltinField::TableInit);
                let params = [i32_, i32_, i64_, i64_, i64_];
                self.fallible_builtin(field, &params, &[t, e, dst, src, len]);
            }
            Operator::ElemDrop { elem_index } => {
                let segment = constant(self, elem_index);
                let field = FuncState::builtin_field(BuiltinField::ElemDrop);
                self.builtin(field, &[i32_], &[segment]);
            }
            _ => return false,
        }
        true
    }
}

/// The error for an operator the compiled tier does not translate (yet).
#[cold]
fn unsupported(op: &Operator<'_>, offset: usize) -> crate::Error {
    compile_error(
        format!(
            "the compiled tier does not support this operator yet: {}",
            crate::module::operator_name(op)
        ),
        offset,
    )
}
