/* SPDX-License-Identifier: MIT */
/*
 * store_blocks.c - the store's raw samples as compressed blocks (issue 18);
 * see store_blocks.h. The format is sample_codec.h's, closed blocks are
 * written by raw_blocks.c, and raw_cursor.c reads them back.
 *
 * Each point the store keeps fills a block in memory. What a flush
 * acknowledged must survive a crash, as the samples table's rows did,
 * without writing every block in progress at every flush (a flush of 4000
 * points wrote 2.6 MB that way, 11 times schema 4's 240 kB;
 * bench/store_bench.c). So a flush appends its samples to raw_tail, one
 * row each, as schema 4 did, and every CHECKPOINT_SAMPLES samples a point
 * (counted over all points) a checkpoint writes the blocks in progress to
 * raw_open instead, moves those of PUE_RAW_BLOCK_SAMPLES or more to
 * raw_blocks, and empties raw_tail. A block also closes at once when the
 * next sample would make it longer than PUE_RAW_SPAN_MS or twice
 * PUE_RAW_BLOCK_SAMPLES, or comes at or before its last time; its
 * successor then goes to raw_open in the same flush. A tail row at or
 * before its point's raw_open t_last is in a block already, and readers
 * skip it (raw_cursor.c).
 *
 * A connection does not continue the blocks an earlier one left (a crash,
 * a stop, a reload, a failed flush): its first write closes them as they
 * are, the tail's samples in blocks of their own. A reload's new store
 * opens while the old one still writes, so this waits for that first
 * write.
 */
#include "store/store_blocks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/raw_blocks.h"
#include "store/raw_cursor.h"
#include "store/store_db.h"

#define prepare pue_store_db_prepare
#define step_reset pue_store_db_step_reset

/* Samples a point, on average, in raw_tail before a checkpoint: a
 * checkpoint writes every block in progress (about 450 bytes a point at
 * 240 samples a block), so this spreads that over 32 flushes of a point
 * polled at the flush interval, and keeps raw_tail under 1 kB a point. */
#define CHECKPOINT_SAMPLES 32

/* An earlier connection's tail, without what its raw_open holds already;
 * then its blocks in progress, closed as they are. */
static const char tail_left_sql[] =
	"SELECT t.t, t.point, t.bits FROM raw_tail t LEFT JOIN raw_open o ON o.point = t.point"
	" WHERE o.point IS NULL OR t.t > o.t_last ORDER BY t.t, t.point";
static const char adopt_sql[] =
	"INSERT INTO raw_blocks(t_first, point, seq, t_last, n, data)"
	" SELECT t_first, point, (SELECT coalesce(max(seq) + 1, 0) FROM raw_blocks b"
	"  WHERE b.t_first = o.t_first AND b.point = o.point), t_last, n, data FROM raw_open o;"
	"DELETE FROM raw_open; DELETE FROM raw_tail;";

int
pue_store_blocks_init(struct pue_store *st)
{
	size_t *points, d, i;

	/* a device's slots: one for each point index up to its largest */
	points = calloc(st->n_devices ? st->n_devices : 1, sizeof(*points));
	st->slot_base = calloc(st->n_devices ? st->n_devices : 1, sizeof(*st->slot_base));
	if (points == NULL || st->slot_base == NULL) {
		free(points);
		return -ENOMEM;
	}
	for (i = 0; i < st->n_kept; i++)
		if (st->kept[i].point + 1 > points[st->kept[i].device])
			points[st->kept[i].device] = st->kept[i].point + 1;
	for (d = 0; d < st->n_devices; d++) {
		st->slot_base[d] = st->n_slots;
		st->n_slots += points[d];
	}
	free(points);
	st->open = calloc(st->n_slots ? st->n_slots : 1, sizeof(*st->open));
	st->dirty = calloc(st->n_slots ? st->n_slots : 1, sizeof(*st->dirty));
	st->reopened = calloc(st->n_slots ? st->n_slots : 1, sizeof(*st->reopened));
	return st->open != NULL && st->dirty != NULL && st->reopened != NULL ? 0 : -ENOMEM;
}

static void
drop_open(struct pue_store *st)
{
	size_t i;

	for (i = 0; st->open != NULL && i < st->n_slots; i++) {
		pue_sample_encode_free(st->open[i].enc);
		st->open[i] = (struct open_block){0};
	}
	st->n_dirty = 0;
	st->n_reopened = 0;
	st->adopt = true;
}

