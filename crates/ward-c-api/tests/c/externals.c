/* wasm.h: globals, tables, memories, externs, references and foreign objects. */
#include "check.h"

static int finalized = 0;
static void finalize(void* info) { finalized += *(int*)info; }

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* Host-made globals, a table and a memory, imported by a module. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t init = WASM_I64_VAL(40);
  wasm_global_t* global = wasm_global_new(store, gt, &init);
  CHECK(global != NULL);
  wasm_val_t wrong = WASM_F32_VAL(1.0f);
  CHECK(wasm_global_new(store, gt, &wrong) == NULL);

  wasm_limits_t table_limits = {2, 10};
  wasm_tabletype_t* tt =
      wasm_tabletype_new(wasm_valtype_new_funcref(), &table_limits);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  CHECK(table != NULL && wasm_table_size(table) == 2);

  wasm_limits_t memory_limits = {1, 4};
  wasm_memorytype_t* mt = wasm_memorytype_new(&memory_limits);
  wasm_memory_t* memory = wasm_memory_new(store, mt);
  CHECK(memory != NULL);
  printf("memory: %u pages, %zu bytes\n", wasm_memory_size(memory),
         wasm_memory_data_size(memory));
  strcpy(wasm_memory_data(memory) + 100, "written by C");

  wasm_module_t* module = module_from_text(
      store,
      "(module"
      "  (import \"env\" \"g\" (global $g (mut i64)))"
      "  (import \"env\" \"t\" (table $t 2 funcref))"
      "  (import \"env\" \"m\" (memory $m 1))"
      "  (global (export \"answer\") i32 (i32.const 42))"
      "  (global (export \"ref\") (mut externref) (ref.null extern))"
      "  (func $seven (export \"seven\") (result i32) (i32.const 7))"
      "  (elem (table $t) (i32.const 1) func $seven)"
      "  (func (export \"bump\") (global.set $g (i64.add (global.get $g) (i64.const 2))))"
      "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0)))"
      "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))"
      "  (func (export \"call_at\") (param i32) (result i32)"
      "    (call_indirect (result i32) (local.get 0)))"
      "  (func (export \"id\") (param externref) (result externref) (local.get 0)))");
  CHECK(module != NULL);
  wasm_extern_t* externs[] = {
      wasm_global_as_extern(global), wasm_table_as_extern(table),
      wasm_memory_as_extern(memory)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);

  /* Globals. */
  wasm_func_t* bump = export_func(instance, "bump");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(bump, &none, &none) == NULL);
  wasm_val_t value;
  wasm_global_get(global, &value);
  printf("global after bump: %lld\n", (long long)value.of.i64);
  wasm_val_t set = WASM_I64_VAL(-5);
  wasm_global_set(global, &set);
  CHECK(wasm_func_call(bump, &none, &none) == NULL);
  wasm_global_get(global, &value);
  printf("global after set and bump: %lld\n", (long long)value.of.i64);
  wasm_extern_t* answer_ext = ward_instance_export(instance, "answer");
  wasm_global_t* answer = wasm_extern_as_global(answer_ext);
  wasm_global_get(answer, &value);
  wasm_globaltype_t* answer_type = wasm_global_type(answer);
  printf("answer: %d (mutability %d)\n", value.of.i32,
         wasm_globaltype_mutability(answer_type));
  wasm_globaltype_delete(answer_type);
  wasm_val_t changed = WASM_I32_VAL(1);
  wasm_global_set(answer, &changed); /* immutable: nothing happens */
  wasm_global_get(answer, &value);
  CHECK(value.of.i32 == 42);

  /* Memory: C and wasm see the same bytes. */
  wasm_func_t* load = export_func(instance, "load");
  wasm_func_t* store8 = export_func(instance, "store");
  wasm_val_t at[1] = {WASM_I32_VAL(100)}, r[1];
  wasm_val_vec_t args = WASM_ARRAY_VEC(at), results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(load, &args, &results) == NULL);
  printf("wasm loads: %c\n", r[0].of.i32);
  wasm_val_t put[2] = {WASM_I32_VAL(200), WASM_I32_VAL('Z')};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(put);
  CHECK(wasm_func_call(store8, &args, &none) == NULL);
  printf("C reads: %c\n", wasm_memory_data(memory)[200]);
  CHECK(wasm_memory_grow(memory, 2));
  CHECK(!wasm_memory_grow(memory, 2)); /* past the maximum of 4 */
  wasm_memorytype_t* grown = wasm_memory_type(memory);
  printf("memory grown: %u pages, type min %u\n", wasm_memory_size(memory),
         wasm_memorytype_limits(grown)->min);
  wasm_memorytype_delete(grown);
  at[0].of.i32 = 3 * 65536;
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(at);
  wasm_trap_t* trap = wasm_func_call(load, &args, &results);
  CHECK(trap != NULL);
  print_trap(trap);

  /* Tables: the element segment set slot 1; C sets slot 0. */
  wasm_ref_t* slot1 = wasm_table_get(table, 1);
  CHECK(slot1 != NULL && wasm_table_get(table, 0) == NULL);
  wasm_func_t* seven = wasm_ref_as_func(slot1);
  CHECK(seven != NULL && wasm_ref_as_global(slot1) == NULL);
  wasm_func_t* call_at = export_func(instance, "call_at");
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(call_at)) == true);
  CHECK(!wasm_table_set(table, 5, slot1));
  at[0].of.i32 = 1;
  CHECK(wasm_func_call(call_at, &args, &results) == NULL);
  printf("call_at 1: %d\n", r[0].of.i32);
  at[0].of.i32 = 0; /* call_at's own type does not match */
  trap = wasm_func_call(call_at, &args, &results);
  CHECK(trap != NULL);
  print_trap(trap);
  CHECK(wasm_table_grow(table, 3, slot1));
  printf("table size: %u\n", wasm_table_size(table));
  wasm_ref_t* slot4 = wasm_table_get(table, 4);
  CHECK(wasm_ref_same(slot4, slot1));
  wasm_ref_delete(slot4);
  wasm_ref_delete(slot1);

  /* Externs. */
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  printf("export kinds:");
  for (size_t i = 0; i < exports.size; i++) {
    printf(" %d", wasm_extern_kind(exports.data[i]));
  }
  printf("\n");
  /* Two objects of one entity are the same. */
  CHECK(wasm_global_same(answer, wasm_extern_as_global(exports.data[0])));
  CHECK(!wasm_global_same(answer, wasm_extern_as_global(exports.data[1])));
  CHECK(wasm_extern_same(answer_ext, exports.data[0]));
  wasm_extern_t* load_ext = ward_instance_export(instance, "load");
  CHECK(!wasm_extern_same(load_ext, exports.data[0]));
  wasm_extern_delete(load_ext);
  wasm_externtype_t* et = wasm_extern_type(exports.data[0]);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_GLOBAL);
  wasm_externtype_delete(et);
  wasm_extern_vec_t exports_copy;
  wasm_extern_vec_copy(&exports_copy, &exports);
  CHECK(wasm_extern_kind(exports_copy.data[2]) == WASM_EXTERN_FUNC);
  wasm_extern_vec_delete(&exports_copy);

  /* Foreign objects pass through wasm as externrefs, with host info. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  static int weight = 10;
  wasm_foreign_set_host_info_with_finalizer(foreign, &weight, finalize);
  CHECK(wasm_foreign_get_host_info(foreign) == &weight);
  wasm_func_t* id = export_func(instance, "id");
  wasm_val_t ref_arg[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t ref_res[1] = {WASM_INIT_VAL};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(ref_arg);
  results = (wasm_val_vec_t)WASM_ARRAY_VEC(ref_res);
  CHECK(wasm_func_call(id, &args, &results) == NULL);
  CHECK(ref_res[0].of.ref != NULL);
  printf("externref back: same %d, foreign %d\n",
         wasm_ref_same(ref_res[0].of.ref, wasm_foreign_as_ref(foreign)),
         wasm_ref_as_foreign(ref_res[0].of.ref) != NULL);
  wasm_val_t ref_copy;
  wasm_val_copy(&ref_copy, &ref_res[0]);
  wasm_val_delete(&ref_copy);
  wasm_val_delete(&ref_res[0]);
  wasm_global_t* ref_global = wasm_extern_as_global(exports.data[1]);
  wasm_global_set(ref_global, &ref_arg[0]);
  wasm_global_get(ref_global, &value);
  CHECK(value.kind == WASM_EXTERNREF && value.of.ref != NULL);
  wasm_val_delete(&value);
  wasm_foreign_delete(foreign);
  printf("finalized: %d\n", finalized);

  wasm_extern_vec_delete(&exports);
  wasm_extern_delete(answer_ext);
  wasm_func_delete(bump);
  wasm_func_delete(load);
  wasm_func_delete(store8);
  wasm_func_delete(call_at);
  wasm_func_delete(id);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_global_delete(global);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_globaltype_delete(gt);
  wasm_tabletype_delete(tt);
  wasm_memorytype_delete(mt);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("ok\n");
  return 0;
}
