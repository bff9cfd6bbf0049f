;; SIMD: `v128.const` and shuffle lanes live in the constant pool, equal constants shared.
(module
  (func $consts (result v128)
    v128.const i32x4 1 2 3 4
    v128.const i32x4 5 6 7 8
    i32x4.add
    v128.const i32x4 1 2 3 4
    i32x4.mul)
  (func $shuffle (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $consts: 0 param cells, 0 local cells, 4 frame cells, 6 ops
;;      0 @1f       V128Const { dst: 0, index: 0 }
;;      1 @31       V128Const { dst: 2, index: 1 }
;;      2 @43       I32x4Add { dst: 0, lhs: 0, rhs: 2 }
;;      3 @46       V128Const { dst: 2, index: 0 }
;;      4 @58       I32x4Mul { dst: 0, lhs: 0, rhs: 2 }
;;      5 @5b       Return { src: 0, len: 2 }
;;
;; func 1 $shuffle: 4 param cells, 4 local cells, 8 frame cells, 2 ops
;;      0 @62       I8x16Shuffle { dst: 4, lhs: 0, rhs: 2, index: 0 }
;;      1 @74       Return { src: 4, len: 2 }
