/* SPDX-License-Identifier: MIT */
/*
 * engine_resume.c - the engine after a (re)start: the windows rebuilt from
 * the stored minutes, the minutes after them from the raw samples a crash
 * left behind, and each point's energy continued from its last stored
 * sample; see engine_resume.h.
 */
#include "engine/engine_resume.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "util/log.h"
#include "store/store_read.h"

struct load_ctx {
	struct pue_engine *e;
	int64_t hold_ms;
};

static void
load_minute(void *arg, const struct pue_minute *m)
{
	struct load_ctx *lc = arg;

	if (m->start_ms == lc->hold_ms) {
		lc->e->carry = *m;
		lc->e->has_carry = true;
	} else
		pue_engine_add_to_windows(lc->e, &lc->e->tracks[0], m);
}

/* Loading a pPUE zone's stored minutes into its windows. */
struct zone_load_ctx {
	const struct pue_engine *e;
	const struct track *t;
};

static void
load_zone_minute(void *arg, const struct pue_minute *m)
{
	struct zone_load_ctx *zc = arg;

	pue_engine_add_to_windows(zc->e, zc->t, m);
}

/* One stored sample after the stored minutes, through its point's energy
 * into the PUE's minutes, as pue_engine_reading() did before the crash.
 * Its events were stored with it then, and are not raised again. */
static void
replay_sample(void *arg, size_t device, size_t point, pue_wall_t t, double value)
{
	struct pue_engine *e = arg;
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	struct point_state *ps = &e->devices[device].p[point];
	struct pue_reading r = pue_energy_stored_reading(&dev->points[point].num, t, value);
	struct minute_ctx mc = {e, &e->tracks[0], true};
	struct pue_interval iv;

	if (!ps->used)
		return;
	if (pue_energy_update(ps->energy, &dev->points[point].num, dev->poll_interval_ms, &r,
			      &iv) == PUE_ENERGY_INTERVAL &&
	    ps->inputs[0] >= 0 && pue_combine_add(e->tracks[0].combine, ps->inputs[0], &iv) < 0)
		pue_log(LOG_ERR, "engine: out of memory; a stored interval of %s is lost",
			dev->name);
	pue_combine_close(e->tracks[0].combine, t, e->grace_ms, pue_engine_add_minute, &mc);
}

/* Each point's energy continues from its last sample before until_ms, if
 * that is recent enough to make an interval at all, seeded with the one
 * before it too: a drop or a jump in the last sample is still judged by
 * the first reading after the start (energy.h). A summed column's is
 * seeded with its last alone. */
static int
seed_points(struct pue_engine *e, int64_t until_ms, struct pue_err *err)
{
	size_t d, p;
	int64_t t[2];
	double v[2];
	int rc, k;

	for (d = 0; d < e->cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &e->cfg->devices[d];

		for (p = 0; p < dev->n_points; p++) {
			struct point_state *ps = &e->devices[d].p[p];
			int64_t gap =
				pue_energy_max_gap_ms(&dev->points[p].num, dev->poll_interval_ms);
			struct pue_reading r;
			struct pue_interval iv;

			if (!ps->used)
				continue;
			rc = pue_store_read_last_sample(e->store, d, p, until_ms - gap, until_ms,
							&t[1], &v[1], err);
			if (rc <= 0) {
				if (rc < 0)
					return rc;
				continue;
			}
			rc = pue_store_read_last_sample(e->store, d, p, until_ms - gap, t[1] - 1,
							&t[0], &v[0], err);
			if (rc < 0)
				return rc;
			/* Not a summed column's: the store keeps no sign of a
			 * row gone (rebased), which would read as a drop. */
			for (k = rc == 1 && !dev->points[p].sum_column ? 0 : 1; k < 2; k++) {
				r = pue_energy_stored_reading(&dev->points[p].num,
							      (pue_wall_t){t[k]}, v[k]);
				pue_energy_update(ps->energy, &dev->points[p].num,
						  dev->poll_interval_ms, &r, &iv);
			}
		}
	}
	return 0;
}

