;; Typed function references: `call_ref` is one op that reads the reference and the
;; frame base; `br_on_null` and `br_on_non_null` are the fused 64-bit compare-with-zero
;; branches on the reference's slot, with no op of their own; `ref.as_non_null` checks
;; the reference where it is and leaves it there.
(module
  (type $t (func (param i32) (result i32)))
  (func $call (param (ref null $t)) (result i32)
    i32.const 1
    local.get 0
    call_ref $t)
  (func $tail (param (ref $t)) (result i32)
    i32.const 2
    local.get 0
    return_call_ref $t)
  (func $on_null (param (ref null $t)) (result i32)
    block $null
      local.get 0
      br_on_null $null
      drop
      i32.const 3
      local.get 0
      ref.as_non_null
      call_ref $t
      return
    end
    i32.const -1)
  (func $on_non_null (param (ref null $t)) (result i32)
    i32.const 4
    block $found (result (ref $t))
      local.get 0
      br_on_non_null $found
      i32.const -1
      return
    end
    call_ref $t))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $call: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @2c       Const32 { dst: 1, value: 1 }
;;      1 @2c       CallRef { callee: 0, base: 1 }
;;      2 @2e       Return { src: 1, len: 1 }
;;
;; func 1 $tail: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @35       Const32 { dst: 1, value: 2 }
;;      1 @35       ReturnCallRef { callee: 0, base: 1 }
;;
;; func 2 $on_null: 1 param cells, 1 local cells, 3 frame cells, 7 ops
;;      0 @3e       BrI64EqImm { lhs: 0, imm: 0, offset: 140 }
;;      1 @45       RefAsNonNull { src: 0 }
;;      2 @46       Const32 { dst: 1, value: 3 }
;;      3 @46       CallRef { callee: 0, base: 1 }
;;      4 @48       Return { src: 1, len: 1 }
;;      5 @4c       Const32 { dst: 1, value: 4294967295 }
;;      6 @4c       Return { src: 1, len: 1 }
;;
;; func 3 $on_non_null: 1 param cells, 1 local cells, 3 frame cells, 7 ops
;;      0 @56       Copy { dst: 2, src: 0 }
;;      1 @56       BrI64NeImm { lhs: 0, imm: 0, offset: 84 }
;;      2 @5a       Const32 { dst: 2, value: 4294967295 }
;;      3 @5a       Return { src: 2, len: 1 }
;;      4 @5c       Const32 { dst: 1, value: 4 }
;;      5 @5c       CallRef { callee: 2, base: 1 }
;;      6 @5e       Return { src: 1, len: 1 }
