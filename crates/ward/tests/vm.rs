//! The VM core as an embedder sees it: memories that keep their address, several
//! memories per instance, function references shared across instances and tables, and
//! the errors of code the interpreter cannot run.

mod support;

use support::{instance, tier_configurations};
use ward::{
    Config, Engine, Error, Extern, Linker, Memory, MemoryType, Module, Store, Strategy, Val,
};

const GROW: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))"#;

#[test]
fn a_memory_grows_in_place_and_never_moves() {
    let (mut store, instance) = instance(&Config::new(), GROW);
    let memory = instance.get_memory(&store, "memory").unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    if cfg!(all(unix, target_pointer_width = "64")) {
        assert!(
            memory.never_moves(&store),
            "a 32-bit memory fits the default reservation"
        );
    }
    let base = memory.data(&store).as_ptr();
    memory.data_mut(&mut store)[65535] = 42;
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(memory.grow(&mut store, 60).unwrap(), 4);
    assert_eq!(memory.size(&store), 64);
    if memory.never_moves(&store) {
        assert_eq!(memory.data(&store).as_ptr(), base);
    }
    assert_eq!(load.call(&mut store, 65535).unwrap(), 42);
    assert_eq!(
        load.call(&mut store, 64 * 65536 - 1).unwrap(),
        0,
        "new pages are zero"
    );
}

#[test]
fn without_a_reservation_a_memory_moves_and_keeps_its_bytes() {
    let mut config = Config::new();
    config.memory_reservation(0).memory_guard_size(0);
    let (mut store, instance) = instance(&config, GROW);
    let memory = instance.get_memory(&store, "memory").unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    assert!(!memory.never_moves(&store));
    memory.data_mut(&mut store)[100] = 7;
    for pages in 1..20 {
        assert_eq!(grow.call(&mut store, 1).unwrap(), pages);
        // The executor reads the new base after every growth.
        assert_eq!(load.call(&mut store, 100).unwrap(), 7);
        assert_eq!(load.call(&mut store, pages * 65536).unwrap(), 0);
    }
}

#[test]
fn an_instance_holds_several_memories() {
    let mut config = Config::new();
    config.wasm_multi_memory(true);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "first" (memory 1))
            (memory (export "second") 2)
            (memory (export "third") 1)
            (data (memory 1) (i32.const 10) "two")
            (data (memory 2) (i32.const 20) "three")
            (data (memory 0) (i32.const 30) "one"))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let first = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "first", first).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let second = instance.get_memory(&store, "second").unwrap();
    let third = instance.get_memory(&store, "third").unwrap();
    assert_eq!(&first.data(&store)[30..33], b"one");
    assert_eq!(&second.data(&store)[10..13], b"two");
    assert_eq!(&third.data(&store)[20..25], b"three");
    assert_eq!(second.size(&store), 2);
}

/// Two memories, each with its own accesses, sizes, growth and bulk ops.
const TWO_MEMORIES: &str = r#"(module
    (memory $a (export "a") 1)
    (memory $b (export "b") 1)
    (func (export "store") (param $in_b i32) (param $at i32) (param $value i32)
      (if (local.get $in_b)
        (then (i32.store $b (local.get $at) (local.get $value)))
        (else (i32.store $a (local.get $at) (local.get $value)))))
    ;; Memory a's word at `at` plus memory b's word at `at` times 1000, around a growth
    ;; of b: the growth must not disturb the accesses to a that follow it.
    (func (export "mix") (param $at i32) (result i32)
      (drop (memory.grow $b (i32.const 1)))
      (i32.add (i32.load $a (local.get $at))
               (i32.mul (i32.load $b (local.get $at)) (i32.const 1000))))
    (func (export "sizes") (result i32)
      (i32.add (memory.size $a) (i32.mul (memory.size $b) (i32.const 100))))
    (func (export "copy_b_to_a") (param $dst i32) (param $src i32) (param $len i32)
      (memory.copy $a $b (local.get $dst) (local.get $src) (local.get $len)))
    (func (export "fill_b") (param $at i32) (param $value i32) (param $len i32)
      (memory.fill $b (local.get $at) (local.get $value) (local.get $len)))
    (func (export "load_b") (param $at i32) (result i32) (i32.load $b (local.get $at)))
    (func (export "load_a") (param $at i32) (result i32) (i32.load $a (local.get $at))))"#;

