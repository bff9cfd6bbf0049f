;; Float and narrow i64 accesses use the integer ops of the same width (`f32.load` is `I32Load`).
(module
  (memory 1)
  (func $f32_load (param i32) (result f32)
    local.get 0
    f32.load)
  (func $f64_store (param i32 f64)
    local.get 0
    local.get 1
    f64.store)
  (func $i64_store32 (param i32 i64)
    local.get 0
    local.get 1
    i64.store32)
  (func $i64_store8 (param i32 i64)
    local.get 0
    local.get 1
    i64.store8 offset=3))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f32_load: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @2d       I32Load { dst: 1, addr: 0, offset: 0 }
;;      1 @30       Return { src: 1, len: 1 }
;;
;; func 1 $f64_store: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @37       I64Store { addr: 0, src: 1, offset: 0 }
;;      1 @3a       Return { src: 2, len: 0 }
;;
;; func 2 $i64_store32: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @41       I32Store { addr: 0, src: 1, offset: 0 }
;;      1 @44       Return { src: 2, len: 0 }
;;
;; func 3 $i64_store8: 2 param cells, 2 local cells, 4 frame cells, 2 ops
;;      0 @4b       I32Store8 { addr: 0, src: 1, offset: 3 }
;;      1 @4e       Return { src: 2, len: 0 }
