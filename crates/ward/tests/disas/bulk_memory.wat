;; Memory and table ops with several operands read consecutive slots from `base`, filled first.
(module
  (memory 1)
  (data $d "abc")
  (table 2 funcref)
  (elem $e func $f)
  (func $f)
  (func $memory (param i32 i32 i32) (result i32)
    local.get 0
    local.get 1
    local.get 2
    memory.copy
    local.get 0
    i32.const 0
    local.get 2
    memory.fill
    local.get 0
    i32.const 0
    i32.const 3
    memory.init $d
    data.drop $d
    local.get 0
    memory.grow
    memory.size
    i32.add)
  (func $table (param i32) (result i32)
    local.get 0
    i32.const 0
    i32.const 1
    table.init $e
    elem.drop $e
    local.get 0
    table.get 0
    i32.const 1
    table.grow 0
    table.size 0
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f: 0 param cells, 0 local cells, 1 frame cells, 1 ops
;;      0 @3a       Return { src: 0, len: 0 }
;;
;; func 1 $memory: 3 param cells, 3 local cells, 6 frame cells, 16 ops
;;      0 @43       Copy2 { dst: 3, src: 0, dst2: 4, src2: 1 }
;;      1 @43       Copy { dst: 5, src: 2 }
;;      2 @43       MemoryCopy { base: 3, wide: 0 }
;;      3 @4d       Copy { dst: 3, src: 0 }
;;      4 @4d       Const32 { dst: 4, value: 0 }
;;      5 @4d       Copy { dst: 5, src: 2 }
;;      6 @4d       MemoryFill { base: 3, wide: 0 }
;;      7 @56       Copy { dst: 3, src: 0 }
;;      8 @56       Const32 { dst: 4, value: 0 }
;;      9 @56       Const32 { dst: 5, value: 3 }
;;     10 @56       MemoryInit { segment: DataIndex(0), base: 3, wide: 0 }
;;     11 @5a       DataDrop { segment: DataIndex(0) }
;;     12 @5f       MemoryGrow { dst: 3, delta: 0, wide: false }
;;     13 @61       MemorySize { dst: 4 }
;;     14 @63       I32Add { dst: 3, lhs: 4, rhs: 3 }
;;     15 @64       Return { src: 3, len: 1 }
;;
;; func 2 $table: 1 param cells, 1 local cells, 4 frame cells, 11 ops
;;      0 @6d       Copy { dst: 1, src: 0 }
;;      1 @6d       Const32 { dst: 2, value: 0 }
;;      2 @6d       Const32 { dst: 3, value: 1 }
;;      3 @6d       TableInit { segment: ElemIndex(0), table: TableIndex(0), base: 1, wide: 0 }
;;      4 @71       ElemDrop { segment: ElemIndex(0) }
;;      5 @76       TableGet { dst: 1, table: TableIndex(0), index: 0, wide: 0 }
;;      6 @7a       Const32 { dst: 2, value: 1 }
;;      7 @7a       TableGrow { table: TableIndex(0), base: 1, wide: 0 }
;;      8 @7d       TableSize { dst: 2, table: TableIndex(0) }
;;      9 @80       I32Add { dst: 1, lhs: 2, rhs: 1 }
;;     10 @81       Return { src: 1, len: 1 }
