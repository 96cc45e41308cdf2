/* SPDX-License-Identifier: MIT */
/*
 * store_db.c - the store's connection: opening the database, its schema,
 * the points and the prepared statements, and closing it; see store_db.h.
 */
#include "store/store_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_schema.h"

/* SQLite says SQLITE_FULL when a write finds no room, but a database that
 * cannot even create its shared-memory file on a full disk says "disk I/O
 * error" (SQLITE_IOERR) or cannot open (SQLITE_CANTOPEN); the system's
 * errno tells the full disk apart from a failing one. */
static bool
disk_full(sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db) & 0xff, e = sqlite3_system_errno(db);

	return code == SQLITE_FULL ||
	       ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) && (e == ENOSPC || e == EDQUOT));
}

int
pue_store_db_error(struct pue_store *st, struct pue_err *err, const char *what)
{
	if (st->db == NULL)
		return pue_err_set(err, PUE_E_STORE, "store: %s: %s: out of memory", st->path,
				   what);
	if (disk_full(st->db))
		return pue_err_set(err, PUE_E_STORE, "store: %s: disk full (%s: %s)", st->path,
				   what, sqlite3_errmsg(st->db));
	return pue_err_set(err, PUE_E_STORE, "store: %s: %s: %s", st->path, what,
			   sqlite3_errmsg(st->db));
}

#define db_error pue_store_db_error

static int
exec_sql(struct pue_store *st, const char *sql, const char *what, struct pue_err *err)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
									: db_error(st, err, what);
}

/* Minutes and hours add up: a minute written twice (pued restarted within
 * it) holds two disjoint covered parts, and an hour is the sum of its
 * minutes. */
#define MINUTE_UPSERT(table)                                                                       \
	"INSERT INTO " table "(t, facility_kwh, it_kwh, covered_ms, category)"                     \
	" VALUES(?, ?, ?, ?, ?) ON CONFLICT(t) DO UPDATE SET"                                      \
	" facility_kwh = facility_kwh + excluded.facility_kwh,"                                    \
	" it_kwh = it_kwh + excluded.it_kwh,"                                                      \
	" covered_ms = covered_ms + excluded.covered_ms,"                                          \
	" category = min(category, excluded.category)"

int
pue_store_db_prepare(struct pue_store *st, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) ==
			       SQLITE_OK
		       ? 0
		       : -1;
}

#define prepare pue_store_db_prepare

int
pue_store_db_step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t
pue_store_db_pragma_int(sqlite3_stmt *q)
{
	int64_t v = -1;

	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return v;
}

/* The WAL is checkpointed every few pages and truncated back to a limit
 * after each reset, both scaled to the disk budget, so it stays bounded
 * while readers (puectl report, the sqlite3 shell) come and go. */
static int
set_wal_limits(struct pue_store *st, struct pue_err *err)
{
	uint64_t budget = st->stats.budget_bytes;
	uint64_t limit = budget / 8 < (UINT64_C(64) << 20) ? budget / 8 : UINT64_C(64) << 20;
	uint64_t pages = limit / 4096;
	char sql[160];

	if (pages < 16)
		pages = 16;
	if (pages > 1000)
		pages = 1000; /* SQLite's default */
	snprintf(sql, sizeof(sql),
		 "PRAGMA journal_size_limit = %llu; PRAGMA wal_autocheckpoint = %llu;",
		 (unsigned long long)limit, (unsigned long long)pages);
	return exec_sql(st, sql, "setting the WAL limits", err);
}

