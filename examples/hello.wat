;; A first module to run with ward:
;;
;;   cargo run --release -- run examples/hello.wat --invoke fib 20      prints 6765
;;   cargo run --release -- run examples/hello.wat --invoke answer      prints 42
(module
  ;; The n-th Fibonacci number, computed iteratively: fib(0) = 0, fib(1) = 1, fib(20) = 6765.
  (func $fib (export "fib") (param $n i64) (result i64)
    (local $a i64)
    (local $b i64)
    (local $next i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $next (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $step)))
    (local.get $a))

  ;; The answer.
  (func $answer (export "answer") (result i32)
    (i32.const 42))
)
