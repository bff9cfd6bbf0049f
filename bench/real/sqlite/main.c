/*
 * The SQLite benchmark: the SQLite amalgamation that the libsqlite3-sys crate bundles,
 * on an in-memory database. `sqlite [n]` inserts n thousand orders for n hundred
 * customers in transactions, indexes them, then runs point lookups through an index,
 * range scans, a join with GROUP BY, ORDER BY on indexed and unindexed columns, a
 * correlated UPDATE and a DELETE, and prints a checksum of every value every query
 * returned.
 *
 * SQLite is built with SQLITE_OS_OTHER: it brings no VFS of its own, and this file
 * registers a minimal one (below). The database is ":memory:" and temporary storage is
 * memory only (SQLITE_TEMP_STORE=3), so no file is ever opened; the VFS's randomness
 * and clock are constants, so that every run does the same work.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

#define DEFAULT_N 50

/* ---- The VFS: no files, fixed randomness and time. ---------------------------------- */

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs, (void)name, (void)flags, (void)out_flags;
    file->pMethods = NULL;
    return SQLITE_CANTOPEN;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs, (void)name, (void)sync_dir;
    return SQLITE_IOERR_DELETE;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs, (void)name, (void)flags;
    *result = 0;
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    (void)vfs;
    sqlite3_snprintf(size, out, "%s", name);
    return SQLITE_OK;
}

static int vfs_randomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    for (int i = 0; i < size; i++) out[i] = (char)(i * 151 + 7);
    return size;
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return microseconds;
}

static int vfs_current_time(sqlite3_vfs *vfs, double *julian_day) {
    (void)vfs;
    *julian_day = 2461000.5;
    return SQLITE_OK;
}

static int vfs_get_last_error(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs, (void)size, (void)out;
    return 0;
}

static sqlite3_vfs memory_only_vfs = {
    .iVersion = 1,
    .szOsFile = sizeof(sqlite3_file),
    .mxPathname = 512,
    .zName = "memory-only",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_get_last_error,
};

int sqlite3_os_init(void) { return sqlite3_vfs_register(&memory_only_vfs, 1); }

int sqlite3_os_end(void) { return SQLITE_OK; }

/* ---- The workload. ------------------------------------------------------------------ */

static sqlite3 *db;
static uint64_t checksum;

static void mix(uint64_t v) {
    uint64_t h = (checksum ^ v) * 0x100000001b3ULL;
    checksum = (h << 29) | (h >> 35);
}

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *stmt;
    check(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), sql);
    return stmt;
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), sql); }

/* Steps a statement to its end, folding every column of every row into the checksum. */
static void fold_rows(sqlite3_stmt *stmt) {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(stmt); c++) {
            if (sqlite3_column_type(stmt, c) == SQLITE_TEXT) {
                const unsigned char *s = sqlite3_column_text(stmt, c);
                uint64_t h = 14695981039346656037ULL;
                for (; *s; s++) h = (h ^ *s) * 0x100000001b3ULL;
                mix(h);
            } else {
                mix((uint64_t)sqlite3_column_int64(stmt, c));
            }
        }
    }
    check(rc, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
}

static void query(const char *sql) {
    sqlite3_stmt *stmt = prepare(sql);
    fold_rows(stmt);
    sqlite3_finalize(stmt);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(uint32_t bound) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32) % bound;
}

