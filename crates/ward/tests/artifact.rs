//! Artifacts: modules written with `Module::serialize` and loaded back with
//! `Module::deserialize` run as the modules they came from, and anything damaged,
//! foreign or mismatched is refused with an error, never run.

use ward::{
    ArtifactHeader, Config, Engine, Error, Linker, Module, Store, Strategy, TargetCpu, TrapKind,
    Val,
};

/// A config of the compiled tier changed by `tweak`, or `None` (with a note) where the
/// tier is not available.
fn config(tweak: impl FnOnce(&mut Config)) -> Option<Config> {
    if !Strategy::Cranelift.is_available() {
        eprintln!("compiled tier not available on this platform: test skipped");
        return None;
    }
    let mut config = Config::new();
    config.strategy(Strategy::Cranelift);
    tweak(&mut config);
    Some(config)
}

/// Exercises what compiled code reaches outside itself: calls between its functions,
/// a host import, `call_indirect`, memory accesses, growth, `memory.copy` and
/// `memory.fill` (calls into the C library, whose addresses differ per process), and
/// a trap deep in a named function.
const PROGRAM: &str = r#"
(module $program
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $square $twice)
  (data (i32.const 100) "artifact")
  (type $unary (func (param i32) (result i32)))
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $twice (param i32) (result i32) (call $add (local.get 0) (local.get 0)))
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "copy_and_sum") (result i32)
    (local $i i32) (local $sum i32)
    (memory.copy (i32.const 200) (i32.const 100) (i32.const 8))
    (memory.fill (i32.const 208) (i32.const 1) (i32.const 4))
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=200 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 12))))
    (local.get $sum))
  (func (export "grow") (result i32)
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 131072) (i32.const 7))
    (i32.add (memory.size) (i32.load (i32.const 131072))))
  (func $deep (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.div_u (i32.const 1) (local.get 0)))))
  (func (export "divide_by_zero") (result i32) (call $deep (i32.const 3))))
"#;

fn linker(engine: &Engine) -> Linker<()> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
        .expect("the host function is defined");
    linker
}

/// Runs the program's exports on `module` and returns what they gave.
fn outcomes(engine: &Engine, module: &Module) -> Vec<String> {
    let mut store = Store::new(engine, ());
    let instance = linker(engine)
        .instantiate(&mut store, module)
        .expect("the program instantiates");
    let apply = instance
        .get_typed_func::<(i32, i32), i32>(&store, "apply")
        .expect("apply");
    let copy = instance
        .get_typed_func::<(), i32>(&store, "copy_and_sum")
        .expect("copy_and_sum");
    let grow = instance
        .get_typed_func::<(), i32>(&store, "grow")
        .expect("grow");
    let divide = instance
        .get_typed_func::<(), i32>(&store, "divide_by_zero")
        .expect("divide_by_zero");
    let trap = divide.call(&mut store, ()).expect_err("it traps");
    let trap = trap.as_trap().expect("a trap");
    let frames: Vec<String> = trap
        .backtrace()
        .iter()
        .map(|frame| frame.func_name.clone().unwrap_or_else(|| "?".to_owned()))
        .collect();
    vec![
        apply.call(&mut store, (0, 12)).expect("square").to_string(),
        apply.call(&mut store, (1, 21)).expect("twice").to_string(),
        copy.call(&mut store, ()).expect("copy").to_string(),
        grow.call(&mut store, ()).expect("grow").to_string(),
        format!("{:?} {}", trap.kind(), frames.join(",")),
    ]
}

