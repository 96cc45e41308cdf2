/* SPDX-License-Identifier: MIT */
/* store_read.c - what a restart reads back from the store; see
 * store_read.h. */
#include "store/store_read.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store/raw_cursor.h"
#include "store/store_db.h"

/* Steps q (prepared and bound; finalized here), one minute a row:
 * t, facility_kwh, it_kwh, covered_ms. Returns the count or PUE_E_STORE. */
static int
load_rows(struct pue_store *st, sqlite3_stmt *q, pue_minute_cb cb, void *arg, struct pue_err *err)
{
	int n = 0, rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct pue_minute m = {
			.start_ms = sqlite3_column_int64(q, 0),
			.facility_kwh = sqlite3_column_double(q, 1),
			.it_kwh = sqlite3_column_double(q, 2),
			.covered_ms = sqlite3_column_int64(q, 3),
		};

		cb(arg, &m);
		n++;
	}
	if (rc != SQLITE_DONE)
		n = pue_store_db_error(st, err, "loading minutes");
	sqlite3_finalize(q);
	return n;
}

int
pue_store_read_minutes(struct pue_store *st, int64_t since_ms, pue_minute_cb cb, void *arg,
		       struct pue_err *err)
{
	sqlite3_stmt *q = NULL;

	if (st->db == NULL)
		return 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT t, facility_kwh, it_kwh, covered_ms FROM minutes"
			       " WHERE t >= ? ORDER BY t",
			       -1, &q, NULL) != SQLITE_OK)
		return pue_store_db_error(st, err, "loading minutes");
	sqlite3_bind_int64(q, 1, since_ms);
	return load_rows(st, q, cb, arg, err);
}

int
pue_store_read_zone_minutes(struct pue_store *st, const char *zone, int64_t since_ms,
			    pue_minute_cb cb, void *arg, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;

	if (st->db == NULL)
		return 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT t, facility_kwh, it_kwh, covered_ms FROM zone_minutes"
			       " WHERE zone = ? AND t >= ? ORDER BY t",
			       -1, &q, NULL) != SQLITE_OK)
		return pue_store_db_error(st, err, "loading zone minutes");
	sqlite3_bind_text(q, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since_ms);
	return load_rows(st, q, cb, arg, err);
}

int
pue_store_read_minutes_until(struct pue_store *st, int64_t *until_ms, struct pue_err *err)
{
	static const char *const sql[] = {
		"SELECT value FROM meta WHERE key = 'minutes_until'",
		"SELECT max(t) + 60000 FROM minutes",
	};
	sqlite3_stmt *q = NULL;
	int rc = 0;
	size_t i;

	if (st->minutes_until_dirty) {
		*until_ms = st->minutes_until;
		return 1;
	}
	if (st->db == NULL)
		return 0;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == 0; i++) {
		if (sqlite3_prepare_v2(st->db, sql[i], -1, &q, NULL) != SQLITE_OK)
			return pue_store_db_error(st, err, "reading where the minutes end");
		switch (sqlite3_step(q)) {
		case SQLITE_ROW:
			if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
				*until_ms = sqlite3_column_int64(q, 0);
				rc = 1;
			}
			break;
		case SQLITE_DONE:
			break;
		default:
			rc = pue_store_db_error(st, err, "reading where the minutes end");
		}
		sqlite3_finalize(q);
	}
	return rc;
}

int
pue_store_read_clock_mark(struct pue_store *st, struct pue_store_clock_mark *m, struct pue_err *err)
{
	sqlite3_stmt *q = NULL;
	const unsigned char *v;
	int rc = 0, used = 0;

	if (st->db == NULL)
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'clock_mark'", -1, &q,
			       NULL) != SQLITE_OK)
		return pue_store_db_error(st, err, "reading the clock mark");
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		/* One written by hand and malformed is no mark. */
		v = sqlite3_column_text(q, 0);
		rc = v != NULL &&
		     sscanf((const char *)v, "%47s %" SCNd64 " %" SCNd64 " %" SCNd64 "%n", m->boot,
			    &m->mono_ms, &m->stamp_ms, &m->wall_off_ms, &used) == 4 &&
		     v[used] == '\0';
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = pue_store_db_error(st, err, "reading the clock mark");
	}
	sqlite3_finalize(q);
	return rc;
}

int
pue_store_read_newest(struct pue_store *st, int64_t *t_ms, struct pue_err *err)
{
	/* Each point's newest block by the index on (point, t_first), not a
	 * scan of every block's t_last. */
	static const char sql[] =
		"SELECT max(t) FROM ("
		" SELECT max(t_last) AS t FROM raw_open"
		" UNION ALL SELECT max(t) FROM raw_tail"
		" UNION ALL SELECT max((SELECT t_last FROM raw_blocks b WHERE b.point = p.id"
		"  ORDER BY b.t_first DESC LIMIT 1)) FROM points p"
		" UNION ALL SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'minutes_until')";
	sqlite3_stmt *q = NULL;
	int rc = 0;

	if (st->minutes_until_dirty) {
		*t_ms = st->minutes_until;
		rc = 1;
	}
	if (st->db == NULL)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return pue_store_db_error(st, err, "reading the newest stored time");
	switch (sqlite3_step(q)) {
	case SQLITE_ROW:
		if (sqlite3_column_type(q, 0) != SQLITE_NULL &&
		    (rc == 0 || sqlite3_column_int64(q, 0) > *t_ms)) {
			*t_ms = sqlite3_column_int64(q, 0);
			rc = 1;
		}
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = pue_store_db_error(st, err, "reading the newest stored time");
	}
	sqlite3_finalize(q);
	return rc;
}

int
pue_store_read_last_sample(struct pue_store *st, size_t device, size_t point, int64_t from_ms,
			   int64_t to_ms, int64_t *t_ms, double *value, struct pue_err *err)
{
	struct pue_raw_cursor *c;
	struct pue_raw_sample s;
	int rc, found = 0;

	if (st->db == NULL)
		return 0;
	if ((rc = pue_raw_cursor_open(st->db, from_ms, to_ms, st->point_ids[device][point], &c,
				      err)) < 0)
		return rc;
	/* a point's blocks in the range, a few at most: read to the last */
	while ((rc = pue_raw_cursor_next(c, &s, err)) == 1) {
		*t_ms = s.t_ms;
		*value = s.value;
		found = 1;
	}
	pue_raw_cursor_close(c);
	return rc < 0 ? rc : found;
}

int
pue_store_read_samples(struct pue_store *st, int64_t after_ms, int64_t to_ms, pue_sample_cb cb,
		       void *arg, struct pue_err *err)
{
	struct pue_raw_cursor *c;
	struct pue_raw_sample s;
	int n = 0, rc;

	if (st->db == NULL || after_ms >= to_ms)
		return 0;
	if ((rc = pue_raw_cursor_open(st->db, after_ms + 1, to_ms, -1, &c, err)) < 0)
		return rc;
	while ((rc = pue_raw_cursor_next(c, &s, err)) == 1) {
		struct point_ref key = {.id = s.point};
		const struct point_ref *ref = bsearch(&key, st->by_id, st->n_points,
						      sizeof(*st->by_id), pue_store_db_compare_ids);

		if (ref == NULL)
			continue; /* a point no longer configured */
		cb(arg, ref->device, ref->point, (pue_wall_t){s.t_ms}, s.value);
		n++;
	}
	pue_raw_cursor_close(c);
	return rc < 0 ? rc : n;
}
