//! A store's memory limit (`Store::limit_memory`) and host access to memory together
//! with the store's data (`Memory::data_and_store_mut`).

use ward::{Caller, Engine, Error, Linker, Memory, MemoryType, Module, ResourceError, Store};

const GROWER: &str = r#"
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size)))
"#;

#[test]
fn memory_grow_returns_minus_one_past_the_store_limit() {
    let engine = Engine::default();
    let module = Module::new(&engine, GROWER).unwrap();
    let mut store = Store::new(&engine, ());
    store.limit_memory(3 * 65536);
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);

    let memory = instance.get_memory(&store, "memory").unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
    assert_eq!(memory.size(&store), 3);
}

#[test]
fn a_partial_page_of_limit_does_not_count() {
    let engine = Engine::default();
    let module = Module::new(&engine, GROWER).unwrap();
    let mut store = Store::new(&engine, ());
    store.limit_memory(2 * 65536 - 1);
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
}

#[test]
fn instantiating_a_memory_larger_than_the_limit_fails() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 4))").unwrap();
    let mut store = Store::new(&engine, ());
    store.limit_memory(65536);
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Resource(ResourceError::MemoryLimit {
                pages: 4,
                limit: 65536,
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("memory limit"), "{err}");
    assert!(Memory::new(&mut store, MemoryType::new(2, None)).is_err());
    assert!(Memory::new(&mut store, MemoryType::new(1, None)).is_ok());
}

#[test]
fn host_functions_see_memory_and_data_together() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "host" "take" (func $take (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 8) "hello")
          (func (export "run") (call $take (i32.const 8) (i32.const 5))))
        "#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<u8>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "take",
            |mut caller: Caller<'_, Vec<u8>>, ptr: i32, len: i32| {
                let memory = caller.get_export("memory").unwrap().into_memory().unwrap();
                let store = ward::AsContextMut::as_context_mut(&mut caller);
                let (bytes, seen) = memory.data_and_store_mut(store);
                let range = ptr as usize..(ptr + len) as usize;
                seen.extend_from_slice(&bytes[range.clone()]);
                bytes[range].make_ascii_uppercase();
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    run.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), b"hello");
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(&memory.data(&store)[8..13], b"HELLO");
}
