/* wasm.h: modules (new, validate, imports, exports, share), serialization. */
#include "check.h"

static const char* kind_name(wasm_externkind_t kind) {
  switch (kind) {
    case WASM_EXTERN_FUNC: return "func";
    case WASM_EXTERN_GLOBAL: return "global";
    case WASM_EXTERN_TABLE: return "table";
    case WASM_EXTERN_MEMORY: return "memory";
  }
  return "?";
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* (module (func (export "f") (result i32) i32.const 7)) in binary. */
  static const char binary[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
      0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01,
      0x01, 0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07,
      0x0b};
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, sizeof binary, binary);
  printf("valid: %d\n", wasm_module_validate(store, &bytes));
  wasm_module_t* small = wasm_module_new(store, &bytes);
  CHECK(small != NULL);
  bytes.data[bytes.size - 3] = 0x42; /* i32.const -> i64.const: invalid */
  printf("valid after corruption: %d\n", wasm_module_validate(store, &bytes));
  CHECK(wasm_module_new(store, &bytes) == NULL);
  wasm_module_t* invalid = small;
  ward_error_t* error = ward_module_new(store, &bytes, &invalid);
  CHECK(error != NULL && invalid == NULL);
  print_error(error);
  wasm_byte_vec_delete(&bytes);

  wasm_module_t* module = module_from_text(
      store,
      "(module"
      "  (import \"env\" \"log\" (func (param i32)))"
      "  (import \"env\" \"base\" (global i64))"
      "  (import \"env\" \"tab\" (table 2 funcref))"
      "  (memory (export \"mem\") 1 3)"
      "  (global (export \"counter\") (mut i32) (i32.const 0))"
      "  (func (export \"run\") (param f32 f64) (result i64) global.get 0))");
  CHECK(module != NULL);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    const wasm_externtype_t* t = wasm_importtype_type(imports.data[i]);
    printf("import %.*s.%.*s: %s\n", (int)m->size, m->data, (int)n->size,
           n->data, kind_name(wasm_externtype_kind(t)));
  }
  const wasm_tabletype_t* tt =
      wasm_externtype_as_tabletype_const(wasm_importtype_type(imports.data[2]));
  printf("table min %u element %d\n", wasm_tabletype_limits(tt)->min,
         wasm_valtype_kind(wasm_tabletype_element(tt)));
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    printf("export %.*s: %s\n", (int)n->size, n->data,
           kind_name(wasm_externtype_kind(wasm_exporttype_type(exports.data[i]))));
  }
  const wasm_functype_t* run =
      wasm_externtype_as_functype_const(wasm_exporttype_type(exports.data[2]));
  printf("run: %zu params, %zu results, result kind %d\n",
         wasm_functype_params(run)->size, wasm_functype_results(run)->size,
         wasm_valtype_kind(wasm_functype_results(run)->data[0]));
  const wasm_memorytype_t* mt =
      wasm_externtype_as_memorytype_const(wasm_exporttype_type(exports.data[0]));
  printf("mem: %u..%u pages\n", wasm_memorytype_limits(mt)->min,
         wasm_memorytype_limits(mt)->max);
  wasm_exporttype_vec_t copy;
  wasm_exporttype_vec_copy(&copy, &exports);
  CHECK(copy.size == 3);
  wasm_exporttype_vec_delete(&copy);
  wasm_exporttype_vec_delete(&exports);

  /* Serialization is not available: an empty vector, and NULL back. */
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  printf("serialized size %zu\n", serialized.size);
  CHECK(wasm_module_deserialize(store, &serialized) == NULL);
  wasm_byte_vec_delete(&serialized);

  /* A shared module can be obtained in another store of the engine. */
  wasm_shared_module_t* shared = wasm_module_share(small);
  wasm_store_t* other = wasm_store_new(engine);
  wasm_module_t* obtained = wasm_module_obtain(other, shared);
  CHECK(obtained != NULL);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(other, obtained, &none, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exported;
  wasm_instance_exports(instance, &exported);
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(result);
  CHECK(wasm_func_call(wasm_extern_as_func(exported.data[0]), &args, &results) == NULL);
  printf("obtained module's f: %d\n", result[0].of.i32);
  wasm_extern_vec_delete(&exported);
  wasm_instance_delete(instance);

  /* Another engine's store cannot obtain it. */
  wasm_engine_t* engine2 = wasm_engine_new();
  wasm_store_t* store2 = wasm_store_new(engine2);
  CHECK(wasm_module_obtain(store2, shared) == NULL);
  wasm_store_delete(store2);
  wasm_engine_delete(engine2);

  wasm_shared_module_delete(shared);
  wasm_module_delete(obtained);
  wasm_module_delete(small);
  wasm_module_delete(module);
  wasm_store_delete(other);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("ok\n");
  return 0;
}
