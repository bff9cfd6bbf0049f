//! The `spectest` host module that the WebAssembly spec scripts import.
//!
//! Its contents are fixed by the spec interpreter (`interpreter/host/spectest.ml`):
//! print functions, four immutable globals of value 666, a funcref table of
//! 10..=20 elements, the same table indexed by `i64` (memory64's `table64`) and a
//! memory of 1..=2 pages.

use std::fmt;
use std::io::Write;

use ward::{
    Global, GlobalType, Linker, Memory, MemoryType, Mutability, Store, Table, TableType, Val,
    ValType,
};

/// Name under which the module is registered in the linker.
pub const MODULE: &str = "spectest";

/// The names of the print functions.
pub const PRINT_FUNCTIONS: [&str; 7] = [
    "print",
    "print_i32",
    "print_i64",
    "print_f32",
    "print_f64",
    "print_i32_f32",
    "print_f64_f64",
];

/// Where the print functions write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintTo {
    /// Nowhere: a spec run stays quiet.
    Nowhere,
    /// Standard output, one line per value.
    Stdout,
    /// Formatted as for stdout, then discarded: the same work without the output, for
    /// measuring the functions' stack use.
    Sink,
}

fn emit(to: PrintTo, line: fmt::Arguments<'_>) {
    // A failed write to stdout (a closed pipe) is not the module's fault: ignore it.
    let _ = match to {
        PrintTo::Nowhere => Ok(()),
        PrintTo::Stdout => writeln!(std::io::stdout().lock(), "{line}"),
        PrintTo::Sink => writeln!(std::io::sink(), "{line}"),
    };
}

/// Defines every `spectest` export in `linker`, allocating the globals, the table
/// and the memory in `store`.
///
/// # Errors
///
/// Fails only if ward refuses to allocate one of the items or to define it.
pub fn define<T: 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
    to: PrintTo,
) -> ward::Result<()> {
    linker.func_wrap(MODULE, "print", move || {
        emit(to, format_args!("spectest.print"))
    })?;
    linker.func_wrap(MODULE, "print_i32", move |x: i32| {
        emit(to, format_args!("{x} : i32"))
    })?;
    linker.func_wrap(MODULE, "print_i64", move |x: i64| {
        emit(to, format_args!("{x} : i64"))
    })?;
    linker.func_wrap(MODULE, "print_f32", move |x: f32| {
        emit(to, format_args!("{x} : f32"))
    })?;
    linker.func_wrap(MODULE, "print_f64", move |x: f64| {
        emit(to, format_args!("{x} : f64"))
    })?;
    linker.func_wrap(MODULE, "print_i32_f32", move |x: i32, y: f32| {
        emit(to, format_args!("{x} : i32"));
        emit(to, format_args!("{y} : f32"));
    })?;
    linker.func_wrap(MODULE, "print_f64_f64", move |x: f64, y: f64| {
        emit(to, format_args!("{x} : f64"));
        emit(to, format_args!("{y} : f64"));
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
        TableType::new(ValType::FUNCREF, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(MODULE, "table", table)?;
    let table64 = Table::new(
        &mut *store,
        TableType::new64(ValType::FUNCREF, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(MODULE, "table64", table64)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(MODULE, "memory", memory)?;
    Ok(())
}
