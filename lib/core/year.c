/* SPDX-License-Identifier: MIT */
/* year.c - year projection and headroom; see year.h and PUE.md. */
#include "core/year.h"

#include "core/figure.h"

/* PUE.md: "Fewer than 30 days of data ... insufficient data". */
#define MIN_PACE_DAYS 30.0

struct pue_year
pue_year_project(const struct pue_year_input *in, double ceiling, double min_coverage)
{
	struct pue_year y = {.state = PUE_YEAR_INSUFFICIENT};
	double r = in->days_left > 0 ? in->days_left : 0;

	if (in->pace_days < MIN_PACE_DAYS - 1e-9) {
		y.why = "fewer than 30 days of data";
		return y;
	}
	if (in->coverage_ytd < min_coverage) {
		y.why = "coverage of the year so far below the threshold";
		return y;
	}
	if (in->it_ytd_kwh <= 0 || in->it_pace_kwh <= 0) {
		y.why = "no IT load";
		return y;
	}
	y.state = PUE_YEAR_OK;
	y.pue_ytd = in->facility_ytd_kwh / in->it_ytd_kwh;
	y.facility_projected_kwh = in->facility_ytd_kwh + in->facility_pace_kwh * r;
	y.it_projected_kwh = in->it_ytd_kwh + in->it_pace_kwh * r;
	y.pue_projected = y.facility_projected_kwh / y.it_projected_kwh;
	y.budget_kwh = ceiling * y.it_projected_kwh - in->facility_ytd_kwh;
	y.headroom_kwh = y.budget_kwh - in->facility_pace_kwh * r;
	if (r > 0) {
		y.pue_required = y.budget_kwh / (in->it_pace_kwh * r);
		y.out_of_reach = y.pue_required <= 1.0;
	} else {
		/* The year is over: the projection is the year-to-date figure. */
		y.pue_required = 0;
		y.out_of_reach = pue_figure_above(y.pue_ytd, ceiling);
	}
	y.over_ceiling = pue_figure_above(y.pue_projected, ceiling);
	/* PUE.md: below 1.0 is a metering error, never a good result. */
	if (y.pue_ytd < 1.0 || y.pue_projected < 1.0) {
		y.state = PUE_YEAR_BELOW_ONE;
		y.why = "PUE below 1.0: a metering or configuration error";
	}
	return y;
}
