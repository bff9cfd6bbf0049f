;; Address folding for stores (`...At`), but not when the sum reads the accumulator.
(module
  (memory 1)
  (func $i32_store (param i32 i32)
    local.get 0
    i32.const 12
    i32.add
    local.get 1
    i32.store)
  (func $f32_store (param i32 f32)
    local.get 0
    i32.const 4
    i32.add
    local.get 1
    f32.store offset=8)
  (func $i64_store16 (param i32 i64)
    local.get 0
    i32.const 2
    i32.add
    local.get 1
    i64.store16)
  (func $sum_from_acc (param i32 i32 i32)
    local.get 0
    local.get 1
    i32.mul
    i32.const 4
    i32.add
    local.get 2
    i32.store))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32_store: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @38       I32StoreAt { addr: 0, src: 1, imm: 12, offset: 0 }
;;      1 @3b       Return { src: 2, len: 0 }
;;
;; func 1 $f32_store: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @45       I32StoreAt { addr: 0, src: 1, imm: 4, offset: 8 }
;;      1 @48       Return { src: 2, len: 0 }
;;
;; func 2 $i64_store16: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @52       I32Store16At { addr: 0, src: 1, imm: 2, offset: 0 }
;;      1 @55       Return { src: 2, len: 0 }
;;
;; func 3 $sum_from_acc: 3 param cells, 3 local cells, 5 frame cells, 4 ops
;;      0 @5c       I32Mul { dst: 3, lhs: 0, rhs: 1 } >acc
;;      1 @5f       I32AddImm { dst: 3, lhs: 3, imm: 4 } <acc
;;      2 @62       I32Store { addr: 3, src: 2, offset: 0 }
;;      3 @65       Return { src: 3, len: 0 }
