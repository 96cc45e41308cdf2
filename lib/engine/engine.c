/* SPDX-License-Identifier: MIT */
/*
 * engine.c - readings -> energy -> minutes -> windows; see engine.h.
 * One "track" per ratio: the PUE itself (track 0, stored and resumed) and
 * one per pPUE zone. Each point's energy is computed once and its intervals
 * go to every track that uses the point.
 */
#include "engine/engine.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/combine.h"
#include "engine/engine_internal.h"
#include "poll/health.h" /* PUE_HEALTH_SUMMARY_MS: one pace for device errors */
#include "util/log.h"
#include "core/window.h"

void
pue_engine_add_to_windows(const struct pue_engine *e, const struct track *t,
			  const struct pue_minute *m)
{
	size_t i;

	for (i = 0; i < e->cfg->pue.n_windows; i++)
		pue_window_add(t->windows[i], m);
}

void
pue_engine_flush_carry(struct pue_engine *e)
{
	if (e->has_carry)
		pue_engine_add_to_windows(e, &e->tracks[0], &e->carry);
	e->has_carry = false;
}

/* A closed minute: to the windows (with the stored part of the same minute,
 * for the PUE) and, for the PUE, to the store. */
void
pue_engine_add_minute(void *arg, const struct pue_minute *m)
{
	struct minute_ctx *mc = arg;
	struct pue_engine *e = mc->e;
	struct pue_minute whole = *m;

	if (mc->store && e->has_carry && m->start_ms > e->carry.start_ms)
		pue_engine_flush_carry(e);
	if (mc->store && e->has_carry && m->start_ms == e->carry.start_ms) {
		whole.facility_kwh += e->carry.facility_kwh;
		whole.it_kwh += e->carry.it_kwh;
		whole.covered_ms += e->carry.covered_ms;
		e->has_carry = false;
	}
	pue_engine_add_to_windows(e, mc->t, &whole);
	if (mc->t == &e->tracks[0]) { /* this engine's part only, not the carry */
		e->windows_changed++;
		e->totals.facility_kwh += m->facility_kwh;
		e->totals.it_kwh += m->it_kwh;
		e->totals.covered_ms += m->covered_ms;
	}
	if (mc->store && e->store != NULL)
		pue_store_add_minute(e->store, m, mc->t->category);
	/* A pPUE zone's minutes are stored like the PUE's (their own table). */
	if (mc->t != &e->tracks[0] && e->store != NULL)
		pue_store_add_zone_minute(e->store, (size_t)(mc->t - e->tracks) - 1, m);
}

static int
track_init(struct pue_engine *e, struct track *t, const struct pue_sum *fac,
	   const struct pue_sum *it)
{
	size_t i;

	t->combine = pue_combine_new(fac, it, pue_clock_wall(e->clock));
	t->windows = calloc(e->cfg->pue.n_windows ? e->cfg->pue.n_windows : 1, sizeof(*t->windows));
	if (t->combine == NULL || t->windows == NULL)
		return -ENOMEM;
	for (i = 0; i < e->cfg->pue.n_windows; i++)
		if ((t->windows[i] = pue_window_new(e->cfg->pue.windows_ms[i])) == NULL)
			return -ENOMEM;
	t->category = pue_config_category(e->cfg, it);
	return 0;
}

/* A zone's pPUE is (E_it + E_infrastructure) / E_it: its "facility" side
 * is both sums together. */
static int
zone_init(struct pue_engine *e, struct track *t, const struct pue_zone_conf *z)
{
	size_t n = z->it.n_terms + z->infrastructure.n_terms;

	t->facility.terms = calloc(n ? n : 1, sizeof(*t->facility.terms));
	if (t->facility.terms == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < z->it.n_terms; i++)
		t->facility.terms[t->facility.n_terms++] = z->it.terms[i];
	for (size_t i = 0; i < z->infrastructure.n_terms; i++)
		t->facility.terms[t->facility.n_terms++] = z->infrastructure.terms[i];
	return track_init(e, t, &t->facility, &z->it);
}

static void
track_free(const struct pue_engine *e, struct track *t)
{
	size_t i;

	if (t->windows != NULL)
		for (i = 0; i < e->cfg->pue.n_windows; i++)
			pue_window_free(t->windows[i]);
	free(t->windows);
	pue_combine_free(t->combine);
	free(t->facility.terms);
}

