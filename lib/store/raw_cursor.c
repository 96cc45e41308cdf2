/* SPDX-License-Identifier: MIT */
/*
 * raw_cursor.c - merging raw blocks into one time-ordered stream; see
 * raw_cursor.h.
 *
 * Two statements list the blocks that reach into the range by their first
 * time (raw_blocks by its key or its (point, t_first) index, raw_open
 * sorted: it holds one row per point). A block joins the merge when the
 * stream reaches its first time, so at most one block per point is open
 * at once, except where blocks of a point overlap (a clock set back
 * between two runs); a binary heap orders the open blocks by their next
 * sample. A third statement reads raw_tail, the samples flushed since the
 * last checkpoint, one row each, in (t, point) order; a row at or before
 * its point's t_last in raw_open is in a block already and is skipped
 * (store_blocks.c). A statement on meta stays open from the first read
 * to the close, so that all of them read one snapshot of the database (a
 * flush meanwhile shows in none), as the host statement gives the SQLite
 * extension's.
 */
#include "store/raw_cursor.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef PUE_SQLITE_EXTENSION
/* Built into the SQLite extension (raw_vtab.c): calls go through the
 * host's API table, not a second copy of the library. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include "store/sample_codec.h"

struct block {
	int64_t point, t_first;
	uint8_t *blob; /* the decoder's, copied out of the row */
	struct pue_codec_dec dec;
	int64_t t; /* the next sample */
	double value;
};

/* A statement listing blocks or tail rows, and the row it stands on. */
struct lister {
	sqlite3_stmt *q;
	bool row; /* q stands on a row */
};

/* A point's last time in raw_open: its tail rows up to it are in blocks. */
struct covered {
	int64_t point, t_last;
};

struct pue_raw_cursor {
	sqlite3 *db;
	int64_t from_ms, to_ms;
	sqlite3_stmt *snapshot; /* holds the read transaction */
	struct lister lists[2]; /* raw_blocks, raw_open */
	struct lister tail;
	struct covered *covered; /* sorted by point */
	size_t n_covered;
	struct block **heap;
	size_t n_heap, cap_heap;
};

static int
db_fail(struct pue_raw_cursor *c, struct pue_err *err, const char *what)
{
	return pue_err_set(err, PUE_E_STORE, "raw samples: %s: %s", what, sqlite3_errmsg(c->db));
}

static int
advance(struct pue_raw_cursor *c, struct lister *l, struct pue_err *err)
{
	int rc = sqlite3_step(l->q);

	l->row = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(c, err, "listing blocks");
}

/* Where retention and the disk budget have dropped samples up to. */
static int
horizon(struct pue_raw_cursor *c, int64_t *from_ms, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(c->db, "SELECT value FROM meta WHERE key = 'raw_from'", -1, &q,
			       NULL) != SQLITE_OK)
		return db_fail(c, err, "reading where they start");
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_int64(q, 0) > *from_ms)
		*from_ms = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
						     : db_fail(c, err, "reading where they start");
}

static int
prepare(struct pue_raw_cursor *c, struct lister *l, const char *sql, int64_t point,
	struct pue_err *err)
{
	sqlite3_stmt *q;
	int64_t back;

	if (sqlite3_prepare_v2(c->db, sql, -1, &l->q, NULL) != SQLITE_OK)
		return pue_err_set(err, PUE_E_STORE,
				   "raw samples: %s (a database older than schema 5 is converted "
				   "when pued opens it)",
				   sqlite3_errmsg(c->db));
	q = l->q;
	back = c->from_ms < INT64_MIN + PUE_RAW_SPAN_MS ? INT64_MIN : c->from_ms - PUE_RAW_SPAN_MS;
	sqlite3_bind_int64(q, 1, back);
	sqlite3_bind_int64(q, 2, c->to_ms);
	sqlite3_bind_int64(q, 3, c->from_ms);
	if (point >= 0)
		sqlite3_bind_int64(q, 4, point);
	return advance(c, l, err);
}

/* raw_open's last times, of one point or all. */
static int
load_covered(struct pue_raw_cursor *c, int64_t point, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(c->db,
			       point >= 0 ? "SELECT point, t_last FROM raw_open WHERE point = ?"
					  : "SELECT point, t_last FROM raw_open ORDER BY point",
			       -1, &q, NULL) != SQLITE_OK)
		return db_fail(c, err, "reading the blocks in progress");
	sqlite3_bind_int64(q, 1, point);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (c->n_covered == cap) {
			struct covered *a =
				reallocarray(c->covered, cap ? 2 * cap : 64, sizeof(*a));

			if (a == NULL) {
				sqlite3_finalize(q);
				return pue_err_set(err, -ENOMEM, "raw samples: out of memory");
			}
			c->covered = a;
			cap = cap ? 2 * cap : 64;
		}
		c->covered[c->n_covered++] =
			(struct covered){sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)};
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_fail(c, err, "reading the blocks in progress");
}

