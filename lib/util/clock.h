/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the only place pued reads the system clocks.
 *
 * Two time types that do not mix: pue_mono_t (CLOCK_MONOTONIC, for
 * durations and deadlines) and pue_wall_t (Unix milliseconds, for what users
 * see and for the minute buckets of the PUE windows).
 *
 * A clock is the system clock, a scaled clock (starts at a chosen wall time
 * and runs `rate` times faster than real time; two processes given the same
 * anchor agree on the time), a manual clock that only moves when a unit
 * test advances it, or a stepped clock: a test clock shared by every
 * process of an integration test through a small file (chrony's clknetsim
 * is the model: the daemon's time comes from the harness, not the machine).
 * A stepped clock stands still until one process - pued, on the harness's
 * "advance" request, or the pue-clock tool while pued is down - moves it;
 * pued then runs every timer in the span in order (loop.h), so results
 * are exact whatever the machine's speed.
 * Reading a clock is thread-safe; advancing one is main-thread only.
 *
 * Durations that are about the real world (network timeouts, a client's
 * deadline, a hook's time limit) are not on any of these clocks: they use
 * pue_clock_real() and the loop's real timers.
 */
#ifndef PUE_CLOCK_H
#define PUE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct {
	int64_t ns;
} pue_mono_t; /* CLOCK_MONOTONIC: durations, deadlines */

typedef struct {
	int64_t ms;
} pue_wall_t; /* CLOCK_REALTIME, Unix ms: timestamps users see */

struct pue_clock; /* opaque */

/* The environment variable that turns any pued program onto a test clock:
 * "START_MS,ANCHOR_MS,RATE": a scaled clock; at real Unix time ANCHOR_MS it
 * reads START_MS, and it runs RATE (> 0, at most 100000) times real speed.
 * "step:PATH": the stepped clock in the file PATH (pue_clock_file_init). */
#define PUE_CLOCK_ENV "PUED_TEST_CLOCK"
#define PUE_CLOCK_STEP_PREFIX "step:"

/* Creates (or overwrites) the stepped clock file at path, standing at wall
 * time start. Returns 0 or -errno with err filled. */
int pue_clock_file_init(const char *path, pue_wall_t start, struct pue_err *err);

/* Returns the stepped clock kept in the file at path (mapped shared, so
 * every process that opens it reads the same time). NULL with err filled. */
struct pue_clock *pue_clock_new_stepped(const char *path, struct pue_err *err);

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

/* Manual and stepped clocks only: moves both the wall and the monotonic
 * time forward by ms (>= 0). */
void pue_clock_advance(struct pue_clock *c, int64_t ms);

/* Manual and stepped clocks only: moves the monotonic time to t when t is
 * later (never back), the wall time with it. */
void pue_clock_set_mono(struct pue_clock *c, pue_mono_t t);

/* Manual and stepped clocks only: steps the wall clock by ms (either sign)
 * and leaves the monotonic clock alone, as an NTP step or a manual `date`
 * does to a real machine. */
void pue_clock_step_wall(struct pue_clock *c, int64_t ms);

/* True for a stepped clock: time moves only when a process moves it. */
bool pue_clock_is_stepped(const struct pue_clock *c);

/* The machine's own CLOCK_MONOTONIC, whatever clock the program runs on:
 * for real-world durations only (see above). */
pue_mono_t pue_clock_real(void);

/*
 * Wall-clock steps (PUE.md, "Restarts and clock steps"). Once
 * pue_clock_absorb_steps() is called, pue_clock_wall() no longer follows a
 * step of the wall clock (an NTP step, a manual `date`): a jump of more
 * than PUE_CLOCK_STEP_MS against the monotonic clock is recorded, and the
 * time pued stamps its data with keeps running with the monotonic clock,
 * then rejoins the wall clock by slewing, 1 ms for every PUE_CLOCK_SLEW_DIV
 * ms that pass (as chrony slews at most 83,333 ppm): an hour's step takes
 * twelve hours, ten minutes two. So a step never turns into energy, a gap,
 * a repeated minute or a stale device, and stamps stay monotonic. A step
 * larger than PUE_CLOCK_MAX_SLEW_MS (a clock set from 1970) is followed at
 * once. Small corrections (the kernel's own slewing) are followed exactly.
 */
#define PUE_CLOCK_STEP_MS 1000
#define PUE_CLOCK_SLEW_DIV 12
#define PUE_CLOCK_MAX_SLEW_MS (24 * 3600 * 1000LL)
void pue_clock_absorb_steps(struct pue_clock *c);

/* After a start (engine_resume.c): with steps absorbed, the stamps go on
 * from from_ms now (where they stood at the last run's end plus the time
 * that passed, or the newest data stored, which they may not go below)
 * and slew to the wall clock as after a step seen running, so no minute
 * is stored twice, no counter's interval spans a time that did not pass,
 * and no window waits for the wall clock to catch up; from more than
 * PUE_CLOCK_MAX_SLEW_MS away they follow the wall clock. step_ms is the
 * wall clock's step while pued was down, counted and told as one seen
 * running (pue_clock_steps()), or 0: the stamps only go on as they were
 * (a restart while they slew). Returns true when they go on from from_ms. */
bool pue_clock_go_on_from(const struct pue_clock *c, int64_t from_ms, int64_t step_ms);

/* The wall clock's own offset from the monotonic clock, ms (whatever the
 * stamps do): a change between two readings is a step of the wall clock. */
int64_t pue_clock_wall_offset(const struct pue_clock *c);

/* What pue_clock_mono() runs on across processes, as text in buf: the
 * machine's boot for the system clock (PUE_BOOT_ID_ENV when set, as the
 * systemd unit sets it to %b, else /proc/sys/kernel/random/boot_id), the stepped clock's
 * boot count (pue_clock_reboot()). Two readings under one id are apart by
 * the time that passed between them, even across a restart of pued; the
 * monotonic clock does not count a suspend, which a facility host does
 * not do. False for a scaled or manual clock (each process has its own
 * monotonic time) or when the id cannot be read. */
bool pue_clock_boot_id(const struct pue_clock *c, char *buf, size_t size);
#define PUE_BOOT_ID_ENV "PUED_BOOT_ID"

/* Stepped clocks only: a reboot as the next pued sees it, which cannot
 * tell how long it was down from the monotonic clock. */
void pue_clock_reboot(struct pue_clock *c);

/* Steps seen since the clock was made, and the last one's size in ms
 * (positive: the wall clock jumped forward); how far pue_clock_wall() is
 * from the wall clock now (0 once it has rejoined). Thread-safe. */
void pue_clock_steps(const struct pue_clock *c, uint64_t *count, int64_t *last_ms,
		     int64_t *behind_ms);

/* Real nanoseconds until the clock reaches deadline (0 when already past),
 * for arming a real timer; INT64_MAX for a manual or stepped clock. */
int64_t pue_clock_real_ns_until(const struct pue_clock *c, pue_mono_t deadline);

/* How many times real speed the clock runs (1 for the system clock and for
 * the manual and stepped clocks, whose speed is the harness's). */
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
