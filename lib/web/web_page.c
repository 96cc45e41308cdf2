/* SPDX-License-Identifier: MIT */
/* web_page.c - pued's status page in HTML; see web_page.h. */
#include "web/web_page.h"

#include <string.h>

#include "control/status_text.h"
#include "core/figure.h"
#include "report/svg_chart.h"
#include "util/version.h"

static const char style[] =
	"body{font-family:system-ui,sans-serif;color:#222;max-width:64rem;margin:1.5rem auto;"
	"padding:0 1rem;line-height:1.4}\n"
	"h1{font-size:1.5rem;margin:0}\n"
	"h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #ccc}\n"
	"header p,footer,figcaption{color:#555;font-size:.85rem}\n"
	"table{border-collapse:collapse}\n"
	"th,td{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.time{white-space:nowrap}\n"
	"h3{font-size:1rem;margin:1rem 0 .3rem}\n"
	".headline{font-size:1.2rem}\n"
	".headline .pue{font-size:2.6rem;font-weight:bold}\n"
	".state-above_ceiling,.state-below_one,.sev-critical{color:#b03a2e}\n"
	".state-warning,.sev-warning{color:#9a6400}\n"
	".state-insufficient_data,.state-no_it_load,.state-unknown{color:#666}\n"
	"svg.pue-chart{max-width:100%;height:auto}\n"
	"figure{margin:0 0 1rem}\n"
	"@media print{body{margin:0;max-width:none}section{break-inside:avoid}}\n";

static void
esc(struct pue_buf *b, const char *s)
{
	pue_buf_put_escaped(b, s);
}

/* The state as a class name: only the schema's words, never raw input. */
static const char *
state_class(const char *state)
{
	static const char *const known[] = {
		"ok", "warning", "above_ceiling", "insufficient_data", "no_it_load", "below_one"};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(state, known[i]) == 0)
			return known[i];
	return "unknown";
}

static const json_t *
alert_window(const json_t *status)
{
	const char *want = pue_status_text_str(status, "alert_window", "");
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(status, "windows"), i, w)
	{
		if (strcmp(pue_status_text_str(w, "window", ""), want) == 0)
			return w;
	}
	return NULL;
}

static void
head(struct pue_buf *b, const struct pue_web_page_input *in, const char *pue)
{
	const json_t *st = in->status;

	pue_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, "
			"initial-scale=1\">\n");
	if (in->refresh_s > 0)
		pue_buf_printf(b, "<meta http-equiv=\"refresh\" content=\"%u\">\n", in->refresh_s);
	pue_buf_printf(b, "<title>PUE %s - ", pue);
	esc(b, pue_status_text_str(st, "site", "?"));
	pue_buf_printf(b, " - pued</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>",
		       style);
	esc(b, pue_status_text_str(st, "site", "?"));
	pue_buf_printf(b, "</h1>\n<p>pued %s, as of <time id=\"as-of\">", pue_version());
	esc(b, pue_status_text_str(st, "time", "-"));
	pue_buf_puts(b, "</time> (UTC)");
	if (in->refresh_s > 0)
		pue_buf_printf(b, "; this page reloads every %u s", in->refresh_s);
	pue_buf_puts(b, ".</p>\n</header>\n<main>\n");
}

/* The alert window's figure, large, with what it is judged against. */
static void
headline(struct pue_buf *b, const json_t *st, const json_t *w, const char *pue)
{
	const char *state = w ? pue_status_text_str(w, "state", "unknown") : "unknown";

	pue_buf_puts(b, "<section id=\"now\">\n<p class=\"headline\">PUE over the last ");
	esc(b, pue_status_text_str(st, "alert_window", "?"));
	pue_buf_printf(b, ": <span class=\"pue state-%s\" id=\"pue-now\" data-window=\"",
		       state_class(state));
	esc(b, pue_status_text_str(st, "alert_window", "?"));
	pue_buf_printf(b, "\">%s</span> <span class=\"state-%s\">", pue, state_class(state));
	esc(b, pue_status_text_state(state, json_is_true(json_object_get(w, "at_ceiling"))));
	pue_buf_printf(b,
		       "</span></p>\n<p>ceiling <strong id=\"ceiling\">%.2f</strong>, warning "
		       "level %.2f; coverage %.1f%% (%.0f%% needed for a figure); measurement "
		       "category %lld.</p>\n",
		       pue_status_text_num(st, "ceiling"), pue_status_text_num(st, "warning"),
		       pue_figure_coverage_shown(pue_status_text_num(w, "coverage"), 1e3) * 100,
		       pue_status_text_num(st, "min_coverage") * 100,
		       (long long)json_integer_value(json_object_get(w, "category")));
}

