;; Exception handling: a `try_table` jumps over its landing pads, one per clause, each
;; of which moves what the unwinder left in the slots at the `try_table`'s height to
;; its label (here a `catch` of two values and a `catch_all_ref`); the clauses are
;; listed after the ops, inner ones first. A legacy `try` has no pads: its `catch`
;; block is the landing, with the exception's slot below its values, filled only
;; because a `rethrow` names it; a `delegate` hands the exceptions of its body to the
;; clauses from the named block's end on.
;;! legacy-exceptions
(module
  (tag $pair (param i32 i64))
  (func $catch (param i32) (result i64) (local i64)
    block $all (result exnref)
      block $pair (result i32 i64)
        try_table (catch $pair $pair) (catch_all_ref $all)
          local.get 0
          i64.const 7
          throw $pair
        end
        i64.const -1
        return
      end
      local.set 1
      i64.extend_i32_u
      local.get 1
      i64.add
      return
    end
    throw_ref)
  (func $legacy (param i32) (result i32)
    try $outer (result i32)
      try
        local.get 0
        i64.const 1
        throw $pair
      delegate $outer
      i32.const 0
    catch $pair
      drop
      local.get 0
      i32.eqz
      if
        rethrow 1
      end
    end))

;; ==== disassembly (WARD_BLESS=1 to update) ====
;; func 0 $catch: 1 param cells, 2 local cells, 4 frame cells, 13 ops
;;      0 @34       Br { offset: 84 }
;;      1 @34       Br { offset: 196 }
;;      2 @34       Br { offset: 280 }
;;      3 @40       Copy { dst: 2, src: 0 }
;;      4 @40       Const32 { dst: 3, value: 7 }
;;      5 @40       Throw { tag: TagIndex(0), base: 2 }
;;      6 @45       Const64 { dst: 2, lo: 4294967295, hi: 4294967295 }
;;      7 @45       Return { src: 2, len: 1 }
;;      8 @47       Copy { dst: 1, src: 3 }
;;      9 @49       I64ExtendI32U { dst: 2, src: 2 } >acc
;;     10 @4c       I64Add { dst: 2, lhs: 2, rhs: 1 } <acc
;;     11 @4d       Return { src: 2, len: 1 }
;;     12 @4f       ThrowRef { src: 2 }
;; catch ops 3..6: Tag { tag: TagIndex(0), with_ref: false }, values at slot 2, landing at 1
;; catch ops 3..6: All { with_ref: true }, values at slot 2, landing at 2
;;
;; func 1 $legacy: 1 param cells, 1 local cells, 4 frame cells, 9 ops
;;      0 @5b       Copy { dst: 1, src: 0 }
;;      1 @5b       Const32 { dst: 2, value: 1 }
;;      2 @5b       Throw { tag: TagIndex(0), base: 1 }
;;      3 @61       Const32 { dst: 1, value: 0 }
;;      4 @61       Br { offset: 112 }
;;      5 @67       BrIfNez { cond: 0, offset: 56 }
;;      6 @69       ThrowRef { src: 1 }
;;      7 @6c       Copy { dst: 1, src: 2 }
;;      8 @6d       Return { src: 1, len: 1 }
;; catch ops 0..3: Delegate { resume: 1 }, values at slot 0, landing at 0
;; catch ops 0..5: Legacy { tag: Some(TagIndex(0)), rethrown: true }, values at slot 2, landing at 5
