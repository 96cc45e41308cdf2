/* SPDX-License-Identifier: MIT */
/*
 * test_store.c - the SQLite store: the migration from schema 1, minutes
 * that add up across a restart, hourly rollups, retention in batches, the
 * disk budget (raw samples go, rollups stay), a full disk (rows kept in
 * memory until it can write again) and a reload on one (the rows handed to
 * the new store).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/raw_vtab.h"
#include "store/store.h"
#include "store/store_schema.h"

#define T0 1767225600000LL
#define DAY_MS (24 * 3600 * 1000LL)

struct fixture {
	char dir[64], path[128];
	struct pue_store_conf sc;
	struct pue_store_point pt[2];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	f->pt[0] = (struct pue_store_point){
		.device_name = "m", .point = 0, .name = "power", .kind = PUE_KIND_POWER};
	f->pt[1] = (struct pue_store_point){
		.device_name = "m", .point = 1, .name = "energy", .kind = PUE_KIND_ENERGY};
	f->sc = (struct pue_store_conf){.points = f->pt,
					.n_points = 2,
					.raw_retention_ms = 7 * DAY_MS,
					.minute_retention_ms = 400 * DAY_MS,
					.disk_budget_bytes = UINT64_C(2) << 30};
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

static int64_t
query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	/* the raw samples as the samples table of schema 4 */
	assert_int_equal(pue_raw_vtab_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* A value with random bits (xorshift64*), finite: raw samples that the
 * block forms cannot shrink. */
static double
noise(uint64_t *s)
{
	uint64_t b;
	double v;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	b = (*s * UINT64_C(2685821657736338717)) & ~(UINT64_C(1) << 62); /* exponent < 1024 */
	memcpy(&v, &b, sizeof(v));
	return v;
}

static void
test_store_migrates_schema_1_keeping_data(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	struct pue_err err;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, pue_store_schema_v1_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "INSERT INTO points VALUES(1, 'm', 'power', 'power', 'kW');"
			     "INSERT INTO samples VALUES(1767225600000, 1, 960.0);"
			     "INSERT INTO minutes VALUES(1767225600000, 16, 13, 60000, 1);"
			     "INSERT INTO minutes VALUES(1767225660000, 16, 13, 60000, 1);",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);

	st = pue_store_open(f->path, &f->sc, &err);
	assert_non_null(st);
	pue_store_close(st);
	assert_int_equal(query_int(f->path, "SELECT value FROM meta WHERE key='schema_version'"),
			 PUE_STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples WHERE value = 960"), 1);
	assert_int_equal(query_int(f->path, "SELECT facility_kwh FROM hours"), 32);
	assert_int_equal(query_int(f->path, "SELECT covered_ms FROM hours"), 120000);
}

/* Version 2 to 3 (alerts, issue 8): the data stay, the alert tables come,
 * and an alert row can be written to them. */
static void
test_store_migrates_schema_2_to_3_adding_alert_tables(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	struct pue_err err;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, pue_store_schema_v1_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, pue_store_schema_v1_to_v2_sql, NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO minutes VALUES(1767225600000, 16, 13, 60000, 1);"
				      "INSERT INTO events(t, kind, subject, message)"
				      " VALUES(1767225600000, 'meter_reset', 'm/energy', 'reset');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(query_int(f->path, "SELECT value FROM meta WHERE key='schema_version'"),
			 2);

	st = pue_store_open(f->path, &f->sc, &err);
	assert_non_null(st);
	pue_store_close(st);
	/* through 3 (alerts), 4 (pPUE zone minutes) to 5 (raw blocks) */
	assert_int_equal(query_int(f->path, "SELECT value FROM meta WHERE key='schema_version'"),
			 5);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM zone_minutes"), 0);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM minutes"), 1);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM events"), 1);
	assert_int_equal(query_int(f->path,
				   "SELECT count(*) FROM sqlite_master WHERE name IN"
				   " ('alerts', 'alert_history', 'inform_queue', 'silences')"),
			 4);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "INSERT INTO alerts(key, rule, subject, severity, state, since)"
			     " VALUES('pue_ceiling:24h', 'pue_ceiling', '24h', 'critical',"
			     " 'firing', 1767225600000)",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	/* Opening again changes nothing: version 3 stays 3. */
	st = pue_store_open(f->path, &f->sc, &err);
	assert_non_null(st);
	pue_store_close(st);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM alerts"), 1);
}