int
pue_raw_cursor_open(sqlite3 *db, int64_t from_ms, int64_t to_ms, int64_t point,
		    struct pue_raw_cursor **out, struct pue_err *err)
{
	/* ?1 the earliest first time a block reaching from_ms can have, ?2
	 * to_ms, ?3 from_ms, ?4 the point (raw_tail's rows have one time) */
	static const char *const sql[3][2] = {
		{"SELECT point, t_first, data FROM raw_blocks WHERE t_first >= ?1 AND t_first <= ?2"
		 " AND t_last >= ?3 ORDER BY t_first, point",
		 "SELECT point, t_first, data FROM raw_blocks WHERE point = ?4 AND t_first >= ?1"
		 " AND t_first <= ?2 AND t_last >= ?3 ORDER BY t_first"},
		{"SELECT point, t_first, data FROM raw_open WHERE t_first >= ?1 AND t_first <= ?2"
		 " AND t_last >= ?3 ORDER BY t_first, point",
		 "SELECT point, t_first, data FROM raw_open WHERE point = ?4 AND t_first >= ?1"
		 " AND t_first <= ?2 AND t_last >= ?3"},
		{"SELECT point, t, bits FROM raw_tail WHERE t >= ?3 AND t <= ?2 ORDER BY t, point",
		 "SELECT point, t, bits FROM raw_tail WHERE t >= ?3 AND t <= ?2 AND point = ?4"
		 " ORDER BY t"},
	};
	struct pue_raw_cursor *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return pue_err_set(err, -ENOMEM, "raw samples: out of memory");
	c->db = db;
	c->from_ms = from_ms;
	c->to_ms = to_ms;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta", -1, &c->snapshot, NULL) != SQLITE_OK ||
	    sqlite3_step(c->snapshot) != SQLITE_ROW)
		rc = db_fail(c, err, "reading");
	else if ((rc = horizon(c, &c->from_ms, err)) == 0 &&
		 (rc = load_covered(c, point, err)) == 0 &&
		 (rc = prepare(c, &c->lists[0], sql[0][point >= 0], point, err)) == 0 &&
		 (rc = prepare(c, &c->lists[1], sql[1][point >= 0], point, err)) == 0)
		rc = prepare(c, &c->tail, sql[2][point >= 0], point, err);
	if (rc < 0) {
		pue_raw_cursor_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void
free_block(struct block *b)
{
	if (b != NULL)
		free(b->blob);
	free(b);
}

void
pue_raw_cursor_close(struct pue_raw_cursor *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < 2; i++)
		sqlite3_finalize(c->lists[i].q);
	sqlite3_finalize(c->tail.q);
	sqlite3_finalize(c->snapshot);
	for (i = 0; i < c->n_heap; i++)
		free_block(c->heap[i]);
	free(c->heap);
	free(c->covered);
	free(c);
}

/* The heap's order: the next sample's time, then the point. */
static bool
before(const struct block *a, const struct block *b)
{
	return a->t < b->t || (a->t == b->t && a->point < b->point);
}

