/*
 * The zlib benchmark: compresses and decompresses generated data with zlib (the sources
 * the libz-sys crate bundles) at several levels, checks every round trip, and prints a
 * checksum of the compressed sizes and the adler32/crc32 of all the data it saw.
 *
 * `zlib [n]` runs n rounds, each on a new 768 KiB input at levels 1, 6 and 9: a third
 * words from a small vocabulary (text-like, compresses well), a third a slowly drifting
 * sequence of 32-bit numbers (a numeric table), a third xorshift noise (incompressible,
 * which deflate stores).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zlib.h"

#define DEFAULT_N 2
#define PART (256u << 10)
#define SIZE (3 * PART)

static uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x100000001b3ULL;
    return (h << 29) | (h >> 35);
}

static uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static void generate(unsigned char *buf, uint64_t seed) {
    static const char *words[] = {
        "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "and ",
        "runs ", "into ", "a ", "forest ", "of ", "tall ", "green ", "trees ", "while ",
        "birds ", "sing\n",
    };
    uint64_t s = seed;
    size_t i = 0;
    while (i < PART) {
        const char *w = words[rng_next(&s) % 20];
        size_t len = strlen(w);
        for (size_t k = 0; k < len && i < PART; k++) buf[i++] = (unsigned char)w[k];
    }
    uint32_t v = 1000;
    for (i = 0; i < PART; i += 4) {
        v += (uint32_t)(rng_next(&s) % 7) - 3;
        memcpy(buf + PART + i, &v, 4);
    }
    for (i = 0; i < PART; i += 8) {
        uint64_t r = rng_next(&s);
        memcpy(buf + 2 * PART + i, &r, 8);
    }
}

static void fail(const char *what, int level, int err) {
    fprintf(stderr, "zlib: %s failed at level %d: %d\n", what, level, err);
    exit(1);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : DEFAULT_N;
    static const int levels[] = {1, 6, 9};
    unsigned char *in = malloc(SIZE);
    unsigned char *out = malloc(SIZE);
    uLong bound = compressBound(SIZE);
    unsigned char *packed = malloc(bound);
    uint64_t h = 0;
    for (int round = 0; round < n; round++) {
        generate(in, 0x9e3779b97f4a7c15ULL + (uint64_t)round);
        h = mix(h, adler32(adler32(0, Z_NULL, 0), in, SIZE));
        h = mix(h, crc32(crc32(0, Z_NULL, 0), in, SIZE));
        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
            uLongf packed_len = bound;
            int err = compress2(packed, &packed_len, in, SIZE, levels[l]);
            if (err != Z_OK) fail("compress2", levels[l], err);
            uLongf out_len = SIZE;
            err = uncompress(out, &out_len, packed, packed_len);
            if (err != Z_OK) fail("uncompress", levels[l], err);
            if (out_len != SIZE || memcmp(in, out, SIZE) != 0) fail("round trip", levels[l], 0);
            h = mix(h, packed_len);
            h = mix(h, crc32(crc32(0, Z_NULL, 0), packed, (uInt)packed_len));
        }
    }
    printf("%llu\n", (unsigned long long)h);
    free(packed);
    free(out);
    free(in);
    return 0;
}
