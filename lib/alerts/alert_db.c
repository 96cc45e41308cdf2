/* SPDX-License-Identifier: MIT */
/* alert_db.c - alert state, history, inform queue and silences in SQLite;
 * see alert_db.h and the schema in store_schema.c. */
#include "alerts/alert_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/duration.h"

enum stmt {
	S_SAVE,
	S_LOG,
	S_LOAD,
	S_PUSH,
	S_DELETE,
	S_QUEUE,
	S_SILENCE_SET,
	S_SILENCE_DEL,
	S_SILENCES,
	S_META_GET,
	S_META_SET,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_SAVE] = "INSERT OR REPLACE INTO alerts(key, rule, subject, severity, state, since,"
		   " fired_at, resolved_at, incident, notified, acked_by, acked_at, message)"
		   " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_LOG] = "INSERT INTO alert_history(t, key, incident, severity, state, message, who)"
		  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	[S_LOAD] = "SELECT key, rule, subject, severity, state, since, fired_at, resolved_at,"
		   " incident, notified, acked_by, acked_at, message FROM alerts",
	[S_PUSH] = "INSERT INTO inform_queue(target, t, notification) VALUES(?, ?, ?)",
	[S_DELETE] = "DELETE FROM inform_queue WHERE id = ?",
	[S_QUEUE] = "SELECT id, notification FROM inform_queue WHERE target = ? ORDER BY id",
	[S_SILENCE_SET] = "INSERT OR REPLACE INTO silences(pattern, until, t, who)"
			  " VALUES(?, ?, ?, ?)",
	[S_SILENCE_DEL] = "DELETE FROM silences WHERE pattern = ?",
	[S_SILENCES] = "SELECT pattern, until, t, who FROM silences",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
};

struct pue_alert_db {
	sqlite3 *db; /* NULL until connected (pue_alert_db_open_later) */
	char *path;
	sqlite3_stmt *s[S_COUNT];
};

static int
fail(struct pue_alert_db *db, struct pue_err *err, const char *what)
{
	return pue_err_set(err, PUE_E_STORE, "alerts: database: %s: %s", what,
			   db->db != NULL ? sqlite3_errmsg(db->db) : "not open");
}

static void
disconnect(struct pue_alert_db *db)
{
	size_t i;

	for (i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(db->s[i]);
		db->s[i] = NULL;
	}
	sqlite3_close(db->db);
	db->db = NULL;
}

/* Frees the page cache once no transaction is open (issue 18). Its pages
 * would not serve the next use: the store commits every second, and a
 * connection that finds the database changed since its last transaction
 * drops its cache before it reads. Kept, they were a few pages per
 * connection, held from one alert change to the next. */
static void
shed(struct pue_alert_db *db)
{
	if (db->db != NULL && sqlite3_get_autocommit(db->db))
		(void)sqlite3_db_release_memory(db->db);
}

/* Connects to the database the store opened (and migrated), once: later
 * calls find it connected. */
static int
ready(struct pue_alert_db *db, struct pue_err *err)
{
	size_t i;

	if (db->db != NULL)
		return 0;
	if (sqlite3_open_v2(db->path, &db->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		pue_err_set(err, PUE_E_STORE, "alerts: %s: %s", db->path,
			    db->db ? sqlite3_errmsg(db->db) : "out of memory");
		disconnect(db);
		return PUE_E_STORE;
	}
	/* The store's flush is the only other writer and runs on the same
	 * thread; a reader's brief lock is all this may wait for. */
	sqlite3_busy_timeout(db->db, 200);
	/* A row per alert, read once at start and written on changes: 256
	 * KiB of page cache at most, not SQLite's default 2000 KiB, and
	 * none between uses (shed()) (issue 18). */
	sqlite3_exec(db->db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(db->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->s[i],
				       NULL) != SQLITE_OK) {
			fail(db, err, "preparing statements (is the schema older than 3?)");
			disconnect(db);
			return PUE_E_STORE;
		}
	shed(db); /* the schema's pages */
	return 0;
}

/* Steps a statement that returns no rows and resets it. */
static int
run(struct pue_alert_db *db, enum stmt i, const char *what, struct pue_err *err)
{
	int rc = sqlite3_step(db->s[i]);

	sqlite3_reset(db->s[i]);
	sqlite3_clear_bindings(db->s[i]);
	if (rc != SQLITE_DONE)
		return fail(db, err, what);
	shed(db);
	return 0;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static const char *
column_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? (const char *)t : "";
}

struct pue_alert_db *
pue_alert_db_open_later(const char *path)
{
	struct pue_alert_db *db = calloc(1, sizeof(*db));

	if (db != NULL && (db->path = strdup(path)) == NULL) {
		free(db);
		db = NULL;
	}
	return db;
}

struct pue_alert_db *
pue_alert_db_open(const char *path, struct pue_err *err)
{
	struct pue_alert_db *db = pue_alert_db_open_later(path);

	if (db == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		return NULL;
	}
	if (ready(db, err) < 0) {
		pue_alert_db_close(db);
		return NULL;
	}
	return db;
}

bool
pue_alert_db_connected(struct pue_alert_db *db, struct pue_err *err)
{
	return ready(db, err) == 0;
}

void
pue_alert_db_close(struct pue_alert_db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db->path);
	free(db);
}

