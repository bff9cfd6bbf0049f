/*
 * hashtable: an open-addressing hash map (linear probing, backward-shift deletion) from
 * 64-bit keys to 64-bit counts: inserts, lookups that hit and miss, and deletions;
 * random memory access.
 */
#include "common.h"

#define CAP_BITS 18
#define CAP (1u << CAP_BITS)
#define EMPTY 0

static uint64_t table_keys[CAP];
static uint64_t table_vals[CAP];
static uint32_t table_len;

static inline uint32_t slot_of(uint64_t key) {
    return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - CAP_BITS));
}

/* Adds `delta` to the count of `key` (never EMPTY), inserting it at zero if absent. */
static void add(uint64_t key, uint64_t delta) {
    uint32_t i = slot_of(key);
    while (table_keys[i] != EMPTY) {
        if (table_keys[i] == key) {
            table_vals[i] += delta;
            return;
        }
        i = (i + 1) & (CAP - 1);
    }
    table_keys[i] = key;
    table_vals[i] = delta;
    table_len++;
}

static uint64_t get(uint64_t key) {
    uint32_t i = slot_of(key);
    while (table_keys[i] != EMPTY) {
        if (table_keys[i] == key) return table_vals[i];
        i = (i + 1) & (CAP - 1);
    }
    return 0;
}

static void del(uint64_t key) {
    uint32_t i = slot_of(key);
    while (table_keys[i] != key) {
        if (table_keys[i] == EMPTY) return;
        i = (i + 1) & (CAP - 1);
    }
    /* Shift later members of the probe run back over the hole. */
    uint32_t hole = i;
    for (;;) {
        i = (i + 1) & (CAP - 1);
        if (table_keys[i] == EMPTY) break;
        uint32_t home = slot_of(table_keys[i]);
        if (((i - home) & (CAP - 1)) >= ((i - hole) & (CAP - 1))) {
            table_keys[hole] = table_keys[i];
            table_vals[hole] = table_vals[i];
            hole = i;
        }
    }
    table_keys[hole] = EMPTY;
    table_vals[hole] = 0;
    table_len--;
}

static uint64_t bench(int n) {
    uint64_t h = 0;
    for (int round = 0; round < n; round++) {
        for (uint32_t i = 0; i < CAP; i++) table_keys[i] = table_vals[i] = 0;
        table_len = 0;
        rng_t r = rng_new(1000 + (uint64_t)round);
        /* 150k operations on keys from a pool of 120k: repeats, then misses and deletes. */
        for (int i = 0; i < 150000; i++) add(1 + rng_next(&r) % 120000, (uint64_t)i);
        uint64_t found = 0;
        for (uint64_t k = 1; k <= 240000; k++) found += get(k * 3 / 2);
        for (uint64_t k = 1; k <= 120000; k += 3) del(k);
        for (uint64_t k = 1; k <= 120000; k++) found = found * 3 + get(k);
        h = mix(mix(h, found), table_len);
    }
    return h;
}

BENCH_MAIN(bench, 25)
