/* ward.h: tiers, feature switches, fuel, interruption, store limits, the native stack,
 * tags and exceptions. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include <pthread.h>

#include "check.h"

static const char* counter_wat =
    "(module"
    "  (func (export \"count\") (param i32) (result i32) (local i32)"
    "    (block (loop"
    "      (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))"
    "      (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "      (br 0)))"
    "    (local.get 1))"
    "  (func (export \"spin\") (loop (br 0))))";

/* Runs count(n) in a fresh store of `engine`; returns the trap, if any. */
static wasm_trap_t* count(wasm_store_t* store, int n, int* result) {
  wasm_module_t* module = module_from_text(store, counter_wat);
  CHECK(module != NULL);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_func_t* f = export_func(instance, "count");
  wasm_val_t a[1] = {WASM_I32_VAL(n)}, r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  *result = r[0].of.i32;
  wasm_func_delete(f);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  return trap;
}

static void tiers(void) {
  CHECK(ward_strategy_is_available(WARD_STRATEGY_INTERPRETER));
  CHECK(ward_strategy_is_available(WARD_STRATEGY_AUTO));
  ward_strategy_t strategies[] = {WARD_STRATEGY_INTERPRETER, WARD_STRATEGY_AUTO,
                                  WARD_STRATEGY_CRANELIFT};
  for (int i = 0; i < 3; i++) {
    if (!ward_strategy_is_available(strategies[i])) continue;
    wasm_config_t* config = wasm_config_new();
    CHECK(ward_config_strategy(config, strategies[i]));
    CHECK(ward_config_target_cpu(config, "baseline"));
    ward_config_eager_compilation(config, true);
    wasm_engine_t* engine = wasm_engine_new_with_config(config);
    wasm_store_t* store = wasm_store_new(engine);
    int result = 0;
    CHECK(count(store, 1000, &result) == NULL);
    CHECK(result == 1000);
    /* A compiled module round-trips through an artifact; an interpreted one has
     * none. */
    wasm_module_t* module = module_from_text(store, counter_wat);
    CHECK(module != NULL);
    wasm_byte_vec_t artifact;
    wasm_module_serialize(module, &artifact);
    if (strategies[i] == WARD_STRATEGY_INTERPRETER) {
      CHECK(artifact.size == 0);
    } else {
      CHECK(artifact.size > 0);
      wasm_module_t* loaded = wasm_module_deserialize(store, &artifact);
      CHECK(loaded != NULL);
      wasm_extern_vec_t none = WASM_EMPTY_VEC;
      wasm_instance_t* instance = wasm_instance_new(store, loaded, &none, NULL);
      CHECK(instance != NULL);
      wasm_func_t* f = export_func(instance, "count");
      wasm_val_t a[1] = {WASM_I32_VAL(77)}, r[1] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
      CHECK(wasm_func_call(f, &args, &results) == NULL);
      CHECK(r[0].of.i32 == 77);
      wasm_func_delete(f);
      wasm_instance_delete(instance);
      wasm_module_delete(loaded);
      artifact.data[0] ^= 1;
      CHECK(wasm_module_deserialize(store, &artifact) == NULL);
    }
    wasm_byte_vec_delete(&artifact);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_config_t* config = wasm_config_new();
  CHECK(!ward_config_strategy(config, 9));
  wasm_config_delete(config);
  printf("tiers: ok\n");
}

/* A module that needs wide arithmetic, which is off by default. */
static const char* wide_wat =
    "(module (func (param i64 i64) (result i64 i64)"
    "  (i64.mul_wide_u (local.get 0) (local.get 1))))";

static void features(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(!ward_config_wasm_feature(config, "wide-arithmetics", true));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(module_from_text(store, wide_wat) == NULL);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  config = wasm_config_new();
  CHECK(ward_config_wasm_feature(config, "wide-arithmetic", true));
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wide_wat);
  CHECK(module != NULL);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("features: ok\n");
}

