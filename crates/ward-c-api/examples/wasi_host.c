/* Runs a WASI program and calls one of its exports, which calls a host
 * function written in C.
 *
 *   cc wasi_host.c $(pkg-config --cflags --libs ward) -o wasi_host
 *   ./wasi_host
 */
#include <stdio.h>
#include <string.h>

#include <ward.h>

/* The program, in the text format (wasm_module_new also takes binaries). */
static const char* program =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\""
    "    (func $fd_write (param i32 i32 i32 i32) (result i32)))"
    "  (import \"host\" \"add\" (func $add (param i32 i32) (result i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 16) \"hello from wasm\\n\")"
    "  (func (export \"_start\")"
    "    (i32.store (i32.const 0) (i32.const 16))"
    "    (i32.store (i32.const 4) (i32.const 16))"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)"
    "      (i32.const 8))))"
    "  (func (export \"sum_doubled\") (param i32 i32) (result i32)"
    "    (i32.mul (call $add (local.get 0) (local.get 1)) (i32.const 2))))";

/* host.add: the host function the program imports. */
static wasm_trap_t* add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

/* Prints a trap's message and deletes it; returns 1 for main's exit status. */
static int fail(const char* what, wasm_trap_t* trap) {
  fprintf(stderr, "%s", what);
  if (trap != NULL) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, ": %s", message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
  }
  fprintf(stderr, "\n");
  return 1;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* WASI: the program writes to this process's stdout. */
  ward_wasi_config_t* wasi = ward_wasi_config_new();
  const char* argv[] = {"wasi_host"};
  ward_wasi_config_set_argv(wasi, 1, argv);
  ward_wasi_config_inherit_stdout(wasi);
  ward_error_t* error = ward_store_set_wasi(store, wasi);
  if (error != NULL) {
    ward_error_delete(error);
    return fail("WASI configuration failed", NULL);
  }

  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(program), program);
  wasm_module_t* module = wasm_module_new(store, &text);
  wasm_byte_vec_delete(&text);
  if (module == NULL) return fail("the module is invalid", NULL);

  /* The imports: WASI, and host.add. */
  ward_linker_t* linker = ward_linker_new(engine);
  wasm_functype_t* add_type = wasm_functype_new_2_1(
      wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add_func = wasm_func_new(store, add_type, add);
  wasm_functype_delete(add_type);
  if (ward_linker_define_wasi(linker) != NULL ||
      ward_linker_define(linker, "host", "add", wasm_func_as_extern(add_func)) !=
          NULL) {
    return fail("defining the imports failed", NULL);
  }
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance =
      ward_linker_instantiate(linker, store, module, &trap);
  if (instance == NULL) return fail("instantiation failed", trap);

  /* Run the program; its output and ours go to the same stdout. */
  fflush(stdout);
  wasm_extern_t* start = ward_instance_export(instance, "_start");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(wasm_extern_as_func(start), &none, &none);
  if (trap != NULL) return fail("_start trapped", trap);

  /* Call an export that calls host.add. */
  wasm_extern_t* sum_doubled = ward_instance_export(instance, "sum_doubled");
  wasm_val_t args_array[2] = {WASM_I32_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t results_array[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_array);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_array);
  trap = wasm_func_call(wasm_extern_as_func(sum_doubled), &args, &results);
  if (trap != NULL) return fail("sum_doubled trapped", trap);
  printf("sum_doubled(3, 4) = %d\n", results_array[0].of.i32);

  wasm_extern_delete(sum_doubled);
  wasm_extern_delete(start);
  wasm_instance_delete(instance);
  wasm_func_delete(add_func);
  ward_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
