;; `select`: the first value goes to its stack slot; `Select` keeps it or takes the other.
(module
  (func $i32 (param i32 i32 i32) (result i32)
    local.get 0
    local.get 1
    local.get 2
    select)
  (func $f64_constants (param i32) (result f64)
    f64.const 1
    f64.const 2
    local.get 0
    select)
  (func $v128 (param v128 v128 i32) (result v128)
    local.get 0
    local.get 1
    local.get 2
    select))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32: 3 param cells, 3 local cells, 6 frame cells, 3 ops
;;      0 @2f       Copy { dst: 3, src: 0 }
;;      1 @2f       Select { dst: 3, other: 1, cond: 2, cells: 1 }
;;      2 @30       Return { src: 3, len: 1 }
;;
;; func 1 $f64_constants: 1 param cells, 1 local cells, 4 frame cells, 4 ops
;;      0 @47       Const64 { dst: 2, lo: 0, hi: 1073741824 }
;;      1 @47       Const64 { dst: 1, lo: 0, hi: 1072693248 }
;;      2 @47       Select { dst: 1, other: 2, cond: 0, cells: 1 }
;;      3 @48       Return { src: 1, len: 1 }
;;
;; func 2 $v128: 5 param cells, 5 local cells, 10 frame cells, 3 ops
;;      0 @51       CopySpan { dst: 5, src: 0, len: 2 }
;;      1 @51       Select { dst: 5, other: 2, cond: 4, cells: 2 }
;;      2 @52       Return { src: 5, len: 2 }
