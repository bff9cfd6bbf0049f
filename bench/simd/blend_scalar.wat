;; The scalar twin of blend_simd.wat: the same blend, one pixel at a time.
;; `run` returns a checksum that must equal blend_simd.wat's: see README.md.
(module
  (memory 2)
  (global $N i32 (i32.const 65536))
  (global $PASSES i32 (i32.const 256))

  (func $fill
    (local $i i32) (local $s i32)
    (local.set $s (i32.const 0x12345678))
    (loop $next
      (local.set $s (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 13))))
      (local.set $s (i32.xor (local.get $s) (i32.shr_u (local.get $s) (i32.const 17))))
      (local.set $s (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 5))))
      (i32.store8 (local.get $i) (local.get $s))
      (i32.store8 (i32.add (global.get $N) (local.get $i))
                  (i32.shr_u (local.get $s) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (global.get $N)))))

  (func $blend (param $alpha i32) (result i32)
    (local $i i32) (local $beta i32) (local $r i32) (local $sum i32)
    (local.set $beta (i32.sub (i32.const 256) (local.get $alpha)))
    (loop $next
      (local.set $r
        (i32.shr_u
          (i32.add
            (i32.mul (i32.load8_u (local.get $i)) (local.get $alpha))
            (i32.mul (i32.load8_u (i32.add (global.get $N) (local.get $i))) (local.get $beta)))
          (i32.const 8)))
      (i32.store8 (local.get $i) (local.get $r))
      (local.set $sum (i32.add (local.get $sum) (local.get $r)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (global.get $N))))
    (local.get $sum))

  (func (export "run") (result i64)
    (local $pass i32) (local $h i64)
    (call $fill)
    (loop $next
      (local.set $h
        (i64.add
          (i64.mul (local.get $h) (i64.const 31))
          (i64.extend_i32_u
            (call $blend
              (i32.and (i32.add (i32.mul (local.get $pass) (i32.const 37)) (i32.const 11))
                       (i32.const 255))))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $pass) (global.get $PASSES))))
    (local.get $h)))