/* After a step of the wall clock while pued was down that the monotonic
 * clock could not measure (step_while_down()), how long pued was down is
 * unknown: no counter bridges it, and the zones start at now too
 * (the PUE's combine restarts in replay()). */
static void
forget_downtime(struct pue_engine *e, int64_t now)
{
	size_t d, p, k;

	for (d = 0; d < e->cfg->n_devices; d++)
		for (p = 0; p < e->cfg->devices[d].n_points; p++)
			if (e->devices[d].p[p].used)
				pue_energy_forget(e->devices[d].p[p].energy);
	for (k = 1; k < e->n_tracks; k++)
		pue_combine_restart(e->tracks[k].combine, (pue_wall_t){now});
}

/* Rebuilds the minutes after until_ms from the raw samples stored since
 * (after a crash; after a clean stop there are none to speak of) and
 * continues the PUE there when the downtime is short enough for an
 * interval to bridge it and its length is known (not after a step of the
 * wall clock while pued was down that could not be measured, unknown);
 * otherwise the PUE starts afresh at now. */
static int
replay(struct pue_engine *e, int64_t until_ms, int64_t now, bool unknown, struct pue_err *err)
{
	struct pue_combine *c = e->tracks[0].combine;
	struct minute_ctx mc = {e, &e->tracks[0], true};
	int64_t last;
	int n;

	pue_combine_restart(c, (pue_wall_t){until_ms});
	if (seed_points(e, until_ms, err) < 0 ||
	    (n = pue_store_read_samples(e->store, until_ms, now, replay_sample, e, err)) < 0)
		return PUE_E_STORE;
	if (n > 0)
		pue_log(LOG_INFO,
			"engine: %d raw samples stored after the last stored minute replayed", n);
	last = pue_combine_reported_until(c) > until_ms ? pue_combine_reported_until(c) : until_ms;
	if (now - last <= e->bridge_ms && !unknown)
		return 0;
	/* Down longer than any interval can span, or for a time unknown:
	 * what was rebuilt is stored as it stands, and the PUE starts anew. */
	pue_combine_close(c, (pue_wall_t){last}, 0, pue_engine_add_minute, &mc);
	pue_combine_close_partial(c, pue_engine_add_minute, &mc);
	pue_engine_flush_carry(e);
	pue_combine_restart(c, (pue_wall_t){now});
	if (unknown)
		forget_downtime(e, now);
	return 0;
}

/* Loads the PUE's windows from the stored minutes, holding back the one
 * starting at hold_ms as the carry. Returns the count or a negative code. */
static int
load_windows(struct pue_engine *e, int64_t now, int64_t hold_ms, struct pue_err *err)
{
	struct load_ctx lc = {e, hold_ms};
	int64_t longest = 0;
	size_t i, k;
	int n;

	for (i = 0; i < e->cfg->pue.n_windows; i++)
		if (e->cfg->pue.windows_ms[i] > longest)
			longest = e->cfg->pue.windows_ms[i];
	/* An hour more than the longest window: hourly buckets start whole. */
	n = pue_store_read_minutes(e->store, now - longest - 3600 * 1000, load_minute, &lc, err);
	for (k = 1; k < e->n_tracks && n >= 0; k++) {
		struct zone_load_ctx zc = {e, &e->tracks[k]};

		if (pue_store_read_zone_minutes(e->store, e->cfg->pue.zones[k - 1].name,
						now - longest - 3600 * 1000, load_zone_minute, &zc,
						err) < 0)
			n = PUE_E_STORE;
	}
	return n;
}

/* The windows of track k end where it goes on (the minute holding open),
 * not at the last stored minute: an empty minute just before leaves the
 * time pued was down uncovered at once, rather than showing the figures
 * from before it until the next minute closes. (A minute already loaded
 * for this time is left as it is.) */
