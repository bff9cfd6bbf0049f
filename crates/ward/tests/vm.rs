//! The VM core as an embedder sees it: memories that keep their address, several
//! memories per instance, function references shared across instances and tables, and
//! the errors of code the interpreter cannot run.

use ward::{
    CompilationMode, Config, Engine, Error, Extern, Linker, Memory, MemoryType, Module, Store,
    Strategy, Val,
};

const GROW: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))"#;

fn instance(config: &Config, wat: &str) -> (Store<()>, ward::Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

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

#[test]
fn code_on_a_second_memory_is_refused_with_a_compile_error() {
    const TWO_MEMORIES: &str = r#"(module
        (memory 1)
        (memory 1)
        (func (export "peek") (result i32) i32.const 0 i32.load 1))"#;
    // Lazily, the body is translated on its first call: the call reports the error.
    let mut config = Config::new();
    config.wasm_multi_memory(true);
    let (mut store, instance) = instance(&config, TWO_MEMORIES);
    let peek = instance.get_typed_func::<(), i32>(&store, "peek").unwrap();
    match peek.call(&mut store, ()) {
        Err(Error::Compile { message, offset }) => {
            assert!(message.contains("multi-memory"), "{message}");
            assert!(offset > 0);
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    // The store stays usable.
    assert!(peek.call(&mut store, ()).is_err());
    // Eagerly, loading the module reports it.
    config.compilation(CompilationMode::Eager);
    let err = Module::new(&Engine::new(&config), TWO_MEMORIES).unwrap_err();
    assert!(
        matches!(&err, Error::Compile { message, .. } if message.contains("multi-memory")),
        "{err:?}"
    );
    // The compiled tier refuses it when it compiles the module, with the operator's offset.
    if Strategy::Cranelift.is_available() {
        config.strategy(Strategy::Cranelift);
        match Module::new(&Engine::new(&config), TWO_MEMORIES) {
            Err(Error::Compile { message, offset }) => {
                assert!(message.contains("multi-memory"), "{message}");
                assert!(offset > 0);
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
    }
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
