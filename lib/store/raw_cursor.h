/* SPDX-License-Identifier: MIT */
/*
 * raw_cursor.h - the raw samples in pued's database, in time order.
 *
 * Raw samples are stored in blocks (store_blocks.c, sample_codec.h): the
 * table raw_blocks holds closed blocks, raw_open each point's block in
 * progress, written again at every flush. A cursor reads the blocks that
 * reach into a time range and merges them, oldest sample first (samples
 * at the same time by point id), as the schema-4 samples table ordered
 * them. It hides what retention and the disk budget dropped: they delete
 * whole blocks, and the samples before meta 'raw_from' left in a block
 * that reaches past it count as gone.
 * Used by the store (a restart's replay), puectl export and the SQLite
 * extension (raw_vtab.h). Any thread, with the connection it was given.
 */
#ifndef PUE_RAW_CURSOR_H
#define PUE_RAW_CURSOR_H

#include <stdint.h>

#include <sqlite3.h>

#include "util/err.h"

/* A block's last sample is less than this after its first: readers look
 * back this far for blocks reaching into a range. Part of the on-disk
 * format (a writer must never make a longer block). */
#define PUE_RAW_SPAN_MS (3600 * 1000LL)

struct pue_raw_sample {
	int64_t t_ms;
	int64_t point; /* points.id */
	double value;  /* kW or kWh, the bits stored */
};

struct pue_raw_cursor; /* opaque */

/* Opens a cursor over the samples with from_ms <= t <= to_ms, of the point
 * with id point, or of every point when point < 0. db is borrowed and must
 * outlive the cursor. Returns 0 and *out (free it with
 * pue_raw_cursor_close()), or PUE_E_STORE / -ENOMEM with err set. */
int pue_raw_cursor_open(sqlite3 *db, int64_t from_ms, int64_t to_ms, int64_t point,
			struct pue_raw_cursor **out, struct pue_err *err);

/* The next sample: 1 with *s, 0 at the end, or a negative code with err
 * set (PUE_E_STORE, -ENOMEM, -EBADMSG for a corrupt block, named by its
 * point and first time). */
int pue_raw_cursor_next(struct pue_raw_cursor *c, struct pue_raw_sample *s, struct pue_err *err);

/* NULL is accepted. */
void pue_raw_cursor_close(struct pue_raw_cursor *c);

#endif
