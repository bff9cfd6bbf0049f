;; Block parameters: copied to the block's stack slots at entry; a loop's branch carries them back.
(module
  (type $pair (func (param i32 i32) (result i32)))
  (func $block_params (param i32 i32) (result i32)
    local.get 0
    local.get 1
    block (type $pair)
      i32.add
    end)
  (func $loop_params (param i32) (result i32)
    local.get 0
    loop (param i32) (result i32)
      i32.const 1
      i32.sub
      local.tee 0
      local.get 0
      br_if 0
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $block_params: 2 param cells, 2 local cells, 4 frame cells, 3 ops
;;      0 @24       Copy2 { dst: 2, src: 0, dst2: 3, src2: 1 }
;;      1 @26       I32Add { dst: 2, lhs: 3, rhs: 2 }
;;      2 @28       Return { src: 2, len: 1 }
;;
;; func 1 $loop_params: 1 param cells, 1 local cells, 3 frame cells, 5 ops
;;      0 @2d       Copy { dst: 1, src: 0 }
;;      1 @31       I32SubImm { dst: 0, lhs: 1, imm: 1 } >acc+slot
;;      2 @36       Copy { dst: 1, src: 0 }
;;      3 @36       BrIfNez { cond: 0, offset: -56 } <acc
;;      4 @39       Return { src: 1, len: 1 }
