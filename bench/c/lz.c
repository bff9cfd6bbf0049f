/*
 * lz: a compressor in the manner of deflate, and its decompressor. LZ77 with hash chains
 * over a 32 KiB window finds matches; each block's literals, lengths and distances are
 * then coded with canonical Huffman codes (at most 15 bits) built from their frequencies.
 * The input is generated text; the output is decompressed again and compared.
 * Returns a checksum of the compressed stream, its size and the round-trip result.
 */
#include "common.h"

#define WINDOW (1 << 15)
#define MIN_MATCH 3
#define MAX_MATCH 258
#define MAX_CHAIN 48
#define HASH_BITS 15
#define MAX_BITS 15
#define BLOCK_TOKENS 16384

#define LIT_SYMS 286 /* 0..255 bytes, 256 end of block, 257.. length codes */
#define DIST_SYMS 30
#define END_BLOCK 256

#define MAX_INPUT (1 << 20)
static uint8_t input[MAX_INPUT];
static uint8_t output[MAX_INPUT + MAX_INPUT / 2];
static uint8_t restored[MAX_INPUT];
static int32_t head[1 << HASH_BITS];
static int32_t prev[WINDOW];

/* ---- Length and distance codes: a small code plus extra bits. ---- */

static inline int log2_floor(uint32_t v) { return 31 - __builtin_clz(v); }

/* len - 3 in [0, 255] -> code in [0, 27], with (len - 3) - base(code) in `extra` bits. */
static void length_code(uint32_t l, uint32_t *code, uint32_t *extra_bits, uint32_t *extra) {
    if (l < 8) {
        *code = l, *extra_bits = 0, *extra = 0;
        return;
    }
    int bits = log2_floor(l);
    *code = 8 + (uint32_t)(bits - 3) * 4 + ((l >> (bits - 2)) & 3);
    *extra_bits = (uint32_t)bits - 2;
    *extra = l & ((1u << (bits - 2)) - 1);
}

static uint32_t length_base(uint32_t code, uint32_t *extra_bits) {
    if (code < 8) {
        *extra_bits = 0;
        return code;
    }
    uint32_t bits = (code - 8) / 4 + 3;
    *extra_bits = bits - 2;
    return (1u << bits) | (((code - 8) & 3) << (bits - 2));
}

/* dist - 1 in [0, 32767] -> code in [0, 29]. */
static void dist_code(uint32_t d, uint32_t *code, uint32_t *extra_bits, uint32_t *extra) {
    if (d < 4) {
        *code = d, *extra_bits = 0, *extra = 0;
        return;
    }
    int bits = log2_floor(d);
    *code = 4 + (uint32_t)(bits - 2) * 2 + ((d >> (bits - 1)) & 1);
    *extra_bits = (uint32_t)bits - 1;
    *extra = d & ((1u << (bits - 1)) - 1);
}

static uint32_t dist_base(uint32_t code, uint32_t *extra_bits) {
    if (code < 4) {
        *extra_bits = 0;
        return code;
    }
    uint32_t bits = (code - 4) / 2 + 2;
    *extra_bits = bits - 1;
    return (1u << bits) | (((code - 4) & 1) << (bits - 1));
}

/* ---- Huffman code construction. ---- */

/*
 * Code lengths for `n` symbols from their frequencies: repeatedly merges the two lightest
 * nodes (a linear scan: n is small), then reads each leaf's depth through parent links.
 * If a length passes MAX_BITS, flattens the frequencies and tries again.
 */
