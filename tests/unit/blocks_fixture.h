/* SPDX-License-Identifier: MIT */
/*
 * blocks_fixture.h - shared by test_store_blocks.c and test_raw_cursor.c:
 * a site of 3 devices x 2 points in a temporary directory, the readings
 * each point takes at poll i, and checks that the database holds exactly
 * the samples added (through the samples table and the cursor).
 * Header-only (static functions), included by one test file each.
 */
#ifndef PUE_TEST_BLOCKS_FIXTURE_H
#define PUE_TEST_BLOCKS_FIXTURE_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/raw_cursor.h"
#include "store/raw_vtab.h"
#include "store/store.h"
#include "store/store_read.h"

#include "double_bits.h"

#define T0 1767225600000LL
#define N_DEV 3
#define N_PT 2
#define MAX_ROWS 20000

struct row {
	int64_t t, point;
	double value;
};

struct fixture {
	char dir[64], path[128];
	struct pue_store_conf sc;
	struct pue_store_point pt[N_DEV * N_PT]; /* device d's point p at d * N_PT + p */
	struct row want[MAX_ROWS];		 /* every sample added, in the order added */
	size_t n_want;
};

static int
setup(void **state)
{
	static const char *const names[N_DEV] = {"incomer", "ups", "crac"};
	struct fixture *f = calloc(1, sizeof(*f));
	size_t d;

	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-blocks.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	for (d = 0; d < N_DEV; d++) {
		f->pt[d * N_PT] = (struct pue_store_point){.device = d,
							   .point = 0,
							   .device_name = names[d],
							   .name = "power",
							   .kind = PUE_KIND_POWER};
		f->pt[d * N_PT + 1] = (struct pue_store_point){.device = d,
							       .point = 1,
							       .device_name = names[d],
							       .name = "energy",
							       .kind = PUE_KIND_ENERGY};
	}
	f->sc = (struct pue_store_conf){.points = f->pt,
					.n_points = N_DEV * N_PT,
					.raw_retention_ms = 3650LL * 86400000,
					.minute_retention_ms = 3650LL * 86400000,
					.disk_budget_bytes = UINT64_C(1) << 40};
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* What each point reads at poll i: counters in Wh times pued's factor, a
 * float32, a constant, noise with the odd NaN payload. */
static double
reading(size_t d, size_t p, int64_t i)
{
	uint64_t x = (uint64_t)(i * 7919 + (int64_t)d * 104729) * UINT64_C(2685821657736338717);

	switch (d * N_PT + p) {
	case 1:
		return (double)(100000000 + 267 * i + i % 3) * 1e-3;
	case 2:
		return (double)(float)(800.0 + (double)(x % 1000) / 1024.0);
	case 4:
		return 42.5;
	case 5:
		return i % 50 == 7 ? of_bits(UINT64_C(0x7ff8000000000000) | (x & 0xffff))
				   : of_bits(x & ~(UINT64_C(1) << 62));
	default:
		return (double)(x % 100000) / 1e1;
	}
}

/* Adds poll i of every point (time t), as pued queues them. */
static void
poll_all(struct fixture *f, struct pue_store *st, int64_t t, int64_t i)
{
	size_t d, p;

	for (d = 0; d < N_DEV; d++)
		for (p = 0; p < N_PT; p++) {
			double v = reading(d, p, i);

			assert_int_equal(pue_store_add_sample(st, d, p, (pue_wall_t){t}, v), 0);
			assert_true(f->n_want < MAX_ROWS);
			/* a fresh database numbers the points in order from 1 */
			f->want[f->n_want++] = (struct row){t, (int64_t)(d * N_PT + p) + 1, v};
		}
}

static int
by_t_point(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->point > y->point) - (x->point < y->point);
}

static sqlite3 *
reader(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(pue_raw_vtab_register(db), SQLITE_OK);
	return db;
}

static int64_t
query_int(const char *path, const char *sql)
{
	sqlite3 *db = reader(path);
	sqlite3_stmt *q;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* The samples table (through the extension's module) holds exactly
 * want[0..n), with every value's bits, in (t, point) order; SQLite turns
 * a NaN into NULL (schema 4's samples could not hold one at all). */
static void
assert_stored(const char *path, struct row *want, size_t n)
{
	sqlite3 *db = reader(path);
	sqlite3_stmt *q;
	size_t i = 0;
	int rc;

	qsort(want, n, sizeof(*want), by_t_point);
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT t, point, value FROM samples", -1, &q, NULL),
		SQLITE_OK);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		double v = sqlite3_column_double(q, 2);

		assert_true(i < n);
		if (sqlite3_column_int64(q, 0) != want[i].t ||
		    sqlite3_column_int64(q, 1) != want[i].point ||
		    (isnan(want[i].value) ? sqlite3_column_type(q, 2) != SQLITE_NULL
					  : bits_of(v) != bits_of(want[i].value)))
			fail_msg("row %zu: %lld/%lld/%.17g, expected %lld/%lld/%.17g", i,
				 (long long)sqlite3_column_int64(q, 0),
				 (long long)sqlite3_column_int64(q, 1), v, (long long)want[i].t,
				 (long long)want[i].point, want[i].value);
		i++;
	}
	if (rc != SQLITE_DONE)
		fail_msg("%s", sqlite3_errmsg(db));
	assert_int_equal(i, n);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* NaN goes through SQLite as NULL (sqlite3_column_double gives 0), so the
 * cursor is the one to show its payload. */
static void
assert_bits_through_cursor(const char *path, const struct row *want, size_t n)
{
	sqlite3 *db = reader(path);
	struct pue_raw_cursor *c;
	struct pue_raw_sample s;
	struct pue_err err;
	size_t i = 0;

	assert_int_equal(pue_raw_cursor_open(db, INT64_MIN, INT64_MAX, -1, &c, &err), 0);
	while (pue_raw_cursor_next(c, &s, &err) == 1) {
		assert_true(i < n);
		assert_int_equal(s.t_ms, want[i].t);
		assert_int_equal(s.point, want[i].point);
		assert_true(bits_of(s.value) == bits_of(want[i].value));
		i++;
	}
	assert_int_equal(i, n);
	pue_raw_cursor_close(c);
	sqlite3_close(db);
}

#endif
