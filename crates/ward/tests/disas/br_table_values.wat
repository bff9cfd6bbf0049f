;; `br_table` with a value: a target whose slot differs gets a stub that copies, then branches.
(module
  (func $select (param i32 i32) (result i32)
    block (result i32)
      i32.const 7
      block (param i32) (result i32)
        local.get 1
        local.get 0
        br_table 0 1 1
      end
      i32.const 1
      i32.add
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $select: 2 param cells, 2 local cells, 5 frame cells, 14 ops
;;      0 @23       Const32 { dst: 2, value: 7 }
;;      1 @29       Copy { dst: 3, src: 1 }
;;      2 @29       BrTable { index: 0, bias: 0, len: 2 }
;;      3 @29       Br { offset: 84 }
;;      4 @29       Br { offset: 112 }
;;      5 @29       Br { offset: 140 }
;;      6 @29       Copy { dst: 2, src: 3 }
;;      7 @29       Br { offset: 140 }
;;      8 @29       Copy { dst: 2, src: 3 }
;;      9 @29       Br { offset: 112 }
;;     10 @29       Copy { dst: 2, src: 3 }
;;     11 @29       Br { offset: 56 }
;;     12 @31       I32AddImm { dst: 2, lhs: 2, imm: 1 }
;;     13 @33       Return { src: 2, len: 1 }
