;; Fuel: a `ConsumeFuel` at entry and after each label charges the wasm instructions up to the next.
;;! fuel
(module
  (func $regions (param i32) (result i32)
    local.get 0
    if (result i32)
      local.get 0
      i32.const 1
      i32.add
    else
      i32.const 0
    end
    loop (result i32)
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if 0
      local.get 0
    end
    i32.add)
  (func $second (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $regions: 1 param cells, 1 local cells, 4 frame cells, 14 ops
;;      0 @1a       ConsumeFuel { amount: 6 }
;;      1 @1c       BrIfEqz { cond: 0, offset: 84 }
;;      2 @22       I32AddImm { dst: 1, lhs: 0, imm: 1 }
;;      3 @23       Br { offset: 84 }
;;      4 @23       ConsumeFuel { amount: 2 }
;;      5 @26       Const32 { dst: 1, value: 0 }
;;      6 @26       ConsumeFuel { amount: 1 }
;;      7 @27       ConsumeFuel { amount: 7 }
;;      8 @2d       I32SubImm { dst: 0, lhs: 0, imm: 1 } >acc+slot
;;      9 @30       BrIfNez { cond: 0, offset: -56 } <acc
;;     10 @34       Copy { dst: 2, src: 0 }
;;     11 @34       ConsumeFuel { amount: 2 }
;;     12 @35       I32Add { dst: 1, lhs: 1, rhs: 2 }
;;     13 @36       Return { src: 1, len: 1 }
;;
;; func 1 $second: 1 param cells, 1 local cells, 3 frame cells, 3 ops
;;      0 @39       ConsumeFuel { amount: 4 }
;;      1 @3d       I32AddImm { dst: 1, lhs: 0, imm: 1 }
;;      2 @3e       Return { src: 1, len: 1 }
