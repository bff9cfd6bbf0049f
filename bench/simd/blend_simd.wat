;; Alpha-blends two 64 KiB grayscale images, 256 times, with i8x16/i16x8 lanes.
;; `run` returns a checksum that must equal blend_scalar.wat's: see README.md.
(module
  (memory 2)
  ;; Image A is at 0, image B at $N; each pass blends B into A in place.
  (global $N i32 (i32.const 65536))
  (global $PASSES i32 (i32.const 256))

  ;; Fills A and B from a xorshift32 sequence (the same code as the scalar twin).
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

  ;; A[i] = (A[i] * alpha + B[i] * (256 - alpha)) >> 8 for every pixel, 16 at a time;
  ;; returns the sum of the new A. No lane overflows: the sum is at most 255 * 256.
  (func $blend (param $alpha i32) (result i32)
    (local $i i32) (local $a v128) (local $b v128) (local $wa v128) (local $wb v128)
    (local $lo v128) (local $hi v128) (local $r v128) (local $acc v128)
    (local.set $wa (i16x8.splat (local.get $alpha)))
    (local.set $wb (i16x8.splat (i32.sub (i32.const 256) (local.get $alpha))))
    (loop $next
      (local.set $a (v128.load (local.get $i)))
      (local.set $b (v128.load (i32.add (global.get $N) (local.get $i))))
      (local.set $lo
        (i16x8.shr_u
          (i16x8.add
            (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $a)) (local.get $wa))
            (i16x8.mul (i16x8.extend_low_i8x16_u (local.get $b)) (local.get $wb)))
          (i32.const 8)))
      (local.set $hi
        (i16x8.shr_u
          (i16x8.add
            (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $a)) (local.get $wa))
            (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $b)) (local.get $wb)))
          (i32.const 8)))
      (local.set $r (i8x16.narrow_i16x8_u (local.get $lo) (local.get $hi)))
      (v128.store (local.get $i) (local.get $r))
      (local.set $acc
        (i32x4.add (local.get $acc)
          (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $r)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $i) (global.get $N))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; h = h * 31 + (sum of A after the pass), over passes with alpha = (37 * pass + 11) & 255.
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
