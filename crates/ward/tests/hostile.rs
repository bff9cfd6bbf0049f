//! Hostile input: modules built to exhaust the loader, the translator or the host.
//! Each is rejected with a clear error or runs within limits: never a panic, a native
//! stack overflow, a hang, or an allocation beyond what its size justifies; and the
//! modules that run, run on both tiers with the same results.

use ward::{Config, Engine, Error, Instance, Module, Store, Strategy};
use wasm_encoder::{
    BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction,
    Module as Encoder, TypeSection, ValType,
};

/// A module of one exported function `run` of type `params -> results` with `locals`
/// and the given body (without the final `end`).
fn one_function(
    params: &[ValType],
    results: &[ValType],
    locals: &[(u32, ValType)],
    body: impl FnOnce(&mut Function),
) -> Vec<u8> {
    let mut module = Encoder::new();
    let mut types = TypeSection::new();
    types.ty().function(params.to_vec(), results.to_vec());
    module.section(&types);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    module.section(&funcs);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 0);
    module.section(&exports);
    let mut code = CodeSection::new();
    let mut f = Function::new(locals.iter().copied());
    body(&mut f);
    f.instruction(&Instruction::End);
    code.function(&f);
    module.section(&code);
    module.finish()
}

/// Runs `run` on each tier this platform has, which must agree; returns the result.
fn run_i32(bytes: &[u8], arg: Option<i32>) -> Result<i32, Error> {
    let interpreted = run_i32_on(Strategy::Interpreter, bytes, arg);
    if Strategy::Cranelift.is_available() {
        let compiled = run_i32_on(Strategy::Cranelift, bytes, arg);
        assert_eq!(
            format!("{compiled:?}"),
            format!("{interpreted:?}"),
            "the tiers disagree"
        );
    }
    interpreted
}

fn run_i32_on(strategy: Strategy, bytes: &[u8], arg: Option<i32>) -> Result<i32, Error> {
    let mut config = Config::new();
    config.strategy(strategy);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, bytes)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    match arg {
        Some(arg) => instance
            .get_typed_func::<i32, i32>(&store, "run")?
            .call(&mut store, arg),
        None => instance
            .get_typed_func::<(), i32>(&store, "run")?
            .call(&mut store, ()),
    }
}

#[test]
fn a_hundred_thousand_nested_blocks_run() {
    let depth = 100_000;
    let bytes = one_function(&[], &[ValType::I32], &[], |f| {
        for _ in 0..depth {
            f.instruction(&Instruction::Block(BlockType::Empty));
        }
        for _ in 0..depth {
            f.instruction(&Instruction::End);
        }
        f.instruction(&Instruction::I32Const(5));
    });
    assert_eq!(run_i32(&bytes, None).unwrap(), 5);
}

#[test]
fn twenty_thousand_nested_ifs_run() {
    let depth = 20_000;
    let bytes = one_function(&[ValType::I32], &[ValType::I32], &[], |f| {
        for _ in 0..depth {
            f.instruction(&Instruction::LocalGet(0));
            f.instruction(&Instruction::If(BlockType::Empty));
        }
        f.instruction(&Instruction::I32Const(1));
        f.instruction(&Instruction::Return);
        for _ in 0..depth {
            f.instruction(&Instruction::End);
        }
        f.instruction(&Instruction::I32Const(0));
    });
    assert_eq!(run_i32(&bytes, Some(1)).unwrap(), 1);
    assert_eq!(run_i32(&bytes, Some(0)).unwrap(), 0);
}

#[test]
fn a_br_table_of_a_hundred_thousand_targets_runs() {
    let targets: Vec<u32> = (0..100_000).map(|i| i % 3).collect();
    let bytes = one_function(&[ValType::I32], &[ValType::I32], &[], |f| {
        f.instruction(&Instruction::Block(BlockType::Empty));
        f.instruction(&Instruction::Block(BlockType::Empty));
        f.instruction(&Instruction::Block(BlockType::Empty));
        f.instruction(&Instruction::LocalGet(0));
        f.instruction(&Instruction::BrTable(targets.into(), 2));
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::I32Const(10));
        f.instruction(&Instruction::Return);
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::I32Const(11));
        f.instruction(&Instruction::Return);
        f.instruction(&Instruction::End);
        f.instruction(&Instruction::I32Const(12));
    });
    assert_eq!(run_i32(&bytes, Some(0)).unwrap(), 10);
    assert_eq!(run_i32(&bytes, Some(99_998)).unwrap(), 12);
    assert_eq!(run_i32(&bytes, Some(99_999)).unwrap(), 10);
    assert_eq!(run_i32(&bytes, Some(-1)).unwrap(), 12);
}

