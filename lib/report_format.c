/* SPDX-License-Identifier: MIT */
/* report_format.c - reports as text, CSV and JSON; see report_format.h. */
#include "report_format.h"

#include <math.h>
#include <stdbool.h>

#include "figure.h"
#include "status.h"

void
pue_report_format_pue(const struct pue_report *r, char *buf, size_t len)
{
	buf[0] = '\0';
	if (pue_figure_has_value(&r->fig) || r->fig.state == PUE_FIG_BELOW_ONE)
		pue_figure_format_milli(pue_figure_milli(r->fig.pue), buf, len);
}

json_t *
pue_report_format_json(const struct pue_report *r)
{
	char from[40], to[40];
	bool has = pue_figure_has_value(&r->fig) || r->fig.state == PUE_FIG_BELOW_ONE;
	int64_t milli = pue_figure_milli(r->fig.pue);

	pue_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:s, s:f, s:i, s:i, s:i, s:i, s:s}",
			 "from", from, "to", to, "facility_kwh", r->fig.facility, "it_kwh",
			 r->fig.it, "pue", has ? json_real((double)milli / 1000.0) : json_null(),
			 "pue_milli", has ? json_integer(milli) : json_null(), "state",
			 pue_figure_state_name(r->fig.state), "coverage",
			 round(r->fig.coverage * 1e4) / 1e4, "category", r->category, "hours",
			 r->hours_total, "hours_above_ceiling", r->hours_above_ceiling,
			 "hours_above_warning", r->hours_above_warning, "verdict", r->verdict);
}

void
pue_report_format_csv(FILE *out, const struct pue_report *r)
{
	char from[40], to[40], pue[32];

	pue_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	pue_report_format_pue(r, pue, sizeof(pue));
	fprintf(out, "from,to,facility_kwh,it_kwh,pue,state,coverage,category,hours,"
		     "hours_above_ceiling,hours_above_warning,verdict\n");
	fprintf(out, "%s,%s,%.3f,%.3f,%s,%s,%.4f,%d,%u,%u,%u,%s\n", from, to, r->fig.facility,
		r->fig.it, pue, pue_figure_state_name(r->fig.state), r->fig.coverage, r->category,
		r->hours_total, r->hours_above_ceiling, r->hours_above_warning, r->verdict);
}

void
pue_report_format_text(FILE *out, const struct pue_report *r, const struct pue_config *cfg)
{
	char from[40], to[40], pue[32];

	pue_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	pue_report_format_pue(r, pue, sizeof(pue));
	fprintf(out, "site %s\nperiod %s to %s\n", cfg->site, from, to);
	fprintf(out, "  facility energy   %14.1f kWh\n  IT energy         %14.1f kWh\n",
		r->fig.facility, r->fig.it);
	fprintf(out, "  PUE               %14s (%s)\n", pue[0] ? pue : "-",
		pue_figure_state_name(r->fig.state));
	fprintf(out, "  coverage          %13.2f%% (needed %.0f%%)\n", r->fig.coverage * 100,
		cfg->pue.min_coverage * 100);
	fprintf(out, "  category          %14d\n", r->category);
	fprintf(out, "  hours with data   %14u\n  hours above %.2f %13u\n  hours above %.2f %13u\n",
		r->hours_total, cfg->pue.ceiling, r->hours_above_ceiling, cfg->pue.warning,
		r->hours_above_warning);
	fprintf(out, "  verdict           %14s (ceiling %.2f)\n", r->verdict, cfg->pue.ceiling);
}

void
pue_report_format_year_text(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
			    double ceiling)
{
	char from[40], to[40];

	pue_format_time((pue_wall_t){y0}, from, sizeof(from));
	pue_format_time((pue_wall_t){y1}, to, sizeof(to));
	fprintf(out, "reporting year %s to %s, ceiling %.2f\n", from, to, ceiling);
	if (y->state != PUE_YEAR_OK) {
		fprintf(out, "  %s: %s\n",
			y->state == PUE_YEAR_BELOW_ONE ? "no figure" : "insufficient data", y->why);
		return;
	}
	fprintf(out, "  PUE so far        %.4f\n", y->pue_ytd);
	fprintf(out, "  projected year    %.4f (%s the ceiling)\n", y->pue_projected,
		y->over_ceiling ? "OVER" : "under");
	fprintf(out, "  budget            %.0f kWh of facility energy for the rest of the year\n",
		y->budget_kwh);
	fprintf(out, "  headroom          %+.0f kWh at the last 30 days' pace\n", y->headroom_kwh);
	if (y->out_of_reach)
		fprintf(out, "  required PUE      %.4f: the ceiling is out of reach this year\n",
			y->pue_required);
	else
		fprintf(out, "  required PUE      %.4f for the rest of the year\n",
			y->pue_required);
}
