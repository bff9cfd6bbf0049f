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

/// `examples/NAME.wasm` and `examples/NAME.wat`, loaded, after checking that they
/// import and export the same.
fn binary_and_text(engine: &Engine, name: &str) -> (Module, Module) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let binary = std::fs::read(root.join(format!("{name}.wasm"))).unwrap();
    let text = std::fs::read(root.join(format!("{name}.wat"))).unwrap();
    let from_binary = Module::from_binary(engine, &binary).unwrap();
    let from_text = Module::new(engine, &text).unwrap();
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
    (from_binary, from_text)
}

#[test]
fn hello_wasm_is_hello_wat() {
    let engine = Engine::default();
    let (from_binary, from_text) = binary_and_text(&engine, "hello");
    assert_eq!(fib_and_answer(&from_binary, &engine), (6765, 42));
    assert_eq!(fib_and_answer(&from_text, &engine), (6765, 42));
}

#[test]
fn hello_wasi_wasm_is_hello_wasi_wat() {
    let engine = Engine::default();
    let (from_binary, _) = binary_and_text(&engine, "hello-wasi");
    assert_eq!(from_binary.imports().count(), 1);
}
