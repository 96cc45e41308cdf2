/* SPDX-License-Identifier: MIT */
#include "report/year_json.h"

#include "core/duration.h" /* pue_duration_format_time */
#include "core/figure.h"   /* pue_figure_round */

static json_t *
time_json(int64_t ms)
{
	char buf[40];

	pue_duration_format_time((pue_wall_t){ms}, buf, sizeof(buf));
	return json_string(buf);
}

/* Never -0: a headroom of -0.3 kWh is 0 (pue_figure_round()). */
static json_t *
rounded(double v, double scale)
{
	return json_real(pue_figure_round(v, scale));
}

json_t *
pue_year_json(const struct pue_year *y, int64_t start_ms, int64_t end_ms, int64_t at_ms,
	      double ceiling)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:f, s:s}", "year_start", time_json(start_ms),
			      "year_end", time_json(end_ms), "as_of", time_json(at_ms), "ceiling",
			      ceiling, "state",
			      y->state == PUE_YEAR_OK	       ? "ok"
			      : y->state == PUE_YEAR_BELOW_ONE ? "below_one"
							       : "insufficient_data");

	if (o == NULL)
		return NULL;
	if (y->state != PUE_YEAR_OK) {
		json_object_set_new(o, "why", json_string(y->why ? y->why : "insufficient data"));
		return o;
	}
	json_object_set_new(o, "pue_ytd", rounded(y->pue_ytd, 1e4));
	json_object_set_new(o, "pue_projected", rounded(y->pue_projected, 1e4));
	json_object_set_new(o, "budget_kwh", rounded(y->budget_kwh, 1));
	json_object_set_new(o, "headroom_kwh", rounded(y->headroom_kwh, 1));
	json_object_set_new(o, "pue_required", rounded(y->pue_required, 1e4));
	json_object_set_new(o, "out_of_reach", json_boolean(y->out_of_reach));
	json_object_set_new(o, "over_ceiling", json_boolean(y->over_ceiling));
	return o;
}
