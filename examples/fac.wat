;; Factorial, recursive and iterative:
;;
;;   cargo run --release -- run examples/fac.wat --invoke fac 20        prints 2432902008176640000
;;   cargo run --release -- run examples/fac.wat --invoke fac-iter 20   prints 2432902008176640000
;;
;; Results wrap modulo 2^64 beyond fac(20).
(module
  ;; n! by recursion: every call is a wasm frame on ward's own stack, not the native one.
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  ;; n! by a loop.
  (func $fac-iter (export "fac-iter") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $step)))
    (local.get $acc))
)
