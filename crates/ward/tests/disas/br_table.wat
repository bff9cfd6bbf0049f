;; `br_table`: `BrTable` then one `Br` per target, each straight to its label when no values move.
(module
  (func $dispatch (param i32) (result i32)
    block
      block
        block
          local.get 0
          br_table 0 1 2
        end
        i32.const 10
        return
      end
      i32.const 20
      return
    end
    i32.const 30))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $dispatch: 1 param cells, 1 local cells, 2 frame cells, 10 ops
;;      0 @21       BrTable { index: 0, bias: 0, len: 2 }
;;      1 @21       Br { offset: 84 }
;;      2 @21       Br { offset: 112 }
;;      3 @21       Br { offset: 140 }
;;      4 @29       Const32 { dst: 1, value: 10 }
;;      5 @29       Return { src: 1, len: 1 }
;;      6 @2d       Const32 { dst: 1, value: 20 }
;;      7 @2d       Return { src: 1, len: 1 }
;;      8 @31       Const32 { dst: 1, value: 30 }
;;      9 @31       Return { src: 1, len: 1 }
