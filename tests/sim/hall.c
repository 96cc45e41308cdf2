/* SPDX-License-Identifier: MIT */
/* hall.c - the load model; see hall.h. */
#include "hall.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_HOUR 3600e9
#define COOLING_SHARE 0.8 /* of facility - IT; the rest is unmetered */

struct sim_hall {
	double facility_kw, it_kw; /* profile of the open segment */
	unsigned n_ups, n_cooling;
	unsigned n_meters;
	int64_t seg_start_ns;		    /* when the open segment began */
	double *seg_energy_kwh;		    /* per meter, at seg_start_ns; [unit - 1] */
	struct sim_schedule_entry *pending; /* absolute times, sorted */
	size_t n_pending, next;
};

bool
sim_kw_is_valid(double kw)
{
	return isfinite(kw) && kw >= 0 && kw <= SIM_MAX_KW;
}

static double
meter_power_kw(const struct sim_hall *h, unsigned unit)
{
	double overhead_kw;

	if (unit == 1)
		return h->facility_kw;
	if (unit <= 1 + h->n_ups)
		return h->it_kw / h->n_ups;
	/* A profile below PUE 1 (a test of pued's error report) would make
	 * cooling negative; a meter cannot run backwards, so it idles at 0. */
	overhead_kw = h->facility_kw - h->it_kw;
	return overhead_kw > 0 ? overhead_kw * COOLING_SHARE / h->n_cooling : 0;
}

/* Closes the open segment at t: every counter absorbs power x duration. */
static void
close_segment(struct sim_hall *h, int64_t t_ns)
{
	double hours;
	unsigned unit;

	if (t_ns <= h->seg_start_ns)
		return;
	hours = (double)(t_ns - h->seg_start_ns) / NS_PER_HOUR;
	for (unit = 1; unit <= h->n_meters; unit++)
		h->seg_energy_kwh[unit - 1] += meter_power_kw(h, unit) * hours;
	h->seg_start_ns = t_ns;
}

static void
apply(struct sim_hall *h, int64_t t_ns, double facility_kw, double it_kw)
{
	close_segment(h, t_ns);
	if (!isnan(facility_kw))
		h->facility_kw = facility_kw;
	if (!isnan(it_kw))
		h->it_kw = it_kw;
}

/* Applies every schedule entry due by now, each at its own time, so the
 * energy of a read long after a change is still exact. */
static void
catch_up(struct sim_hall *h, pue_mono_t now)
{
	const struct sim_schedule_entry *e;

	while (h->next < h->n_pending && h->pending[h->next].at_ns <= now.ns) {
		e = &h->pending[h->next++];
		apply(h, e->at_ns, e->facility_kw, e->it_kw);
	}
}

struct sim_hall *
sim_hall_new(const struct sim_hall_conf *conf, const struct sim_schedule *sched, pue_mono_t start,
	     struct pue_err *err)
{
	struct sim_hall *h;
	unsigned unit;
	size_t i;

	if (!sim_kw_is_valid(conf->facility_kw) || !sim_kw_is_valid(conf->it_kw)) {
		pue_err_set(err, -EINVAL, "hall: facility_kw and it_kw must be 0..%.0f",
			    SIM_MAX_KW);
		return NULL;
	}
	if (conf->n_ups < 1 || conf->n_ups + conf->n_cooling > SIM_MAX_SUBMETERS ||
	    conf->n_cooling > SIM_MAX_SUBMETERS) {
		pue_err_set(err, -EINVAL,
			    "hall: need 1 or more UPS meters and at most %d meters "
			    "besides the incomer",
			    SIM_MAX_SUBMETERS);
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		goto nomem;
	h->facility_kw = conf->facility_kw;
	h->it_kw = conf->it_kw;
	h->n_ups = conf->n_ups;
	h->n_cooling = conf->n_cooling;
	h->n_meters = 1 + conf->n_ups + conf->n_cooling;
	h->seg_start_ns = start.ns;
	if ((h->seg_energy_kwh = calloc(h->n_meters, sizeof(*h->seg_energy_kwh))) == NULL)
		goto nomem;
	for (unit = 1; unit <= h->n_meters; unit++)
		h->seg_energy_kwh[unit - 1] = 100000.0 + 1000.0 * unit;
	if (sched != NULL && sched->n > 0) {
		if ((h->pending = calloc(sched->n, sizeof(*h->pending))) == NULL)
			goto nomem;
		for (i = 0; i < sched->n; i++) {
			h->pending[i] = sched->entries[i];
			h->pending[i].at_ns += start.ns;
		}
		h->n_pending = sched->n;
	}
	return h;
nomem:
	sim_hall_free(h);
	pue_err_set(err, -ENOMEM, "hall: out of memory");
	return NULL;
}

void
sim_hall_free(struct sim_hall *h)
{
	if (h == NULL)
		return;
	free(h->seg_energy_kwh);
	free(h->pending);
	free(h);
}

unsigned
sim_hall_n_meters(const struct sim_hall *h)
{
	return h->n_meters;
}

bool
sim_hall_read(struct sim_hall *h, pue_mono_t now, unsigned unit, double *power_kw,
	      double *energy_kwh)
{
	double hours;

	if (unit < 1 || unit > h->n_meters)
		return false;
	catch_up(h, now);
	hours = now.ns > h->seg_start_ns ? (double)(now.ns - h->seg_start_ns) / NS_PER_HOUR : 0;
	*power_kw = meter_power_kw(h, unit);
	*energy_kwh = h->seg_energy_kwh[unit - 1] + *power_kw * hours;
	return true;
}

void
sim_hall_profile(struct sim_hall *h, pue_mono_t now, double *facility_kw, double *it_kw)
{
	catch_up(h, now);
	*facility_kw = h->facility_kw;
	*it_kw = h->it_kw;
}

int
sim_hall_set(struct sim_hall *h, pue_mono_t now, double facility_kw, double it_kw,
	     struct pue_err *err)
{
	if ((!isnan(facility_kw) && !sim_kw_is_valid(facility_kw)) ||
	    (!isnan(it_kw) && !sim_kw_is_valid(it_kw)))
		return pue_err_set(err, -EINVAL, "expected kW 0..%.0f", SIM_MAX_KW);
	catch_up(h, now);
	apply(h, now.ns, facility_kw, it_kw);
	return 0;
}

bool
sim_hall_reset_counter(struct sim_hall *h, pue_mono_t now, unsigned unit)
{
	if (unit < 1 || unit > h->n_meters)
		return false;
	catch_up(h, now);
	close_segment(h, now.ns);	 /* every counter is exact at now ... */
	h->seg_energy_kwh[unit - 1] = 0; /* ... and this one starts over */
	return true;
}
