/* SPDX-License-Identifier: MIT */
/* store.c - the SQLite side of pued; see store.h. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store_internal.h"
#include "store_schema.h"

/* With nothing to write, retention runs at most this often: a flush every
 * second need not open a transaction every second. */
#define IDLE_TRIM_MS 60000

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
#define step_reset pue_store_step_reset
#define prepare pue_store_prepare

static int
exec_sql(struct pue_store *st, const char *sql, const char *what, struct pue_err *err)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
									: db_error(st, err, what);
}

int
pue_store_step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define HOUR_MS (3600 * 1000)
/* Rows a flush deletes at most for retention, so a backlog of old samples
 * (after a retention change, or a long stop) is worked off over many
 * flushes and no single write stalls the loop. */
#define TRIM_BATCH 5000

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
pue_store_prepare(struct pue_store *st, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) ==
			       SQLITE_OK
		       ? 0
		       : -1;
}

static int64_t
pragma_int(sqlite3_stmt *q)
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
	uint64_t budget = st->cfg->storage.disk_budget_bytes;
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

/* Retention and the disk budget, inside the flush's transaction. */
static int
trim(struct pue_store *st, pue_wall_t now, size_t just_written)
{
	const struct pue_storage_conf *sc = &st->cfg->storage;
	int64_t used, batch = TRIM_BATCH;

	if (now.ms == 0)
		return 0;
	if (pue_store_blocks_drop(st, now.ms - sc->raw_retention_ms, TRIM_BATCH) < 0)
		return -1;
	sqlite3_bind_int64(st->del_minutes, 1, now.ms - sc->minute_retention_ms);
	sqlite3_bind_int64(st->del_zone_minutes, 1, now.ms - sc->minute_retention_ms);
	if (step_reset(st->del_minutes) < 0 || step_reset(st->del_zone_minutes) < 0)
		return -1;
	used = (pragma_int(st->page_count) - pragma_int(st->freelist_count)) * st->page_size;
	st->stats.used_bytes = used > 0 ? (uint64_t)used : 0;
	/* Over 90% of the budget: the oldest raw samples go first, faster than
	 * new ones arrive, and the rollups stay. Freed pages are reused, so
	 * the file stops growing. */
	if (used > 0 && (uint64_t)used > sc->disk_budget_bytes / 10 * 9) {
		if ((int64_t)just_written * 2 > batch)
			batch = (int64_t)just_written * 2;
		if (!st->stats.over_budget)
			pue_log(LOG_NOTICE,
				"store: database at %lld of %llu bytes allowed; dropping the "
				"oldest "
				"raw samples (rollups are kept)",
				(long long)used, (unsigned long long)sc->disk_budget_bytes);
		st->stats.over_budget = true;
		return pue_store_blocks_drop(st, INT64_MAX, batch);
	}
	st->stats.over_budget = false;
	return 0;
}

int
pue_store_compare_ids(const void *a, const void *b)
{
	const struct point_ref *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
register_points(struct pue_store *st, struct pue_err *err)
{
	const struct pue_config *cfg = st->cfg;
	sqlite3_stmt *ins = NULL, *sel = NULL;
	size_t d, p, n = 0;
	int rc = 0;

	for (d = 0; d < cfg->n_devices; d++)
		n += cfg->devices[d].n_points;
	st->point_ids = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*st->point_ids));
	st->by_id = calloc(n ? n : 1, sizeof(*st->by_id));
	if (st->point_ids == NULL || st->by_id == NULL)
		return pue_err_set(err, -ENOMEM, "store: out of memory");
	if (sqlite3_prepare_v2(st->db,
			       "INSERT OR IGNORE INTO points(device, name, kind, unit)"
			       " VALUES(?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT id FROM points WHERE device = ? AND name = ?", -1,
			       &sel, NULL) != SQLITE_OK) {
		rc = db_error(st, err, "preparing point statements");
		goto out;
	}
	for (d = 0; d < cfg->n_devices && rc == 0; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];

		st->point_ids[d] = calloc(dev->n_points ? dev->n_points : 1, sizeof(int64_t));
		if (st->point_ids[d] == NULL) {
			rc = pue_err_set(err, -ENOMEM, "store: out of memory");
			break;
		}
		for (p = 0; p < dev->n_points; p++) {
			const struct pue_point_conf *pt = &dev->points[p];

			sqlite3_bind_text(ins, 1, dev->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, pt->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, pt->kind == PUE_KIND_POWER ? "power" : "energy",
					  -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 4, pt->kind == PUE_KIND_POWER ? "kW" : "kWh", -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(sel, 1, dev->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(sel, 2, pt->name, -1, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(sel) != SQLITE_ROW) {
				rc = db_error(st, err, "registering points");
				break;
			}
			st->point_ids[d][p] = sqlite3_column_int64(sel, 0);
			st->by_id[st->n_points++] = (struct point_ref){st->point_ids[d][p], d, p};
			sqlite3_reset(ins);
			sqlite3_reset(sel);
		}
	}
	qsort(st->by_id, st->n_points, sizeof(*st->by_id), pue_store_compare_ids);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	return rc;
}

