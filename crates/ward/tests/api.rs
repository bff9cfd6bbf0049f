//! The embedding API as a host program uses it: host functions, re-entry, traps,
//! memories, tables, globals and both compilation modes.

use ward::{
    AsContext, Caller, CompilationMode, Config, Engine, Error, Extern, FuncType, Global,
    GlobalType, Instance, Linker, Memory, MemoryType, Module, Mutability, Store, Table, TableType,
    Trap, TrapKind, Val, ValType,
};

fn engine() -> Engine {
    Engine::default()
}

/// Instantiates `wat` with no imports.
fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).expect("the test module is valid");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("the test module instantiates");
    (store, instance)
}

/// The trap inside `result`, which must be an error.
fn trap_of<T: std::fmt::Debug>(result: ward::Result<T>) -> Trap {
    match result {
        Err(Error::Trap(trap)) => trap,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn typed_host_functions() {
    let engine = engine();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "add", |a: i32, b: i64| i64::from(a) + b)
        .unwrap()
        .func_wrap("env", "count", |mut caller: Caller<'_, u32>| {
            *caller.data_mut() += 1;
        })
        .unwrap()
        .func_wrap("env", "split", |x: u64| ((x >> 32) as u32, x as u32))
        .unwrap()
        .func_wrap("env", "scale", |x: f32, y: f64| -> Result<f64, Trap> {
            Ok(f64::from(x) * y)
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "add" (func $add (param i32 i64) (result i64)))
          (import "env" "count" (func $count))
          (import "env" "split" (func $split (param i64) (result i32 i32)))
          (import "env" "scale" (func $scale (param f32 f64) (result f64)))
          (func (export "add") (param i32 i64) (result i64)
            (call $count)
            (call $add (local.get 0) (local.get 1)))
          (func (export "split_sum") (param i64) (result i32)
            (call $count)
            (call $split (local.get 0))
            i32.add)
          (func (export "scale") (param f32 f64) (result f64)
            (call $scale (local.get 0) (local.get 1))))
        "#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();

    let add = instance
        .get_typed_func::<(i32, i64), i64>(&store, "add")
        .unwrap();
    assert_eq!(add.call(&mut store, (-5, 1 << 40)).unwrap(), (1 << 40) - 5);
    let split_sum = instance
        .get_typed_func::<i64, i32>(&store, "split_sum")
        .unwrap();
    assert_eq!(
        split_sum.call(&mut store, 0x0000_0003_0000_0004).unwrap(),
        7
    );
    let scale = instance
        .get_typed_func::<(f32, f64), f64>(&store, "scale")
        .unwrap();
    assert_eq!(scale.call(&mut store, (1.5, 4.0)).unwrap(), 6.0);
    assert_eq!(*store.data(), 2, "each call of `count` reached the host");
}

#[test]
fn untyped_host_functions() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new(
        [ValType::I32, ValType::I64, ValType::F64],
        [ValType::F64, ValType::I32],
    );
    linker
        .func_new("env", "mix", ty.clone(), |_caller, params, results| {
            let (Some(a), Some(b), Some(c)) = (params[0].i32(), params[1].i64(), params[2].f64())
            else {
                return Err(Trap::new("unexpected parameter types"));
            };
            results[0] = Val::from(f64::from(a) + b as f64 + c);
            results[1] = Val::I32(params.len() as i32);
            Ok(())
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "mix" (func $mix (param i32 i64 f64) (result f64 i32)))
          (func (export "mix") (param i32 i64 f64) (result f64 i32)
            (call $mix (local.get 0) (local.get 1) (local.get 2))))
        "#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let mix = instance.get_func(&store, "mix").unwrap();
    assert_eq!(mix.ty(&store), ty);
    let mut results = [Val::I32(0), Val::I32(0)];
    mix.call(
        &mut store,
        &[Val::I32(1), Val::I64(2), Val::from(0.5f64)],
        &mut results,
    )
    .unwrap();
    assert_eq!(results[0].f64(), Some(3.5));
    assert_eq!(results[1].i32(), Some(3));
}

#[test]
fn func_wrap_and_instance_new_with_explicit_imports() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let triple = ward::Func::wrap(&mut store, |x: i32| x * 3);
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "" "triple" (func $triple (param i32) (result i32)))
          (func (export "f") (param i32) (result i32) (call $triple (local.get 0))))
        "#,
    )
    .unwrap();
    let instance = Instance::new(&mut store, &module, &[Extern::from(triple)]).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, 14).unwrap(), 42);
}

