;; Lazy local reads: at most 16 are pending; the 17th `local.get` is copied at once.
(module
  (func $sum17 (param i32) (result i32)
    local.get 0 local.get 0 local.get 0 local.get 0
    local.get 0 local.get 0 local.get 0 local.get 0
    local.get 0 local.get 0 local.get 0 local.get 0
    local.get 0 local.get 0 local.get 0 local.get 0
    local.get 0
    i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $sum17: 1 param cells, 1 local cells, 18 frame cells, 18 ops
;;      0 @39       Copy { dst: 17, src: 0 }
;;      1 @3b       I32Add { dst: 16, lhs: 17, rhs: 0 } >acc
;;      2 @3c       I32Add { dst: 15, lhs: 16, rhs: 0 } <acc >acc
;;      3 @3d       I32Add { dst: 14, lhs: 15, rhs: 0 } <acc >acc
;;      4 @3e       I32Add { dst: 13, lhs: 14, rhs: 0 } <acc >acc
;;      5 @3f       I32Add { dst: 12, lhs: 13, rhs: 0 } <acc >acc
;;      6 @40       I32Add { dst: 11, lhs: 12, rhs: 0 } <acc >acc
;;      7 @41       I32Add { dst: 10, lhs: 11, rhs: 0 } <acc >acc
;;      8 @42       I32Add { dst: 9, lhs: 10, rhs: 0 } <acc >acc
;;      9 @43       I32Add { dst: 8, lhs: 9, rhs: 0 } <acc >acc
;;     10 @44       I32Add { dst: 7, lhs: 8, rhs: 0 } <acc >acc
;;     11 @45       I32Add { dst: 6, lhs: 7, rhs: 0 } <acc >acc
;;     12 @46       I32Add { dst: 5, lhs: 6, rhs: 0 } <acc >acc
;;     13 @47       I32Add { dst: 4, lhs: 5, rhs: 0 } <acc >acc
;;     14 @48       I32Add { dst: 3, lhs: 4, rhs: 0 } <acc >acc
;;     15 @49       I32Add { dst: 2, lhs: 3, rhs: 0 } <acc >acc
;;     16 @4a       I32Add { dst: 1, lhs: 2, rhs: 0 } <acc
;;     17 @4b       Return { src: 1, len: 1 }
