/* SPDX-License-Identifier: MIT */
/* store.c - the SQLite side of pued; see store.h. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store_schema.h"

struct sample_row {
	int64_t t_ms;
	int64_t point_id;
	double value;
};

struct event_row {
	int64_t t_ms;
	char *kind, *subject, *message;
};

struct minute_row {
	struct pue_minute m;
	int category;
};

/* A point's id in the database and where it sits in the configuration. */
struct point_ref {
	int64_t id;
	size_t device, point;
};

struct pue_store {
	sqlite3 *db;
	char *path;
	const struct pue_config *cfg;
	int64_t **point_ids;	 /* [device][point] */
	struct point_ref *by_id; /* every configured point, sorted by id */
	size_t n_points;
	int64_t minutes_until; /* see pue_store_set_minutes_until() */
	bool minutes_until_dirty;
	sqlite3_stmt *ins_sample, *ins_minute, *ins_hour, *ins_event, *set_until;
	sqlite3_stmt *oldest_after, *del_samples, *del_minutes;
	sqlite3_stmt *page_count, *freelist_count;
	int64_t page_size;
	struct sample_row *samples;
	size_t n_samples, cap_samples;
	struct minute_row *minutes;
	size_t n_minutes, cap_minutes;
	struct event_row *events;
	size_t n_events, cap_events;
	struct pue_store_stats stats;
};

static int
db_error(struct pue_store *st, struct pue_err *err, const char *what)
{
	return pue_err_set(err, PUE_E_STORE, "store: %s: %s", what, sqlite3_errmsg(st->db));
}

static int
exec_sql(struct pue_store *st, const char *sql, struct pue_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pue_err_set(err, PUE_E_STORE, "store: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return PUE_E_STORE;
	}
	return 0;
}

static int
step_reset(sqlite3_stmt *s)
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

static int
prepare(struct pue_store *st, const char *sql, sqlite3_stmt **out)
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
	return exec_sql(st, sql, err);
}

/* Deletes samples older than cut, at most about batch of them (rows that
 * share the batch's last timestamp go too). */
static int
delete_samples_before(struct pue_store *st, int64_t cut, int64_t batch)
{
	int64_t upto = cut;

	sqlite3_bind_int64(st->oldest_after, 1, cut);
	sqlite3_bind_int64(st->oldest_after, 2, batch);
	if (sqlite3_step(st->oldest_after) == SQLITE_ROW)
		upto = sqlite3_column_int64(st->oldest_after, 0);
	sqlite3_reset(st->oldest_after);
	sqlite3_bind_int64(st->del_samples, 1, upto);
	if (step_reset(st->del_samples) < 0)
		return -1;
	st->stats.trimmed += (uint64_t)sqlite3_changes(st->db);
	return 0;
}

/* Retention and the disk budget, inside the flush's transaction. */
static int
trim(struct pue_store *st, pue_wall_t now, size_t just_written)
{
	const struct pue_storage_conf *sc = &st->cfg->storage;
	int64_t used, batch = TRIM_BATCH;

	if (now.ms == 0)
		return 0;
	if (delete_samples_before(st, now.ms - sc->raw_retention_ms, TRIM_BATCH) < 0)
		return -1;
	sqlite3_bind_int64(st->del_minutes, 1, now.ms - sc->minute_retention_ms);
	if (step_reset(st->del_minutes) < 0)
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
		return delete_samples_before(st, INT64_MAX, batch);
	}
	st->stats.over_budget = false;
	return 0;
}

static int
compare_ids(const void *a, const void *b)
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
	qsort(st->by_id, st->n_points, sizeof(*st->by_id), compare_ids);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	return rc;
}

