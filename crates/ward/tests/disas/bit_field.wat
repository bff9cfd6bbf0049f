;; A bit field (`i32.shr_u` by a constant, then `i32.and` of a constant): one `I32ShrUAndImm`,
;; its operand through the accumulator when the op before computes it, its result retargeted
;; by `local.set`; a shift whose result is read twice, or a signed shift, stays two ops.
(module
  (func $field (param i32) (result i32)
    local.get 0
    i32.const 7
    i32.shr_u
    i32.const 255
    i32.and)
  (func $field_of_sum (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add
    i32.const 35
    i32.shr_u
    i32.const 0x1ff
    i32.and)
  (func $field_to_local (param i32) (result i32) (local i32)
    local.get 0
    i32.const 12
    i32.shr_u
    i32.const 15
    i32.and
    local.set 1
    local.get 1
    local.get 0
    i32.add)
  (func $shift_kept (param i32) (result i32) (local i32)
    local.get 0
    i32.const 4
    i32.shr_u
    local.tee 1
    i32.const 3
    i32.and
    local.get 1
    i32.add)
  (func $signed (param i32) (result i32)
    local.get 0
    i32.const 4
    i32.shr_s
    i32.const 3
    i32.and))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $field: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @2b       I32ShrUAndImm { dst: 1, lhs: 0, shift: 7, mask: 255 }
;;      1 @2c       Return { src: 1, len: 1 }
;;
;; func 1 $field_of_sum: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @33       I32Add { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @3a       I32ShrUAndImm { dst: 2, lhs: 2, shift: 35, mask: 511 } <acc
;;      2 @3b       Return { src: 2, len: 1 }
;;
;; func 2 $field_to_local: 1 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @47       I32ShrUAndImm { dst: 1, lhs: 0, shift: 12, mask: 15 }
;;      1 @4e       I32Add { dst: 2, lhs: 1, rhs: 0 }
;;      2 @4f       Return { src: 2, len: 1 }
;;
;; func 3 $shift_kept: 1 param cells, 2 local cells, 4 frame cells, 4 ops
;;      0 @58       I32ShrUImm { dst: 1, lhs: 0, imm: 4 } >acc+slot
;;      1 @5d       I32AndImm { dst: 2, lhs: 1, imm: 3 } <acc >acc
;;      2 @60       I32Add { dst: 2, lhs: 2, rhs: 1 } <acc
;;      3 @61       Return { src: 2, len: 1 }
;;
;; func 4 $signed: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @68       I32ShrSImm { dst: 1, lhs: 0, imm: 4 } >acc
;;      1 @6b       I32AndImm { dst: 1, lhs: 1, imm: 3 } <acc
;;      2 @6c       Return { src: 1, len: 1 }
