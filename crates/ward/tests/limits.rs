//! Control over time and memory: fuel, interruption from another thread, and store
//! limits on memories, tables and instances.

use std::time::{Duration, Instant};

use ward::{
    Config, Engine, Error, Instance, Memory, MemoryType, Module, Store, StoreLimits, Table,
    TableType, TrapKind, Val, ValType,
};

const COUNTER: &str = r#"(module
  (func (export "count") (param i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br 0)))
    (local.get 1))
  (func (export "forever") (loop (br 0)))
  (func $leaf)
  (func (export "calls") (loop (call $leaf) (br 0))))"#;

fn trap_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> TrapKind {
    match result {
        Err(Error::Trap(trap)) => trap.kind(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

fn instance(config: &Config) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, COUNTER).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn fuel_bounds_execution_and_is_charged_per_instruction() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let (mut store, instance) = instance(&config);
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();

    store.set_fuel(1_000_000).unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let used_100 = 1_000_000 - store.get_fuel().unwrap();
    store.set_fuel(1_000_000).unwrap();
    count.call(&mut store, 200).unwrap();
    let used_200 = 1_000_000 - store.get_fuel().unwrap();
    // Each iteration runs the same instructions: the cost grows linearly.
    let per_iteration = (used_200 - used_100) / 100;
    assert!(
        (5..=20).contains(&per_iteration),
        "{per_iteration} units per iteration"
    );

    store.set_fuel(50).unwrap();
    assert_eq!(
        trap_kind(count.call(&mut store, 1_000)),
        TrapKind::OutOfFuel
    );
    assert_eq!(store.get_fuel().unwrap(), 0);
    let forever = instance
        .get_typed_func::<(), ()>(&store, "forever")
        .unwrap();
    store.set_fuel(10_000).unwrap();
    assert_eq!(trap_kind(forever.call(&mut store, ())), TrapKind::OutOfFuel);
    // Refuelled, the same store runs again.
    store.set_fuel(10_000).unwrap();
    assert_eq!(count.call(&mut store, 10).unwrap(), 10);
}

#[test]
fn fuel_must_be_enabled() {
    let (mut store, _) = instance(&Config::new());
    assert!(matches!(store.set_fuel(1), Err(Error::Other(_))));
    assert!(matches!(store.get_fuel(), Err(Error::Other(_))));
    assert!(matches!(store.interrupt_handle(), Err(Error::Other(_))));
}

#[test]
fn another_thread_interrupts_endless_loops() {
    let mut config = Config::new();
    config.interruptible(true);
    let (mut store, instance) = instance(&config);
    let handle = store.interrupt_handle().unwrap();
    for name in ["forever", "calls"] {
        let func = instance.get_typed_func::<(), ()>(&store, name).unwrap();
        let interrupter = {
            let handle = handle.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                handle.interrupt();
            })
        };
        let started = Instant::now();
        let result = func.call(&mut store, ());
        interrupter.join().unwrap();
        assert_eq!(trap_kind(result), TrapKind::Interrupted, "{name}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    // The interrupt is spent: the store runs normally afterwards.
    let count = instance
        .get_typed_func::<i32, i32>(&store, "count")
        .unwrap();
    assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
}

#[test]
fn memory_growth_stops_at_the_store_limit() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "m") 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits {
        memory_size: 4 << 16,
        ..StoreLimits::default()
    });
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 65536).unwrap(), -1);
    let memory = instance.get_memory(&store, "m").unwrap();
    assert_eq!(memory.size(&store), 4);
    assert!(memory.grow(&mut store, 1).is_err());
    // A memory that starts beyond the limit is refused.
    assert!(Memory::new(&mut store, MemoryType::new(5, None)).is_err());
}

#[test]
fn table_growth_stops_at_the_store_limit() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (table (export "t") 1 funcref)
             (func (export "grow") (param i32) (result i32)
               (table.grow (ref.null func) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits {
        table_elements: 10,
        ..StoreLimits::default()
    });
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 9).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let table = instance.get_table(&store, "t").unwrap();
    assert!(table.grow(&mut store, 1, Val::FuncRef(None)).is_err());
    assert!(Table::new(
        &mut store,
        TableType::new(ValType::FUNCREF, 11, None),
        Val::FuncRef(None)
    )
    .is_err());
}

#[test]
fn instance_table_and_memory_counts_are_limited() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 1) (table 1 funcref))").unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits {
        instances: 2,
        memories: 3,
        tables: 3,
        ..StoreLimits::default()
    });
    Instance::new(&mut store, &module, &[]).unwrap();
    Instance::new(&mut store, &module, &[]).unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(err.to_string().contains("at most 2 instances"), "{err}");
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let err = Memory::new(&mut store, MemoryType::new(1, None)).unwrap_err();
    assert!(err.to_string().contains("at most 3 memories"), "{err}");
}
