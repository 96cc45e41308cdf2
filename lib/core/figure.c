/* SPDX-License-Identifier: MIT */
/* figure.c - evaluating a PUE figure; see figure.h. */
#include "core/figure.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Below this much IT energy (kWh) or power (kW) the ratio means nothing:
 * meters round, and 1 Wh against 2 Wh is not a PUE of 2. */
#define IT_EPSILON 1e-9

/* In thousandths: how far below a half still rounds up (see figure.h). */
#define HALF_SLACK 1e-6

int64_t
pue_figure_milli(double ratio)
{
	double t;

	if (isnan(ratio))
		return 0;
	t = floor(ratio * 1000.0 + 0.5 + HALF_SLACK);
	if (t >= (double)PUE_FIGURE_MILLI_MAX)
		return PUE_FIGURE_MILLI_MAX;
	if (t <= -(double)PUE_FIGURE_MILLI_MAX)
		return -PUE_FIGURE_MILLI_MAX;
	return (int64_t)t;
}

double
pue_figure_coverage_shown(double coverage, double scale)
{
	/* The slack covers binary error (0.95 is 0.94999999999999996), not a
	 * millisecond of a year's window: far below the judge's precision. */
	return floor(coverage * scale + 1e-9) / scale;
}

void
pue_figure_format_milli(int64_t milli, char *buf, size_t len)
{
	uint64_t m = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, milli < 0 ? "-" : "", m / 1000, m % 1000);
}

double
pue_figure_round(double v, double scale)
{
	double r = round(v * scale) / scale;

	return r == 0 ? 0.0 : r; /* -0 compares equal to 0 */
}

void
pue_figure_format_fixed(double v, int places, bool plus, char *buf, size_t len)
{
	snprintf(buf, len, plus ? "%+.*f" : "%.*f", places, v);
	/* "-0.0": a minus and nothing but zeros (not "-nan", "-inf"). */
	if (len > 1 && buf[0] == '-' && buf[1] == '0' && buf[1 + strspn(buf + 1, "0.")] == '\0') {
		if (plus)
			buf[0] = '+';
		else
			memmove(buf, buf + 1, strlen(buf));
	}
}

bool
pue_figure_above(double ratio, double level)
{
	return pue_figure_milli(ratio) > pue_figure_milli(level);
}

struct pue_figure
pue_figure_eval(double facility, double it, int64_t covered_ms, int64_t period_ms,
		const struct pue_pue_conf *pc)
{
	struct pue_figure f = {
		.state = PUE_FIG_UNKNOWN, .facility = facility, .it = it, .period_ms = period_ms};
	int64_t milli;

	if (period_ms <= 0)
		return f;
	f.coverage = covered_ms > 0 ? (double)covered_ms / (double)period_ms : 0.0;
	if (f.coverage > 1.0)
		f.coverage = 1.0;
	if (f.coverage < pc->min_coverage) {
		f.state = PUE_FIG_INSUFFICIENT;
		return f;
	}
	if (it <= IT_EPSILON) {
		f.state = PUE_FIG_NO_IT_LOAD;
		return f;
	}
	f.pue = facility / it;
	milli = pue_figure_milli(f.pue);
	if (milli < 1000)
		f.state = PUE_FIG_BELOW_ONE;
	else if (milli > pue_figure_milli(pc->ceiling))
		f.state = PUE_FIG_CEILING;
	else if (milli > pue_figure_milli(pc->warning))
		f.state = PUE_FIG_WARNING;
	else
		f.state = PUE_FIG_OK;
	return f;
}

bool
pue_figure_has_value(const struct pue_figure *f)
{
	return f->state == PUE_FIG_OK || f->state == PUE_FIG_WARNING || f->state == PUE_FIG_CEILING;
}

const char *
pue_figure_state_name(enum pue_figure_state s)
{
	switch (s) {
	case PUE_FIG_OK:
		return "ok";
	case PUE_FIG_WARNING:
		return "warning";
	case PUE_FIG_CEILING:
		return "above_ceiling";
	case PUE_FIG_INSUFFICIENT:
		return "insufficient_data";
	case PUE_FIG_NO_IT_LOAD:
		return "no_it_load";
	case PUE_FIG_BELOW_ONE:
		return "below_one";
	case PUE_FIG_UNKNOWN:
		return "unknown";
	case PUE_FIG_WARMING_UP:
		return "warming_up";
	}
	return "unknown";
}
