//! What a build of ward without optional parts does with modules that need them: the
//! `simd` feature. This file runs in every build: with the feature, SIMD modules run
//! unless the configuration turns SIMD off; without it (`cargo test -p ward
//! --no-default-features --features std --test features`), they are refused with errors
//! that say why.

use ward::{Config, Engine, Error, Linker, Module, Store};

/// `examples/simd.wasm`: `dot(a, b)` is the dot product of (a, a, a, a) and (b, b, b, b).
const SIMD_MODULE: &[u8] = include_bytes!("../../../examples/simd.wasm");
/// `examples/hello.wasm`, which uses no SIMD.
const SCALAR_MODULE: &[u8] = include_bytes!("../../../examples/hello.wasm");

fn load(config: &Config, bytes: &[u8]) -> Result<Module, Error> {
    Module::from_binary(&Engine::new(config), bytes)
}

fn dot(module: &Module, a: i32, b: i32) -> i32 {
    let mut store = Store::new(module.engine(), ());
    let instance = Linker::new(module.engine())
        .instantiate(&mut store, module)
        .unwrap();
    let dot = instance
        .get_typed_func::<(i32, i32), i32>(&store, "dot")
        .unwrap();
    dot.call(&mut store, (a, b)).unwrap()
}

fn compile_message(result: Result<Module, Error>) -> String {
    match result {
        Err(Error::Compile { message, .. }) => message,
        Err(other) => panic!("expected a compile error, got {other}"),
        Ok(_) => panic!("expected a compile error, the module loaded"),
    }
}

#[test]
fn a_module_with_simd_runs_only_where_simd_is_built_in_and_on() {
    let default = Config::new();
    if cfg!(feature = "simd") {
        let module = load(&default, SIMD_MODULE).unwrap();
        assert_eq!(dot(&module, 3, 5), 60);
        assert_eq!(dot(&module, -2, 7), -56);
    } else {
        let message = compile_message(load(&default, SIMD_MODULE));
        assert!(message.contains("SIMD support is not enabled"), "{message}");
    }
    let mut off = Config::new();
    off.wasm_simd(false);
    let message = compile_message(load(&off, SIMD_MODULE));
    assert!(message.contains("SIMD support is not enabled"), "{message}");
    assert!(load(&off, SCALAR_MODULE).is_ok());
}

#[test]
fn asking_for_simd_in_a_build_without_it_names_the_feature() {
    let mut on = Config::new();
    on.wasm_simd(true);
    if cfg!(feature = "simd") {
        assert!(load(&on, SIMD_MODULE).is_ok());
        assert!(load(&on, SCALAR_MODULE).is_ok());
    } else {
        // Every module: the configuration asks for what this build cannot do.
        for bytes in [SIMD_MODULE, SCALAR_MODULE] {
            let message = compile_message(load(&on, bytes));
            assert!(message.contains("the `simd` feature"), "{message}");
        }
        let mut relaxed = Config::new();
        relaxed.wasm_relaxed_simd(true);
        let message = compile_message(load(&relaxed, SCALAR_MODULE));
        assert!(message.contains("the `simd` feature"), "{message}");
    }
}
