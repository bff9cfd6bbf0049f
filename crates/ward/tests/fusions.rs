//! Ops the translator fuses from several wasm instructions compute what the unfused
//! instructions do, in both tiers, at the edges of their operands: bit fields
//! (`i32.shr_u` then `i32.and`, both by constants) and `br_table` with the `i32.add` of a
//! constant folded into its index, and two moves in a row (`Copy2`), which must happen
//! in order; and branches on a bit test (`i32.and` of a constant, or `i32.eqz` of one,
//! then `br_if` or `if`) or on a loaded value (`i32.load` or `i32.load8_u`, the same
//! way), which trap as the load does, where the load is. `tests/disas/bit_field.wat`,
//! `br_table_bias.wat`, `copies.wat`, `bit_test.wat` and `load_test.wat` show the fused
//! ops.

mod support;

use support::{instance, tier_configurations};
use ward::{Error, TrapKind};

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
    (func (export "poke") (param i32 i32)
      local.get 0 local.get 1 i32.store)
    (func (export "load_nez") (param i32) (result i32)
      block
        local.get 0 i32.load
        br_if 0
        i32.const 0 return
      end i32.const 1)
    (func (export "load_eqz") (param i32) (result i32)
      block
        local.get 0 i32.const 1 i32.add i32.load offset=3 i32.eqz
        br_if 0
        i32.const 1 return
      end i32.const 0)
    (func (export "load8_nez") (param i32) (result i32)
      block
        local.get 0 i32.load8_u offset=1
        br_if 0
        i32.const 0 return
      end i32.const 1)
    (func (export "load8_if") (param i32) (result i32)
      local.get 0 i32.load8_u i32.eqz
      if (result i32) i32.const 0 else i32.const 1 end)
    (func (export "load_kept") (param i32) (result i32) (local i32)
      block
        local.get 0 i32.load8_u local.tee 1
        br_if 0
        i32.const -1 return
      end local.get 1)
    (func (export "chase") (param i32) (result i32) (local i32)
      block
        loop
          local.get 0 i32.load offset=4 local.tee 0 i32.eqz
          br_if 1
          local.get 1 i32.const 1 i32.add local.set 1
          br 0
        end
      end
      local.get 1)
    (func (export "flag_clear") (result i32)
      block
        i32.const 64 i32.load offset=4 i32.eqz
        br_if 0
        i32.const 1 return
      end i32.const 0)
    (func (export "flag_far") (result i32)
      block
        i32.const 65530 i32.load offset=4
        br_if 0
        i32.const 0 return
      end i32.const 1)
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

/// Addresses near the start and the end of the one page, and past it.
const ADDRESSES: [u32; 8] = [0, 4, 9, 65528, 65532, 65533, 65535, 65536];

