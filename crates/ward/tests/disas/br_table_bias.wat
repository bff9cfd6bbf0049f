;; `br_table` whose index is an `i32.add` of a constant (a C `switch` whose cases start
;; above zero): the constant folds into the table as its bias, and the sum's operand may
;; come through the accumulator; a table whose branches carry values keeps the add.
(module
  (func $switch (param i32) (result i32)
    block
      block
        block
          local.get 0
          i32.const -3
          i32.add
          br_table 0 1 2
        end
        i32.const 10
        return
      end
      i32.const 20
      return
    end
    i32.const 30)
  (func $switch_of_load (param i32) (result i32)
    block
      block
        local.get 0
        i32.load
        i32.const -1
        i32.add
        br_table 0 1
      end
      i32.const 10
      return
    end
    i32.const 20)
  (func $switch_of_xor (param i32 i32) (result i32)
    block
      block
        local.get 0
        local.get 1
        i32.xor
        br_table 0 1
      end
      i32.const 10
      return
    end
    i32.const 20)
  (func $switch_with_value (param i32) (result i32)
    block (result i32)
      block (result i32)
        i32.const 7
        local.get 0
        i32.const 1
        i32.add
        br_table 0 1
      end
      i32.const 10
      i32.add
    end)
  (memory 1))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $switch: 1 param cells, 1 local cells, 3 frame cells, 10 ops
;;      0 @32       BrTable { index: 0, bias: 4294967293, len: 2 }
;;      1 @32       Br { offset: 84 }
;;      2 @32       Br { offset: 112 }
;;      3 @32       Br { offset: 140 }
;;      4 @3a       Const32 { dst: 1, value: 10 }
;;      5 @3a       Return { src: 1, len: 1 }
;;      6 @3e       Const32 { dst: 1, value: 20 }
;;      7 @3e       Return { src: 1, len: 1 }
;;      8 @42       Const32 { dst: 1, value: 30 }
;;      9 @42       Return { src: 1, len: 1 }
;;
;; func 1 $switch_of_load: 1 param cells, 1 local cells, 3 frame cells, 8 ops
;;      0 @4b       I32Load { dst: 1, addr: 0, offset: 0 } >acc
;;      1 @51       BrTable { index: 1, bias: 4294967295, len: 1 } <acc
;;      2 @51       Br { offset: 56 }
;;      3 @51       Br { offset: 84 }
;;      4 @58       Const32 { dst: 1, value: 10 }
;;      5 @58       Return { src: 1, len: 1 }
;;      6 @5c       Const32 { dst: 1, value: 20 }
;;      7 @5c       Return { src: 1, len: 1 }
;;
;; func 2 $switch_of_xor: 2 param cells, 2 local cells, 4 frame cells, 8 ops
;;      0 @67       I32Xor { dst: 2, lhs: 0, rhs: 1 } >acc
;;      1 @68       BrTable { index: 2, bias: 0, len: 1 } <acc
;;      2 @68       Br { offset: 56 }
;;      3 @68       Br { offset: 84 }
;;      4 @6f       Const32 { dst: 2, value: 10 }
;;      5 @6f       Return { src: 2, len: 1 }
;;      6 @73       Const32 { dst: 2, value: 20 }
;;      7 @73       Return { src: 2, len: 1 }
;;
;; func 3 $switch_with_value: 1 param cells, 1 local cells, 4 frame cells, 7 ops
;;      0 @80       I32AddImm { dst: 2, lhs: 0, imm: 1 }
;;      1 @81       Const32 { dst: 1, value: 7 }
;;      2 @81       BrTable { index: 2, bias: 0, len: 1 }
;;      3 @81       Br { offset: 56 }
;;      4 @81       Br { offset: 56 }
;;      5 @88       I32AddImm { dst: 1, lhs: 1, imm: 10 }
;;      6 @8a       Return { src: 1, len: 1 }
