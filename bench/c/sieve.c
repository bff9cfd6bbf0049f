/* sieve: the sieve of Eratosthenes over a byte array, run repeatedly; tight integer loops. */
#include "common.h"

#define LIMIT 1000000
static uint8_t composite[LIMIT + 1];

static uint64_t sieve(uint32_t limit) {
    for (uint32_t i = 0; i <= limit; i++) composite[i] = 0;
    for (uint32_t i = 2; i * i <= limit; i++)
        if (!composite[i])
            for (uint32_t j = i * i; j <= limit; j += i) composite[j] = 1;
    uint64_t count = 0, sum = 0;
    for (uint32_t i = 2; i <= limit; i++)
        if (!composite[i]) {
            count++;
            sum += i;
        }
    return count ^ (sum << 20);
}

static uint64_t bench(int n) {
    uint64_t h = 0;
    for (int round = 0; round < n; round++) h = mix(h, sieve(LIMIT - (uint32_t)round * 7));
    return h;
}

BENCH_MAIN(bench, 60)