#[test]
fn an_artifact_runs_as_the_module_it_came_from() {
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let module = Module::new(&engine, PROGRAM).expect("the program compiles");
    let expected = outcomes(&engine, &module);
    assert_eq!(expected[0], "144");
    assert_eq!(expected[1], "42");
    assert_eq!(
        expected[2],
        (b"artifact".iter().map(|&b| u32::from(b)).sum::<u32>() + 4).to_string()
    );
    assert_eq!(expected[3], "10");
    assert_eq!(
        expected[4],
        format!(
            "{:?} deep,deep,deep,deep,?",
            TrapKind::IntegerDivisionByZero
        )
    );

    let artifact = module.serialize().expect("the module serializes");
    assert!(Module::is_artifact(&artifact));
    // SAFETY: written just above by this build.
    let loaded = unsafe { Module::deserialize(&engine, &artifact) }.expect("it loads");
    assert_eq!(outcomes(&engine, &loaded), expected);
    assert_eq!(loaded.name(), Some("program"));
    assert_eq!(loaded.exports().len(), module.exports().len());
    // The artifact keeps the compiled code, not the function bodies.
    let error = loaded.disassemble(1).expect_err("no bodies to disassemble");
    assert!(error.to_string().contains("artifact"), "{error}");
    module.disassemble(1).expect("the original has its bodies");

    // Another engine with the same settings loads it too, and so does a file.
    let other = Engine::new(&config);
    // SAFETY: as above.
    let again = unsafe { Module::deserialize(&other, &artifact) }.expect("it loads");
    assert_eq!(outcomes(&other, &again), expected);
    let path = std::env::temp_dir().join(format!("ward-artifact-{}.cwasm", std::process::id()));
    std::fs::write(&path, &artifact).expect("the artifact is written");
    // SAFETY: as above; the file stays unchanged until the module is dropped.
    let mapped = unsafe { Module::deserialize_file(&engine, &path) }.expect("the file loads");
    assert_eq!(outcomes(&engine, &mapped), expected);
    drop(mapped);
    // A file cut anywhere, in its header, tables or code, is refused.
    let code_offset = u64::from_le_bytes(artifact[24..32].try_into().unwrap()) as usize;
    for len in [20, 60, code_offset - 1, code_offset + 1, artifact.len() - 1] {
        std::fs::write(&path, &artifact[..len]).expect("the cut artifact is written");
        // SAFETY: refused before any of its code runs, which is what is checked.
        let error = unsafe { Module::deserialize_file(&engine, &path) }.expect_err("cut file");
        assert!(matches!(error, Error::Compile { .. }), "{len}: {error}");
    }
    std::fs::remove_file(&path).expect("the artifact is removed");
}

#[test]
fn an_artifact_is_the_same_bytes_each_time() {
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let first = Module::new(&engine, PROGRAM).expect("compiles");
    let second = Module::new(&engine, PROGRAM).expect("compiles");
    let bytes = first.serialize().expect("serializes");
    assert_eq!(bytes, second.serialize().expect("serializes"));
    // SAFETY: written above by this build.
    let loaded = unsafe { Module::deserialize(&engine, &bytes) }.expect("loads");
    assert_eq!(loaded.serialize().expect("serializes again"), bytes);
}

