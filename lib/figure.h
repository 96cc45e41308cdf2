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
#include <stdint.h>

#include "config.h"

enum pue_figure_state {
	PUE_FIG_OK,	      /* a number, at or below the warning level */
	PUE_FIG_WARNING,      /* a number above the warning level */
	PUE_FIG_CEILING,      /* a number above the ceiling */
	PUE_FIG_INSUFFICIENT, /* coverage below the threshold: no number */
	PUE_FIG_NO_IT_LOAD,   /* E_IT (or P_IT) is zero: undefined, no division */
	PUE_FIG_BELOW_ONE,    /* below 1.0: a metering or configuration error */
	PUE_FIG_UNKNOWN,      /* no data at all */
};

struct pue_figure {
	enum pue_figure_state state;
	double pue;	 /* valid for OK, WARNING, CEILING and BELOW_ONE */
	double facility; /* kWh for windows, kW for the instantaneous ratio */
	double it;
	double coverage;   /* 0..1 */
	int64_t period_ms; /* the span the coverage is measured against */
};

/* Evaluates facility/it over a period with covered_ms of valid data. */
struct pue_figure pue_figure_eval(double facility, double it, int64_t covered_ms, int64_t period_ms,
				  const struct pue_pue_conf *pc);

/* True when the state carries a printable PUE. BELOW_ONE carries the
 * number too, but only to be shown as an error. */
bool pue_figure_has_value(const struct pue_figure *f);

/* Stable lower-case names for JSON and text ("ok", "warning", "above_ceiling",
 * "insufficient_data", "no_it_load", "below_one", "unknown"). */
const char *pue_figure_state_name(enum pue_figure_state s);

/* The measurement category (1..3) of an IT sum: the lowest category of its
 * points (PUE.md, "Measurement categories"); 0 when it has no points. */
int pue_category(const struct pue_config *cfg, const struct pue_sum *it);

#endif
