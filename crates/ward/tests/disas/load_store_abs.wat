;; Constant addresses: loads and stores at an `i32.const` address are `...Abs` ops.
(module
  (memory 1)
  (func $load (result i32)
    i32.const 1024
    i32.load offset=4)
  (func $load16_u (result i64)
    i32.const 64
    i64.load16_u)
  (func $store (param f64)
    i32.const 2048
    local.get 0
    f64.store)
  (func $store8 (param i32)
    i32.const 3
    local.get 0
    i32.store8))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $load: 0 param cells, 0 local cells, 1 frame cells, 2 ops
;;      0 @2f       I32LoadAbs { dst: 0, addr: 1024, offset: 4 }
;;      1 @32       Return { src: 0, len: 1 }
;;
;; func 1 $load16_u: 0 param cells, 0 local cells, 1 frame cells, 2 ops
;;      0 @38       I64Load16UAbs { dst: 0, addr: 64, offset: 0 }
;;      1 @3b       Return { src: 0, len: 1 }
;;
;; func 2 $store: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @43       I64StoreAbs { addr: 2048, src: 0, offset: 0 }
;;      1 @46       Return { src: 1, len: 0 }
;;
;; func 3 $store8: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @4d       I32Store8Abs { addr: 3, src: 0, offset: 0 }
;;      1 @50       Return { src: 1, len: 0 }