int
pue_alert_db_begin(struct pue_alert_db *db, struct pue_err *err)
{
	if (ready(db, err) < 0)
		return PUE_E_STORE;
	return sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : fail(db, err, "begin");
}

int
pue_alert_db_commit(struct pue_alert_db *db, struct pue_err *err)
{
	if (db->db == NULL)
		return fail(db, err, "commit");
	if (sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		shed(db);
		return 0;
	}
	fail(db, err, "commit");
	pue_alert_db_rollback(db);
	return PUE_E_STORE;
}

void
pue_alert_db_rollback(struct pue_alert_db *db)
{
	if (db->db != NULL && !sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	shed(db);
}

int
pue_alert_db_save(struct pue_alert_db *db, const struct pue_alert_row *r, struct pue_err *err)
{
	sqlite3_stmt *s;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_SAVE];
	bind_text(s, 1, r->key);
	bind_text(s, 2, r->rule);
	bind_text(s, 3, r->subject);
	bind_text(s, 4, r->severity);
	bind_text(s, 5, r->state);
	sqlite3_bind_int64(s, 6, r->since_ms);
	sqlite3_bind_int64(s, 7, r->fired_ms);
	sqlite3_bind_int64(s, 8, r->resolved_ms);
	sqlite3_bind_int64(s, 9, r->incident);
	sqlite3_bind_int(s, 10, r->notified);
	bind_text(s, 11, r->acked_by);
	sqlite3_bind_int64(s, 12, r->acked_ms);
	bind_text(s, 13, r->message ? r->message : "");
	return run(db, S_SAVE, "saving an alert", err);
}

int
pue_alert_db_log(struct pue_alert_db *db, int64_t t_ms, const char *key, uint32_t incident,
		 const char *severity, const char *state, const char *message, const char *who,
		 struct pue_err *err)
{
	sqlite3_stmt *s;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_LOG];
	sqlite3_bind_int64(s, 1, t_ms);
	bind_text(s, 2, key);
	sqlite3_bind_int64(s, 3, incident);
	bind_text(s, 4, severity);
	bind_text(s, 5, state);
	bind_text(s, 6, message ? message : "");
	bind_text(s, 7, who);
	return run(db, S_LOG, "writing the alert history", err);
}

int
pue_alert_db_load(struct pue_alert_db *db, void (*cb)(void *arg, const struct pue_alert_row *r),
		  void *arg, struct pue_err *err)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_LOAD];
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct pue_alert_row r = {
			.key = column_text(s, 0),
			.rule = column_text(s, 1),
			.subject = column_text(s, 2),
			.severity = column_text(s, 3),
			.state = column_text(s, 4),
			.since_ms = sqlite3_column_int64(s, 5),
			.fired_ms = sqlite3_column_int64(s, 6),
			.resolved_ms = sqlite3_column_int64(s, 7),
			.incident = (uint32_t)sqlite3_column_int64(s, 8),
			.notified = sqlite3_column_int(s, 9) != 0,
			.acked_by = sqlite3_column_type(s, 10) == SQLITE_NULL ? NULL
									      : column_text(s, 10),
			.acked_ms = sqlite3_column_int64(s, 11),
			.message = column_text(s, 12),
		};

		cb(arg, &r);
		n++;
	}
	sqlite3_reset(s);
	shed(db);
	return rc == SQLITE_DONE ? n : fail(db, err, "loading the alerts");
}

