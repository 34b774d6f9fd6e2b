// Shim for Lua 5.4: exposes the C macros Swift cannot import as static inline functions, and holds
// the two pieces of C that must not be Swift: the trampoline that raises Lua errors *after* the Swift
// callback has returned (a Lua error must never longjmp through Swift frames), and the allocator /
// count hook that enforce per-state memory, instruction and wall-time limits.
#ifndef PRIVLAB_CLUA_SHIM_H
#define PRIVLAB_CLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Per-state limits and accounting. Lives in the allocator's user data so the hook can find it.
typedef struct pl_limits {
    size_t used;             /* bytes currently allocated by this state */
    size_t peak;             /* high-water mark */
    size_t mem_limit;        /* 0 = unlimited */
    long long instr_limit;   /* 0 = unlimited */
    long long instr_count;   /* instructions executed (granularity: PL_HOOK_EVERY) */
    double deadline;         /* CLOCK_MONOTONIC seconds; 0 = none */
    int host_depth;          /* >0 while a host (Swift) function runs: its allocations are never refused */
    int tripped;             /* 0 none, 1 instructions, 2 wall time, 4 interrupted */
    long long refused;       /* allocations refused by the memory limit since the last reset */
    volatile int interrupt;  /* set asynchronously to stop the script at the next hook */
} pl_limits;

#define PL_HOOK_EVERY 1000

static inline double pl_monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void *pl_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    pl_limits *lim = (pl_limits *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        lim->used -= old;
        return NULL;
    }
    if (lim->mem_limit && lim->host_depth == 0 && nsize > old && lim->used - old + nsize > lim->mem_limit) {
        /* Lua answers with an emergency collection and, failing that, a "not enough memory"
           error; only instructions and time stop a script for good. */
        lim->refused++;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p) {
        lim->used = lim->used - old + nsize;
        if (lim->used > lim->peak) lim->peak = lim->used;
    }
    return p;
}

static inline pl_limits *pl_getlimits(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (pl_limits *)ud;
}

/* Raises the error of a tripped limit. Once a limit trips, the hook runs at every instruction, so
   a script that catches the error with pcall is stopped again at its next instruction, all the
   way out: limits cannot be swallowed. resetBudget() restores the normal hook. */
static inline void pl_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    pl_limits *lim = pl_getlimits(L);
    lim->instr_count += PL_HOOK_EVERY;
    if (!lim->tripped) {
        if (lim->interrupt) lim->tripped = 4;
        else if (lim->instr_limit && lim->instr_count > lim->instr_limit) lim->tripped = 1;
        else if (lim->deadline > 0 && pl_monotonic() > lim->deadline) lim->tripped = 2;
    }
    if (!lim->tripped) return;
    lua_sethook(L, pl_hook, LUA_MASKCOUNT, 1);
    /* Inside a count hook, stack level 0 is the Lua function that was running: its file:line is
       where the script was stopped. (luaL_error's level 1 would name that function's caller, and
       nothing at all in a script's main chunk.) */
    luaL_where(L, 0);
    switch (lim->tripped) {
    case 1: lua_pushfstring(L, "instruction limit exceeded (%I instructions)", (lua_Integer)lim->instr_limit); break;
    case 2: lua_pushstring(L, "time limit exceeded"); break;
    default: lua_pushstring(L, "interrupted"); break;
    }
    lua_concat(L, 2);
    lua_error(L);
}

/* What host (engine) work must check between its steps: an interrupt or a passed deadline trips
   the limit as the hook would (instruction limits only count Lua instructions). Returns the
   tripped code, 0 to go on. Safe from any thread: it only reads and sets plain ints. */
static inline int pl_limits_check(pl_limits *lim) {
    if (!lim->tripped) {
        if (lim->interrupt) lim->tripped = 4;
        else if (lim->deadline > 0 && pl_monotonic() > lim->deadline) lim->tripped = 2;
    }
    return lim->tripped;
}

/* After host work saw a limit trip: raise it at the script's very next instruction, so a pcall
   around the engine call cannot swallow it either. */
static inline void pl_arm_if_tripped(lua_State *L) {
    if (pl_getlimits(L)->tripped) lua_sethook(L, pl_hook, LUA_MASKCOUNT, 1);
}

/// Restores the normal count hook (every PL_HOOK_EVERY instructions).
static inline void pl_resethook(lua_State *L) { lua_sethook(L, pl_hook, LUA_MASKCOUNT, PL_HOOK_EVERY); }

/// Creates a state whose allocator accounts into `lim` (owned by the caller, must outlive the state).
static inline lua_State *pl_newstate(pl_limits *lim) {
    lua_State *L = lua_newstate(pl_alloc, lim);
    if (L) lua_sethook(L, pl_hook, LUA_MASKCOUNT, PL_HOOK_EVERY);
    return L;
}

/// Host functions: int fn(lua_State*) returning >= 0 results, -1 (error message at top; location is
/// prefixed here) or -2 (error object at top, raised as is).
typedef int (*pl_host_fn)(lua_State *L);

static inline int pl_trampoline(lua_State *L) {
    pl_host_fn fn = (pl_host_fn)lua_touserdata(L, lua_upvalueindex(1));
    pl_limits *lim = pl_getlimits(L);
    lim->host_depth++;
    int r = fn(L);
    lim->host_depth--;
    if (r == -1) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (r == -2) return lua_error(L);
    return r;
}

/// Pushes a closure calling `fn` with upvalue 2 = `id` (the host looks its Swift closure up by id).
static inline void pl_pushhost(lua_State *L, pl_host_fn fn, lua_Integer id) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushinteger(L, id);
    lua_pushcclosure(L, pl_trampoline, 2);
}

static inline lua_Integer pl_hostid(lua_State *L) { return lua_tointeger(L, lua_upvalueindex(2)); }
static inline void *pl_extraspace(lua_State *L) { return lua_getextraspace(L); }

/* The macros. */
static inline void pl_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline int pl_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline const char *pl_tostring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
static inline lua_Number pl_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
static inline lua_Integer pl_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline int pl_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline int pl_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int pl_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void pl_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void pl_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void *pl_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 0); }
static inline int pl_loadbuffer(lua_State *L, const char *buf, size_t sz, const char *name) {
    return luaL_loadbufferx(L, buf, sz, name, "t");
}

#endif