static void fuel(void) {
  wasm_config_t* config = wasm_config_new();
  ward_config_consume_fuel(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  int result = 0;
  wasm_trap_t* trap = count(store, 100, &result);
  CHECK(trap != NULL && ward_trap_kind(trap) == WARD_TRAP_OUT_OF_FUEL);
  print_trap(trap);
  CHECK(ward_store_set_fuel(store, 100000) == NULL);
  CHECK(count(store, 100, &result) == NULL && result == 100);
  uint64_t left = 0;
  CHECK(ward_store_get_fuel(store, &left) == NULL);
  CHECK(left > 0 && left < 100000);
  trap = count(store, 1000000, &result);
  CHECK(trap != NULL && ward_trap_kind(trap) == WARD_TRAP_OUT_OF_FUEL);
  wasm_trap_delete(trap);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* Without consume_fuel, fuel is an error. */
  engine = wasm_engine_new();
  store = wasm_store_new(engine);
  ward_error_t* error = ward_store_set_fuel(store, 1);
  CHECK(error != NULL);
  print_error(error);
  CHECK(ward_interrupt_handle_new(store) == NULL);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

static void* interrupt_later(void* handle) {
  struct timespec delay = {0, 50 * 1000 * 1000};
  nanosleep(&delay, NULL);
  ward_interrupt_handle_interrupt(handle);
  return NULL;
}

static void interruption(void) {
  wasm_config_t* config = wasm_config_new();
  ward_config_interruptible(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, counter_wat);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  wasm_func_t* spin = export_func(instance, "spin");
  ward_interrupt_handle_t* handle = ward_interrupt_handle_new(store);
  CHECK(handle != NULL);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, interrupt_later, handle) == 0);
  wasm_val_vec_t empty = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(spin, &empty, &empty);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(trap != NULL && ward_trap_kind(trap) == WARD_TRAP_INTERRUPTED);
  print_trap(trap);
  ward_interrupt_handle_delete(handle);
  wasm_func_delete(spin);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

static void limits(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  ward_store_limit(store, 2 * 65536, -1, -1, -1, -1);
  wasm_module_t* module = module_from_text(
      store,
      "(module (memory (export \"m\") 1)"
      "  (func (export \"grow\") (param i32) (result i32)"
      "    (memory.grow (local.get 0))))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_func_t* grow = export_func(instance, "grow");
  wasm_val_t a[1] = {WASM_I32_VAL(1)}, r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(grow, &args, &results) == NULL);
  printf("grow to 2 pages: %d\n", r[0].of.i32);
  CHECK(wasm_func_call(grow, &args, &results) == NULL);
  printf("grow to 3 pages: %d\n", r[0].of.i32);
  wasm_module_t* big = module_from_text(store, "(module (memory 3))");
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, big, &none, &trap) == NULL && trap != NULL);
  print_trap(trap);
  wasm_func_delete(grow);
  wasm_instance_delete(instance);
  wasm_module_delete(big);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

/* Native stack: a host function and wasm calling each other without end end
 * in a native stack overflow trap, not a crash. */
static wasm_func_t* down = NULL;
static int depth = 0;
static wasm_trap_t* host_recurse(const wasm_val_vec_t* args,
                                 wasm_val_vec_t* results) {
  depth++;
  wasm_val_t a[1] = {WASM_I32_VAL(args->data[0].of.i32 + 1)};
  wasm_val_vec_t next = WASM_ARRAY_VEC(a);
  return wasm_func_call(down, &next, results);
}

static wasm_trap_t* ensure(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  return ward_ensure_native_stack((size_t)args->data[0].of.i64);
}

