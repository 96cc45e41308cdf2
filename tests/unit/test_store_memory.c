/* SPDX-License-Identifier: MIT */
/*
 * test_store_memory.c - what SQLite holds in a running pued (issue 18): the
 * store, the alert database and a report connection kept open, as pued
 * keeps them, on a site of 300 devices of two points written once a second.
 *
 * Between flushes their page caches hold nothing: each page cache used to
 * keep SQLite's first bulk allocation (20 pages, 87 KB) for the life of
 * its connection, the temporary database a new database's schema upgrade
 * opens kept one too, and the store's cache stayed full (cache_size, 256
 * KiB) from its first raw-block checkpoint on. A flush's pages are read
 * again from the operating system's cache at the next flush. While a
 * flush writes, the store's cache still has its 256 KiB, so that a
 * checkpoint writes no more pages than before.
 *
 * Measured with SQLite's own count of what it allocated
 * (sqlite3_status64(SQLITE_STATUS_MEMORY_USED)), not the heap, so that the
 * bounds do not depend on the allocator. Everything SQLite allocates here
 * is this test's: the figures cover the three connections and nothing else.
 */
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

#include "alerts/alert_db.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_sqlite.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define DAY_MS (24 * 3600 * 1000LL)
#define DEVICES 300
#define POINTS (2 * DEVICES)
/* Three raw-block checkpoints (one per 32 flushes) and a minute and a half. */
#define ROUNDS 100

/* The three connections between two flushes: their schemas (about 9 KB
 * each), their prepared statements (the store's 42 KB, the alert
 * database's 33 KB) and the page caches' bookkeeping, no page. Before:
 * 650 KB and more. */
#define BETWEEN_FLUSHES_BOUND (200 * 1024)
/* The most while a flush wrote: the above and the store's 256 KiB of
 * cache while a checkpoint writes every block in progress (about 450 KB).
 * Before: 780 KB (the bulk allocations on top). */
#define WHILE_WRITING_BOUND (560 * 1024)

struct fixture {
	char dir[64], path[128];
	struct pue_store_point pt[POINTS];
	char names[DEVICES][8];
	struct pue_store_conf sc;
	struct pue_store *store;
	struct pue_alert_db *alerts;
	struct pue_report_db *report;
};

static int64_t
sqlite_in_use(void)
{
	sqlite3_int64 cur, hw;

	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 0), SQLITE_OK);
	return cur;
}

static int64_t
sqlite_most_since_reset(void)
{
	sqlite3_int64 cur, hw;

	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, 1), SQLITE_OK);
	return hw;
}

static void
fixture_open(struct fixture *f)
{
	struct pue_err err = {0};
	size_t i;

	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-storemem.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	for (i = 0; i < POINTS; i++) {
		size_t d = i / 2;

		snprintf(f->names[d], sizeof(f->names[d]), "m%zu", d);
		f->pt[i] =
			(struct pue_store_point){.device = d,
						 .point = i % 2,
						 .device_name = f->names[d],
						 .name = i % 2 ? "e" : "p",
						 .kind = i % 2 ? PUE_KIND_ENERGY : PUE_KIND_POWER};
	}
	f->sc = (struct pue_store_conf){.points = f->pt,
					.n_points = POINTS,
					.raw_retention_ms = 7 * DAY_MS,
					.minute_retention_ms = 400 * DAY_MS,
					.disk_budget_bytes = UINT64_C(2) << 30};
	f->store = pue_store_open(f->path, &f->sc, &err);
	assert_non_null(f->store);
	f->alerts = pue_alert_db_open(f->path, &err);
	assert_non_null(f->alerts);
	f->report = pue_report_open(f->path, &err);
	assert_non_null(f->report);
}

static void
fixture_close(struct fixture *f)
{
	char cmd[128];

	pue_report_close(f->report);
	pue_alert_db_close(f->alerts);
	pue_store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
}

/* An alert that changes: its state and a line of history, in one
 * transaction, as an alert round writes them. */