static void build_lengths(const uint32_t *freq, int n, uint8_t *lengths) {
    uint32_t weight[2 * LIT_SYMS];
    int32_t parent[2 * LIT_SYMS];
    uint8_t alive[2 * LIT_SYMS];
    uint32_t shift = 0;
    for (;;) {
        int nodes = 0, used = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = freq[i] ? (freq[i] >> shift) | 1 : 0;
            parent[i] = -1;
            alive[i] = freq[i] != 0;
            used += alive[i];
            lengths[i] = 0;
        }
        nodes = n;
        if (used == 0) return;
        if (used == 1) {
            for (int i = 0; i < n; i++)
                if (freq[i]) lengths[i] = 1;
            return;
        }
        for (int merges = 0; merges < used - 1; merges++) {
            int a = -1, b = -1;
            for (int i = 0; i < nodes; i++) {
                if (!alive[i]) continue;
                if (a < 0 || weight[i] < weight[a]) {
                    b = a;
                    a = i;
                } else if (b < 0 || weight[i] < weight[b]) {
                    b = i;
                }
            }
            weight[nodes] = weight[a] + weight[b];
            parent[nodes] = -1;
            alive[nodes] = 1;
            alive[a] = alive[b] = 0;
            parent[a] = parent[b] = nodes;
            nodes++;
        }
        int too_long = 0;
        for (int i = 0; i < n; i++) {
            if (!freq[i]) continue;
            int depth = 0;
            for (int p = parent[i]; p >= 0; p = parent[p]) depth++;
            if (depth > MAX_BITS) too_long = 1;
            lengths[i] = (uint8_t)depth;
        }
        if (!too_long) return;
        shift++;
    }
}

/* Canonical codes from lengths: shorter codes first, then by symbol. */
static void assign_codes(const uint8_t *lengths, int n, uint16_t *codes) {
    uint16_t count[MAX_BITS + 1] = {0}, next[MAX_BITS + 2];
    for (int i = 0; i < n; i++) count[lengths[i]]++;
    count[0] = 0;
    uint16_t code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (uint16_t)((code + count[bits - 1]) << 1);
        next[bits] = code;
    }
    for (int i = 0; i < n; i++)
        if (lengths[i]) codes[i] = next[lengths[i]]++;
}

/* ---- Bit output and input, most significant bit first. ---- */

typedef struct {
    uint8_t *out;
    uint32_t pos;
    uint64_t acc;
    int bits;
} bit_writer_t;

static inline void put_bits(bit_writer_t *w, uint32_t value, int count) {
    w->acc = (w->acc << count) | value;
    w->bits += count;
    while (w->bits >= 8) {
        w->bits -= 8;
        w->out[w->pos++] = (uint8_t)(w->acc >> w->bits);
    }
}

static void flush_bits(bit_writer_t *w) {
    if (w->bits > 0) put_bits(w, 0, 8 - w->bits);
}

typedef struct {
    const uint8_t *in;
    uint32_t pos;
    uint32_t acc;
    int bits;
} bit_reader_t;

static inline uint32_t get_bit(bit_reader_t *r) {
    if (r->bits == 0) {
        r->acc = r->in[r->pos++];
        r->bits = 8;
    }
    r->bits--;
    return (r->acc >> r->bits) & 1;
}

static inline uint32_t get_bits(bit_reader_t *r, int count) {
    uint32_t v = 0;
    while (count--) v = (v << 1) | get_bit(r);
    return v;
}

/* ---- Compression. ---- */

typedef struct {
    uint16_t lit_or_len; /* a byte, or 257 + length code */
    uint16_t len;        /* match length, 0 for a literal */
    uint16_t dist;       /* match distance */
} token_t;

static token_t tokens[BLOCK_TOKENS];

