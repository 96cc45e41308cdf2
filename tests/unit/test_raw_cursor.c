/* SPDX-License-Identifier: MIT */
/*
 * test_raw_cursor.c - reading raw blocks (raw_cursor.c, raw_vtab.c,
 * store_read.c): a restart's replay and a point's last sample, a schema-4
 * database converted to blocks (store_blocks.c) and read back exactly,
 * the samples table's answers to bounds, points and ORDER BY as a plain
 * table's, and a corrupt block an error rather than a crash.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/raw_cursor.h"
#include "store/raw_vtab.h"
#include "store/store.h"

#include "blocks_fixture.h"

struct replay {
	size_t n;
	int64_t last_t;
};

static void
count_replayed(void *arg, size_t device, size_t point, pue_wall_t t, double value)
{
	struct replay *r = arg;
	int64_t i = (t.ms - T0) / 1000;

	assert_true(t.ms >= r->last_t);
	assert_true(bits_of(value) == bits_of(reading(device, point, i)));
	r->last_t = t.ms;
	r->n++;
}

/* The store's own readers: a restart's replay (after, to] and the last
 * sample of a point in a range, over the blocks a closed store left. */
static void
test_raw_replay_and_last_sample(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct replay r = {0, 0};
	int64_t i, t_ms;
	double v;

	for (i = 0; i < 600; i++)
		poll_all(f, st, T0 + 1000 * i, i);
	pue_store_close(st);
	st = pue_store_open(f->path, &f->sc, NULL);
	assert_int_equal(pue_store_read_last_sample(st, 0, 1, T0, T0 + 299500, &t_ms, &v, NULL), 1);
	assert_int_equal(t_ms, T0 + 299000);
	assert_true(bits_of(v) == bits_of(reading(0, 1, 299)));
	assert_int_equal(
		pue_store_read_last_sample(st, 0, 1, T0 + 700000, T0 + 800000, &t_ms, &v, NULL), 0);
	assert_int_equal(
		pue_store_read_samples(st, T0 + 100000, T0 + 200000, count_replayed, &r, NULL),
		100 * N_DEV * N_PT); /* (100 s, 200 s]: polls 101..200 */
	assert_int_equal(r.n, 100 * N_DEV * N_PT);
	pue_store_close(st);
}

/* Schema 4 as pued wrote it (sqlite3 .schema of a version-4 database). */
static const char schema4_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE points(id INTEGER PRIMARY KEY, device TEXT NOT NULL, name TEXT NOT NULL,"
	" kind TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE(device, name));"
	"CREATE TABLE minutes(t INTEGER PRIMARY KEY, facility_kwh REAL NOT NULL, it_kwh REAL NOT"
	" NULL, covered_ms INTEGER NOT NULL, category INTEGER NOT NULL);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, kind TEXT NOT NULL,"
	" subject TEXT NOT NULL, message TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS \"samples\"(t INTEGER NOT NULL, point INTEGER NOT NULL,"
	" value REAL NOT NULL, PRIMARY KEY(t, point)) WITHOUT ROWID;"
	"CREATE TABLE hours(t INTEGER PRIMARY KEY, facility_kwh REAL NOT NULL, it_kwh REAL NOT"
	" NULL, covered_ms INTEGER NOT NULL, category INTEGER NOT NULL);"
	"CREATE INDEX events_t ON events(t);"
	"CREATE TABLE alerts(key TEXT PRIMARY KEY, rule TEXT NOT NULL, subject TEXT NOT NULL,"
	" severity TEXT NOT NULL, state TEXT NOT NULL, since INTEGER NOT NULL, fired_at INTEGER"
	" NOT NULL DEFAULT 0, resolved_at INTEGER NOT NULL DEFAULT 0, incident INTEGER NOT NULL"
	" DEFAULT 0, notified INTEGER NOT NULL DEFAULT 0, acked_by TEXT, acked_at INTEGER NOT"
	" NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE TABLE alert_history(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, key TEXT NOT NULL,"
	" incident INTEGER NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL, message TEXT"
	" NOT NULL, who TEXT);"
	"CREATE INDEX alert_history_t ON alert_history(t);"
	"CREATE TABLE inform_queue(id INTEGER PRIMARY KEY, target TEXT NOT NULL, t INTEGER NOT"
	" NULL, notification TEXT NOT NULL);"
	"CREATE INDEX inform_queue_target ON inform_queue(target, id);"
	"CREATE TABLE silences(pattern TEXT PRIMARY KEY, until INTEGER NOT NULL, t INTEGER NOT"
	" NULL, who TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE zone_minutes(zone TEXT NOT NULL, t INTEGER NOT NULL, facility_kwh REAL NOT"
	" NULL, it_kwh REAL NOT NULL, covered_ms INTEGER NOT NULL, PRIMARY KEY(zone, t)) WITHOUT"
	" ROWID;"
	"CREATE INDEX zone_minutes_t ON zone_minutes(t);"
	"INSERT INTO meta VALUES('schema_version', '4');"
	"INSERT INTO points VALUES(1, 'incomer', 'power', 'power', 'kW'),"
	" (2, 'incomer', 'energy', 'energy', 'kWh'), (7, 'gone', 'power', 'power', 'kW');"
	"INSERT INTO minutes VALUES(1767225600000, 16, 13, 60000, 1);";

/* A schema-4 database: its 3 x 1000 samples (one point since removed
 * from the configuration) come back from the blocks exactly, in order;
 * the samples table is gone, and a second start converts nothing. */
static void
test_raw_convert_schema_4(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	sqlite3 *db;
	sqlite3_stmt *ins;
	int64_t i, ids[3] = {1, 2, 7};
	size_t k;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, schema4_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "INSERT INTO samples VALUES(?, ?, ?)", -1, &ins, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 1000; i++)
		for (k = 0; k < 3; k++) {
			int64_t t = T0 + 1000 * i + (int64_t)(i % 3) * (int64_t)k;
			double v = reading(k, 1, i);

			if (isnan(v))
				continue; /* REAL NOT NULL: schema 4 never held one */
			sqlite3_bind_int64(ins, 1, t);
			sqlite3_bind_int64(ins, 2, ids[k]);
			sqlite3_bind_double(ins, 3, v);
			assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
			sqlite3_reset(ins);
			f->want[f->n_want++] = (struct row){t, ids[k], v};
		}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_finalize(ins);
	sqlite3_close(db);

	f->sc.n_points = 2; /* incomer's power and energy */
	st = pue_store_open(f->path, &f->sc, NULL);
	assert_non_null(st);
	pue_store_close(st);
	assert_int_equal(query_int(f->path, "SELECT value FROM meta WHERE key='schema_version'"),
			 5);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name ="
					    " 'samples'"),
			 0);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM minutes"), 1);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_open"), 0);
	assert_true(query_int(f->path, "SELECT count(*) FROM raw_blocks") >= 3 * 1000 / 240);
	assert_stored(f->path, f->want, f->n_want);
	assert_bits_through_cursor(f->path, f->want, f->n_want);
	st = pue_store_open(f->path, &f->sc, NULL);
	pue_store_close(st);
	assert_stored(f->path, f->want, f->n_want);
}

