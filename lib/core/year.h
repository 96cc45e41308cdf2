/* SPDX-License-Identifier: MIT */
/*
 * year.h - the reporting year: year to date, projection and headroom.
 * Pure arithmetic, any thread. PUE.md, "The reporting year": with ceiling
 * c, R days left, pace f and i (facility and IT energy per covered day over
 * the last 30 days):
 *   F_proj = F_ytd + f R, I_proj = I_ytd + i R, PUE_proj = F_proj / I_proj,
 *   budget B = c I_proj - F_ytd, headroom H = B - f R,
 *   required PUE = B / (i R); at or below 1.0 the ceiling is out of reach.
 */
#ifndef PUE_YEAR_H
#define PUE_YEAR_H

#include <stdbool.h>

struct pue_year_input {
	double facility_ytd_kwh;  /* F_ytd, over the covered part of the year so far */
	double it_ytd_kwh;	  /* I_ytd */
	double coverage_ytd;	  /* 0..1 of the year so far */
	double facility_pace_kwh; /* f: per covered day over the last 30 days */
	double it_pace_kwh;	  /* i */
	double pace_days;	  /* covered days behind the pace (30 at most) */
	double days_left;	  /* R >= 0 */
};

enum pue_year_state {
	PUE_YEAR_OK,	       /* figures below are valid */
	PUE_YEAR_INSUFFICIENT, /* < 30 days of pace, low coverage or no IT load */
	PUE_YEAR_BELOW_ONE,    /* so far or projected below 1.0: a metering or
				* configuration error, no figure to trust */
};

struct pue_year {
	enum pue_year_state state;
	double pue_ytd;
	double pue_projected;
	double facility_projected_kwh, it_projected_kwh;
	double budget_kwh;   /* B: facility energy the rest of the year may use */
	double headroom_kwh; /* H: > 0 to spare, < 0 over by |H| */
	double pue_required; /* what the rest must average; valid when days_left > 0 */
	bool out_of_reach;   /* pue_required <= 1.0: the ceiling cannot be met */
	bool over_ceiling;   /* pue_projected above the ceiling, judged as every
			      * figure is (pue_figure_above(), figure.h) */
	const char *why;     /* for INSUFFICIENT and BELOW_ONE: which rule */
};

/* Projects the year against ceiling; min_coverage as for windows. */
struct pue_year pue_year_project(const struct pue_year_input *in, double ceiling,
				 double min_coverage);

#endif