struct pue_store *
pue_store_open(const char *path, const struct pue_config *cfg, struct pue_err *err)
{
	struct pue_store *st = calloc(1, sizeof(*st));

	if (st == NULL) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		return NULL;
	}
	st->cfg = cfg;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		pue_err_set(err, PUE_E_STORE, "store: %s: %s", path,
			    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* A reader (puectl report, the sqlite3 shell) may hold a lock briefly. */
	sqlite3_busy_timeout(st->db, 200);
	/* WAL: readers never block the writer. synchronous=NORMAL: a power
	 * loss may lose the last transaction, never corrupt the database. */
	if (exec_sql(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err) < 0 ||
	    set_wal_limits(st, err) < 0 || exec_sql(st, "BEGIN IMMEDIATE", err) < 0 ||
	    pue_store_schema_upgrade(st->db, err) < 0 || register_points(st, err) < 0 ||
	    exec_sql(st, "COMMIT", err) < 0)
		goto fail;
	st->page_size = 4096;
	{
		sqlite3_stmt *q = NULL;

		if (prepare(st, "PRAGMA page_size", &q) == 0)
			st->page_size = pragma_int(q);
		sqlite3_finalize(q);
	}
	if ((st->path = strdup(path)) == NULL) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		goto fail;
	}
	if (prepare(st, "INSERT OR REPLACE INTO samples(t, point, value) VALUES(?, ?, ?)",
		    &st->ins_sample) < 0 ||
	    prepare(st, MINUTE_UPSERT("minutes"), &st->ins_minute) < 0 ||
	    prepare(st, MINUTE_UPSERT("hours"), &st->ins_hour) < 0 ||
	    prepare(st, "SELECT t FROM samples WHERE t < ? ORDER BY t LIMIT 1 OFFSET ?",
		    &st->oldest_after) < 0 ||
	    prepare(st, "DELETE FROM samples WHERE t < ?", &st->del_samples) < 0 ||
	    prepare(st, "DELETE FROM minutes WHERE t < ?", &st->del_minutes) < 0 ||
	    prepare(st, "PRAGMA page_count", &st->page_count) < 0 ||
	    prepare(st, "PRAGMA freelist_count", &st->freelist_count) < 0 ||
	    prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES('minutes_until', ?)",
		    &st->set_until) < 0 ||
	    sqlite3_prepare_v3(st->db,
			       "INSERT INTO events(t, kind, subject, message) VALUES(?, ?, ?, ?)",
			       -1, SQLITE_PREPARE_PERSISTENT, &st->ins_event, NULL) != SQLITE_OK) {
		db_error(st, err, "preparing statements");
		goto fail;
	}
	return st;
fail:
	pue_store_close(st);
	return NULL;
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
	size_t d;

	if (st == NULL)
		return;
	if (st->ins_sample != NULL && pue_store_flush(st, (pue_wall_t){0}, &err) < 0)
		pue_log(LOG_ERR, "%s (%zu rows lost at exit)", err.msg, st->stats.pending);
	sqlite3_finalize(st->ins_sample);
	sqlite3_finalize(st->ins_minute);
	sqlite3_finalize(st->ins_hour);
	sqlite3_finalize(st->ins_event);
	sqlite3_finalize(st->oldest_after);
	sqlite3_finalize(st->del_samples);
	sqlite3_finalize(st->del_minutes);
	sqlite3_finalize(st->page_count);
	sqlite3_finalize(st->freelist_count);
	sqlite3_finalize(st->set_until);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		pue_log(LOG_ERR, "store: close: %s", sqlite3_errmsg(st->db));
	if (st->point_ids != NULL)
		for (d = 0; d < st->cfg->n_devices; d++)
			free(st->point_ids[d]);
	free(st->point_ids);
	free(st->by_id);
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
	*row = (struct sample_row){t.ms, st->point_ids[device][point], value};
	return 0;
}

