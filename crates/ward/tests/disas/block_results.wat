;; Block results: written to the stack slot at the block's height by each arm or `br`, then a jump.
(module
  (func $if_else (param i32 i32) (result i32)
    local.get 0
    if (result i32)
      local.get 1
    else
      local.get 1
      i32.const 1
      i32.add
    end)
  (func $br_value (param i32) (result i32)
    block (result i32)
      local.get 0
      i32.const 2
      i32.mul
      br 0
    end)
  (func $nested (param i32) (result i32)
    i32.const 1
    block (result i32)
      local.get 0
    end
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $if_else: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @23       BrIfEqz { cond: 0, offset: 84 }
;;      1 @27       Copy { dst: 2, src: 1 }
;;      2 @27       Br { offset: 56 }
;;      3 @2c       I32AddImm { dst: 2, lhs: 1, imm: 1 }
;;      4 @2e       Return { src: 2, len: 1 }
;;
;; func 1 $br_value: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @37       I32MulImm { dst: 1, lhs: 0, imm: 2 }
;;      1 @38       Br { offset: 28 }
;;      2 @3b       Return { src: 1, len: 1 }
;;
;; func 2 $nested: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @44       Copy { dst: 2, src: 0 }
;;      1 @45       I32AddImm { dst: 1, lhs: 2, imm: 1 }
;;      2 @46       Return { src: 1, len: 1 }
