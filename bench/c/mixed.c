/*
 * mixed: a CoreMark-style workload of our own, the mix of small-program work that
 * embedded benchmarks weigh: linked-list traversal, search, reversal and merge sort;
 * 16-bit matrix arithmetic; a switch-driven state machine that classifies numeric
 * tokens; and a bitwise CRC-16 over every result. Each iteration reseeds the data, so
 * the checksum covers all of them.
 */
#include "common.h"

/* ---- linked lists ------------------------------------------------------------------ */

typedef struct node {
    struct node *next;
    int16_t key;
    int16_t data;
} node_t;

#define LIST_LEN 512
static node_t pool[LIST_LEN];

static uint16_t crc16_byte(uint16_t crc, uint8_t byte) {
    /* CRC-16/CCITT (polynomial 0x1021), one bit at a time. */
    crc ^= (uint16_t)byte << 8;
    for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static uint16_t crc16_u16(uint16_t crc, uint16_t v) {
    return crc16_byte(crc16_byte(crc, (uint8_t)v), (uint8_t)(v >> 8));
}

static node_t *list_build(rng_t *r) {
    for (int i = 0; i < LIST_LEN; i++) {
        pool[i].next = i + 1 < LIST_LEN ? &pool[i + 1] : NULL;
        pool[i].key = (int16_t)i;
        pool[i].data = (int16_t)(rng_u32(r) & 0x7fff);
    }
    return &pool[0];
}

static NOINLINE node_t *list_find(node_t *list, int16_t key) {
    while (list && list->key != key) list = list->next;
    return list;
}

static NOINLINE node_t *list_reverse(node_t *list) {
    node_t *done = NULL;
    while (list) {
        node_t *next = list->next;
        list->next = done;
        done = list;
        list = next;
    }
    return done;
}

typedef int (*compare_fn)(const node_t *, const node_t *);

static int by_data(const node_t *a, const node_t *b) { return a->data - b->data; }
static int by_key(const node_t *a, const node_t *b) { return a->key - b->key; }

/* Bottom-up merge sort of a list, stable; the comparison is called through a pointer. */
static NOINLINE node_t *list_sort(node_t *list, compare_fn cmp) {
    for (int width = 1;; width *= 2) {
        node_t *p = list, *tail = NULL;
        list = NULL;
        int merges = 0;
        while (p) {
            merges++;
            node_t *q = p;
            int psize = 0;
            while (psize < width && q) {
                psize++;
                q = q->next;
            }
            int qsize = width;
            while (psize > 0 || (qsize > 0 && q)) {
                node_t *e;
                if (psize == 0) {
                    e = q;
                    q = q->next;
                    qsize--;
                } else if (qsize == 0 || !q || cmp(p, q) <= 0) {
                    e = p;
                    p = p->next;
                    psize--;
                } else {
                    e = q;
                    q = q->next;
                    qsize--;
                }
                if (tail) {
                    tail->next = e;
                } else {
                    list = e;
                }
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1) return list;
    }
}

static uint16_t list_work(rng_t *r, uint16_t crc) {
    node_t *list = list_build(r);
    for (int i = 0; i < 64; i++) {
        node_t *found = list_find(list, (int16_t)(rng_u32(r) % (LIST_LEN + 32)));
        crc = crc16_u16(crc, found ? (uint16_t)found->data : 0xffff);
    }
    list = list_reverse(list);
    list = list_sort(list, by_data);
    for (node_t *n = list; n; n = n->next) crc = crc16_u16(crc, (uint16_t)n->data);
    list = list_sort(list, by_key);
    int16_t last = -1;
    for (node_t *n = list; n; n = n->next) {
        /* Sorted back by key: every key in order. */
        if (n->key != last + 1) crc ^= 0x5555;
        last = n->key;
    }
    return crc16_u16(crc, (uint16_t)last);
}

/* ---- matrices ---------------------------------------------------------------------- */

#define DIM 24
static int16_t mat_a[DIM][DIM], mat_b[DIM][DIM];
static int32_t mat_c[DIM][DIM];

static NOINLINE void mat_mul(void) {
    for (int i = 0; i < DIM; i++) {
        for (int j = 0; j < DIM; j++) {
            int32_t sum = 0;
            for (int k = 0; k < DIM; k++) sum += (int32_t)mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = sum;
        }
    }
}

static NOINLINE void mat_add_const(int16_t v) {
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) mat_a[i][j] = (int16_t)(mat_a[i][j] + v);
}

static NOINLINE void mat_mul_vect(const int16_t *vect, int32_t *out) {
    for (int i = 0; i < DIM; i++) {
        int32_t sum = 0;
        for (int j = 0; j < DIM; j++) sum += (int32_t)mat_a[i][j] * vect[j];
        out[i] = sum;
    }
}

static uint16_t matrix_work(rng_t *r, uint16_t crc) {
    for (int i = 0; i < DIM; i++) {
        for (int j = 0; j < DIM; j++) {
            mat_a[i][j] = (int16_t)((rng_u32(r) & 0xff) - 128);
            mat_b[i][j] = (int16_t)((rng_u32(r) & 0xff) - 128);
        }
    }
    mat_mul();
    /* Folds bit fields of each product, as a filter over the results would. */
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) crc = crc16_u16(crc, (uint16_t)((mat_c[i][j] >> 2) & 0xfff));
    mat_add_const((int16_t)(rng_u32(r) & 0x3f));
    int16_t vect[DIM];
    int32_t out[DIM];
    for (int j = 0; j < DIM; j++) vect[j] = mat_b[j][j];
    mat_mul_vect(vect, out);
    for (int i = 0; i < DIM; i++) crc = crc16_u16(crc, (uint16_t)out[i]);
    return crc;
}

