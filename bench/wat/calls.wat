;; calls: function-call overhead in three shapes, all returning through the value stack.
;;
;;   1. deep recursion: $down recurses 800 frames deep (not a tail call), 3,000 times
;;      (wasmi's command line stops at 1,000 frames, wasm-interp's near 2,000);
;;   2. call_indirect: a loop dispatches 3,000,000 calls through a table of 8 functions,
;;      picking each callee from the running value;
;;   3. Ackermann A(2, n) and A(3, 6): many short calls with irregular depth.
;;
;; The exported `run` (no params, returns i64) folds every result into a checksum.
;;
;;   ward run --invoke run bench/wat/calls.wat
(module
  (type $step (func (param i32) (result i32)))

  (table 8 funcref)
  (elem (i32.const 0) $add $xor $mul $rotl $sub $shr $shladd $not)

  (func $add (type $step) (i32.add (local.get 0) (i32.const 0x9e3779b9)))
  (func $xor (type $step) (i32.xor (local.get 0) (i32.const 0x5bd1e995)))
  (func $mul (type $step) (i32.mul (local.get 0) (i32.const 0x01000193)))
  (func $rotl (type $step) (i32.rotl (local.get 0) (i32.const 7)))
  (func $sub (type $step) (i32.sub (local.get 0) (i32.const 12345)))
  (func $shr (type $step) (i32.xor (local.get 0) (i32.shr_u (local.get 0) (i32.const 13))))
  (func $shladd (type $step) (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 4))))
  (func $not (type $step) (i32.xor (local.get 0) (i32.const -1)))

  ;; down(n, x) = n + down(n - 1, x * 31 + n); down(0, x) = x.
  (func $down (param $n i32) (param $x i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $x))
      (else
        (i64.add
          (call $down
            (i32.sub (local.get $n) (i32.const 1))
            (i64.add
              (i64.mul (local.get $x) (i64.const 31))
              (i64.extend_i32_u (local.get $n))))
          (i64.extend_i32_u (local.get $n))))))

  ;; Ackermann's function.
  (func $ack (param $m i32) (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $m))
      (then (i32.add (local.get $n) (i32.const 1)))
      (else
        (if (result i32) (i32.eqz (local.get $n))
          (then (call $ack (i32.sub (local.get $m) (i32.const 1)) (i32.const 1)))
          (else
            (call $ack
              (i32.sub (local.get $m) (i32.const 1))
              (call $ack (local.get $m) (i32.sub (local.get $n) (i32.const 1)))))))))

  ;; h * 0x100000001b3 + v, the checksum step.
  (func $mix (param $h i64) (param $v i64) (result i64)
    (i64.add (i64.mul (local.get $h) (i64.const 0x100000001b3)) (local.get $v)))

  (func (export "run") (result i64)
    (local $h i64)
    (local $i i32)
    (local $x i32)
    ;; 1. Deep recursion.
    (local.set $i (i32.const 0))
    (loop $deep
      (local.set $h
        (call $mix (local.get $h)
          (call $down (i32.const 800) (i64.extend_i32_u (local.get $i)))))
      (br_if $deep
        (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3000))))
    ;; 2. Indirect calls.
    (local.set $i (i32.const 0))
    (local.set $x (i32.const 1))
    (loop $indirect
      (local.set $x
        (call_indirect (type $step)
          (local.get $x)
          (i32.and (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16)))
                   (i32.const 7))))
      (br_if $indirect
        (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3000000))))
    (local.set $h (call $mix (local.get $h) (i64.extend_i32_u (local.get $x))))
    ;; 3. Ackermann.
    (local.set $i (i32.const 0))
    (loop $ackermann
      (local.set $h
        (call $mix (local.get $h)
          (i64.extend_i32_u (call $ack (i32.const 2) (local.get $i)))))
      (br_if $ackermann
        (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 400))))
    (call $mix (local.get $h) (i64.extend_i32_u (call $ack (i32.const 3) (i32.const 6)))))
)
