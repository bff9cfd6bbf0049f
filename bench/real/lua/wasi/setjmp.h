/*
 * wasi-libc has no <setjmp.h>; Lua's ldo.c includes it unconditionally. With the
 * LUAI_THROW/LUAI_TRY of ../config.h nothing in it is used: this empty header only
 * satisfies the include in the wasm build.
 */
