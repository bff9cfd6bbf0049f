/* wasm.h: configuration, engine, store, vectors and types. */
#include "check.h"

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);

  /* Byte vectors and names. */
  wasm_name_t name;
  wasm_name_new_from_string(&name, "ward");
  wasm_name_t copy;
  wasm_name_copy(&copy, &name);
  printf("name: %.*s (%zu)\n", (int)copy.size, copy.data, copy.size);
  wasm_name_delete(&name);
  wasm_name_delete(&copy);
  CHECK(copy.size == 0 && copy.data == NULL);

  wasm_byte_vec_t blank;
  wasm_byte_vec_new_uninitialized(&blank, 3);
  CHECK(blank.size == 3 && blank.data[0] == 0);
  wasm_byte_vec_delete(&blank);

  /* Value types. */
  wasm_valtype_t* i64 = wasm_valtype_new_i64();
  CHECK(wasm_valtype_kind(i64) == WASM_I64 && wasm_valtype_is_num(i64));
  wasm_valtype_t* fref = wasm_valtype_new(WASM_FUNCREF);
  CHECK(wasm_valtype_is_ref(fref));
  wasm_valtype_delete(fref);
  CHECK(wasm_valtype_new(77) == NULL);

  /* Function types: (i32 i64) -> (f64). */
  wasm_functype_t* ft = wasm_functype_new_2_1(
      wasm_valtype_new_i32(), i64, wasm_valtype_new_f64());
  const wasm_valtype_vec_t* params = wasm_functype_params(ft);
  const wasm_valtype_vec_t* results = wasm_functype_results(ft);
  printf("functype: %zu params (%d %d), %zu results (%d)\n", params->size,
         wasm_valtype_kind(params->data[0]), wasm_valtype_kind(params->data[1]),
         results->size, wasm_valtype_kind(results->data[0]));
  wasm_functype_t* ft2 = wasm_functype_copy(ft);
  CHECK(wasm_functype_params(ft2)->size == 2);

  /* Casts between extern types and their kinds. */
  wasm_externtype_t* et = wasm_functype_as_externtype(ft2);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(et) == ft2);
  CHECK(wasm_externtype_as_globaltype(et) == NULL);
  wasm_valtype_vec_t params_copy;
  wasm_valtype_vec_copy(&params_copy, params);
  CHECK(params_copy.size == 2 && wasm_valtype_kind(params_copy.data[1]) == WASM_I64);
  wasm_valtype_vec_delete(&params_copy);

  /* Global, table and memory types. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
  printf("globaltype: %d %d\n", wasm_valtype_kind(wasm_globaltype_content(gt)),
         wasm_globaltype_mutability(gt));
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  printf("tabletype: %d %u %u\n", wasm_valtype_kind(wasm_tabletype_element(tt)),
         wasm_tabletype_limits(tt)->min, wasm_tabletype_limits(tt)->max);
  wasm_limits_t mlimits = {2, 5};
  wasm_memorytype_t* mt = wasm_memorytype_new(&mlimits);
  printf("memorytype: %u %u\n", wasm_memorytype_limits(mt)->min,
         wasm_memorytype_limits(mt)->max);
  CHECK(wasm_externtype_kind(wasm_memorytype_as_externtype_const(mt)) ==
        WASM_EXTERN_MEMORY);

  /* Import and export types take their parts. */
  wasm_name_t module_name, field_name, export_name;
  wasm_name_new_from_string(&module_name, "env");
  wasm_name_new_from_string(&field_name, "g");
  wasm_importtype_t* it = wasm_importtype_new(
      &module_name, &field_name, wasm_globaltype_as_externtype(gt));
  const wasm_name_t* m = wasm_importtype_module(it);
  const wasm_name_t* n = wasm_importtype_name(it);
  printf("importtype: %.*s.%.*s kind %d\n", (int)m->size, m->data, (int)n->size,
         n->data, wasm_externtype_kind(wasm_importtype_type(it)));
  wasm_name_new_from_string(&export_name, "mem");
  wasm_exporttype_t* xt =
      wasm_exporttype_new(&export_name, wasm_memorytype_as_externtype(mt));
  wasm_exporttype_t* xt2 = wasm_exporttype_copy(xt);
  printf("exporttype: %.*s kind %d\n", (int)wasm_exporttype_name(xt2)->size,
         wasm_exporttype_name(xt2)->data,
         wasm_externtype_kind(wasm_exporttype_type(xt2)));

  wasm_importtype_delete(it);
  wasm_exporttype_delete(xt);
  wasm_exporttype_delete(xt2);
  wasm_tabletype_delete(tt);
  wasm_functype_delete(ft);
  wasm_externtype_delete(et);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("ok\n");
  return 0;
}
