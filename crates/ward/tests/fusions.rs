//! Ops the translator fuses from several wasm instructions compute what the unfused
//! instructions do, in both tiers, at the edges of their operands: bit fields
//! (`i32.shr_u` then `i32.and`, both by constants) and `br_table` with the `i32.add` of a
//! constant folded into its index, and two moves in a row (`Copy2`), which must happen
//! in order; and branches on a bit test (`i32.and` of a constant, or `i32.eqz` of one,
//! then `br_if` or `if`). `tests/disas/bit_field.wat`, `br_table_bias.wat`, `copies.wat`
//! and `bit_test.wat` show the fused ops.

mod support;

use support::{instance, tier_configurations};

const MODULE: &str = r#"(module
    (memory 1)
    (func (export "field") (param i32) (result i32)
      local.get 0 i32.const 7 i32.shr_u i32.const 255 i32.and)
    (func (export "field_of_sum") (param i32 i32) (result i32)
      local.get 0 local.get 1 i32.add i32.const 35 i32.shr_u i32.const 0x1ff i32.and)
    (func (export "field_to_local") (param i32) (result i32) (local i32)
      local.get 0 i32.const 31 i32.shr_u i32.const -1 i32.and local.set 1
      local.get 1 local.get 0 i32.add)
    (func (export "switch") (param i32) (result i32)
      block block block
        local.get 0 i32.const -3 i32.add
        br_table 0 1 2
      end i32.const 10 return
      end i32.const 20 return
      end i32.const 30)
    (func (export "switch_of_load") (param i32) (result i32)
      i32.const 0 local.get 0 i32.store
      block block block
        i32.const 0 i32.load i32.const 0x7fffffff i32.add
        br_table 0 1 2
      end i32.const 10 return
      end i32.const 20 return
      end i32.const 30)
    (func (export "bit_set") (param i32 i32) (result i32)
      block
        local.get 0 local.get 1 i32.add i32.const 0x80000001 i32.and
        br_if 0
        i32.const 0 return
      end i32.const 1)
    (func (export "bit_clear") (param i32) (result i32)
      block
        local.get 0 i32.const 0xff00 i32.and i32.eqz
        br_if 0
        i32.const 1 return
      end i32.const 0)
    (func (export "bit_if") (param i32) (result i32)
      local.get 0 i32.const 4 i32.and i32.eqz
      if (result i32) i32.const 0 else i32.const 1 end)
    (func (export "bit_kept") (param i32) (result i32) (local i32)
      block
        local.get 0 i32.const 3 i32.and local.tee 1 i32.eqz
        br_if 0
        local.get 1 return
      end i32.const -1)
    (func (export "swap") (param i32 i32) (result i32) (local i32)
      local.get 0 local.set 2
      local.get 1 local.set 0
      local.get 2 local.set 1
      local.get 0 i32.const 16 i32.shl local.get 1 i32.or))"#;

/// Operands at the edges: zero, small, the sign bit, all ones, and some in between.
const EDGES: [u32; 12] = [
    0,
    1,
    2,
    3,
    4,
    5,
    0x7f,
    0x8000_0000,
    0x8000_0001,
    0x7fff_ffff,
    0xffff_fffe,
    0xffff_ffff,
];

/// The `switch` functions' result for an index: cases 0 and 1, and the default.
fn case(index: u32) -> i32 {
    match index {
        0 => 10,
        1 => 20,
        _ => 30,
    }
}

#[test]
fn fused_ops_compute_what_their_instructions_do_in_both_tiers() {
    for (tier, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, MODULE);
        let unary = |store: &mut _, name: &str, x: u32| -> i32 {
            let f = instance.get_typed_func::<i32, i32>(&*store, name).unwrap();
            f.call(store, x as i32).unwrap()
        };
        let field_of_sum = instance
            .get_typed_func::<(i32, i32), i32>(&store, "field_of_sum")
            .unwrap();
        for x in EDGES {
            assert_eq!(
                unary(&mut store, "field", x),
                ((x >> 7) & 255) as i32,
                "{tier}: field({x:#x})"
            );
            assert_eq!(
                unary(&mut store, "field_to_local", x),
                (x >> 31).wrapping_add(x) as i32,
                "{tier}: field_to_local({x:#x})"
            );
            assert_eq!(
                unary(&mut store, "switch", x),
                case(x.wrapping_sub(3)),
                "{tier}: switch({x:#x})"
            );
            assert_eq!(
                unary(&mut store, "switch_of_load", x),
                case(x.wrapping_add(0x7fff_ffff)),
                "{tier}: switch_of_load({x:#x})"
            );
            assert_eq!(
                unary(&mut store, "bit_clear", x),
                (x & 0xff00 != 0) as i32,
                "{tier}: bit_clear({x:#x})"
            );
            assert_eq!(
                unary(&mut store, "bit_if", x),
                (x & 4 != 0) as i32,
                "{tier}: bit_if({x:#x})"
            );
            let kept = if x & 3 == 0 { -1 } else { (x & 3) as i32 };
            assert_eq!(
                unary(&mut store, "bit_kept", x),
                kept,
                "{tier}: bit_kept({x:#x})"
            );
            for y in EDGES {
                let bit_set = instance
                    .get_typed_func::<(i32, i32), i32>(&store, "bit_set")
                    .unwrap();
                assert_eq!(
                    bit_set.call(&mut store, (x as i32, y as i32)).unwrap(),
                    (x.wrapping_add(y) & 0x8000_0001 != 0) as i32,
                    "{tier}: bit_set({x:#x}, {y:#x})"
                );
                let swap = instance
                    .get_typed_func::<(i32, i32), i32>(&store, "swap")
                    .unwrap();
                let (a, b) = (x & 0xffff, y & 0xffff);
                let swapped = swap.call(&mut store, (a as i32, b as i32)).unwrap();
                assert_eq!(
                    swapped,
                    ((b << 16) | a) as i32,
                    "{tier}: swap({a:#x}, {b:#x})"
                );
                // A shift by 35 shifts by 3: wasm takes the count modulo 32.
                let expected = ((x.wrapping_add(y) >> 3) & 0x1ff) as i32;
                let got = field_of_sum.call(&mut store, (x as i32, y as i32)).unwrap();
                assert_eq!(got, expected, "{tier}: field_of_sum({x:#x}, {y:#x})");
            }
        }
    }
}
