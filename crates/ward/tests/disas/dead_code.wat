;; Dead code after `br`, `unreachable`, `return` and `br_table` is skipped up to its block's end.
(module
  (func $after_br (param i32) (result i32)
    block
      br 0
      local.get 0
      i32.const 1
      i32.add
      drop
      block
        nop
      end
    end
    local.get 0)
  (func $after_unreachable (param i32) (result i32)
    unreachable
    local.get 0
    i32.const 1
    i32.add)
  (func $after_return (param i32) (result i32)
    local.get 0
    return
    local.get 0
    i32.popcnt)
  (func $after_br_table (param i32) (result i32)
    block
      local.get 0
      br_table 0 0
      local.get 0
      drop
    end
    local.get 0)
  (func $dead_then_arm (param i32) (result i32)
    local.get 0
    if (result i32)
      unreachable
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $after_br: 1 param cells, 1 local cells, 2 frame cells, 2 ops
;;      0 @1f       Br { offset: 28 }
;;      1 @2e       Return { src: 0, len: 1 }
;;
;; func 1 $after_unreachable: 1 param cells, 1 local cells, 1 frame cells, 1 ops
;;      0 @31       Unreachable
;;
;; func 2 $after_return: 1 param cells, 1 local cells, 2 frame cells, 1 ops
;;      0 @3c       Return { src: 0, len: 1 }
;;
;; func 3 $after_br_table: 1 param cells, 1 local cells, 2 frame cells, 4 ops
;;      0 @47       BrTable { index: 0, bias: 0, len: 1 }
;;      1 @47       Br { offset: 56 }
;;      2 @47       Br { offset: 28 }
;;      3 @51       Return { src: 0, len: 1 }
;;
;; func 4 $dead_then_arm: 1 param cells, 1 local cells, 2 frame cells, 4 ops
;;      0 @56       BrIfEqz { cond: 0, offset: 56 }
;;      1 @58       Unreachable
;;      2 @5c       Const32 { dst: 1, value: 2 }
;;      3 @5d       Return { src: 1, len: 1 }
