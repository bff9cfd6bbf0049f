;; Lazy local reads: an op reads its operands straight from the locals' slots, no copies.
(module
  (func $add (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func $sub_same_local (param i64) (result i64)
    local.get 0
    local.get 0
    i64.sub)
  (func $unary (param f64) (result f64)
    local.get 0
    f64.sqrt))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $add: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @2a       I32Add { dst: 2, lhs: 0, rhs: 1 }
;;      1 @2b       Return { src: 2, len: 1 }
;;
;; func 1 $sub_same_local: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @32       I64Sub { dst: 1, lhs: 0, rhs: 0 }
;;      1 @33       Return { src: 1, len: 1 }
;;
;; func 2 $unary: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @38       F64Sqrt { dst: 1, src: 0 }
;;      1 @39       Return { src: 1, len: 1 }
