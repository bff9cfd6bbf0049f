;; Commutative swap: a just-computed right operand comes first, from the accumulator.
(module
  (func $i32_add (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.const 1
    i32.shl
    i32.add)
  (func $i32_sub (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.const 1
    i32.shl
    i32.sub)
  (func $i64_eq (param i64 i64) (result i32)
    local.get 0
    local.get 1
    i64.popcnt
    i64.eq)
  (func $f64_mul (param f64 f64) (result f64)
    local.get 0
    local.get 1
    f64.sqrt
    f64.mul)
  (func $f64_div (param f64 f64) (result f64)
    local.get 0
    local.get 1
    f64.sqrt
    f64.div))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_add: 2 param cells, 2 local cells, 5 frame cells, 3 ops
;;      0 @30       I32ShlImm { dst: 3, lhs: 1, imm: 1 } >acc
;;      1 @31       I32Add { dst: 2, lhs: 3, rhs: 0 } <acc
;;      2 @32       Return { src: 2, len: 1 }
;;
;; func 1 $i32_sub: 2 param cells, 2 local cells, 5 frame cells, 3 ops
;;      0 @3b       I32ShlImm { dst: 3, lhs: 1, imm: 1 }
;;      1 @3c       I32Sub { dst: 2, lhs: 0, rhs: 3 }
;;      2 @3d       Return { src: 2, len: 1 }
;;
;; func 2 $i64_eq: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @44       I64Popcnt { dst: 3, src: 1 } >acc
;;      1 @45       I64Eq { dst: 2, lhs: 3, rhs: 0 } <acc
;;      2 @46       Return { src: 2, len: 1 }
;;
;; func 3 $f64_mul: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @4d       F64Sqrt { dst: 3, src: 1 } >acc
;;      1 @4e       F64Mul { dst: 2, lhs: 3, rhs: 0 } <acc
;;      2 @4f       Return { src: 2, len: 1 }
;;
;; func 4 $f64_div: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @56       F64Sqrt { dst: 3, src: 1 }
;;      1 @57       F64Div { dst: 2, lhs: 0, rhs: 3 }
;;      2 @58       Return { src: 2, len: 1 }
