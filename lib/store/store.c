/* SPDX-License-Identifier: MIT */
/* store.c - the rows queued and written in one transaction per flush,
 * retention and the disk budget; see store.h. The connection itself is
 * store_db.c's, the raw samples' blocks store_blocks.c's. */
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_blocks.h"
#include "store/store_db.h"

/* With nothing to write, retention runs at most this often: a flush every
 * second need not open a transaction every second. */
#define IDLE_TRIM_MS 60000

#define db_error pue_store_db_error
#define step_reset pue_store_db_step_reset

#define HOUR_MS (3600 * 1000)
/* Rows a flush deletes at most for retention, so a backlog of old samples
 * (after a retention change, or a long stop) is worked off over many
 * flushes and no single write stalls the loop. */
#define TRIM_BATCH 5000

/* The connection (store_db.c) and the raw blocks' statements on it. */
static int
open_db(struct pue_store *st, bool *full, struct pue_err *err)
{
	if (pue_store_db_connect(st, full, err) < 0)
		return PUE_E_STORE;
	if (pue_store_blocks_prepare(st) == 0)
		return 0;
	db_error(st, err, "preparing statements");
	pue_store_blocks_disconnect(st);
	pue_store_db_disconnect(st);
	*full = false;
	return PUE_E_STORE;
}

/* Frees the page cache between flushes (issue 18). Kept, it would hold up
 * to cache_size (256 KiB) from the first checkpoint on, for pages that a
 * flush a second later finds again in the operating system's cache: a
 * flush between checkpoints reads about 11 of them again (bench of 600
 * points: the same CPU a flush, within the noise, and the same pages
 * written). */
static void
release_cache(struct pue_store *st)
{
	(void)sqlite3_db_release_memory(st->db);
}

/* Retention and the disk budget, inside the flush's transaction. */
static int
trim(struct pue_store *st, pue_wall_t now, size_t just_written)
{
	int64_t used, batch = TRIM_BATCH;

	if (now.ms == 0)
		return 0;
	if (pue_store_blocks_drop(st, now.ms - st->raw_retention_ms, TRIM_BATCH) < 0)
		return -1;
	sqlite3_bind_int64(st->del_minutes, 1, now.ms - st->minute_retention_ms);
	sqlite3_bind_int64(st->del_zone_minutes, 1, now.ms - st->minute_retention_ms);
	if (step_reset(st->del_minutes) < 0 || step_reset(st->del_zone_minutes) < 0)
		return -1;
	used = (pue_store_db_pragma_int(st->page_count) -
		pue_store_db_pragma_int(st->freelist_count)) *
	       st->page_size;
	st->stats.used_bytes = used > 0 ? (uint64_t)used : 0;
	/* Over 90% of the budget: the oldest raw samples go first, faster than
	 * new ones arrive, and the rollups stay. Freed pages are reused, so
	 * the file stops growing. */
	if (used > 0 && (uint64_t)used > st->stats.budget_bytes / 10 * 9) {
		if ((int64_t)just_written * 2 > batch)
			batch = (int64_t)just_written * 2;
		st->stats.over_budget = true;
		return pue_store_blocks_drop(st, INT64_MAX, batch);
	}
	st->stats.over_budget = false;
	return 0;
}

static void
free_events(struct pue_store *st)
{
	size_t i;

	for (i = 0; i < st->n_events; i++) {
		free(st->events[i].kind);
		free(st->events[i].subject);
		free(st->events[i].message);
	}
	st->n_events = 0;
}

/* Copies what the store needs of sc. Returns 0 or -ENOMEM. */
static int
keep_conf(struct pue_store *st, const struct pue_store_conf *sc)
{
	size_t i;

	st->raw_retention_ms = sc->raw_retention_ms;
	st->minute_retention_ms = sc->minute_retention_ms;
	st->stats.budget_bytes = sc->disk_budget_bytes;
	st->kept = calloc(sc->n_points ? sc->n_points : 1, sizeof(*st->kept));
	st->zones = calloc(sc->n_zones ? sc->n_zones : 1, sizeof(*st->zones));
	if (st->kept == NULL || st->zones == NULL)
		return -ENOMEM;
	for (i = 0; i < sc->n_points; i++) {
		const struct pue_store_point *p = &sc->points[i];
		struct kept_point *k = &st->kept[st->n_kept++];

		*k = (struct kept_point){.device = p->device, .point = p->point, .kind = p->kind};
		if ((k->device_name = strdup(p->device_name)) == NULL ||
		    (k->name = strdup(p->name)) == NULL)
			return -ENOMEM;
		if (p->device >= st->n_devices)
			st->n_devices = p->device + 1;
	}
	for (i = 0; i < sc->n_zones; i++, st->n_zones++)
		if ((st->zones[i] = strdup(sc->zones[i])) == NULL)
			return -ENOMEM;
	return 0;
}

