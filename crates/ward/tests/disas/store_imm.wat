;; Stores of constants: the value inline (`...StoreImm`); i64 only if it sign-extends from 32 bits.
(module
  (memory 1)
  (func $i32 (param i32)
    local.get 0
    i32.const 77
    i32.store)
  (func $i32_8 (param i32)
    local.get 0
    i32.const 255
    i32.store8 offset=1)
  (func $i64_16 (param i32)
    local.get 0
    i64.const -2
    i64.store16)
  (func $i64_small (param i32)
    local.get 0
    i64.const -1
    i64.store)
  (func $i64_wide (param i32)
    local.get 0
    i64.const 0x123456789
    i64.store)
  (func $f32 (param i32)
    local.get 0
    f32.const 1.0
    f32.store)
  (func $f64_zero (param i32)
    local.get 0
    f64.const 0
    f64.store))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $i32: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @28       I32StoreImm { addr: 0, value: 77, offset: 0 }
;;      1 @2b       Return { src: 1, len: 0 }
;;
;; func 1 $i32_8: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @33       I32Store8Imm { addr: 0, value: 255, offset: 1 }
;;      1 @36       Return { src: 1, len: 0 }
;;
;; func 2 $i64_16: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @3d       I32Store16Imm { addr: 0, value: 4294967294, offset: 0 }
;;      1 @40       Return { src: 1, len: 0 }
;;
;; func 3 $i64_small: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @47       I64StoreImm { addr: 0, value: 4294967295, offset: 0 }
;;      1 @4a       Return { src: 1, len: 0 }
;;
;; func 4 $i64_wide: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @55       Const64 { dst: 2, lo: 591751049, hi: 1 }
;;      1 @55       I64Store { addr: 0, src: 2, offset: 0 }
;;      2 @58       Return { src: 1, len: 0 }
;;
;; func 5 $f32: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @62       I32StoreImm { addr: 0, value: 1065353216, offset: 0 }
;;      1 @65       Return { src: 1, len: 0 }
;;
;; func 6 $f64_zero: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @73       I64StoreImm { addr: 0, value: 0, offset: 0 }
;;      1 @76       Return { src: 1, len: 0 }
