//! Typed function references in both tiers: `call_ref`, `return_call_ref`,
//! `ref.as_non_null`, `br_on_null` and `br_on_non_null` run and trap alike; tables
//! with initialisers hold typed references; the API sees the precise types, matches
//! imports by subtyping and refuses values that do not fit a typed reference. Types of
//! a recursion group are distinct, the same group is the same types across modules,
//! and what GC adds beyond groups is refused at load.

mod support;

use support::{instance, tier_configurations, trap_kind};
use ward::{
    Config, Engine, Error, ExternType, Func, FuncType, Global, GlobalType, HeapType, Linker,
    Module, Mutability, RefType, Store, TrapKind, Val, ValType,
};

const TYPED: &str = r#"(module
    (type $unary (func (param i32) (result i32)))
    (func $double (type $unary) (i32.mul (local.get 0) (i32.const 2)))
    (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))
    (table $ops 2 (ref $unary) (ref.func $double))
    (elem declare func $negate)
    (elem (table $ops) (i32.const 1) (ref $unary) (ref.func $negate))
    (global $nothing (mut (ref null $unary)) (ref.null $unary))

    (func (export "apply") (param $op i32) (param $x i32) (result i32)
        (call_ref $unary (local.get $x) (table.get $ops (local.get $op))))
    (func (export "apply_null") (param i32) (result i32)
        (call_ref $unary (local.get 0) (global.get $nothing)))
    (func (export "tail_apply") (param $op i32) (param $x i32) (result i32)
        (return_call_ref $unary (local.get $x) (table.get $ops (local.get $op))))
    (func (export "non_null") (param $null i32) (result i32)
        (local $f (ref $unary))
        (local.set $f
            (ref.as_non_null
                (select (result (ref null $unary))
                    (global.get $nothing) (ref.func $double) (local.get $null))))
        (call_ref $unary (i32.const 21) (local.get $f)))
    ;; 1 when the reference is null (br_on_null branches), else what it computes of 5.
    (func (export "on_null") (param $null i32) (result i32)
        (block $was_null
            (return
                (call_ref $unary (i32.const 5)
                    (br_on_null $was_null
                        (select (result (ref null $unary))
                            (global.get $nothing) (ref.func $negate) (local.get $null))))))
        (i32.const 1))
    ;; What the reference computes of 7 (br_on_non_null branches with it), else -1.
    (func (export "on_non_null") (param $null i32) (result i32)
        (call_ref $unary (i32.const 7)
            (block $found (result (ref $unary))
                (br_on_non_null $found
                    (select (result (ref null $unary))
                        (global.get $nothing) (ref.func $double) (local.get $null)))
                (return (i32.const -1)))))
    (func (export "countdown") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (return_call_ref $unary
                (i32.sub (local.get 0) (i32.const 1))
                (ref.func $countdown_ref)))))
    (func $countdown_ref (type $unary)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (return_call_ref $unary
                (i32.sub (local.get 0) (i32.const 1))
                (ref.func $countdown_ref)))))
    (elem declare func $countdown_ref))"#;

#[test]
fn typed_references_run_and_trap_alike_in_both_tiers() {
    for (name, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, TYPED);
        let two = |store: &mut Store<()>, f: &str, a: i32, b: i32| {
            instance
                .get_typed_func::<(i32, i32), i32>(&*store, f)
                .unwrap()
                .call(store, (a, b))
        };
        assert_eq!(two(&mut store, "apply", 0, 21).unwrap(), 42, "{name}");
        assert_eq!(two(&mut store, "apply", 1, 21).unwrap(), -21, "{name}");
        assert_eq!(two(&mut store, "tail_apply", 0, 4).unwrap(), 8, "{name}");
        assert_eq!(
            trap_kind(two(&mut store, "apply", 2, 1)),
            TrapKind::TableOutOfBounds,
            "{name}"
        );
        let one = |store: &mut Store<()>, f: &str, a: i32| {
            instance
                .get_typed_func::<i32, i32>(&*store, f)
                .unwrap()
                .call(store, a)
        };
        assert_eq!(
            trap_kind(one(&mut store, "apply_null", 3)),
            TrapKind::NullFunctionReference,
            "{name}"
        );
        assert_eq!(one(&mut store, "non_null", 0).unwrap(), 42, "{name}");
        assert_eq!(
            trap_kind(one(&mut store, "non_null", 1)),
            TrapKind::NullReference,
            "{name}"
        );
        assert_eq!(one(&mut store, "on_null", 0).unwrap(), -5, "{name}");
        assert_eq!(one(&mut store, "on_null", 1).unwrap(), 1, "{name}");
        assert_eq!(one(&mut store, "on_non_null", 0).unwrap(), 14, "{name}");
        assert_eq!(one(&mut store, "on_non_null", 1).unwrap(), -1, "{name}");
        // A million tail calls through references run in constant stack.
        assert_eq!(
            one(&mut store, "countdown", 1_000_000).unwrap(),
            0,
            "{name}"
        );
    }
}