static void
end_windows(struct pue_engine *e, size_t k, int64_t open)
{
	struct pue_minute empty = {.start_ms = open - open % PUE_MINUTE_MS - PUE_MINUTE_MS};

	if (k == 0 && e->has_carry && e->carry.start_ms <= empty.start_ms)
		pue_engine_flush_carry(e);
	pue_engine_add_to_windows(e, &e->tracks[k], &empty);
}

/* Where the stamps go on from after a start (clock.h, PUE.md "Restarts and
 * clock steps"). On the boot of the last flush's clock mark, from the
 * mark plus the time that passed on the monotonic clock: the downtime is
 * known, the counters bridge it as after any restart, and a change of
 * the wall clock's offset is a step taken while pued was down, measured
 * and told. On another boot (or a database from before the mark) only a
 * wall clock set back below the last flush's stamp (or the newest data
 * stored) shows: the stamps go on from there, and *unknown says that how
 * long pued was down is not known. Returns 0 or a negative code. */
static int
step_while_down(struct pue_engine *e, bool *unknown, struct pue_err *err)
{
	struct pue_store_clock_mark m;
	char boot[48];
	int64_t mono_ms = pue_clock_mono(e->clock).ns / 1000000, step, floor;
	int rc;

	*unknown = false;
	if ((rc = pue_store_read_clock_mark(e->store, &m, err)) < 0)
		return rc;
	if (rc == 1 && pue_clock_boot_id(e->clock, boot, sizeof(boot)) &&
	    strcmp(boot, m.boot) == 0 && mono_ms >= m.mono_ms) {
		step = pue_clock_wall_offset(e->clock) - m.wall_off_ms;
		if (step <= PUE_CLOCK_STEP_MS && -step <= PUE_CLOCK_STEP_MS)
			step = 0; /* the kernel's own slewing */
		pue_clock_go_on_from(e->clock, m.stamp_ms + (mono_ms - m.mono_ms), step);
		return 0;
	}
	if (rc == 1)
		floor = m.stamp_ms;
	else if ((rc = pue_store_read_newest(e->store, &floor, err)) <= 0)
		return rc;
	step = pue_clock_wall(e->clock).ms - (floor + 1);
	if (-step > PUE_CLOCK_STEP_MS)
		*unknown = pue_clock_go_on_from(e->clock, floor + 1, step);
	return 0;
}

int
pue_engine_resume(struct pue_engine *e, bool started, struct pue_err *err)
{
	int64_t now, until;
	bool unknown = false;
	size_t k;
	int n, rc;

	if (e->store == NULL)
		return 0;
	if (started && (rc = step_while_down(e, &unknown, err)) < 0)
		return rc;
	until = now = pue_clock_wall(e->clock).ms;
	e->started_ms = now;
	if ((rc = pue_store_read_minutes_until(e->store, &until, err)) < 0)
		return rc;
	/* Set back more than a day below the stored minutes: the stamps
	 * follow it, and start afresh there. */
	if (rc == 0 || until > now)
		until = now;
	if ((n = load_windows(e, now, until - until % PUE_MINUTE_MS, err)) < 0 ||
	    replay(e, until, now, unknown, err) < 0)
		return PUE_E_STORE;
	for (k = 0; k < e->n_tracks; k++)
		end_windows(e, k, k == 0 ? pue_combine_done_until(e->tracks[0].combine) : now);
	e->windows_changed++;
	return n;
}

int
pue_engine_resume_windows(struct pue_engine *e, struct pue_err *err)
{
	int64_t open = pue_combine_done_until(e->tracks[0].combine);
	size_t i, k;
	int n;

	if (e->store == NULL)
		return 0;
	for (k = 0; k < e->n_tracks; k++) /* the zones' windows load again too */
		for (i = 0; i < e->cfg->pue.n_windows; i++)
			pue_window_clear(e->tracks[k].windows[i]);
	e->has_carry = false;
	n = load_windows(e, pue_clock_wall(e->clock).ms, open - open % PUE_MINUTE_MS, err);
	end_windows(e, 0, open);
	e->windows_changed++;
	return n;
}
