/* SPDX-License-Identifier: MIT */
/* report_cmd.c - puectl's report, history, export and year; see report_cmd.h. */
#include "report/report_cmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config/config.h"
#include "report/report.h"
#include "report/report_date.h"
#include "report/report_doc.h"
#include "report/report_format.h"
#include "report/report_html.h"
#include "core/duration.h"
#include "report/term_plot.h"
#include "core/window.h"
#include "report/year_json.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* puectl(1)'s exit statuses: the database or configuration cannot be
 * read; the words are wrong (judged before either is opened). */
#define RC_FAILED 1
#define RC_USAGE 2

/* What one run holds: the arguments, the streams, what was opened. */
struct run {
	const struct pue_report_args *a;
	FILE *out, *errout;
	struct pue_config *cfg;
	struct pue_report_db *db;
	int64_t now; /* --at, or the clock */
};

bool
pue_report_cmd_is(const char *cmd)
{
	return strcmp(cmd, "report") == 0 || strcmp(cmd, "history") == 0 ||
	       strcmp(cmd, "export") == 0 || strcmp(cmd, "year") == 0;
}

/* The date opt gives, or -1 with why not printed, naming opt. want, when
 * set, is what else s must be ("a month (YYYY-MM, ...)": its length). */
static int
date_arg(struct run *u, const char *opt, const char *s, const char *want, size_t want_len,
	 int64_t *start, int64_t *end)
{
	struct pue_err err = {0};
	int rc = pue_report_date_parse(s, start, end, &err);

	if (want != NULL && (rc == -EINVAL || (rc == 0 && strlen(s) != want_len)))
		fprintf(u->errout, "puectl: %s: \"%s\" is not %s\n", opt, s, want);
	else if (rc < 0)
		fprintf(u->errout, "puectl: %s: \"%s\" %s\n", opt, s, err.msg);
	return rc < 0 || (want != NULL && strlen(s) != want_len) ? -1 : 0;
}

/* PERIOD: exactly one of --from, --month, --year and --since; --to only
 * after --from or --since. Two were taken silently before (the first won),
 * so a report could cover another period than the one the user read. */
static int
period(struct run *u, int64_t *from, int64_t *to)
{
	const struct pue_report_args *a = u->a;
	const char *opt[] = {"--from", "--month", "--year", "--since"};
	const char *val[] = {a->from, a->month, a->year, a->since};
	int64_t end;
	int i, k = -1;

	for (i = 0; i < 4; i++) {
		if (val[i] != NULL && k >= 0) {
			fprintf(u->errout,
				"puectl: two periods: %s \"%s\" and %s \"%s\"; give one\n", opt[k],
				val[k], opt[i], val[i]);
			return -1;
		}
		if (val[i] != NULL)
			k = i;
	}
	if (k < 0) {
		fprintf(u->errout, "puectl: give a period: --from DATE [--to DATE], "
				   "--month YYYY-MM, --year YYYY or --since DATE\n");
		return -1;
	}
	if (a->to != NULL && (k == 1 || k == 2)) {
		fprintf(u->errout, "puectl: --to goes with --from or --since, not %s\n", opt[k]);
		return -1;
	}
	*to = (int64_t)time(NULL) * 1000;
	if ((k == 1 &&
	     date_arg(u, opt[k], val[k], "a month (YYYY-MM, such as 2026-03)", 7, from, to) < 0) ||
	    (k == 2 &&
	     date_arg(u, opt[k], val[k], "a year (YYYY, such as 2026)", 4, from, to) < 0) ||
	    ((k == 0 || k == 3) && date_arg(u, opt[k], val[k], NULL, 0, from, &end) < 0) ||
	    (a->to != NULL && date_arg(u, "--to", a->to, NULL, 0, to, &end) < 0))
		return -1;
	if (*to > *from)
		return 0;
	if (a->to != NULL) {
		fprintf(u->errout,
			"puectl: the period ends before it starts: --to \"%s\" is not after %s "
			"\"%s\"\n",
			a->to, opt[k], val[k]);
	} else {
		/* Without --to the period runs up to now: a start after it is a
		 * date in the future, not a reversed period. */
		time_t t = (time_t)(*to / 1000);
		struct tm tm;
		char now[32];

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(u->errout, "puectl: %s: %s \"%s\" is %s (%s)\n",
			*from > *to ? "the period starts in the future" : "the period is empty",
			opt[k], val[k], *from > *to ? "after now" : "now", now);
	}
	return -1;
}

/* Loads the configuration for its database path and thresholds. puectl
 * runs outside pued's unit and needs no secret: the credentials pued will
 * be given are not read (config_types.h). */