#[test]
fn host_calls_back_into_wasm_through_its_caller() {
    let engine = engine();
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "reenter",
            |mut caller: Caller<'_, Vec<i32>>, n: i32| -> Result<i32, Trap> {
                caller.data_mut().push(n);
                let Some(Extern::Func(square)) = caller.get_export("square") else {
                    return Err(Trap::new("no export `square`"));
                };
                let mut results = [Val::I32(0)];
                square
                    .call(&mut caller, &[Val::I32(n)], &mut results)
                    .map_err(|err| Trap::new(err.to_string()))?;
                let squared = results[0].i32().unwrap_or_default();
                // Typed re-entry too, and a recursive one: `outer` calls back into this function.
                if n > 1 {
                    let outer = caller
                        .get_export("outer")
                        .and_then(Extern::into_func)
                        .ok_or_else(|| Trap::new("no export `outer`"))?
                        .typed::<i32, i32>(&caller)
                        .map_err(|err| Trap::new(err.to_string()))?;
                    let rest = outer
                        .call(&mut caller, n - 1)
                        .map_err(|err| Trap::new(err.to_string()))?;
                    return Ok(squared + rest);
                }
                Ok(squared)
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "reenter" (func $reenter (param i32) (result i32)))
          (func (export "square") (param i32) (result i32)
            (i32.mul (local.get 0) (local.get 0)))
          (func (export "outer") (param i32) (result i32)
            (call $reenter (local.get 0))))
        "#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let outer = instance
        .get_typed_func::<i32, i32>(&store, "outer")
        .unwrap();
    // 4² + 3² + 2² + 1², through four nested host -> wasm -> host round trips.
    assert_eq!(outer.call(&mut store, 4).unwrap(), 30);
    assert_eq!(store.data(), &[4, 3, 2, 1]);
}

#[test]
fn host_trap_reaches_the_embedder() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "fail", || -> Result<(), Trap> {
            Err(Trap::new("boom"))
        })
        .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "fail" (func $fail))
          (func (export "run") (result i32) (call $fail) (i32.const 1)))
        "#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    let trap = trap_of(run.call(&mut store, ()));
    assert_eq!(trap.kind(), TrapKind::Host);
    assert_eq!(trap.message(), "boom");
    assert!(trap.to_string().starts_with("boom"));
}

#[test]
fn host_reads_guest_memory_through_its_caller() {
    let engine = engine();
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "print",
            |mut caller: Caller<'_, Vec<String>>, ptr: u32, len: u32| -> Result<(), Trap> {
                let memory = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .ok_or_else(|| Trap::new("no exported memory"))?;
                let (start, end) = (ptr as usize, ptr as usize + len as usize);
                let text = memory
                    .data(caller.as_context())
                    .get(start..end)
                    .ok_or_else(|| Trap::from_kind(TrapKind::MemoryOutOfBounds))?;
                let text =
                    String::from_utf8(text.to_vec()).map_err(|e| Trap::new(e.to_string()))?;
                let mut again = vec![0; len as usize];
                memory
                    .read(&caller, start, &mut again)
                    .map_err(|e| Trap::new(e.to_string()))?;
                if again != text.as_bytes() {
                    return Err(Trap::new("Memory::read disagrees with Memory::data"));
                }
                caller.data_mut().push(text);
                Ok(())
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "print" (func $print (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello, ward")
          (func (export "hello") (call $print (i32.const 16) (i32.const 11)))
          (func (export "oob") (call $print (i32.const 65530) (i32.const 100))))
        "#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let hello = instance.get_typed_func::<(), ()>(&store, "hello").unwrap();
    hello.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), &["hello, ward"]);
    let oob = instance.get_typed_func::<(), ()>(&store, "oob").unwrap();
    assert_eq!(
        trap_of(oob.call(&mut store, ())).kind(),
        TrapKind::MemoryOutOfBounds
    );
}

