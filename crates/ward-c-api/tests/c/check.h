/* Helpers shared by the C test programs. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward.h"

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                   \
      exit(1);                                                          \
    }                                                                   \
  } while (0)

/* Compiles a module from its text (ward's wasm_module_new accepts text). */
static inline wasm_module_t* module_from_text(wasm_store_t* store,
                                              const char* text) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, strlen(text), text);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  return module;
}

/* Prints a trap's message as "trap: <message>" and deletes the trap. */
static inline void print_trap(wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("trap: %s\n", message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

/* Prints an error's message as "error: <message>" and deletes the error. */
static inline void print_error(ward_error_t* error) {
  wasm_name_t message;
  ward_error_message(error, &message);
  printf("error: %.*s\n", (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
  ward_error_delete(error);
}

/* The export called `name` of `instance`, as a function (owned by the caller,
 * through wasm_func_as_extern). */
static inline wasm_func_t* export_func(const wasm_instance_t* instance,
                                       const char* name) {
  wasm_extern_t* e = ward_instance_export(instance, name);
  CHECK(e != NULL);
  wasm_func_t* f = wasm_extern_as_func(e);
  CHECK(f != NULL);
  return f;
}

#endif