/* Frees st and what it holds, without a last flush. */
static void
destroy(struct pue_store *st)
{
	size_t i;

	pue_store_blocks_disconnect(st);
	pue_store_db_disconnect(st);
	pue_store_blocks_free(st);
	for (i = 0; i < st->n_kept; i++) {
		free(st->kept[i].device_name);
		free(st->kept[i].name);
	}
	free(st->kept);
	for (i = 0; i < st->n_zones; i++)
		free(st->zones[i]);
	free(st->zones);
	free(st->path);
	free(st->samples);
	free(st->minutes);
	free_events(st);
	free(st->events);
	free(st);
}

struct pue_store *
pue_store_open(const char *path, const struct pue_store_conf *sc, struct pue_err *err)
{
	struct pue_store *st = calloc(1, sizeof(*st));
	struct pue_err local;
	bool full;

	if (err == NULL)
		err = &local;
	if (st == NULL) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		return NULL;
	}
	if ((st->path = strdup(path)) == NULL || keep_conf(st, sc) < 0 ||
	    pue_store_blocks_init(st) < 0) {
		pue_err_set(err, -ENOMEM, "store: out of memory");
		destroy(st);
		return NULL;
	}
	st->page_size = 4096;
	if (open_db(st, &full, err) == 0) {
		release_cache(st); /* the schema's and the points' pages */
		return st;
	}
	if (!full) {
		destroy(st);
		return NULL;
	}
	/* A full disk at start is survived as one at runtime is: pued polls
	 * and computes, the rows wait in memory, and each flush tries to
	 * open the database again. */
	st->stats.failing = true;
	snprintf(st->stats.last_error, sizeof(st->stats.last_error), "%s", err->msg);
	return st;
}

const char *
pue_store_path(const struct pue_store *st)
{
	return st->path;
}

bool
pue_store_is_open(const struct pue_store *st)
{
	return st->db != NULL;
}

void
pue_store_close(struct pue_store *st)
{
	if (st == NULL)
		return;
	/* its own checkpoint leaves raw_tail empty; if it cannot, the next
	 * start turns the tail into blocks instead */
	if (pue_store_flush(st, (pue_wall_t){0}, NULL) == 0)
		(void)pue_store_blocks_checkpoint(st);
	destroy(st);
}

/* Grows an array of rows by one; NULL when memory runs out. */
static void *
grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		void *a = reallocarray(*arr, c, size);

		if (a == NULL)
			return NULL;
		*arr = a;
		*cap = c;
	}
	return (char *)*arr + (*n)++ * size;
}

int
pue_store_add_sample(struct pue_store *st, size_t device, size_t point, pue_wall_t t, double value)
{
	struct sample_row *row;

	if (st->n_samples >= PUE_STORE_MAX_PENDING) {
		st->stats.dropped++;
		return -ENOBUFS;
	}
	row = grow((void **)&st->samples, &st->n_samples, &st->cap_samples, sizeof(*row));
	if (row == NULL) {
		st->stats.dropped++;
		return -ENOMEM;
	}
	*row = (struct sample_row){t.ms, device, point, value};
	return 0;
}

int
pue_store_add_minute(struct pue_store *st, const struct pue_minute *m, int category)
{
	struct minute_row *row =
		grow((void **)&st->minutes, &st->n_minutes, &st->cap_minutes, sizeof(*row));

	if (row == NULL)
		return -ENOMEM;
	*row = (struct minute_row){*m, category, -1};
	return 0;
}

int
pue_store_add_zone_minute(struct pue_store *st, size_t zone, const struct pue_minute *m)
{
	struct minute_row *row;

	if (zone >= st->n_zones)
		return -EINVAL;
	row = grow((void **)&st->minutes, &st->n_minutes, &st->cap_minutes, sizeof(*row));
	if (row == NULL)
		return -ENOMEM;
	*row = (struct minute_row){*m, 0, (int)zone};
	return 0;
}

