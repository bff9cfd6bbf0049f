/*
 * Scaffolding shared by the C benchmarks.
 *
 * Each benchmark defines `uint64_t bench(int n)`, which does the work for a size `n` and
 * returns a checksum of everything it computed, and ends with `BENCH_MAIN(bench, N)`.
 *
 * The same source builds two ways:
 *   - a command (native, or wasm32-wasi): `prog [n]` prints the checksum as an unsigned
 *     decimal number on one line; n defaults to N;
 *   - with -DBENCH_EXPORT, a freestanding wasm module without imports that exports
 *     `run: [] -> [i64]`, computing bench(N), for runtimes that have no WASI
 *     (its checksum is the same number, as a signed i64).
 *
 * The code uses no libc beyond memcpy/memmove/memset (see freestanding.c), so both builds
 * run exactly the same computation.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Deterministic pseudo-random numbers: xorshift64*. */
typedef struct {
    uint64_t state;
} rng_t;

static inline rng_t rng_new(uint64_t seed) {
    rng_t r = {seed ? seed : 0x9e3779b97f4a7c15ULL};
    return r;
}

static inline uint64_t rng_next(rng_t *r) {
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t rng_u32(rng_t *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Folds a value into a running checksum (FNV-style multiply, then a rotate). */
static inline uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x100000001b3ULL;
    return (h << 29) | (h >> 35);
}

/* The bits of a double, to fold exact floating-point results into a checksum. */
static inline uint64_t f64_bits(double d) {
    uint64_t u;
    __builtin_memcpy(&u, &d, sizeof u);
    return u;
}

#define NOINLINE __attribute__((noinline))

#ifdef BENCH_EXPORT
/* -DBENCH_N=n builds the export with another size (the harness's --quick does). */
#ifdef BENCH_N
#define BENCH_MAIN(fn, default_n)                                                        \
    __attribute__((export_name("run"))) uint64_t run(void) { return fn(BENCH_N); }
#else
#define BENCH_MAIN(fn, default_n)                                                        \
    __attribute__((export_name("run"))) uint64_t run(void) { return fn(default_n); }
#endif
#else
#include <stdio.h>
#include <stdlib.h>
#define BENCH_MAIN(fn, default_n)                                                        \
    int main(int argc, char **argv) {                                                    \
        int n = argc > 1 ? atoi(argv[1]) : (default_n);                                  \
        printf("%llu\n", (unsigned long long)fn(n));                                     \
        return 0;                                                                        \
    }
#endif

#endif