static inline uint32_t hash3(const uint8_t *p) {
    return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

static void write_block(bit_writer_t *w, int ntokens, int last) {
    uint32_t lit_freq[LIT_SYMS] = {0}, dist_freq[DIST_SYMS] = {0};
    uint8_t lit_len[LIT_SYMS], dist_len[DIST_SYMS];
    uint16_t lit_code[LIT_SYMS], dist_code_tab[DIST_SYMS];
    uint32_t code, eb, extra;
    for (int i = 0; i < ntokens; i++) {
        lit_freq[tokens[i].lit_or_len]++;
        if (tokens[i].len) {
            dist_code(tokens[i].dist - 1u, &code, &eb, &extra);
            dist_freq[code]++;
        }
    }
    lit_freq[END_BLOCK]++;
    build_lengths(lit_freq, LIT_SYMS, lit_len);
    build_lengths(dist_freq, DIST_SYMS, dist_len);
    assign_codes(lit_len, LIT_SYMS, lit_code);
    assign_codes(dist_len, DIST_SYMS, dist_code_tab);
    put_bits(w, (uint32_t)last, 1);
    for (int i = 0; i < LIT_SYMS; i++) put_bits(w, lit_len[i], 4);
    for (int i = 0; i < DIST_SYMS; i++) put_bits(w, dist_len[i], 4);
    for (int i = 0; i < ntokens; i++) {
        token_t t = tokens[i];
        put_bits(w, lit_code[t.lit_or_len], lit_len[t.lit_or_len]);
        if (t.len) {
            length_code(t.len - 3u, &code, &eb, &extra);
            put_bits(w, extra, (int)eb);
            dist_code(t.dist - 1u, &code, &eb, &extra);
            put_bits(w, dist_code_tab[code], dist_len[code]);
            put_bits(w, extra, (int)eb);
        }
    }
    put_bits(w, lit_code[END_BLOCK], lit_len[END_BLOCK]);
}

static uint32_t compress(const uint8_t *in, uint32_t len, uint8_t *out) {
    bit_writer_t w = {out, 0, 0, 0};
    for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
    int ntokens = 0;
    uint32_t pos = 0;
    while (pos < len) {
        uint32_t best_len = 0, best_dist = 0;
        if (pos + MIN_MATCH <= len) {
            uint32_t h = hash3(in + pos);
            int32_t cand = head[h];
            uint32_t max = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
            for (int chain = 0; chain < MAX_CHAIN && cand >= 0 && pos - (uint32_t)cand <= WINDOW; chain++) {
                const uint8_t *a = in + cand, *b = in + pos;
                if (a[best_len] == b[best_len]) {
                    uint32_t l = 0;
                    while (l < max && a[l] == b[l]) l++;
                    if (l > best_len) {
                        best_len = l;
                        best_dist = pos - (uint32_t)cand;
                        if (l == max) break;
                    }
                }
                cand = prev[cand & (WINDOW - 1)];
            }
        }
        uint32_t advance = best_len >= MIN_MATCH ? best_len : 1;
        if (best_len >= MIN_MATCH) {
            uint32_t code, eb, extra;
            length_code(best_len - 3, &code, &eb, &extra);
            tokens[ntokens].lit_or_len = (uint16_t)(257 + code);
            tokens[ntokens].len = (uint16_t)best_len;
            tokens[ntokens].dist = (uint16_t)best_dist;
        } else {
            tokens[ntokens].lit_or_len = in[pos];
            tokens[ntokens].len = 0;
            tokens[ntokens].dist = 0;
        }
        ntokens++;
        /* Insert every position the token covers into the hash chains. */
        for (uint32_t end = pos + advance; pos < end; pos++) {
            if (pos + MIN_MATCH > len) continue;
            uint32_t h = hash3(in + pos);
            prev[pos & (WINDOW - 1)] = head[h];
            head[h] = (int32_t)pos;
        }
        if (ntokens == BLOCK_TOKENS) {
            write_block(&w, ntokens, 0);
            ntokens = 0;
        }
    }
    write_block(&w, ntokens, 1);
    flush_bits(&w);
    return w.pos;
}

/* ---- Decompression. ---- */

typedef struct {
    uint16_t count[MAX_BITS + 1];
    uint16_t symbol[LIT_SYMS];
} decoder_t;

static void build_decoder(decoder_t *d, const uint8_t *lengths, int n) {
    uint16_t offset[MAX_BITS + 2];
    for (int i = 0; i <= MAX_BITS; i++) d->count[i] = 0;
    for (int i = 0; i < n; i++) d->count[lengths[i]]++;
    d->count[0] = 0;
    offset[1] = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) offset[bits + 1] = offset[bits] + d->count[bits];
    for (int i = 0; i < n; i++)
        if (lengths[i]) d->symbol[offset[lengths[i]]++] = (uint16_t)i;
}

