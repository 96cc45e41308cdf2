/* SPDX-License-Identifier: MIT */
/* store_schema.c - schema versions and migrations; see store_schema.h. */
#include "store/store_schema.h"

#include <stdio.h>

#include "store/raw_blocks.h"

const char pue_store_schema_v1_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE points(id INTEGER PRIMARY KEY, device TEXT NOT NULL,"
	" name TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE(device, name));"
	"CREATE TABLE samples(t INTEGER NOT NULL, point INTEGER NOT NULL, value REAL NOT NULL);"
	"CREATE INDEX samples_t ON samples(t);"
	"CREATE TABLE minutes(t INTEGER PRIMARY KEY, facility_kwh REAL NOT NULL,"
	" it_kwh REAL NOT NULL, covered_ms INTEGER NOT NULL, category INTEGER NOT NULL);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, t INTEGER NOT NULL,"
	" kind TEXT NOT NULL, subject TEXT NOT NULL, message TEXT NOT NULL);"
	"INSERT INTO meta(key, value) VALUES('schema_version', '1');";

/* Version 2: raw samples keyed by (t, point) WITHOUT ROWID, one b-tree and
 * no separate index, about half the bytes per sample (measured in
 * bench/store), and deletions by time that walk the key in order; hourly
 * rollups, which are kept when the disk budget drops raw samples. */
const char pue_store_schema_v1_to_v2_sql[] =
	"CREATE TABLE samples_v2(t INTEGER NOT NULL, point INTEGER NOT NULL,"
	" value REAL NOT NULL, PRIMARY KEY(t, point)) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO samples_v2(t, point, value) SELECT t, point, value FROM samples;"
	"DROP TABLE samples;"
	"ALTER TABLE samples_v2 RENAME TO samples;"
	"CREATE TABLE hours(t INTEGER PRIMARY KEY, facility_kwh REAL NOT NULL,"
	" it_kwh REAL NOT NULL, covered_ms INTEGER NOT NULL, category INTEGER NOT NULL);"
	"INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)"
	" SELECT t - t % 3600000, sum(facility_kwh), sum(it_kwh), sum(covered_ms), min(category)"
	" FROM minutes GROUP BY t - t % 3600000;"
	"CREATE INDEX events_t ON events(t);"
	"UPDATE meta SET value = '2' WHERE key = 'schema_version';";

/* Version 3: what the alerts keep across restarts (alert_db.c). alerts:
 * one row per alert (rule and subject) with its state, so a restart neither
 * repeats a notification nor loses a firing alert; alert_history: every
 * transition, acknowledgement and silence, with who did it; inform_queue:
 * SNMP informs not yet acknowledged by their receiver, oldest first;
 * silences: rules (or single alerts) whose notifications are held back
 * until a time. */
static const char v2_to_v3_sql[] =
	"CREATE TABLE alerts(key TEXT PRIMARY KEY, rule TEXT NOT NULL, subject TEXT NOT NULL,"
	" severity TEXT NOT NULL, state TEXT NOT NULL, since INTEGER NOT NULL,"
	" fired_at INTEGER NOT NULL DEFAULT 0, resolved_at INTEGER NOT NULL DEFAULT 0,"
	" incident INTEGER NOT NULL DEFAULT 0, notified INTEGER NOT NULL DEFAULT 0,"
	" acked_by TEXT, acked_at INTEGER NOT NULL DEFAULT 0,"
	" message TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE TABLE alert_history(id INTEGER PRIMARY KEY, t INTEGER NOT NULL,"
	" key TEXT NOT NULL, incident INTEGER NOT NULL, severity TEXT NOT NULL,"
	" state TEXT NOT NULL, message TEXT NOT NULL, who TEXT);"
	"CREATE INDEX alert_history_t ON alert_history(t);"
	"CREATE TABLE inform_queue(id INTEGER PRIMARY KEY, target TEXT NOT NULL,"
	" t INTEGER NOT NULL, notification TEXT NOT NULL);"
	"CREATE INDEX inform_queue_target ON inform_queue(target, id);"
	"CREATE TABLE silences(pattern TEXT PRIMARY KEY, until INTEGER NOT NULL,"
	" t INTEGER NOT NULL, who TEXT NOT NULL) WITHOUT ROWID;"
	"UPDATE meta SET value = '3' WHERE key = 'schema_version';";

/* Version 4: the pPUE zones' minutes, stored like the PUE's (the zone's
 * IT plus infrastructure energy as facility_kwh, its IT energy as it_kwh),
 * so a restart resumes their windows too. */
static const char v3_to_v4_sql[] =
	"CREATE TABLE zone_minutes(zone TEXT NOT NULL, t INTEGER NOT NULL,"
	" facility_kwh REAL NOT NULL, it_kwh REAL NOT NULL, covered_ms INTEGER NOT NULL,"
	" PRIMARY KEY(zone, t)) WITHOUT ROWID;"
	"CREATE INDEX zone_minutes_t ON zone_minutes(t);"
	"UPDATE meta SET value = '4' WHERE key = 'schema_version';";

/* Version 5: raw samples in compressed blocks (store_blocks.c, issue 18),
 * a few bytes a sample instead of about 23. raw_blocks: closed blocks,
 * keyed by their first time so that deletions by age walk the key; seq
 * tells apart two blocks of a point that start at the same millisecond
 * (a clock set back between two runs). raw_open: each point's block in
 * progress as of the last checkpoint. raw_tail: the samples flushed since,
 * one row each, the value's 64 bits as an integer (so a NaN keeps its
 * payload). The old samples are converted in between
 * (pue_raw_blocks_convert_samples()), in the same transaction. */
static const char v4_to_v5_sql[] =
	"CREATE TABLE raw_blocks(t_first INTEGER NOT NULL, point INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, t_last INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL,"
	" PRIMARY KEY(t_first, point, seq)) WITHOUT ROWID;"
	"CREATE INDEX raw_blocks_point ON raw_blocks(point, t_first);"
	"CREATE TABLE raw_open(point INTEGER PRIMARY KEY, t_first INTEGER NOT NULL,"
	" t_last INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);"
	"CREATE TABLE raw_tail(t INTEGER NOT NULL, point INTEGER NOT NULL, bits INTEGER NOT NULL,"
	" PRIMARY KEY(t, point)) WITHOUT ROWID;";
static const char v4_to_v5_done_sql[] = "DROP TABLE samples;"
					"UPDATE meta SET value = '5' WHERE key = 'schema_version';";

static int
exec(sqlite3 *db, const char *sql, const char *what, struct pue_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pue_err_set(err, PUE_E_STORE, "store: %s: %s", what,
			    msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return PUE_E_STORE;
	}
	return 0;
}

int
pue_store_schema_version(sqlite3 *db, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int version = 0, rc;

	rc = sqlite3_prepare_v2(db,
				"SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				" AND name = 'meta'",
				-1, &q, NULL);
	if (rc != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return pue_err_set(err, PUE_E_STORE, "store: reading the schema: %s",
				   sqlite3_errmsg(db));
	}
	rc = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (rc == 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q,
			       NULL) != SQLITE_OK)
		return pue_err_set(err, PUE_E_STORE, "store: reading the schema version: %s",
				   sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return version;
}

int
pue_store_schema_upgrade(sqlite3 *db, struct pue_err *err)
{
	int version = pue_store_schema_version(db, err);

	if (version < 0)
		return version;
	if (version > PUE_STORE_SCHEMA_VERSION)
		return pue_err_set(err, PUE_E_STORE,
				   "store: the database has schema version %d, newer than this "
				   "pued (%d); use a newer pued or another database",
				   version, PUE_STORE_SCHEMA_VERSION);
	/* Each step moves exactly one version, so any old database follows
	 * the same path a running site took. */
	if (version == 0 && exec(db, pue_store_schema_v1_sql, "creating the schema", err) < 0)
		return PUE_E_STORE;
	if (version <= 1 &&
	    exec(db, pue_store_schema_v1_to_v2_sql, "migrating schema 1 to 2", err) < 0)
		return PUE_E_STORE;
	if (version <= 2 && exec(db, v2_to_v3_sql, "migrating schema 2 to 3", err) < 0)
		return PUE_E_STORE;
	if (version <= 3 && exec(db, v3_to_v4_sql, "migrating schema 3 to 4", err) < 0)
		return PUE_E_STORE;
	if (version <= 4 && (exec(db, v4_to_v5_sql, "migrating schema 4 to 5", err) < 0 ||
			     pue_raw_blocks_convert_samples(db, err) < 0 ||
			     exec(db, v4_to_v5_done_sql, "migrating schema 4 to 5", err) < 0))
		return PUE_E_STORE;
	return 0;
}
