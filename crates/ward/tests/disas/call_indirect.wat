;; `call_indirect`: arguments in consecutive slots, the table index read from its slot.
(module
  (type $bin (func (param i32 i32) (result i32)))
  (table 1 funcref)
  (func $call (param i32 i32 i32) (result i32)
    local.get 0
    local.get 1
    local.get 2
    call_indirect (type $bin)))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $call: 3 param cells, 3 local cells, 6 frame cells, 3 ops
;;      0 @2d       Copy2 { dst: 3, src: 0, dst2: 4, src2: 1 }
;;      1 @2d       CallIndirect { type_index: TypeIndex(0), table: TableIndex(0), index: 2, base: 3 }
;;      2 @30       Return { src: 3, len: 1 }