static void
alert_changes(struct fixture *f, int64_t t_ms, const char *state)
{
	struct pue_alert_row r = {.key = "pue_high",
				  .rule = "pue_high",
				  .subject = "site",
				  .severity = "warning",
				  .state = state,
				  .message = "PUE 1.62 above 1.5",
				  .since_ms = t_ms,
				  .incident = 1};
	struct pue_err err = {0};

	assert_int_equal(pue_alert_db_begin(f->alerts, &err), 0);
	assert_int_equal(pue_alert_db_save(f->alerts, &r, &err), 0);
	assert_int_equal(pue_alert_db_log(f->alerts, t_ms, r.key, r.incident, r.severity, state,
					  r.message, NULL, &err),
			 0);
	assert_int_equal(pue_alert_db_commit(f->alerts, &err), 0);
}

/* A report of the last hour, as the year's watch and the status page make
 * theirs, then its cache released as they release it. */
static void
report(struct fixture *f, int64_t now_ms)
{
	struct pue_pue_conf pc = {0};
	struct pue_report out;
	struct pue_err err = {0};

	assert_int_equal(pue_report_period(f->report, now_ms - 3600000, now_ms, &pc, &out, &err),
			 0);
	pue_report_release(f->report);
}

/* One round of pued: a sample of every point, a minute now and then, one
 * flush. Returns the flush's time. */
static int64_t
round_of(struct fixture *f, int r)
{
	int64_t t = T0 + (int64_t)r * 1000;
	struct pue_err err = {0};
	size_t i;

	for (i = 0; i < POINTS; i++)
		assert_int_equal(pue_store_add_sample(f->store, f->pt[i].device, f->pt[i].point,
						      (pue_wall_t){t}, 1000.0 + r * 0.37 + i),
				 0);
	if (r % 60 == 59) {
		struct pue_minute m = {.start_ms = t - 59000,
				       .facility_kwh = 1.5,
				       .it_kwh = 1.0,
				       .covered_ms = 60000};

		assert_int_equal(pue_store_add_minute(f->store, &m, 0), 0);
		pue_store_set_minutes_until(f->store, t + 1000);
	}
	assert_int_equal(pue_store_flush(f->store, (pue_wall_t){t}, &err), 0);
	return t;
}

static void
test_store_memory_between_flushes(void **state)
{
	struct fixture f;
	int64_t base = sqlite_in_use(), most = 0, t = 0, now;
	int r;

	(void)state;
	fixture_open(&f);
	(void)sqlite_most_since_reset();
	for (r = 0; r < ROUNDS; r++) {
		t = round_of(&f, r);
		if (r == 10)
			alert_changes(&f, t, "firing");
		if (r == 70)
			alert_changes(&f, t, "resolved");
		if (r == 61)
			report(&f, t);
		now = sqlite_in_use() - base;
		if (now > most)
			most = now;
	}
	print_message("SQLite between flushes: %lld bytes, most %lld; while writing: %lld\n",
		      (long long)(sqlite_in_use() - base), (long long)most,
		      (long long)(sqlite_most_since_reset() - base));
	assert_in_range(most, 0, BETWEEN_FLUSHES_BOUND);
	fixture_close(&f);
	assert_int_equal(sqlite_in_use(), base);
}

static void
test_store_memory_while_writing(void **state)
{
	struct fixture f;
	int64_t base = sqlite_in_use(), most;
	int r;

	(void)state;
	fixture_open(&f);
	(void)sqlite_most_since_reset();
	for (r = 0; r < ROUNDS; r++)
		(void)round_of(&f, r);
	most = sqlite_most_since_reset() - base;
	assert_in_range(most, 0, WHILE_WRITING_BOUND);
	fixture_close(&f);
}

/* A second call, after SQLite initialised, changes nothing and fails
 * nothing: the store opens and writes as before. */
static void
test_store_memory_setup_twice(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_not_equal(pue_store_sqlite_setup(), 0);
	fixture_open(&f);
	(void)round_of(&f, 0);
	fixture_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_memory_between_flushes),
		cmocka_unit_test(test_store_memory_while_writing),
		cmocka_unit_test(test_store_memory_setup_twice),
	};

	/* before anything else touches SQLite, as pued's main() does */
	(void)pue_store_sqlite_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
