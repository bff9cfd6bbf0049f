;; `local.set x` with a read of x pending: the old value is copied first, no retargeting.
(module
  (func $swap_add (param i32 i32) (result i32)
    local.get 0
    local.get 0
    local.get 1
    i32.add
    local.set 0
    local.get 0
    i32.sub))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $swap_add: 2 param cells, 2 local cells, 5 frame cells, 4 ops
;;      0 @20       I32Add { dst: 3, lhs: 0, rhs: 1 }
;;      1 @21       Copy2 { dst: 2, src: 0, dst2: 0, src2: 3 }
;;      2 @25       I32Sub { dst: 2, lhs: 2, rhs: 0 }
;;      3 @26       Return { src: 2, len: 1 }
