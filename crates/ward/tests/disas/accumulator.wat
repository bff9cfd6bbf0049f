;; Accumulator: a result feeding the next op's first operand goes through it (`>acc` then `<acc`).
(module
  (memory 1)
  (func $chain (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.mul
    i32.const 3
    i32.shl
    i32.popcnt
    local.get 1
    i32.sub)
  (func $second_operand_not_acc (param i32 i32) (result i32)
    local.get 0
    local.get 0
    local.get 1
    i32.mul
    i32.sub)
  (func $load_chain (param i32) (result i64)
    local.get 0
    i32.load
    i64.load
    i64.extend32_s)
  (func $return_not_acc (param i32) (result i32)
    local.get 0
    i32.clz))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $chain: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @30       I32Mul { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @33       I32ShlImm { dst: 2, lhs: 2, imm: 3 } <acc >acc
;;      2 @34       I32Popcnt { dst: 2, src: 2 } <acc >acc
;;      3 @37       I32Sub { dst: 2, lhs: 2, rhs: 1 } <acc
;;      4 @38       Return { src: 2, len: 1 }
;;
;; func 1 $second_operand_not_acc: 2 param cells, 2 local cells, 5 frame cells, 3 ops
;;      0 @41       I32Mul { dst: 3, lhs: 0, rhs: 1 }
;;      1 @42       I32Sub { dst: 2, lhs: 0, rhs: 3 }
;;      2 @43       Return { src: 2, len: 1 }
;;
;; func 2 $load_chain: 1 param cells, 1 local cells, 2 frame cells, 4 ops
;;      0 @48       I32Load { dst: 1, addr: 0, offset: 0 } >acc
;;      1 @4b       I64Load { dst: 1, addr: 1, offset: 0 } <acc >acc
;;      2 @4e       I64Extend32S { dst: 1, src: 1 } <acc
;;      3 @4f       Return { src: 1, len: 1 }
;;
;; func 3 $return_not_acc: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @54       I32Clz { dst: 1, src: 0 }
;;      1 @55       Return { src: 1, len: 1 }
