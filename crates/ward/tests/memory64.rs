//! 64-bit memories and tables (memory64) in both tiers: addresses and indices of 2^32
//! and more are out of bounds (never wrapped to 32 bits), offsets and address sums
//! that pass 2^64 trap, sizes and growth are `i64`s, and ward's 4 GiB cap shows as a
//! failed growth.

mod support;

use support::{instance, tier_configurations};
use ward::{Config, Engine, Error, Linker, Memory, MemoryType, Module, Store, TrapKind};

const MEMORY64: &str = r#"(module
    (memory (export "m") i64 1 70000)
    (data (i64.const 65530) "\2a")
    (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load_far") (param i64) (result i32)
        (i32.load8_u offset=0x100000000 (local.get 0)))
    (func (export "load_high") (param i64) (result i32)
        (i32.load offset=4 (local.get 0)))
    (func (export "load_const") (result i32) (i32.load8_u (i64.const 0x100000000)))
    (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "splat") (param i64) (result i32)
        (i8x16.extract_lane_u 3 (v128.load8_splat (local.get 0))))
    (func (export "size") (result i64) (memory.size))
    (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
    (func (export "fill") (param i64 i32 i64)
        (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i64 i64 i64)
        (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#;

const TABLE64: &str = r#"(module
    (type $t (func (result i32)))
    (table $t64 (export "t") i64 2 funcref)
    (elem (table $t64) (i64.const 0) func $seven $eight)
    (func $seven (result i32) (i32.const 7))
    (func $eight (result i32) (i32.const 8))
    (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
    (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
    (func (export "clear") (param i64) (table.set $t64 (local.get 0) (ref.null func)))
    (func (export "size") (result i64) (table.size $t64))
    (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
    (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.null func) (local.get 1))))"#;

/// The kind of the trap `result` must be.
fn trap_kind<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> TrapKind {
    match result {
        Err(Error::Trap(trap)) => trap.kind(),
        other => panic!("{what}: expected a trap, got {other:?}"),
    }
}

#[test]
fn addresses_of_a_64_bit_memory_are_never_wrapped_in_either_tier() {
    for (what, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, MEMORY64);
        let load = instance.get_typed_func::<i64, i32>(&store, "load").unwrap();
        let load_far = instance
            .get_typed_func::<i64, i32>(&store, "load_far")
            .unwrap();
        let load_high = instance
            .get_typed_func::<i64, i32>(&store, "load_high")
            .unwrap();
        let load_const = instance
            .get_typed_func::<(), i32>(&store, "load_const")
            .unwrap();
        let put = instance
            .get_typed_func::<(i64, i32), ()>(&store, "store")
            .unwrap();
        let splat = instance
            .get_typed_func::<i64, i32>(&store, "splat")
            .unwrap();
        assert_eq!(load.call(&mut store, 65530).unwrap(), 42, "{what}: data");
        put.call(&mut store, (5, 9)).unwrap();
        assert_eq!(load.call(&mut store, 5).unwrap(), 9, "{what}");
        assert_eq!(splat.call(&mut store, 5).unwrap(), 9, "{what}");
        // 2^32 + 5 is not 5, nor is 2^64 - 2^32 + 5.
        for address in [1 << 32, (1 << 32) + 5, -(1i64 << 32) + 5, -1] {
            let kind = trap_kind(load.call(&mut store, address), &what);
            assert_eq!(
                kind,
                TrapKind::MemoryOutOfBounds,
                "{what}: load {address:#x}"
            );
            let kind = trap_kind(put.call(&mut store, (address, 1)), &what);
            assert_eq!(
                kind,
                TrapKind::MemoryOutOfBounds,
                "{what}: store {address:#x}"
            );
            let kind = trap_kind(splat.call(&mut store, address), &what);
            assert_eq!(
                kind,
                TrapKind::MemoryOutOfBounds,
                "{what}: splat {address:#x}"
            );
        }
        assert_eq!(
            load.call(&mut store, 5).unwrap(),
            9,
            "{what}: nothing written"
        );
        // An offset of 2^32 with address 5 is out of bounds, not address 5.
        let kind = trap_kind(load_far.call(&mut store, 5), &what);
        assert_eq!(kind, TrapKind::MemoryOutOfBounds, "{what}: far offset");
        // Address plus offset past 2^64 must not wrap around to a small address.
        let kind = trap_kind(load_high.call(&mut store, -4), &what);
        assert_eq!(kind, TrapKind::MemoryOutOfBounds, "{what}: wrapping sum");
        assert_eq!(load_high.call(&mut store, 100).unwrap(), 0, "{what}");
        let kind = trap_kind(load_const.call(&mut store, ()), &what);
        assert_eq!(
            kind,
            TrapKind::MemoryOutOfBounds,
            "{what}: constant address"
        );
    }
}

#[test]
fn a_64_bit_memory_grows_fills_and_copies_with_i64_operands_in_either_tier() {
    for (what, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, MEMORY64);
        let size = instance.get_typed_func::<(), i64>(&store, "size").unwrap();
        let grow = instance.get_typed_func::<i64, i64>(&store, "grow").unwrap();
        let fill = instance
            .get_typed_func::<(i64, i32, i64), ()>(&store, "fill")
            .unwrap();
        let copy = instance
            .get_typed_func::<(i64, i64, i64), ()>(&store, "copy")
            .unwrap();
        let load = instance.get_typed_func::<i64, i32>(&store, "load").unwrap();
        assert_eq!(size.call(&mut store, ()).unwrap(), 1, "{what}");
        assert_eq!(grow.call(&mut store, 1).unwrap(), 1, "{what}");
        // A delta of 2^32 + 1 pages is not 1 page, and -1 comes back as an i64.
        assert_eq!(grow.call(&mut store, (1 << 32) + 1).unwrap(), -1, "{what}");
        // Within the declared maximum (70,000 pages) but past ward's 4 GiB.
        assert_eq!(
            grow.call(&mut store, 65_535).unwrap(),
            -1,
            "{what}: 4 GiB cap"
        );
        assert_eq!(size.call(&mut store, ()).unwrap(), 2, "{what}");
        fill.call(&mut store, (100, 0x5a, 3)).unwrap();
        copy.call(&mut store, (200, 100, 3)).unwrap();
        assert_eq!(load.call(&mut store, 202).unwrap(), 0x5a, "{what}");
        // Zero bytes at the end are in bounds; lengths of 2^32 and more are not.
        fill.call(&mut store, (2 << 16, 0, 0)).unwrap();
        for (dst, len) in [(0, 1 << 32), (0, (1 << 32) + 1), (1 << 32, 0), (-1, 2)] {
            let kind = trap_kind(fill.call(&mut store, (dst, 1, len)), &what);
            assert_eq!(
                kind,
                TrapKind::MemoryOutOfBounds,
                "{what}: fill {dst} {len}"
            );
            let kind = trap_kind(copy.call(&mut store, (dst, 0, len)), &what);
            assert_eq!(
                kind,
                TrapKind::MemoryOutOfBounds,
                "{what}: copy {dst} {len}"
            );
        }
        assert_eq!(
            load.call(&mut store, 0).unwrap(),
            0,
            "{what}: nothing written"
        );
        let memory = instance.get_memory(&store, "m").unwrap();
        let ty = memory.ty(&store);
        assert!(ty.is_64(), "{what}");
        assert_eq!((ty.minimum(), ty.maximum()), (2, Some(70_000)), "{what}");
    }
}

#[test]
fn indices_of_a_64_bit_table_are_never_wrapped_in_either_tier() {
    for (what, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, TABLE64);
        let call = instance.get_typed_func::<i64, i32>(&store, "call").unwrap();
        let is_null = instance
            .get_typed_func::<i64, i32>(&store, "is_null")
            .unwrap();
        let clear = instance.get_typed_func::<i64, ()>(&store, "clear").unwrap();
        let size = instance.get_typed_func::<(), i64>(&store, "size").unwrap();
        let grow = instance.get_typed_func::<i64, i64>(&store, "grow").unwrap();
        let fill = instance
            .get_typed_func::<(i64, i64), ()>(&store, "fill")
            .unwrap();
        assert_eq!(call.call(&mut store, 1).unwrap(), 8, "{what}");
        for index in [1 << 32, (1 << 32) + 1, -1] {
            let kind = trap_kind(call.call(&mut store, index), &what);
            assert_eq!(kind, TrapKind::UndefinedElement, "{what}: call {index:#x}");
            let kind = trap_kind(is_null.call(&mut store, index), &what);
            assert_eq!(kind, TrapKind::TableOutOfBounds, "{what}: get {index:#x}");
            let kind = trap_kind(clear.call(&mut store, index), &what);
            assert_eq!(kind, TrapKind::TableOutOfBounds, "{what}: set {index:#x}");
            let kind = trap_kind(fill.call(&mut store, (index, 1)), &what);
            assert_eq!(kind, TrapKind::TableOutOfBounds, "{what}: fill {index:#x}");
        }
        let kind = trap_kind(fill.call(&mut store, (0, 1 << 32)), &what);
        assert_eq!(kind, TrapKind::TableOutOfBounds, "{what}: long fill");
        assert_eq!(is_null.call(&mut store, 0).unwrap(), 0, "{what}: untouched");
        assert_eq!(size.call(&mut store, ()).unwrap(), 2, "{what}");
        assert_eq!(grow.call(&mut store, (1 << 32) + 1).unwrap(), -1, "{what}");
        assert_eq!(grow.call(&mut store, 3).unwrap(), 2, "{what}");
        assert_eq!(size.call(&mut store, ()).unwrap(), 5, "{what}");
        clear.call(&mut store, 0).unwrap();
        let kind = trap_kind(call.call(&mut store, 0), &what);
        assert_eq!(kind, TrapKind::UninitializedElement, "{what}");
        let table = instance.get_table(&store, "t").unwrap();
        assert!(table.ty(&store).is_64(), "{what}");
    }
}

