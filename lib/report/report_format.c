/* SPDX-License-Identifier: MIT */
/* report_format.c - reports as text, CSV and JSON; see report_format.h. */
#include "report/report_format.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "core/figure.h"
#include "core/duration.h"

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

	pue_duration_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_duration_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:s, s:f, s:o, s:i, s:i, s:i, s:s}",
			 "from", from, "to", to, "facility_kwh", r->fig.facility, "it_kwh",
			 r->fig.it, "pue", has ? json_real((double)milli / 1000.0) : json_null(),
			 "pue_milli", has ? json_integer(milli) : json_null(), "state",
			 pue_figure_state_name(r->fig.state), "coverage",
			 pue_figure_coverage_shown(r->fig.coverage, 1e4), "category",
			 r->category > 0 ? json_integer(r->category) : json_null(), "hours",
			 r->hours_total, "hours_above_ceiling", r->hours_above_ceiling,
			 "hours_above_warning", r->hours_above_warning, "verdict", r->verdict);
}

void
pue_report_format_csv(FILE *out, const struct pue_report *r)
{
	char from[40], to[40], pue[32], fac[32], it[32], category[16] = "";

	pue_duration_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_duration_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	pue_report_format_pue(r, pue, sizeof(pue));
	pue_figure_format_fixed(r->fig.facility, 3, false, fac, sizeof(fac)); /* never -0 */
	pue_figure_format_fixed(r->fig.it, 3, false, it, sizeof(it));
	if (r->category > 0) /* empty without data, as the PUE */
		snprintf(category, sizeof(category), "%d", r->category);
	fprintf(out, "from,to,facility_kwh,it_kwh,pue,state,coverage,category,hours,"
		     "hours_above_ceiling,hours_above_warning,verdict\n");
	fprintf(out, "%s,%s,%s,%s,%s,%s,%.4f,%s,%u,%u,%u,%s\n", from, to, fac, it, pue,
		pue_figure_state_name(r->fig.state), r->fig.coverage, category, r->hours_total,
		r->hours_above_ceiling, r->hours_above_warning, r->verdict);
}

void
pue_report_format_strings(const struct pue_report *r, const struct pue_pue_conf *pc,
			  struct pue_report_strings *out)
{
	pue_duration_format_time((pue_wall_t){r->from_ms}, out->from, sizeof(out->from));
	pue_duration_format_time((pue_wall_t){r->to_ms}, out->to, sizeof(out->to));
	/* "0.0", never "-0.0" (figure.h) */
	pue_figure_format_fixed(r->fig.facility, 1, false, out->facility_kwh,
				sizeof(out->facility_kwh));
	pue_figure_format_fixed(r->fig.it, 1, false, out->it_kwh, sizeof(out->it_kwh));
	pue_report_format_pue(r, out->pue, sizeof(out->pue));
	if (out->pue[0] == '\0')
		snprintf(out->pue, sizeof(out->pue), "-");
	out->state = pue_figure_state_name(r->fig.state);
	snprintf(out->coverage_pct, sizeof(out->coverage_pct), "%.2f",
		 pue_figure_coverage_shown(r->fig.coverage, 1e4) * 100);
	snprintf(out->needed_pct, sizeof(out->needed_pct), "%.0f", pc->min_coverage * 100);
	/* No data in the period, no category: "-", as a PUE without a figure. */
	if (r->category > 0)
		snprintf(out->category, sizeof(out->category), "%d", r->category);
	else
		snprintf(out->category, sizeof(out->category), "-");
	out->category_note = r->category > 0 ? "" : "no data";
	snprintf(out->hours, sizeof(out->hours), "%u", r->hours_total);
	snprintf(out->hours_above_ceiling, sizeof(out->hours_above_ceiling), "%u",
		 r->hours_above_ceiling);
	snprintf(out->hours_above_warning, sizeof(out->hours_above_warning), "%u",
		 r->hours_above_warning);
	snprintf(out->ceiling, sizeof(out->ceiling), "%.2f", pc->ceiling);
	snprintf(out->warning, sizeof(out->warning), "%.2f", pc->warning);
	out->verdict = r->verdict;
}

