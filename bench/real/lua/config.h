/*
 * Forced into every Lua source file (-include) by bench/run.py, natively and for wasm.
 *
 * wasm32-wasi has no setjmp/longjmp without the exception-handling proposal, which not
 * every runtime here supports. So Lua's error handling is replaced, on both builds
 * alike, by a call that prints the error and exits: the benchmark script raises no
 * errors and uses no coroutines (a yield across C is a longjmp too), so no path it takes
 * changes. The string-hash seed is fixed instead of drawn from the time and addresses,
 * so that table traversal order, and with it the output, is the same on every run.
 */
#ifndef BENCH_LUA_CONFIG_H
#define BENCH_LUA_CONFIG_H

void bench_lua_throw(void *L, int status) __attribute__((noreturn));

#define LUAI_THROW(L, c) bench_lua_throw((L), (c)->status)
#define LUAI_TRY(L, c, a) do { a } while (0)
#define luai_jmpbuf int
#define l_signalT int

#define luai_makeseed(L) 0x2545f491u

#endif
