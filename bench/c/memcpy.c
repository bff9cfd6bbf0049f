/*
 * memcpy: block copies, overlapping moves and fills of many sizes over a 4 MiB buffer,
 * as memcpy/memmove/memset (memory.copy and memory.fill in wasm with bulk memory),
 * mixed with a word-at-a-time copy loop; memory bandwidth and per-call overhead.
 */
#include "common.h"


#define BUF (4u << 20)
static uint8_t buf[BUF];

static NOINLINE void copy_words(uint64_t *dst, const uint64_t *src, uint32_t words) {
    for (uint32_t i = 0; i < words; i++) dst[i] = src[i];
}

static uint64_t bench(int n) {
    rng_t r = rng_new(99);
    for (uint32_t i = 0; i < BUF; i += 8) {
        uint64_t v = rng_next(&r);
        __builtin_memcpy(buf + i, &v, 8);
    }
    uint64_t h = 0;
    for (int round = 0; round < n; round++) {
        /* Large copies: 64 KiB .. 1 MiB. */
        for (int i = 0; i < 8; i++) {
            uint32_t len = (64u << 10) << (i & 4);
            uint32_t src = rng_u32(&r) % (BUF - len), dst = rng_u32(&r) % (BUF - len);
            __builtin_memmove(buf + dst, buf + src, len);
        }
        /* Small copies and fills: 1 .. 256 bytes. */
        for (int i = 0; i < 20000; i++) {
            uint32_t len = 1 + rng_u32(&r) % 256;
            uint32_t src = rng_u32(&r) % (BUF - len), dst = rng_u32(&r) % (BUF - len);
            if (i % 5 == 0)
                __builtin_memset(buf + dst, (int)(src & 255), len);
            else
                __builtin_memmove(buf + dst, buf + src, len);
        }
        /* A word loop over 256 KiB. */
        uint32_t src = (rng_u32(&r) % (BUF / 2)) & ~7u, dst = BUF / 2 + ((rng_u32(&r) % (BUF / 4)) & ~7u);
        copy_words((uint64_t *)(buf + dst), (const uint64_t *)(buf + src), (256u << 10) / 8);
        for (uint32_t i = 0; i < BUF; i += 4096) h = mix(h, buf[i] | (uint64_t)buf[i + 4095] << 8);
    }
    return h;
}

BENCH_MAIN(bench, 200)
