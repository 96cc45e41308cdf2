/* SPDX-License-Identifier: MIT */
/* chart_axis.c - a PUE chart's series and axes; see chart_axis.h. */
#include "report/chart_axis.h"

#include <math.h>
#include <time.h>

#define EPS 1e-9 /* 1.2 / 0.01 is 119.99999...: whole steps, not one less */
#define DAY_MS 86400000LL

bool
pue_chart_axis_point_has_value(const struct pue_chart_point *p)
{
	return p->valid && isfinite(p->pue);
}

bool
pue_chart_axis_holds(const struct pue_chart *c, const struct pue_chart_point *p)
{
	return p->t_ms >= c->from_ms && p->t_ms <= c->to_ms;
}

void
pue_chart_axis_each_run(const struct pue_chart *c, pue_chart_run_cb cb, void *arg)
{
	size_t i = 0, j;

	while (i < c->n) {
		for (j = i; j < c->n && pue_chart_axis_holds(c, &c->points[j]) &&
			    pue_chart_axis_point_has_value(&c->points[j]);)
			j++;
		if (j > i)
			cb(arg, &c->points[i], j - i);
		i = j + 1;
	}
}

void
pue_chart_axis_each_gap(const struct pue_chart *c, pue_chart_gap_cb cb, void *arg)
{
	int64_t start = 0, last = 0, last_value = 0;
	bool in_gap = false, seen = false;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct pue_chart_point *p = &c->points[i];
		bool has = pue_chart_axis_point_has_value(p);

		if (!pue_chart_axis_holds(c, p))
			continue;
		if (!has && !in_gap) {
			in_gap = true;
			start = seen ? last_value : p->t_ms;
		} else if (has && in_gap) {
			in_gap = false;
			cb(arg, start, p->t_ms);
		}
		if (has) {
			seen = true;
			last_value = p->t_ms;
		}
		last = p->t_ms;
	}
	if (in_gap)
		cb(arg, start, last);
}

struct pue_chart_values
pue_chart_axis_values(const struct pue_chart *c, unsigned max_steps)
{
	static const double mant[] = {1, 2, 5};
	double lo = c->warning < c->ceiling ? c->warning : c->ceiling;
	double hi = c->ceiling > c->warning ? c->ceiling : c->warning;
	double step = 0.01;
	size_t i;
	int k;

	for (i = 0; i < c->n; i++) {
		const struct pue_chart_point *p = &c->points[i];

		if (!pue_chart_axis_holds(c, p) || !pue_chart_axis_point_has_value(p))
			continue;
		if (p->pue < lo)
			lo = p->pue;
		if (p->pue > hi)
			hi = p->pue;
	}
	/* 0.01 up to 5e300; past that (no meter reads so) the last step, and
	 * the renderers draw at most max_steps grid lines all the same */
	for (k = 0; k < 3 * 302; k++) {
		step = mant[k % 3] * pow(10, k / 3 - 2);
		if (ceil(hi / step - EPS) - floor(lo / step + EPS) + 2 <= max_steps)
			break;
	}
	return (struct pue_chart_values){.lo = (floor(lo / step + EPS) - 1) * step,
					 .hi = (ceil(hi / step - EPS) + 1) * step,
					 .step = step};
}

int64_t
pue_chart_axis_time_step(int64_t span_ms, unsigned max_ticks)
{
	static const int64_t steps[] = {
		60000LL,     300000LL,	  900000LL,    1800000LL,    3600000LL,	    7200000LL,
		10800000LL,  21600000LL,  43200000LL,  DAY_MS,	     2 * DAY_MS,    7 * DAY_MS,
		14 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS, 365 * DAY_MS, 3650 * DAY_MS,
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) - 1; i++)
		if (span_ms / steps[i] < (int64_t)max_ticks)
			break;
	return steps[i];
}

void
pue_chart_axis_time_label(int64_t t_ms, int64_t span_ms, char *buf, size_t len)
{
	time_t secs = (time_t)(t_ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	if (span_ms <= 2 * DAY_MS)
		strftime(buf, len, "%H:%M", &tm);
	else if (span_ms <= 400 * DAY_MS)
		strftime(buf, len, "%m-%d", &tm);
	else
		strftime(buf, len, "%Y-%m", &tm);
}
