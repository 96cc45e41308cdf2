/* SPDX-License-Identifier: MIT */
/* raw_blocks.c - closed raw blocks written to raw_blocks; see raw_blocks.h. */
#include "store/raw_blocks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/notify.h"
#include "store/raw_cursor.h"

/* The converted schema 4 rows between two progress reports to systemd,
 * which stops a service that takes 90 s to start. */
#define CONVERT_REPORT_ROWS 1000000

/* A block of the same point may start at the same millisecond (a clock
 * set back between two runs): seq tells them apart. */
const char pue_raw_blocks_insert_sql[] =
	"INSERT INTO raw_blocks(t_first, point, seq, t_last, n, data) VALUES(?1, ?5,"
	" (SELECT coalesce(max(seq) + 1, 0) FROM raw_blocks WHERE t_first = ?1 AND point = ?5),"
	" ?2, ?3, ?4)";

void
pue_raw_blocks_bind(sqlite3_stmt *s, int first, struct pue_codec_enc *e)
{
	struct pue_sample_encode_span span;
	const uint8_t *blob;
	size_t len;

	blob = pue_sample_encode_bytes(e, &len);
	span = pue_sample_encode_span(e);
	sqlite3_bind_int64(s, first, span.first_ms);
	sqlite3_bind_int64(s, first + 1, span.last_ms);
	sqlite3_bind_int64(s, first + 2, (sqlite3_int64)span.n);
	sqlite3_bind_blob(s, first + 3, blob, (int)len, SQLITE_STATIC);
}

int
pue_raw_blocks_close(sqlite3_stmt *ins, int64_t point, struct pue_codec_enc *e)
{
	int rc;

	/* out of memory only misses the smaller form: the block is whole */
	(void)pue_sample_encode_finish(e);
	pue_raw_blocks_bind(ins, 1, e);
	sqlite3_bind_int64(ins, 5, point);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	if (rc != SQLITE_DONE)
		return -1;
	pue_sample_encode_reset(e);
	return 0;
}

bool
pue_raw_blocks_takes(const struct pue_codec_enc *e, int64_t t_ms, size_t limit)
{
	struct pue_sample_encode_span span = pue_sample_encode_span(e);

	/* after the last time, so the difference is positive and exact */
	return span.n == 0 ||
	       (span.n < limit && t_ms > span.last_ms &&
		(uint64_t)t_ms - (uint64_t)span.first_ms < (uint64_t)PUE_RAW_SPAN_MS);
}

/* Appends a sample to e, closing it first when it is full; 0, -1 or
 * -ENOMEM. */
static int
add(sqlite3_stmt *ins, int64_t point, struct pue_codec_enc *e, int64_t t_ms, double value)
{
	if (!pue_raw_blocks_takes(e, t_ms, PUE_RAW_BLOCK_SAMPLES) &&
	    pue_raw_blocks_close(ins, point, e) < 0)
		return -1;
	return pue_sample_encode_append(e, t_ms, value) < 0 ? -ENOMEM : 0;
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
	(*arr)[lo] = (struct converting){point, pue_sample_encode_new()};
	(*n)++;
	return (*arr)[lo].enc != NULL ? &(*arr)[lo] : NULL;
}

int
pue_raw_blocks_convert(sqlite3 *db, sqlite3_stmt *q, bool bits, uint64_t *rows)
{
	sqlite3_stmt *ins = NULL;
	struct converting *open = NULL, *c;
	size_t n_open = 0, cap = 0, i;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, pue_raw_blocks_insert_sql, -1, &ins, NULL) != SQLITE_OK) {
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
			pue_notify_format(
				"EXTEND_TIMEOUT_USEC=60000000\nSTATUS=converting raw samples: "
				"%llu done",
				(unsigned long long)*rows);
	}
	if (step != SQLITE_DONE) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n_open && rc == 0; i++)
		if (pue_sample_encode_span(open[i].enc).n > 0)
			rc = pue_raw_blocks_close(ins, open[i].point, open[i].enc);
out:
	sqlite3_finalize(ins);
	for (i = 0; i < n_open; i++)
		pue_sample_encode_free(open[i].enc);
	free(open);
	return rc;
}

int
pue_raw_blocks_convert_samples(sqlite3 *db, struct pue_err *err)
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
		sqlite3_reset(q);
		rc = pue_raw_blocks_convert(db, q, false, &rows);
	}
	sqlite3_finalize(q);
	if (rc == -ENOMEM)
		return pue_err_set(err, PUE_E_STORE,
				   "store: converting the raw samples: out of memory");
	if (rc < 0)
		return pue_err_set(err, PUE_E_STORE, "store: converting the raw samples: %s",
				   sqlite3_errmsg(db));
	return 0;
}
