;; Globals: an immutable one defined with a constant folds to an immediate; others are read.
(module
  (import "env" "imported" (global $imported i32))
  (global $const i32 (i32.const 40))
  (global $mutable (mut i32) (i32.const 40))
  (global $from_import i32 (global.get $imported))
  (global $vec v128 (v128.const i64x2 1 2))
  (func $const (param i32) (result i32)
    local.get 0
    global.get $const
    i32.add)
  (func $mutable (param i32) (result i32)
    local.get 0
    global.get $mutable
    i32.add)
  (func $imported (param i32) (result i32)
    local.get 0
    global.get $imported
    i32.add)
  (func $from_import (param i32) (result i32)
    local.get 0
    global.get $from_import
    i32.add)
  (func $set (param i32)
    local.get 0
    global.set $mutable)
  (func $vec (result v128)
    global.get $vec))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $const: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @64       I32AddImm { dst: 1, lhs: 0, imm: 40 }
;;      1 @65       Return { src: 1, len: 1 }
;;
;; func 1 $mutable: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @6a       GlobalGet { dst: 2, global: GlobalIndex(2) }
;;      1 @6c       I32Add { dst: 1, lhs: 2, rhs: 0 }
;;      2 @6d       Return { src: 1, len: 1 }
;;
;; func 2 $imported: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @72       GlobalGet { dst: 2, global: GlobalIndex(0) }
;;      1 @74       I32Add { dst: 1, lhs: 2, rhs: 0 }
;;      2 @75       Return { src: 1, len: 1 }
;;
;; func 3 $from_import: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @7a       GlobalGet { dst: 2, global: GlobalIndex(3) }
;;      1 @7c       I32Add { dst: 1, lhs: 2, rhs: 0 }
;;      2 @7d       Return { src: 1, len: 1 }
;;
;; func 4 $set: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @82       GlobalSet { src: 0, global: GlobalIndex(2) }
;;      1 @84       Return { src: 1, len: 0 }
;;
;; func 5 $vec: 0 param cells, 0 local cells, 2 frame cells, 2 ops
;;      0 @87       GlobalGet128 { dst: 0, global: GlobalIndex(4) }
;;      1 @89       Return { src: 0, len: 2 }
