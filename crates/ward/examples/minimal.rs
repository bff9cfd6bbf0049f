//! The smallest embedding of ward: load a binary module, call one of its exports with
//! numbers from the command line, and print what it returns. Built without default
//! features it holds the interpreter alone, without the compiled tier, the text format
//! and SIMD (`--features simd` adds it), and the `size` profile makes it as small as it
//! gets (`python3 bench/size.py` reports how small):
//!
//! ```sh
//! cargo build --profile size -p ward --no-default-features --features std --example minimal
//! target/size/examples/minimal examples/hello.wasm fib 20      # prints 6765
//! target/size/examples/minimal examples/simd.wasm dot 3 5      # refused: no SIMD
//! ```

use std::process::ExitCode;

use ward::{Engine, Linker, Module, Store, Val, ValType};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("minimal: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(name)) = (args.next(), args.next()) else {
        return Err("usage: minimal FILE.wasm EXPORT [NUMBER...]".into());
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &bytes).map_err(|e| format!("{path}: {e}"))?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let func = instance
        .get_func(&store, &name)
        .ok_or_else(|| format!("{path} exports no function `{name}`"))?;
    let ty = func.ty(&store);
    let args: Vec<String> = args.collect();
    if args.len() != ty.params().len() {
        return Err(format!(
            "`{name}` takes {} arguments: {ty}",
            ty.params().len()
        ));
    }
    let params = ty
        .params()
        .iter()
        .zip(&args)
        .map(|(&ty, arg)| number(ty, arg))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results = vec![Val::I32(0); ty.results().len()];
    func.call(&mut store, &params, &mut results)
        .map_err(|e| e.to_string())?;
    for result in results {
        match result {
            Val::I32(v) => println!("{v}"),
            Val::I64(v) => println!("{v}"),
            Val::F32(bits) => println!("{}", f32::from_bits(bits)),
            Val::F64(bits) => println!("{}", f64::from_bits(bits)),
            other => println!("{other:?}"),
        }
    }
    Ok(())
}

/// `text` as a value of type `ty`.
fn number(ty: ValType, text: &str) -> Result<Val, String> {
    let bad = |e: &dyn std::fmt::Display| format!("`{text}` is not an {ty}: {e}");
    Ok(match ty {
        ValType::I32 => Val::I32(text.parse().map_err(|e| bad(&e))?),
        ValType::I64 => Val::I64(text.parse().map_err(|e| bad(&e))?),
        ValType::F32 => Val::F32(text.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        other => return Err(format!("arguments of type {other} cannot be given here")),
    })
}