#[test]
fn the_api_sees_precise_reference_types() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $t (func (param i32) (result i32)))
            (func $f (type $t) (local.get 0))
            (global (export "typed") (ref $t) (ref.func $f))
            (global (export "nullable") (ref null func) (ref.null func))
            (table (export "table") 1 (ref $t) (ref.func $f))
            (func (export "take") (param (ref null $t)) (param externref)))"#,
    )
    .unwrap();
    let unary = FuncType::new([ValType::I32], [ValType::I32]);
    let typed = ValType::Ref(RefType::new(
        false,
        HeapType::Concrete(engine.func_type_id(&unary)),
    ));
    let export = |name: &str| {
        module
            .exports()
            .find(|e| e.name() == name)
            .map(|e| e.ty())
            .unwrap()
    };
    let ExternType::Global(g) = export("typed") else {
        panic!("a global")
    };
    assert_eq!(g.content(), typed);
    let ValType::Ref(r) = g.content() else {
        panic!("a reference")
    };
    let HeapType::Concrete(id) = r.heap() else {
        panic!("a concrete heap type")
    };
    assert_eq!(engine.func_type(id), Some(unary.clone()));
    let ExternType::Global(g) = export("nullable") else {
        panic!("a global")
    };
    assert_eq!(g.content(), ValType::FUNCREF);
    assert_eq!(g.content().to_string(), "funcref");
    let ExternType::Table(t) = export("table") else {
        panic!("a table")
    };
    assert_eq!(t.element(), typed);
    let ExternType::Func(take) = export("take") else {
        panic!("a function")
    };
    assert_eq!(take.params()[1], ValType::EXTERNREF);
    assert!(take.params()[0].to_string().starts_with("(ref null $type"));
    // Subtyping: a typed reference is a function reference; null needs a nullable type.
    assert!(typed.matches(ValType::FUNCREF));
    assert!(typed.matches(take.params()[0]));
    assert!(!take.params()[0].matches(typed));
    assert!(!ValType::FUNCREF.matches(typed));
    assert!(!typed.matches(ValType::EXTERNREF));

    // A typed view reads a typed reference as `Option<Func>`, but cannot pass one.
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(
            &mut store,
            &Module::new(
                &engine,
                r#"(module (type $t (func))
                (func $f (type $t)) (elem declare func $f)
                (func (export "get") (result (ref $t)) (ref.func $f))
                (func (export "put") (param (ref $t))))"#,
            )
            .unwrap(),
        )
        .unwrap();
    let get = instance
        .get_typed_func::<(), Option<Func>>(&store, "get")
        .unwrap();
    assert!(get.call(&mut store, ()).unwrap().is_some());
    assert!(instance
        .get_typed_func::<Option<Func>, ()>(&store, "put")
        .is_err());
}

/// An exporter of globals and a function of type `(func (param i32) (result i32))`.
const EXPORTER: &str = r#"(module
    (type $t (func (param i32) (result i32)))
    (func $f (export "f") (type $t) (local.get 0))
    (global (export "const") (ref $t) (ref.func $f))
    (global (export "var") (mut (ref $t)) (ref.func $f)))"#;

#[test]
fn imports_match_by_subtyping() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let exporter = Module::new(&engine, EXPORTER).unwrap();
    let mut linker = Linker::new(&engine);
    let exports = linker.instantiate(&mut store, &exporter).unwrap();
    linker.instance(&store, "m", exports).unwrap();
    let link = |store: &mut Store<()>, import: &str| {
        let wat = format!(
            r#"(module (type $t (func (param i32) (result i32)))
                       (type $u (func (param i64)))
                       (import "m" {import}))"#
        );
        let module = Module::new(&engine, wat).unwrap();
        linker.instantiate(store, &module).map(|_| ())
    };
    for fits in [
        r#""const" (global (ref $t))"#,
        r#""const" (global (ref null $t))"#,
        r#""const" (global (ref func))"#,
        r#""const" (global funcref)"#,
        r#""var" (global (mut (ref $t)))"#,
        r#""f" (func (type $t))"#,
    ] {
        link(&mut store, fits).unwrap_or_else(|e| panic!("{fits}: {e}"));
    }
    for misfit in [
        r#""const" (global (ref $u))"#,
        r#""const" (global externref)"#,
        r#""var" (global (mut (ref null $t)))"#,
        r#""var" (global (mut funcref))"#,
        r#""f" (func (type $u))"#,
    ] {
        match link(&mut store, misfit) {
            Err(Error::Link(_)) => {}
            other => panic!("{misfit}: expected a link error, got {other:?}"),
        }
    }
}

