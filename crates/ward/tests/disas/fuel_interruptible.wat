;; Fuel and interrupt checks together: the fuel charge comes first at entry and loop heads.
;;! fuel interruptible
(module
  (func $loop (param i32)
    loop
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if 0
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $loop: 1 param cells, 1 local cells, 3 frame cells, 8 ops
;;      0 @18       ConsumeFuel { amount: 1 }
;;      1 @18       CheckInterrupt
;;      2 @18       ConsumeFuel { amount: 6 }
;;      3 @18       CheckInterrupt
;;      4 @1e       I32SubImm { dst: 0, lhs: 0, imm: 1 } >acc+slot
;;      5 @21       BrIfNez { cond: 0, offset: -84 } <acc
;;      6 @23       ConsumeFuel { amount: 1 }
;;      7 @24       Return { src: 1, len: 0 }