/* Closes the connection and what belongs to it; the queued rows stay. */
static void
disconnect(struct pue_store *st)
{
	sqlite3_stmt **const stmts[] = {
		&st->ins_minute,     &st->ins_hour,    &st->ins_event,
		&st->set_until,	     &st->del_minutes, &st->page_count,
		&st->freelist_count, &st->ins_zone,    &st->del_zone_minutes,
	};
	size_t i;

	pue_store_blocks_disconnect(st);
	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		sqlite3_finalize(*stmts[i]);
		*stmts[i] = NULL;
	}
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		pue_log(LOG_ERR, "store: %s: close: %s", st->path, sqlite3_errmsg(st->db));
	st->db = NULL;
	if (st->point_ids != NULL)
		for (i = 0; i < st->cfg->n_devices; i++)
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
static int
connect_db(struct pue_store *st, bool *full, struct pue_err *err)
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
		st->page_size = pragma_int(q);
	sqlite3_finalize(q);
	if (pue_store_blocks_prepare(st) < 0 ||
	    prepare(st, MINUTE_UPSERT("minutes"), &st->ins_minute) < 0 ||
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
	    prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES('minutes_until', ?)",
		    &st->set_until) < 0 ||
	    prepare(st, "INSERT INTO events(t, kind, subject, message) VALUES(?, ?, ?, ?)",
		    &st->ins_event) < 0) {
		db_error(st, err, "preparing statements");
		goto fail;
	}
	return 0;
fail:
	*full = st->db != NULL && disk_full(st->db);
	disconnect(st);
	return rc;
}

struct pue_store *
pue_store_open(const char *path, const struct pue_config *cfg, struct pue_err *err)
{
	struct pue_store *st = calloc(1, sizeof(*st));
	bool full;

	if (st == NULL || (st->path = strdup(path)) == NULL) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		free(st);
		return NULL;
	}
	st->cfg = cfg;
	st->page_size = 4096;
	if (pue_store_blocks_init(st) < 0) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		st->cfg = NULL; /* nothing to flush */
		pue_store_close(st);
		return NULL;
	}
	if (connect_db(st, &full, err) == 0)
		return st;
	if (!full) {
		pue_store_close(st);
		return NULL;
	}
	/* A full disk at start is survived as one at runtime is: pued polls
	 * and computes, the rows wait in memory, and each flush tries to
	 * open the database again. */
	st->stats.failing = true;
	snprintf(st->stats.last_error, sizeof(st->stats.last_error), "%s", err->msg);
	pue_log(LOG_ERR, "%s; running without it, keeping rows in memory until it can write",
		err->msg);
	return st;
}

bool
pue_store_is_open(const struct pue_store *st)
{
	return st->db != NULL;
}

static void
free_events(struct pue_store *st)
{
	size_t i;

	for (i = 0; i < st->n_events; i++) {
		free(st->events[i].kind);
		free(st->events[i].subject);
		free(st->events[i].message);
	}
	st->n_events = 0;
}