#[test]
fn values_must_fit_typed_references() {
    let engine = Engine::new(&Config::new());
    let mut store = Store::new(&engine, ());
    let unary = FuncType::new([ValType::I32], [ValType::I32]);
    let typed = ValType::Ref(RefType::new(
        false,
        HeapType::Concrete(engine.func_type_id(&unary)),
    ));
    let identity = Func::new(&mut store, unary.clone(), |_, params, results| {
        results[0] = params[0];
        Ok(())
    });
    let nullary = Func::wrap(&mut store, || 0i32);
    let ty = GlobalType::new(typed, Mutability::Var);
    assert!(Global::new(&mut store, ty, Val::FuncRef(None)).is_err());
    assert!(Global::new(&mut store, ty, Val::FuncRef(Some(nullary))).is_err());
    let global = Global::new(&mut store, ty, Val::FuncRef(Some(identity))).unwrap();
    assert!(global.set(&mut store, Val::FuncRef(None)).is_err());
    assert!(global.set(&mut store, Val::ExternRef(None)).is_err());

    // A host function whose result is a non-nullable reference may not return null.
    let maker = Func::new(&mut store, FuncType::new([], [typed]), |_, _, results| {
        results[0] = Val::FuncRef(None);
        Ok(())
    });
    let mut out = [Val::FuncRef(None)];
    let err = maker.call(&mut store, &[], &mut out).unwrap_err();
    assert!(err.to_string().contains("where its type says"), "{err}");
}

/// Two function types of one recursion group, a plain one of the same shape, and one
/// that names itself.
const GROUPS: &str = r#"(module
    (rec (type $a (func (result i32))) (type $b (func (result i32))))
    (type $plain (func (result i32)))
    (type $self (func (param (ref null $self)) (result i32)))
    (func $fa (type $a) (i32.const 1))
    (func $fb (type $b) (i32.const 2))
    (func $fp (type $plain) (i32.const 3))
    ;; 4 when given null; else calls the reference it is given with null.
    (func $fs (type $self)
        (if (result i32) (ref.is_null (local.get 0))
            (then (i32.const 4))
            (else (call_ref $self (ref.null $self) (local.get 0)))))
    (table 3 funcref)
    (elem (i32.const 0) func $fa $fb $fp)
    (elem declare func $fs)
    (func (export "as_a") (param i32) (result i32) (call_indirect (type $a) (local.get 0)))
    (func (export "as_b") (param i32) (result i32) (call_indirect (type $b) (local.get 0)))
    (func (export "as_plain") (param i32) (result i32)
        (call_indirect (type $plain) (local.get 0)))
    (func (export "self") (result i32) (call_ref $self (ref.func $fs) (ref.func $fs))))"#;

#[test]
fn types_of_a_recursion_group_are_distinct_in_both_tiers() {
    Module::validate(&Engine::default(), &wat::parse_str(GROUPS).unwrap()).unwrap();
    for (name, config) in tier_configurations() {
        let (mut store, instance) = instance(&config, GROUPS);
        let mut call = |f: &str, arg: i32| {
            instance
                .get_typed_func::<i32, i32>(&store, f)
                .unwrap()
                .call(&mut store, arg)
        };
        assert_eq!(call("as_a", 0).unwrap(), 1, "{name}");
        assert_eq!(call("as_b", 1).unwrap(), 2, "{name}");
        assert_eq!(call("as_plain", 2).unwrap(), 3, "{name}");
        for (f, arg) in [
            ("as_a", 1),
            ("as_a", 2),
            ("as_b", 0),
            ("as_plain", 0),
            ("as_plain", 1),
        ] {
            assert_eq!(
                trap_kind(call(f, arg)),
                TrapKind::IndirectCallTypeMismatch,
                "{name}: {f}({arg})"
            );
        }
        let self_call = instance.get_typed_func::<(), i32>(&store, "self").unwrap();
        assert_eq!(self_call.call(&mut store, ()).unwrap(), 4, "{name}");
    }
}

