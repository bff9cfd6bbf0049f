;; Float constants have no immediate forms: `Const32`/`Const64` write them to a slot.
(module
  (func $f32 (param f32) (result f32)
    local.get 0
    f32.const 1.5
    f32.mul)
  (func $f64 (param f64) (result f64)
    local.get 0
    f64.const 2.5
    f64.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f32: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @26       Const32 { dst: 2, value: 1069547520 }
;;      1 @26       F32Mul { dst: 1, lhs: 0, rhs: 2 }
;;      2 @27       Return { src: 1, len: 1 }
;;
;; func 1 $f64: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @35       Const64 { dst: 2, lo: 0, hi: 1074003968 }
;;      1 @35       F64Add { dst: 1, lhs: 0, rhs: 2 }
;;      2 @36       Return { src: 1, len: 1 }