static void insert(int orders, int customers) {
    static const char *cities[] = {"Lyon", "Graz", "Porto", "Turku", "Brno", "Gent", "Split", "Cork"};
    exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, city TEXT, balance INTEGER)");
    exec("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER, day INTEGER, note TEXT)");
    sqlite3_stmt *c = prepare("INSERT INTO customers(name, city, balance) VALUES (?1, ?2, 0)");
    char text[64];
    exec("BEGIN");
    for (int i = 0; i < customers; i++) {
        snprintf(text, sizeof text, "customer-%05u-%u", rng(100000), i);
        sqlite3_bind_text(c, 1, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(c, 2, cities[rng(8)], -1, SQLITE_STATIC);
        check(sqlite3_step(c), "insert customer");
        sqlite3_reset(c);
    }
    exec("COMMIT");
    sqlite3_finalize(c);
    sqlite3_stmt *o = prepare("INSERT INTO orders(customer, amount, day, note) VALUES (?1, ?2, ?3, ?4)");
    for (int i = 0; i < orders; i++) {
        if (i % 10000 == 0) exec("BEGIN");
        sqlite3_bind_int(o, 1, 1 + (int)rng((uint32_t)customers));
        sqlite3_bind_int(o, 2, 1 + (int)rng(10000));
        sqlite3_bind_int(o, 3, (int)rng(3650));
        snprintf(text, sizeof text, "note %x/%u", rng(1u << 20), i % 97);
        sqlite3_bind_text(o, 4, text, -1, SQLITE_TRANSIENT);
        check(sqlite3_step(o), "insert order");
        sqlite3_reset(o);
        if (i % 10000 == 9999 || i == orders - 1) exec("COMMIT");
    }
    sqlite3_finalize(o);
    exec("CREATE INDEX orders_customer ON orders(customer)");
    exec("CREATE INDEX orders_day ON orders(day, amount)");
}

static void lookups(int count, int customers) {
    sqlite3_stmt *by_customer = prepare("SELECT count(*), sum(amount), max(day) FROM orders WHERE customer = ?1");
    sqlite3_stmt *by_day = prepare("SELECT count(*), sum(amount) FROM orders WHERE day BETWEEN ?1 AND ?1 + 6");
    sqlite3_stmt *by_id = prepare("SELECT note, amount FROM orders WHERE id = ?1");
    for (int i = 0; i < count; i++) {
        sqlite3_bind_int(by_customer, 1, 1 + (int)rng((uint32_t)customers));
        fold_rows(by_customer);
        sqlite3_bind_int(by_day, 1, (int)rng(3650));
        fold_rows(by_day);
        sqlite3_bind_int(by_id, 1, 1 + (int)rng((uint32_t)count * 10));
        fold_rows(by_id);
    }
    sqlite3_finalize(by_customer);
    sqlite3_finalize(by_day);
    sqlite3_finalize(by_id);
}

static void reports(void) {
    query("SELECT c.city, count(*), sum(o.amount), max(o.amount), min(o.day) "
          "FROM orders o JOIN customers c ON c.id = o.customer GROUP BY c.city ORDER BY 3 DESC");
    query("SELECT customer, sum(amount) AS total FROM orders GROUP BY customer ORDER BY total DESC, customer LIMIT 200");
    query("SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 1000");
    query("SELECT note, count(*) FROM orders WHERE day < 365 GROUP BY note ORDER BY note LIMIT 500");
    query("SELECT day / 30, count(DISTINCT customer), sum(amount) FROM orders GROUP BY 1");
    query("SELECT c.name, count(o.id) FROM customers c LEFT JOIN orders o "
          "ON o.customer = c.id AND o.amount > 9900 GROUP BY c.id HAVING count(o.id) > 1 ORDER BY c.name");
    exec("UPDATE customers SET balance = (SELECT coalesce(sum(amount), 0) FROM orders WHERE customer = customers.id)");
    query("SELECT sum(balance), max(balance), length(group_concat(city)) FROM customers");
    exec("DELETE FROM orders WHERE amount % 7 = 0");
    query("SELECT count(*), sum(amount), total_changes() FROM orders");
    query("SELECT upper(substr(name, 1, 12)), balance FROM customers ORDER BY balance DESC, name LIMIT 100");
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : DEFAULT_N;
    int orders = n * 1000, customers = n * 100;
    check(sqlite3_open(":memory:", &db), "open");
    insert(orders, customers);
    lookups(orders / 10, customers);
    reports();
    sqlite3_close(db);
    printf("%llu\n", (unsigned long long)checksum);
    return 0;
}