#[test]
fn each_memory_of_an_instance_has_its_own_accesses_in_both_tiers() {
    for (what, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, TWO_MEMORIES);
        let put = instance
            .get_typed_func::<(i32, i32, i32), ()>(&store, "store")
            .unwrap();
        let mix = instance.get_typed_func::<i32, i32>(&store, "mix").unwrap();
        let sizes = instance.get_typed_func::<(), i32>(&store, "sizes").unwrap();
        put.call(&mut store, (0, 8, 7)).unwrap();
        put.call(&mut store, (1, 8, 5)).unwrap();
        assert_eq!(mix.call(&mut store, 8).unwrap(), 5007, "{what}");
        assert_eq!(mix.call(&mut store, 8).unwrap(), 5007, "{what}");
        assert_eq!(sizes.call(&mut store, ()).unwrap(), 301, "{what}");
        let a = instance.get_memory(&store, "a").unwrap();
        let b = instance.get_memory(&store, "b").unwrap();
        assert_eq!(a.data(&store)[8], 7, "{what}");
        assert_eq!(b.data(&store)[8], 5, "{what}");
        // Bulk ops: a fill of b, a copy from b into a.
        let fill = instance
            .get_typed_func::<(i32, i32, i32), ()>(&store, "fill_b")
            .unwrap();
        let copy = instance
            .get_typed_func::<(i32, i32, i32), ()>(&store, "copy_b_to_a")
            .unwrap();
        fill.call(&mut store, (100, 0xab, 4)).unwrap();
        copy.call(&mut store, (200, 100, 4)).unwrap();
        assert_eq!(&a.data(&store)[200..204], &[0xab; 4], "{what}");
        // b has 3 pages, a has 1: an address past a's end is in bounds in b only.
        let load_a = instance
            .get_typed_func::<i32, i32>(&store, "load_a")
            .unwrap();
        let load_b = instance
            .get_typed_func::<i32, i32>(&store, "load_b")
            .unwrap();
        assert_eq!(load_b.call(&mut store, 70_000).unwrap(), 0, "{what}");
        let trap = match load_a.call(&mut store, 70_000) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{what}: expected a trap, got {other:?}"),
        };
        assert_eq!(trap.kind(), ward::TrapKind::MemoryOutOfBounds, "{what}");
        let trap = match copy.call(&mut store, (65_534, 0, 4)) {
            Err(Error::Trap(trap)) => trap,
            other => panic!("{what}: expected a trap, got {other:?}"),
        };
        assert_eq!(trap.kind(), ward::TrapKind::MemoryOutOfBounds, "{what}");
        // A trap in an access to b leaves memory 0 the current memory of the next call.
        assert!(load_b.call(&mut store, 1 << 20).is_err());
        assert_eq!(load_a.call(&mut store, 8).unwrap(), 7, "{what}");
    }
}

#[test]
fn multi_memory_can_be_switched_off() {
    let mut config = Config::new();
    config.wasm_multi_memory(false);
    let error = Module::new(&Engine::new(&config), TWO_MEMORIES).unwrap_err();
    assert!(error.to_string().contains("multiple memories"), "{error}");
}

