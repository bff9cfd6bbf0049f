;; Address folding: `i32.add` of a constant feeding a load is one `...At` op.
(module
  (memory 1)
  (func $i32_load (param i32) (result i32)
    local.get 0
    i32.const 16
    i32.add
    i32.load offset=4)
  (func $i64_load8_s (param i32) (result i64)
    local.get 0
    i32.const 1
    i32.add
    i64.load8_s)
  (func $f64_load (param i32) (result f64)
    i32.const 8
    local.get 0
    i32.add
    f64.load)
  (func $sum_from_acc (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.mul
    i32.const 4
    i32.add
    i32.load))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_load: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @36       I32LoadAt { dst: 1, addr: 0, imm: 16, offset: 4 }
;;      1 @39       Return { src: 1, len: 1 }
;;
;; func 1 $i64_load8_s: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @41       I64Load8SAt { dst: 1, addr: 0, imm: 1, offset: 0 }
;;      1 @44       Return { src: 1, len: 1 }
;;
;; func 2 $f64_load: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @4c       I64LoadAt { dst: 1, addr: 0, imm: 8, offset: 0 }
;;      1 @4f       Return { src: 1, len: 1 }
;;
;; func 3 $sum_from_acc: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @56       I32Mul { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @5a       I32LoadAt { dst: 2, addr: 2, imm: 4, offset: 0 } <acc
;;      2 @5d       Return { src: 2, len: 1 }
