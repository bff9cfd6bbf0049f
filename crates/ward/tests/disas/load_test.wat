;; A branch on a loaded value: `i32.load` (from a constant address too) or `i32.load8_u`,
;; then `br_if` (or `if`) on it or on its `i32.eqz`, is one op (`BrI32LoadNez`,
;; `BrI32LoadAbsEqz`, `BrI32Load8UNez`...), its address through the accumulator when the op
;; before computes it, at the load's offset in the module (where it traps). A load whose value a `local.tee`
;; keeps writes the local too (a list walked: `p = p->next; if (!p) break;`). Other
;; widths stay ops of their own.
(module
  (memory 1)
  (func $load_nez (param i32) (result i32)
    block
      local.get 0
      i32.load
      br_if 0
      i32.const 0
      return
    end
    i32.const 1)
  (func $load_eqz (param i32) (result i32)
    block
      local.get 0
      i32.const 1
      i32.add
      i32.load offset=3
      i32.eqz
      br_if 0
      i32.const 1
      return
    end
    i32.const 0)
  (func $load8_if (param i32) (result i32)
    local.get 0
    i32.load8_u
    i32.eqz
    if (result i32)
      i32.const 0
    else
      i32.const 1
    end)
  (func $load_kept (param i32) (result i32) (local i32)
    block
      local.get 0
      i32.load
      local.tee 1
      br_if 0
      local.get 1
      return
    end
    i32.const -1)
  (func $chase (param i32) (result i32) (local i32)
    block
      loop
        local.get 0
        i32.load offset=4
        local.tee 0
        i32.eqz
        br_if 1
        local.get 1
        i32.const 1
        i32.add
        local.set 1
        br 0
      end
    end
    local.get 1)
  (func $pointer_of_pointer (param i32) (result i32)
    block
      local.get 0
      i32.load
      i32.load8_u offset=2
      br_if 0
      i32.const 0
      return
    end
    i32.const 1)
  (func $flag_clear (result i32)
    block
      i32.const 64
      i32.load offset=4
      i32.eqz
      br_if 0
      i32.const 1
      return
    end
    i32.const 0)
  (func $load16 (param i32) (result i32)
    block
      local.get 0
      i32.load16_u
      br_if 0
      i32.const 0
      return
    end
    i32.const 1))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $load_nez: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @2e       BrI32LoadNez { dst: 1, addr: 0, offset: 0, jump: 84 }
;;      1 @35       Const32 { dst: 1, value: 0 }
;;      2 @35       Return { src: 1, len: 1 }
;;      3 @39       Const32 { dst: 1, value: 1 }
;;      4 @39       Return { src: 1, len: 1 }
;;
;; func 1 $load_eqz: 1 param cells, 1 local cells, 3 frame cells, 6 ops
;;      0 @43       I32LoadAt { dst: 1, addr: 0, imm: 1, offset: 3 } >acc
;;      1 @47       BrIfEqz { cond: 1, offset: 84 } <acc
;;      2 @4b       Const32 { dst: 1, value: 1 }
;;      3 @4b       Return { src: 1, len: 1 }
;;      4 @4f       Const32 { dst: 1, value: 0 }
;;      5 @4f       Return { src: 1, len: 1 }
;;
;; func 2 $load8_if: 1 param cells, 1 local cells, 2 frame cells, 5 ops
;;      0 @54       BrI32Load8UNez { dst: 1, addr: 0, offset: 0, jump: 84 }
;;      1 @5c       Const32 { dst: 1, value: 0 }
;;      2 @5c       Br { offset: 56 }
;;      3 @5f       Const32 { dst: 1, value: 1 }
;;      4 @60       Return { src: 1, len: 1 }
;;
;; func 3 $load_kept: 1 param cells, 2 local cells, 3 frame cells, 4 ops
;;      0 @69       BrI32LoadNez { dst: 1, addr: 0, offset: 0, jump: 56 }
;;      1 @72       Return { src: 1, len: 1 }
;;      2 @76       Const32 { dst: 2, value: 4294967295 }
;;      3 @76       Return { src: 2, len: 1 }
;;
;; func 4 $chase: 1 param cells, 2 local cells, 4 frame cells, 4 ops
;;      0 @81       BrI32LoadEqz { dst: 0, addr: 0, offset: 4, jump: 84 }
;;      1 @8d       I32AddImm { dst: 1, lhs: 1, imm: 1 }
;;      2 @90       Br { offset: -56 }
;;      3 @96       Return { src: 1, len: 1 }
;;
;; func 5 $pointer_of_pointer: 1 param cells, 1 local cells, 2 frame cells, 6 ops
;;      0 @9d       I32Load { dst: 1, addr: 0, offset: 0 } >acc
;;      1 @a0       BrI32Load8UNez { dst: 1, addr: 1, offset: 2, jump: 84 } <acc
;;      2 @a7       Const32 { dst: 1, value: 0 }
;;      3 @a7       Return { src: 1, len: 1 }
;;      4 @ab       Const32 { dst: 1, value: 1 }
;;      5 @ab       Return { src: 1, len: 1 }
;;
;; func 6 $flag_clear: 0 param cells, 0 local cells, 1 frame cells, 5 ops
;;      0 @b3       BrI32LoadAbsEqz { dst: 0, addr: 64, offset: 4, jump: 84 }
;;      1 @bb       Const32 { dst: 0, value: 1 }
;;      2 @bb       Return { src: 0, len: 1 }
;;      3 @bf       Const32 { dst: 0, value: 0 }
;;      4 @bf       Return { src: 0, len: 1 }
;;
;; func 7 $load16: 1 param cells, 1 local cells, 2 frame cells, 6 ops
;;      0 @c6       I32Load16U { dst: 1, addr: 0, offset: 0 } >acc
;;      1 @c9       BrIfNez { cond: 1, offset: 84 } <acc
;;      2 @cd       Const32 { dst: 1, value: 0 }
;;      3 @cd       Return { src: 1, len: 1 }
;;      4 @d1       Const32 { dst: 1, value: 1 }
;;      5 @d1       Return { src: 1, len: 1 }
