/*
 * The Lua benchmark: embeds the Lua 5.4 interpreter (the sources of the lua-src crate)
 * and runs bench.lua, which bench/run.py turns into script.h (a C string). `lua [n]`
 * sets the global N (the size) and prints what the script returns: a checksum.
 *
 * Only the libraries the script needs are opened (base, table, string, math, utf8): the
 * io, os, package, coroutine and debug libraries are not compiled in.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#include "script.h"

#define DEFAULT_N 3

void bench_lua_throw(void *L, int status) {
    const char *msg = lua_tostring((lua_State *)L, -1);
    fprintf(stderr, "lua error %d: %s\n", status, msg ? msg : "(no message)");
    exit(2);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : DEFAULT_N;
    lua_State *L = luaL_newstate();
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    lua_pushinteger(L, n);
    lua_setglobal(L, "N");
    if (luaL_loadbuffer(L, BENCH_SCRIPT, sizeof BENCH_SCRIPT - 1, "=bench.lua") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        return 1;
    }
    lua_call(L, 0, 1);
    printf("%s\n", lua_tostring(L, -1));
    lua_close(L);
    return 0;
}
