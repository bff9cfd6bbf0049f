;; `if` on an integer comparison: one branch on the negated comparison to the else arm.
(module
  (func $i32_lt_s (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.lt_s
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end)
  (func $i64_gt_u_imm (param i64) (result i32)
    local.get 0
    i64.const 9
    i64.gt_u
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_lt_s: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @25       BrI32GeS { lhs: 0, rhs: 1, offset: 84 }
;;      1 @29       Const32 { dst: 2, value: 1 }
;;      2 @29       Br { offset: 56 }
;;      3 @2c       Const32 { dst: 2, value: 2 }
;;      4 @2d       Return { src: 2, len: 1 }
;;
;; func 1 $i64_gt_u_imm: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @35       BrI64LeUImm { lhs: 0, imm: 9, offset: 84 }
;;      1 @39       Const32 { dst: 1, value: 1 }
;;      2 @39       Br { offset: 56 }
;;      3 @3c       Const32 { dst: 1, value: 2 }
;;      4 @3d       Return { src: 1, len: 1 }