static void
test_store_refuses_a_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct pue_err err = {0};
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, pue_store_schema_v1_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '99'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_null(pue_store_open(f->path, &f->sc, &err));
	assert_non_null(strstr(err.msg, "newer than this pued"));
}

static void
test_store_minutes_add_up_and_roll_into_hours(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct pue_minute a = {T0, 8, 6.5, 40000}, b = {T0, 4, 3, 20000},
			  c = {T0 + 60000, 16, 13, 60000};

	assert_non_null(st);
	/* the same minute from before and after a restart: two covered parts */
	pue_store_add_minute(st, &a, 1);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 61000}, NULL), 0);
	pue_store_add_minute(st, &b, 2);
	pue_store_add_minute(st, &c, 1);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 121000}, NULL), 0);
	pue_store_close(st);
	assert_int_equal(
		query_int(f->path, "SELECT facility_kwh FROM minutes WHERE t = 1767225600000"), 12);
	assert_int_equal(
		query_int(f->path, "SELECT covered_ms FROM minutes WHERE t = 1767225600000"),
		60000);
	assert_int_equal(query_int(f->path, "SELECT category FROM minutes WHERE t = 1767225600000"),
			 1);
	assert_int_equal(query_int(f->path, "SELECT facility_kwh FROM hours"), 28);
	assert_int_equal(query_int(f->path, "SELECT covered_ms FROM hours"), 120000);
}

static void
test_store_retention_deletes_old_samples_in_batches(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct pue_store_stats s;
	int i, flushes = 0;

	assert_non_null(st);
	/* 12000 samples 8 days old, 10 fresh ones */
	for (i = 0; i < 12000; i++)
		pue_store_add_sample(st, 0, 0, (pue_wall_t){T0 + i}, 1.0);
	for (i = 0; i < 10; i++)
		pue_store_add_sample(st, 0, 0, (pue_wall_t){T0 + 8 * DAY_MS + i}, 2.0);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, NULL), 0);
	/* each flush deletes a bounded batch, never all at once */
	do {
		assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 8 * DAY_MS}, NULL), 0);
		pue_store_stats(st, &s);
		flushes++;
	} while (s.trimmed < 12000 && flushes < 10);
	assert_true(flushes >= 3);
	pue_store_close(st);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples"), 10);
}

static void
test_store_disk_budget_drops_raw_samples_keeps_rollups(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	struct pue_store_stats s;
	struct stat sb;
	int64_t t = T0;
	uint64_t seed = 1;
	int i, j;

	f->sc.disk_budget_bytes = UINT64_C(1) << 20;
	st = pue_store_open(f->path, &f->sc, NULL);
	assert_non_null(st);
	/* ~400k samples (far more than 1 MiB) and a minute per 60 samples; the
	 * values are noise, which no block form packs below 8 bytes (a steady
	 * series takes a fraction of a byte a sample and would stay under) */
	for (i = 0; i < 400; i++) {
		for (j = 0; j < 1000; j++, t += 60)
			pue_store_add_sample(st, 0, j & 1, (pue_wall_t){t}, noise(&seed));
		for (j = 0; j < 1; j++) {
			struct pue_minute m = {T0 + i * 60000LL, 16, 13, 60000};

			pue_store_add_minute(st, &m, 1);
		}
		assert_int_equal(pue_store_flush(st, (pue_wall_t){t}, NULL), 0);
	}
	pue_store_stats(st, &s);
	pue_store_close(st);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true((uint64_t)sb.st_size <= f->sc.disk_budget_bytes);
	assert_true(s.trimmed > 100000);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM minutes"), 400);
	assert_true(query_int(f->path, "SELECT count(*) FROM hours") >= 6);
	assert_true(query_int(f->path, "SELECT count(*) FROM samples") > 1000);
}

