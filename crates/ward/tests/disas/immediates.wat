;; Immediates: a constant right operand, or left operand of a commutative op, makes an `...Imm` op.
(module
  (func $add_imm (param i32) (result i32)
    local.get 0
    i32.const 5
    i32.add)
  (func $const_left_commutative (param i32) (result i32)
    i32.const 5
    local.get 0
    i32.xor)
  (func $const_left_not_commutative (param i32) (result i32)
    i32.const 5
    local.get 0
    i32.sub)
  (func $shift_imm (param i32) (result i32)
    local.get 0
    i32.const 3
    i32.shr_u)
  (func $compare_imm (param i32) (result i32)
    local.get 0
    i32.const -1
    i32.lt_u)
  (func $no_imm_form (param i32) (result i32)
    local.get 0
    i32.const 3
    i32.div_s)
  (func $two_constants (result i32)
    i32.const 2
    i32.const 3
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $add_imm: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @27       I32AddImm { dst: 1, lhs: 0, imm: 5 }
;;      1 @28       Return { src: 1, len: 1 }
;;
;; func 1 $const_left_commutative: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @2f       I32XorImm { dst: 1, lhs: 0, imm: 5 }
;;      1 @30       Return { src: 1, len: 1 }
;;
;; func 2 $const_left_not_commutative: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @37       Const32 { dst: 1, value: 5 }
;;      1 @37       I32Sub { dst: 1, lhs: 1, rhs: 0 }
;;      2 @38       Return { src: 1, len: 1 }
;;
;; func 3 $shift_imm: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @3f       I32ShrUImm { dst: 1, lhs: 0, imm: 3 }
;;      1 @40       Return { src: 1, len: 1 }
;;
;; func 4 $compare_imm: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @47       I32LtUImm { dst: 1, lhs: 0, imm: 4294967295 }
;;      1 @48       Return { src: 1, len: 1 }
;;
;; func 5 $no_imm_form: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @4f       Const32 { dst: 2, value: 3 }
;;      1 @4f       I32DivS { dst: 1, lhs: 0, rhs: 2 }
;;      2 @50       Return { src: 1, len: 1 }
;;
;; func 6 $two_constants: 0 param cells, 0 local cells, 2 frame cells, 3 ops
;;      0 @57       Const32 { dst: 0, value: 2 }
;;      1 @57       I32AddImm { dst: 0, lhs: 0, imm: 3 }
;;      2 @58       Return { src: 0, len: 1 }
