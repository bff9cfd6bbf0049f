/*
 * sort: sorts arrays of random 32-bit keys with a quicksort (median of three, insertion
 * sort for short runs) and checks the order; memory traffic and unpredictable branches.
 */
#include "common.h"

#define MAX_LEN (1 << 20)
static uint32_t keys[MAX_LEN];

static void insertion_sort(uint32_t *v, int len) {
    for (int i = 1; i < len; i++) {
        uint32_t x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static inline void swap(uint32_t *a, uint32_t *b) {
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

/* Recurses into the smaller half and loops on the larger, so depth stays logarithmic. */
static void quicksort(uint32_t *v, int len) {
    while (len > 16) {
        int mid = len / 2;
        if (v[mid] < v[0]) swap(&v[mid], &v[0]);
        if (v[len - 1] < v[0]) swap(&v[len - 1], &v[0]);
        if (v[len - 1] < v[mid]) swap(&v[len - 1], &v[mid]);
        uint32_t pivot = v[mid];
        int i = 0, j = len - 1;
        for (;;) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i >= j) break;
            swap(&v[i], &v[j]);
            i++;
            j--;
        }
        int left = j + 1;
        if (left < len - left) {
            quicksort(v, left);
            v += left;
            len -= left;
        } else {
            quicksort(v + left, len - left);
            len = left;
        }
    }
    insertion_sort(v, len);
}

static uint64_t bench(int n) {
    rng_t r = rng_new(7);
    uint64_t h = 0;
    int len = 200000;
    for (int round = 0; round < n; round++) {
        /* Alternate wide keys with keys drawn from a small range (many duplicates). */
        uint32_t range_mask = (round & 1) ? 0xffffffffu : 0x3ffu;
        for (int i = 0; i < len; i++) keys[i] = rng_u32(&r) & range_mask;
        quicksort(keys, len);
        uint64_t sorted = 1;
        for (int i = 1; i < len; i++) sorted &= keys[i - 1] <= keys[i];
        h = mix(h, sorted);
        for (int i = 0; i < len; i += len / 64) h = mix(h, keys[i]);
    }
    return h;
}

BENCH_MAIN(bench, 24)
