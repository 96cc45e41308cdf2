/* SPDX-License-Identifier: MIT */
/*
 * store.h - samples, PUE minutes and events kept in SQLite.
 *
 * The end of the data flow. WAL mode, one writer (the main loop), prepared
 * statements, and one transaction per flush: callers queue rows and call
 * pue_store_flush() once per flush interval, never per sample. When a write
 * fails (disk full, I/O error) the rows stay queued in memory (bounded),
 * the store reports itself failing, and the next flush tries again; polling
 * and PUE computation never wait for it. The store does not log: state
 * changes show in pue_store_stats() and the caller logs them
 * (store_config.h does, for pued). What a restart reads back is in
 * store_read.h. The schema is in README.md.
 * Main thread only.
 */
#ifndef PUE_STORE_H
#define PUE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/err.h"
#include "core/minute.h"
#include "store/store_types.h"

/* Samples held in memory while the database cannot be written; beyond this
 * new samples are dropped and counted (minutes and events are always kept,
 * so the windows, the year and the reports lose nothing): the samples kept
 * run on from the last ones stored. */
#define PUE_STORE_MAX_PENDING (1u << 20)

struct pue_store; /* opaque */

/* Opens or creates the database at path and registers sc's points. sc is
 * borrowed: what the store needs of it is copied. NULL on failure (err
 * set, naming the path). A disk too full to open the database on is not a
 * failure: the store starts failing (stats.failing, stats.last_error), as
 * a full disk at runtime makes it, keeps its rows in memory and opens the
 * database at the first flush that can. */
struct pue_store *pue_store_open(const char *path, const struct pue_store_conf *sc,
				 struct pue_err *err);

/* The path the store was opened with (borrowed from st). */
const char *pue_store_path(const struct pue_store *st);

/* Whether the database is open (false after a start on a full disk, until
 * a flush could open it: nothing stored can be read until then). */
bool pue_store_is_open(const struct pue_store *st);

/* Flushes what is queued (once; a failure loses those rows, see
 * pue_store_flush()), then closes. NULL is accepted. */
void pue_store_close(struct pue_store *st);

/* Moves the rows st holds unwritten (a full disk) to heir, a reload's new
 * store, so that a reload loses none of them: samples and zone minutes go
 * to the point or zone of the same name in heir (kind too, for points),
 * and are dropped and counted in heir's stats where heir has none; the
 * minutes, events and where the minutes end go as they are. st is left
 * with nothing queued. Returns the rows moved. */
size_t pue_store_hand_over(struct pue_store *heir, struct pue_store *st);

/* Queue rows for the next flush. value is kW or kWh (the point's kind). */
int pue_store_add_sample(struct pue_store *st, size_t device, size_t point, pue_wall_t t,
			 double value);
int pue_store_add_minute(struct pue_store *st, const struct pue_minute *m, int category);
/* Queues one closed minute of pPUE zone zone (its index in sc->zones):
 * facility_kwh is the zone's IT plus infrastructure energy. Returns 0,
 * -EINVAL for no such zone, or -ENOMEM. */
int pue_store_add_zone_minute(struct pue_store *st, size_t zone, const struct pue_minute *m);
int pue_store_add_event(struct pue_store *st, pue_wall_t t, const char *kind, const char *subject,
			const char *message);

/* Writes everything queued in one transaction, together with a small batch
 * of retention and disk-budget deletions measured from now (0: none).
 * Returns 0, or PUE_E_STORE with err set (the rows stay queued). */
int pue_store_flush(struct pue_store *st, pue_wall_t now, struct pue_err *err);

/* Caps the database at pages pages, as a full disk would (tests). */
int pue_store_limit_pages(struct pue_store *st, int64_t pages);

/* Where the stored minutes end (Unix ms): the energy before it is in the
 * minutes table (or was lost), the energy after it is only in the raw
 * samples. The engine sets it as minutes close; it is written with the
 * next flush, in the same transaction as those minutes, so after a crash
 * it still matches them. store_read.h reads it back. */
void pue_store_set_minutes_until(struct pue_store *st, int64_t until_ms);

/* Where c stands now, kept for the next flushes to write in their
 * transactions (the rows they write are stamped at or before it): the
 * boot its monotonic clock runs on (pue_clock_boot_id()), its monotonic
 * time, its stamp and the wall clock's offset (pue_clock_wall_offset()).
 * A restart measures its downtime from it, and so a
 * step of the wall clock taken while pued was down (engine_resume.c);
 * store_read.h reads it back. */
void pue_store_mark_clock(struct pue_store *st, const struct pue_clock *c);

void pue_store_stats(const struct pue_store *st, struct pue_store_stats *out);

#endif
