/* SPDX-License-Identifier: MIT */
/*
 * store_blocks.c - raw samples written as compressed blocks (issue 18);
 * the store's half of store_internal.h's "raw blocks", the format in
 * sample_codec.h, the reading in raw_cursor.h.
 *
 * Each configured point fills a block in memory. What a flush acknowledged
 * must survive a crash, as the samples table's rows did, without writing
 * every block in progress at every flush (a flush of 4000 points wrote
 * 2.6 MB that way, 11 times schema 4's 240 kB; bench/store_bench.c). So a
 * flush appends its samples to raw_tail, one row each, as schema 4 did,
 * and every CHECKPOINT_SAMPLES samples a point (counted over all points) a
 * checkpoint writes the blocks in progress to raw_open instead, moves
 * those of BLOCK_SAMPLES or more to raw_blocks, and empties raw_tail. A
 * block also closes at once when the next sample would make it longer
 * than PUE_RAW_SPAN_MS or twice BLOCK_SAMPLES, or comes at or before its
 * last time; its successor then goes to raw_open in the same flush. A
 * tail row at or before its point's raw_open t_last is in a block
 * already, and readers skip it (raw_cursor.c).
 *
 * A connection does not continue the blocks an earlier one left (a crash,
 * a stop, a reload, a failed flush): its first write closes them as they
 * are, the tail's samples in blocks of their own. A reload's new store
 * opens while the old one still writes, so this waits for that first
 * write.
 */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "raw_cursor.h"
#include "store_internal.h"

#define prepare pue_store_prepare
#define step_reset pue_store_step_reset

/* Samples a block holds before the next checkpoint closes it: a point
 * polled every second closes one every 4 to 5 minutes. More samples share
 * a block's fixed cost (about 50 bytes: its row, its index entry, its
 * first time and value in full), but make raw_open, written at every
 * checkpoint, larger. */
#define BLOCK_SAMPLES 240

/* Samples a point, on average, in raw_tail before a checkpoint: a
 * checkpoint writes every block in progress (about 450 bytes a point at
 * 240 samples a block), so this spreads that over 32 flushes of a point
 * polled at the flush interval, and keeps raw_tail under 1 kB a point. */
#define CHECKPOINT_SAMPLES 32

/* The converted schema 4 rows between two progress reports to systemd,
 * which stops a service that takes 90 s to start. */
#define CONVERT_REPORT_ROWS 1000000

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

/* A block of the same point may start at the same millisecond (a clock
 * set back between two runs): seq tells them apart. */
static const char ins_block_sql[] =
	"INSERT INTO raw_blocks(t_first, point, seq, t_last, n, data) VALUES(?1, ?5,"
	" (SELECT coalesce(max(seq) + 1, 0) FROM raw_blocks WHERE t_first = ?1 AND point = ?5),"
	" ?2, ?3, ?4)";

int
pue_store_blocks_init(struct pue_store *st)
{
	const struct pue_config *cfg = st->cfg;
	size_t d;

	st->slot_base = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*st->slot_base));
	if (st->slot_base == NULL)
		return -ENOMEM;
	for (d = 0; d < cfg->n_devices; d++) {
		st->slot_base[d] = st->n_slots;
		st->n_slots += cfg->devices[d].n_points;
	}
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
		pue_codec_enc_free(st->open[i].enc);
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

	if (prepare(st, ins_block_sql, &st->ins_block) < 0 ||
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

/* Binds e's times, count and bytes as ?first..?first+3 of s; the bytes
 * are borrowed until e changes. */
static void
bind_block(sqlite3_stmt *s, int first, struct pue_codec_enc *e)
{
	const uint8_t *blob;
	size_t len;

	blob = pue_codec_enc_bytes(e, &len);
	sqlite3_bind_int64(s, first, pue_codec_enc_first_ms(e));
	sqlite3_bind_int64(s, first + 1, pue_codec_enc_last_ms(e));
	sqlite3_bind_int64(s, first + 2, (sqlite3_int64)pue_codec_enc_count(e));
	sqlite3_bind_blob(s, first + 3, blob, (int)len, SQLITE_STATIC);
}

/* Writes e to raw_blocks as point's closed block and empties it. */
static int
close_block(sqlite3_stmt *ins, int64_t point, struct pue_codec_enc *e)
{
	/* out of memory only misses the smaller form: the block is whole */
	(void)pue_codec_enc_finish(e);
	bind_block(ins, 1, e);
	sqlite3_bind_int64(ins, 5, point);
	if (step_reset(ins) < 0)
		return -1;
	pue_codec_enc_reset(e);
	return 0;
}

/* Whether a sample at t_ms may join e (up to limit samples), or e must
 * close first. */
static bool
takes(const struct pue_codec_enc *e, int64_t t_ms, size_t limit)
{
	size_t n = pue_codec_enc_count(e);
	int64_t first = pue_codec_enc_first_ms(e);

	/* after the last time, so the difference is positive and exact */
	return n == 0 || (n < limit && t_ms > pue_codec_enc_last_ms(e) &&
			  (uint64_t)t_ms - (uint64_t)first < (uint64_t)PUE_RAW_SPAN_MS);
}

/* Appends a sample to e, closing it first when it is full; 0, -1 or
 * -ENOMEM. For the conversions, which have no checkpoints. */
static int
add(sqlite3_stmt *ins, int64_t point, struct pue_codec_enc *e, int64_t t_ms, double value)
{
	if (!takes(e, t_ms, BLOCK_SAMPLES) && close_block(ins, point, e) < 0)
		return -1;
	return pue_codec_enc_append(e, t_ms, value) < 0 ? -ENOMEM : 0;
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
		bind_block(st->put_open, 2, ob->enc);
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

		if (pue_codec_enc_count(ob->enc) < BLOCK_SAMPLES) {
			if (put_open(st, &st->dirty[i], 1) < 0)
				return -1;
			continue;
		}
		if (close_block(st->ins_block, ob->point, ob->enc) < 0)
			return -1;
		sqlite3_bind_int64(st->del_open, 1, ob->point);
		if (step_reset(st->del_open) < 0)
			return -1;
	}
	return sqlite3_exec(st->db, "DELETE FROM raw_tail", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int convert_rows(sqlite3 *db, sqlite3_stmt *q, bool bits, uint64_t *rows);

/* Closes what an earlier connection left, as the header says. */
static int
adopt(struct pue_store *st)
{
	sqlite3_stmt *q = NULL;
	uint64_t rows = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(st->db, tail_left_sql, -1, &q, NULL) == SQLITE_OK)
		rc = convert_rows(st->db, q, true, &rows);
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

		if (ob->enc == NULL && (ob->enc = pue_codec_enc_new()) == NULL)
			return -ENOMEM;
		ob->point = st->point_ids[r->device][r->point];
		if (!takes(ob->enc, r->t_ms, 2 * BLOCK_SAMPLES)) {
			if (close_block(st->ins_block, ob->point, ob->enc) < 0)
				return -1;
			mark(st->reopened, &st->n_reopened, &ob->reopened, slot);
		}
		if (pue_codec_enc_append(ob->enc, r->t_ms, r->value) < 0)
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

/* Schema 4's points, each with the block it is filling, sorted by id. */
struct converting {
	int64_t point;
	struct pue_codec_enc *enc;
};

static struct converting *
find_or_add(struct converting **arr, size_t *n, size_t *cap, int64_t point)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((*arr)[mid].point < point)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && (*arr)[lo].point == point)
		return &(*arr)[lo];
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct converting *a = reallocarray(*arr, c, sizeof(*a));

		if (a == NULL)
			return NULL;
		*arr = a;
		*cap = c;
	}
	memmove(&(*arr)[lo + 1], &(*arr)[lo], (*n - lo) * sizeof(**arr));
	(*arr)[lo] = (struct converting){point, pue_codec_enc_new()};
	(*n)++;
	return (*arr)[lo].enc != NULL ? &(*arr)[lo] : NULL;
}

