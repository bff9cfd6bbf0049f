;; A module with fixed-width SIMD: `dot` is the dot product of the vectors (a, a, a, a)
;; and (b, b, b, b), so `dot 3 5` is 60. Builds of ward without the `simd` feature refuse
;; it. `simd.wasm` is its binary encoding, for the minimal embedder.
(module
  (func (export "dot") (param $a i32) (param $b i32) (result i32)
    (local $products v128)
    (local.set $products
      (i32x4.mul (i32x4.splat (local.get $a)) (i32x4.splat (local.get $b))))
    (i32.add
      (i32.add
        (i32x4.extract_lane 0 (local.get $products))
        (i32x4.extract_lane 1 (local.get $products)))
      (i32.add
        (i32x4.extract_lane 2 (local.get $products))
        (i32x4.extract_lane 3 (local.get $products))))))
