/*
 * matmul: dense 200x200 f64 matrix multiplication (i-k-j loop order), `n` times, each
 * product fed back as the next left operand; loads, stores, multiply-add.
 */
#include "common.h"

#define N 200
static double a[N * N], b[N * N], c[N * N];

static NOINLINE void multiply(void) {
    const int n = N;
    for (int i = 0; i < n * n; i++) c[i] = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
}

static uint64_t bench(int reps) {
    const int n = N;
    rng_t r = rng_new(42);
    for (int i = 0; i < n * n; i++) {
        a[i] = (double)(rng_u32(&r) % 2001) / 1000.0 - 1.0;
        b[i] = (double)(rng_u32(&r) % 2001) / 1000.0 - 1.0;
    }
    uint64_t h = 0;
    for (int rep = 0; rep < reps; rep++) {
        multiply();
        double trace = 0;
        for (int i = 0; i < n; i++) trace += c[i * n + i];
        h = mix(h, f64_bits(trace));
        /* Feed the product back in, scaled down, so each repetition differs. */
        for (int i = 0; i < n * n; i++) a[i] = c[i] * (1.0 / 8.0);
    }
    return h;
}

BENCH_MAIN(bench, 12)