#[test]
fn store_is_usable_after_a_trap() {
    let engine = engine();
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (global $calls (mut i32) (i32.const 0))
          (func $deep (param i32)
            (if (local.get 0) (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
              (else unreachable)))
          (func $forever (call $forever))
          (func (export "trap_deep") (call $deep (i32.const 100)))
          (func (export "overflow") (call $forever))
          (func (export "count") (result i32)
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (global.get $calls)))
        "#,
    );
    let trap_deep = instance
        .get_typed_func::<(), ()>(&store, "trap_deep")
        .unwrap();
    let overflow = instance
        .get_typed_func::<(), ()>(&store, "overflow")
        .unwrap();
    let count = instance.get_typed_func::<(), i32>(&store, "count").unwrap();
    assert_eq!(count.call(&mut store, ()).unwrap(), 1);
    assert_eq!(
        trap_of(trap_deep.call(&mut store, ())).kind(),
        TrapKind::Unreachable
    );
    assert_eq!(count.call(&mut store, ()).unwrap(), 2);
    assert_eq!(
        trap_of(overflow.call(&mut store, ())).kind(),
        TrapKind::StackOverflow
    );
    assert_eq!(count.call(&mut store, ()).unwrap(), 3);
    assert_eq!(
        trap_of(trap_deep.call(&mut store, ())).kind(),
        TrapKind::Unreachable
    );
    assert_eq!(count.call(&mut store, ()).unwrap(), 4);
}

const PROGRAMS: &str = r#"
(module
  (type $binary (func (param i32 i32) (result i32)))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 0) $add $sub $mul)
  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binary) (i32.mul (local.get 0) (local.get 1)))

  ;; 1 + 2 + ... + n, with a loop.
  (func (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Fibonacci by double recursion.
  (func $fib (export "fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else (i64.add
        (call $fib (i64.sub (local.get $n) (i64.const 1)))
        (call $fib (i64.sub (local.get $n) (i64.const 2)))))))

  ;; Stores i*i at 4*i for i < n, then sums the stored words back.
  (func (export "squares") (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (block $done
      (loop $store
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $store)))
    (block $summed
      (loop $load
        (br_if $summed (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (local.set $acc
          (i32.add (local.get $acc) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (br $load)))
    (local.get $acc))

  ;; Applies the table's operation `op` to `a` and `b`.
  (func (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binary) (local.get $a) (local.get $b) (local.get $op))))
"#;

fn run_programs(mode: CompilationMode) -> Vec<i64> {
    let mut config = Config::new();
    config.compilation(mode);
    let engine = Engine::new(&config);
    let (mut store, instance) = instantiate(&engine, PROGRAMS);
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    let fib = instance.get_typed_func::<i64, i64>(&store, "fib").unwrap();
    let squares = instance
        .get_typed_func::<i32, i32>(&store, "squares")
        .unwrap();
    let apply = instance
        .get_typed_func::<(i32, i32, i32), i32>(&store, "apply")
        .unwrap();
    let mut results = vec![
        i64::from(sum.call(&mut store, 1000).unwrap()),
        fib.call(&mut store, 20).unwrap(),
        i64::from(squares.call(&mut store, 100).unwrap()),
    ];
    for op in 0..3 {
        results.push(i64::from(apply.call(&mut store, (op, 7, 5)).unwrap()));
    }
    let trap = trap_of(apply.call(&mut store, (3, 7, 5)));
    assert_eq!(trap.kind(), TrapKind::UndefinedElement, "{mode:?}");
    results
}

#[test]
fn lazy_and_eager_compilation_agree() {
    let expected = vec![500_500, 6765, 328_350, 12, 2, 35];
    assert_eq!(run_programs(CompilationMode::Lazy), expected);
    assert_eq!(run_programs(CompilationMode::Eager), expected);
}

#[test]
fn globals_get_and_set() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let imported = Global::new(
        &mut store,
        GlobalType::new(ValType::I64, Mutability::Var),
        Val::I64(7),
    )
    .unwrap();
    let module = Module::new(
        &engine,
        r#"
        (module
          (import "env" "counter" (global $counter (mut i64)))
          (global $g (export "g") (mut i32) (i32.const 1))
          (global (export "pi") f64 (f64.const 3.25))
          (func (export "get_g") (result i32) (global.get $g))
          (func (export "bump") (global.set $counter (i64.add (global.get $counter) (i64.const 1)))))
        "#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "counter", imported).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();

    let g = instance.get_global(&store, "g").unwrap();
    assert_eq!(g.ty(&store), GlobalType::new(ValType::I32, Mutability::Var));
    assert_eq!(g.get(&store).i32(), Some(1));
    g.set(&mut store, Val::I32(41)).unwrap();
    let get_g = instance.get_typed_func::<(), i32>(&store, "get_g").unwrap();
    assert_eq!(get_g.call(&mut store, ()).unwrap(), 41);
    assert!(g.set(&mut store, Val::I64(1)).is_err(), "wrong value type");
    assert_eq!(g.get(&store).i32(), Some(41));

    let pi = instance.get_global(&store, "pi").unwrap();
    assert_eq!(pi.get(&store).f64(), Some(3.25));
    assert!(
        pi.set(&mut store, Val::from(1.0f64)).is_err(),
        "immutable global"
    );
    assert_eq!(pi.get(&store).f64(), Some(3.25));

    let bump = instance.get_typed_func::<(), ()>(&store, "bump").unwrap();
    bump.call(&mut store, ()).unwrap();
    bump.call(&mut store, ()).unwrap();
    assert_eq!(imported.get(&store).i64(), Some(9));
}

#[test]
fn tables_get_set_and_grow() {
    let engine = engine();
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (type $get (func (result i32)))
          (table $t (export "table") 2 10 funcref)
          (elem (i32.const 0) $one)
          (func $one (export "one") (result i32) (i32.const 1))
          (func (export "two") (result i32) (i32.const 2))
          (func (export "call") (param i32) (result i32)
            (call_indirect $t (type $get) (local.get 0)))
          (func (export "size") (result i32) (table.size $t)))
        "#,
    );
    let table = instance.get_table(&store, "table").unwrap();
    let call = instance.get_typed_func::<i32, i32>(&store, "call").unwrap();
    assert_eq!(
        table.ty(&store),
        TableType::new(ValType::FUNCREF, 2, Some(10))
    );
    assert_eq!(table.size(&store), 2);
    assert!(matches!(table.get(&store, 0), Some(Val::FuncRef(Some(_)))));
    assert!(matches!(table.get(&store, 1), Some(Val::FuncRef(None))));
    assert!(table.get(&store, 2).is_none());
    assert_eq!(
        trap_of(call.call(&mut store, 1)).kind(),
        TrapKind::UninitializedElement
    );

    let two = instance.get_func(&store, "two").unwrap();
    table.set(&mut store, 1, Val::FuncRef(Some(two))).unwrap();
    assert_eq!(call.call(&mut store, 1).unwrap(), 2);
    assert!(
        table.set(&mut store, 2, Val::FuncRef(None)).is_err(),
        "out of bounds"
    );
    assert!(
        table.set(&mut store, 0, Val::I32(0)).is_err(),
        "wrong value type"
    );

    assert_eq!(
        table.grow(&mut store, 3, Val::FuncRef(Some(two))).unwrap(),
        2
    );
    assert_eq!(table.size(&store), 5);
    let size = instance.get_typed_func::<(), i32>(&store, "size").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 5);
    assert_eq!(call.call(&mut store, 4).unwrap(), 2);
    assert!(
        table.grow(&mut store, 6, Val::FuncRef(None)).is_err(),
        "over the maximum"
    );
    assert_eq!(table.size(&store), 5);

    let host_table = Table::new(
        &mut store,
        TableType::new(ValType::EXTERNREF, 1, None),
        Val::ExternRef(None),
    )
    .unwrap();
    assert_eq!(
        host_table
            .grow(&mut store, 1, Val::ExternRef(None))
            .unwrap(),
        1
    );
    assert!(matches!(
        host_table.get(&store, 1),
        Some(Val::ExternRef(None))
    ));
}

