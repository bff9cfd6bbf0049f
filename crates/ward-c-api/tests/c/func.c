/* wasm.h: functions (calls, host functions with and without environment),
 * instances, traps with message and frames. */
#include "check.h"

static int finalized = 0;

/* env.add: (i32 i32) -> i32, no environment. */
static wasm_trap_t* add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

/* env.scale: (f64) -> f64, multiplies by the double its environment points to. */
static wasm_trap_t* scale(void* env, const wasm_val_vec_t* args,
                          wasm_val_vec_t* results) {
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = args->data[0].of.f64 * *(double*)env;
  return NULL;
}

static void finalize(void* env) {
  (void)env;
  finalized++;
}

/* env.fail: () -> (), always traps with a message. */
static wasm_trap_t* fail(void* env, const wasm_val_vec_t* args,
                         wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_store_t* store = env;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "host says no");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  return trap;
}

/* env.reenter: (i32) -> i32, calls the instance's export "twice" back. */
static wasm_func_t* twice = NULL;
static wasm_trap_t* reenter(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_t arg[1] = {WASM_I32_VAL(args->data[0].of.i32 + 1)};
  wasm_val_vec_t a = WASM_ARRAY_VEC(arg);
  return wasm_func_call(twice, &a, results);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(
      store,
      "(module"
      "  (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))"
      "  (import \"env\" \"scale\" (func $scale (param f64) (result f64)))"
      "  (import \"env\" \"fail\" (func $fail))"
      "  (import \"env\" \"reenter\" (func $reenter (param i32) (result i32)))"
      "  (func (export \"sum3\") (param i32 i32 i32) (result i32)"
      "    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))"
      "  (func (export \"scaled\") (param f64) (result f64)"
      "    (call $scale (local.get 0)))"
      "  (func (export \"split\") (param i64) (result i32 i32 f32)"
      "    (i32.wrap_i64 (local.get 0))"
      "    (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32)))"
      "    (f32.const 1.5))"
      "  (func $inner (export \"boom\") unreachable)"
      "  (func (export \"outer\") (call $inner))"
      "  (func (export \"call_fail\") (call $fail))"
      "  (func (export \"twice\") (param i32) (result i32)"
      "    (i32.mul (local.get 0) (i32.const 2)))"
      "  (func (export \"via_host\") (param i32) (result i32)"
      "    (call $reenter (local.get 0)))"
      "  (func (export \"take_ref\") (param funcref)))");
  CHECK(module != NULL);

  wasm_functype_t* add_type = wasm_functype_new_2_1(
      wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* scale_type =
      wasm_functype_new_1_1(wasm_valtype_new_f64(), wasm_valtype_new_f64());
  wasm_functype_t* fail_type = wasm_functype_new_0_0();
  wasm_functype_t* reenter_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  static double factor = 2.5;
  wasm_func_t* add_func = wasm_func_new(store, add_type, add);
  wasm_func_t* scale_func =
      wasm_func_new_with_env(store, scale_type, scale, &factor, finalize);
  wasm_func_t* fail_func =
      wasm_func_new_with_env(store, fail_type, fail, store, NULL);
  wasm_func_t* reenter_func = wasm_func_new(store, reenter_type, reenter);
  printf("add arity: %zu -> %zu\n", wasm_func_param_arity(add_func),
         wasm_func_result_arity(add_func));

  wasm_extern_t* externs[] = {
      wasm_func_as_extern(add_func), wasm_func_as_extern(scale_func),
      wasm_func_as_extern(fail_func), wasm_func_as_extern(reenter_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  printf("exports: %zu\n", exports.size);
  wasm_func_t* sum3 = wasm_extern_as_func(exports.data[0]);
  wasm_func_t* scaled = wasm_extern_as_func(exports.data[1]);
  wasm_func_t* split = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* outer = wasm_extern_as_func(exports.data[4]);
  wasm_func_t* call_fail = wasm_extern_as_func(exports.data[5]);
  twice = wasm_extern_as_func(exports.data[6]);
  wasm_func_t* via_host = wasm_extern_as_func(exports.data[7]);

  /* A call through a host function without environment. */
  wasm_val_t a3[3] = {WASM_I32_VAL(1), WASM_I32_VAL(20), WASM_I32_VAL(300)};
  wasm_val_t r1[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a3), results = WASM_ARRAY_VEC(r1);
  CHECK(wasm_func_call(sum3, &args, &results) == NULL);
  printf("sum3: %d\n", r1[0].of.i32);

  /* With an environment. */
  wasm_val_t a1[1] = {WASM_F64_VAL(4.0)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(a1);
  CHECK(wasm_func_call(scaled, &args, &results) == NULL);
  printf("scaled: %g (kind %d)\n", r1[0].of.f64, r1[0].kind);

  /* Several results. */
  wasm_val_t a64[1] = {WASM_I64_VAL(0x0000000500000007LL)};
  wasm_val_t r3[3];
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(a64);
  results = (wasm_val_vec_t)WASM_ARRAY_VEC(r3);
  CHECK(wasm_func_call(split, &args, &results) == NULL);
  printf("split: %d %d %g\n", r3[0].of.i32, r3[1].of.i32, r3[2].of.f32);

  /* A host function called directly. */
  wasm_val_t a2[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(a2);
  results = (wasm_val_vec_t)WASM_ARRAY_VEC(r1);
  CHECK(wasm_func_call(add_func, &args, &results) == NULL);
  printf("add: %d\n", r1[0].of.i32);

  /* A wasm trap: message, origin and trace. */
  wasm_val_vec_t no_args = WASM_EMPTY_VEC, no_results = WASM_EMPTY_VEC;
  trap = wasm_func_call(outer, &no_args, &no_results);
  CHECK(trap != NULL);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("frames: %zu, origin func %u, outer func %u\n", trace.size,
         wasm_frame_func_index(origin), wasm_frame_func_index(trace.data[1]));
  CHECK(wasm_frame_module_offset(origin) > 0);
  wasm_frame_t* frame_copy = wasm_frame_copy(trace.data[0]);
  CHECK(wasm_frame_func_index(frame_copy) == wasm_frame_func_index(origin));
  wasm_frame_delete(frame_copy);
  wasm_frame_vec_delete(&trace);
  wasm_frame_delete(origin);
  wasm_trap_t* trap_copy = wasm_trap_copy(trap);
  wasm_trap_delete(trap);
  print_trap(trap_copy);

  /* A C host function's trap reaches the caller with its message. */
  trap = wasm_func_call(call_fail, &no_args, &no_results);
  CHECK(trap != NULL && ward_trap_kind(trap) == WARD_TRAP_HOST);
  print_trap(trap);

  /* Wrong arguments are a trap, not a crash. */
  wasm_val_t wrong[1] = {WASM_I64_VAL(1)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(wrong);
  trap = wasm_func_call(sum3, &args, &results);
  CHECK(trap != NULL);
  print_trap(trap);

  /* A host function that calls back into wasm. */
  wasm_val_t a_re[1] = {WASM_I32_VAL(20)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(a_re);
  CHECK(wasm_func_call(via_host, &args, &results) == NULL);
  printf("via_host: %d\n", r1[0].of.i32);

  /* A missing import is an error reported as a trap. */
  wasm_extern_vec_t too_few = WASM_EMPTY_VEC;
  trap = NULL;
  CHECK(wasm_instance_new(store, module, &too_few, &trap) == NULL);
  CHECK(trap != NULL);
  print_trap(trap);

  /* A function of another store is refused with a trap: ward's check panics,
   * and the panic stops at the C API's boundary. */
  wasm_store_t* other = wasm_store_new(engine);
  wasm_func_t* foreign_func = wasm_func_new(other, fail_type, add);
  wasm_val_t ref_arg[1] = {{.kind = WASM_FUNCREF,
                            .of = {.ref = wasm_func_as_ref(foreign_func)}}};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(ref_arg);
  wasm_func_t* take_ref = wasm_extern_as_func(exports.data[8]);
  trap = wasm_func_call(take_ref, &args, &no_results);
  CHECK(trap != NULL);
  wasm_message_t panic_message;
  wasm_trap_message(trap, &panic_message);
  CHECK(strncmp(panic_message.data, "ward: internal error", 20) == 0);
  printf("another store's function: refused\n");
  wasm_byte_vec_delete(&panic_message);
  wasm_trap_delete(trap);
  ref_arg[0].of.ref = wasm_func_as_ref(add_func);
  CHECK(wasm_func_call(take_ref, &args, &no_results) == NULL);
  wasm_func_delete(foreign_func);
  wasm_store_delete(other);

  /* Functions compare by identity, types come back. */
  wasm_func_t* sum3_copy = wasm_func_copy(sum3);
  CHECK(wasm_func_same(sum3, sum3_copy) && !wasm_func_same(sum3, scaled));
  wasm_functype_t* split_type = wasm_func_type(split);
  CHECK(wasm_functype_results(split_type)->size == 3);
  wasm_functype_delete(split_type);
  wasm_func_delete(sum3_copy);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add_func);
  wasm_func_delete(scale_func);
  wasm_func_delete(fail_func);
  wasm_func_delete(reenter_func);
  wasm_functype_delete(add_type);
  wasm_functype_delete(scale_type);
  wasm_functype_delete(fail_type);
  wasm_functype_delete(reenter_type);
  wasm_module_delete(module);
  CHECK(finalized == 0);
  wasm_store_delete(store);
  printf("finalized: %d\n", finalized);
  wasm_engine_delete(engine);
  printf("ok\n");
  return 0;
}
