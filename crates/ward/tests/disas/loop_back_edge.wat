;; A loop's back edge: a branch with a negative offset to the loop's first op.
(module
  (func $count_down (param i32) (result i32)
    loop
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if 0
    end
    local.get 0))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $count_down: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @1f       I32SubImm { dst: 0, lhs: 0, imm: 1 } >acc+slot
;;      1 @22       BrIfNez { cond: 0, offset: -28 } <acc
;;      2 @27       Return { src: 0, len: 1 }
