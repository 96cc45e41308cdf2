/* SPDX-License-Identifier: MIT */
/* report_html.c - a report as one HTML5 document; see report_html.h. */
#include "report/report_html.h"

#include <string.h>
#include <time.h>

#include "report/report_format.h"
#include "core/duration.h"
#include "report/svg_chart.h"
#include "util/version.h"

/* Screen and paper: A4 with 15 mm margins, no section split across pages. */
static const char style[] =
	"body{font-family:system-ui,sans-serif;color:#222;max-width:60rem;margin:2rem auto;"
	"padding:0 1rem;line-height:1.4}\n"
	"h1{font-size:1.6rem;margin:0 0 .3rem}\n"
	"h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse}\n"
	"th,td{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}\n"
	"tbody th{white-space:nowrap}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".headline{font-size:1.3rem}\n"
	".state-above_ceiling,.verdict-not-compliant{color:#b03a2e;font-weight:bold}\n"
	".state-warning{color:#9a6400}\n"
	".state-below_one,.state-insufficient_data,.state-no_it_load{color:#555}\n"
	"svg.pue-chart{max-width:100%;height:auto}\n"
	"figure{margin:0}\n"
	"figcaption,footer{font-size:.85rem;color:#555}\n"
	"footer{margin-top:2rem;border-top:1px solid #ccc}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"section{break-inside:avoid}h2{break-after:avoid}}\n";

static void
esc(struct pue_buf *b, const char *s)
{
	pue_buf_put_escaped(b, s);
}

static void
row(struct pue_buf *b, const char *label, const char *value, const char *unit, const char *note)
{
	pue_buf_puts(b, "<tr><th scope=\"row\">");
	esc(b, label);
	pue_buf_puts(b, "</th><td class=\"num\">");
	esc(b, value);
	esc(b, unit);
	pue_buf_puts(b, "</td><td>");
	esc(b, note);
	pue_buf_puts(b, "</td></tr>\n");
}

static void
head(struct pue_buf *b, const struct pue_config *cfg, const struct pue_report_strings *s)
{
	pue_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, "
			"initial-scale=1\">\n");
	pue_buf_printf(b, "<meta name=\"generator\" content=\"puectl %s\">\n<title>PUE report, ",
		       pue_version());
	esc(b, cfg->site);
	pue_buf_printf(b, ", %s to %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", s->from,
		       s->to, style);
	pue_buf_puts(b, "<header>\n<h1>PUE report</h1>\n<p>site <strong class=\"site\">");
	esc(b, cfg->site);
	pue_buf_printf(b,
		       "</strong><br>\nperiod <time datetime=\"%s\">%s</time> to "
		       "<time datetime=\"%s\">%s</time></p>\n</header>\n<main>\n",
		       s->from, s->from, s->to, s->to);
}