/* ---- state machine ----------------------------------------------------------------- */

enum state { START, SIGN, INT, FRACTION, EXPONENT_MARK, EXPONENT_SIGN, EXPONENT, HEX_MARK, HEX, INVALID };

/* Classifies one comma-terminated token starting at `text`; returns its final state and
 * sets `*len` to the characters it took. */
static NOINLINE enum state classify(const char *text, int *len) {
    enum state s = START;
    int i = 0;
    for (; text[i] != ',' && text[i] != 0; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9';
        switch (s) {
            case START:
                s = c == '+' || c == '-' ? SIGN : c == '0' ? HEX_MARK : digit ? INT : INVALID;
                break;
            case SIGN:
                s = digit ? INT : INVALID;
                break;
            case HEX_MARK:
                s = c == 'x' ? HEX : digit ? INT : c == '.' ? FRACTION : INVALID;
                break;
            case HEX:
                s = digit || (c >= 'a' && c <= 'f') ? HEX : INVALID;
                break;
            case INT:
                s = digit ? INT : c == '.' ? FRACTION : c == 'e' ? EXPONENT_MARK : INVALID;
                break;
            case FRACTION:
                s = digit ? FRACTION : c == 'e' ? EXPONENT_MARK : INVALID;
                break;
            case EXPONENT_MARK:
                s = c == '+' || c == '-' ? EXPONENT_SIGN : digit ? EXPONENT : INVALID;
                break;
            case EXPONENT_SIGN:
            case EXPONENT:
                s = digit ? EXPONENT : INVALID;
                break;
            case INVALID:
                break;
        }
    }
    *len = i;
    return s;
}

#define TEXT_LEN 4096
static char text[TEXT_LEN + 1];

static const char *const pieces[] = {"0", "7", "-", "+", ".", "e", "x", "3", "f", "9", "a", "5"};

static uint16_t state_work(rng_t *r, uint16_t crc) {
    int at = 0;
    while (at < TEXT_LEN - 16) {
        int n = 1 + (int)(rng_u32(r) % 8);
        for (int i = 0; i < n; i++) text[at++] = pieces[rng_u32(r) % 12][0];
        text[at++] = ',';
    }
    text[at] = 0;
    int counts[INVALID + 1] = {0};
    for (const char *p = text; *p;) {
        int len;
        enum state s = classify(p, &len);
        counts[s]++;
        p += len;
        if (*p == ',') p++;
    }
    for (int s = 0; s <= INVALID; s++) crc = crc16_u16(crc, (uint16_t)counts[s]);
    return crc;
}

/* ---- the benchmark ----------------------------------------------------------------- */

static uint64_t bench(int n) {
    uint64_t h = 0;
    for (int iteration = 0; iteration < n; iteration++) {
        rng_t r = rng_new((uint64_t)iteration + 1);
        uint16_t crc = 0xffff;
        crc = list_work(&r, crc);
        crc = matrix_work(&r, crc);
        crc = state_work(&r, crc);
        h = mix(h, crc);
    }
    return h;
}

BENCH_MAIN(bench, 1500)