int
pue_store_add_event(struct pue_store *st, pue_wall_t t, const char *kind, const char *subject,
		    const char *message)
{
	struct event_row *row =
		grow((void **)&st->events, &st->n_events, &st->cap_events, sizeof(*row));

	if (row == NULL)
		return -ENOMEM;
	row->t_ms = t.ms;
	row->kind = strdup(kind);
	row->subject = strdup(subject);
	row->message = strdup(message);
	if (row->kind == NULL || row->subject == NULL || row->message == NULL) {
		free(row->kind);
		free(row->subject);
		free(row->message);
		st->n_events--;
		return -ENOMEM;
	}
	return 0;
}

/* heir's point of pt's names and kind; NULL when it keeps none. */
static const struct kept_point *
heir_point(const struct pue_store *heir, const struct kept_point *pt)
{
	size_t i;

	for (i = 0; i < heir->n_kept; i++)
		if (heir->kept[i].kind == pt->kind && strcmp(heir->kept[i].name, pt->name) == 0 &&
		    strcmp(heir->kept[i].device_name, pt->device_name) == 0)
			return &heir->kept[i];
	return NULL;
}

size_t
pue_store_hand_over(struct pue_store *heir, struct pue_store *st)
{
	const struct kept_point **to = calloc(st->n_slots ? st->n_slots : 1, sizeof(*to));
	size_t i, j, moved = 0;

	for (i = 0; to != NULL && i < st->n_kept; i++)
		to[st->slot_base[st->kept[i].device] + st->kept[i].point] =
			heir_point(heir, &st->kept[i]);
	for (i = 0; i < st->n_samples; i++) {
		const struct sample_row *r = &st->samples[i];
		const struct kept_point *k = to ? to[st->slot_base[r->device] + r->point] : NULL;

		if (k != NULL && pue_store_add_sample(heir, k->device, k->point,
						      (pue_wall_t){r->t_ms}, r->value) == 0)
			moved++;
		else if (k == NULL)
			heir->stats.dropped++;
	}
	for (i = 0; i < st->n_minutes; i++) {
		const struct minute_row *r = &st->minutes[i];

		for (j = 0; r->zone >= 0 && j < heir->n_zones; j++)
			if (strcmp(heir->zones[j], st->zones[r->zone]) == 0)
				break;
		if (r->zone < 0 ? pue_store_add_minute(heir, &r->m, r->category) == 0
				: pue_store_add_zone_minute(heir, j, &r->m) == 0)
			moved++;
		else /* a zone the reload removed, or no memory */
			heir->stats.dropped++;
	}
	for (i = 0; i < st->n_events; i++)
		if (pue_store_add_event(heir, (pue_wall_t){st->events[i].t_ms}, st->events[i].kind,
					st->events[i].subject, st->events[i].message) == 0)
			moved++;
	if (st->minutes_until_dirty && !heir->minutes_until_dirty)
		pue_store_set_minutes_until(heir, st->minutes_until);
	free(to);
	st->n_samples = st->n_minutes = 0;
	st->minutes_until_dirty = false;
	free_events(st);
	return moved;
}

static int
write_minute(sqlite3_stmt *s, int64_t t_ms, const struct minute_row *r)
{
	sqlite3_bind_int64(s, 1, t_ms);
	sqlite3_bind_double(s, 2, r->m.facility_kwh);
	sqlite3_bind_double(s, 3, r->m.it_kwh);
	sqlite3_bind_int64(s, 4, r->m.covered_ms);
	sqlite3_bind_int(s, 5, r->category);
	return step_reset(s);
}

