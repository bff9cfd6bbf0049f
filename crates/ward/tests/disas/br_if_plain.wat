;; `br_if`/`if` on a non-comparison: `BrIfNez`/`BrIfEqz`, reading the accumulator when fresh.
(module
  (func $local (param i32) (result i32)
    block
      local.get 0
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $computed (param i32 i32) (result i32)
    block
      local.get 0
      local.get 1
      i32.and
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $if_computed (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.and
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $local: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @25       BrIfNez { cond: 0, offset: 84 }
;;      1 @29       Const32 { dst: 1, value: 1 }
;;      2 @29       Return { src: 1, len: 1 }
;;      3 @2d       Const32 { dst: 1, value: 2 }
;;      4 @2d       Return { src: 1, len: 1 }
;;
;; func 1 $computed: 2 param cells, 2 local cells, 4 frame cells, 6 ops
;;      0 @36       I32And { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @37       BrIfNez { cond: 2, offset: 84 } <acc
;;      2 @3b       Const32 { dst: 2, value: 1 }
;;      3 @3b       Return { src: 2, len: 1 }
;;      4 @3f       Const32 { dst: 2, value: 2 }
;;      5 @3f       Return { src: 2, len: 1 }
;;
;; func 2 $if_computed: 2 param cells, 2 local cells, 4 frame cells, 6 ops
;;      0 @46       I32And { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @47       BrIfEqz { cond: 2, offset: 84 } <acc
;;      2 @4b       Const32 { dst: 2, value: 1 }
;;      3 @4b       Br { offset: 56 }
;;      4 @4e       Const32 { dst: 2, value: 2 }
;;      5 @4f       Return { src: 2, len: 1 }