/* The samples table answers bounds on t (integer or not), a point, and
 * ORDER BY either way as a plain table would: checked against the rows. */
static void
test_raw_sql_bounds_and_order(void **state)
{
	static const struct {
		const char *where;
		int64_t lo, hi; /* t in [lo, hi], offsets from T0 */
		int64_t point;	/* 0: all */
	} cases[] = {
		{"t >= 1767225700000", 100000, INT64_MAX / 2, 0},
		{"t > 1767225700000", 100001, INT64_MAX / 2, 0},
		{"t < 1767225700000", INT64_MIN / 2, 99999, 0},
		{"t <= 1767225700000 AND t >= 1767225650000", 50000, 100000, 0},
		{"t = 1767225700000", 100000, 100000, 0},
		{"t > 1767225700000.5 AND t < 1767225800000.5", 100001, 200000, 0},
		{"point = 3 AND t BETWEEN 1767225650000 AND 1767225660000", 50000, 60000, 3},
		{"point = 3.0", INT64_MIN / 2, INT64_MAX / 2, 3},
		{"point = 99", 1, 0, 0},
		{"t < 1767225600000", 1, 0, 0},
	};
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	char sql[256];
	int64_t i, want;
	size_t c, k;

	for (i = 0; i < 400; i++)
		poll_all(f, st, T0 + 1000 * i, i);
	pue_store_close(st);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (want = 0, k = 0; k < f->n_want; k++)
			want += f->want[k].t - T0 >= cases[c].lo &&
				f->want[k].t - T0 <= cases[c].hi &&
				(cases[c].point == 0 || f->want[k].point == cases[c].point);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE %s", cases[c].where);
		if (query_int(f->path, sql) != want)
			fail_msg("%s: %lld rows, expected %lld", sql,
				 (long long)query_int(f->path, sql), (long long)want);
	}
	assert_int_equal(query_int(f->path, "SELECT t FROM samples ORDER BY t DESC LIMIT 1"),
			 T0 + 399000);
	assert_int_equal(query_int(f->path, "SELECT point FROM samples WHERE t = 1767225600000"
					    " ORDER BY t, point DESC LIMIT 1"),
			 6);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples s JOIN points p"
					    " ON p.id = s.point WHERE p.device = 'ups'"),
			 800);
}

/* A block whose bits are wrong is an error naming it, for SQL and for the
 * cursor, never a crash or made-up samples. */
static void
test_raw_corrupt_block_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct pue_raw_cursor *c;
	struct pue_raw_sample s;
	struct pue_err err;
	sqlite3 *db;
	sqlite3_stmt *q;
	int rc;

	pue_store_close(st);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO raw_blocks VALUES(1767225600000, 2, 0,"
				      " 1767225605000, 5, x'01000500ffff')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(pue_raw_vtab_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT * FROM samples", -1, &q, NULL), SQLITE_OK);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	assert_int_equal(rc, SQLITE_ERROR);
	assert_non_null(strstr(sqlite3_errmsg(db), "block of point 2 from 1767225600000"));
	sqlite3_finalize(q);
	assert_int_equal(pue_raw_cursor_open(db, INT64_MIN, INT64_MAX, -1, &c, &err), 0);
	assert_int_equal(pue_raw_cursor_next(c, &s, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "raw block: cut short"));
	pue_raw_cursor_close(c);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw_replay_and_last_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_convert_schema_4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_sql_bounds_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_corrupt_block_is_an_error, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
