;; Calls: `CallInternal` (defined index) for defined functions, `Call` (module index) for imports.
(module
  (import "env" "host" (func $host (param i32 i64) (result i32)))
  (func $callee (param i32) (result i32)
    local.get 0)
  (func $caller (param i32) (result i32)
    local.get 0
    call $callee
    local.get 0
    i64.const 5
    call $host
    i32.add))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 1 $callee: 1 param cells, 1 local cells, 2 frame cells, 1 ops
;;      0 @30       Return { src: 0, len: 1 }
;;
;; func 2 $caller: 1 param cells, 1 local cells, 4 frame cells, 7 ops
;;      0 @35       Copy { dst: 1, src: 0 }
;;      1 @35       CallInternal { func: DefinedFuncIndex(0), base: 1 }
;;      2 @3b       Copy { dst: 2, src: 0 }
;;      3 @3b       Const32 { dst: 3, value: 5 }
;;      4 @3b       Call { func: FuncIndex(0), base: 2 }
;;      5 @3d       I32Add { dst: 1, lhs: 1, rhs: 2 }
;;      6 @3e       Return { src: 1, len: 1 }