void
pue_store_close(struct pue_store *st)
{
	struct pue_err err;

	if (st == NULL)
		return;
	if (st->cfg != NULL && pue_store_flush(st, (pue_wall_t){0}, &err) < 0)
		pue_log(LOG_ERR, "%s (%zu rows lost at exit)", err.msg, st->stats.pending);
	else if (st->cfg != NULL && pue_store_blocks_checkpoint(st) < 0)
		pue_log(LOG_WARNING,
			"store: %s: the last checkpoint: %s (the next start "
			"reads raw_tail instead)",
			st->path, sqlite3_errmsg(st->db));
	disconnect(st);
	pue_store_blocks_free(st);
	free(st->path);
	free(st->samples);
	free(st->minutes);
	free_events(st);
	free(st->events);
	free(st);
}

/* Grows an array of rows by one; NULL when memory runs out. */
static void *
grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		void *a = reallocarray(*arr, c, size);

		if (a == NULL)
			return NULL;
		*arr = a;
		*cap = c;
	}
	return (char *)*arr + (*n)++ * size;
}

int
pue_store_add_sample(struct pue_store *st, size_t device, size_t point, pue_wall_t t, double value)
{
	struct sample_row *row;

	if (st->n_samples >= PUE_STORE_MAX_PENDING) {
		st->stats.dropped++;
		return -ENOBUFS;
	}
	row = grow((void **)&st->samples, &st->n_samples, &st->cap_samples, sizeof(*row));
	if (row == NULL) {
		st->stats.dropped++;
		return -ENOMEM;
	}
	*row = (struct sample_row){t.ms, device, point, value};
	return 0;
}

int
pue_store_add_minute(struct pue_store *st, const struct pue_minute *m, int category)
{
	struct minute_row *row =
		grow((void **)&st->minutes, &st->n_minutes, &st->cap_minutes, sizeof(*row));

	if (row == NULL)
		return -ENOMEM;
	*row = (struct minute_row){*m, category, -1};
	return 0;
}

int
pue_store_add_zone_minute(struct pue_store *st, size_t zone, const struct pue_minute *m)
{
	struct minute_row *row;

	if (zone >= st->cfg->pue.n_zones)
		return -EINVAL;
	row = grow((void **)&st->minutes, &st->n_minutes, &st->cap_minutes, sizeof(*row));
	if (row == NULL)
		return -ENOMEM;
	*row = (struct minute_row){*m, 0, (int)zone};
	return 0;
}

int
pue_store_add_event(struct pue_store *st, pue_wall_t t, const char *kind, const char *subject,
		    const char *message)
{
	struct event_row *row =
		grow((void **)&st->events, &st->n_events, &st->cap_events, sizeof(*row));

	if (row == NULL)
		return -ENOMEM;
	row->t_ms = t.ms;
	row->kind = strdup(kind);
	row->subject = strdup(subject);
	row->message = strdup(message);
	if (row->kind == NULL || row->subject == NULL || row->message == NULL) {
		free(row->kind);
		free(row->subject);
		free(row->message);
		st->n_events--;
		return -ENOMEM;
	}
	return 0;
}

static int
write_minute(sqlite3_stmt *s, int64_t t_ms, const struct minute_row *r)
{
	sqlite3_bind_int64(s, 1, t_ms);
	sqlite3_bind_double(s, 2, r->m.facility_kwh);
	sqlite3_bind_double(s, 3, r->m.it_kwh);
	sqlite3_bind_int64(s, 4, r->m.covered_ms);
	sqlite3_bind_int(s, 5, r->category);
	return step_reset(s);
}