/* The live figure ("now") from power points where a meter has one (PUE.md,
 * Derived figures: a live indicator, never a verdict). Power from an energy
 * counter is its steps over the last few seconds, and a coarse counter
 * (a float32 kWh register near 100,000 kWh moves in 7.8 Wh steps) makes
 * that wander by tenths of a percent: a steady 1.25 would flip between
 * "warning" and "above". A meter's own power reading has no such steps. An
 * energy point of the PUE takes its live power from a power point of its
 * device when the device has exactly one energy point in use and exactly
 * one power point measured at the same place, not itself in the PUE. */
static void
find_companions(struct pue_engine *e)
{
	size_t d, p;

	for (d = 0; d < e->cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &e->cfg->devices[d];
		struct point_state *ps = e->devices[d].p;
		int energy = -1, power = -1, n_energy = 0, n_power = 0;

		for (p = 0; p < dev->n_points; p++)
			ps[p].power_for = ps[p].power_by = -1;
		for (p = 0; p < dev->n_points; p++)
			if (ps[p].used && dev->points[p].num.kind == PUE_KIND_ENERGY) {
				energy = (int)p;
				n_energy++;
			}
		if (n_energy != 1)
			continue;
		for (p = 0; p < dev->n_points; p++)
			if (!ps[p].used && dev->points[p].num.kind == PUE_KIND_POWER &&
			    dev->points[p].num.measured_at == dev->points[energy].num.measured_at) {
				power = (int)p;
				n_power++;
			}
		if (n_power != 1)
			continue;
		ps[power].power_for = energy;
		ps[energy].power_by = power;
		e->n_powered++;
	}
}

/* The longest gap any term of s can bridge with one interval. */
static int64_t
longest_gap(const struct pue_config *cfg, const struct pue_sum *s)
{
	int64_t longest = 0, gap;
	size_t i;

	for (i = 0; i < s->n_terms; i++) {
		const struct pue_device_conf *dev = &cfg->devices[s->terms[i].device];

		gap = pue_energy_max_gap_ms(&dev->points[s->terms[i].point].num,
					    dev->poll_interval_ms);
		if (gap > longest)
			longest = gap;
	}
	return longest;
}

int64_t
pue_engine_grace_ms(const struct pue_engine *e)
{
	return e->grace_ms;
}

struct pue_engine *
pue_engine_new(const struct pue_config *cfg, const struct pue_clock *clock, struct pue_store *st,
	       struct pue_err *err)
{
	struct pue_engine *e;
	size_t d, p, k;

	if (pue_window_check_spans(cfg->pue.windows_ms, cfg->pue.n_windows, err) < 0)
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto nomem;
	*e = (struct pue_engine){.cfg = cfg, .clock = clock, .store = st};
	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];
		int64_t worst = dev->poll_interval_ms + dev->timeout_ms * (dev->retries + 1);

		if (worst + 1000 > e->grace_ms)
			e->grace_ms = worst + 1000;
		if (3 * dev->poll_interval_ms + dev->timeout_ms > e->max_age_ms)
			e->max_age_ms = 3 * dev->poll_interval_ms + dev->timeout_ms;
	}
	e->n_tracks = 1 + cfg->pue.n_zones;
	e->tracks = calloc(e->n_tracks, sizeof(*e->tracks));
	e->devices = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*e->devices));
	if (e->tracks == NULL || e->devices == NULL)
		goto nomem;
	if (track_init(e, &e->tracks[0], &cfg->pue.facility, &cfg->pue.it) < 0)
		goto nomem;
	e->bridge_ms = longest_gap(cfg, &cfg->pue.facility);
	if (longest_gap(cfg, &cfg->pue.it) > e->bridge_ms)
		e->bridge_ms = longest_gap(cfg, &cfg->pue.it);
	for (k = 1; k < e->n_tracks; k++)
		if (zone_init(e, &e->tracks[k], &cfg->pue.zones[k - 1]) < 0)
			goto nomem;
	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];
		struct point_state *ps = calloc(dev->n_points ? dev->n_points : 1, sizeof(*ps));

		if ((e->devices[d].p = ps) == NULL)
			goto nomem;
		for (p = 0; p < dev->n_points; p++) {
			for (k = 0; k < e->n_tracks; k++)
				ps[p].used |= pue_combine_input(e->tracks[k].combine, d, p) >= 0;
			if (!ps[p].used)
				continue;
			if ((ps[p].inputs = calloc(e->n_tracks, sizeof(int))) == NULL ||
			    (ps[p].energy = calloc(1, sizeof(*ps[p].energy))) == NULL)
				goto nomem;
			for (k = 0; k < e->n_tracks; k++)
				ps[p].inputs[k] = pue_combine_input(e->tracks[k].combine, d, p);
		}
	}
	find_companions(e);
	return e;
