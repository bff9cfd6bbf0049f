;; Lazy local reads are copied to their stack slots before a label (block, loop, if).
(module
  (func $block (param i32) (result i32)
    local.get 0
    block
      i32.const 5
      local.set 0
    end
    local.get 0
    i32.add)
  (func $loop (param i32) (result i32)
    local.get 0
    loop
    end)
  (func $if (param i32 i32) (result i32)
    local.get 0
    local.get 1
    if
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $block: 1 param cells, 1 local cells, 3 frame cells, 4 ops
;;      0 @23       Copy { dst: 1, src: 0 }
;;      1 @27       Const32 { dst: 0, value: 5 }
;;      2 @2c       I32Add { dst: 1, lhs: 1, rhs: 0 }
;;      3 @2d       Return { src: 1, len: 1 }
;;
;; func 1 $loop: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @32       Copy { dst: 1, src: 0 }
;;      1 @35       Return { src: 1, len: 1 }
;;
;; func 2 $if: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @3c       Copy { dst: 2, src: 0 }
;;      1 @3c       BrIfEqz { cond: 1, offset: 28 }
;;      2 @3f       Return { src: 2, len: 1 }
