/* SPDX-License-Identifier: MIT */
/*
 * store_db.h - the store's state and its connection to SQLite
 * (store_db.c: opening the database, its schema, the points and the
 * statements), below the files that use them: store.c (queueing,
 * flushing, retention) and store_read.c (what a restart reads back).
 * Main thread only. Nothing outside lib/store*.c includes it.
 */
#ifndef PUE_STORE_DB_H
#define PUE_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "util/err.h"
#include "core/minute.h"
#include "store/sample_encode.h"
#include "store/store_types.h"

struct sample_row {
	int64_t t_ms;
	size_t device, point; /* the id is looked up when written: the
			       * database may not be open yet */
	double value;
};

struct event_row {
	int64_t t_ms;
	char *kind, *subject, *message;
};

struct minute_row {
	struct pue_minute m;
	int category;
	int zone; /* -1: the PUE's; else the pPUE zone's index in zones */
};

/* A configured point's raw block in progress (store_blocks.c). */
struct open_block {
	struct pue_codec_enc *enc; /* NULL until it has a sample */
	int64_t point;		   /* points.id */
	bool dirty;		   /* samples since the last checkpoint */
	bool reopened;		   /* closed in the flush under way */
};

/* A point's id in the database and where it sits in the configuration. */
struct point_ref {
	int64_t id;
	size_t device, point;
};

/* A point of struct pue_store_conf, its names copied. */
struct kept_point {
	size_t device, point;
	char *device_name, *name;
	enum pue_point_kind kind;
};

struct pue_store {
	sqlite3 *db; /* NULL until the database could be opened (disk full) */
	char *path;
	struct kept_point *kept; /* what pue_store_open() was given, copied */
	size_t n_kept;
	size_t n_devices; /* 1 + the largest device index among them */
	char **zones;
	size_t n_zones;
	int64_t raw_retention_ms, minute_retention_ms;
	int64_t **point_ids;	 /* [device][point] */
	struct point_ref *by_id; /* every configured point, sorted by id */
	size_t n_points;
	int64_t minutes_until; /* see pue_store_set_minutes_until() */
	bool minutes_until_dirty;
	char clock_mark[96]; /* see pue_store_mark_clock(); "" before the first */
	sqlite3_stmt *ins_minute, *ins_hour, *ins_event, *set_meta;
	sqlite3_stmt *del_minutes;
	sqlite3_stmt *ins_zone, *del_zone_minutes;
	sqlite3_stmt *page_count, *freelist_count;
	int64_t page_size;
	struct sample_row *samples;
	size_t n_samples, cap_samples;
	struct minute_row *minutes;
	size_t n_minutes, cap_minutes;
	struct event_row *events;
	size_t n_events, cap_events;
	struct pue_store_stats stats;
	int64_t trimmed_ms; /* when retention last ran, wall ms */
	bool trim_more;	    /* the last run deleted rows: more may be due */
	/* raw blocks (store_blocks.c) */
	struct open_block *open; /* [slot_base[device] + point] */
	size_t *slot_base;	 /* [device] */
	size_t *dirty;		 /* slots with samples since the last checkpoint */
	size_t *reopened;	 /* slots whose block closed in the flush under way */
	size_t n_slots, n_dirty, n_reopened;
	uint64_t tail_rows; /* in raw_tail, committed */
	bool checkpoint;    /* the flush under way is one */
	bool adopt;	    /* raw_open and raw_tail hold an earlier connection's */
	int64_t raw_from;   /* meta 'raw_from' as last read or written */
	sqlite3_stmt *ins_block, *put_open, *oldest_blocks, *del_blocks, *set_raw_from, *ins_tail;
	sqlite3_stmt *del_open;
};

/* Fills err with what failed, naming the database and saying "disk full"
 * when that is the cause. Returns PUE_E_STORE. */
int pue_store_db_error(struct pue_store *st, struct pue_err *err, const char *what);

/* Steps s once and resets it: 0 when it ran to the end, -1 otherwise. */
int pue_store_db_step_reset(sqlite3_stmt *s);

/* Prepares sql once for the life of the connection; 0 or -1. */
int pue_store_db_prepare(struct pue_store *st, const char *sql, sqlite3_stmt **out);

/* qsort/bsearch order of struct point_ref: by id. */
int pue_store_db_compare_ids(const void *a, const void *b);

/* Opens the database for writing: the connection, its schema, the points
 * and the statements. Returns 0, or PUE_E_STORE with err set, nothing left
 * open and *full saying whether a full disk was the cause. */
int pue_store_db_connect(struct pue_store *st, bool *full, struct pue_err *err);

/* Closes the connection and what belongs to it; the queued rows stay. */
void pue_store_db_disconnect(struct pue_store *st);

/* Steps a one-row PRAGMA query and resets it: its value, or -1. */
int64_t pue_store_db_pragma_int(sqlite3_stmt *q);

#endif