nomem:
	pue_err_set(err, -ENOMEM, "engine: out of memory");
	pue_engine_free(e);
	return NULL;
}

void
pue_engine_free(struct pue_engine *e)
{
	size_t i, p;

	if (e == NULL)
		return;
	if (e->tracks != NULL)
		for (i = 0; i < e->n_tracks; i++)
			track_free(e, &e->tracks[i]);
	if (e->devices != NULL)
		for (i = 0; i < e->cfg->n_devices; i++) {
			if (e->devices[i].p != NULL)
				for (p = 0; p < e->cfg->devices[i].n_points; p++) {
					free(e->devices[i].p[p].inputs);
					free(e->devices[i].p[p].energy);
				}
			free(e->devices[i].p);
		}
	free(e->devices);
	free(e->tracks);
	free(e);
}

/* A meter reset or glitch the point's energy found at reading r
 * (pue_energy_take_event()): to the log, the store's events at the time of
 * the reading it is about, and the alerts at r's, the evidence's. */
static void
energy_event(struct pue_engine *e, size_t device, size_t point, struct pue_energy *en,
	     const struct pue_reading *r)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	char subject[160], msg[200];
	pue_wall_t at;
	double v;
	enum pue_energy_event ev = pue_energy_take_event(en, &v, &at);
	const char *kind = ev == PUE_ENERGY_EVENT_RESET ? "meter_reset" : "glitch";

	if (ev == PUE_ENERGY_NO_EVENT)
		return;
	snprintf(subject, sizeof(subject), "%s/%s", dev->name, dev->points[point].name);
	snprintf(msg, sizeof(msg),
		 ev == PUE_ENERGY_EVENT_RESET
			 ? "counter went down to %.3f kWh and stayed down: meter reset, interval "
			   "energy unknown"
			 : "counter read %.3f kWh, a jump more than the point's power allows or a "
			   "drop the next reading came back from: rejected as a glitch",
		 v);
	pue_log(LOG_WARNING, "point %s: %s", subject, msg);
	if (e->store != NULL)
		pue_store_add_event(e->store, at, kind, subject, msg);
	if (e->on_event != NULL)
		e->on_event(e->event_arg, r->wall, kind, device, point, msg);
}

/* The reading as the meter sent it, for the log: the exact count of an
 * unsigned integer register (2^64-1 has no exact double), the signed
 * integer as such, else the raw number. */
static void
raw_text(const struct pue_reading *r, char *buf, size_t len)
{
	if (r->raw.has_count && r->raw.value >= 0)
		snprintf(buf, len, "raw %" PRIu64, r->raw.count);
	else if (r->raw.has_count)
		snprintf(buf, len, "raw %.0f", r->raw.value);
	else
		snprintf(buf, len, "raw %g", r->raw.value);
}

/* An impossible reading: logged and recorded as a device error at the
 * pace of struct bad_run, never stored as a sample nor integrated. */
static void
bad_reading(struct pue_engine *e, size_t device, size_t point, const struct pue_reading *r,
	    const char *why)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	const char *name = dev->points[point].name;
	struct bad_run *b = &e->devices[device].p[point].bad;
	pue_mono_t now = pue_clock_mono(e->clock);
	bool due = !b->ever_logged ||
		   pue_mono_diff_ms(now, b->last_log) >= (int64_t)PUE_HEALTH_SUMMARY_MS;
	char raw[64], msg[300], subject[160], more[64] = "";

	raw_text(r, raw, sizeof(raw));
	if (b->n++ == 0) {
		b->since = r->wall;
		b->logged = false;
		if (!due) {
			b->quiet_runs++;
			return;
		}
		if (b->quiet_runs > 0)
			snprintf(more, sizeof(more), "; %u more runs since the last report",
				 b->quiet_runs);
		snprintf(msg, sizeof(msg), "impossible reading rejected: %s (%s)%s", why, raw,
			 more);
		snprintf(subject, sizeof(subject), "%s/%s", dev->name, name);
		if (e->store != NULL)
			pue_store_add_event(e->store, r->wall, "device_error", subject, msg);
		if (e->on_event != NULL)
			e->on_event(e->event_arg, r->wall, "device_error", device, point, msg);
	} else if (due)
		snprintf(msg, sizeof(msg),
			 "still rejecting impossible readings: %" PRIu64 " in %.0f s, the last %s "
			 "(%s)",
			 b->n, (double)(r->wall.ms - b->since.ms) / 1000.0, why, raw);
	else
		return;
	pue_log(LOG_WARNING, "device %s: point %s: %s", dev->name, name, msg);
	b->logged = b->ever_logged = true;
	b->last_log = now;
	b->quiet_runs = 0;
}

