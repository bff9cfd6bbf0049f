/*
 * vm: a small stack-based bytecode interpreter (switch dispatch) running two programs
 * assembled at startup: Collatz step counts and a trial-division prime count; branchy,
 * hard-to-predict control flow, as in any interpreter.
 */
#include "common.h"

enum op {
    OP_PUSH, /* push imm */
    OP_LOAD, /* push vars[imm] */
    OP_STORE, /* vars[imm] = pop */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_LT, OP_EQ, OP_AND, OP_SHR,
    OP_JMP, /* pc = imm */
    OP_JZ, /* if pop == 0: pc = imm */
    OP_JNZ, /* if pop != 0: pc = imm */
    OP_INC, /* vars[imm] += 1 */
    OP_HALT, /* return pop */
};

typedef struct {
    int32_t op, imm;
} insn_t;

#define MAX_CODE 256
static insn_t code[MAX_CODE];
static int code_len;

static int emit(int32_t op, int32_t imm) {
    code[code_len].op = op;
    code[code_len].imm = imm;
    return code_len++;
}

static void patch(int at, int target) { code[at].imm = target; }

static int64_t execute(const insn_t *prog) {
    int64_t stack[64], vars[8] = {0};
    int sp = 0, pc = 0;
    for (;;) {
        insn_t in = prog[pc++];
        switch (in.op) {
        case OP_PUSH: stack[sp++] = in.imm; break;
        case OP_LOAD: stack[sp++] = vars[in.imm]; break;
        case OP_STORE: vars[in.imm] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case OP_JMP: pc = in.imm; break;
        case OP_JZ: if (stack[--sp] == 0) pc = in.imm; break;
        case OP_JNZ: if (stack[--sp] != 0) pc = in.imm; break;
        case OP_INC: vars[in.imm]++; break;
        case OP_HALT: return stack[sp - 1];
        default: return -1;
        }
    }
}

/* Sum over i in [1, limit) of the Collatz steps from i to 1. vars: 0 = i, 1 = x, 2 = steps. */
static void assemble_collatz(int32_t limit) {
    code_len = 0;
    emit(OP_PUSH, 1), emit(OP_STORE, 0);
    int outer = emit(OP_LOAD, 0);
    emit(OP_PUSH, limit), emit(OP_LT, 0);
    int exit_outer = emit(OP_JZ, 0);
    emit(OP_LOAD, 0), emit(OP_STORE, 1);
    int inner = emit(OP_LOAD, 1);
    emit(OP_PUSH, 1), emit(OP_EQ, 0);
    int exit_inner = emit(OP_JNZ, 0);
    emit(OP_INC, 2);
    emit(OP_LOAD, 1), emit(OP_PUSH, 1), emit(OP_AND, 0);
    int odd = emit(OP_JNZ, 0);
    emit(OP_LOAD, 1), emit(OP_PUSH, 1), emit(OP_SHR, 0), emit(OP_STORE, 1);
    emit(OP_JMP, inner);
    patch(odd, emit(OP_LOAD, 1));
    emit(OP_PUSH, 3), emit(OP_MUL, 0), emit(OP_PUSH, 1), emit(OP_ADD, 0), emit(OP_STORE, 1);
    emit(OP_JMP, inner);
    patch(exit_inner, emit(OP_INC, 0));
    emit(OP_JMP, outer);
    patch(exit_outer, emit(OP_LOAD, 2));
    emit(OP_HALT, 0);
}

/* Count of primes in [2, limit) by trial division. vars: 0 = n, 1 = d, 2 = count. */
static void assemble_primes(int32_t limit) {
    code_len = 0;
    emit(OP_PUSH, 2), emit(OP_STORE, 0);
    int outer = emit(OP_LOAD, 0);
    emit(OP_PUSH, limit), emit(OP_LT, 0);
    int exit_outer = emit(OP_JZ, 0);
    emit(OP_PUSH, 2), emit(OP_STORE, 1);
    int inner = emit(OP_LOAD, 1);
    emit(OP_LOAD, 1), emit(OP_MUL, 0);
    emit(OP_LOAD, 0), emit(OP_PUSH, 1), emit(OP_ADD, 0), emit(OP_LT, 0);
    int is_prime = emit(OP_JZ, 0);
    emit(OP_LOAD, 0), emit(OP_LOAD, 1), emit(OP_MOD, 0);
    int composite = emit(OP_JZ, 0);
    emit(OP_INC, 1);
    emit(OP_JMP, inner);
    patch(is_prime, emit(OP_INC, 2));
    patch(composite, emit(OP_INC, 0));
    emit(OP_JMP, outer);
    patch(exit_outer, emit(OP_LOAD, 2));
    emit(OP_HALT, 0);
}

static uint64_t bench(int n) {
    uint64_t h = 0;
    assemble_collatz(n * 1000);
    h = mix(h, (uint64_t)execute(code));
    assemble_primes(n * 2000);
    h = mix(h, (uint64_t)execute(code));
    return h;
}

BENCH_MAIN(bench, 25)