static int
load_config(struct run *u)
{
	struct pue_diags diags = {0};
	size_t i;
	int rc = pue_config_load_for(u->a->config, PUE_CONFIG_FOR_DATABASE, &u->cfg, &diags, NULL);

	if (rc < 0) {
		for (i = 0; i < diags.n; i++)
			fprintf(u->errout, "%s\n", diags.lines[i]);
		if (diags.n == 0)
			fprintf(u->errout, "puectl: %s: %s\n", u->a->config, strerror(-rc));
		pue_config_diags_free(&diags);
		return -1;
	}
	return 0;
}

static int
open_db(struct run *u)
{
	struct pue_err err = {0};

	u->db = pue_report_open(u->a->db ? u->a->db : u->cfg->storage.path, &err);
	if (u->db == NULL) {
		fprintf(u->errout, "puectl: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
print_json(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_FLAGS);
	fputc('\n', out);
	json_decref(j);
}

/* The reporting year as of @now: its bounds and figures, or -1 with the
 * error printed. */
static int
year_compute(struct run *u, int64_t now, struct pue_year *y, int64_t *y0, int64_t *y1)
{
	struct pue_err err = {0};

	if (pue_report_year(u->db, now, &u->cfg->pue, y, y0, y1, &err) < 0) {
		fprintf(u->errout, "puectl: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* "now" for year figures: --at DATE, or the clock. */
static int
as_of(struct run *u)
{
	int64_t end;

	u->now = (int64_t)time(NULL) * 1000;
	return u->a->at == NULL ? 0 : date_arg(u, "--at", u->a->at, NULL, 0, &u->now, &end);
}

static int
year_command(struct run *u)
{
	double ceiling = u->cfg->pue.ceiling;
	int64_t y0, y1;
	struct pue_year y;

	if (year_compute(u, u->now, &y, &y0, &y1) < 0)
		return RC_FAILED;
	if (u->a->format == PUE_REPORT_FMT_JSON)
		print_json(u->out, pue_year_json(&y, y0, y1, u->now, ceiling));
	else if (u->a->format == PUE_REPORT_FMT_CSV)
		pue_report_format_year_csv(u->out, &y, y0, y1, u->now, ceiling);
	else
		pue_report_format_year_text(u->out, &y, y0, y1, ceiling);
	return 0;
}

/* report --format html: the document, with the months and the curve. */
static int
report_html(struct run *u, const struct pue_report_doc *doc, int64_t now)
{
	struct pue_buf b = PUE_BUF_INIT;

	pue_report_html(&b, doc, u->cfg, now);
	if (pue_buf_failed(&b)) {
		fprintf(u->errout, "puectl: out of memory\n");
		return 1;
	}
	fwrite(b.data, 1, b.len, u->out);
	pue_buf_free(&b);
	return 0;
}

/* report: the period's figures and, when the period runs up to now (or
 * --at), the running reporting year's (the question a report for the
 * regulator leads to: will the year end under the ceiling?). Every form
 * formats the same figures (report_doc.h). */
static int
report_command(struct run *u, int64_t from, int64_t to)
{
	const struct pue_report_args *a = u->a;
	double ceiling = u->cfg->pue.ceiling;
	struct pue_report_doc d;
	struct pue_err err = {0};
	int64_t now = u->now;
	bool running;
	json_t *j;
	int rc = 0;

	/* --since and a --from without --to run up to the clock itself */
	running = from <= now && a->format != PUE_REPORT_FMT_CSV &&
		  (now <= to || (a->to == NULL && a->month == NULL && a->year == NULL));
	if (pue_report_doc_build(u->db, &u->cfg->pue, from, to, running, now,
				 a->format == PUE_REPORT_FMT_HTML, &d, &err) < 0) {
		fprintf(u->errout, "puectl: %s\n", err.msg);
		return 1;
	}
	switch (a->format) {
	case PUE_REPORT_FMT_JSON:
		j = pue_report_format_json(&d.period);
		json_object_set_new(j, "ceiling", json_real(ceiling));
		json_object_set_new(j, "site", json_string(u->cfg->site));
		if (running)
			json_object_set_new(
				j, "year",
				pue_year_json(&d.year, d.year_from_ms, d.year_to_ms, now, ceiling));
		print_json(u->out, j);
		break;
	case PUE_REPORT_FMT_CSV:
		pue_report_format_csv(u->out, &d.period);
		break;
	case PUE_REPORT_FMT_HTML:
		rc = report_html(u, &d, now);
		break;
	case PUE_REPORT_FMT_TEXT:
		pue_report_format_text(u->out, &d.period, u->cfg);
		if (running) {
			fputc('\n', u->out);
			pue_report_format_year_text(u->out, &d.year, d.year_from_ms, d.year_to_ms,
						    ceiling);
		}
		break;
	}
	pue_report_doc_free(&d);
	return rc;
}

static void
short_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* history --plot: the same steps as a curve in the terminal, coloured
 * only on a terminal without NO_COLOR. */
static int
history_plot(struct run *u, const struct pue_chart_point *points, size_t n, int64_t from,
	     int64_t to, int64_t window, int64_t step)
{
	char title[512], span[32], every[32], f[40], t[40];
	struct pue_term_plot tp = {.chart = {.points = points,
					     .n = n,
					     .from_ms = from,
					     .to_ms = to,
					     .ceiling = u->cfg->pue.ceiling,
					     .warning = u->cfg->pue.warning,
					     .title = title},
				   .color = pue_term_plot_color_wanted(u->out)};
	struct pue_buf b = PUE_BUF_INIT;

	pue_duration_format_span(window, span, sizeof(span));
	pue_duration_format_span(step, every, sizeof(every));
	short_time(from, f, sizeof(f));
	short_time(to, t, sizeof(t));
	/* the site last: a long name is what the 80 columns cut */
	snprintf(title, sizeof(title), "%s PUE every %s, %s to %s UTC, site %s", span, every, f, t,
		 u->cfg->site);
	if (pue_term_plot_render(&b, &tp) < 0 || pue_buf_failed(&b)) {
		fprintf(u->errout, "puectl: cannot draw the plot\n");
		pue_buf_free(&b);
		return 1;
	}
	fwrite(b.data, 1, b.len, u->out);
	pue_buf_free(&b);
	return 0;
}

/* history: the window's PUE ending at each step of [from, to]. */
static int
history_command(struct run *u, int64_t from, int64_t to, int64_t window, int64_t step)
{
	enum pue_report_fmt f = u->a->format;
	struct pue_err err = {0};
	struct pue_report r;
	struct pue_chart_point *points = NULL;
	json_t *series = json_array();
	size_t n = 0;
	int64_t t;
	int rc = 1;

	if (u->a->plot &&
	    (points = calloc((size_t)((to - from) / step) + 1, sizeof(*points))) == NULL) {
		fprintf(u->errout, "puectl: out of memory\n");
		goto out;
	}
	if (f == PUE_REPORT_FMT_CSV)
		fprintf(u->out, "time,pue,state,coverage,facility_kwh,it_kwh\n");
	for (t = from + step; t <= to; t += step) {
		char when[40], pue[32];

		if (pue_report_period(u->db, t - window, t, &u->cfg->pue, &r, &err) < 0) {
			fprintf(u->errout, "puectl: %s\n", err.msg);
			goto out;
		}
		pue_duration_format_time((pue_wall_t){t}, when, sizeof(when));
		pue_report_format_pue(&r, pue, sizeof(pue));
		if (u->a->plot)
			points[n++] = (struct pue_chart_point){t, r.fig.pue,
							       pue_figure_has_value(&r.fig)};
		else if (f == PUE_REPORT_FMT_JSON)
			json_array_append_new(series, pue_report_format_json(&r));
		else if (f == PUE_REPORT_FMT_CSV) {
			char fac[32], it[32];

			pue_figure_format_fixed(r.fig.facility, 3, false, fac, sizeof(fac));
			pue_figure_format_fixed(r.fig.it, 3, false, it, sizeof(it));
			fprintf(u->out, "%s,%s,%s,%.4f,%s,%s\n", when, pue,
				pue_figure_state_name(r.fig.state),
				pue_figure_coverage_shown(r.fig.coverage, 1e4), fac, it);
		} else
			fprintf(u->out, "%s  %-8s %-18s %6.1f%%\n", when, pue[0] ? pue : "-",
				pue_figure_state_name(r.fig.state),
				pue_figure_coverage_shown(r.fig.coverage, 1e3) * 100);
	}
	if (u->a->plot)
		rc = history_plot(u, points, n, from, to, window, step);
	else {
		if (f == PUE_REPORT_FMT_JSON)
			print_json(u->out, json_incref(series));
		rc = 0;
	}
out:
	json_decref(series);
	free(points);
	return rc;
}

/* history's --window and --step, checked before the database is opened. */
static int
history_spans(struct run *u, int64_t from, int64_t to, int64_t *window, int64_t *step)
{
	struct pue_err err = {0};

	*step = 3600000;
	if (u->a->window == NULL || pue_duration_parse_positive(u->a->window, window) < 0 ||
	    (u->a->step != NULL && pue_duration_parse_positive(u->a->step, step) < 0)) {
		fprintf(u->errout, "puectl: history needs --window SPAN (e.g. 24h) and an "
				   "optional --step SPAN (default 1h)\n");
		return -1;
	}
	/* The stored minutes sum to whole minutes: --window 90s counted the
	 * one minute starting in it against 90 s, 66.7% at every step. */
	if (pue_window_check_span(*window, &err) < 0) {
		fprintf(u->errout, "puectl: history: %s\n", err.msg);
		return -1;
	}
	if (u->a->plot && u->a->format != PUE_REPORT_FMT_TEXT) {
		fprintf(u->errout, "puectl: --plot draws text; leave out --json and --csv\n");
		return -1;
	}
	if ((to - from) / *step > 100000) {
		fprintf(u->errout, "puectl: more than 100000 steps; use a longer --step\n");
		return -1;
	}
	return 0;
}

/* An option of another command is refused, not ignored: who wrote it
 * expected it to count (year --year 2025 printed the running year, export
 * --point without --raw every minute). */
static int
misplaced(struct run *u, const char *cmd)
{
	const struct pue_report_args *a = u->a;
	const char *why = NULL, *slash = a->point ? strchr(a->point, '/') : NULL;
	bool export = strcmp(cmd, "export") == 0, history = strcmp(cmd, "history") == 0;

	if (a->format == PUE_REPORT_FMT_HTML && strcmp(cmd, "report") != 0)
		why = "--format html is for report only";
	else if (export && a->format == PUE_REPORT_FMT_JSON)
		why = "export writes CSV; leave out --json";
	else if (a->plot && !history)
		why = "--plot is for history";
	else if ((a->window != NULL || a->step != NULL) && !history)
		why = "--window and --step are for history";
	else if (a->at != NULL && strcmp(cmd, "report") != 0 && strcmp(cmd, "year") != 0)
		why = "--at is for report and year";
	else if (a->export_kind != NULL && !export)
		why = "--minutes, --hours and --raw are for export";
	else if (a->point != NULL &&
		 !(export && a->export_kind && strcmp(a->export_kind, "raw") == 0))
		why = "--point is for export --raw";
	if (why != NULL) {
		fprintf(u->errout, "puectl: %s\n", why);
		return -1;
	}
	if (a->point != NULL && (slash == NULL || slash == a->point || slash[1] == '\0')) {
		fprintf(u->errout, "puectl: --point: expected DEVICE/POINT, got \"%s\"\n",
			a->point);
		return -1;
	}
	if (strcmp(cmd, "year") == 0 && (a->from || a->to || a->month || a->year || a->since)) {
		fprintf(u->errout,
			"puectl: year takes no period (%s); --at DATE gives the reporting year as "
			"of DATE\n",
			a->from	   ? "--from"
			: a->to	   ? "--to"
			: a->month ? "--month"
			: a->year  ? "--year"
				   : "--since");
		return -1;
	}
	return 0;
}

static int
run_period_command(struct run *u, const char *cmd)
{
	struct pue_err err = {0};
	int64_t from, to, window = 0, step = 0;
	int rc;

	if (period(u, &from, &to) < 0)
		return RC_USAGE;
	if (strcmp(cmd, "history") == 0 && history_spans(u, from, to, &window, &step) < 0)
		return RC_USAGE;
	if (load_config(u) < 0 || open_db(u) < 0)
		return RC_FAILED;
	if (strcmp(cmd, "report") == 0)
		return report_command(u, from, to);
	if (strcmp(cmd, "history") == 0)
		return history_command(u, from, to, window, step);
	rc = pue_report_export(u->db, u->out, u->a->export_kind ? u->a->export_kind : "minutes",
			       from, to, u->a->point, &err);
	if (rc < 0) {
		fprintf(u->errout, "puectl: %s\n", err.msg);
		/* a point the database does not know: the words are wrong */
		return rc == -ENOENT || rc == -EINVAL ? RC_USAGE : RC_FAILED;
	}
	return 0;
}

int
pue_report_cmd_run(const char *cmd, const struct pue_report_args *a, FILE *out, FILE *errout)
{
	struct run u = {.a = a, .out = out, .errout = errout};
	int rc;

	/* every word is judged before the configuration and the database are
	 * read: a usage error is one whatever the machine holds */
	if (misplaced(&u, cmd) < 0 || as_of(&u) < 0)
		return RC_USAGE;
	if (strcmp(cmd, "year") == 0)
		rc = load_config(&u) < 0 || open_db(&u) < 0 ? RC_FAILED : year_command(&u);
	else
		rc = run_period_command(&u, cmd);
	pue_report_close(u.db);
	pue_config_free(u.cfg);
	return rc;
}
