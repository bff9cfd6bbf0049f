/* ward.h: WASI preview 1 (arguments, environment, stdio, preopened
 * directories, exit status) through a linker. */
#include "check.h"

static const char* wat =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\""
    "    (func $fd_write (param i32 i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\""
    "    (func $fd_read (param i32 i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_prestat_get\""
    "    (func $fd_prestat_get (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_prestat_dir_name\""
    "    (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\""
    "    (func $args_sizes_get (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"environ_sizes_get\""
    "    (func $environ_sizes_get (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 64) \"hello from wasi\\n\")"
    "  (data (i32.const 96) \"oops\\n\")"
    "  (data (i32.const 120) \"\\n\")"
    "  (func $write (param $fd i32) (param $ptr i32) (param $len i32)"
    "    (i32.store (i32.const 0) (local.get $ptr))"
    "    (i32.store (i32.const 4) (local.get $len))"
    "    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))"
    "  (func (export \"_start\")"
    "    (call $write (i32.const 1) (i32.const 64) (i32.const 16))"
    "    (call $write (i32.const 2) (i32.const 96) (i32.const 5))"
    "    (i32.store (i32.const 0) (i32.const 128))"
    "    (i32.store (i32.const 4) (i32.const 64))"
    "    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))"
    "    (call $write (i32.const 1) (i32.const 128) (i32.load (i32.const 8)))"
    "    (if (i32.eqz (call $fd_prestat_get (i32.const 3) (i32.const 16)))"
    "      (then"
    "        (drop (call $fd_prestat_dir_name (i32.const 3) (i32.const 256)"
    "          (i32.load (i32.const 20))))"
    "        (call $write (i32.const 1) (i32.const 256) (i32.load (i32.const 20)))))"
    "    (call $write (i32.const 1) (i32.const 120) (i32.const 1))"
    "    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))"
    "    (drop (call $environ_sizes_get (i32.const 40) (i32.const 44)))"
    "    (call $proc_exit (i32.add (i32.load (i32.const 32))"
    "      (i32.mul (i32.load (i32.const 40)) (i32.const 10))))))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  ward_wasi_config_t* config = ward_wasi_config_new();
  const char* argv[] = {"prog", "one", "two"};
  ward_wasi_config_set_argv(config, 3, argv);
  const char* names[] = {"A", "B"};
  const char* values[] = {"1", "2"};
  ward_wasi_config_set_env(config, 2, names, values);
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 9, "piped in\n");
  ward_wasi_config_set_stdin_bytes(config, &input);
  wasm_byte_vec_delete(&input);
  ward_wasi_config_capture_stdout(config);
  ward_wasi_config_capture_stderr(config);
  CHECK(ward_wasi_config_preopen_dir(config, "data", "/data", true) == NULL);
  ward_error_t* error =
      ward_wasi_config_preopen_dir(config, "no-such-dir", "/x", false);
  CHECK(error != NULL);
  wasm_name_t message;
  ward_error_message(error, &message);
  CHECK(message.size > 0);
  wasm_byte_vec_delete(&message);
  ward_error_delete(error);
  CHECK(ward_store_set_wasi(store, config) == NULL);

  ward_linker_t* linker = ward_linker_new(engine);
  CHECK(ward_linker_define_wasi(linker) == NULL);
  wasm_module_t* module = module_from_text(store, wat);
  CHECK(module != NULL);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance =
      ward_linker_instantiate(linker, store, module, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_func_t* start = export_func(instance, "_start");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(start, &none, &none);
  CHECK(trap != NULL);
  int32_t status = -1;
  CHECK(ward_trap_exit_status(trap, &status));
  printf("exit status: %d\n", status);
  wasm_trap_delete(trap);

  wasm_byte_vec_t out, err;
  ward_store_wasi_stdout(store, &out);
  ward_store_wasi_stderr(store, &err);
  printf("stdout: [%.*s]\n", (int)out.size, out.data);
  printf("stderr: [%.*s]\n", (int)err.size, err.data);
  wasm_byte_vec_delete(&out);
  wasm_byte_vec_delete(&err);

  /* A name defined twice is an error; a module with an import the linker
   * lacks does not instantiate. */
  wasm_extern_t* memory = ward_instance_export(instance, "memory");
  CHECK(ward_linker_define(linker, "env", "memory", memory) == NULL);
  error = ward_linker_define(linker, "env", "memory", memory);
  CHECK(error != NULL);
  print_error(error);
  wasm_module_t* needy = module_from_text(
      store, "(module (import \"env\" \"missing\" (func)))");
  trap = NULL;
  CHECK(ward_linker_instantiate(linker, store, needy, &trap) == NULL);
  print_trap(trap);
  CHECK(ward_instance_export(instance, "nothing") == NULL);

  wasm_module_delete(needy);
  wasm_extern_delete(memory);
  wasm_func_delete(start);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  ward_linker_delete(linker);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("ok\n");
  return 0;
}
