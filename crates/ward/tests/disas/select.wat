;; `select`: one op reads both values where they are (locals here) and writes the result;
;; a `local.set` after it makes it write the local.
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
    select)
  (func $into_local (param i32 i32 i32) (result i32)
    local.get 0
    local.get 1
    local.get 2
    select
    local.set 0
    local.get 0))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32: 3 param cells, 3 local cells, 6 frame cells, 2 ops
;;      0 @30       Select { dst: 3, lhs: 0, rhs: 1, cond: 2 }
;;      1 @31       Return { src: 3, len: 1 }
;;
;; func 1 $f64_constants: 1 param cells, 1 local cells, 4 frame cells, 4 ops
;;      0 @48       Const64 { dst: 2, lo: 0, hi: 1073741824 }
;;      1 @48       Const64 { dst: 1, lo: 0, hi: 1072693248 }
;;      2 @48       Select { dst: 1, lhs: 1, rhs: 2, cond: 0 }
;;      3 @49       Return { src: 1, len: 1 }
;;
;; func 2 $v128: 5 param cells, 5 local cells, 10 frame cells, 2 ops
;;      0 @52       Select128 { dst: 5, lhs: 0, rhs: 2, cond: 4 }
;;      1 @53       Return { src: 5, len: 2 }
;;
;; func 3 $into_local: 3 param cells, 3 local cells, 6 frame cells, 2 ops
;;      0 @5c       Select { dst: 0, lhs: 0, rhs: 1, cond: 2 }
;;      1 @61       Return { src: 0, len: 1 }
