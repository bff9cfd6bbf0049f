;; Interrupt checks: `CheckInterrupt` at function entry and at every loop head.
;;! interruptible
(module
  (func $loops (param i32)
    loop
      loop
        local.get 0
        i32.const 1
        i32.sub
        local.tee 0
        br_if 0
      end
      local.get 0
      br_if 0
    end)
  (func $no_loop (param i32) (result i32)
    local.get 0))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $loops: 1 param cells, 1 local cells, 3 frame cells, 7 ops
;;      0 @1e       CheckInterrupt
;;      1 @1e       CheckInterrupt
;;      2 @20       CheckInterrupt
;;      3 @26       I32SubImm { dst: 0, lhs: 0, imm: 1 } >acc+slot
;;      4 @29       BrIfNez { cond: 0, offset: -56 } <acc
;;      5 @2e       BrIfNez { cond: 0, offset: -112 }
;;      6 @31       Return { src: 1, len: 0 }
;;
;; func 1 $no_loop: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @34       CheckInterrupt
;;      1 @36       Return { src: 0, len: 1 }