static void* stack_thread(void* arg) {
  (void)arg;
  wasm_config_t* config = wasm_config_new();
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer's malloc records the caller's stack trace in a buffer on the
   * stack (2 KiB and more): host code built with it needs more native stack than the
   * default guard leaves it, and says so as any deep host function would. */
  ward_config_native_stack_guard(config, 3072 + 4096);
#endif
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(
      store,
      "(module (import \"env\" \"up\" (func $up (param i32) (result i32)))"
      "  (import \"env\" \"ensure\" (func $ensure (param i64)))"
      "  (func (export \"down\") (param i32) (result i32)"
      "    (call $up (local.get 0)))"
      "  (func (export \"ensure\") (param i64) (call $ensure (local.get 0))))");
  wasm_functype_t* up_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* ensure_type = wasm_functype_new_1_0(wasm_valtype_new_i64());
  wasm_func_t* up = wasm_func_new(store, up_type, host_recurse);
  wasm_func_t* ensure_func = wasm_func_new(store, ensure_type, ensure);
  wasm_extern_t* externs[] = {wasm_func_as_extern(up),
                              wasm_func_as_extern(ensure_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  down = export_func(instance, "down");
  wasm_val_t a[1] = {WASM_I32_VAL(0)}, r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(down, &args, &results);
  CHECK(trap != NULL);
  CHECK(ward_trap_kind(trap) == WARD_TRAP_NATIVE_STACK_OVERFLOW);
  CHECK(depth > 10);
  print_trap(trap);

  /* The store is still usable; a host function can ask for stack. */
  wasm_func_t* ensure_export = export_func(instance, "ensure");
  wasm_val_t small[1] = {WASM_I64_VAL(4096)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(small);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(ensure_export, &args, &none) == NULL);
  wasm_val_t huge[1] = {WASM_I64_VAL(1LL << 40)};
  args = (wasm_val_vec_t)WASM_ARRAY_VEC(huge);
  trap = wasm_func_call(ensure_export, &args, &none);
  CHECK(trap != NULL);
  print_trap(trap);
  CHECK(ward_ensure_native_stack(1LL << 40) == NULL); /* outside host code */

  wasm_func_delete(ensure_export);
  wasm_func_delete(down);
  wasm_func_delete(up);
  wasm_func_delete(ensure_func);
  wasm_functype_delete(up_type);
  wasm_functype_delete(ensure_type);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return NULL;
}

static void native_stack(void) {
  ward_stack_figures_t figures;
  ward_stack_figures(&figures);
  CHECK(figures.default_native_stack_guard >= 1024);
  CHECK(figures.entry > 0 && figures.translation > 0 && figures.instantiation > 0);
  uintptr_t low = 0, high = 0;
  CHECK(ward_thread_stack(&low, &high) && low < high);
  int here = 0;
  CHECK((uintptr_t)&here > low && (uintptr_t)&here < high);
  int bound = ward_symbols_bound_at_load();
  CHECK(bound >= -1 && bound <= 1);

  /* A 512 KiB thread: the recursion reaches its end quickly. */
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pthread_t thread;
  CHECK(pthread_create(&thread, &attr, stack_thread, NULL) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  pthread_attr_destroy(&attr);
}

static const char* thrower_wat =
    "(module"
    "  (tag (export \"e\") (param i32))"
    "  (func (export \"throw\") (param i32) (throw 0 (local.get 0))))";

static const char* catcher_wat =
    "(module"
    "  (import \"t\" \"e\" (tag $e (param i32)))"
    "  (import \"t\" \"throw\" (func $throw (param i32)))"
    "  (func (export \"run\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (call $throw (local.get 0)))"
    "      (i32.const -1))))";

static void exceptions(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* thrower = module_from_text(store, thrower_wat);
  CHECK(thrower != NULL);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* t = wasm_instance_new(store, thrower, &none, NULL);
  CHECK(t != NULL);
  wasm_extern_t* tag = ward_instance_export(t, "e");
  CHECK(tag != NULL && wasm_extern_kind(tag) == WARD_EXTERN_TAG);
  wasm_externtype_t* ty = wasm_extern_type(tag);
  CHECK(wasm_externtype_kind(ty) == WARD_EXTERN_TAG);
  wasm_externtype_delete(ty);
  /* Uncaught, the exception is a trap of its own kind. */
  wasm_func_t* throw_func = export_func(t, "throw");
  wasm_val_t a[1] = {WASM_I32_VAL(7)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), no_results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(throw_func, &args, &no_results);
  CHECK(trap != NULL && ward_trap_kind(trap) == WARD_TRAP_EXCEPTION);
  print_trap(trap);
  /* The tag passes on as an import, and the other module catches the exception. */
  wasm_module_t* catcher = module_from_text(store, catcher_wat);
  CHECK(catcher != NULL);
  wasm_extern_t* imports[2] = {tag, wasm_func_as_extern(throw_func)};
  wasm_extern_vec_t imports_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* c = wasm_instance_new(store, catcher, &imports_vec, NULL);
  CHECK(c != NULL);
  wasm_func_t* run = export_func(c, "run");
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  printf("caught: %d\n", r[0].of.i32);
  wasm_func_delete(run);
  wasm_instance_delete(c);
  wasm_module_delete(catcher);
  wasm_func_delete(throw_func);
  wasm_extern_delete(tag);
  wasm_instance_delete(t);
  wasm_module_delete(thrower);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  tiers();
  features();
  fuel();
  interruption();
  limits();
  native_stack();
  exceptions();
  printf("ok\n");
  return 0;
}
