/*
 * A small command-line host for wasm3, so that bench/run.py can time it like the other
 * runtimes' CLIs: one process per run, the module read from a file, WASI linked.
 *
 *     wasm3 FILE [ARGS...]          runs the WASI command FILE; it sees FILE as argv[0]
 *     wasm3 --invoke NAME FILE      calls the export NAME (no parameters) and prints its
 *                                   result, as the .wat benchmarks need
 *     wasm3 --version
 *
 * The exit status is the program's (its proc_exit code, 0 if `_start` returns); an error
 * (unreadable file, malformed module, missing import, trap) is reported on stderr with
 * status 1. run.py compiles this file with wasm3's sources from the wasm3-sys crate
 * (wasm3 0.4.7; see bench/README.md).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm3.h"
#include "m3_api_wasi.h"
/* Internal: wasm3 0.4.7 has no public accessor for a program's proc_exit code
 * (M3Runtime.exit_code), for an export's signature (M3Function.funcType) or for the
 * value a call returned (the first slot of M3Runtime.stack). */
#include "m3_env.h"

/*
 * The size of wasm3's value stack: the slots of the locals, operands and frames of every
 * active wasm call, allocated once by m3_NewRuntime. Deeper recursion traps with "[trap]
 * stack overflow". wasm3's own CLI uses 64 KiB; we take 1 MiB, room for thousands of
 * frames (calls.wat goes 800 deep, Ackermann deeper), so that no benchmark fails for a
 * limit of this driver rather than of wasm3. The C programs keep their arrays on the
 * shadow stack in linear memory, not here. The memory comes from calloc, i.e. fresh
 * zero pages from mmap that cost nothing until touched: startup does not grow with it.
 */
#define WASM_STACK_BYTES (1u << 20)

static int fail(const char *what, M3Result result, IM3Runtime runtime)
{
    fprintf(stderr, "wasm3: %s: %s", what, result);
    if (runtime != NULL) {
        M3ErrorInfo info;
        m3_GetErrorInfo(runtime, &info);
        if (info.message != NULL && info.message[0] != '\0')
            fprintf(stderr, " (%s)", info.message);
    }
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

/* Reads the whole file; the bytes must outlive the module (m3_ParseModule keeps them). */
static uint8_t *read_file(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *bytes = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        bytes = malloc(len > 0 ? (size_t)len : 1);
        if (bytes != NULL && fread(bytes, 1, (size_t)len, f) != (size_t)len) {
            free(bytes);
            bytes = NULL;
        }
    }
    fclose(f);
    *size = (uint32_t)len;
    return bytes;
}

/* Prints what an export called with --invoke returned, as `ward run --invoke` does. */
static void print_result(IM3Function function, IM3Runtime runtime)
{
    const uint64_t *slot = runtime->stack;
    switch (function->funcType->returnType) {
    case c_m3Type_i32:
        printf("%" PRId32 "\n", (int32_t)*slot);
        break;
    case c_m3Type_i64:
        printf("%" PRId64 "\n", (int64_t)*slot);
        break;
    case c_m3Type_f32: {
        float f;
        memcpy(&f, slot, sizeof f);
        printf("%.9g\n", f);
        break;
    }
    case c_m3Type_f64: {
        double d;
        memcpy(&d, slot, sizeof d);
        printf("%.17g\n", d);
        break;
    }
    default:
        break;
    }
}

int main(int argc, char **argv)
{
    const char *invoke = NULL;
    int first = 1;
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("wasm3 %s\n", M3_VERSION);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "--invoke") == 0) {
        invoke = argv[2];
        first = 3;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: %s [--invoke NAME] FILE [ARGS...]\n", argv[0]);
        return EXIT_FAILURE;
    }
    const char *path = argv[first];

    uint32_t size = 0;
    uint8_t *bytes = read_file(path, &size);
    if (bytes == NULL) {
        perror(path);
        return EXIT_FAILURE;
    }
    IM3Environment env = m3_NewEnvironment();
    IM3Runtime runtime = env != NULL ? m3_NewRuntime(env, WASM_STACK_BYTES, NULL) : NULL;
    if (runtime == NULL)
        return fail("creating the runtime", m3Err_mallocFailed, NULL);

    IM3Module module;
    M3Result result = m3_ParseModule(env, &module, bytes, size);
    if (result != m3Err_none)
        return fail("parsing the module", result, NULL);
    result = m3_LoadModule(runtime, module);
    if (result != m3Err_none)
        return fail("loading the module", result, runtime);
    result = m3_LinkWASI(module);
    if (result != m3Err_none)
        return fail("linking WASI", result, runtime);

    IM3Function function;
    const char *name = invoke != NULL ? invoke : "_start";
    result = m3_FindFunction(&function, runtime, name);
    if (result != m3Err_none)
        return fail(name, result, runtime);

    /*
     * m3_CallWithArgs keeps argc/argv in the runtime, where WASI's args_sizes_get and
     * args_get read them, and passes none of them as parameters to a function named
     * `_start`: this is how a command gets its arguments in 0.4.7. argv[0] is the module
     * path, as under ward, wasmtime and wasmi.
     */
    if (invoke != NULL)
        result = m3_CallWithArgs(function, 0, NULL);
    else
        result = m3_CallWithArgs(function, (uint32_t)(argc - first), (const char *const *)&argv[first]);
    if (result == m3Err_trapExit)
        return runtime->exit_code;
    if (result != m3Err_none)
        return fail(name, result, runtime);
    if (invoke != NULL)
        print_result(function, runtime);
    return 0;
}