void
pue_report_format_year_strings(const struct pue_year *y, int64_t y0, int64_t y1, double ceiling,
			       struct pue_year_strings *out)
{
	memset(out, 0, sizeof(*out));
	pue_duration_format_time((pue_wall_t){y0}, out->from, sizeof(out->from));
	pue_duration_format_time((pue_wall_t){y1}, out->to, sizeof(out->to));
	snprintf(out->ceiling, sizeof(out->ceiling), "%.2f", ceiling);
	if (y->state != PUE_YEAR_OK) {
		out->none = y->state == PUE_YEAR_BELOW_ONE ? "no figure" : "insufficient data";
		return;
	}
	snprintf(out->pue_ytd, sizeof(out->pue_ytd), "%.4f", y->pue_ytd);
	snprintf(out->pue_projected, sizeof(out->pue_projected), "%.4f", y->pue_projected);
	pue_figure_format_fixed(y->budget_kwh, 0, false, out->budget_kwh, sizeof(out->budget_kwh));
	pue_figure_format_fixed(y->headroom_kwh, 0, true, out->headroom_kwh,
				sizeof(out->headroom_kwh));
	snprintf(out->pue_required, sizeof(out->pue_required), "%.4f", y->pue_required);
	out->over = y->over_ceiling ? "OVER" : "under";
}

void
pue_report_format_year_csv(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
			   int64_t at_ms, double ceiling)
{
	struct pue_year_strings s;
	char at[40], headroom[32];

	pue_report_format_year_strings(y, y0, y1, ceiling, &s);
	pue_duration_format_time((pue_wall_t){at_ms}, at, sizeof(at));
	fprintf(out, "year_start,year_end,as_of,ceiling,state,pue_ytd,pue_projected,budget_kwh,"
		     "headroom_kwh,pue_required,out_of_reach,over_ceiling,why\n");
	fprintf(out, "%s,%s,%s,%s,", s.from, s.to, at, s.ceiling);
	if (y->state != PUE_YEAR_OK) {
		/* the why strings are year.c's and report.c's own: no comma to quote */
		fprintf(out, "%s,,,,,,,,%s\n",
			y->state == PUE_YEAR_BELOW_ONE ? "below_one" : "insufficient_data",
			y->why ? y->why : "insufficient data");
		return;
	}
	/* year.json's roundings: PUE to 4 decimals, energy to the kWh (a
	 * headroom that rounds to nothing is 0, never -0) */
	pue_figure_format_fixed(y->headroom_kwh, 0, false, headroom, sizeof(headroom));
	fprintf(out, "ok,%s,%s,%s,%s,%s,%s,%s,\n", s.pue_ytd, s.pue_projected, s.budget_kwh,
		headroom, s.pue_required, y->out_of_reach ? "true" : "false",
		y->over_ceiling ? "true" : "false");
}

void
pue_report_format_text(FILE *out, const struct pue_report *r, const struct pue_config *cfg)
{
	struct pue_report_strings s;

	pue_report_format_strings(r, &cfg->pue, &s);
	fprintf(out, "site %s\nperiod %s to %s\n", cfg->site, s.from, s.to);
	fprintf(out, "  facility energy   %14s kWh\n  IT energy         %14s kWh\n", s.facility_kwh,
		s.it_kwh);
	fprintf(out, "  PUE               %14s (%s)\n", s.pue, s.state);
	fprintf(out, "  coverage          %13s%% (needed %s%%)\n", s.coverage_pct, s.needed_pct);
	fprintf(out, "  category          %14s%s%s%s\n", s.category, s.category_note[0] ? " (" : "",
		s.category_note, s.category_note[0] ? ")" : "");
	fprintf(out, "  hours with data   %14s\n  hours above %s %13s\n  hours above %s %13s\n",
		s.hours, s.ceiling, s.hours_above_ceiling, s.warning, s.hours_above_warning);
	fprintf(out, "  verdict           %14s (ceiling %s)\n", s.verdict, s.ceiling);
}

void
pue_report_format_year_text(FILE *out, const struct pue_year *y, int64_t y0, int64_t y1,
			    double ceiling)
{
	struct pue_year_strings s;

	pue_report_format_year_strings(y, y0, y1, ceiling, &s);
	fprintf(out, "reporting year %s to %s, ceiling %s\n", s.from, s.to, s.ceiling);
	if (s.none != NULL) {
		fprintf(out, "  %s: %s\n", s.none, y->why);
		return;
	}
	fprintf(out, "  PUE so far        %s\n", s.pue_ytd);
	fprintf(out, "  projected year    %s (%s the ceiling)\n", s.pue_projected, s.over);
	fprintf(out, "  budget            %s kWh of facility energy for the rest of the year\n",
		s.budget_kwh);
	fprintf(out, "  headroom          %s kWh at the last 30 days' pace\n", s.headroom_kwh);
	if (y->out_of_reach)
		fprintf(out, "  required PUE      %s: the ceiling is out of reach this year\n",
			s.pue_required);
	else
		fprintf(out, "  required PUE      %s for the rest of the year\n", s.pue_required);
}
