/* SPDX-License-Identifier: MIT */
/*
 * store_internal.h - the store's state, shared by store.c (opening,
 * queueing, flushing) and store_read.c (what a restart reads back).
 * Main thread only. Nothing outside lib/store*.c includes it.
 */
#ifndef PUE_STORE_INTERNAL_H
#define PUE_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "err.h"
#include "sample_codec.h"
#include "store.h"

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
	int zone; /* -1: the PUE's; else the pPUE zone's index in cfg->pue.zones */
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

struct pue_store {
	sqlite3 *db; /* NULL until the database could be opened (disk full) */
	char *path;
	const struct pue_config *cfg;
	int64_t **point_ids;	 /* [device][point] */
	struct point_ref *by_id; /* every configured point, sorted by id */
	size_t n_points;
	int64_t minutes_until; /* see pue_store_set_minutes_until() */
	bool minutes_until_dirty;
	sqlite3_stmt *ins_minute, *ins_hour, *ins_event, *set_until;
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
int pue_store_step_reset(sqlite3_stmt *s);

/* Prepares sql once for the life of the connection; 0 or -1. */
int pue_store_prepare(struct pue_store *st, const char *sql, sqlite3_stmt **out);

/* qsort/bsearch order of struct point_ref: by id. */
int pue_store_compare_ids(const void *a, const void *b);

/* Raw blocks (store_blocks.c). _init sizes the blocks in progress from
 * the configuration (0 or -ENOMEM); _free releases them. */
int pue_store_blocks_init(struct pue_store *st);
void pue_store_blocks_free(struct pue_store *st);

/* After the database is opened: the statements and meta 'raw_from'; the
 * rows in raw_open, an earlier run's blocks in progress, are closed at the
 * first write. 0 or -1 (the database's error). */
int pue_store_blocks_prepare(struct pue_store *st);

/* Before the connection closes: the statements go, and so do the blocks
 * in progress (raw_open keeps what was written of them). */
void pue_store_blocks_disconnect(struct pue_store *st);

/* Inside a flush's transaction: the queued samples into their points'
 * blocks, each block that closes into raw_blocks, and the samples into
 * raw_tail, or at a checkpoint the blocks in progress into raw_open
 * (store_blocks.c says why). 0, -1 (the database's error) or -ENOMEM. */
int pue_store_blocks_write(struct pue_store *st);

/* Before the store closes, after its last flush: a checkpoint of its own,
 * so that raw_tail is left empty. 0 or -1. */
int pue_store_blocks_checkpoint(struct pue_store *st);

/* After the flush's COMMIT (committed) or ROLLBACK: on a rollback the
 * blocks in progress are dropped, and the next write starts from what
 * raw_open holds, with the samples still queued. */
void pue_store_blocks_done(struct pue_store *st, bool committed);

/* Inside a flush's transaction: deletes the oldest blocks that end before
 * cut, about batch samples of them (counted in stats.trimmed), and hides
 * the samples left before cut (INT64_MAX: before the end of what went) in
 * blocks that reach past it (meta 'raw_from'). 0 or -1. */
int pue_store_blocks_drop(struct pue_store *st, int64_t cut, int64_t batch);

/* Schema 4 to 5: every row of the samples table into blocks, inside the
 * caller's transaction. 0 or PUE_E_STORE. */
int pue_store_blocks_convert(sqlite3 *db, struct pue_err *err);

#endif
