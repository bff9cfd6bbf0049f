/* fib: naive doubly recursive Fibonacci; integer adds, compares and calls. */
#include "common.h"

static NOINLINE uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint64_t bench(int n) {
    uint64_t h = 0;
    for (int i = n - 2; i <= n; i++) h = mix(h, fib((uint32_t)i));
    return h;
}

BENCH_MAIN(bench, 37)
