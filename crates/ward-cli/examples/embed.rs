//! Embedding ward: a host function, a module that calls it, and a typed call into the module.
//!
//! Run with `cargo run -p ward-cli --example embed`. The README shows this program.

use ward::{Caller, Engine, Linker, Module, Store};

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "host" "log" (func $log (param i32)))
          (func (export "double") (param i32) (result i32)
            (call $log (local.get 0))
            (i32.mul (local.get 0) (i32.const 2))))
        "#,
    )?;

    // The store owns all wasm objects; its data (here a Vec) is visible to host functions.
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "log", |mut caller: Caller<'_, Vec<i32>>, x: i32| {
        caller.data_mut().push(x);
    })?;

    let instance = linker.instantiate(&mut store, &module)?;
    let double = instance.get_typed_func::<i32, i32>(&store, "double")?;
    let result = double.call(&mut store, 21)?;
    println!("double(21) = {result}; the host saw {:?}", store.data());
    Ok(())
}