void
pue_store_blocks_free(struct pue_store *st)
{
	drop_open(st);
	free(st->open);
	free(st->slot_base);
	free(st->dirty);
	free(st->reopened);
	st->reopened = NULL;
	st->open = NULL;
	st->slot_base = NULL;
	st->dirty = NULL;
}

int
pue_store_blocks_prepare(struct pue_store *st)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (prepare(st, pue_raw_blocks_insert_sql, &st->ins_block) < 0 ||
	    prepare(st,
		    "INSERT OR REPLACE INTO raw_open(point, t_first, t_last, n, data)"
		    " VALUES(?, ?, ?, ?, ?)",
		    &st->put_open) < 0 ||
	    prepare(st,
		    "SELECT n, t_last FROM raw_blocks WHERE t_first < ?1 ORDER BY t_first"
		    " LIMIT ?2",
		    &st->oldest_blocks) < 0 ||
	    prepare(st, "DELETE FROM raw_blocks WHERE t_first < ?1 AND t_last < ?1 RETURNING n",
		    &st->del_blocks) < 0 ||
	    prepare(st, "INSERT OR REPLACE INTO meta(key, value) VALUES('raw_from', ?)",
		    &st->set_raw_from) < 0 ||
	    prepare(st, "INSERT OR REPLACE INTO raw_tail(t, point, bits) VALUES(?, ?, ?)",
		    &st->ins_tail) < 0 ||
	    prepare(st, "DELETE FROM raw_open WHERE point = ?", &st->del_open) < 0 ||
	    prepare(st, "SELECT value FROM meta WHERE key = 'raw_from'", &q) < 0)
		return -1;
	st->raw_from = INT64_MIN;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		st->raw_from = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	st->adopt = true;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

void
pue_store_blocks_disconnect(struct pue_store *st)
{
	sqlite3_stmt **const stmts[] = {&st->ins_block,	 &st->put_open,	    &st->oldest_blocks,
					&st->del_blocks, &st->set_raw_from, &st->ins_tail,
					&st->del_open};
	size_t i;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		sqlite3_finalize(*stmts[i]);
		*stmts[i] = NULL;
	}
	drop_open(st);
}

static void
mark(size_t *list, size_t *n, bool *flag, size_t slot)
{
	if (!*flag) {
		*flag = true;
		list[(*n)++] = slot;
	}
}

static int
put_open(struct pue_store *st, const size_t *slots, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct open_block *ob = &st->open[slots[i]];

		sqlite3_bind_int64(st->put_open, 1, ob->point);
		pue_raw_blocks_bind(st->put_open, 2, ob->enc);
		if (step_reset(st->put_open) < 0)
			return -1;
	}
	return 0;
}

/* The checkpoint, inside the flush's transaction: each block with samples
 * since the last one goes to raw_open, or, once full, to raw_blocks (its
 * row in raw_open then goes); raw_tail is emptied. */