int
pue_store_add_minute(struct pue_store *st, const struct pue_minute *m, int category)
{
	struct minute_row *row =
		grow((void **)&st->minutes, &st->n_minutes, &st->cap_minutes, sizeof(*row));

	if (row == NULL)
		return -ENOMEM;
	*row = (struct minute_row){*m, category};
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

	for (i = 0; i < st->n_samples; i++) {
		sqlite3_bind_int64(st->ins_sample, 1, st->samples[i].t_ms);
		sqlite3_bind_int64(st->ins_sample, 2, st->samples[i].point_id);
		sqlite3_bind_double(st->ins_sample, 3, st->samples[i].value);
		if (step_reset(st->ins_sample) < 0)
			return -1;
	}
	for (i = 0; i < st->n_minutes; i++) {
		const struct minute_row *r = &st->minutes[i];

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
	int rc;

	st->stats.pending = rows;
	if (rows == 0 && now.ms == 0)
		return 0; /* nothing to write and no retention to apply */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(st, err, "begin");
	else if (write_all(st) < 0 || trim(st, now, st->n_samples) < 0) {
		rc = db_error(st, err, "write");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_error(st, err, "commit");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else
		rc = 0;
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
	st->n_samples = 0;
	st->n_minutes = 0;
	st->minutes_until_dirty = false;
	free_events(st);
	st->stats.pending = 0;
	return 0;
}

int
pue_store_load_minutes(struct pue_store *st, int64_t since_ms, pue_minute_cb cb, void *arg,
		       struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int n = 0, rc;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT t, facility_kwh, it_kwh, covered_ms FROM minutes"
			       " WHERE t >= ? ORDER BY t",
			       -1, &q, NULL) != SQLITE_OK)
		return db_error(st, err, "loading minutes");
	sqlite3_bind_int64(q, 1, since_ms);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct pue_minute m = {
			.start_ms = sqlite3_column_int64(q, 0),
			.facility_kwh = sqlite3_column_double(q, 1),
			.it_kwh = sqlite3_column_double(q, 2),
			.covered_ms = sqlite3_column_int64(q, 3),
		};

		cb(arg, &m);
		n++;
	}
	if (rc != SQLITE_DONE)
		n = db_error(st, err, "loading minutes");
	sqlite3_finalize(q);
	return n;
}

void
pue_store_set_minutes_until(struct pue_store *st, int64_t until_ms)
{
	if (until_ms != st->minutes_until) {
		st->minutes_until = until_ms;
		st->minutes_until_dirty = true;
	}
}

int
pue_store_minutes_until(struct pue_store *st, int64_t *until_ms, struct pue_err *err)
{
	static const char *const sql[] = {
		"SELECT value FROM meta WHERE key = 'minutes_until'",
		"SELECT max(t) + 60000 FROM minutes",
	};
	sqlite3_stmt *q = NULL;
	int rc = 0;
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == 0; i++) {
		if (sqlite3_prepare_v2(st->db, sql[i], -1, &q, NULL) != SQLITE_OK)
			return db_error(st, err, "reading where the minutes end");
		switch (sqlite3_step(q)) {
		case SQLITE_ROW:
			if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
				*until_ms = sqlite3_column_int64(q, 0);
				rc = 1;
			}
			break;
		case SQLITE_DONE:
			break;
		default:
			rc = db_error(st, err, "reading where the minutes end");
		}
		sqlite3_finalize(q);
	}
	return rc;
}

int
pue_store_last_sample(struct pue_store *st, size_t device, size_t point, int64_t from_ms,
		      int64_t to_ms, int64_t *t_ms, double *value, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT t, value FROM samples WHERE t >= ? AND t <= ? AND point = ?"
			       " ORDER BY t DESC LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK)
		return db_error(st, err, "reading a sample");
	sqlite3_bind_int64(q, 1, from_ms);
	sqlite3_bind_int64(q, 2, to_ms);
	sqlite3_bind_int64(q, 3, st->point_ids[device][point]);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*t_ms = sqlite3_column_int64(q, 0);
		*value = sqlite3_column_double(q, 1);
		rc = 1;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(st, err, "reading a sample");
	sqlite3_finalize(q);
	return rc;
}

int
pue_store_load_samples(struct pue_store *st, int64_t after_ms, int64_t to_ms, pue_sample_cb cb,
		       void *arg, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int n = 0, rc;

	if (sqlite3_prepare_v2(
		    st->db, "SELECT t, point, value FROM samples WHERE t > ? AND t <= ? ORDER BY t",
		    -1, &q, NULL) != SQLITE_OK)
		return db_error(st, err, "loading samples");
	sqlite3_bind_int64(q, 1, after_ms);
	sqlite3_bind_int64(q, 2, to_ms);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct point_ref key = {.id = sqlite3_column_int64(q, 1)};
		const struct point_ref *ref =
			bsearch(&key, st->by_id, st->n_points, sizeof(*st->by_id), compare_ids);

		if (ref == NULL)
			continue; /* a point no longer configured */
		cb(arg, ref->device, ref->point, (pue_wall_t){sqlite3_column_int64(q, 0)},
		   sqlite3_column_double(q, 2));
		n++;
	}
	if (rc != SQLITE_DONE)
		n = db_error(st, err, "loading samples");
	sqlite3_finalize(q);
	return n;
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

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages);
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : PUE_E_STORE;
}
