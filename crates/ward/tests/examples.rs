//! The modules in `examples/`: `hello.wasm`, which the minimal embedder
//! (`examples/minimal.rs`) loads where the text format is left out, is the binary form
//! of `hello.wat` and must keep behaving as it does; `hello-wasi.wasm`, which CI runs
//! with a command line that has no WASI, is the binary form of `hello-wasi.wat`.

use ward::{Engine, Linker, Module, Store};

fn fib_and_answer(module: &Module, engine: &Engine) -> (i64, i32) {
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let fib = instance.get_typed_func::<i64, i64>(&store, "fib").unwrap();
    let answer = instance
        .get_typed_func::<(), i32>(&store, "answer")
        .unwrap();
    (
        fib.call(&mut store, 20).unwrap(),
        answer.call(&mut store, ()).unwrap(),
    )
}

#[test]
fn hello_wasm_is_hello_wat() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let engine = Engine::default();
    let binary = std::fs::read(root.join("hello.wasm")).unwrap();
    let text = std::fs::read(root.join("hello.wat")).unwrap();
    let from_binary = Module::from_binary(&engine, &binary).unwrap();
    let from_text = Module::new(&engine, &text).unwrap();
    let exports = |m: &Module| {
        m.exports()
            .map(|e| (e.name().to_owned(), e.ty()))
            .collect::<Vec<_>>()
    };
    assert_eq!(exports(&from_binary), exports(&from_text));
    assert_eq!(fib_and_answer(&from_binary, &engine), (6765, 42));
    assert_eq!(fib_and_answer(&from_text, &engine), (6765, 42));
}

#[test]
fn hello_wasi_wasm_is_hello_wasi_wat() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let engine = Engine::default();
    let binary = std::fs::read(root.join("hello-wasi.wasm")).unwrap();
    let text = std::fs::read(root.join("hello-wasi.wat")).unwrap();
    let from_binary = Module::from_binary(&engine, &binary).unwrap();
    let from_text = Module::new(&engine, &text).unwrap();
    let imports = |m: &Module| {
        m.imports()
            .map(|i| (i.module().to_owned(), i.name().to_owned(), i.ty()))
            .collect::<Vec<_>>()
    };
    let exports = |m: &Module| {
        m.exports()
            .map(|e| (e.name().to_owned(), e.ty()))
            .collect::<Vec<_>>()
    };
    assert_eq!(imports(&from_binary), imports(&from_text));
    assert_eq!(exports(&from_binary), exports(&from_text));
}