/* A plausible reading ends a run of impossible ones. */
static void
good_reading(struct pue_engine *e, size_t device, size_t point, const struct pue_reading *r)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	struct bad_run *b = &e->devices[device].p[point].bad;

	if (b->n == 0)
		return;
	if (b->logged)
		pue_log(LOG_NOTICE,
			"device %s: point %s: plausible readings again after %" PRIu64
			" rejected (%.0f s)",
			dev->name, dev->points[point].name, b->n,
			(double)(r->wall.ms - b->since.ms) / 1000.0);
	b->n = 0;
	b->logged = false;
}

void
pue_engine_set_event_cb(struct pue_engine *e, pue_engine_event_cb cb, void *arg)
{
	e->on_event = cb;
	e->event_arg = arg;
}

/* The live power of a point of the PUE, for every track that uses it
 * (kw < 0: it answers, but has no estimate yet). */
static void
set_power(struct pue_engine *e, const struct point_state *ps, double kw, bool ready, pue_wall_t at)
{
	size_t k;

	for (k = 0; k < e->n_tracks; k++)
		if (ps->inputs[k] >= 0)
			pue_combine_set_power(e->tracks[k].combine, ps->inputs[k], kw, ready, at);
}

/* A point's own live power (energy.h, pue_energy_live_power). */
static void
own_power(struct pue_engine *e, const struct point_state *ps, const struct pue_point_conf *p,
	  pue_wall_t at)
{
	struct pue_rate rate;

	if (pue_energy_live_power(ps->energy, &p->num, &rate))
		set_power(e, ps, rate.power_kw, rate.ready, at);
	else
		set_power(e, ps, -1, false, at);
}

/* The energy state of a point outside every track: it never feeds one
 * (pue_engine_reading), so its readings are judged as by a fresh one. */
static const struct pue_energy fresh_energy;

int
pue_engine_reading(struct pue_engine *e, size_t device, size_t point, const struct pue_reading *r,
		   struct pue_err *err)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	struct point_state *ps = &e->devices[device].p[point];
	struct pue_interval iv;
	enum pue_energy_result res;
	char why[160], raw[64];
	size_t k;

	if (!pue_energy_plausible(ps->energy != NULL ? ps->energy : &fresh_energy,
				  &dev->points[point].num, r, why, sizeof(why))) {
		bad_reading(e, device, point, r, why);
		raw_text(r, raw, sizeof(raw));
		return pue_err_set(err, PUE_E_RANGE, "point %s: impossible reading: %s (%s)",
				   dev->points[point].name, why, raw);
	}
	good_reading(e, device, point, r);
	ps->value = r->value;
	ps->at = r->wall;
	if (e->store != NULL)
		pue_store_add_sample(e->store, device, point, r->wall, r->value);
	if (ps->power_for >= 0)
		set_power(e, &e->devices[device].p[ps->power_for], r->value, true, r->wall);
	if (!ps->used)
		return 0;
	res = pue_energy_update(ps->energy, &dev->points[point].num, dev->poll_interval_ms, r, &iv);
	energy_event(e, device, point, ps->energy, r);
	/* A counter only grows: a power reading within its tolerance below
	 * zero (energy.h) adds nothing rather than a negative step. */
	if (res == PUE_ENERGY_INTERVAL && iv.energy_kwh > 0)
		ps->energy_kwh += iv.energy_kwh;
	for (k = 0; k < e->n_tracks; k++) {
		int in = ps->inputs[k];

		if (in < 0)
			continue;
		if (res == PUE_ENERGY_INTERVAL &&
		    pue_combine_add(e->tracks[k].combine, in, &iv) < 0)
			pue_log(LOG_ERR, "engine: out of memory; an interval of %s is lost",
				dev->name);
	}
	/* The point's own power, unless its power point answers (above). */
	if (res != PUE_ENERGY_BACKWARDS &&
	    (ps->power_by < 0 ||
	     r->wall.ms - e->devices[device].p[ps->power_by].at.ms > e->max_age_ms))
		own_power(e, ps, &dev->points[point], r->wall);
	return 0;
}