#[test]
fn memories_match_imports_of_their_own_index_type_only() {
    let engine = Engine::default();
    let importer = Module::new(
        &engine,
        r#"(module (import "host" "m" (memory i64 1))
            (func (export "size") (result i64) (memory.size)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let narrow = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "m", narrow).unwrap();
    let error = linker.instantiate(&mut store, &importer).unwrap_err();
    assert!(error.to_string().contains("i64"), "{error}");

    let wide = Memory::new(&mut store, MemoryType::new64(3, Some(5))).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "m", wide).unwrap();
    let instance = linker.instantiate(&mut store, &importer).unwrap();
    let size = instance.get_typed_func::<(), i64>(&store, "size").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(wide.ty(&store).to_string(), "(memory i64 3 5)");
}

#[test]
fn a_64_bit_memory_past_4_gib_is_refused_at_instantiation() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory i64 0x10001))").unwrap();
    let mut store = Store::new(&engine, ());
    let error = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(matches!(error, Error::Resource(_)), "{error:?}");
    // A table past u32::MAX elements likewise.
    let module = Module::new(&engine, "(module (table i64 0x100000000 funcref))").unwrap();
    let error = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(matches!(error, Error::Resource(_)), "{error:?}");
}

#[test]
fn memory64_can_be_switched_off() {
    let mut config = Config::new();
    config.wasm_memory64(false);
    let error = Module::new(&Engine::new(&config), MEMORY64).unwrap_err();
    assert!(error.to_string().contains("memory64"), "{error}");
}