#[test]
fn function_references_are_shared_by_instances_and_tables() {
    let engine = Engine::default();
    let exporter = Module::new(
        &engine,
        r#"(module
            (table (export "table") 2 funcref)
            (func $seven (export "seven") (result i32) i32.const 7)
            (elem (i32.const 0) $seven))"#,
    )
    .unwrap();
    let importer = Module::new(
        &engine,
        r#"(module
            (type $ret (func (result i32)))
            (import "x" "table" (table 2 funcref))
            (func (export "call") (param i32) (result i32)
              local.get 0 call_indirect (type $ret)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let first = linker.instantiate(&mut store, &exporter).unwrap();
    linker.instance(&store, "x", first).unwrap();
    let second = linker.instantiate(&mut store, &importer).unwrap();
    let call = second.get_typed_func::<i32, i32>(&store, "call").unwrap();
    assert_eq!(call.call(&mut store, 0).unwrap(), 7);

    // The table holds the very function the first instance exports.
    let table = first.get_table(&store, "table").unwrap();
    let seven = first.get_func(&store, "seven").unwrap();
    assert!(matches!(table.get(&store, 0), Some(Val::FuncRef(Some(f))) if f == seven));

    // A host function placed in the table is called through it from the other instance.
    let host = ward::Func::wrap(&mut store, || 11i32);
    table.set(&mut store, 1, Val::FuncRef(Some(host))).unwrap();
    assert_eq!(call.call(&mut store, 1).unwrap(), 11);
    let Some(Extern::Func(again)) = first.get_export(&store, "seven") else {
        panic!("the export is a function");
    };
    assert_eq!(again, seven, "one function, one reference");
}

#[test]
fn memory_reservation_settings_have_documented_defaults() {
    let config = Config::new();
    assert_eq!(
        config.get_memory_reservation(),
        ward::DEFAULT_MEMORY_RESERVATION
    );
    assert_eq!(
        config.get_memory_guard_size(),
        ward::DEFAULT_MEMORY_GUARD_SIZE
    );
    if cfg!(all(unix, target_pointer_width = "64")) {
        assert_eq!(ward::DEFAULT_MEMORY_RESERVATION, 4 << 30);
        assert_eq!(ward::DEFAULT_MEMORY_GUARD_SIZE, 2 << 30);
    }
}

#[test]
fn a_memory_of_one_byte_pages_ends_at_its_last_byte_in_both_tiers() {
    // Ten bytes: the page of the OS that holds them is accessible well past them, so
    // only a bounds check can catch an access to byte 10.
    const BYTE_PAGES: &str = r#"(module
        (memory (export "m") 10 20 (pagesize 1))
        (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
        (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "size") (result i32) (memory.size)))"#;
    for (what, mut config) in tier_configurations() {
        config.wasm_custom_page_sizes(true);
        let (mut store, instance) = instance(&config, BYTE_PAGES);
        let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
        let put = instance
            .get_typed_func::<(i32, i32), ()>(&store, "store")
            .unwrap();
        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
        put.call(&mut store, (9, 42)).unwrap();
        assert_eq!(load.call(&mut store, 9).unwrap(), 42, "{what}");
        assert!(load.call(&mut store, 10).is_err(), "{what}");
        assert!(put.call(&mut store, (10, 1)).is_err(), "{what}");
        assert_eq!(size.call(&mut store, ()).unwrap(), 10, "{what}");
        assert_eq!(grow.call(&mut store, 1).unwrap(), 10, "{what}");
        assert_eq!(load.call(&mut store, 10).unwrap(), 0, "{what}");
        assert!(load.call(&mut store, 11).is_err(), "{what}");
        assert_eq!(
            grow.call(&mut store, 10).unwrap(),
            -1,
            "{what}: past the maximum"
        );
        assert_eq!(size.call(&mut store, ()).unwrap(), 11, "{what}");
        let memory = instance.get_memory(&store, "m").unwrap();
        assert_eq!(memory.ty(&store).page_size(), 1, "{what}");
        assert_eq!(memory.data(&store).len(), 11, "{what}");
    }
}