/* Reads one symbol a bit at a time: canonical codes of each length are consecutive. */
static int decode_symbol(bit_reader_t *r, const decoder_t *d) {
    int code = 0, first = 0, index = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code |= (int)get_bit(r);
        int count = d->count[bits];
        if (code - first < count) return d->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

static decoder_t lit_decoder, dist_decoder;

/* Returns the decompressed length, or -1 for a malformed stream. */
static int64_t decompress(const uint8_t *in, uint8_t *out, uint32_t capacity) {
    bit_reader_t r = {in, 0, 0, 0};
    uint32_t pos = 0;
    for (;;) {
        uint8_t lit_len[LIT_SYMS], dist_len[DIST_SYMS];
        uint32_t last = get_bit(&r);
        for (int i = 0; i < LIT_SYMS; i++) lit_len[i] = (uint8_t)get_bits(&r, 4);
        for (int i = 0; i < DIST_SYMS; i++) dist_len[i] = (uint8_t)get_bits(&r, 4);
        build_decoder(&lit_decoder, lit_len, LIT_SYMS);
        build_decoder(&dist_decoder, dist_len, DIST_SYMS);
        for (;;) {
            int sym = decode_symbol(&r, &lit_decoder);
            if (sym < 0) return -1;
            if (sym < 256) {
                if (pos >= capacity) return -1;
                out[pos++] = (uint8_t)sym;
                continue;
            }
            if (sym == END_BLOCK) break;
            uint32_t eb;
            uint32_t length = length_base((uint32_t)sym - 257, &eb) + 3;
            length += get_bits(&r, (int)eb);
            int dsym = decode_symbol(&r, &dist_decoder);
            if (dsym < 0) return -1;
            uint32_t dist = dist_base((uint32_t)dsym, &eb) + 1;
            dist += get_bits(&r, (int)eb);
            if (dist > pos || pos + length > capacity) return -1;
            for (uint32_t i = 0; i < length; i++, pos++) out[pos] = out[pos - dist];
        }
        if (last) return pos;
    }
}

/* ---- Input: text from a vocabulary, word frequencies skewed like natural language. ---- */

static const char *const words[] = {
    "the", "of", "and", "a", "to", "in", "is", "runtime", "that", "it", "for", "module",
    "stack", "with", "as", "function", "on", "be", "memory", "by", "this", "table", "are",
    "from", "value", "or", "an", "instance", "which", "call", "interpreter", "translation",
    "register", "slot", "branch", "handler", "import", "export", "global", "trap", "page",
    "WebAssembly", "validation", "instruction", "operand", "frame", "native", "guard",
};

static uint32_t generate_text(uint8_t *out, uint32_t len, uint64_t seed) {
    rng_t r = rng_new(seed);
    const uint32_t nwords = sizeof words / sizeof words[0];
    uint32_t pos = 0, in_sentence = 0;
    while (pos + 32 < len) {
        /* Product of two uniforms: small indices are much more likely. */
        uint32_t idx = (rng_u32(&r) % nwords) * (rng_u32(&r) % nwords) / nwords;
        const char *w = words[idx];
        if (in_sentence == 0 && w[0] >= 'a' && w[0] <= 'z') {
            out[pos++] = (uint8_t)(w[0] - 32);
            w++;
        }
        while (*w) out[pos++] = (uint8_t)*w++;
        in_sentence++;
        if (in_sentence > 6 && rng_u32(&r) % 8 == 0) {
            out[pos++] = '.';
            in_sentence = 0;
            if (rng_u32(&r) % 4 == 0) {
                out[pos++] = '\n';
                continue;
            }
        } else if (rng_u32(&r) % 13 == 0) {
            out[pos++] = ',';
        }
        if (rng_u32(&r) % 50 == 0) {
            /* A number now and then, so not every byte comes from the vocabulary. */
            out[pos++] = ' ';
            uint32_t v = rng_u32(&r) % 100000;
            do {
                out[pos++] = (uint8_t)('0' + v % 10);
                v /= 10;
            } while (v);
        }
        out[pos++] = ' ';
    }
    return pos;
}

static uint64_t bench(int n) {
    uint64_t h = 0;
    for (int round = 0; round < n; round++) {
        uint32_t len = generate_text(input, 1u << 19, 5 + (uint64_t)round);
        uint32_t clen = compress(input, len, output);
        int64_t dlen = decompress(output, restored, MAX_INPUT);
        uint64_t same = dlen == (int64_t)len;
        for (uint32_t i = 0; same && i < len; i++) same = input[i] == restored[i];
        h = mix(mix(mix(h, len), clen), same);
        for (uint32_t i = 0; i < clen; i += 97) h = mix(h, output[i]);
    }
    return h;
}

BENCH_MAIN(bench, 8)
