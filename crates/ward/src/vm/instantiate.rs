//! Instantiation: resolve imports, allocate the module's entities in the store, apply
//! the active segments and run the start function.

use std::sync::Arc;

use super::{
    FuncEntity, FuncKind, GlobalBox, GlobalEntity, InstanceEntity, MemoryEntity, TableEntity,
};
use crate::error::{Error, Result, Trap, TrapKind};
use crate::module::{ConstExpr, ConstVal, DataMode, ElemMode, ImportKind, Module};
use crate::types::{ExternType, MemoryType, TableType};
use crate::{Engine, Extern, Instance, Store};

/// Whether an entity of type `actual` may be imported where `expected` is declared.
fn import_matches(expected: &ExternType, actual: &ExternType) -> bool {
    fn limits(min: u32, max: Option<u32>, emin: u32, emax: Option<u32>) -> bool {
        min >= emin
            && match (emax, max) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(e), Some(a)) => a <= e,
            }
    }
    match (expected, actual) {
        (ExternType::Func(e), ExternType::Func(a)) => e == a,
        (ExternType::Global(e), ExternType::Global(a)) => e == a,
        (ExternType::Table(e), ExternType::Table(a)) => {
            e.element() == a.element() && limits(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        (ExternType::Memory(e), ExternType::Memory(a)) => {
            limits(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        _ => false,
    }
}

pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    if !Engine::same(module.engine(), &store.inner.engine) {
        return Err(Error::Link(
            "the module belongs to another engine than the store".into(),
        ));
    }
    let m = &module.inner;
    let info = &m.info;
    if imports.len() != info.imports.len() {
        return Err(Error::Link(format!(
            "expected {} imports, got {}",
            info.imports.len(),
            imports.len()
        )));
    }
    let id = store.inner.instances.len() as u32;
    let mut instance = InstanceEntity {
        module: m.clone(),
        funcs: Vec::with_capacity(info.funcs.len()),
        tables: Vec::with_capacity(info.tables.len()),
        memories: Vec::with_capacity(info.memories.len()),
        globals: Vec::with_capacity(info.globals.len()),
        elems: Vec::new(),
        data_dropped: vec![false; info.datas.len()],
        global_ptrs: Box::new([]),
        code: (0..info.bodies.len() as u32)
            .map(|i| {
                let code = m
                    .compiled_ready(i)
                    .map_or(std::ptr::null(), |c| c as *const _);
                std::sync::atomic::AtomicPtr::new(code as *mut _)
            })
            .collect(),
    };

    for ((import, ext), ty) in info.imports.iter().zip(imports).zip(module.imports()) {
        let expected = ty.ty();
        let actual = ext.ty(&*store);
        if !import_matches(&expected, &actual) {
            return Err(Error::Link(format!(
                "incompatible import type for `{}::{}`: expected {expected}, found {actual}",
                import.module, import.name
            )));
        }
        match (ext, &import.kind) {
            (Extern::Func(f), ImportKind::Func(_)) => instance.funcs.push(store.func_index(*f)),
            (Extern::Table(t), ImportKind::Table(_)) => instance.tables.push(store.table_index(*t)),
            (Extern::Memory(x), ImportKind::Memory(_)) => {
                instance.memories.push(store.memory_index(*x))
            }
            (Extern::Global(g), ImportKind::Global(_)) => {
                instance.globals.push(store.global_index(*g))
            }
            _ => unreachable!("import_matches checked the kinds"),
        }
    }

    let inner = &mut store.inner;
    inner.limits.check_counts(
        (inner.instances.len(), true),
        (
            inner.tables.len(),
            info.tables.len() - info.num_imported_tables as usize,
        ),
        (
            inner.memories.len(),
            info.memories.len() - info.num_imported_memories as usize,
        ),
    )?;
    for index in 0..info.bodies.len() as u32 {
        let ty_index = info.funcs[(info.num_imported_funcs + index) as usize] as usize;
        instance.funcs.push(inner.funcs.len() as u32);
        inner.funcs.push(FuncEntity {
            ty: info.types[ty_index].clone(),
            type_id: info.type_ids[ty_index],
            kind: FuncKind::Wasm {
                instance: id,
                module: m.clone(),
                index,
            },
        });
    }

    let eval = |inner: &super::StoreInner, instance: &InstanceEntity, expr: &ConstExpr| match expr
        .eval(|g| {
            ConstVal::Bits(
                inner.globals[instance.globals[g as usize] as usize]
                    .get()
                    .bits,
            )
        }) {
        ConstVal::Bits(bits) => bits,
        ConstVal::Null => 0,
        ConstVal::Func(f) => instance.funcs[f as usize] as u128 + 1,
    };

    for (i, init) in info.global_inits.iter().enumerate() {
        let ty = info.globals[info.num_imported_globals as usize + i];
        let bits = eval(inner, &instance, init);
        instance.globals.push(inner.globals.len() as u32);
        inner
            .globals
            .push(GlobalBox::new(GlobalEntity { ty, bits }));
    }
    for (i, init) in info.table_inits.iter().enumerate() {
        let ty: TableType = info.tables[info.num_imported_tables as usize + i];
        let init = init
            .as_ref()
            .map_or(0, |e| eval(inner, &instance, e) as u64);
        let table = TableEntity::new(ty, init, inner.limits.table_elements)?;
        instance.tables.push(inner.tables.len() as u32);
        inner.tables.push(table);
    }
    for i in 0..info.memories.len() - info.num_imported_memories as usize {
        let ty: MemoryType = info.memories[info.num_imported_memories as usize + i];
        instance.memories.push(inner.memories.len() as u32);
        inner
            .memories
            .push(MemoryEntity::new(ty, inner.limits.memory_size)?);
    }
    for seg in &info.elems {
        let items: Vec<u64> = seg
            .items
            .iter()
            .map(|e| eval(inner, &instance, e) as u64)
            .collect();
        instance.elems.push(items.into());
    }

    // Active segments are applied in order; a failing one traps, and what earlier ones
    // wrote stays, as the specification requires.
    let mut actions = Vec::new();
    for (i, seg) in info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let offset = eval(inner, &instance, offset) as u32;
                actions.push((i, Some((*table, offset))));
            }
            ElemMode::Declared => actions.push((i, None)),
            ElemMode::Passive => {}
        }
    }
    let mut data_actions = Vec::new();
    for (i, seg) in info.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let offset = eval(inner, &instance, offset) as u32;
            data_actions.push((i, *memory, offset));
        }
    }
    instance.global_ptrs = instance
        .globals
        .iter()
        .map(|&g| inner.globals[g as usize].ptr())
        .collect();
    inner.instances.push(instance);
    let result = apply_segments(inner, id, &actions, &data_actions);
    let handle = Instance {
        store_id: inner.id,
        index: id,
    };
    result?;

    if let Some(start) = info.start {
        let func = inner.instances[id as usize].funcs[start as usize];
        let base = inner.stack.top;
        crate::exec::invoke(store, func, base)?;
    }
    Ok(handle)
}

