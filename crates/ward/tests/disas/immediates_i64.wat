;; i64 immediates: a constant that sign-extends from 32 bits is an immediate; a wider one is not.
(module
  (func $small (param i64) (result i64)
    local.get 0
    i64.const -1
    i64.add)
  (func $wide (param i64) (result i64)
    local.get 0
    i64.const 0x100000000
    i64.and)
  (func $compare (param i64) (result i32)
    local.get 0
    i64.const 100
    i64.ge_s)
  (func $unsigned_max_not_imm (param i64) (result i64)
    local.get 0
    i64.const 0xffffffff
    i64.mul))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $small: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @25       I64AddImm { dst: 1, lhs: 0, imm: 4294967295 }
;;      1 @26       Return { src: 1, len: 1 }
;;
;; func 1 $wide: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @31       Const64 { dst: 2, lo: 0, hi: 1 }
;;      1 @31       I64And { dst: 1, lhs: 0, rhs: 2 }
;;      2 @32       Return { src: 1, len: 1 }
;;
;; func 2 $compare: 1 param cells, 1 local cells, 3 frame cells, 2 ops
;;      0 @3a       I64GeSImm { dst: 1, lhs: 0, imm: 100 }
;;      1 @3b       Return { src: 1, len: 1 }
;;
;; func 3 $unsigned_max_not_imm: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @46       Const32 { dst: 2, value: 4294967295 }
;;      1 @46       I64Mul { dst: 1, lhs: 0, rhs: 2 }
;;      2 @47       Return { src: 1, len: 1 }
