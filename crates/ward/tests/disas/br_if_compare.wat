;; Compare-and-branch fusion: `br_if` on an i32/i64 comparison is one branch op (`BrI32LtS`, ...).
(module
  (func $i32_lt_s (param i32 i32) (result i32)
    block
      local.get 0
      local.get 1
      i32.lt_s
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $i64_ne (param i64 i64) (result i32)
    block
      local.get 0
      local.get 1
      i64.ne
      br_if 0
      i32.const 1
      return
    end
    i32.const 2))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_lt_s: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @28       BrI32LtS { lhs: 0, rhs: 1, offset: 84 }
;;      1 @2c       Const32 { dst: 2, value: 1 }
;;      2 @2c       Return { src: 2, len: 1 }
;;      3 @30       Const32 { dst: 2, value: 2 }
;;      4 @30       Return { src: 2, len: 1 }
;;
;; func 1 $i64_ne: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @3a       BrI64Ne { lhs: 0, rhs: 1, offset: 84 }
;;      1 @3e       Const32 { dst: 2, value: 1 }
;;      2 @3e       Return { src: 2, len: 1 }
;;      3 @42       Const32 { dst: 2, value: 2 }
;;      4 @42       Return { src: 2, len: 1 }
