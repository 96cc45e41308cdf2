/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the only place pued reads the system clocks.
 *
 * Two time types that do not mix: pue_mono_t (CLOCK_MONOTONIC, for
 * durations and deadlines) and pue_wall_t (Unix milliseconds, for what users
 * see and for the minute buckets of the PUE windows).
 *
 * A clock is the system clock, a scaled clock (starts at a chosen wall time
 * and runs `rate` times faster than real time, so an integration test can
 * pass days in minutes; two processes given the same anchor agree on the
 * time), or a manual clock that only moves when a test advances it.
 * Reading a clock is thread-safe; advancing a manual one is not.
 */
#ifndef PUE_CLOCK_H
#define PUE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

typedef struct {
	int64_t ns;
} pue_mono_t; /* CLOCK_MONOTONIC: durations, deadlines */

typedef struct {
	int64_t ms;
} pue_wall_t; /* CLOCK_REALTIME, Unix ms: timestamps users see */

struct pue_clock; /* opaque */

/* The environment variable that turns any pued program onto a scaled clock:
 * "START_MS,ANCHOR_MS,RATE": at real Unix time ANCHOR_MS the clock reads
 * START_MS, and it runs RATE (> 0, at most 100000) times real speed. */
#define PUE_CLOCK_ENV "PUED_TEST_CLOCK"

/* Returns a new system clock; the caller frees it with pue_clock_free(). */
struct pue_clock *pue_clock_new_system(void);

/* Returns a new scaled clock reading start at real time anchor. */
struct pue_clock *pue_clock_new_scaled(pue_wall_t start, pue_wall_t anchor, double rate);

/* Returns a new manual clock standing at start. */
struct pue_clock *pue_clock_new_manual(pue_wall_t start);

/* Returns the clock PUE_CLOCK_ENV asks for, or the system clock when it is
 * unset. NULL with err filled when the variable is malformed. */
struct pue_clock *pue_clock_new_from_env(struct pue_err *err);

/* Frees c. NULL is accepted. */
void pue_clock_free(struct pue_clock *c);

pue_mono_t pue_clock_mono(const struct pue_clock *c);
pue_wall_t pue_clock_wall(const struct pue_clock *c);

/* Manual clocks only: moves both the wall and the monotonic time forward. */
void pue_clock_advance(struct pue_clock *c, int64_t ms);

/* Real nanoseconds until the clock reaches deadline (0 when already past),
 * for arming a real timer; INT64_MAX for a manual clock. */
int64_t pue_clock_real_ns_until(const struct pue_clock *c, pue_mono_t deadline);

/* How many times real speed the clock runs (1 for the system clock). */
double pue_clock_rate(const struct pue_clock *c);

static inline pue_mono_t
pue_mono_add_ms(pue_mono_t t, int64_t ms)
{
	return (pue_mono_t){t.ns + ms * 1000000};
}

static inline int64_t
pue_mono_diff_ms(pue_mono_t later, pue_mono_t earlier)
{
	return (later.ns - earlier.ns) / 1000000;
}

#endif
