;; Compare-and-branch fusion reads the comparison's first operand from the accumulator (`<acc`).
(module
  (func $loop_count (param i32) (result i32) (local i32)
    loop
      local.get 1
      i32.const 1
      i32.add
      local.tee 1
      local.get 0
      i32.lt_u
      br_if 0
    end
    local.get 1)
  (func $computed_lhs (param i32 i32) (result i32)
    block
      local.get 0
      local.get 1
      i32.sub
      i32.const 100
      i32.gt_s
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $if_computed_lhs (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.xor
    local.get 1
    i32.lt_u
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $loop_count: 1 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @29       I32AddImm { dst: 1, lhs: 1, imm: 1 } >acc+slot
;;      1 @2f       BrI32LtU { lhs: 1, rhs: 0, offset: -28 } <acc
;;      2 @34       Return { src: 1, len: 1 }
;;
;; func 1 $computed_lhs: 2 param cells, 2 local cells, 4 frame cells, 6 ops
;;      0 @3d       I32Sub { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @42       BrI32GtSImm { lhs: 2, imm: 100, offset: 84 } <acc
;;      2 @46       Const32 { dst: 2, value: 1 }
;;      3 @46       Return { src: 2, len: 1 }
;;      4 @4a       Const32 { dst: 2, value: 2 }
;;      5 @4a       Return { src: 2, len: 1 }
;;
;; func 2 $if_computed_lhs: 2 param cells, 2 local cells, 4 frame cells, 6 ops
;;      0 @51       I32Xor { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @55       BrI32GeU { lhs: 2, rhs: 1, offset: 84 } <acc
;;      2 @59       Const32 { dst: 2, value: 1 }
;;      3 @59       Br { offset: 56 }
;;      4 @5c       Const32 { dst: 2, value: 2 }
;;      5 @5d       Return { src: 2, len: 1 }
