;; Compare-and-branch fusion on a float comparison for `br_if`: `BrF64Gt`, taken when it holds.
(module
  (func $f64_gt (param f64 f64) (result i32)
    block
      local.get 0
      local.get 1
      f64.gt
      br_if 0
      i32.const 1
      return
    end
    i32.const 2))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f64_gt: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @21       BrF64Gt { lhs: 0, rhs: 1, offset: 84 }
;;      1 @25       Const32 { dst: 2, value: 1 }
;;      2 @25       Return { src: 2, len: 1 }
;;      3 @29       Const32 { dst: 2, value: 2 }
;;      4 @29       Return { src: 2, len: 1 }
