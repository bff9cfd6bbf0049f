;; `if` on a float comparison: `BrF32NotLt`-style branches (NaN), but `eq` negates to `BrF32Ne`.
(module
  (func $f32_lt (param f32 f32) (result i32)
    local.get 0
    local.get 1
    f32.lt
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end)
  (func $f64_ge (param f64 f64) (result i32)
    local.get 0
    local.get 1
    f64.ge
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end)
  (func $f32_eq (param f32 f32) (result i32)
    local.get 0
    local.get 1
    f32.eq
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $f32_lt: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @27       BrF32NotLt { lhs: 0, rhs: 1, offset: 84 }
;;      1 @2b       Const32 { dst: 2, value: 1 }
;;      2 @2b       Br { offset: 56 }
;;      3 @2e       Const32 { dst: 2, value: 2 }
;;      4 @2f       Return { src: 2, len: 1 }
;;
;; func 1 $f64_ge: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @37       BrF64NotGe { lhs: 0, rhs: 1, offset: 84 }
;;      1 @3b       Const32 { dst: 2, value: 1 }
;;      2 @3b       Br { offset: 56 }
;;      3 @3e       Const32 { dst: 2, value: 2 }
;;      4 @3f       Return { src: 2, len: 1 }
;;
;; func 2 $f32_eq: 2 param cells, 2 local cells, 4 frame cells, 5 ops
;;      0 @47       BrF32Ne { lhs: 0, rhs: 1, offset: 84 }
;;      1 @4b       Const32 { dst: 2, value: 1 }
;;      2 @4b       Br { offset: 56 }
;;      3 @4e       Const32 { dst: 2, value: 2 }
;;      4 @4f       Return { src: 2, len: 1 }