#[test]
fn recursion_groups_are_the_same_across_modules_and_imports_match_by_identity() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let group = "(rec (type $t1 (func (param i32))) (type $t2 (func (param i32))))";
    let exporter = Module::new(
        &engine,
        format!(
            r#"(module {group}
                (func (export "f1") (type $t1))
                (func (export "f2") (type $t2))
                (tag (export "tag") (type $t1)))"#
        ),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    let exports = linker.instantiate(&mut store, &exporter).unwrap();
    linker.instance(&store, "m", exports).unwrap();
    // A host function of the same shape has a plain type, not one of the group.
    let host = Func::wrap(&mut store, |_: i32| {});
    linker.define("host", "f", host).unwrap();

    let link = |store: &mut Store<()>, import: &str| {
        let wat = format!(r#"(module {group} (type $plain (func (param i32))) (import {import}))"#);
        let module = Module::new(&engine, wat).unwrap();
        linker.instantiate(store, &module)
    };
    for fits in [
        r#""m" "f1" (func (type $t1))"#,
        r#""m" "f2" (func (type $t2))"#,
        r#""m" "tag" (tag (type $t1))"#,
        r#""host" "f" (func (type $plain))"#,
    ] {
        link(&mut store, fits).unwrap_or_else(|e| panic!("{fits}: {e}"));
    }
    for misfit in [
        r#""m" "f1" (func (type $t2))"#,
        r#""m" "f1" (func (type $plain))"#,
        r#""m" "tag" (tag (type $t2))"#,
        r#""m" "tag" (tag (type $plain))"#,
        r#""host" "f" (func (type $t1))"#,
    ] {
        match link(&mut store, misfit) {
            Err(Error::Link(e)) if matches!(*e, ward::LinkError::DistinctType { .. }) => {
                assert!(e.to_string().contains("recursion group"), "{misfit}: {e}");
            }
            other => panic!("{misfit}: expected a distinct-type error, got {other:?}"),
        }
    }

    // The group's $t1 is one type across the two modules: another module's
    // `call_indirect` through its own copy of the group calls the exporter's function.
    let caller = Module::new(
        &engine,
        format!(
            r#"(module {group}
                (import "m" "f1" (func $f (type $t1)))
                (table funcref (elem $f))
                (func (export "as_t1") (call_indirect (type $t1) (i32.const 7) (i32.const 0)))
                (func (export "as_t2") (call_indirect (type $t2) (i32.const 7) (i32.const 0))))"#
        ),
    )
    .unwrap();
    let caller = linker.instantiate(&mut store, &caller).unwrap();
    let call = |store: &mut Store<()>, name: &str| {
        caller
            .get_typed_func::<(), ()>(&*store, name)
            .unwrap()
            .call(store, ())
    };
    call(&mut store, "as_t1").unwrap();
    assert_eq!(
        trap_kind(call(&mut store, "as_t2")),
        TrapKind::IndirectCallTypeMismatch
    );
}

#[test]
fn gc_beyond_recursion_groups_is_refused_at_load() {
    let engine = Engine::default();
    let group = "(rec (type (func)) (type (func)))";
    for (body, what) in [
        ("(type (struct))", "types other than function types"),
        (
            "(type $s (sub (func))) (type (sub $s (func)))",
            "declared subtypes",
        ),
        ("(func (local anyref))", "GC reference types"),
        ("(global i31ref (ref.null i31))", "GC reference types"),
        ("(table 1 eqref)", "GC reference types"),
        ("(func (drop (ref.null none)))", "GC reference types"),
        ("(func (drop (ref.i31 (i32.const 1))))", "GC instructions"),
        (
            "(func (param externref) (drop (any.convert_extern (local.get 0))))",
            "GC instructions",
        ),
    ] {
        let wat = format!("(module {group} {body})");
        let binary = wat::parse_str(&wat).unwrap();
        assert!(
            Module::validate(&engine, &binary).is_err(),
            "{body} validated"
        );
        let err = Module::new(&engine, &wat)
            .err()
            .unwrap_or_else(|| panic!("{body} loaded"));
        let message = err.to_string();
        assert!(
            message.contains(what) && message.contains("not supported"),
            "{body}: {message}"
        );
        // Without a group the validator refuses the same, as GC is not enabled.
        let wat = format!("(module {body})");
        assert!(
            Module::new(&engine, &wat).is_err(),
            "{body} loaded without a group"
        );
    }
}