#[test]
fn fused_loads_branch_on_what_they_load_and_trap_where_the_load_is() {
    let binary = wat::parse_str(MODULE).unwrap();
    for (tier, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, MODULE);
        let poke = instance
            .get_typed_func::<(i32, i32), ()>(&store, "poke")
            .unwrap();
        let mut memory = vec![0u8; 65536];
        for (round, value) in [0u32, 1, 0x100, 0x8000_0000, 0xff00_0000, 0xffff_ffff]
            .into_iter()
            .enumerate()
        {
            // A different word each round, and the words around the ends of the page.
            for address in [8 + 4 * round as u32, 65532] {
                poke.call(&mut store, (address as i32, value as i32))
                    .unwrap();
                memory[address as usize..address as usize + 4]
                    .copy_from_slice(&value.to_le_bytes());
            }
            let word = |address: u32| -> Option<u32> {
                let bytes = memory.get(address as usize..address as usize + 4)?;
                Some(u32::from_le_bytes(bytes.try_into().unwrap()))
            };
            let byte = |address: u32| memory.get(address as usize).copied();
            // A word at a constant address (68), and one beyond the page.
            poke.call(&mut store, (68, value as i32)).unwrap();
            let flag_clear = instance
                .get_typed_func::<(), i32>(&store, "flag_clear")
                .unwrap();
            assert_eq!(
                flag_clear.call(&mut store, ()).unwrap(),
                (value != 0) as i32,
                "{tier}: flag_clear after storing {value:#x}"
            );
            let flag_far = instance
                .get_typed_func::<(), i32>(&store, "flag_far")
                .unwrap();
            match flag_far.call(&mut store, ()) {
                Err(Error::Trap(trap)) => {
                    assert_eq!(trap.kind(), TrapKind::MemoryOutOfBounds, "{tier}: flag_far");
                    let at = trap.backtrace()[0].module_offset;
                    assert_eq!(
                        binary.get(at),
                        Some(&0x28),
                        "{tier}: flag_far trapped at {at:#x}"
                    );
                }
                other => panic!("{tier}: flag_far: expected a trap, got {other:?}"),
            }
            for address in ADDRESSES.into_iter().chain(8..40) {
                let kept = byte(address).map(|b| if b == 0 { -1 } else { b as i32 });
                let load_kept = instance
                    .get_typed_func::<i32, i32>(&store, "load_kept")
                    .unwrap();
                match (kept, load_kept.call(&mut store, address as i32)) {
                    (Some(expected), Ok(got)) => {
                        assert_eq!(got, expected, "{tier}: load_kept({address:#x})")
                    }
                    (None, Err(Error::Trap(trap))) => {
                        assert_eq!(
                            trap.kind(),
                            TrapKind::MemoryOutOfBounds,
                            "{tier}: load_kept"
                        )
                    }
                    (expected, result) => panic!(
                        "{tier}: load_kept({address:#x}): expected {expected:?}, got {result:?}"
                    ),
                }
                let cases: [(&str, Option<bool>); 4] = [
                    ("load_nez", word(address).map(|w| w != 0)),
                    ("load_eqz", word(address + 4).map(|w| w != 0)),
                    ("load8_nez", byte(address + 1).map(|b| b != 0)),
                    ("load8_if", byte(address).map(|b| b != 0)),
                ];
                for (name, expected) in cases {
                    let f = instance.get_typed_func::<i32, i32>(&store, name).unwrap();
                    let result = f.call(&mut store, address as i32);
                    match (expected, result) {
                        (Some(non_zero), Ok(got)) => assert_eq!(
                            got, non_zero as i32,
                            "{tier}: {name}({address:#x}) after storing {value:#x}"
                        ),
                        (None, Err(Error::Trap(trap))) => {
                            assert_eq!(
                                trap.kind(),
                                TrapKind::MemoryOutOfBounds,
                                "{tier}: {name}({address:#x})"
                            );
                            // The trap is reported at the load (i32.load is 0x28,
                            // i32.load8_u 0x2d), not at the branch that took it in.
                            let at = trap.backtrace()[0].module_offset;
                            assert!(
                                matches!(binary.get(at), Some(0x28 | 0x2d)),
                                "{tier}: {name}({address:#x}) trapped at offset {at:#x}, \
                                 byte {:#x?}",
                                binary.get(at)
                            );
                        }
                        (expected, result) => panic!(
                            "{tier}: {name}({address:#x}): expected {expected:?}, got {result:?}"
                        ),
                    }
                }
            }
        }
    }
}

/// A linked list walked by a loop whose exit tests the pointer it loads and keeps
/// (`p = p->next; if (!p) break;`): the fused load writes the local the loop reads.
#[test]
fn a_kept_loaded_pointer_walks_a_list() {
    for (tier, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, MODULE);
        let poke = instance
            .get_typed_func::<(i32, i32), ()>(&store, "poke")
            .unwrap();
        let chase = instance
            .get_typed_func::<i32, i32>(&store, "chase")
            .unwrap();
        // Nodes at 16, 32, ..., each `next` (at node + 4) the node after; the last's 0.
        for length in 0..6u32 {
            let nodes: Vec<u32> = (1..=length).map(|i| 16 * i).collect();
            for (i, &node) in nodes.iter().enumerate() {
                let next = nodes.get(i + 1).copied().unwrap_or(0);
                poke.call(&mut store, ((node + 4) as i32, next as i32))
                    .unwrap();
            }
            // The walk starts at a head whose `next` (at 4 + 4) is the first node.
            poke.call(&mut store, (8, nodes.first().copied().unwrap_or(0) as i32))
                .unwrap();
            assert_eq!(
                chase.call(&mut store, 4).unwrap(),
                length as i32,
                "{tier}: a list of {length}"
            );
        }
        // A `next` beyond the memory: the load traps.
        poke.call(&mut store, (8, 65534)).unwrap();
        assert!(
            matches!(chase.call(&mut store, 4), Err(Error::Trap(t)) if t.kind() == TrapKind::MemoryOutOfBounds),
            "{tier}: a pointer out of bounds"
        );
    }
}
