/* SPDX-License-Identifier: MIT */
/*
 * figure.h - one PUE figure and the rules for what may be said about it.
 * Pure functions, any thread. A figure is E_facility / E_IT over the covered
 * part of a period; it is printed as a number only when its coverage reaches
 * the threshold, E_IT is positive and the ratio is not below 1 (PUE.md,
 * "Definition" and "Coverage").
 */
#ifndef PUE_FIGURE_H
#define PUE_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pue_def.h"

/* States compare the figure as it is printed (pue_figure_milli()): a
 * figure equal to the ceiling is WARNING (above the warning level, not
 * above the ceiling), or OK when the warning level is the ceiling. */
enum pue_figure_state {
	PUE_FIG_OK,	      /* a number, at or below the warning level */
	PUE_FIG_WARNING,      /* a number above the warning level, at most the ceiling */
	PUE_FIG_CEILING,      /* a number above the ceiling */
	PUE_FIG_INSUFFICIENT, /* coverage below the threshold: no number */
	PUE_FIG_NO_IT_LOAD,   /* E_IT (or P_IT) is zero: undefined, no division */
	PUE_FIG_BELOW_ONE,    /* below 1.0: a metering or configuration error */
	PUE_FIG_UNKNOWN,      /* no data at all */
	PUE_FIG_WARMING_UP,   /* the live figure only: its counters have not moved
			       * enough yet (counter_rate.h); no number */
};

struct pue_figure {
	enum pue_figure_state state;
	double pue;	 /* valid for OK, WARNING, CEILING and BELOW_ONE */
	double facility; /* kWh for windows, kW for the instantaneous ratio */
	double it;
	double coverage;   /* 0..1 */
	int64_t period_ms; /* the span the coverage is measured against */
};

/*
 * PUE.md, "Judging a figure against the ceiling": the regulation says "not
 * higher than 1.25", so a figure is judged at the precision pued prints it.
 * pue_figure_milli() rounds a ratio half-up to thousandths (1.25049 ->
 * 1250, 1.2505 -> 1251); every judgement against the ceiling or the warning
 * level compares these integers, and every printed PUE is this integer
 * (pue_figure_format_milli()), so what is shown and what is judged are the
 * same number. A ratio meant as x.xxx5 often reaches us as x.xxx4999999...
 * (1.2505 has no exact binary form, and kWh sums add their own error): a
 * millionth of a thousandth below the half still rounds up, far below what
 * any meter resolves. NaN gives 0; infinities and huge values are clamped
 * to +-PUE_FIGURE_MILLI_MAX.
 */
#define PUE_FIGURE_MILLI_MAX INT64_C(1000000000000000) /* 1e15 thousandths */
int64_t pue_figure_milli(double ratio);

/* A coverage (0..1) as it is shown, to 1/scale (1e3: 0.1%, 1e4: 0.01%):
 * cut, never rounded up, so a figure judged short of min_coverage at full
 * precision never shows the threshold it misses (0.94996 shows 94.9% or
 * 94.99%, not 95.0%). A billionth of a step lets a coverage exactly at a
 * step in decimal, and a hair under it in binary, show as that step. */
double pue_figure_coverage_shown(double coverage, double scale);

/* Writes thousandths as a decimal with three places ("1.250", "-0.004"). */
void pue_figure_format_milli(int64_t milli, char *buf, size_t len);

/* Energy is never negative (PUE.md), and nothing pued prints or exports
 * shows "-0": a value a little below zero (a sum that subtracts a meter, a
 * meter's noise) that rounds to zero at the places shown is 0.
 * pue_figure_round() rounds v half away from zero to 1/scale (1e3: Wh of
 * kWh) for JSON, and gives +0 where round() gives -0.
 * pue_figure_format_fixed() writes v as printf's "%.*f" does ("%+.*f" with
 * plus), and "0.0" (or "+0.0") where that writes "-0.0". */
double pue_figure_round(double v, double scale);
void pue_figure_format_fixed(double v, int places, bool plus, char *buf, size_t len);

/* True when ratio is strictly above level, both rounded by
 * pue_figure_milli(): 1.2504 is not above 1.25, 1.2505 is. */
bool pue_figure_above(double ratio, double level);

/* Evaluates facility/it over a period with covered_ms of valid data. The
 * state is judged on pue_figure_milli(facility / it) against the ceiling
 * and warning level of pc rounded the same way; below 1.000 is BELOW_ONE. */
struct pue_figure pue_figure_eval(double facility, double it, int64_t covered_ms, int64_t period_ms,
				  const struct pue_pue_conf *pc);

/* True when the state carries a printable PUE. BELOW_ONE carries the
 * number too, but only to be shown as an error. */
bool pue_figure_has_value(const struct pue_figure *f);

/* Stable lower-case names for JSON and text ("ok", "warning", "above_ceiling",
 * "insufficient_data", "no_it_load", "below_one", "unknown", "warming_up"). */
const char *pue_figure_state_name(enum pue_figure_state s);

#endif