static int
write_all(struct pue_store *st)
{
	size_t i;
	int rc;

	if ((rc = pue_store_blocks_write(st)) < 0)
		return rc;
	for (i = 0; i < st->n_minutes; i++) {
		const struct minute_row *r = &st->minutes[i];

		if (r->zone >= 0) {
			sqlite3_bind_text(st->ins_zone, 1, st->cfg->pue.zones[r->zone].name, -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st->ins_zone, 2, r->m.start_ms);
			sqlite3_bind_double(st->ins_zone, 3, r->m.facility_kwh);
			sqlite3_bind_double(st->ins_zone, 4, r->m.it_kwh);
			sqlite3_bind_int64(st->ins_zone, 5, r->m.covered_ms);
			if (step_reset(st->ins_zone) < 0)
				return -1;
			continue;
		}
		if (write_minute(st->ins_minute, r->m.start_ms, r) < 0 ||
		    write_minute(st->ins_hour, r->m.start_ms - r->m.start_ms % HOUR_MS, r) < 0)
			return -1;
	}
	for (i = 0; i < st->n_events; i++) {
		const struct event_row *r = &st->events[i];

		sqlite3_bind_int64(st->ins_event, 1, r->t_ms);
		sqlite3_bind_text(st->ins_event, 2, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->ins_event, 3, r->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->ins_event, 4, r->message, -1, SQLITE_STATIC);
		if (step_reset(st->ins_event) < 0)
			return -1;
	}
	if (st->minutes_until_dirty) {
		sqlite3_bind_int64(st->set_until, 1, st->minutes_until);
		if (step_reset(st->set_until) < 0)
			return -1;
	}
	return 0;
}

int
pue_store_flush(struct pue_store *st, pue_wall_t now, struct pue_err *err)
{
	size_t rows = st->n_samples + st->n_minutes + st->n_events;
	uint64_t trimmed_before = st->stats.trimmed;
	bool full;
	int rc;

	st->stats.pending = rows;
	/* Nothing to write, and retention ran a moment ago with nothing left
	 * over: no transaction. */
	if (rows == 0 && st->db != NULL && !st->minutes_until_dirty &&
	    (now.ms == 0 || (!st->trim_more && now.ms >= st->trimmed_ms &&
			     now.ms - st->trimmed_ms < IDLE_TRIM_MS)))
		return 0;
	if (st->db == NULL && connect_db(st, &full, err) == 0)
		pue_log(LOG_NOTICE, "store: %s opened", st->path);
	if (st->db == NULL)
		rc = PUE_E_STORE;
	else if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(st, err, "begin");
	else if ((rc = write_all(st)) < 0 || trim(st, now, st->n_samples) < 0) {
		rc = rc == -ENOMEM ? pue_err_set(err, -ENOMEM, "store: %s: out of memory", st->path)
				   : db_error(st, err, "write");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_error(st, err, "commit");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else
		rc = 0;
	if (st->db != NULL)
		pue_store_blocks_done(st, rc == 0);
	if (rc == 0 && now.ms != 0) {
		st->trimmed_ms = now.ms;
		st->trim_more = st->stats.trimmed != trimmed_before || st->stats.over_budget;
	}
	if (rc < 0) {
		if (!st->stats.failing)
			pue_log(LOG_ERR, "%s; keeping %zu rows in memory until it can write",
				err->msg, rows);
		st->stats.failing = true;
		snprintf(st->stats.last_error, sizeof(st->stats.last_error), "%s", err->msg);
		return rc;
	}
	if (st->stats.failing)
		pue_log(LOG_NOTICE, "store: writing again (%zu rows caught up, %llu dropped)", rows,
			(unsigned long long)st->stats.dropped);
	st->stats.failing = false;
	st->stats.last_error[0] = '\0';
	st->stats.written += st->n_samples;
	st->stats.minutes_written += st->n_minutes;
	st->n_samples = 0;
	st->n_minutes = 0;
	st->minutes_until_dirty = false;
	free_events(st);
	st->stats.pending = 0;
	return 0;
}

void
pue_store_set_minutes_until(struct pue_store *st, int64_t until_ms)
{
	if (until_ms != st->minutes_until) {
		st->minutes_until = until_ms;
		st->minutes_until_dirty = true;
	}
}

void
pue_store_stats(const struct pue_store *st, struct pue_store_stats *out)
{
	*out = st->stats;
	out->pending = st->n_samples + st->n_minutes + st->n_events;
}

int
pue_store_limit_pages(struct pue_store *st, int64_t pages)
{
	char sql[64];

	if (st->db == NULL)
		return PUE_E_STORE;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages);
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : PUE_E_STORE;
}