static int64_t
scalar(struct pue_alert_db *db, const char *query)
{
	sqlite3_stmt *q = NULL;
	int64_t v = 0;

	if (ready(db, NULL) < 0)
		return 0;
	if (sqlite3_prepare_v2(db->db, query, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	shed(db);
	return v;
}

uint32_t
pue_alert_db_max_incident(struct pue_alert_db *db)
{
	int64_t a = scalar(db, "SELECT max(incident) FROM alerts");
	int64_t h = scalar(db, "SELECT max(incident) FROM alert_history");

	return (uint32_t)(a > h ? a : h);
}

json_t *
pue_alert_db_history_json(struct pue_alert_db *db, unsigned limit)
{
	sqlite3_stmt *q = NULL;
	json_t *arr = json_array();
	char when[40];

	if (arr == NULL)
		return NULL;
	if (ready(db, NULL) < 0 ||
	    sqlite3_prepare_v2(db->db,
			       "SELECT t, key, incident, severity, state, message, who"
			       " FROM alert_history ORDER BY id DESC LIMIT ?",
			       -1, &q, NULL) != SQLITE_OK) {
		json_decref(arr);
		return NULL;
	}
	sqlite3_bind_int(q, 1, (int)limit);
	while (sqlite3_step(q) == SQLITE_ROW) {
		pue_duration_format_time((pue_wall_t){sqlite3_column_int64(q, 0)}, when,
					 sizeof(when));
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "time", when,
						"alert", column_text(q, 1), "incident",
						(json_int_t)sqlite3_column_int64(q, 2), "severity",
						column_text(q, 3), "state", column_text(q, 4),
						"message", column_text(q, 5), "who",
						sqlite3_column_type(q, 6) == SQLITE_NULL
							? json_null()
							: json_string(column_text(q, 6))));
	}
	sqlite3_finalize(q);
	shed(db);
	return arr;
}

int64_t
pue_alert_db_queue_push(struct pue_alert_db *db, const char *target, int64_t t_ms,
			const char *notification, struct pue_err *err)
{
	sqlite3_stmt *s;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_PUSH];
	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, t_ms);
	bind_text(s, 3, notification);
	if (run(db, S_PUSH, "queueing an inform", err) < 0)
		return PUE_E_STORE;
	return sqlite3_last_insert_rowid(db->db);
}

int
pue_alert_db_queue_delete(struct pue_alert_db *db, int64_t id, struct pue_err *err)
{
	if (ready(db, err) < 0)
		return PUE_E_STORE;
	sqlite3_bind_int64(db->s[S_DELETE], 1, id);
	return run(db, S_DELETE, "removing an inform from the queue", err);
}

int
pue_alert_db_queue_load(struct pue_alert_db *db, const char *target,
			void (*cb)(void *arg, int64_t id, const char *notification), void *arg,
			struct pue_err *err)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_QUEUE];
	bind_text(s, 1, target);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cb(arg, sqlite3_column_int64(s, 0), column_text(s, 1));
		n++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	shed(db);
	return rc == SQLITE_DONE ? n : fail(db, err, "loading the inform queue");
}

int
pue_alert_db_silence_set(struct pue_alert_db *db, const char *pattern, int64_t until_ms,
			 int64_t t_ms, const char *who, struct pue_err *err)
{
	sqlite3_stmt *s;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_SILENCE_SET];
	bind_text(s, 1, pattern);
	sqlite3_bind_int64(s, 2, until_ms);
	sqlite3_bind_int64(s, 3, t_ms);
	bind_text(s, 4, who);
	return run(db, S_SILENCE_SET, "saving a silence", err);
}

int
pue_alert_db_silence_delete(struct pue_alert_db *db, const char *pattern, struct pue_err *err)
{
	if (ready(db, err) < 0)
		return PUE_E_STORE;
	bind_text(db->s[S_SILENCE_DEL], 1, pattern);
	return run(db, S_SILENCE_DEL, "removing a silence", err);
}

int
pue_alert_db_silence_load(struct pue_alert_db *db,
			  void (*cb)(void *arg, const char *pattern, int64_t until_ms, int64_t t_ms,
				     const char *who),
			  void *arg, struct pue_err *err)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	s = db->s[S_SILENCES];
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		cb(arg, column_text(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
		   column_text(s, 3));
		n++;
	}
	sqlite3_reset(s);
	shed(db);
	return rc == SQLITE_DONE ? n : fail(db, err, "loading the silences");
}

int64_t
pue_alert_db_meta_get(struct pue_alert_db *db, const char *key, int64_t dflt)
{
	sqlite3_stmt *s;
	int64_t v = dflt;

	if (ready(db, NULL) < 0)
		return dflt;
	s = db->s[S_META_GET];
	bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	shed(db);
	return v;
}

int
pue_alert_db_meta_set(struct pue_alert_db *db, const char *key, int64_t value, struct pue_err *err)
{
	char text[32];

	if (ready(db, err) < 0)
		return PUE_E_STORE;
	snprintf(text, sizeof(text), "%lld", (long long)value);
	bind_text(db->s[S_META_SET], 1, key);
	bind_text(db->s[S_META_SET], 2, text);
	return run(db, S_META_SET, "saving a counter", err);
}
