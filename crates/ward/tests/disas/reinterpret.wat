;; Reinterpretations change only the value's type: they produce no op.
(module
  (func $f32_bits (param f32) (result i32)
    local.get 0
    i32.reinterpret_f32)
  (func $f64_bits_and (param f64) (result i64)
    local.get 0
    i64.reinterpret_f64
    i64.const 0x7fffffff
    i64.and)
  (func $from_bits (param i32) (result f32)
    local.get 0
    i32.const 1
    i32.add
    f32.reinterpret_i32))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f32_bits: 1 param cells, 1 local cells, 2 frame cells, 1 ops
;;      0 @28       Return { src: 0, len: 1 }
;;
;; func 1 $f64_bits_and: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @34       I64AndImm { dst: 1, lhs: 0, imm: 2147483647 }
;;      1 @35       Return { src: 1, len: 1 }
;;
;; func 2 $from_bits: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @3c       I32AddImm { dst: 1, lhs: 0, imm: 1 }
;;      1 @3e       Return { src: 1, len: 1 }