#[test]
fn fifty_thousand_locals_run() {
    // The validator's limit is 50,000 locals, parameters included.
    let bytes = one_function(
        &[ValType::I32],
        &[ValType::I32],
        &[(49_999, ValType::I64)],
        |f| {
            f.instruction(&Instruction::LocalGet(0));
            f.instruction(&Instruction::I64ExtendI32U);
            f.instruction(&Instruction::LocalSet(49_999));
            f.instruction(&Instruction::LocalGet(49_999));
            f.instruction(&Instruction::LocalGet(25_000));
            f.instruction(&Instruction::I64Add);
            f.instruction(&Instruction::I32WrapI64);
        },
    );
    assert_eq!(run_i32(&bytes, Some(77)).unwrap(), 77);
}

#[test]
fn two_hundred_thousand_functions_load_and_run() {
    let count = 200_000;
    let mut module = Encoder::new();
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]);
    module.section(&types);
    let mut funcs = FunctionSection::new();
    for _ in 0..count {
        funcs.function(0);
    }
    module.section(&funcs);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, count - 1);
    module.section(&exports);
    let mut code = CodeSection::new();
    for i in 0..count {
        let mut f = Function::new([]);
        if i + 1 == count {
            f.instruction(&Instruction::Call(i - 1));
            f.instruction(&Instruction::I32Const(1));
            f.instruction(&Instruction::I32Add);
        } else {
            f.instruction(&Instruction::I32Const(i as i32));
        }
        f.instruction(&Instruction::End);
        code.function(&f);
    }
    module.section(&code);
    assert_eq!(run_i32(&module.finish(), None).unwrap(), count as i32 - 1);
}

fn compile_error(bytes: &[u8]) -> String {
    match Module::new(&Engine::default(), bytes) {
        Err(err @ Error::Compile { .. }) => err.to_string(),
        Err(other) => panic!("expected a compile error, got {other}"),
        Ok(_) => panic!("the module was accepted"),
    }
}

#[test]
fn a_huge_declared_section_size_is_rejected() {
    // A type section claiming 4 GiB of contents.
    let bytes = b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x0f\x00";
    let message = compile_error(bytes);
    assert!(message.contains("offset"), "{message}");
    // A function section declaring 4 billion functions in a few bytes.
    let bytes = b"\0asm\x01\0\0\0\x03\x05\xff\xff\xff\xff\x0f";
    compile_error(bytes);
}

#[test]
fn leb128_overflows_are_rejected() {
    // A type count of six LEB128 bytes.
    let bytes = b"\0asm\x01\0\0\0\x01\x07\x80\x80\x80\x80\x80\x00\x00";
    let message = compile_error(bytes);
    assert!(message.contains("offset"), "{message}");
    // An i32.const whose LEB128 has too many bytes.
    let mut bytes = one_function(&[], &[ValType::I32], &[], |f| {
        f.instruction(&Instruction::I32Const(0));
    });
    let at = bytes.windows(2).position(|w| w == [0x41, 0x00]).unwrap();
    bytes.splice(at + 1..at + 2, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    compile_error(&bytes);
}

#[test]
fn every_truncation_of_a_module_is_rejected() {
    let wat = r#"(module
        (type $t (func (param i32) (result i32)))
        (import "env" "f" (func (type $t)))
        (memory 1 2)
        (table 2 funcref)
        (global (mut i64) (i64.const -5))
        (func (export "g") (param i32) (result i32)
          (block (result i32)
            (br_table 0 0 (local.get 0) (local.get 0))))
        (elem (i32.const 0) 1)
        (data (i32.const 8) "hostile input"))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let engine = Engine::default();
    Module::new(&engine, &bytes).expect("the whole module is valid");
    // A cut between sections leaves a shorter module that may well be valid; every other
    // cut must be rejected.
    let boundaries = section_boundaries(&bytes);
    for len in 0..bytes.len() {
        let result = Module::from_binary(&engine, &bytes[..len]);
        if !boundaries.contains(&len) {
            assert!(
                result.is_err(),
                "a module truncated to {len} bytes was accepted"
            );
        }
    }
}

/// The offsets at which a section ends (the header's end included).
fn section_boundaries(bytes: &[u8]) -> Vec<usize> {
    let mut at = 8;
    let mut ends = vec![at];
    while at < bytes.len() {
        at += 1;
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let byte = bytes[at];
            at += 1;
            size |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        at += size;
        ends.push(at);
    }
    ends
}

#[test]
fn deeply_nested_text_loads_without_overflowing() {
    let depth = 100_000;
    let text = format!(
        r#"(module (func (export "run") (result i32) {}{} (i32.const 3)))"#,
        "(block ".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(run_i32(text.as_bytes(), None).unwrap(), 3);
    // Folded expressions nest operands as deep.
    let text = format!(
        r#"(module (func (export "run") (result i32) {}(i32.const 1){}))"#,
        "(i32.add (i32.const 1) ".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(run_i32(text.as_bytes(), None).unwrap(), depth as i32 + 1);
}
