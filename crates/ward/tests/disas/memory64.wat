;; A 64-bit memory: each access first checks that its i64 address is below 2^32 (ward's
;; memories hold at most 4 GiB), unless the address is a constant that is; an offset of
;; 2^32 or more traps without reading it. Bulk ops mark their i64 operands `wide`.
(module
  (memory i64 1)
  (table $t i64 1 funcref)
  (type $v (func))
  (func $access (param i64 i32) (result i32)
    local.get 0
    local.get 1
    i32.store offset=8
    i64.const 16
    i32.load
    local.get 0
    i32.load offset=0x100000000
    i32.add)
  (func $bulk (param i64) (result i64)
    local.get 0
    i32.const 0
    local.get 0
    memory.fill
    local.get 0
    memory.grow)
  (func $table (param i64)
    local.get 0
    call_indirect $t (type $v)))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $access: 2 param cells, 2 local cells, 4 frame cells, 7 ops
;;      0 @37       Index64 { index: 0, kind: MemoryOutOfBounds, far: false }
;;      1 @37       I32Store { addr: 0, src: 1, offset: 8 }
;;      2 @3c       I32LoadAbs { dst: 2, addr: 16, offset: 0 }
;;      3 @41       Index64 { index: 0, kind: MemoryOutOfBounds, far: true }
;;      4 @41       I32Load { dst: 3, addr: 0, offset: 0 } >acc
;;      5 @48       I32Add { dst: 2, lhs: 3, rhs: 2 } <acc
;;      6 @49       Return { src: 2, len: 1 }
;;
;; func 1 $bulk: 1 param cells, 1 local cells, 4 frame cells, 6 ops
;;      0 @52       Copy { dst: 1, src: 0 }
;;      1 @52       Const32 { dst: 2, value: 0 }
;;      2 @52       Copy { dst: 3, src: 0 }
;;      3 @52       MemoryFill { base: 1, wide: 5 }
;;      4 @57       MemoryGrow { dst: 1, delta: 0, wide: true }
;;      5 @59       Return { src: 1, len: 1 }
;;
;; func 2 $table: 1 param cells, 1 local cells, 2 frame cells, 3 ops
;;      0 @5e       Index64 { index: 0, kind: UndefinedElement, far: false }
;;      1 @5e       CallIndirect { type_index: TypeIndex(0), table: TableIndex(0), index: 0, base: 1 }
;;      2 @61       Return { src: 1, len: 0 }
