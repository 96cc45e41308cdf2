/* SPDX-License-Identifier: MIT */
/*
 * store_blocks.h - the store's raw samples as compressed blocks (issue
 * 18): each point's block in progress, the tail of samples flushed since
 * the last checkpoint, retention and the disk budget on blocks. Called by
 * store.c only, on the state in store_db.h; store_blocks.c says how a
 * flush keeps what it acknowledged. Main thread only.
 */
#ifndef PUE_STORE_BLOCKS_H
#define PUE_STORE_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct pue_store;

/* _init sizes the blocks in progress for the points the store keeps (0
 * or -ENOMEM); _free releases them. */
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

#endif