#[test]
fn memory_grow_read_and_write() {
    let engine = engine();
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (memory (export "memory") 1 3)
          (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
          (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
        "#,
    );
    let memory = instance.get_memory(&store, "memory").unwrap();
    let load8 = instance
        .get_typed_func::<i32, i32>(&store, "load8")
        .unwrap();
    let store8 = instance
        .get_typed_func::<(i32, i32), ()>(&store, "store8")
        .unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();

    assert_eq!(memory.ty(&store), MemoryType::new(1, Some(3)));
    assert_eq!(memory.size(&store), 1);
    assert_eq!(memory.data_size(&store), 65536);

    memory.write(&mut store, 100, b"abc").unwrap();
    assert_eq!(load8.call(&mut store, 101).unwrap(), i32::from(b'b'));
    store8.call(&mut store, (102, i32::from(b'z'))).unwrap();
    let mut buf = [0; 3];
    memory.read(&store, 100, &mut buf).unwrap();
    assert_eq!(&buf, b"abz");
    assert_eq!(&memory.data(&store)[100..103], b"abz");
    memory.data_mut(&mut store)[0] = 9;
    assert_eq!(load8.call(&mut store, 0).unwrap(), 9);

    assert!(memory.read(&store, 65535, &mut buf).is_err());
    assert!(memory.write(&mut store, usize::MAX, b"x").is_err());
    assert_eq!(
        trap_of(load8.call(&mut store, 65536)).kind(),
        TrapKind::MemoryOutOfBounds
    );

    assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
    assert_eq!(memory.size(&store), 2);
    assert_eq!(
        load8.call(&mut store, 65536).unwrap(),
        0,
        "new pages are zeroed"
    );
    assert_eq!(
        grow.call(&mut store, 1).unwrap(),
        2,
        "wasm sees the host's growth"
    );
    assert_eq!(memory.data_size(&store), 3 * 65536);
    assert!(memory.grow(&mut store, 1).is_err(), "over the maximum");
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(memory.size(&store), 3);

    let host_memory = Memory::new(&mut store, MemoryType::new(0, Some(1))).unwrap();
    assert_eq!(host_memory.data_size(&store), 0);
    assert_eq!(host_memory.grow(&mut store, 1).unwrap(), 0);
    assert_eq!(host_memory.data_size(&store), 65536);
}

#[test]
fn type_mismatches_are_errors_not_panics() {
    let engine = engine();
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (func (export "f") (param f32) (result i32) (i32.const 0))
          (memory (export "memory") 1))
        "#,
    );
    assert!(instance.get_typed_func::<i64, i64>(&store, "f").is_err());
    assert!(instance
        .get_typed_func::<f32, (i32, i32)>(&store, "f")
        .is_err());
    assert!(instance.get_typed_func::<(), i32>(&store, "f").is_err());
    assert!(instance
        .get_typed_func::<f32, i32>(&store, "memory")
        .is_err());
    assert!(instance
        .get_typed_func::<f32, i32>(&store, "missing")
        .is_err());
    assert!(instance.get_typed_func::<f32, i32>(&store, "f").is_ok());

    let f = instance.get_func(&store, "f").unwrap();
    let mut results = [Val::I32(0)];
    let wrong_type = f.call(&mut store, &[Val::I32(1)], &mut results);
    assert!(matches!(wrong_type, Err(Error::Type(_))), "{wrong_type:?}");
    let wrong_count = f.call(&mut store, &[], &mut results);
    assert!(
        matches!(wrong_count, Err(Error::Type(_))),
        "{wrong_count:?}"
    );
    let wrong_results = f.call(&mut store, &[Val::from(1.0f32)], &mut []);
    assert!(
        matches!(wrong_results, Err(Error::Type(_))),
        "{wrong_results:?}"
    );
    f.call(&mut store, &[Val::from(1.0f32)], &mut results)
        .unwrap();
}

