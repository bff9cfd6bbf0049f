;; Stores of constants with address folding (`...StoreImmAt`) and constant addresses (`...Abs`).
(module
  (memory 1)
  (func $imm_at (param i32)
    local.get 0
    i32.const 8
    i32.add
    i32.const 1
    i32.store)
  (func $imm_at_16 (param i32)
    local.get 0
    i32.const 2
    i32.add
    i32.const 0xffff
    i32.store16)
  (func $imm_abs
    i32.const 256
    i64.const 5
    i64.store offset=8)
  (func $imm_abs_8
    i32.const 0
    i32.const 1
    i32.store8))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $imm_at: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @2a       I32StoreImmAt { addr: 0, value: 1, imm: 8, offset: 0 }
;;      1 @2d       Return { src: 1, len: 0 }
;;
;; func 1 $imm_at_16: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @39       I32Store16ImmAt { addr: 0, value: 65535, imm: 2, offset: 0 }
;;      1 @3c       Return { src: 1, len: 0 }
;;
;; func 2 $imm_abs: 0 param cells, 0 local cells, 2 frame cells, 2 ops
;;      0 @44       I64StoreImmAbs { addr: 256, value: 5, offset: 8 }
;;      1 @47       Return { src: 0, len: 0 }
;;
;; func 3 $imm_abs_8: 0 param cells, 0 local cells, 2 frame cells, 2 ops
;;      0 @4e       I32Store8ImmAbs { addr: 0, value: 1, offset: 0 }
;;      1 @51       Return { src: 0, len: 0 }