void
pue_engine_tick(struct pue_engine *e)
{
	pue_wall_t now = pue_clock_wall(e->clock);
	int64_t grace = e->grace_ms;
	size_t k;

	/* Right after a start, the minutes of the downtime wait for the first
	 * polls, whose intervals may bridge it, rather than for the grace
	 * period that ran out while pued was down. */
	if (now.ms < e->started_ms + e->grace_ms)
		grace = INT64_MAX / 4;
	for (k = 0; k < e->n_tracks; k++) {
		struct minute_ctx mc = {e, &e->tracks[k], k == 0};

		pue_combine_close(e->tracks[k].combine, now, grace, pue_engine_add_minute, &mc);
	}
	if (e->store != NULL && !e->stopped)
		pue_store_set_minutes_until(e->store, pue_combine_done_until(e->tracks[0].combine));
}

void
pue_engine_stop(struct pue_engine *e)
{
	struct minute_ctx mc = {e, &e->tracks[0], true};
	size_t k;

	if (e->stopped)
		return;
	pue_engine_tick(e);
	pue_combine_close_partial(e->tracks[0].combine, pue_engine_add_minute, &mc);
	for (k = 1; k < e->n_tracks; k++) {
		struct minute_ctx zc = {e, &e->tracks[k], false};

		pue_combine_close_partial(e->tracks[k].combine, pue_engine_add_minute, &zc);
	}
	e->stopped = true;
	if (e->store != NULL)
		pue_store_set_minutes_until(e->store, pue_combine_done_until(e->tracks[0].combine));
}

/* The live figure with its coverage (combine.h, pue_combine_live), in
 * millionths of the inputs' power. Short of coverage while counters
 * still gather enough steps, it is warming up, not missing data. */
static struct pue_figure
track_instant(const struct pue_engine *e, const struct track *t, const struct pue_pue_conf *pc)
{
	struct pue_live live;
	struct pue_figure f;

	if (pue_combine_live(t->combine, pue_clock_wall(e->clock), e->max_age_ms, &live) < 0)
		return pue_figure_eval(0, 0, 0, 0, pc);
	f = pue_figure_eval(live.facility_kw, live.it_kw, llround(live.coverage * 1e6), 1000000,
			    pc);
	if (f.state == PUE_FIG_INSUFFICIENT && live.coverage + live.warming >= pc->min_coverage)
		f.state = PUE_FIG_WARMING_UP;
	return f;
}

static struct pue_figure
track_window(const struct track *t, size_t i, const struct pue_pue_conf *pc)
{
	double f, it;
	int64_t covered, period;

	pue_window_sums(t->windows[i], &f, &it, &covered, &period);
	/* Before the first minute closes, the window still spans its length. */
	if (period == 0)
		period = pue_window_span_ms(t->windows[i]);
	return pue_figure_eval(f, it, covered, period, pc);
}

/* pPUE has no ceiling of its own: only coverage, IT load and < 1 apply. */
static struct pue_pue_conf
zone_thresholds(const struct pue_engine *e)
{
	struct pue_pue_conf pc = e->cfg->pue;

	pc.ceiling = pc.warning = INFINITY;
	return pc;
}

struct pue_figure
pue_engine_instant(const struct pue_engine *e)
{
	return track_instant(e, &e->tracks[0], &e->cfg->pue);
}

const char *
pue_engine_instant_source(const struct pue_engine *e)
{
	size_t n_energy = 0, d, p;

	for (d = 0; d < e->cfg->n_devices; d++)
		for (p = 0; p < e->cfg->devices[d].n_points; p++)
			n_energy += e->devices[d].p[p].used &&
				    e->cfg->devices[d].points[p].num.kind == PUE_KIND_ENERGY;
	if (n_energy == 0 || e->n_powered == n_energy)
		return "power points";
	return e->n_powered == 0 ? "energy counters" : "power points and energy counters";
}

struct pue_figure
pue_engine_window(const struct pue_engine *e, size_t i)
{
	return track_window(&e->tracks[0], i, &e->cfg->pue);
}

struct pue_figure
pue_engine_zone_instant(const struct pue_engine *e, size_t zone)
{
	struct pue_pue_conf pc = zone_thresholds(e);

	return track_instant(e, &e->tracks[1 + zone], &pc);
}

struct pue_figure
pue_engine_zone_window(const struct pue_engine *e, size_t zone, size_t i)
{
	struct pue_pue_conf pc = zone_thresholds(e);

	return track_window(&e->tracks[1 + zone], i, &pc);
}

int
pue_engine_category(const struct pue_engine *e)
{
	return e->tracks[0].category;
}

double
pue_engine_point_value(const struct pue_engine *e, size_t device, size_t point, pue_wall_t *at)
{
	*at = e->devices[device].p[point].at;
	return e->devices[device].p[point].value;
}
