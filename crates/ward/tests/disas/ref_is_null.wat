;; References: null is the all-zero cell, so `ref.is_null` is an `I64Eqz`.
(module
  (func $f)
  (func $is_null (param funcref) (result i32)
    local.get 0
    ref.is_null)
  (func $null_const (result i32)
    ref.null extern
    ref.is_null)
  (func $ref_func (result funcref)
    ref.func $f)
  (elem declare func $f))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f: 0 param cells, 0 local cells, 1 frame cells, 1 ops
;;      0 @2e       Return { src: 0, len: 0 }
;;
;; func 1 $is_null: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @33       I64Eqz { dst: 1, src: 0 }
;;      1 @34       Return { src: 1, len: 1 }
;;
;; func 2 $null_const: 0 param cells, 0 local cells, 1 frame cells, 3 ops
;;      0 @39       Const32 { dst: 0, value: 0 }
;;      1 @39       I64Eqz { dst: 0, src: 0 }
;;      2 @3a       Return { src: 0, len: 1 }
;;
;; func 3 $ref_func: 0 param cells, 0 local cells, 1 frame cells, 2 ops
;;      0 @3d       RefFunc { dst: 0, func: FuncIndex(0) }
;;      1 @3f       Return { src: 0, len: 1 }