/* Rows of q (t, point, and the value, or its bits) into blocks, written
 * to raw_blocks as they close and at the end. 0, -1 or -ENOMEM; *rows
 * counts them. */
static int
convert_rows(sqlite3 *db, sqlite3_stmt *q, bool bits, uint64_t *rows)
{
	sqlite3_stmt *ins = NULL;
	struct converting *open = NULL, *c;
	size_t n_open = 0, cap = 0, i;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, ins_block_sql, -1, &ins, NULL) != SQLITE_OK) {
		rc = -1;
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		uint64_t b = (uint64_t)sqlite3_column_int64(q, 2);
		double value;

		if (bits)
			memcpy(&value, &b, sizeof(value));
		else
			value = sqlite3_column_double(q, 2);
		if ((c = find_or_add(&open, &n_open, &cap, sqlite3_column_int64(q, 1))) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		if ((rc = add(ins, c->point, c->enc, sqlite3_column_int64(q, 0), value)) < 0)
			goto out;
		if (++*rows % CONVERT_REPORT_ROWS == 0)
			sd_notifyf(0,
				   "EXTEND_TIMEOUT_USEC=60000000\nSTATUS=converting raw samples: "
				   "%llu done",
				   (unsigned long long)*rows);
	}
	if (step != SQLITE_DONE) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n_open && rc == 0; i++)
		if (pue_codec_enc_count(open[i].enc) > 0)
			rc = close_block(ins, open[i].point, open[i].enc);
out:
	sqlite3_finalize(ins);
	for (i = 0; i < n_open; i++)
		pue_codec_enc_free(open[i].enc);
	free(open);
	return rc;
}

int
pue_store_blocks_convert(sqlite3 *db, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	uint64_t rows = 0;
	int rc = -1;

	/* the key's order, (t, point): each point's samples in time order,
	 * read as they lie, without sorting the table */
	if (sqlite3_prepare_v2(db, "SELECT t, point, value FROM samples", -1, &q, NULL) ==
	    SQLITE_OK) {
		if ((rc = sqlite3_step(q)) == SQLITE_DONE) {
			sqlite3_finalize(q);
			return 0; /* none: a new database */
		}
		pue_log(LOG_NOTICE, "store: converting the raw samples to blocks (schema 5); a "
				    "large database takes minutes");
		sqlite3_reset(q);
		rc = convert_rows(db, q, false, &rows);
	}
	sqlite3_finalize(q);
	if (rc == -ENOMEM)
		return pue_err_set(err, PUE_E_STORE,
				   "store: converting the raw samples: out of "
				   "memory");
	if (rc < 0)
		return pue_err_set(err, PUE_E_STORE, "store: converting the raw samples: %s",
				   sqlite3_errmsg(db));
	pue_log(LOG_NOTICE, "store: %llu raw samples converted to blocks",
		(unsigned long long)rows);
	return 0;
}