static void
sift_down(struct pue_raw_cursor *c, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct block *tmp;

		if (l < c->n_heap && before(c->heap[l], c->heap[m]))
			m = l;
		if (l + 1 < c->n_heap && before(c->heap[l + 1], c->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		tmp = c->heap[i];
		c->heap[i] = c->heap[m];
		c->heap[m] = tmp;
		i = m;
	}
}

static void
sift_up(struct pue_raw_cursor *c, size_t i)
{
	while (i > 0 && before(c->heap[i], c->heap[(i - 1) / 2])) {
		struct block *tmp = c->heap[i];

		c->heap[i] = c->heap[(i - 1) / 2];
		c->heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

/* Moves b to its next sample in range: 1, or 0 when it has no more. */
static int
step_block(struct pue_raw_cursor *c, struct block *b, struct pue_err *err)
{
	struct pue_err why;
	int rc;

	do
		rc = pue_sample_codec_dec_next(&b->dec, &b->t, &b->value, &why);
	while (rc == 1 && b->t < c->from_ms);
	if (rc < 0)
		return pue_err_set(err, rc, "raw samples: the block of point %lld from %lld: %s",
				   (long long)b->point, (long long)b->t_first, why.msg);
	return rc == 1 && b->t <= c->to_ms;
}

/* Opens the block the lister l stands on and moves l to the next. */
static int
admit(struct pue_raw_cursor *c, struct lister *l, struct pue_err *err)
{
	struct block *b = calloc(1, sizeof(*b));
	const void *data = sqlite3_column_blob(l->q, 2);
	size_t len = (size_t)sqlite3_column_bytes(l->q, 2);
	struct pue_err why;
	int rc;

	if (b == NULL || (b->blob = malloc(len ? len : 1)) == NULL) {
		free(b);
		return pue_err_set(err, -ENOMEM, "raw samples: out of memory");
	}
	b->point = sqlite3_column_int64(l->q, 0);
	b->t_first = sqlite3_column_int64(l->q, 1);
	if (len > 0)
		memcpy(b->blob, data, len);
	if ((rc = pue_sample_codec_dec_init(&b->dec, b->blob, len, &why)) < 0) {
		rc = pue_err_set(err, rc, "raw samples: the block of point %lld from %lld: %s",
				 (long long)b->point, (long long)b->t_first, why.msg);
		free_block(b);
		return rc;
	}
	if ((rc = step_block(c, b, err)) <= 0 || (rc = advance(c, l, err)) < 0) {
		free_block(b);
		return rc < 0 ? rc : advance(c, l, err);
	}
	if (c->n_heap == c->cap_heap) {
		size_t cap = c->cap_heap ? 2 * c->cap_heap : 64;
		struct block **h = reallocarray(c->heap, cap, sizeof(*h));

		if (h == NULL) {
			free_block(b);
			return pue_err_set(err, -ENOMEM, "raw samples: out of memory");
		}
		c->heap = h;
		c->cap_heap = cap;
	}
	c->heap[c->n_heap++] = b;
	sift_up(c, c->n_heap - 1);
	return 0;
}

/* The lister whose block starts first, or NULL when both are done. */
static struct lister *
pending(struct pue_raw_cursor *c)
{
	struct lister *a = &c->lists[0], *b = &c->lists[1];

	if (!a->row)
		return b->row ? b : NULL;
	if (!b->row || sqlite3_column_int64(a->q, 1) <= sqlite3_column_int64(b->q, 1))
		return a;
	return b;
}

static int
by_point(const void *key, const void *elem)
{
	int64_t a = *(const int64_t *)key, b = ((const struct covered *)elem)->point;

	return (a > b) - (a < b);
}

/* Moves the tail to its next row that no block holds. */
static int
skip_covered(struct pue_raw_cursor *c, struct pue_err *err)
{
	int rc = 0;

	while (c->tail.row && rc == 0) {
		int64_t point = sqlite3_column_int64(c->tail.q, 0);
		const struct covered *cov = c->n_covered == 0
						    ? NULL
						    : bsearch(&point, c->covered, c->n_covered,
							      sizeof(*c->covered), by_point);

		if (cov == NULL || sqlite3_column_int64(c->tail.q, 1) > cov->t_last)
			return 0;
		rc = advance(c, &c->tail, err);
	}
	return rc;
}

/* Whether the tail's row comes before the heap's next sample. */
static bool
tail_first(struct pue_raw_cursor *c)
{
	int64_t t, point;

	if (!c->tail.row)
		return false;
	if (c->n_heap == 0)
		return true;
	t = sqlite3_column_int64(c->tail.q, 1);
	point = sqlite3_column_int64(c->tail.q, 0);
	return t < c->heap[0]->t || (t == c->heap[0]->t && point < c->heap[0]->point);
}

int
pue_raw_cursor_next(struct pue_raw_cursor *c, struct pue_raw_sample *s, struct pue_err *err)
{
	struct lister *l;
	struct block *top;
	uint64_t bits;
	int rc;

	if ((rc = skip_covered(c, err)) < 0)
		return rc;
	/* every block starting at or before the next sample joins first */
	while ((l = pending(c)) != NULL) {
		int64_t next = INT64_MAX;

		if (c->n_heap > 0)
			next = c->heap[0]->t;
		if (c->tail.row && sqlite3_column_int64(c->tail.q, 1) < next)
			next = sqlite3_column_int64(c->tail.q, 1);
		if (sqlite3_column_int64(l->q, 1) > next)
			break;
		if ((rc = admit(c, l, err)) < 0)
			return rc;
	}
	if (tail_first(c)) {
		bits = (uint64_t)sqlite3_column_int64(c->tail.q, 2);
		s->t_ms = sqlite3_column_int64(c->tail.q, 1);
		s->point = sqlite3_column_int64(c->tail.q, 0);
		memcpy(&s->value, &bits, sizeof(s->value));
		return (rc = advance(c, &c->tail, err)) < 0 ? rc : 1;
	}
	if (c->n_heap == 0)
		return 0;
	top = c->heap[0];
	*s = (struct pue_raw_sample){top->t, top->point, top->value};
	if ((rc = step_block(c, top, err)) < 0)
		return rc;
	if (rc == 0) {
		free_block(top);
		c->heap[0] = c->heap[--c->n_heap];
	}
	if (c->n_heap > 0)
		sift_down(c, 0);
	return 1;
}
