/*
 * ward.h: what the ward WebAssembly runtime adds to the standard wasm.h.
 *
 * Ownership follows wasm.h: `own` marks a result or parameter whose ownership
 * passes, and an owned object is released with its `_delete` function. Every
 * function here that can fail returns NULL on success, or an owned error
 * (`ward_error_t`) or trap (`wasm_trap_t`) that says why.
 *
 * Link with -lward (pkg-config: `pkg-config --cflags --libs ward`).
 */

#ifndef WARD_H
#define WARD_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define own

/* Errors. */

typedef struct ward_error_t ward_error_t;

/* Writes the error's message (no terminating NUL) to `out`, which the caller
 * owns. */
void ward_error_message(const ward_error_t*, own wasm_name_t* out);
void ward_error_delete(own ward_error_t*);

/* Tiers. */

typedef uint8_t ward_strategy_t;
enum ward_strategy_enum {
  /* The interpreter: instant start, no executable memory, every platform. The
   * default. */
  WARD_STRATEGY_INTERPRETER,
  /* Native code compiled with Cranelift when a module loads; loading fails
   * where the compiled tier is not available or does not compile the module. */
  WARD_STRATEGY_CRANELIFT,
  /* Compiled where possible, interpreted otherwise. */
  WARD_STRATEGY_AUTO,
};

/* Chooses the tier; false for an unknown strategy. */
bool ward_config_strategy(wasm_config_t*, ward_strategy_t);
/* Chooses the CPU compiled code is for: "native" (the default), "baseline" (every
 * CPU of the architecture; on x86-64, x86-64-v2) or a named CPU ("x86-64-v3",
 * "haswell", ...). It matters for artifacts (wasm_module_serialize) loaded on other
 * machines, which refuse code that needs a feature their CPU lacks. False when the
 * name is not UTF-8; an unknown name makes compiling fail. The string is copied. */
bool ward_config_target_cpu(wasm_config_t*, const char* cpu);
/* Whether modules load under the strategy on this host and build. */
bool ward_strategy_is_available(ward_strategy_t);
/* Turns a WebAssembly feature on or off, by the names of `ward run -W`: "simd",
 * "relaxed-simd", "tail-call", "extended-const", "multi-memory" (on by default),
 * "wide-arithmetic", "custom-page-sizes" (off by default). False, changing nothing,
 * for another name. */
bool ward_config_wasm_feature(wasm_config_t*, const char* name, bool on);
/* Translates every function when its module loads, not on its first call. */
void ward_config_eager_compilation(wasm_config_t*, bool);

/* Fuel, interruption, limits. */

/* Makes execution consume fuel; a store then starts with none (see
 * ward_store_set_fuel), and a call that runs out traps with
 * "all fuel consumed". */
void ward_config_consume_fuel(wasm_config_t*, bool);
own ward_error_t* ward_store_set_fuel(wasm_store_t*, uint64_t fuel);
own ward_error_t* ward_store_get_fuel(wasm_store_t*, uint64_t* fuel);

/* Makes calls interruptible from another thread. */
void ward_config_interruptible(wasm_config_t*, bool);

typedef struct ward_interrupt_handle_t ward_interrupt_handle_t;

/* A handle that interrupts the store's running call (or its next one), which
 * then traps with "interrupted"; NULL when the engine is not interruptible.
 * The handle may be used and deleted on any thread, also after the store is
 * deleted. */
own ward_interrupt_handle_t* ward_interrupt_handle_new(wasm_store_t*);
void ward_interrupt_handle_interrupt(const ward_interrupt_handle_t*);
void ward_interrupt_handle_delete(own ward_interrupt_handle_t*);

/* Limits the store's resources: the bytes of one memory, the elements of one
 * table, the numbers of instances, tables and memories. A negative value
 * leaves that resource unlimited. Growth past a limit fails; creation past
 * one fails with an error that names it. */
void ward_store_limit(wasm_store_t*, int64_t memory_size,
                      int64_t table_elements, int64_t instances,
                      int64_t tables, int64_t memories);

/* The native stack.
 *
 * ward checks, before it calls any host function (C ones included), that the
 * native stack guard is free below the stack pointer; a call that would go
 * deeper traps with "native stack overflow" and the store stays usable. A C
 * host function that needs more (deep recursion, large buffers) asks first. */

/* Sets the guard, in bytes (the default is in ward_stack_figures). */
void ward_config_native_stack_guard(wasm_config_t*, size_t bytes);
/* Caps the native stack a call may use below its entry; 0 for no cap. */
void ward_config_max_native_stack(wasm_config_t*, size_t bytes);
/* Sets the size of the wasm stack (wasm frames and values), in bytes. */
void ward_config_wasm_stack_size(wasm_config_t*, size_t bytes);

/* From a C host function: NULL when `bytes` of native stack are free below
 * the stack pointer, else a "native stack overflow" trap the function should
 * return. Outside a host function called by ward, NULL. */
own wasm_trap_t* ward_ensure_native_stack(size_t bytes);

/* ward's stack reserves for this build, in bytes (`ward stack-report` prints
 * how they were measured). */
typedef struct ward_stack_figures_t {
  size_t default_native_stack_guard;
  size_t entry;         /* free at every entry into wasm */
  size_t translation;   /* free before a function is translated */
  size_t instantiation; /* free before instantiation */
  size_t compiled_call; /* left by compiled frames for runtime calls */
  size_t lazy_binding_allowance; /* to add to the guard for lazy binding */
} ward_stack_figures_t;

void ward_stack_figures(ward_stack_figures_t* out);
/* The current thread's native stack, low < high; false if the OS cannot
 * say. */
bool ward_thread_stack(uintptr_t* low, uintptr_t* high);
/* 1: symbols bound at load time; 0: bound lazily; -1: unknown. */
int32_t ward_symbols_bound_at_load(void);

