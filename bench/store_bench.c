/* SPDX-License-Identifier: MIT */
/*
 * store_bench.c - what the SQLite store costs (make bench).
 *  1. sustained ingest through pue_store (queue + one transaction per
 *     flush of one poll cycle, raw samples in compressed blocks), beside a
 *     bare prepared-insert loop into schema 4's samples table (one row a
 *     sample, key (t, point)) in the same run, with the bytes each writes
 *     per sample (write(2) calls: the WAL and its checkpoints);
 *  2. bytes per stored sample in both (pages in use / samples);
 *  3. the time of a 1-year report over the rollups of a 200-point site.
 * The points alternate between an energy counter in Wh (pued's count x
 * 1e-3 kWh, about 267 Wh a second) and a float32 kW power that moves a
 * little each poll, stamped a few ms after each whole second, as answers
 * come.
 * Usage: store_bench DIR [POINTS] [CYCLES]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store/raw_vtab.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_config.h"

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

/* Poll c of point i: its time and value. */
static int64_t
stamp(size_t c, size_t i)
{
	return T0 + (int64_t)c * 1000 + (int64_t)((c * 7 + i * 13) % 5);
}

static double
reading(size_t c, size_t i)
{
	if (i % 2)
		return (double)(100000000 + 267 * (int64_t)c + (int64_t)((c + i) % 3) +
				1000 * (int64_t)i) *
		       1e-3;
	return (double)(float)(100.0 + (double)i + (double)((c * 31 + i) % 17) / 16.0);
}

/* Bytes this process has passed to write(2) and its kin so far. */
static double
written(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	double v = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "wchar: %lf", &v) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return v;
}

static double
bytes_per_row(const char *path, const char *count_sql)
{
	sqlite3 *db;
	double bytes;

	sqlite3_open(path, &db);
	pue_raw_vtab_register(db);
	bytes = (double)(pragma(db, "PRAGMA page_count") - pragma(db, "PRAGMA freelist_count")) *
		(double)pragma(db, "PRAGMA page_size") / (double)pragma(db, count_sql);
	sqlite3_close(db);
	return bytes;
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
	double t, w, store_rate, bare_rate, store_w, bare_w;
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
	w = written();
	for (c = 0; c < cycles; c++) {
		for (i = 0; i < points; i++)
			pue_store_add_sample(st, i, 0, (pue_wall_t){stamp(c, i)}, reading(c, i));
		if (pue_store_flush(st, (pue_wall_t){T0 + (int64_t)c * 1000 + 5}, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	store_rate = (double)rows / (now_s() - t);
	pue_store_close(st);
	store_w = (written() - w) / (double)cycles;

	/* 1b. the same rows as schema 4 stored them, bare prepared inserts in
	 * the same batches, the store's WAL settings: what the old layout
	 * costs with SQLite alone */
	sqlite3_open(p2, &db);
	sqlite3_exec(db,
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     "CREATE TABLE samples(t INTEGER NOT NULL, point INTEGER NOT NULL,"
		     " value REAL NOT NULL, PRIMARY KEY(t, point)) WITHOUT ROWID;",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO samples(t, point, value) VALUES(?, ?, ?)", -1, &ins,
			   NULL);
	t = now_s();
	w = written();
	for (c = 0; c < cycles; c++) {
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (i = 0; i < points; i++) {
			sqlite3_bind_int64(ins, 1, stamp(c, i));
			sqlite3_bind_int64(ins, 2, (int64_t)i + 1);
			sqlite3_bind_double(ins, 3, reading(c, i));
			sqlite3_step(ins);
			sqlite3_reset(ins);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	bare_rate = (double)rows / (now_s() - t);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	bare_w = (written() - w) / (double)cycles;

	/* 2. bytes per sample in each database */
	printf("store: %zu points x %zu cycles: %.0f samples/s through pue_store (blocks), %.0f "
	       "samples/s bare inserts into schema 4's samples table\n",
	       points, cycles, store_rate, bare_rate);
	printf("store: bytes written per flush of %zu samples: %.0f through pue_store, %.0f "
	       "schema 4 bare (%.1f and %.1f per sample)\n",
	       points, store_w, bare_w, store_w / (double)points, bare_w / (double)points);
	printf("store: %.2f bytes per stored sample through pue_store, %.1f in schema 4's table "
	       "(pages in use / samples, indexes included)\n",
	       bytes_per_row(p1, "SELECT count(*) FROM samples"),
	       bytes_per_row(p2, "SELECT count(*) FROM samples"));
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
