;; Compare-and-branch fusion with an immediate: `BrI32GtUImm`, `BrI64EqImm`.
(module
  (func $i32_gt_u (param i32) (result i32)
    block
      local.get 0
      i32.const 10
      i32.gt_u
      br_if 0
      i32.const 1
      return
    end
    i32.const 2)
  (func $i64_eq (param i64) (result i32)
    block
      local.get 0
      i64.const -3
      i64.eq
      br_if 0
      i32.const 1
      return
    end
    i32.const 2))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_gt_u: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @26       BrI32GtUImm { lhs: 0, imm: 10, offset: 84 }
;;      1 @2a       Const32 { dst: 1, value: 1 }
;;      2 @2a       Return { src: 1, len: 1 }
;;      3 @2e       Const32 { dst: 1, value: 2 }
;;      4 @2e       Return { src: 1, len: 1 }
;;
;; func 1 $i64_eq: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @38       BrI64EqImm { lhs: 0, imm: 4294967293, offset: 84 }
;;      1 @3c       Const32 { dst: 1, value: 1 }
;;      2 @3c       Return { src: 1, len: 1 }
;;      3 @40       Const32 { dst: 1, value: 2 }
;;      4 @40       Return { src: 1, len: 1 }
