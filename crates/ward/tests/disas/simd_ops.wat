;; SIMD ops use two-cell slots: `CopySpan` for v128 locals, lane ops carry the lane.
(module
  (memory 1)
  (func $lanes (param v128 i32) (result i32) (local v128)
    local.get 0
    local.set 2
    local.get 2
    local.get 1
    i32x4.replace_lane 1
    i32x4.extract_lane 1)
  (func $load_store (param i32)
    local.get 0
    local.get 0
    i32.const 16
    i32.add
    v128.load
    v128.store)
  (func $bitselect (param v128 v128 v128) (result v128)
    local.get 0
    local.get 1
    local.get 2
    v128.bitselect))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $lanes: 3 param cells, 5 local cells, 8 frame cells, 4 ops
;;      0 @30       CopySpan { dst: 3, src: 0, len: 2 }
;;      1 @36       I32x4ReplaceLane { dst: 5, src: 3, value: 2, lane: 1 }
;;      2 @39       I32x4ExtractLane { dst: 5, src: 5, lane: 1 }
;;      3 @3c       Return { src: 5, len: 1 }
;;
;; func 1 $load_store: 1 param cells, 1 local cells, 4 frame cells, 4 ops
;;      0 @45       I32AddImm { dst: 2, lhs: 0, imm: 16 }
;;      1 @46       V128Load { dst: 2, addr: 2, offset: 0 }
;;      2 @4a       V128Store { addr: 0, src: 2, offset: 0 }
;;      3 @4e       Return { src: 1, len: 0 }
;;
;; func 2 $bitselect: 6 param cells, 6 local cells, 12 frame cells, 2 ops
;;      0 @57       V128Bitselect { dst: 6, lhs: 0, rhs: 2, mask: 4 }
;;      1 @59       Return { src: 6, len: 2 }