#[test]
fn link_errors_name_the_import() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (import "env" "foo" (func (param i32))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    let missing = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        matches!(&missing, Error::Link(link) if matches!(&**link,
            ward::LinkError::UnknownImport { module, name, .. }
                if module == "env" && name == "foo")),
        "{missing:?}"
    );
    let message = missing.to_string();
    assert!(message.contains("`env::foo`"), "{message}");
    assert!(message.contains("(func (param i32))"), "{message}");

    linker.func_wrap("env", "foo", |_: i64| {}).unwrap();
    let mismatch = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        matches!(
            &mismatch,
            Error::Link(link) if matches!(&**link,
                ward::LinkError::IncompatibleImport { expected, found, .. }
                    if expected.to_string() == "(func (param i32))"
                        && found.to_string() == "(func (param i64))")
        ),
        "{mismatch:?}"
    );
    assert!(mismatch.to_string().contains("`env::foo`"), "{mismatch}");
}

#[test]
fn compile_errors_carry_an_offset() {
    let engine = engine();
    let truncated = Module::new(&engine, b"\0asm\x01\0\0\0\x01\x05\x01");
    assert!(
        matches!(truncated, Err(Error::Compile { .. })),
        "{:?}",
        truncated.err()
    );
    let invalid = Module::new(&engine, "(module (func (result i32)))");
    match invalid {
        Err(Error::Compile { offset, message }) => {
            assert!(offset > 8, "offset {offset} points into the code section");
            assert!(!message.is_empty());
        }
        other => panic!("expected a compile error, got {:?}", other.err()),
    }
}