/* The period: a headline, then every line of the text report. */
static void
summary(struct pue_buf *b, const struct pue_report_strings *s)
{
	char label[64], note[64];

	pue_buf_printf(b,
		       "<section id=\"summary\">\n<h2>The period</h2>\n<p class=\"headline\">PUE "
		       "<strong class=\"pue state-%s\">%s</strong> (category %s, coverage %s%%): "
		       "<span class=\"verdict verdict-%s\">",
		       s->state, s->pue, s->category, s->coverage_pct,
		       strcmp(s->verdict, "not compliant") == 0 ? "not-compliant" : "other");
	esc(b, s->verdict);
	pue_buf_puts(b, "</span></p>\n<table class=\"figures\">\n<tbody>\n");
	row(b, "facility energy", s->facility_kwh, " kWh", "");
	row(b, "IT energy", s->it_kwh, " kWh", "");
	row(b, "PUE", s->pue, "", s->state);
	snprintf(note, sizeof(note), "needed %s%%", s->needed_pct);
	row(b, "coverage", s->coverage_pct, "%", note);
	row(b, "category", s->category, "", s->category_note);
	row(b, "hours with data", s->hours, "", "");
	snprintf(label, sizeof(label), "hours above %s", s->ceiling);
	row(b, label, s->hours_above_ceiling, "", "the ceiling");
	snprintf(label, sizeof(label), "hours above %s", s->warning);
	row(b, label, s->hours_above_warning, "", "the warning level");
	snprintf(note, sizeof(note), "ceiling %s", s->ceiling);
	row(b, "verdict", s->verdict, "", note);
	pue_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void
curve(struct pue_buf *b, const struct pue_report_doc *d, const struct pue_config *cfg)
{
	const char *each = d->curve_step_ms <= 3600000	  ? "hour"
			   : d->curve_step_ms <= 86400000 ? "day (24 h)"
							  : "week (7 days)";
	char title[96];
	struct pue_svg_chart c = {.chart = {.points = d->curve,
					    .n = d->n_curve,
					    .from_ms = d->period.from_ms,
					    .to_ms = d->period.to_ms,
					    .ceiling = cfg->pue.ceiling,
					    .warning = cfg->pue.warning,
					    .title = title}};

	snprintf(title, sizeof(title), "PUE of each %s", each);
	pue_buf_printf(b, "<section id=\"curve\">\n<h2>%s</h2>\n<figure>\n", title);
	pue_svg_chart_render(b, &c);
	pue_buf_printf(b,
		       "<figcaption>The PUE of each %s against the ceiling %.2f (dashed red) "
		       "and the warning level %.2f (dashed amber). Shaded: no figure, "
		       "because less than %.0f%% of the time was covered (or there was no IT "
		       "load).</figcaption>\n</figure>\n</section>\n",
		       each, cfg->pue.ceiling, cfg->pue.warning, cfg->pue.min_coverage * 100);
}

/* "2026-03", and "2026-03 (part)" for a month the period cuts. */
static void
month_label(const struct pue_report *m, char *buf, size_t len)
{
	time_t t0 = (time_t)(m->from_ms / 1000), t1 = (time_t)(m->to_ms / 1000);
	struct tm a, b;

	localtime_r(&t0, &a);
	localtime_r(&t1, &b);
	strftime(buf, len, "%Y-%m", &a);
	if (a.tm_mday != 1 || a.tm_hour != 0 || a.tm_min != 0 || a.tm_sec != 0 || b.tm_mday != 1 ||
	    b.tm_hour != 0 || b.tm_min != 0 || b.tm_sec != 0)
		strncat(buf, " (part)", len - strlen(buf) - 1);
}

static void
months(struct pue_buf *b, const struct pue_report_doc *d, const struct pue_config *cfg)
{
	size_t i;

	pue_buf_printf(b,
		       "<section id=\"months\">\n<h2>By month</h2>\n<table>\n<thead><tr>"
		       "<th>month</th><th>facility energy</th><th>IT energy</th><th>PUE</th>"
		       "<th>state</th><th>coverage</th><th>category</th>"
		       "<th>hours above %.2f</th><th>verdict</th></tr></thead>\n<tbody>\n",
		       cfg->pue.ceiling);
	for (i = 0; i < d->n_months; i++) {
		struct pue_report_strings s;
		char month[32];

		pue_report_format_strings(&d->months[i], &cfg->pue, &s);
		month_label(&d->months[i], month, sizeof(month));
		pue_buf_printf(b,
			       "<tr><th scope=\"row\" title=\"%s to %s\">%s</th>"
			       "<td class=\"num\">%s kWh</td><td class=\"num\">%s kWh</td>"
			       "<td class=\"num state-%s\">%s</td><td>%s</td>"
			       "<td class=\"num\">%s%%</td><td class=\"num\">%s</td>"
			       "<td class=\"num\">%s</td><td>",
			       s.from, s.to, month, s.facility_kwh, s.it_kwh, s.state, s.pue,
			       s.state, s.coverage_pct, s.category, s.hours_above_ceiling);
		esc(b, s.verdict);
		pue_buf_puts(b, "</td></tr>\n");
	}
	pue_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void
year(struct pue_buf *b, const struct pue_report_doc *d, const struct pue_config *cfg)
{
	struct pue_year_strings s;
	char as_of[40];

	pue_report_format_year_strings(&d->year, d->year_from_ms, d->year_to_ms, cfg->pue.ceiling,
				       &s);
	pue_duration_format_time((pue_wall_t){d->as_of_ms}, as_of, sizeof(as_of));
	pue_buf_printf(b,
		       "<section id=\"year\">\n<h2>The reporting year</h2>\n<p>reporting year "
		       "%s to %s, ceiling %s, as of %s</p>\n",
		       s.from, s.to, s.ceiling, as_of);
	if (s.none != NULL) {
		pue_buf_printf(b, "<p>%s: ", s.none);
		esc(b, d->year.why);
		pue_buf_puts(b, "</p>\n</section>\n");
		return;
	}
	pue_buf_puts(b, "<table class=\"figures\">\n<tbody>\n");
	row(b, "PUE so far", s.pue_ytd, "", "");
	row(b, "projected year", s.pue_projected, "",
	    d->year.over_ceiling ? "OVER the ceiling" : "under the ceiling");
	row(b, "budget", s.budget_kwh, " kWh", "of facility energy for the rest of the year");
	row(b, "headroom", s.headroom_kwh, " kWh", "at the last 30 days' pace");
	row(b, "required PUE", s.pue_required, "",
	    d->year.out_of_reach ? "the ceiling is out of reach this year"
				 : "for the rest of the year");
	pue_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

void
pue_report_html(struct pue_buf *out, const struct pue_report_doc *doc, const struct pue_config *cfg,
		int64_t generated_ms)
{
	struct pue_report_strings s;
	char when[40];

	pue_report_format_strings(&doc->period, &cfg->pue, &s);
	head(out, cfg, &s);
	summary(out, &s);
	curve(out, doc, cfg);
	months(out, doc, cfg);
	if (doc->has_year)
		year(out, doc, cfg);
	pue_duration_format_time((pue_wall_t){generated_ms}, when, sizeof(when));
	pue_buf_printf(out,
		       "</main>\n<footer>\n<p>Made by puectl %s at %s from pued's database. "
		       "PUE is the facility energy over the IT energy in the same covered time "
		       "(ISO/IEC 30134-2), shown only where at least %s%% of the time is "
		       "covered, and judged against the ceiling as printed, to three decimals "
		       "(%s itself complies). The category is where the IT energy is "
		       "measured (1: UPS outputs, 2: PDU outputs, 3: IT equipment input), the "
		       "lowest among the IT points. Times are UTC; months are calendar months "
		       "in the site's local time.</p>\n</footer>\n</body>\n</html>\n",
		       pue_version(), when, s.needed_pct, s.ceiling);
}
