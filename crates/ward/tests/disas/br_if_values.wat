;; `br_if` with a value to move: a negated branch skips a copy and `Br`; without a move, one branch.
(module
  (func $move (param i32 i32) (result i32)
    block (result i32)
      i32.const 5
      local.get 0
      local.get 0
      local.get 1
      i32.lt_s
      br_if 0
      i32.add
    end)
  (func $no_move (param i32) (result i32)
    block (result i32)
      local.get 0
      i32.const 3
      i32.mul
      local.get 0
      br_if 0
      i32.const 1
      i32.add
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $move: 2 param cells, 2 local cells, 6 frame cells, 6 ops
;;      0 @2b       Copy { dst: 3, src: 0 }
;;      1 @2b       BrI32GeS { lhs: 0, rhs: 1, offset: 84 }
;;      2 @2b       Copy { dst: 2, src: 3 }
;;      3 @2b       Br { offset: 56 }
;;      4 @2d       I32AddImm { dst: 2, lhs: 3, imm: 5 }
;;      5 @2f       Return { src: 2, len: 1 }
;;
;; func 1 $no_move: 1 param cells, 1 local cells, 3 frame cells, 4 ops
;;      0 @38       I32MulImm { dst: 1, lhs: 0, imm: 3 }
;;      1 @3b       BrIfNez { cond: 0, offset: 56 }
;;      2 @3f       I32AddImm { dst: 1, lhs: 1, imm: 1 }
;;      3 @41       Return { src: 1, len: 1 }
