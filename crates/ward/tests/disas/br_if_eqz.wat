;; Branch fusion on eqz: `i32.eqz` is `BrIfEqz`, `i64.eqz` `BrI64EqImm` 0; `if` takes the negations.
(module
  (func $br_if_i32_eqz (param i32) (result i32)
    block
      local.get 0
      i32.eqz
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $br_if_i64_eqz (param i64) (result i32)
    block
      local.get 0
      i64.eqz
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $if_i32_eqz (param i32) (result i32)
    local.get 0
    i32.eqz
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end)
  (func $if_i64_eqz (param i64) (result i32)
    local.get 0
    i64.eqz
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $br_if_i32_eqz: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @26       BrIfEqz { cond: 0, offset: 84 }
;;      1 @2a       Const32 { dst: 1, value: 1 }
;;      2 @2a       Return { src: 1, len: 1 }
;;      3 @2e       Const32 { dst: 1, value: 2 }
;;      4 @2e       Return { src: 1, len: 1 }
;;
;; func 1 $br_if_i64_eqz: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @36       BrI64EqImm { lhs: 0, imm: 0, offset: 84 }
;;      1 @3a       Const32 { dst: 1, value: 1 }
;;      2 @3a       Return { src: 1, len: 1 }
;;      3 @3e       Const32 { dst: 1, value: 2 }
;;      4 @3e       Return { src: 1, len: 1 }
;;
;; func 2 $if_i32_eqz: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @44       BrIfNez { cond: 0, offset: 84 }
;;      1 @48       Const32 { dst: 1, value: 1 }
;;      2 @48       Br { offset: 56 }
;;      3 @4b       Const32 { dst: 1, value: 2 }
;;      4 @4c       Return { src: 1, len: 1 }
;;
;; func 3 $if_i64_eqz: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @52       BrI64NeImm { lhs: 0, imm: 0, offset: 84 }
;;      1 @56       Const32 { dst: 1, value: 1 }
;;      2 @56       Br { offset: 56 }
;;      3 @59       Const32 { dst: 1, value: 2 }
;;      4 @5a       Return { src: 1, len: 1 }
