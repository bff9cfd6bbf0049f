;; Returns: `return`, `br` to the function's label and its end are `Return`; `br_if` skips one.
;; A single local is returned from its own slot; two results are moved next to each other first.
(module
  (func $return (param i32) (result i32)
    local.get 0
    return)
  (func $br_outer (param i32) (result i32)
    local.get 0
    br 0)
  (func $br_if_outer (param i32) (result i32)
    local.get 0
    local.get 0
    br_if 0
    i32.const 1
    i32.add)
  (func $two_results (param i64 i64) (result i64 i64)
    local.get 1
    local.get 0))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $return: 1 param cells, 1 local cells, 2 frame cells, 1 ops
;;      0 @25       Return { src: 0, len: 1 }
;;
;; func 1 $br_outer: 1 param cells, 1 local cells, 2 frame cells, 1 ops
;;      0 @2b       Return { src: 0, len: 1 }
;;
;; func 2 $br_if_outer: 1 param cells, 1 local cells, 3 frame cells, 4 ops
;;      0 @34       BrIfEqz { cond: 0, offset: 56 }
;;      1 @34       Return { src: 0, len: 1 }
;;      2 @38       I32AddImm { dst: 1, lhs: 0, imm: 1 }
;;      3 @39       Return { src: 1, len: 1 }
;;
;; func 3 $two_results: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @40       Copy2 { dst: 2, src: 1, dst2: 3, src2: 0 }
;;      1 @40       Return { src: 2, len: 2 }