int
pue_store_db_compare_ids(const void *a, const void *b)
{
	const struct point_ref *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The largest point index of device d among the kept points, plus one. */
static size_t
points_of(const struct pue_store *st, size_t d)
{
	size_t i, n = 0;

	for (i = 0; i < st->n_kept; i++)
		if (st->kept[i].device == d && st->kept[i].point >= n)
			n = st->kept[i].point + 1;
	return n;
}

static int
register_points(struct pue_store *st, struct pue_err *err)
{
	sqlite3_stmt *ins = NULL, *sel = NULL;
	size_t d, i, n;
	int rc = 0;

	st->point_ids = calloc(st->n_devices ? st->n_devices : 1, sizeof(*st->point_ids));
	st->by_id = calloc(st->n_kept ? st->n_kept : 1, sizeof(*st->by_id));
	if (st->point_ids == NULL || st->by_id == NULL)
		return pue_err_set(err, -ENOMEM, "store: out of memory");
	for (d = 0; d < st->n_devices; d++) {
		n = points_of(st, d);
		st->point_ids[d] = calloc(n ? n : 1, sizeof(int64_t));
		if (st->point_ids[d] == NULL)
			return pue_err_set(err, -ENOMEM, "store: out of memory");
	}
	if (sqlite3_prepare_v2(st->db,
			       "INSERT OR IGNORE INTO points(device, name, kind, unit)"
			       " VALUES(?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT id FROM points WHERE device = ? AND name = ?", -1,
			       &sel, NULL) != SQLITE_OK) {
		rc = db_error(st, err, "preparing point statements");
		goto out;
	}
	for (i = 0; i < st->n_kept; i++) {
		const struct kept_point *pt = &st->kept[i];

		sqlite3_bind_text(ins, 1, pt->device_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, pt->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, pt->kind == PUE_KIND_POWER ? "power" : "energy", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, pt->kind == PUE_KIND_POWER ? "kW" : "kWh", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(sel, 1, pt->device_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(sel, 2, pt->name, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(sel) != SQLITE_ROW) {
			rc = db_error(st, err, "registering points");
			break;
		}
		st->point_ids[pt->device][pt->point] = sqlite3_column_int64(sel, 0);
		st->by_id[st->n_points++] = (struct point_ref){st->point_ids[pt->device][pt->point],
							       pt->device, pt->point};
		sqlite3_reset(ins);
		sqlite3_reset(sel);
	}
	qsort(st->by_id, st->n_points, sizeof(*st->by_id), pue_store_db_compare_ids);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	return rc;
}

/* Closes the connection and what belongs to it; the queued rows stay. */
void
pue_store_db_disconnect(struct pue_store *st)
{
	sqlite3_stmt **const stmts[] = {
		&st->ins_minute,     &st->ins_hour,    &st->ins_event,
		&st->set_meta,	     &st->del_minutes, &st->page_count,
		&st->freelist_count, &st->ins_zone,    &st->del_zone_minutes,
	};
	size_t i;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		sqlite3_finalize(*stmts[i]);
		*stmts[i] = NULL;
	}
	/* Every statement is finalized above, so the close cannot find one
	 * still open; should it fail all the same, the stats say so. */
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		snprintf(st->stats.last_error, sizeof(st->stats.last_error), "store: %s: close: %s",
			 st->path, sqlite3_errmsg(st->db));
	st->db = NULL;
	if (st->point_ids != NULL)
		for (i = 0; i < st->n_devices; i++)
			free(st->point_ids[i]);
	free(st->point_ids);
	st->point_ids = NULL;
	free(st->by_id);
	st->by_id = NULL;
	st->n_points = 0;
}

/* Opens the database for writing: the connection, its schema, the points
 * and the statements. On failure nothing stays open and *full says whether
 * a full disk was the cause. */
int
pue_store_db_connect(struct pue_store *st, bool *full, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int rc = PUE_E_STORE;

	*full = false;
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		db_error(st, err, "opening");
		goto fail;
	}
	/* A reader (puectl report, the sqlite3 shell) may hold a lock briefly. */
	sqlite3_busy_timeout(st->db, 200);
	/* The page cache holds at most 256 KiB (SQLite's default is 2000
	 * KiB per connection, and grows to it as the database does): a flush
	 * appends to the ends of raw_tail, raw_blocks and the rollups.
	 * bench/store (4000 points a flush): the same ingest rate with 2000,
	 * 512 or 256 KiB and 497,124 bytes written per flush at 256 against
	 * 495,376 at 512; at 128 KiB pages spill before the commit, 552,594
	 * (issue 18). */
	if (exec_sql(st, "PRAGMA cache_size = -256", "opening", err) < 0)
		goto fail;
	/* WAL: readers never block the writer. synchronous=NORMAL: a power
	 * loss may lose the last transaction, never corrupt the database. */
	if (exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "opening", err) <
		    0 ||
	    set_wal_limits(st, err) < 0 || exec_sql(st, "BEGIN IMMEDIATE", "opening", err) < 0)
		goto fail;
	if (pue_store_schema_upgrade(st->db, err) < 0) {
		if (disk_full(st->db))
			db_error(st, err, "creating the schema");
		goto fail;
	}
	if (register_points(st, err) < 0 || exec_sql(st, "COMMIT", "opening", err) < 0)
		goto fail;
	if (prepare(st, "PRAGMA page_size", &q) == 0)
		st->page_size = pue_store_db_pragma_int(q);
	sqlite3_finalize(q);
	if (prepare(st, MINUTE_UPSERT("minutes"), &st->ins_minute) < 0 ||
	    prepare(st, MINUTE_UPSERT("hours"), &st->ins_hour) < 0 ||
	    prepare(st, "DELETE FROM minutes WHERE t < ?", &st->del_minutes) < 0 ||
	    prepare(st,
		    "INSERT INTO zone_minutes(zone, t, facility_kwh, it_kwh, covered_ms)"
		    " VALUES(?, ?, ?, ?, ?) ON CONFLICT(zone, t) DO UPDATE SET"
		    " facility_kwh = facility_kwh + excluded.facility_kwh,"
		    " it_kwh = it_kwh + excluded.it_kwh,"
		    " covered_ms = covered_ms + excluded.covered_ms",
		    &st->ins_zone) < 0 ||
	    prepare(st, "DELETE FROM zone_minutes WHERE t < ?", &st->del_zone_minutes) < 0 ||
	    prepare(st, "PRAGMA page_count", &st->page_count) < 0 ||
	    prepare(st, "PRAGMA freelist_count", &st->freelist_count) < 0 ||
	    prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st->set_meta) <
		    0 ||
	    prepare(st, "INSERT INTO events(t, kind, subject, message) VALUES(?, ?, ?, ?)",
		    &st->ins_event) < 0) {
		db_error(st, err, "preparing statements");
		goto fail;
	}
	return 0;
fail:
	*full = st->db != NULL && disk_full(st->db);
	pue_store_db_disconnect(st);
	return rc;
}