/* Traps. */

typedef uint8_t ward_trap_kind_t;
enum ward_trap_kind_enum {
  WARD_TRAP_UNREACHABLE,
  WARD_TRAP_INTEGER_DIVISION_BY_ZERO,
  WARD_TRAP_INTEGER_OVERFLOW,
  WARD_TRAP_BAD_CONVERSION_TO_INTEGER,
  WARD_TRAP_MEMORY_OUT_OF_BOUNDS,
  WARD_TRAP_TABLE_OUT_OF_BOUNDS,
  WARD_TRAP_UNDEFINED_ELEMENT,
  WARD_TRAP_UNINITIALIZED_ELEMENT,
  WARD_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
  WARD_TRAP_STACK_OVERFLOW, /* the wasm stack */
  WARD_TRAP_NATIVE_STACK_OVERFLOW,
  WARD_TRAP_OUT_OF_FUEL,
  WARD_TRAP_INTERRUPTED,
  /* Raised by a host function, or an error reported as a trap (a link error,
   * a resource limit). */
  WARD_TRAP_HOST,
  WARD_TRAP_NULL_REFERENCE,          /* ref.as_non_null or throw_ref of null */
  WARD_TRAP_NULL_FUNCTION_REFERENCE, /* call_ref of null */
  WARD_TRAP_EXCEPTION,               /* a wasm exception no handler caught */
};

ward_trap_kind_t ward_trap_kind(const wasm_trap_t*);

/* Values: `v128` types are described (kind 4) but wasm_val_t cannot hold a
 * v128 value; calls with one fail with a trap that says so. */
#define WARD_V128 4

/* Exception handling: `exnref` types are described (kind 5) but, as v128,
 * their values cannot pass through wasm_val_t. A module's tags are externs of
 * kind WARD_EXTERN_TAG (wasm_extern_kind, wasm_externtype_kind); they can be
 * passed on as imports of another module. */
#define WARD_EXNREF 5
#define WARD_EXTERN_TAG 4

/* Modules. */

/* Compiles a module as wasm_module_new does (binary or text), storing it in
 * `*out`; on failure `*out` is NULL and the error says what is wrong and
 * where. */
own ward_error_t* ward_module_new(wasm_store_t*, const wasm_byte_vec_t* binary,
                                  own wasm_module_t** out);

/* A linker: imports by name, WASI among them. */

typedef struct ward_linker_t ward_linker_t;

own ward_linker_t* ward_linker_new(const wasm_engine_t*);
void ward_linker_delete(own ward_linker_t*);

/* Defines `module::name` (borrowed strings) as a copy of the extern. */
own ward_error_t* ward_linker_define(ward_linker_t*, const char* module,
                                     const char* name, const wasm_extern_t*);
/* Defines WASI preview 1 (`wasi_snapshot_preview1`); its functions use the
 * WASI context of the store they run in (ward_store_set_wasi). A store given
 * none offers what a new ward_wasi_config_t does. */
own ward_error_t* ward_linker_define_wasi(ward_linker_t*);
/* Instantiates as wasm_instance_new does, resolving imports by name. */
own wasm_instance_t* ward_linker_instantiate(const ward_linker_t*,
                                             wasm_store_t*,
                                             const wasm_module_t*,
                                             own wasm_trap_t** trap);

/* The instance's export called `name`; NULL when there is none. */
own wasm_extern_t* ward_instance_export(const wasm_instance_t*,
                                        const char* name);

/* WASI preview 1. A guest reaches the host's files only beneath the
 * directories preopened for it. */

typedef struct ward_wasi_config_t ward_wasi_config_t;

/* No arguments, no environment, no preopens, empty stdin, output discarded. */
own ward_wasi_config_t* ward_wasi_config_new(void);
void ward_wasi_config_delete(own ward_wasi_config_t*);

/* Appends arguments (argv[0] is the program's name by convention). */
void ward_wasi_config_set_argv(ward_wasi_config_t*, int argc,
                               const char* const argv[]);
/* Appends environment variables names[i]=values[i]. */
void ward_wasi_config_set_env(ward_wasi_config_t*, int n,
                              const char* const names[],
                              const char* const values[]);
void ward_wasi_config_inherit_env(ward_wasi_config_t*);

void ward_wasi_config_set_stdin_bytes(ward_wasi_config_t*,
                                      const wasm_byte_vec_t* bytes);
void ward_wasi_config_inherit_stdin(ward_wasi_config_t*);
void ward_wasi_config_inherit_stdout(ward_wasi_config_t*);
void ward_wasi_config_inherit_stderr(ward_wasi_config_t*);
/* Keeps what the guest writes in memory (ward_store_wasi_stdout/stderr). */
void ward_wasi_config_capture_stdout(ward_wasi_config_t*);
void ward_wasi_config_capture_stderr(ward_wasi_config_t*);

/* Preopens the host directory `host_path` as `guest_path`. */
own ward_error_t* ward_wasi_config_preopen_dir(ward_wasi_config_t*,
                                               const char* host_path,
                                               const char* guest_path,
                                               bool read_only);

/* Gives the store the WASI context the configuration describes; takes the
 * configuration (also on error). */
own ward_error_t* ward_store_set_wasi(wasm_store_t*, own ward_wasi_config_t*);

/* What the guest wrote so far to a captured stream (empty if not captured). */
void ward_store_wasi_stdout(wasm_store_t*, own wasm_byte_vec_t* out);
void ward_store_wasi_stderr(wasm_store_t*, own wasm_byte_vec_t* out);

/* Whether the trap is the guest's proc_exit; if so, stores its status. */
bool ward_trap_exit_status(const wasm_trap_t*, int32_t* status);

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WARD_H */
