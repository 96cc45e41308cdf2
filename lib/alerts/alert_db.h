/* SPDX-License-Identifier: MIT */
/*
 * alert_db.h - what the alerts keep in pued's database (schema version 3,
 * store_schema.c): each alert's state, the history of transitions with who
 * acknowledged or silenced what, the SNMP informs not yet acknowledged,
 * and the silences.
 *
 * A second connection to the database the store opened (and migrated):
 * alert writes are rare, small and must not wait for the store's next
 * flush, because a transition is written before its notification goes out
 * (so a restart neither repeats nor loses one). The caller groups one
 * round's writes in a transaction. WAL mode lets both connections and any
 * reader work side by side; every call happens on the main thread between
 * the store's flushes, so the two writers never wait for each other.
 * Main thread only.
 */
#ifndef PUE_ALERT_DB_H
#define PUE_ALERT_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

struct pue_alert_db; /* opaque */

/* One row of the alerts table; strings are borrowed. */
struct pue_alert_row {
	const char *key, *rule, *subject, *severity, *state, *message;
	int64_t since_ms, fired_ms, resolved_ms;
	uint32_t incident;
	bool notified;	      /* the firing went to the sinks (not silenced) */
	const char *acked_by; /* NULL: not acknowledged */
	int64_t acked_ms;
};

/* Opens path (the store has created schema 3 there). NULL with err set. */
struct pue_alert_db *pue_alert_db_open(const char *path, struct pue_err *err);

/* The same for a database the store could not open yet (a full disk at
 * start): nothing is opened now; every call below first tries to, and
 * fails with PUE_E_STORE (or returns its default) until it can. NULL only
 * when memory runs out. */
struct pue_alert_db *pue_alert_db_open_later(const char *path);

/* Whether db is open, trying to open it if not (err says why not). */
bool pue_alert_db_connected(struct pue_alert_db *db, struct pue_err *err);

/* Closes db. NULL is accepted. */
void pue_alert_db_close(struct pue_alert_db *db);

/* A transaction around one round of writes. Returns 0 or PUE_E_STORE. */
int pue_alert_db_begin(struct pue_alert_db *db, struct pue_err *err);
int pue_alert_db_commit(struct pue_alert_db *db, struct pue_err *err);
void pue_alert_db_rollback(struct pue_alert_db *db);

/* Writes an alert's row (insert or replace). */
int pue_alert_db_save(struct pue_alert_db *db, const struct pue_alert_row *r, struct pue_err *err);

/* Appends a history line: a transition, an acknowledgement, a silence. who
 * is the user who did it, NULL for pued itself. */
int pue_alert_db_log(struct pue_alert_db *db, int64_t t_ms, const char *key, uint32_t incident,
		     const char *severity, const char *state, const char *message, const char *who,
		     struct pue_err *err);

/* Calls cb for every stored alert. Returns the count or PUE_E_STORE. */
int pue_alert_db_load(struct pue_alert_db *db, void (*cb)(void *arg, const struct pue_alert_row *r),
		      void *arg, struct pue_err *err);

/* The highest incident number ever given (0 for none). */
uint32_t pue_alert_db_max_incident(struct pue_alert_db *db);

/* The newest limit history lines, newest first, as a JSON array of
 * {time, alert, incident, severity, state, message, who}; NULL when
 * memory runs out or the database fails. */
json_t *pue_alert_db_history_json(struct pue_alert_db *db, unsigned limit);

/* The inform queue, per target. push returns the row id (> 0) or
 * PUE_E_STORE; load calls cb oldest first. */
int64_t pue_alert_db_queue_push(struct pue_alert_db *db, const char *target, int64_t t_ms,
				const char *notification, struct pue_err *err);
int pue_alert_db_queue_delete(struct pue_alert_db *db, int64_t id, struct pue_err *err);
int pue_alert_db_queue_load(struct pue_alert_db *db, const char *target,
			    void (*cb)(void *arg, int64_t id, const char *notification), void *arg,
			    struct pue_err *err);

/* Silences: a rule name ("device_down") or one alert ("device_down:ups-a")
 * held back until until_ms. */
int pue_alert_db_silence_set(struct pue_alert_db *db, const char *pattern, int64_t until_ms,
			     int64_t t_ms, const char *who, struct pue_err *err);
int pue_alert_db_silence_delete(struct pue_alert_db *db, const char *pattern, struct pue_err *err);
int pue_alert_db_silence_load(struct pue_alert_db *db,
			      void (*cb)(void *arg, const char *pattern, int64_t until_ms,
					 int64_t t_ms, const char *who),
			      void *arg, struct pue_err *err);

/* Integers kept in the meta table across restarts ("snmp_engine_boots",
 * "inform_dropped:noc"). */
int64_t pue_alert_db_meta_get(struct pue_alert_db *db, const char *key, int64_t dflt);
int pue_alert_db_meta_set(struct pue_alert_db *db, const char *key, int64_t value,
			  struct pue_err *err);

#endif