#[test]
fn the_header_says_how_the_code_was_compiled() {
    let Some(config) = config(|c| {
        c.target_cpu(TargetCpu::Baseline).consume_fuel(true);
    }) else {
        return;
    };
    let engine = Engine::new(&config);
    let artifact = Module::new(&engine, PROGRAM)
        .and_then(|m| m.serialize())
        .expect("serializes");
    let header = ArtifactHeader::parse(&artifact).expect("the header parses");
    assert_eq!(header.format_version, 2);
    assert_eq!(header.ward_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(header.target, Module::host_target());
    assert_eq!(header.cpu, "baseline");
    assert!(header.fuel);
    assert!(!header.interruptible);
    assert!(header.guard_pages.is_some());
    if cfg!(target_arch = "x86_64") {
        let mut features = header.cpu_features.clone();
        features.sort();
        assert_eq!(
            features,
            [
                "has_cmpxchg16b",
                "has_popcnt",
                "has_sse3",
                "has_sse41",
                "has_sse42",
                "has_ssse3"
            ]
        );
    }
    // The header's own config loads the artifact.
    let loader = Engine::new(&header.config());
    // SAFETY: written above by this build.
    unsafe { Module::deserialize(&loader, &artifact) }.expect("loads with the header's config");
    let text = header.to_string();
    assert!(text.contains("cpu:            baseline"), "{text}");
    assert!(text.contains("fuel:           on"), "{text}");
}

/// The error of loading `bytes` into `engine`, which must fail.
fn refusal(engine: &Engine, bytes: &[u8]) -> String {
    // SAFETY: every artifact here is refused before any of its code runs, which is
    // what the test checks.
    match unsafe { Module::deserialize(engine, bytes) } {
        Ok(_) => panic!("the artifact was accepted"),
        Err(e @ Error::Compile { .. }) => e.to_string(),
        Err(other) => panic!("expected a load error, got {other:?}"),
    }
}

#[test]
fn settings_that_change_the_code_must_match() {
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let artifact = Module::new(&engine, PROGRAM)
        .and_then(|m| m.serialize())
        .expect("serializes");
    type Tweak = fn(&mut Config);
    let mismatched: [(&str, Tweak); 5] = [
        ("fuel metering", |c| {
            c.consume_fuel(true);
        }),
        ("interruption checks", |c| {
            c.interruptible(true);
        }),
        ("explicit bounds checks", |c| {
            c.memory_reservation(0);
        }),
        ("guard pages of 65536 bytes", |c| {
            c.memory_guard_size(65536);
        }),
        ("wasm features", |c| {
            c.wasm_simd(false);
        }),
    ];
    for (what, tweak) in mismatched {
        let mut config = config.clone();
        tweak(&mut config);
        let error = refusal(&Engine::new(&config), &artifact);
        assert!(error.contains(what), "{what}: {error}");
    }
    let mut interpreting = config.clone();
    interpreting.strategy(Strategy::Interpreter);
    let error = refusal(&Engine::new(&interpreting), &artifact);
    assert!(error.contains("interprets"), "{error}");
}

#[test]
fn code_for_a_cpu_feature_this_machine_lacks_is_refused() {
    // An x86-64 machine without AVX-512 refuses code for x86-64-v4; one with it runs it.
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let Some(config) = config(|c| {
        c.target_cpu(TargetCpu::Named("x86-64-v4".into()));
    }) else {
        return;
    };
    let engine = Engine::new(&config);
    let artifact = Module::new(&engine, PROGRAM)
        .and_then(|m| m.serialize())
        .expect("serializes");
    let header = ArtifactHeader::parse(&artifact).expect("parses");
    assert!(header.cpu_features.iter().any(|f| f == "has_avx512f"));
    #[cfg(target_arch = "x86_64")]
    let has_avx512 = std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512vl");
    #[cfg(not(target_arch = "x86_64"))]
    let has_avx512 = false;
    // SAFETY: written above by this build; refused before running where it cannot run.
    match unsafe { Module::deserialize(&engine, &artifact) } {
        Ok(module) => {
            assert!(has_avx512, "loaded without AVX-512");
            let expected = outcomes(&engine, &Module::new(&engine, PROGRAM).expect("compiles"));
            assert_eq!(outcomes(&engine, &module), expected);
        }
        Err(e) => {
            assert!(!has_avx512, "refused with AVX-512: {e}");
            assert!(e.to_string().contains("avx512"), "{e}");
        }
    }
    let unknown = config
        .clone()
        .target_cpu(TargetCpu::Named("no-such-cpu".into()))
        .clone();
    let error = Module::new(&Engine::new(&unknown), PROGRAM).expect_err("unknown CPU");
    assert!(error.to_string().contains("no-such-cpu"), "{error}");
}

#[test]
fn damaged_artifacts_are_refused() {
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let artifact = Module::new(&engine, PROGRAM)
        .and_then(|m| m.serialize())
        .expect("serializes");
    // Every truncation.
    for len in 0..artifact.len() {
        refusal(&engine, &artifact[..len]);
    }
    // One more byte.
    let mut longer = artifact.clone();
    longer.push(0);
    refusal(&engine, &longer);
    // Every bit of the header and tables, and a sample of the code's.
    let code_offset = u64::from_le_bytes(artifact[24..32].try_into().expect("8 bytes")) as usize;
    let positions = (0..code_offset.min(artifact.len()))
        .filter(|&i| i < 512 || i % 7 == 0)
        .chain((code_offset..artifact.len()).step_by(3));
    for at in positions {
        for bit in [0x01u8, 0x80] {
            let mut damaged = artifact.clone();
            damaged[at] ^= bit;
            let error = refusal(&engine, &damaged);
            assert!(error.contains("artifact"), "byte {at}: {error}");
        }
    }
}

#[test]
fn foreign_files_are_named() {
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let wasm = wat::parse_str("(module)").expect("parses");
    assert!(refusal(&engine, &wasm).contains("WebAssembly binary module"));
    let mut wasmtime = b"\x7fELF\x02\x01\x01\0".to_vec();
    wasmtime.extend_from_slice(&[0; 56]);
    wasmtime.extend_from_slice(b".wasmtime.engine\0");
    assert!(refusal(&engine, &wasmtime).contains("wasmtime"));
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend_from_slice(&[0; 56]);
    assert!(refusal(&engine, &elf).contains("ELF"));
    let wamr = b"\0aot\x03\0\0\0".to_vec();
    assert!(refusal(&engine, &wamr).contains("WAMR"));
    assert!(refusal(&engine, b"").contains("magic"));
    // An artifact given as a module is named too.
    let artifact = Module::new(&engine, PROGRAM)
        .and_then(|m| m.serialize())
        .expect("serializes");
    let error = Module::new(&engine, &artifact).expect_err("not a module");
    assert!(error.to_string().contains("Module::deserialize"), "{error}");
}

#[test]
fn an_interpreted_module_has_no_artifact() {
    let engine = Engine::default();
    let module = Module::new(&engine, PROGRAM).expect("compiles");
    let error = module.serialize().expect_err("not compiled");
    assert!(error.to_string().contains("not compiled"), "{error}");
}

#[test]
fn a_module_with_many_types_and_functions_round_trips() {
    // Enough functions that calls span more than a page of code, and a result of every
    // value type.
    let Some(config) = config(|_| {}) else { return };
    let engine = Engine::new(&config);
    let mut wat = String::from("(module (func $f0 (result i32) i32.const 1)\n");
    for i in 1..300 {
        wat.push_str(&format!(
            "(func $f{i} (result i32) (i32.add (call $f{}) (i32.const {i})))\n",
            i - 1
        ));
    }
    wat.push_str(
        "(func (export \"last\") (result i32) call $f299)
         (func (export \"mixed\") (param f64) (result i64 f32 f64 v128)
           (i64.const -5) (f32.const 1.5) (f64.mul (local.get 0) (f64.const 2))
           (v128.const i32x4 1 2 3 4)))",
    );
    let module = Module::new(&engine, &wat).expect("compiles");
    let artifact = module.serialize().expect("serializes");
    // SAFETY: written above by this build.
    let loaded = unsafe { Module::deserialize(&engine, &artifact) }.expect("loads");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &loaded)
        .expect("instantiates");
    let last = instance
        .get_typed_func::<(), i32>(&store, "last")
        .expect("last");
    assert_eq!(
        last.call(&mut store, ()).expect("runs"),
        (1..300).sum::<i32>() + 1
    );
    let mixed = instance.get_func(&store, "mixed").expect("mixed");
    let mut results = vec![Val::I32(0); 4];
    mixed
        .call(&mut store, &[Val::F64(4.25f64.to_bits())], &mut results)
        .expect("runs");
    assert!(matches!(results[0], Val::I64(-5)));
    assert!(matches!(results[1], Val::F32(bits) if f32::from_bits(bits) == 1.5));
    assert!(matches!(results[2], Val::F64(bits) if f64::from_bits(bits) == 8.5));
}

