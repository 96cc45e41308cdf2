/* SPDX-License-Identifier: MIT */
/* engine.c - readings -> energy -> minutes -> windows; see engine.h. */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "combine.h"
#include "log.h"
#include "window.h"

struct point_state {
	struct pue_energy energy;
	int input; /* combine input, -1 when the PUE does not use the point */
	double value;
	pue_wall_t at;
};

struct pue_engine {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	struct pue_store *store;
	struct pue_combine *combine;
	struct pue_window **windows;
	struct point_state **points; /* [device][point] */
	int category;
	int64_t grace_ms;   /* how long a minute waits for late polls */
	int64_t max_age_ms; /* power older than this is not "instantaneous" */
};

static void
add_minute(void *arg, const struct pue_minute *m)
{
	struct pue_engine *e = arg;
	size_t i;

	for (i = 0; i < e->cfg->pue.n_windows; i++)
		pue_window_add(e->windows[i], m);
}

static void
closed_minute(void *arg, const struct pue_minute *m)
{
	struct pue_engine *e = arg;

	add_minute(e, m);
	if (e->store != NULL)
		pue_store_add_minute(e->store, m, e->category);
}

struct pue_engine *
pue_engine_new(const struct pue_config *cfg, const struct pue_clock *clock, struct pue_store *st,
	       struct pue_err *err)
{
	struct pue_engine *e = calloc(1, sizeof(*e));
	size_t d, p, i;

	if (e == NULL)
		goto nomem;
	e->cfg = cfg;
	e->clock = clock;
	e->store = st;
	e->category = pue_category(cfg, &cfg->pue.it);
	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];
		int64_t worst = dev->poll_interval_ms + dev->timeout_ms * (dev->retries + 1);

		if (worst + 1000 > e->grace_ms)
			e->grace_ms = worst + 1000;
		if (3 * dev->poll_interval_ms + dev->timeout_ms > e->max_age_ms)
			e->max_age_ms = 3 * dev->poll_interval_ms + dev->timeout_ms;
	}
	e->combine = pue_combine_new(cfg, pue_clock_wall(clock));
	e->windows = calloc(cfg->pue.n_windows ? cfg->pue.n_windows : 1, sizeof(*e->windows));
	e->points = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*e->points));
	if (e->combine == NULL || e->windows == NULL || e->points == NULL)
		goto nomem;
	for (i = 0; i < cfg->pue.n_windows; i++)
		if ((e->windows[i] = pue_window_new(cfg->pue.windows_ms[i])) == NULL)
			goto nomem;
	for (d = 0; d < cfg->n_devices; d++) {
		const struct pue_device_conf *dev = &cfg->devices[d];

		e->points[d] = calloc(dev->n_points ? dev->n_points : 1, sizeof(**e->points));
		if (e->points[d] == NULL)
			goto nomem;
		for (p = 0; p < dev->n_points; p++)
			e->points[d][p].input = pue_combine_input(e->combine, d, p);
	}
	return e;
nomem:
	pue_err_set(err, -ENOMEM, "engine: out of memory");
	pue_engine_free(e);
	return NULL;
}

void
pue_engine_free(struct pue_engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	if (e->windows != NULL)
		for (i = 0; i < e->cfg->pue.n_windows; i++)
			pue_window_free(e->windows[i]);
	if (e->points != NULL)
		for (i = 0; i < e->cfg->n_devices; i++)
			free(e->points[i]);
	free(e->points);
	free(e->windows);
	pue_combine_free(e->combine);
	free(e);
}

int
pue_engine_resume(struct pue_engine *e, struct pue_err *err)
{
	int64_t longest = 0, now = pue_clock_wall(e->clock).ms;
	size_t i;

	if (e->store == NULL)
		return 0;
	for (i = 0; i < e->cfg->pue.n_windows; i++)
		if (e->cfg->pue.windows_ms[i] > longest)
			longest = e->cfg->pue.windows_ms[i];
	/* An hour more than the longest window: hourly buckets start whole. */
	return pue_store_load_minutes(e->store, now - longest - 3600 * 1000, add_minute, e, err);
}

static void
energy_event(struct pue_engine *e, size_t device, size_t point, enum pue_energy_result res,
	     const struct pue_reading *r)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	const char *pname = dev->points[point].name;
	char subject[160], msg[200];

	snprintf(subject, sizeof(subject), "%s/%s", dev->name, pname);
	if (res == PUE_ENERGY_RESET)
		snprintf(msg, sizeof(msg),
			 "counter went down to %.3f kWh: meter reset, interval energy unknown",
			 r->value);
	else
		snprintf(msg, sizeof(msg),
			 "counter jumped to %.3f kWh, more than the point's power allows: "
			 "rejected as a glitch",
			 r->value);
	pue_log(LOG_WARNING, "point %s: %s", subject, msg);
	if (e->store != NULL)
		pue_store_add_event(e->store, r->wall,
				    res == PUE_ENERGY_RESET ? "meter_reset" : "glitch", subject,
				    msg);
}

void
pue_engine_reading(struct pue_engine *e, size_t device, size_t point, const struct pue_reading *r)
{
	const struct pue_device_conf *dev = &e->cfg->devices[device];
	struct point_state *ps = &e->points[device][point];
	struct pue_interval iv;
	enum pue_energy_result res;

	ps->value = r->value;
	ps->at = r->wall;
	if (e->store != NULL)
		pue_store_add_sample(e->store, device, point, r->wall, r->value);
	if (ps->input < 0)
		return;
	res = pue_energy_update(&ps->energy, &dev->points[point], dev->poll_interval_ms, r, &iv);
	if (res == PUE_ENERGY_INTERVAL) {
		if (pue_combine_add(e->combine, ps->input, &iv) < 0)
			pue_log(LOG_ERR, "engine: out of memory; interval of %s lost", dev->name);
	} else if (res == PUE_ENERGY_RESET || res == PUE_ENERGY_GLITCH)
		energy_event(e, device, point, res, r);
	if (res == PUE_ENERGY_INTERVAL || dev->points[point].kind == PUE_KIND_POWER)
		pue_combine_set_power(e->combine, ps->input, ps->energy.last_power_kw, r->wall);
}

void
pue_engine_tick(struct pue_engine *e)
{
	pue_combine_close(e->combine, pue_clock_wall(e->clock), e->grace_ms, closed_minute, e);
}

struct pue_figure
pue_engine_instant(const struct pue_engine *e)
{
	double f, it;

	if (pue_combine_power(e->combine, pue_clock_wall(e->clock), e->max_age_ms, &f, &it) < 0)
		return pue_figure_eval(0, 0, 0, 0, &e->cfg->pue);
	/* An instant is fully covered when every input is fresh. */
	return pue_figure_eval(f, it, 1, 1, &e->cfg->pue);
}

struct pue_figure
pue_engine_window(const struct pue_engine *e, size_t i)
{
	double f, it;
	int64_t covered, period;

	pue_window_sums(e->windows[i], &f, &it, &covered, &period);
	/* Before the first minute closes, the window still spans its length. */
	if (period == 0)
		period = pue_window_span_ms(e->windows[i]);
	return pue_figure_eval(f, it, covered, period, &e->cfg->pue);
}

int
pue_engine_category(const struct pue_engine *e)
{
	return e->category;
}

double
pue_engine_point_value(const struct pue_engine *e, size_t device, size_t point, pue_wall_t *at)
{
	*at = e->points[device][point].at;
	return e->points[device][point].value;
}
