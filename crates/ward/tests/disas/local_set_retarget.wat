;; `local.set` retargets the op that made its value to write the local directly.
(module
  (func $retarget (param i32 i32) (local i32)
    local.get 0
    local.get 1
    i32.mul
    local.set 2)
  (func $from_const (local i64)
    i64.const 7
    local.set 0)
  (func $from_local (param i32) (local i32)
    local.get 0
    local.set 1)
  (func $load (param i32) (local i32)
    local.get 0
    i32.load8_u
    local.set 1)
  (memory 1))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $retarget: 2 param cells, 3 local cells, 5 frame cells, 2 ops
;;      0 @2e       I32Mul { dst: 2, lhs: 0, rhs: 1 }
;;      1 @31       Return { src: 3, len: 0 }
;;
;; func 1 $from_const: 0 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @38       Const32 { dst: 0, value: 7 }
;;      1 @3a       Return { src: 1, len: 0 }
;;
;; func 2 $from_local: 1 param cells, 2 local cells, 3 frame cells, 2 ops
;;      0 @41       Copy { dst: 1, src: 0 }
;;      1 @43       Return { src: 2, len: 0 }
;;
;; func 3 $load: 1 param cells, 2 local cells, 3 frame cells, 2 ops
;;      0 @4a       I32Load8U { dst: 1, addr: 0, offset: 0 }
;;      1 @4f       Return { src: 2, len: 0 }