static int
checkpoint(struct pue_store *st)
{
	size_t i;

	for (i = 0; i < st->n_dirty; i++) {
		struct open_block *ob = &st->open[st->dirty[i]];

		if (pue_sample_encode_span(ob->enc).n < PUE_RAW_BLOCK_SAMPLES) {
			if (put_open(st, &st->dirty[i], 1) < 0)
				return -1;
			continue;
		}
		if (pue_raw_blocks_close(st->ins_block, ob->point, ob->enc) < 0)
			return -1;
		sqlite3_bind_int64(st->del_open, 1, ob->point);
		if (step_reset(st->del_open) < 0)
			return -1;
	}
	return sqlite3_exec(st->db, "DELETE FROM raw_tail", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Closes what an earlier connection left, as the header says. */
static int
adopt(struct pue_store *st)
{
	sqlite3_stmt *q = NULL;
	uint64_t rows = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(st->db, tail_left_sql, -1, &q, NULL) == SQLITE_OK)
		rc = pue_raw_blocks_convert(st->db, q, true, &rows);
	sqlite3_finalize(q);
	if (rc < 0 || sqlite3_exec(st->db, adopt_sql, NULL, NULL, NULL) != SQLITE_OK)
		return rc < 0 ? rc : -1;
	st->tail_rows = 0;
	return 0;
}

int
pue_store_blocks_write(struct pue_store *st)
{
	size_t i;
	int rc;

	if (st->adopt && (rc = adopt(st)) < 0)
		return rc;
	for (i = 0; i < st->n_samples; i++) {
		const struct sample_row *r = &st->samples[i];
		size_t slot = st->slot_base[r->device] + r->point;
		struct open_block *ob = &st->open[slot];

		if (ob->enc == NULL && (ob->enc = pue_sample_encode_new()) == NULL)
			return -ENOMEM;
		ob->point = st->point_ids[r->device][r->point];
		if (!pue_raw_blocks_takes(ob->enc, r->t_ms, 2 * PUE_RAW_BLOCK_SAMPLES)) {
			if (pue_raw_blocks_close(st->ins_block, ob->point, ob->enc) < 0)
				return -1;
			mark(st->reopened, &st->n_reopened, &ob->reopened, slot);
		}
		if (pue_sample_encode_append(ob->enc, r->t_ms, r->value) < 0)
			return -ENOMEM;
		mark(st->dirty, &st->n_dirty, &ob->dirty, slot);
	}
	st->checkpoint = st->tail_rows + st->n_samples >=
			 (uint64_t)CHECKPOINT_SAMPLES * (st->n_slots ? st->n_slots : 1);
	if (st->checkpoint)
		return checkpoint(st);
	/* a block that closed: its successor replaces it in raw_open now,
	 * which covers the point's tail rows so far */
	if (put_open(st, st->reopened, st->n_reopened) < 0)
		return -1;
	for (i = 0; i < st->n_samples; i++) {
		const struct sample_row *r = &st->samples[i];
		uint64_t bits;

		memcpy(&bits, &r->value, sizeof(bits));
		sqlite3_bind_int64(st->ins_tail, 1, r->t_ms);
		sqlite3_bind_int64(st->ins_tail, 2, st->point_ids[r->device][r->point]);
		sqlite3_bind_int64(st->ins_tail, 3, (sqlite3_int64)bits);
		if (step_reset(st->ins_tail) < 0)
			return -1;
	}
	return 0;
}

void
pue_store_blocks_done(struct pue_store *st, bool committed)
{
	size_t i;

	if (!committed) {
		drop_open(st);
		return;
	}
	for (i = 0; i < st->n_reopened; i++)
		st->open[st->reopened[i]].reopened = false;
	st->n_reopened = 0;
	if (st->checkpoint) {
		for (i = 0; i < st->n_dirty; i++)
			st->open[st->dirty[i]].dirty = false;
		st->n_dirty = 0;
		st->tail_rows = 0;
	} else
		st->tail_rows += st->n_samples;
	st->checkpoint = false;
	st->adopt = false;
}

int
pue_store_blocks_checkpoint(struct pue_store *st)
{
	if (st->db == NULL || st->adopt || st->tail_rows == 0)
		return 0; /* nothing of this connection's in raw_tail */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	st->n_reopened = 0;
	st->checkpoint = true;
	if (checkpoint(st) < 0 || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		st->checkpoint = false;
		return -1;
	}
	pue_store_blocks_done(st, true);
	return 0;
}

int
pue_store_blocks_drop(struct pue_store *st, int64_t cut, int64_t batch)
{
	int64_t got = 0, upto = INT64_MIN, hide;
	int rc;

	sqlite3_bind_int64(st->oldest_blocks, 1, cut);
	sqlite3_bind_int64(st->oldest_blocks, 2, batch);
	while ((rc = sqlite3_step(st->oldest_blocks)) == SQLITE_ROW) {
		int64_t t_last = sqlite3_column_int64(st->oldest_blocks, 1);

		if (t_last >= cut)
			continue; /* reaches past the cut: stays, its start hidden */
		if (t_last + 1 > upto)
			upto = t_last + 1;
		if ((got += sqlite3_column_int64(st->oldest_blocks, 0)) >= batch)
			break;
	}
	sqlite3_reset(st->oldest_blocks);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (upto == INT64_MIN)
		return 0;
	/* every block that ends before upto, the ones counted and any that
	 * started later but ended sooner */
	sqlite3_bind_int64(st->del_blocks, 1, upto);
	while ((rc = sqlite3_step(st->del_blocks)) == SQLITE_ROW)
		st->stats.trimmed += (uint64_t)sqlite3_column_int64(st->del_blocks, 0);
	sqlite3_reset(st->del_blocks);
	if (rc != SQLITE_DONE)
		return -1;
	hide = cut == INT64_MAX ? upto : cut;
	if (hide <= st->raw_from)
		return 0;
	sqlite3_bind_int64(st->set_raw_from, 1, hide);
	if (step_reset(st->set_raw_from) < 0)
		return -1;
	st->raw_from = hide;
	return 0;
}
