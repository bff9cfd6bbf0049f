//! The `spectest` host module that the WebAssembly spec scripts import.
//!
//! Its contents are fixed by the spec interpreter (`interpreter/host/spectest.ml`):
//! print functions, four immutable globals of value 666, a funcref table of
//! 10..=20 elements and a memory of 1..=2 pages.

use ward::{
    Global, GlobalType, Linker, Memory, MemoryType, Mutability, Store, Table, TableType, Val,
    ValType,
};

/// Name under which the module is registered in the linker.
const MODULE: &str = "spectest";

/// Defines every `spectest` export in `linker`, allocating the globals, the table
/// and the memory in `store`.
///
/// The print functions write their arguments to stdout only when `verbose` is set,
/// so a spec run stays quiet by default.
///
/// # Errors
///
/// Fails only if ward refuses to allocate one of the items or to define it.
pub(crate) fn define(
    linker: &mut Linker<()>,
    store: &mut Store<()>,
    verbose: bool,
) -> ward::Result<()> {
    linker.func_wrap(MODULE, "print", move || {
        if verbose {
            println!("spectest.print");
        }
    })?;
    linker.func_wrap(MODULE, "print_i32", move |x: i32| {
        if verbose {
            println!("{x} : i32");
        }
    })?;
    linker.func_wrap(MODULE, "print_i64", move |x: i64| {
        if verbose {
            println!("{x} : i64");
        }
    })?;
    linker.func_wrap(MODULE, "print_f32", move |x: f32| {
        if verbose {
            println!("{x} : f32");
        }
    })?;
    linker.func_wrap(MODULE, "print_f64", move |x: f64| {
        if verbose {
            println!("{x} : f64");
        }
    })?;
    linker.func_wrap(MODULE, "print_i32_f32", move |x: i32, y: f32| {
        if verbose {
            println!("{x} : i32");
            println!("{y} : f32");
        }
    })?;
    linker.func_wrap(MODULE, "print_f64_f64", move |x: f64, y: f64| {
        if verbose {
            println!("{x} : f64");
            println!("{y} : f64");
        }
    })?;

    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let global = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), value)?;
        linker.define(MODULE, name, global)?;
    }

    let table = Table::new(
        &mut *store,
        TableType::new(ValType::FuncRef, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(MODULE, "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(MODULE, "memory", memory)?;
    Ok(())
}
