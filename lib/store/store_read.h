/* SPDX-License-Identifier: MIT */
/*
 * store_read.h - what a restart reads back from the store (store.h): the
 * minutes for the windows, where they end, and the raw samples after them.
 * A database not open yet (disk full at start) holds nothing.
 * Main thread only.
 */
#ifndef PUE_STORE_READ_H
#define PUE_STORE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/err.h"
#include "core/minute.h"
#include "store/store.h"

/* Calls cb for every stored minute starting at or after since_ms, oldest
 * first (to rebuild the windows after a restart). Returns the count or a
 * negative code. */
int pue_store_read_minutes(struct pue_store *st, int64_t since_ms, pue_minute_cb cb, void *arg,
			   struct pue_err *err);

/* As pue_store_read_minutes(), for the pPUE zone named zone. */
int pue_store_read_zone_minutes(struct pue_store *st, const char *zone, int64_t since_ms,
				pue_minute_cb cb, void *arg, struct pue_err *err);

/* Where the stored minutes end (pue_store_set_minutes_until()): returns 1
 * with *until_ms, or for a database written before it was kept, the end of
 * the newest minute; 0 when there are no minutes either; a negative code
 * on error. An end set and not written yet (rows a reload handed over,
 * pue_store_hand_over()) wins: the minutes before it are queued, and are
 * not to be rebuilt from the raw samples. */
int pue_store_read_minutes_until(struct pue_store *st, int64_t *until_ms, struct pue_err *err);

/* Where the clocks stood at the last flush written (pue_store_mark_clock()):
 * returns 1 with *m, 0 when no flush wrote one (a database from before it
 * was kept), a negative code on error. boot is "-" when the clock had no
 * boot id. */
struct pue_store_clock_mark {
	char boot[48];
	int64_t mono_ms, stamp_ms, wall_off_ms;
};
int pue_store_read_clock_mark(struct pue_store *st, struct pue_store_clock_mark *m,
			      struct pue_err *err);

/* The newest time the store holds data at: its newest raw sample (closed
 * blocks, blocks in progress and their tails) or where the minutes end
 * when that was set (not a guess from the newest minute, which may end a
 * minute after the data). Returns 1 with *t_ms, 0 when the store holds
 * neither, a negative code on error. For a database without a clock
 * mark: a restart's stamps go on from it when the wall clock was set back
 * below it (engine_resume.c). */
int pue_store_read_newest(struct pue_store *st, int64_t *t_ms, struct pue_err *err);

/* The newest stored sample of a point in [from_ms, to_ms]: returns 1 with
 * *t_ms and *value, 0 when there is none, a negative code on error. */
int pue_store_read_last_sample(struct pue_store *st, size_t device, size_t point, int64_t from_ms,
			       int64_t to_ms, int64_t *t_ms, double *value, struct pue_err *err);

/* Calls cb for every stored sample of a configured point in (after_ms,
 * to_ms], oldest first. Returns the count or a negative code. */
typedef void (*pue_sample_cb)(void *arg, size_t device, size_t point, pue_wall_t t, double value);
int pue_store_read_samples(struct pue_store *st, int64_t after_ms, int64_t to_ms, pue_sample_cb cb,
			   void *arg, struct pue_err *err);

#endif
