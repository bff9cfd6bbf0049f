;; `local.tee` of a fresh result: the producer writes local and accumulator (`>acc+slot`).
(module
  (func $tee (param i32 i32) (result i32) (local i32)
    local.get 0
    local.get 1
    i32.add
    local.tee 2
    i32.const 1
    i32.shl
    local.get 2
    i32.add)
  (func $tee_of_local (param i32) (result i32) (local i32)
    local.get 0
    local.tee 1
    i32.const 1
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $tee: 2 param cells, 3 local cells, 5 frame cells, 4 ops
;;      0 @26       I32Add { dst: 2, lhs: 0, rhs: 1 } >acc+slot
;;      1 @2b       I32ShlImm { dst: 3, lhs: 2, imm: 1 } <acc >acc
;;      2 @2e       I32Add { dst: 3, lhs: 3, rhs: 2 } <acc
;;      3 @2f       Return { src: 3, len: 1 }
;;
;; func 1 $tee_of_local: 1 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @36       Copy { dst: 1, src: 0 }
;;      1 @3a       I32AddImm { dst: 2, lhs: 1, imm: 1 }
;;      2 @3b       Return { src: 2, len: 1 }