static void
test_store_full_disk_keeps_rows_and_recovers(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct pue_store_stats s;
	struct pue_err err = {0};
	uint64_t seed = 2;
	int i;

	assert_non_null(st);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0}, NULL), 0);
	/* the disk fills up: no page may be added (noise, which takes pages) */
	assert_int_equal(pue_store_limit_pages(st, 1), 0);
	for (i = 0; i < 5000; i++)
		pue_store_add_sample(st, 0, 0, (pue_wall_t){T0 + i}, noise(&seed));
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 5000}, &err), PUE_E_STORE);
	pue_store_stats(st, &s);
	assert_true(s.failing);
	assert_int_equal(s.pending, 5000);
	assert_non_null(strstr(s.last_error, "full"));
	/* room again: everything kept is written */
	assert_int_equal(pue_store_limit_pages(st, 1 << 30), 0);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 6000}, &err), 0);
	pue_store_stats(st, &s);
	assert_false(s.failing);
	assert_int_equal(s.pending, 0);
	pue_store_close(st);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples"), 5000);
}

/* A reload on a full disk: the old store's rows go to the new one, each
 * sample to the point of the same device, name and kind wherever the new
 * configuration puts it; a point it no longer has counts as dropped. */
static void
test_store_hand_over_moves_rows_to_the_point_of_the_same_name(void **state)
{
	enum { N = 3000 };
	struct fixture *f = *state;
	struct pue_store *old = pue_store_open(f->path, &f->sc, NULL), *heir;
	struct pue_store_point pt[2] = {
		/* m/energy moved to device 1; m/power is gone, n/power is new */
		{.device = 0,
		 .device_name = "n",
		 .point = 0,
		 .name = "power",
		 .kind = PUE_KIND_POWER},
		{.device = 1,
		 .device_name = "m",
		 .point = 0,
		 .name = "energy",
		 .kind = PUE_KIND_ENERGY},
	};
	struct pue_store_conf sc = f->sc;
	struct pue_minute m = {.start_ms = T0, .facility_kwh = 2, .it_kwh = 1, .covered_ms = 60000};
	struct pue_store_stats s;
	uint64_t seed = 3;
	int i;

	sc.points = pt;
	assert_non_null(old);
	assert_int_equal(pue_store_flush(old, (pue_wall_t){T0}, NULL), 0);
	assert_int_equal(pue_store_limit_pages(old, 1), 0);
	/* noise takes pages, which the full disk refuses */
	for (i = 0; i < N; i++) {
		pue_store_add_sample(old, 0, 0, (pue_wall_t){T0 + i * 10}, noise(&seed));
		pue_store_add_sample(old, 0, 1, (pue_wall_t){T0 + i * 10}, 100 + i);
	}
	assert_int_equal(pue_store_add_minute(old, &m, 1), 0);
	assert_int_equal(
		pue_store_add_event(old, (pue_wall_t){T0}, "meter_reset", "m/energy", "went back"),
		0);
	pue_store_set_minutes_until(old, T0 + 60000);
	assert_int_equal(pue_store_flush(old, (pue_wall_t){T0 + 60000}, NULL), PUE_E_STORE);

	heir = pue_store_open(f->path, &sc, NULL);
	assert_non_null(heir);
	assert_int_equal(pue_store_hand_over(heir, old), N + 1 + 1);
	pue_store_stats(old, &s);
	assert_int_equal(s.pending, 0); /* nothing left to write twice */
	pue_store_close(old);
	pue_store_stats(heir, &s);
	assert_int_equal(s.pending, N + 2);
	assert_int_equal(s.dropped, N);
	assert_int_equal(pue_store_flush(heir, (pue_wall_t){T0 + 61000}, NULL), 0);
	pue_store_close(heir);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples s JOIN points p"
					    " ON p.id = s.point WHERE p.device = 'm' AND"
					    " p.name = 'energy' AND s.value >= 100"),
			 N);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples"), N);
	assert_int_equal(query_int(f->path, "SELECT covered_ms FROM minutes"), 60000);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM events"), 1);
	assert_int_equal(query_int(f->path, "SELECT value FROM meta WHERE key = 'minutes_until'"),
			 T0 + 60000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_migrates_schema_1_keeping_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_store_migrates_schema_2_to_3_adding_alert_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_refuses_a_newer_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_minutes_add_up_and_roll_into_hours,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_retention_deletes_old_samples_in_batches,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_store_disk_budget_drops_raw_samples_keeps_rollups, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_store_hand_over_moves_rows_to_the_point_of_the_same_name, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_store_full_disk_keeps_rows_and_recovers, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
