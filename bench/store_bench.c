/* SPDX-License-Identifier: MIT */
/*
 * store_bench.c - what the SQLite store costs (make bench).
 *  1. sustained ingest through pue_store (queue + one transaction per
 *     flush of one poll cycle), beside a bare prepared-insert loop into the
 *     same schema in the same run: the store's overhead over SQLite itself;
 *  2. bytes per stored sample (pages in use / rows);
 *  3. the time of a 1-year report over the rollups of a 200-point site.
 * Usage: store_bench DIR [POINTS] [CYCLES]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "report.h"
#include "store.h"
#include "store_config.h"

#define T0 1767225600000LL

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pue_config *
site(const char *path, size_t n_points)
{
	struct pue_config *cfg = calloc(1, sizeof(*cfg));
	struct pue_device_conf *dev = calloc(n_points, sizeof(*dev));
	struct pue_point_conf *pt = calloc(n_points, sizeof(*pt));
	size_t i;

	for (i = 0; i < n_points; i++) {
		char *name = malloc(24);

		snprintf(name, 24, "m%zu", i);
		pt[i] = (struct pue_point_conf){.name = "energy", .num.kind = PUE_KIND_ENERGY};
		dev[i] = (struct pue_device_conf){.name = name, .points = &pt[i], .n_points = 1};
	}
	cfg->devices = dev;
	cfg->n_devices = n_points;
	cfg->storage = (struct pue_storage_conf){.path = (char *)path,
						 .raw_retention_ms = 3650LL * 86400000,
						 .minute_retention_ms = 3650LL * 86400000,
						 .disk_budget_bytes = UINT64_C(1) << 40,
						 .flush_interval_ms = 1000};
	cfg->pue.ceiling = 1.25;
	cfg->pue.warning = 1.22;
	cfg->pue.min_coverage = 0.95;
	return cfg;
}

static void
site_free(struct pue_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		free(cfg->devices[i].name);
	free(cfg->devices[0].points);
	free(cfg->devices);
	free(cfg);
}

static int64_t
pragma(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	int64_t v = 0;

	sqlite3_prepare_v2(db, sql, -1, &q, NULL);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	size_t points = argc > 2 ? strtoul(argv[2], NULL, 10) : 4000;
	size_t cycles = argc > 3 ? strtoul(argv[3], NULL, 10) : 300;
	char p1[512], p2[512], p3[512];
	struct pue_config *cfg;
	struct pue_store *st;
	struct pue_err err;
	sqlite3 *db;
	sqlite3_stmt *ins;
	double t, store_rate, bare_rate, bytes;
	size_t c, i, rows = points * cycles;

	snprintf(p1, sizeof(p1), "%s/store.db", dir);
	snprintf(p2, sizeof(p2), "%s/bare.db", dir);
	snprintf(p3, sizeof(p3), "%s/year.db", dir);
	remove(p1);
	remove(p2);
	remove(p3);

	/* 1a. through the store: one flush per poll cycle of every point */
	cfg = site(p1, points);
	if ((st = pue_store_config_open(p1, cfg, &err)) == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	t = now_s();
	for (c = 0; c < cycles; c++) {
		for (i = 0; i < points; i++)
			pue_store_add_sample(st, i, 0, (pue_wall_t){T0 + (int64_t)c * 1000},
					     1e5 + (double)c * 0.25 + (double)i);
		if (pue_store_flush(st, (pue_wall_t){T0 + (int64_t)c * 1000}, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	store_rate = (double)rows / (now_s() - t);
	pue_store_close(st);

	/* 1b. the same rows, same schema, bare prepared inserts in the same
	 * batches: what SQLite alone costs */
	st = pue_store_config_open(p2, cfg, &err); /* creates the same schema */
	pue_store_close(st);
	sqlite3_open(p2, &db);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO samples(t, point, value) VALUES(?, ?, ?)", -1, &ins,
			   NULL);
	t = now_s();
	for (c = 0; c < cycles; c++) {
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (i = 0; i < points; i++) {
			sqlite3_bind_int64(ins, 1, T0 + (int64_t)c * 1000);
			sqlite3_bind_int64(ins, 2, (int64_t)i + 1);
			sqlite3_bind_double(ins, 3, 1e5 + (double)c * 0.25 + (double)i);
			sqlite3_step(ins);
			sqlite3_reset(ins);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	bare_rate = (double)rows / (now_s() - t);
	sqlite3_finalize(ins);
	sqlite3_close(db);

	/* 2. bytes per sample in the store's database */
	sqlite3_open(p1, &db);
	bytes = (double)(pragma(db, "PRAGMA page_count") - pragma(db, "PRAGMA freelist_count")) *
		(double)pragma(db, "PRAGMA page_size") /
		(double)pragma(db, "SELECT count(*) FROM samples");
	sqlite3_close(db);
	printf("store: %zu points x %zu cycles: %.0f samples/s through pue_store, %.0f samples/s "
	       "bare inserts (%.0f%%)\n",
	       points, cycles, store_rate, bare_rate, 100.0 * store_rate / bare_rate);
	printf("store: %.1f bytes per stored sample (pages in use / rows, indexes included)\n",
	       bytes);
	site_free(cfg);

	/* 3. a year of rollups for a 200-point site, then a 1-year report */
	cfg = site(p3, 200);
	st = pue_store_config_open(p3, cfg, &err);
	for (c = 0; c < 365 * 24 * 60; c++) {
		struct pue_minute m = {T0 + (int64_t)c * 60000, 16.0, 13.3, 60000};

		pue_store_add_minute(st, &m, 1);
		if (c % 10000 == 9999)
			pue_store_flush(st, (pue_wall_t){0}, &err);
	}
	pue_store_close(st);
	{
		struct pue_report_db *r = pue_report_open(p3, &err);
		struct pue_report rep;

		t = now_s();
		pue_report_period(r, T0, T0 + 365LL * 86400000, &cfg->pue, &rep, &err);
		printf("store: 1-year report over %d minutes and %d hours of rollups: %.1f ms "
		       "(PUE %.4f, %s)\n",
		       365 * 24 * 60, 365 * 24, (now_s() - t) * 1000, rep.fig.pue, rep.verdict);
		pue_report_close(r);
	}
	site_free(cfg);
	remove(p1);
	remove(p2);
	remove(p3);
	return 0;
}