/// The architecture ward compiles for besides this machine's.
fn other_target() -> Option<&'static str> {
    match Module::host_target().split('-').next() {
        Some("x86_64") => Some("aarch64-unknown-linux-gnu"),
        Some("aarch64") => Some("x86_64-unknown-linux-gnu"),
        _ => None,
    }
}

/// The error of precompiling `PROGRAM` with `config`, which must fail.
fn precompile_error(config: &Config) -> String {
    match Engine::new(config).precompile_module(PROGRAM.as_bytes()) {
        Ok(_) => panic!("precompiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn artifacts_for_the_other_architecture_are_written_not_run() {
    let (Some(mut config), Some(target)) = (
        config(|c| {
            c.target_cpu(TargetCpu::Baseline);
        }),
        other_target(),
    ) else {
        return;
    };
    let host = Engine::new(&config);
    config.target(target);
    if !cfg!(feature = "all-arch") {
        let error = precompile_error(&config);
        assert!(error.contains("`all-arch` feature"), "{error}");
        return;
    }
    let cross = Engine::new(&config);
    let artifact = cross
        .precompile_module(PROGRAM.as_bytes())
        .expect("compiles for the other architecture");
    let header = ArtifactHeader::parse(&artifact).expect("the header parses");
    assert_eq!(header.target, target);
    assert_eq!(header.cpu, "baseline");
    // The code (at the offset in bytes 24..32) begins with the first function's frame
    // setup in the target's instructions.
    let offset = u64::from_le_bytes(artifact[24..32].try_into().unwrap()) as usize;
    let prologue: &[u8] = if target.starts_with("aarch64") {
        // stp x29, x30, [sp, #-16]!; mov x29, sp
        &[0xfd, 0x7b, 0xbf, 0xa9, 0xfd, 0x03, 0x00, 0x91]
    } else {
        // push rbp; mov rbp, rsp
        &[0x55, 0x48, 0x89, 0xe5]
    };
    assert!(
        artifact[offset..].starts_with(prologue),
        "{:02x?}",
        &artifact[offset..offset + 8]
    );
    // This machine refuses to run it, and says why.
    let error = refusal(&host, &artifact);
    let expected = format!(
        "compiled for {target}; this machine is {}",
        Module::host_target()
    );
    assert!(error.contains(&expected), "{error}");
    // An engine for another machine compiles only artifacts.
    let error = Module::new(&cross, PROGRAM).expect_err("cross-compiled module");
    assert!(error.to_string().contains("precompile_module"), "{error}");
}

#[test]
fn cross_compiling_needs_a_known_target_and_cpu() {
    let (Some(mut config), Some(target)) = (config(|_| {}), other_target()) else {
        return;
    };
    config.target("riscv64gc-unknown-linux-gnu");
    let error = precompile_error(&config);
    assert!(
        error.contains("ward compiles for Linux on x86-64 and AArch64"),
        "{error}"
    );
    config.target("no-such-triple");
    let error = precompile_error(&config);
    assert!(error.contains("no-such-triple"), "{error}");
    // `native` is this machine's CPU, which code for another machine cannot assume.
    config.target(target).target_cpu(TargetCpu::Native);
    if cfg!(feature = "all-arch") {
        let error = precompile_error(&config);
        assert!(error.contains("`native` CPU"), "{error}");
    }
    // This machine's own triple, spelled out, is no cross-compilation.
    config
        .target(&Module::host_target())
        .target_cpu(TargetCpu::Baseline);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, PROGRAM).expect("compiles for this machine");
    let mut store = Store::new(&engine, ());
    let instance = linker(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let apply = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "apply")
        .expect("apply");
    assert_eq!(apply.call(&mut store, (0, 7)).expect("runs"), 49);
}
