;; A branch on a bit test: `i32.and` of a constant, then `br_if` (or `if`) on it or on its
;; `i32.eqz`, is one `BrI32AndImmNez` or `BrI32AndImmEqz`, its operand through the
;; accumulator when the op before computes it. An `and` whose result is also kept in a
;; local stays an op of its own.
(module
  (func $bit_set (param i32 i32) (result i32)
    block
      local.get 0
      local.get 1
      i32.add
      i32.const 0x80000001
      i32.and
      br_if 0
      i32.const 0
      return
    end
    i32.const 1)
  (func $bit_clear (param i32) (result i32)
    block
      local.get 0
      i32.const 0xff00
      i32.and
      i32.eqz
      br_if 0
      i32.const 1
      return
    end
    i32.const 0)
  (func $bit_if (param i32) (result i32)
    local.get 0
    i32.const 4
    i32.and
    i32.eqz
    if (result i32)
      i32.const 0
    else
      i32.const 1
    end)
  (func $bit_kept (param i32) (result i32) (local i32)
    block
      local.get 0
      i32.const 3
      i32.and
      local.tee 1
      i32.eqz
      br_if 0
      local.get 1
      return
    end
    i32.const -1))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $bit_set: 2 param cells, 2 local cells, 4 frame cells, 6 ops
;;      0 @28       I32Add { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @2f       BrI32AndImmNez { lhs: 2, imm: 2147483649, offset: 84 } <acc
;;      2 @34       Const32 { dst: 2, value: 0 }
;;      3 @34       Return { src: 2, len: 1 }
;;      4 @38       Const32 { dst: 2, value: 1 }
;;      5 @38       Return { src: 2, len: 1 }
;;
;; func 1 $bit_clear: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @43       BrI32AndImmEqz { lhs: 0, imm: 65280, offset: 84 }
;;      1 @49       Const32 { dst: 1, value: 1 }
;;      2 @49       Return { src: 1, len: 1 }
;;      3 @4d       Const32 { dst: 1, value: 0 }
;;      4 @4d       Return { src: 1, len: 1 }
;;
;; func 2 $bit_if: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @54       BrI32AndImmNez { lhs: 0, imm: 4, offset: 84 }
;;      1 @5a       Const32 { dst: 1, value: 0 }
;;      2 @5a       Br { offset: 56 }
;;      3 @5d       Const32 { dst: 1, value: 1 }
;;      4 @5e       Return { src: 1, len: 1 }
;;
;; func 3 $bit_kept: 1 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @69       I32AndImm { dst: 1, lhs: 0, imm: 3 } >acc+slot
;;      1 @6d       BrIfEqz { cond: 1, offset: 56 } <acc
;;      2 @71       Return { src: 1, len: 1 }
;;      3 @75       Const32 { dst: 2, value: 4294967295 }
;;      4 @75       Return { src: 2, len: 1 }
