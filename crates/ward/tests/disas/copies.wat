;; Two moves in a row are one `Copy2`, which moves in order; a move that a branch reaches
;; (the first op of a loop) does not merge into the move before it.
(module
  (func $swap (param i32 i32) (result i32) (local i32)
    local.get 0
    local.set 2
    local.get 1
    local.set 0
    local.get 2
    local.set 1
    local.get 0
    local.get 1
    i32.sub)
  (func $loop_head (param i32 i32) (result i32) (local i32)
    local.get 0
    local.set 2
    loop
      local.get 1
      local.set 0
      local.get 0
      i32.const 1
      i32.sub
      local.tee 1
      br_if 0
    end
    local.get 2))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $swap: 2 param cells, 3 local cells, 5 frame cells, 4 ops
;;      0 @1f       Copy2 { dst: 2, src: 0, dst2: 0, src2: 1 }
;;      1 @27       Copy { dst: 1, src: 2 }
;;      2 @2d       I32Sub { dst: 3, lhs: 0, rhs: 1 }
;;      3 @2e       Return { src: 3, len: 1 }
;;
;; func 1 $loop_head: 2 param cells, 3 local cells, 5 frame cells, 5 ops
;;      0 @35       Copy { dst: 2, src: 0 }
;;      1 @3b       Copy { dst: 0, src: 1 }
;;      2 @41       I32SubImm { dst: 1, lhs: 0, imm: 1 } >acc+slot
;;      3 @44       BrIfNez { cond: 1, offset: -56 } <acc
;;      4 @49       Return { src: 2, len: 1 }