static int
write_all(struct pue_store *st)
{
	size_t i;
	int rc;

	if ((rc = pue_store_blocks_write(st)) < 0)
		return rc;
	for (i = 0; i < st->n_minutes; i++) {
		const struct minute_row *r = &st->minutes[i];

		if (r->zone >= 0) {
			sqlite3_bind_text(st->ins_zone, 1, st->zones[r->zone], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st->ins_zone, 2, r->m.start_ms);
			sqlite3_bind_double(st->ins_zone, 3, r->m.facility_kwh);
			sqlite3_bind_double(st->ins_zone, 4, r->m.it_kwh);
			sqlite3_bind_int64(st->ins_zone, 5, r->m.covered_ms);
			if (step_reset(st->ins_zone) < 0)
				return -1;
			continue;
		}
		if (write_minute(st->ins_minute, r->m.start_ms, r) < 0 ||
		    write_minute(st->ins_hour, r->m.start_ms - r->m.start_ms % HOUR_MS, r) < 0)
			return -1;
	}
	for (i = 0; i < st->n_events; i++) {
		const struct event_row *r = &st->events[i];

		sqlite3_bind_int64(st->ins_event, 1, r->t_ms);
		sqlite3_bind_text(st->ins_event, 2, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->ins_event, 3, r->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->ins_event, 4, r->message, -1, SQLITE_STATIC);
		if (step_reset(st->ins_event) < 0)
			return -1;
	}
	if (st->minutes_until_dirty) {
		sqlite3_bind_text(st->set_meta, 1, "minutes_until", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st->set_meta, 2, st->minutes_until);
		if (step_reset(st->set_meta) < 0)
			return -1;
	}
	if (st->clock_mark[0] != '\0') {
		sqlite3_bind_text(st->set_meta, 1, "clock_mark", -1, SQLITE_STATIC);
		sqlite3_bind_text(st->set_meta, 2, st->clock_mark, -1, SQLITE_STATIC);
		if (step_reset(st->set_meta) < 0)
			return -1;
	}
	return 0;
}

int
pue_store_flush(struct pue_store *st, pue_wall_t now, struct pue_err *err)
{
	size_t rows = st->n_samples + st->n_minutes + st->n_events;
	uint64_t trimmed_before = st->stats.trimmed;
	struct pue_err local;
	bool full;
	int rc;

	if (err == NULL)
		err = &local;
	st->stats.pending = rows;
	/* Nothing to write, and retention ran a moment ago with nothing left
	 * over: no transaction. */
	if (rows == 0 && st->db != NULL && !st->minutes_until_dirty &&
	    (now.ms == 0 || (!st->trim_more && now.ms >= st->trimmed_ms &&
			     now.ms - st->trimmed_ms < IDLE_TRIM_MS)))
		return 0;
	if (st->db == NULL)
		open_db(st, &full, err);
	if (st->db == NULL)
		rc = PUE_E_STORE;
	else if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(st, err, "begin");
	else if ((rc = write_all(st)) < 0 || trim(st, now, st->n_samples) < 0) {
		rc = rc == -ENOMEM ? pue_err_set(err, -ENOMEM, "store: %s: out of memory", st->path)
				   : db_error(st, err, "write");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_error(st, err, "commit");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else
		rc = 0;
	if (st->db != NULL) {
		pue_store_blocks_done(st, rc == 0);
		release_cache(st);
	}
	if (rc == 0 && now.ms != 0) {
		st->trimmed_ms = now.ms;
		st->trim_more = st->stats.trimmed != trimmed_before || st->stats.over_budget;
	}
	if (rc < 0) {
		st->stats.failing = true;
		snprintf(st->stats.last_error, sizeof(st->stats.last_error), "%s", err->msg);
		return rc;
	}
	st->stats.failing = false;
	st->stats.last_error[0] = '\0';
	st->stats.written += st->n_samples;
	st->stats.minutes_written += st->n_minutes;
	st->n_samples = 0;
	st->n_minutes = 0;
	st->minutes_until_dirty = false;
	free_events(st);
	st->stats.pending = 0;
	return 0;
}

void
pue_store_set_minutes_until(struct pue_store *st, int64_t until_ms)
{
	if (until_ms != st->minutes_until) {
		st->minutes_until = until_ms;
		st->minutes_until_dirty = true;
	}
}

void
pue_store_mark_clock(struct pue_store *st, const struct pue_clock *c)
{
	char boot[48];

	if (!pue_clock_boot_id(c, boot, sizeof(boot)) || strchr(boot, ' ') != NULL)
		snprintf(boot, sizeof(boot), "-");
	snprintf(st->clock_mark, sizeof(st->clock_mark), "%s %" PRId64 " %" PRId64 " %" PRId64,
		 boot, pue_clock_mono(c).ns / 1000000, pue_clock_wall(c).ms,
		 pue_clock_wall_offset(c));
}

void
pue_store_stats(const struct pue_store *st, struct pue_store_stats *out)
{
	*out = st->stats;
	out->pending = st->n_samples + st->n_minutes + st->n_events;
}

int
pue_store_limit_pages(struct pue_store *st, int64_t pages)
{
	char sql[64];

	if (st->db == NULL)
		return PUE_E_STORE;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages);
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : PUE_E_STORE;
}