fn apply_segments(
    inner: &mut super::StoreInner,
    id: u32,
    elems: &[(usize, Option<(u32, u32)>)],
    datas: &[(usize, u32, u32)],
) -> Result<(), Trap> {
    for &(seg, target) in elems {
        let instance = &mut inner.instances[id as usize];
        let items: Arc<[u64]> = std::mem::replace(&mut instance.elems[seg], Vec::new().into());
        if let Some((table, offset)) = target {
            let t = instance.tables[table as usize] as usize;
            let table = &mut inner.tables[t].elems;
            let end = offset as usize + items.len();
            if end > table.len() {
                return Err(Trap::from_kind(TrapKind::TableOutOfBounds));
            }
            table[offset as usize..end].copy_from_slice(&items);
        }
    }
    for &(seg, memory, offset) in datas {
        let instance = &mut inner.instances[id as usize];
        instance.data_dropped[seg] = true;
        let range = instance.module.info.datas[seg].bytes.clone();
        let bytes = &instance.module.bytes[range];
        let m = instance.memories[memory as usize] as usize;
        let data = &mut inner.memories[m].data;
        let end = offset as usize + bytes.len();
        if end > data.len() {
            return Err(Trap::from_kind(TrapKind::MemoryOutOfBounds));
        }
        data[offset as usize..end].copy_from_slice(bytes);
    }
    Ok(())
}