#[test]
fn extended_constant_expressions_initialise_globals_and_segments_in_both_tiers() {
    const EXTENDED: &str = r#"(module
        (import "env" "base" (global $base i32))
        (global $g i32 (i32.add (global.get $base) (i32.mul (i32.const 3) (i32.const 4))))
        (global $h i64 (i64.sub (i64.const 100) (i64.mul (i64.const 2) (i64.const 21))))
        (memory 1)
        (data (offset (i32.add (global.get $base) (i32.const 8))) "hi")
        (table 10 funcref)
        (elem (offset (i32.sub (i32.const 5) (i32.const 2))) func $f)
        (func $f (result i32) (i32.const 77))
        (func (export "g") (result i32) (global.get $g))
        (func (export "h") (result i64) (global.get $h))
        (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
        (func (export "call") (param i32) (result i32)
          (call_indirect (result i32) (local.get 0))))"#;
    let mut strategies = vec![Strategy::Interpreter];
    if Strategy::Cranelift.is_available() {
        strategies.push(Strategy::Cranelift);
    }
    for strategy in strategies {
        let engine = Engine::new(Config::new().strategy(strategy));
        let module = Module::new(&engine, EXTENDED).unwrap();
        let mut store = Store::new(&engine, ());
        let base = ward::Global::new(
            &mut store,
            ward::GlobalType::new(ward::ValType::I32, ward::Mutability::Const),
            Val::I32(100),
        )
        .unwrap();
        let mut linker = Linker::new(&engine);
        linker.define("env", "base", base).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let g = instance.get_typed_func::<(), i32>(&store, "g").unwrap();
        let h = instance.get_typed_func::<(), i64>(&store, "h").unwrap();
        let byte = instance.get_typed_func::<i32, i32>(&store, "byte").unwrap();
        let call = instance.get_typed_func::<i32, i32>(&store, "call").unwrap();
        assert_eq!(g.call(&mut store, ()).unwrap(), 112, "{strategy:?}");
        assert_eq!(h.call(&mut store, ()).unwrap(), 58, "{strategy:?}");
        assert_eq!(
            byte.call(&mut store, 108).unwrap(),
            i32::from(b'h'),
            "{strategy:?}"
        );
        assert_eq!(
            byte.call(&mut store, 109).unwrap(),
            i32::from(b'i'),
            "{strategy:?}"
        );
        assert_eq!(call.call(&mut store, 3).unwrap(), 77, "{strategy:?}");
        assert!(call.call(&mut store, 2).is_err(), "{strategy:?}");
    }
    // Switched off, the module does not validate.
    let mut config = Config::new();
    config.wasm_extended_const(false);
    let error = Module::new(&Engine::new(&config), EXTENDED).unwrap_err();
    assert!(error.to_string().contains("constant expression"), "{error}");
}

const FOOTPRINT: &str = r#"(module
    (memory 2 10)
    (table 10 funcref)
    (global (mut i64) (i64.const 0))
    (elem (i32.const 0) $grow)
    (func $grow (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;

#[test]
fn a_store_reports_the_bytes_it_holds_in_both_tiers() {
    const PAGE: usize = 65_536;
    for (name, mut config) in tier_configurations() {
        config.wasm_stack_size(256 * 1024);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, FOOTPRINT).unwrap();
        let mut store = Store::new(&engine, ());
        assert_eq!(store.footprint().total(), 0, "{name}: an empty store");

        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let first = store.footprint();
        assert_eq!(first.memories, 2 * PAGE, "{name}");
        assert_eq!(first.tables, 10 * 8, "{name}");
        assert!(first.instances > 0, "{name}: {first:?}");
        assert!(first.code > 0, "{name}: {first:?}");
        assert_eq!(first.stacks, 0, "{name}: no call yet: {first:?}");
        // Guard pages serve compiled code only.
        let guard = match config.get_strategy() {
            Strategy::Interpreter => 0,
            _ => config.get_memory_guard_size(),
        };
        if config.get_memory_reservation() > 0 {
            // The reservation and the guard, beyond the two accessible pages.
            let reserved = config.get_memory_reservation() + guard;
            assert_eq!(first.memory_reservations as u64, reserved - 2 * PAGE as u64);
        }

        let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
        assert_eq!(grow.call(&mut store, 3).unwrap(), 2, "{name}");
        let grown = store.footprint();
        assert_eq!(grown.memories, 5 * PAGE, "{name}");
        if config.get_memory_reservation() > 0 {
            assert_eq!(
                grown.memory_reservations + grown.memories,
                first.memory_reservations + first.memories,
                "{name}: the memory grew into its reservation"
            );
        } else {
            // Without a reservation it moved to a mapping of its new size and a guard.
            assert_eq!(grown.memory_reservations as u64, guard, "{name}");
        }
        if config.get_strategy() == Strategy::Interpreter {
            // The interpreter's stack, allocated at the first call, and the
            // function it translated then.
            assert!(grown.stacks >= 256 * 1024, "{name}: {grown:?}");
            assert!(grown.code > first.code, "{name}: {grown:?} after {first:?}");
        }

        // A second instance of the same module: its own memory, table and vmctx, the
        // same code.
        Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let second = store.footprint();
        assert_eq!(second.code, grown.code, "{name}");
        assert_eq!(second.memories, 7 * PAGE, "{name}");
        assert_eq!(second.tables, 2 * 10 * 8, "{name}");
        assert!(second.instances > grown.instances, "{name}");
        assert_eq!(
            second.total(),
            second.code + second.stacks + second.memories + second.tables + second.instances
        );
    }
}