/* A section's opening, with its heading. */
static void
section(struct pue_buf *b, const char *id, const char *heading)
{
	pue_buf_printf(b, "<section id=\"%s\">\n<h2>%s</h2>\n", id, heading);
}

/* A table's opening up to its body, with the column headings of cols
 * (NULL-terminated); table_end() closes the table and its section. */
static void
table_head(struct pue_buf *b, const char *const *cols)
{
	pue_buf_puts(b, "<table>\n<thead><tr>");
	for (; *cols != NULL; cols++)
		pue_buf_printf(b, "<th>%s</th>", *cols);
	pue_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

static void
table_end(struct pue_buf *b)
{
	pue_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void
instant(struct pue_buf *b, const json_t *st)
{
	const json_t *f = json_object_get(st, "instant");
	char pue[32], fac[32], it[32];

	pue_status_text_pue(f, pue, sizeof(pue));
	/* "0.0", never "-0.0" (figure.h) */
	pue_figure_format_fixed(pue_status_text_num(f, "facility_kw"), 1, false, fac, sizeof(fac));
	pue_figure_format_fixed(pue_status_text_num(f, "it_kw"), 1, false, it, sizeof(it));
	pue_buf_printf(b,
		       "<p>Power now: facility %s kW, IT %s kW, ratio %s. A ratio of power "
		       "is a live indicator only: PUE is a ratio of energy over a period.</p>\n"
		       "</section>\n",
		       fac, it, pue);
}

static void
windows(struct pue_buf *b, const json_t *st)
{
	static const char *const cols[] = {"window",	"PUE",	    "state",
					   "coverage",	"category", "facility energy",
					   "IT energy", NULL};
	const json_t *w;
	size_t i;

	section(b, "windows", "Rolling windows");
	table_head(b, cols);
	json_array_foreach(json_object_get(st, "windows"), i, w)
	{
		const char *state = pue_status_text_str(w, "state", "unknown");
		char pue[32], fac[32], it[32];

		pue_status_text_pue(w, pue, sizeof(pue));
		pue_figure_format_fixed(pue_status_text_num(w, "facility_kwh"), 1, false, fac,
					sizeof(fac));
		pue_figure_format_fixed(pue_status_text_num(w, "it_kwh"), 1, false, it, sizeof(it));
		pue_buf_puts(b, "<tr><th scope=\"row\">");
		esc(b, pue_status_text_str(w, "window", "?"));
		pue_buf_printf(b, "</th><td class=\"num state-%s\">%s</td><td>", state_class(state),
			       pue);
		esc(b,
		    pue_status_text_state(state, json_is_true(json_object_get(w, "at_ceiling"))));
		pue_buf_printf(
			b,
			"</td><td class=\"num\">%.1f%%</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%s kWh</td><td class=\"num\">%s kWh</td></tr>\n",
			pue_figure_coverage_shown(pue_status_text_num(w, "coverage"), 1e3) * 100,
			(long long)json_integer_value(json_object_get(w, "category")), fac, it);
	}
	table_end(b);
}

/* One curve under its heading ("The last 24 hours"); over says the same
 * in a sentence ("the last 24 hours"). */
static void
chart(struct pue_buf *b, const json_t *st, struct pue_chart c, const char *id, const char *heading,
      const char *over, const char *step)
{
	struct pue_svg_chart svg = {.chart = c};
	char name[96];

	snprintf(name, sizeof(name), "PUE of each %s over %s", step, over);
	svg.chart.ceiling = pue_status_text_num(st, "ceiling");
	svg.chart.warning = pue_status_text_num(st, "warning");
	svg.chart.title = name;
	pue_buf_printf(b, "<h3>%s</h3>\n<figure id=\"%s\">\n", heading, id);
	if (c.to_ms > c.from_ms)
		pue_svg_chart_render(b, &svg);
	pue_buf_puts(b, "<figcaption>");
	esc(b, name);
	pue_buf_printf(b,
		       ", against the ceiling %.2f (dashed red) and the warning level %.2f "
		       "(dashed amber); shaded where too little of the time was covered for a "
		       "figure.</figcaption>\n</figure>\n",
		       svg.chart.ceiling, svg.chart.warning);
}

static void
alerts(struct pue_buf *b, const json_t *al)
{
	static const char *const cols[] = {"#",	    "alert",   "severity", "state",
					   "since", "message", NULL};
	const json_t *a, *active = json_object_get(al, "active");
	size_t i;

	section(b, "alerts", "Active alerts");
	if (al == NULL) {
		pue_buf_puts(b, "<p>Not known.</p>\n</section>\n");
		return;
	}
	if (json_array_size(active) == 0) {
		pue_buf_puts(b, "<p>None.</p>\n</section>\n");
		return;
	}
	table_head(b, cols);
	json_array_foreach(active, i, a)
	{
		const char *sev = pue_status_text_str(a, "severity", "");

		pue_buf_printf(b, "<tr><td class=\"num\">%lld</td><td>",
			       (long long)json_integer_value(json_object_get(a, "number")));
		esc(b, pue_status_text_str(a, "alert", "?"));
		pue_buf_printf(b, "</td><td class=\"sev-%s\">",
			       strcmp(sev, "critical") == 0  ? "critical"
			       : strcmp(sev, "warning") == 0 ? "warning"
							     : "info");
		esc(b, sev);
		pue_buf_puts(b, "</td><td>");
		esc(b, pue_status_text_str(a, "state", "?"));
		if (json_is_string(json_object_get(a, "acked_by"))) {
			pue_buf_puts(b, ", acknowledged by ");
			esc(b, pue_status_text_str(a, "acked_by", ""));
		}
		pue_buf_puts(b, "</td><td class=\"time\">");
		esc(b, pue_status_text_str(a, "since", "-"));
		pue_buf_puts(b, "</td><td>");
		esc(b, pue_status_text_str(a, "message", ""));
		pue_buf_puts(b, "</td></tr>\n");
	}
	table_end(b);
}

static void
devices(struct pue_buf *b, const json_t *st)
{
	static const char *const cols[] = {"device",	   "state",	 "address",
					   "last success", "last error", NULL};
	const json_t *d;
	size_t i;

	section(b, "devices", "Devices");
	table_head(b, cols);
	json_array_foreach(json_object_get(st, "devices"), i, d)
	{
		const char *fields[] = {"state", "address", "last_success", "last_error"};
		size_t k;

		pue_buf_puts(b, "<tr><th scope=\"row\">");
		esc(b, pue_status_text_str(d, "name", "?"));
		pue_buf_puts(b, "</th>");
		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			pue_buf_puts(b, "<td>");
			esc(b, pue_status_text_str(d, fields[k], "-"));
			pue_buf_puts(b, "</td>");
		}
		pue_buf_puts(b, "</tr>\n");
	}
	table_end(b);
}

static void
year(struct pue_buf *b, const json_t *y)
{
	if (!json_is_object(y))
		return;
	section(b, "year", "The reporting year");
	pue_buf_puts(b, "<p>");
	if (strcmp(pue_status_text_str(y, "state", ""), "ok") != 0) {
		pue_buf_puts(b, "No projection: ");
		esc(b, pue_status_text_str(y, "why", pue_status_text_str(y, "state", "unknown")));
		pue_buf_puts(b, ".</p>\n</section>\n");
		return;
	}
	pue_buf_printf(b,
		       "PUE so far %.4f; at the last 30 days' pace the year ends at %.4f, %s "
		       "the ceiling %.2f, with %+.0f kWh of headroom; the rest of the year must "
		       "average %.4f or less%s.</p>\n</section>\n",
		       pue_status_text_num(y, "pue_ytd"), pue_status_text_num(y, "pue_projected"),
		       json_is_true(json_object_get(y, "over_ceiling")) ? "OVER" : "under",
		       pue_status_text_num(y, "ceiling"), pue_status_text_num(y, "headroom_kwh"),
		       pue_status_text_num(y, "pue_required"),
		       json_is_true(json_object_get(y, "out_of_reach"))
			       ? ": the ceiling is out of reach this year"
			       : "");
}

void
pue_web_page_render(struct pue_buf *out, const struct pue_web_page_input *in)
{
	const json_t *st = in->status, *w = alert_window(st);
	char pue[32] = "-";

	if (w != NULL)
		pue_status_text_pue(w, pue, sizeof(pue));
	head(out, in, pue);
	headline(out, st, w, pue);
	instant(out, st);
	windows(out, st);
	section(out, "curves", "The PUE curve");
	chart(out, st, in->day, "curve-24h", "The last 24 hours", "the last 24 hours",
	      in->day_step ? in->day_step : "step");
	chart(out, st, in->month, "curve-30d", "The last 30 days", "the last 30 days",
	      in->month_step ? in->month_step : "step");
	pue_buf_puts(out, "</section>\n");
	alerts(out, in->alerts);
	year(out, json_object_get(st, "year"));
	devices(out, st);
	pue_buf_printf(out,
		       "</main>\n<footer>\n<p>PUE is the facility energy over the IT energy in "
		       "the same covered time (ISO/IEC 30134-2); a window shows a figure only "
		       "when at least %.0f%% of its time is covered, and is judged against the "
		       "ceiling as shown, to three decimals. The same figures: <code>puectl "
		       "status</code>, and for Prometheus <a href=\"/metrics\">/metrics</a>; "
		       "reports: <code>puectl report</code>.</p>\n</footer>\n"
		       "</body>\n</html>\n",
		       pue_status_text_num(st, "min_coverage") * 100);
}
