/* SPDX-License-Identifier: MIT */
/*
 * test_report.c - report periods summed from the database: hours where the
 * minutes are gone, minutes elsewhere, and pued's first hour (which has no
 * whole hour before it) from its minutes; and the raw export's CSV. The
 * database is written by the store, as pued writes it: each minute into
 * minutes and into its hour.
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

#include <cmocka.h>
#include <sqlite3.h>

#include "report/report.h"
#include "store/store.h"

#define H13 1767272400000LL /* 2026-01-01T13:00:00Z */
#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)

struct fixture {
	char dir[64], path[128];
	struct pue_pue_conf pue;
	struct pue_store *st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pue_store_conf sc = {.raw_retention_ms = 24 * HOUR_MS,
				    .minute_retention_ms = 400 * 24 * HOUR_MS,
				    .disk_budget_bytes = UINT64_C(1) << 30};
	struct pue_err err;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-report.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	f->pue.ceiling = 1.25;
	f->pue.warning = 1.22;
	f->pue.min_coverage = 0.95;
	assert_non_null(f->st = pue_store_open(f->path, &sc, &err));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[96];

	pue_store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Minutes [from, to) at 960 / 800 kW, covered_ms each (the first one
 * first_ms: pued started inside it). */
static void
add_minutes(struct fixture *f, int64_t from, int64_t to, int64_t first_ms)
{
	struct pue_err err;
	int64_t t;

	for (t = from; t < to; t += MIN_MS) {
		int64_t c = t == from ? first_ms : MIN_MS;
		struct pue_minute m = {t, 960.0 * (double)c / 3.6e6, 800.0 * (double)c / 3.6e6, c};

		assert_int_equal(pue_store_add_minute(f->st, &m, 1), 0);
	}
	assert_int_equal(pue_store_flush(f->st, (pue_wall_t){0}, &err), 0);
}

/* The report over [from, to) has covered_s seconds of 960 / 800 kW. */
static void
check_period(struct fixture *f, int64_t from, int64_t to, double covered_s)
{
	struct pue_report_db *db;
	struct pue_report rep;
	struct pue_err err;

	assert_non_null(db = pue_report_open(f->path, &err));
	assert_int_equal(pue_report_period(db, from, to, &f->pue, &rep, &err), 0);
	pue_report_close(db);
	if (fabs(rep.fig.facility - 960.0 * covered_s / 3600) > 1e-6 ||
	    fabs(rep.fig.it - 800.0 * covered_s / 3600) > 1e-6 ||
	    fabs(rep.fig.coverage - covered_s * 1000 / (double)(to - from)) > 1e-9)
		fail_msg("[%+lld, %+lld) min from 13:00: facility %.4f kWh, IT %.4f kWh, coverage "
			 "%.6f; want %.0f s covered",
			 (long long)((from - H13) / MIN_MS), (long long)((to - H13) / MIN_MS),
			 rep.fig.facility, rep.fig.it, rep.fig.coverage, covered_s);
}

/* Issue 14 item 5: pued started at 13:38:40; a period from 13:39 to 14:00
 * is 21 whole minutes, not 0 kWh from an hourly rollup it cannot use. */
static void
test_report_first_hour_mid_hour_is_its_minutes(void **state)
{
	struct fixture *f = *state;

	add_minutes(f, H13 + 38 * MIN_MS, H13 + 70 * MIN_MS, 20000);
	check_period(f, H13 + 39 * MIN_MS, H13 + 60 * MIN_MS, 21 * 60);
	check_period(f, H13 + 39 * MIN_MS, H13 + 65 * MIN_MS, 26 * 60);
	/* from before pued started: its 20 s of 13:38 and what follows */
	check_period(f, H13 + 30 * MIN_MS, H13 + 45 * MIN_MS, 20 + 6 * 60);
	check_period(f, H13, H13 + 70 * MIN_MS, 20 + 31 * 60);
}

/* Minutes past their retention: the hours before the oldest minute come
 * from their rows (the hour holding it whole), a period starting after the
 * oldest minute from the minutes, even inside that hour. */
static void
test_report_trimmed_minutes_use_hours_before_them(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;

	add_minutes(f, H13 - 8 * HOUR_MS, H13, MIN_MS);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	/* retention took the minutes before 05:17 */
	assert_int_equal(
		sqlite3_exec(db, "DELETE FROM minutes WHERE t < 1767244620000", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	check_period(f, H13 - 8 * HOUR_MS, H13, 8 * 3600);
	check_period(f, H13 - 8 * HOUR_MS + 30 * MIN_MS, H13 - 6 * HOUR_MS + 30 * MIN_MS, 2 * 3600);
	/* from 04:00, before the data: hours 05 (whole) and minutes to 06:30 */
	check_period(f, H13 - 9 * HOUR_MS, H13 - 6 * HOUR_MS - 30 * MIN_MS, 5400);
}

/* The export's text; with rc < 0, its message too (msg, NULL allowed). */
static char *export(const char *path, const char *kind, int64_t from, int64_t to, const char *point,
		    int rc, char *msg)
{
	struct pue_report_db *db;
	struct pue_err err;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(db = pue_report_open(path, &err));
	assert_int_equal(pue_report_export(db, out, kind, from, to, point, &err), rc);
	if (msg != NULL)
		snprintf(msg, sizeof(err.msg), "%s", rc < 0 ? err.msg : "");
	pue_report_close(db);
	fclose(out);
	return text;
}

/* export --raw (issue 18): the CSV of the raw samples in [from, to), in
 * time order (ties by point), one point or all, the same text while the
 * samples wait in raw_tail and after they are in blocks. */
static void
test_report_export_raw_csv(void **state)
{
	static const char want_all[] = "time,device,point,value,unit\n"
				       "2026-01-01T13:00:00.000Z,ups-a,power,1.500000,kW\n"
				       "2026-01-01T13:00:00.000Z,incomer,energy,100123.456000,kWh\n"
				       "2026-01-01T13:00:01.000Z,ups-a,power,0.300000,kW\n"
				       "2026-01-01T13:00:01.500Z,ups-a,power,960.123457,kW\n";
	static const char want_ups[] = "time,device,point,value,unit\n"
				       "2026-01-01T13:00:00.000Z,ups-a,power,1.500000,kW\n"
				       "2026-01-01T13:00:01.000Z,ups-a,power,0.300000,kW\n";
	struct fixture *f = *state;
	struct pue_store_point pt[2] = {
		{.device = 0, .device_name = "ups-a", .name = "power", .kind = PUE_KIND_POWER},
		{.device = 1, .device_name = "incomer", .name = "energy", .kind = PUE_KIND_ENERGY}};
	struct pue_store_conf sc = {.points = pt,
				    .n_points = 2,
				    .raw_retention_ms = 24 * HOUR_MS,
				    .minute_retention_ms = 400 * 24 * HOUR_MS,
				    .disk_budget_bytes = UINT64_C(1) << 30};
	struct pue_err err;
	char *text, msg[256];
	int pass;

	pue_store_close(f->st);
	assert_non_null(f->st = pue_store_open(f->path, &sc, &err));
	pue_store_add_sample(f->st, 0, 0, (pue_wall_t){H13}, 1.5);
	pue_store_add_sample(f->st, 1, 0, (pue_wall_t){H13}, 100123456 * 1e-3);
	pue_store_add_sample(f->st, 0, 0, (pue_wall_t){H13 + 1000}, 0.1 + 0.2);
	pue_store_add_sample(f->st, 0, 0, (pue_wall_t){H13 + 1500}, 960.123456789);
	pue_store_add_sample(f->st, 0, 0, (pue_wall_t){H13 + 2000}, 7.0); /* past the end */
	assert_int_equal(pue_store_flush(f->st, (pue_wall_t){0}, &err), 0);
	for (pass = 0; pass < 2; pass++) { /* in raw_tail, then in a block (raw_open) */
		assert_string_equal(text = export(f->path, "raw", H13, H13 + 2000, NULL, 0, NULL),
				    want_all);
		free(text);
		assert_string_equal(
			text = export(f->path, "raw", H13 - 5, H13 + 1001, "ups-a/power", 0, NULL),
			want_ups);
		free(text);
		/* a point the database does not know: an error naming what it
		 * has, not an export of nothing (before: the header alone) */
		assert_string_equal(
			text = export(f->path, "raw", H13, H13 + 2000, "ups-a/nope", -ENOENT, msg),
			"");
		free(text);
		assert_string_equal(msg, "--point: device \"ups-a\" has no point \"nope\" (its "
					 "points: power)");
		free(export(f->path, "raw", H13, H13 + 2000, "nosuch/power", -ENOENT, msg));
		assert_string_equal(msg, "--point: no device \"nosuch\" in the database (its "
					 "devices: incomer, ups-a)");
		free(export(f->path, "raw", H13, H13 + 2000, "nope", -EINVAL, NULL));
		pue_store_close(f->st);
		assert_non_null(f->st = pue_store_open(f->path, &sc, &err));
	}
	pue_store_close(f->st);
	f->st = NULL;
}

/* An unknown device's error names 8 devices, in order, and counts the
 * rest: one line, whatever the site holds. */
static void
test_report_export_unknown_point_names_8(void **state)
{
	static const char *const devices[] = {"m10", "m09", "m08", "m07", "m06",
					      "m05", "m04", "m03", "m02", "m01"};
	struct fixture *f = *state;
	struct pue_store_point pt[10];
	struct pue_store_conf sc = {.points = pt,
				    .n_points = 10,
				    .raw_retention_ms = 24 * HOUR_MS,
				    .minute_retention_ms = 400 * 24 * HOUR_MS,
				    .disk_budget_bytes = UINT64_C(1) << 30};
	struct pue_err err;
	char msg[256];
	size_t i;

	for (i = 0; i < 10; i++)
		pt[i] = (struct pue_store_point){.device = i,
						 .device_name = devices[i],
						 .name = "energy",
						 .kind = PUE_KIND_ENERGY};
	pue_store_close(f->st);
	assert_non_null(f->st = pue_store_open(f->path, &sc, &err));
	pue_store_close(f->st);
	f->st = NULL;
	free(export(f->path, "raw", H13, H13 + 2000, "m11/energy", -ENOENT, msg));
	assert_string_equal(msg, "--point: no device \"m11\" in the database (its devices: m01, "
				 "m02, m03, m04, m05, m06, m07, m08 and 2 more)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_first_hour_mid_hour_is_its_minutes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_export_raw_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_export_unknown_point_names_8, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_trimmed_minutes_use_hours_before_them,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