fn trap_kind_of(wat_body: &str) -> TrapKind {
    let engine = engine();
    let wat = format!("(module (memory 1) (func $run (export \"run\") {wat_body}))");
    let (mut store, instance) = instantiate(&engine, &wat);
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    let trap = trap_of(run.call(&mut store, ()));
    assert_eq!(trap.message(), trap.kind().message());
    trap.kind()
}

#[test]
fn trap_kinds() {
    assert_eq!(
        trap_kind_of("(drop (i32.div_s (i32.const 1) (i32.const 0)))"),
        TrapKind::IntegerDivisionByZero
    );
    assert_eq!(
        trap_kind_of("(drop (i64.rem_u (i64.const 1) (i64.const 0)))"),
        TrapKind::IntegerDivisionByZero
    );
    assert_eq!(
        trap_kind_of("(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))"),
        TrapKind::IntegerOverflow
    );
    assert_eq!(trap_kind_of("unreachable"), TrapKind::Unreachable);
    assert_eq!(
        trap_kind_of("(drop (i32.load (i32.const 65534)))"),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap_kind_of("(i64.store (i32.const -1) (i64.const 0))"),
        TrapKind::MemoryOutOfBounds
    );
    assert_eq!(
        trap_kind_of("(drop (i32.trunc_f32_s (f32.const nan)))"),
        TrapKind::BadConversionToInteger
    );
    assert_eq!(trap_kind_of("(call $run)"), TrapKind::StackOverflow);
    assert_eq!(TrapKind::StackOverflow.message(), "call stack exhausted");
}

#[test]
fn deep_recursion_with_locals_overflows_a_small_wasm_stack() {
    let mut config = Config::new();
    config.wasm_stack_size(64 * 1024);
    let engine = Engine::new(&config);
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (func $down (export "down") (param $n i32) (result i32)
            (local f64 f64 f64 f64 i64 i64 i64 i64)
            (if (result i32) (i32.eqz (local.get $n))
              (then (i32.const 0))
              (else (i32.add (i32.const 1)
                (call $down (i32.sub (local.get $n) (i32.const 1))))))))
        "#,
    );
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 100).unwrap(), 100);
    let trap = trap_of(down.call(&mut store, 1_000_000));
    assert_eq!(trap.kind(), TrapKind::StackOverflow);
    assert_eq!(down.call(&mut store, 100).unwrap(), 100);
}

#[test]
fn backtrace_names_functions_from_the_name_section() {
    let engine = engine();
    let (mut store, instance) = instantiate(
        &engine,
        r#"
        (module
          (func $foo (drop (i32.const 1)) unreachable)
          (func $bar (call $foo))
          (func (export "run") (call $bar)))
        "#,
    );
    let run = instance.get_typed_func::<(), ()>(&store, "run").unwrap();
    let trap = trap_of(run.call(&mut store, ()));
    assert_eq!(trap.kind(), TrapKind::Unreachable);
    let frames = trap.backtrace();
    assert!(frames.len() >= 3, "{frames:?}");
    assert_eq!(frames[0].func_name.as_deref(), Some("foo"));
    assert_eq!(frames[0].func_index, 0);
    assert_eq!(frames[1].func_name.as_deref(), Some("bar"));
    assert_eq!(frames[1].func_index, 1);
    assert_eq!(frames[2].func_index, 2);
    assert!(frames[0].module_offset > 0);
    let shown = trap.to_string();
    assert!(
        shown.starts_with("unreachable\nwasm backtrace:\n"),
        "{shown}"
    );
    assert!(shown.contains("0: foo @ 0x"), "{shown}");
    assert!(shown.contains("1: bar @ 0x"), "{shown}");
}

#[test]
fn deep_backtraces_keep_both_ends() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func $down (export "down") (param i32)
              (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1)))))
              unreachable))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let down = instance.get_typed_func::<i32, ()>(&store, "down").unwrap();
    let err = down.call(&mut store, 1000).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.kind(), TrapKind::Unreachable);
    let frames = trap.backtrace();
    assert_eq!(frames.len(), ward::BACKTRACE_INNER + ward::BACKTRACE_OUTER);
    assert_eq!(trap.backtrace_omitted(), 1001 - frames.len());
    assert!(frames
        .iter()
        .all(|f| f.func_name.as_deref() == Some("down")));
    let text = trap.to_string();
    assert!(text.contains(&format!(
        "... {} frames omitted ...",
        trap.backtrace_omitted()
    )));
    assert!(text.contains("    1000: down @ "), "{text}");
}
