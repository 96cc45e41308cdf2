/* SPDX-License-Identifier: MIT */
/*
 * puectl.c - asks a running pued over its control socket and prints the
 * answer: a table for people, or the JSON result with --json.
 */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alert_text.h" /* alerts (issue 8) */
#include "config.h"
#include "ctl_client.h"
#include "report.h"
#include "status.h"
#include "status_text.h"
#include "version.h"
#include "year_json.h"
#include "window.h"

#define DEFAULT_SOCKET "/run/pued/pued.sock"
#define DEFAULT_CONFIG "/etc/pued/pued.yaml"
#define TIMEOUT_MS 5000

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: puectl [-s SOCKET] [--json] [--watch SECONDS] "
		"status|devices|ping|check|reload\n"
		"       puectl [-s SOCKET] [--json] alerts | ack NUMBER | silence RULE SPAN | "
		"unsilence RULE\n"
		"       puectl [-c CONFIG] [--db PATH] [--json|--csv] report [--at DATE] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] [--json|--csv] history --window SPAN "
		"[--step SPAN] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] export [--minutes|--hours|--raw "
		"[--point DEV/PT]] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] [--json] year [--at DATE]\n"
		"commands that ask the running pued:\n"
		"  status    PUE windows, year, active alerts, device counts, storage\n"
		"  devices   each device's health\n"
		"  ping      check that pued answers\n"
		"  check     Nagios/Icinga plugin: the alert window's PUE, exit 0 OK, 1 WARNING,\n"
		"            2 CRITICAL, 3 UNKNOWN, one line with perfdata (--window SPAN)\n"
		"  reload    re-read the configuration (root, pued's user or the admin group)\n"
		"  alerts    active alerts, silences, notification targets, recent history\n"
		"  ack       acknowledge alert NUMBER (or its name); recorded with your user\n"
		"  silence   hold back the notifications of RULE (a rule, or one alert's name)\n"
		"            for SPAN (e.g. 2h); recorded with your user\n"
		"  unsilence end the silence on RULE\n"
		"commands that read the database (pued may be stopped):\n"
		"  report    energy, PUE, category, coverage, hours above the ceiling, verdict;\n"
		"            a period running up to now adds the reporting year, as year does\n"
		"  history   a rolling window's PUE over time\n"
		"  export    per-minute, per-hour or raw data as CSV\n"
		"  year      the reporting year: PUE so far, projection, headroom, required PUE\n"
		"PERIOD: --from DATE [--to DATE], --month YYYY-MM, --year YYYY or --since DATE\n"
		"  DATE: 2026, 2026-03, 2026-03-01, 2026-03-01T08:00 (local time; a final Z\n"
		"  means UTC); --to is exclusive and defaults to now\n"
		"options:\n"
		"  -s, --socket PATH   pued's control socket (default $PUED_SOCKET "
		"or " DEFAULT_SOCKET ")\n"
		"  -c, --config FILE   pued's configuration, for the database and thresholds\n"
		"                      (default " DEFAULT_CONFIG ")\n"
		"      --db PATH       read this database instead of the configuration's\n"
		"  -j, --json          print JSON for scripts\n"
		"      --csv           print CSV (report, history)\n"
		"  -w, --watch N       repeat every N seconds until interrupted\n"
		"      --at DATE       (year, report) the reporting year as of DATE, not now\n"
		"  -V, --version       print \"puectl VERSION\"\n"
		"  -h, --help          this text\n"
		"check follows the Nagios plugin guidelines: a usage error, --help and\n"
		"--version exit 3 (UNKNOWN) there; elsewhere a usage error exits 2.\n");
}

/* A usage error. check's caller is a monitoring system, which reads the
 * first line of stdout and takes exit 2 for CRITICAL: there it is UNKNOWN
 * (3) with the reason on stdout (Nagios plugin guidelines). Elsewhere it is
 * exit 2 with the reason and the usage on stderr. */
static int
usage_error(bool check, const char *why)
{
	if (check) {
		printf("PUE UNKNOWN - %s (see puectl --help)\n", why);
		return 3;
	}
	fprintf(stderr, "puectl: %s\n", why);
	usage(stderr);
	return 2;
}

/* ack NUMBER takes "12" or "#12": the whole word must be the number, so
 * that "12abc" is not taken for alert 12. A name is anything else. */
static bool
bad_alert_number(const char *id)
{
	const char *digits = id[0] == '#' ? id + 1 : id;
	unsigned long long n;
	char *end;

	if (id[0] != '#' && !(id[0] >= '0' && id[0] <= '9'))
		return false; /* a name */
	errno = 0;
	n = strtoull(digits, &end, 10);
	return !(digits[0] >= '0' && digits[0] <= '9') || *end != '\0' || errno == ERANGE ||
	       n == 0 || n > UINT32_MAX;
}

static int
once(const char *socket_path, const char *cmd, bool json)
{
	struct pue_err err = {0};
	json_t *result = pue_ctl_request(socket_path, cmd, NULL, TIMEOUT_MS, &err);

	if (result == NULL) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return 1;
	}
	if (json) {
		json_dumpf(result, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (strcmp(cmd, "status") == 0)
		pue_status_print(stdout, result);
	else if (strcmp(cmd, "devices") == 0)
		pue_devices_print(stdout, json_object_get(result, "devices"));
	else if (strcmp(cmd, "reload") == 0)
		printf("pued is reloading its configuration (see its log for the outcome)\n");
	else if (strcmp(cmd, "alerts") == 0) /* alerts (issue 8) */
		pue_alerts_print(stdout, result);
	else
		printf("pued is answering at %s\n", socket_path);
	json_decref(result);
	fflush(stdout);
	return 0;
}

/* alerts (issue 8): ack NUMBER, silence RULE SPAN, unsilence RULE. */
static int
alert_command(const char *socket_path, const char *cmd, char **args, int n, bool json)
{
	struct pue_err err = {0};
	json_t *extra, *result;

	if (strcmp(cmd, "ack") == 0)
		extra = json_pack("{s:s}", "alert", args[0]);
	else if (strcmp(cmd, "silence") == 0 && n == 2)
		extra = json_pack("{s:s, s:s}", "rule", args[0], "for", args[1]);
	else
		extra = json_pack("{s:s}", "rule", args[0]);
	result = pue_ctl_request(socket_path, cmd, extra, TIMEOUT_MS, &err);
	json_decref(extra);
	if (result == NULL) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return 1;
	}
	if (json)
		json_dumpf(result, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else if (strcmp(cmd, "ack") == 0)
		printf("alert #%lld %s acknowledged by %s",
		       (long long)json_integer_value(json_object_get(result, "number")),
		       json_string_value(json_object_get(result, "alert")),
		       json_string_value(json_object_get(result, "acked_by")));
	else if (strcmp(cmd, "silence") == 0)
		printf("%s silenced until %s by %s",
		       json_string_value(json_object_get(result, "rule")),
		       json_string_value(json_object_get(result, "until")),
		       json_string_value(json_object_get(result, "by")));
	else
		printf("%s no longer silenced", json_string_value(json_object_get(result, "rule")));
	fputc('\n', stdout);
	json_decref(result);
	return 0;
}

enum format { TEXT, JSON, CSV };

struct db_args {
	const char *config, *db, *from, *to, *month, *year, *since, *window, *step, *point;
	const char *export_kind, *at;
	enum format format;
};

static int
period(const struct db_args *a, int64_t *from, int64_t *to)
{
	int64_t end;
	const char *bad = NULL;

	*to = (int64_t)time(NULL) * 1000;
	if (a->month != NULL) {
		if (pue_parse_date(a->month, from, to) < 0 || strlen(a->month) != 7)
			bad = a->month;
	} else if (a->year != NULL) {
		if (pue_parse_date(a->year, from, to) < 0 || strlen(a->year) != 4)
			bad = a->year;
	} else if (a->from != NULL || a->since != NULL) {
		const char *f = a->from ? a->from : a->since;

		if (pue_parse_date(f, from, &end) < 0)
			bad = f;
		else if (a->to != NULL && pue_parse_date(a->to, to, &end) < 0)
			bad = a->to;
	} else {
		fprintf(stderr, "puectl: give a period: --from DATE [--to DATE], --month YYYY-MM, "
				"--year YYYY or --since DATE\n");
		return -1;
	}
	if (bad != NULL) {
		fprintf(stderr,
			"puectl: \"%s\" is not a date (2026, 2026-03, 2026-03-01, "
			"2026-03-01T08:00)\n",
			bad);
		return -1;
	}
	if (*to <= *from) {
		fprintf(stderr, "puectl: the period ends before it starts\n");
		return -1;
	}
	return 0;
}

/* Loads the configuration for its database path and thresholds. */
static struct pue_config *
load_config(const struct db_args *a)
{
	struct pue_diags diags = {0};
	struct pue_config *cfg = NULL;
	size_t i;
	int rc = pue_config_load(a->config, &cfg, &diags);

	if (rc < 0) {
		for (i = 0; i < diags.n; i++)
			fprintf(stderr, "%s\n", diags.lines[i]);
		if (diags.n == 0)
			fprintf(stderr, "puectl: %s: %s\n", a->config, strerror(-rc));
		pue_diags_free(&diags);
		return NULL;
	}
	return cfg;
}

/* The PUE of a report as printed and judged (figure.h): "1.250", or ""
 * when the state carries no number. */
static void
report_pue_text(const struct pue_report *r, char *buf, size_t len)
{
	buf[0] = '\0';
	if (pue_figure_has_value(&r->fig) || r->fig.state == PUE_FIG_BELOW_ONE)
		pue_figure_format_milli(pue_figure_milli(r->fig.pue), buf, len);
}

static json_t *
report_json(const struct pue_report *r)
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

static void
report_print(const struct pue_report *r, const struct pue_config *cfg, enum format f)
{
	char from[40], to[40], pue[32];

	pue_format_time((pue_wall_t){r->from_ms}, from, sizeof(from));
	pue_format_time((pue_wall_t){r->to_ms}, to, sizeof(to));
	report_pue_text(r, pue, sizeof(pue));
	if (f == CSV) {
		printf("from,to,facility_kwh,it_kwh,pue,state,coverage,category,hours,"
		       "hours_above_ceiling,hours_above_warning,verdict\n");
		printf("%s,%s,%.3f,%.3f,%s,%s,%.4f,%d,%u,%u,%u,%s\n", from, to, r->fig.facility,
		       r->fig.it, pue, pue_figure_state_name(r->fig.state), r->fig.coverage,
		       r->category, r->hours_total, r->hours_above_ceiling, r->hours_above_warning,
		       r->verdict);
		return;
	}
	printf("site %s\nperiod %s to %s\n", cfg->site, from, to);
	printf("  facility energy   %14.1f kWh\n  IT energy         %14.1f kWh\n", r->fig.facility,
	       r->fig.it);
	printf("  PUE               %14s (%s)\n", pue[0] ? pue : "-",
	       pue_figure_state_name(r->fig.state));
	printf("  coverage          %13.2f%% (needed %.0f%%)\n", r->fig.coverage * 100,
	       cfg->pue.min_coverage * 100);
	printf("  category          %14d\n", r->category);
	printf("  hours with data   %14u\n  hours above %.2f %13u\n  hours above %.2f %13u\n",
	       r->hours_total, cfg->pue.ceiling, r->hours_above_ceiling, cfg->pue.warning,
	       r->hours_above_warning);
	printf("  verdict           %14s (ceiling %.2f)\n", r->verdict, cfg->pue.ceiling);
}

/* Nagios/Icinga plugin convention: one line with perfdata, exit 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
static int
check_command(const char *socket_path, const char *window)
{
	struct pue_err err = {0};
	json_t *st = pue_ctl_request(socket_path, "status", NULL, TIMEOUT_MS, &err), *w, *f = NULL;
	const char *want, *state, *label;
	const json_t *milli;
	char pue[32] = "";
	double cov;
	size_t i;
	int rc;

	if (st == NULL) {
		printf("PUE UNKNOWN - %s\n", err.msg);
		return 3;
	}
	want = window ? window : json_string_value(json_object_get(st, "alert_window"));
	json_array_foreach(json_object_get(st, "windows"), i, w)
	{
		const char *name = json_string_value(json_object_get(w, "window"));

		if (want != NULL && name != NULL && strcmp(name, want) == 0)
			f = w;
	}
	if (f == NULL) {
		printf("PUE UNKNOWN - no window \"%s\" in pued's configuration\n",
		       want ? want : "?");
		json_decref(st);
		return 3;
	}
	if ((state = json_string_value(json_object_get(f, "state"))) == NULL)
		state = "unknown"; /* not pued's reply: UNKNOWN, not a crash */
	/* The thousandths pued judged the state on (figure.h), so the line
	 * never shows a figure that contradicts its label. */
	milli = json_object_get(f, "pue_milli");
	if (json_is_integer(milli))
		pue_figure_format_milli(json_integer_value(milli), pue, sizeof(pue));
	else
		snprintf(pue, sizeof(pue), "%.3f", json_number_value(json_object_get(f, "pue")));
	cov = json_number_value(json_object_get(f, "coverage")) * 100;
	if (strcmp(state, "ok") == 0)
		rc = 0, label = "OK";
	else if (strcmp(state, "warning") == 0)
		rc = 1, label = "WARNING";
	else if (strcmp(state, "above_ceiling") == 0 || strcmp(state, "below_one") == 0)
		rc = 2, label = "CRITICAL";
	else
		rc = 3, label = "UNKNOWN";
	if (rc == 3)
		printf("PUE UNKNOWN - %s PUE %s (coverage %.1f%%)", want,
		       strcmp(state, "no_it_load") == 0 ? "undefined: no IT load"
							: "insufficient data",
		       cov);
	else if (strcmp(state, "below_one") == 0)
		printf("PUE CRITICAL - %s PUE %s is below 1: a metering or configuration error "
		       "(coverage %.1f%%)",
		       want, pue, cov);
	else
		printf("PUE %s - %s PUE %s%s (ceiling %.2f, coverage %.1f%%, category %lld)", label,
		       want, pue,
		       json_is_true(json_object_get(f, "at_ceiling")) ? " at the ceiling" : "",
		       json_number_value(json_object_get(st, "ceiling")), cov,
		       (long long)json_integer_value(json_object_get(f, "category")));
	/* "U": the plugin guidelines' value for one that cannot be known */
	printf(" | pue_%s=", want);
	if (rc != 3)
		printf("%s", pue);
	else
		putchar('U');
	printf(";%.2f;%.2f coverage_%s=%.2f%%;;;0;100\n",
	       json_number_value(json_object_get(st, "warning")),
	       json_number_value(json_object_get(st, "ceiling")), want, cov);
	json_decref(st);
	return rc;
}

/* The reporting year as of @now: its bounds and figures, or -1 with the
 * error printed. */
static int
year_compute(struct pue_report_db *db, const struct pue_config *cfg, int64_t now,
	     struct pue_year *y, int64_t *y0, int64_t *y1)
{
	struct pue_err err = {0};

	if (pue_report_year(db, now, &cfg->pue, y, y0, y1, &err) < 0) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
year_print(const struct pue_year *y, int64_t y0, int64_t y1, double ceiling)
{
	char from[40], to[40];

	pue_format_time((pue_wall_t){y0}, from, sizeof(from));
	pue_format_time((pue_wall_t){y1}, to, sizeof(to));
	printf("reporting year %s to %s, ceiling %.2f\n", from, to, ceiling);
	if (y->state != PUE_YEAR_OK) {
		printf("  %s: %s\n",
		       y->state == PUE_YEAR_BELOW_ONE ? "no figure" : "insufficient data", y->why);
		return;
	}
	printf("  PUE so far        %.4f\n", y->pue_ytd);
	printf("  projected year    %.4f (%s the ceiling)\n", y->pue_projected,
	       y->over_ceiling ? "OVER" : "under");
	printf("  budget            %.0f kWh of facility energy for the rest of the year\n",
	       y->budget_kwh);
	printf("  headroom          %+.0f kWh at the last 30 days' pace\n", y->headroom_kwh);
	if (y->out_of_reach)
		printf("  required PUE      %.4f: the ceiling is out of reach this year\n",
		       y->pue_required);
	else
		printf("  required PUE      %.4f for the rest of the year\n", y->pue_required);
}

/* "now" for year figures: --at DATE, or the clock. */
static int
as_of(const struct db_args *a, int64_t *now)
{
	int64_t end;

	*now = (int64_t)time(NULL) * 1000;
	if (a->at != NULL && pue_parse_date(a->at, now, &end) < 0) {
		fprintf(stderr, "puectl: --at: \"%s\" is not a date\n", a->at);
		return -1;
	}
	return 0;
}

static int
year_command(const struct db_args *a, struct pue_config *cfg, struct pue_report_db *db)
{
	int64_t now, y0, y1;
	struct pue_year y;
	json_t *j;

	if (as_of(a, &now) < 0 || year_compute(db, cfg, now, &y, &y0, &y1) < 0)
		return 1;
	if (a->format == JSON) {
		j = pue_year_json(&y, y0, y1, now, cfg->pue.ceiling);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else
		year_print(&y, y0, y1, cfg->pue.ceiling);
	return 0;
}

/* report: the period's figures and, when the period runs up to now (or
 * --at), the running reporting year's (the question a report for the
 * regulator leads to: will the year end under the ceiling?). */
static int
report_command(const struct db_args *a, struct pue_config *cfg, struct pue_report_db *db,
	       int64_t from, int64_t to)
{
	struct pue_report r;
	struct pue_err err = {0};
	struct pue_year y;
	int64_t now, y0, y1;
	bool running;
	json_t *j;

	if (as_of(a, &now) < 0)
		return 1;
	if (pue_report_period(db, from, to, &cfg->pue, &r, &err) < 0) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return 1;
	}
	/* --since and a --from without --to run up to the clock itself */
	running = from <= now && a->format != CSV &&
		  (now <= to || (a->to == NULL && a->month == NULL && a->year == NULL));
	if (running && year_compute(db, cfg, now, &y, &y0, &y1) < 0)
		return 1;
	if (a->format == JSON) {
		j = report_json(&r);
		json_object_set_new(j, "ceiling", json_real(cfg->pue.ceiling));
		json_object_set_new(j, "site", json_string(cfg->site));
		if (running)
			json_object_set_new(j, "year",
					    pue_year_json(&y, y0, y1, now, cfg->pue.ceiling));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
		return 0;
	}
	report_print(&r, cfg, a->format);
	if (running) {
		putchar('\n');
		year_print(&y, y0, y1, cfg->pue.ceiling);
	}
	return 0;
}

static int
run_db_command(const char *cmd, const struct db_args *a)
{
	struct pue_config *cfg = load_config(a);
	struct pue_report_db *db = NULL;
	struct pue_report r;
	struct pue_err err = {0};
	int64_t from, to, window = 0, step = 3600000, t;
	json_t *series = NULL;
	int rc = 1;

	if (cfg == NULL)
		return 1;
	if (strcmp(cmd, "year") == 0) {
		if ((db = pue_report_open(a->db ? a->db : cfg->storage.path, &err)) == NULL)
			fprintf(stderr, "puectl: %s\n", err.msg);
		else
			rc = year_command(a, cfg, db);
		goto out;
	}
	if (period(a, &from, &to) < 0)
		goto out;
	if (strcmp(cmd, "history") == 0) {
		if (a->window == NULL || pue_parse_duration(a->window, &window) < 0 ||
		    (a->step != NULL && pue_parse_duration(a->step, &step) < 0)) {
			fprintf(stderr, "puectl: history needs --window SPAN (e.g. 24h) and an "
					"optional --step SPAN (default 1h)\n");
			goto out;
		}
		if ((to - from) / step > 100000) {
			fprintf(stderr, "puectl: more than 100000 steps; use a longer --step\n");
			goto out;
		}
	}
	if ((db = pue_report_open(a->db ? a->db : cfg->storage.path, &err)) == NULL) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		goto out;
	}
	if (strcmp(cmd, "report") == 0) {
		rc = report_command(a, cfg, db, from, to);
		goto out;
	} else if (strcmp(cmd, "export") == 0) {
		if (pue_report_export(db, stdout, a->export_kind, from, to, a->point, &err) < 0)
			goto fail;
	} else {
		/* history: the window ending at each step */
		series = json_array();
		if (a->format == CSV)
			printf("time,pue,state,coverage,facility_kwh,it_kwh\n");
		for (t = from + step; t <= to; t += step) {
			char when[40], pue[32];

			if (pue_report_period(db, t - window, t, &cfg->pue, &r, &err) < 0)
				goto fail;
			pue_format_time((pue_wall_t){t}, when, sizeof(when));
			report_pue_text(&r, pue, sizeof(pue));
			if (a->format == JSON)
				json_array_append_new(series, report_json(&r));
			else if (a->format == CSV)
				printf("%s,%s,%s,%.4f,%.3f,%.3f\n", when, pue,
				       pue_figure_state_name(r.fig.state), r.fig.coverage,
				       r.fig.facility, r.fig.it);
			else
				printf("%s  %-8s %-18s %6.1f%%\n", when, pue[0] ? pue : "-",
				       pue_figure_state_name(r.fig.state), r.fig.coverage * 100);
		}
		if (a->format == JSON) {
			json_dumpf(series, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "puectl: %s\n", err.msg);
out:
	json_decref(series);
	pue_report_close(db);
	pue_config_free(cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	enum {
		O_CSV = 256,
		O_DB,
		O_FROM,
		O_TO,
		O_MONTH,
		O_YEAR,
		O_SINCE,
		O_WINDOW,
		O_STEP,
		O_POINT,
		O_MINUTES,
		O_HOURS,
		O_RAW,
		O_AT
	};
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"watch", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"config", required_argument, NULL, 'c'},
		{"csv", no_argument, NULL, O_CSV},
		{"db", required_argument, NULL, O_DB},
		{"from", required_argument, NULL, O_FROM},
		{"to", required_argument, NULL, O_TO},
		{"month", required_argument, NULL, O_MONTH},
		{"year", required_argument, NULL, O_YEAR},
		{"since", required_argument, NULL, O_SINCE},
		{"window", required_argument, NULL, O_WINDOW},
		{"step", required_argument, NULL, O_STEP},
		{"point", required_argument, NULL, O_POINT},
		{"minutes", no_argument, NULL, O_MINUTES},
		{"hours", no_argument, NULL, O_HOURS},
		{"raw", no_argument, NULL, O_RAW},
		{"at", required_argument, NULL, O_AT},
		{NULL, 0, NULL, 0},
	};
	const char *socket_path = getenv("PUED_SOCKET"), *cmd;
	struct db_args a = {.config = DEFAULT_CONFIG, .export_kind = "minutes"};
	long watch = 0;
	char *end, bad[192] = "";
	bool help = false, version = false, check;
	int c, rc, i;

	if (socket_path == NULL || *socket_path == '\0')
		socket_path = DEFAULT_SOCKET;
	/* Errors are noted and reported once the command is known: check's
	 * exit status for them differs (usage_error()). */
	while ((c = getopt_long(argc, argv, ":s:jw:hVc:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			socket_path = optarg;
			break;
		case 'j':
			a.format = JSON;
			break;
		case O_CSV:
			a.format = CSV;
			break;
		case 'c':
			a.config = optarg;
			break;
		case O_DB:
			a.db = optarg;
			break;
		case O_FROM:
			a.from = optarg;
			break;
		case O_TO:
			a.to = optarg;
			break;
		case O_MONTH:
			a.month = optarg;
			break;
		case O_YEAR:
			a.year = optarg;
			break;
		case O_SINCE:
			a.since = optarg;
			break;
		case O_WINDOW:
			a.window = optarg;
			break;
		case O_STEP:
			a.step = optarg;
			break;
		case O_POINT:
			a.point = optarg;
			break;
		case O_MINUTES:
			a.export_kind = "minutes";
			break;
		case O_HOURS:
			a.export_kind = "hours";
			break;
		case O_RAW:
			a.export_kind = "raw";
			break;
		case O_AT:
			a.at = optarg;
			break;
		case 'w':
			errno = 0;
			watch = strtol(optarg, &end, 10);
			if ((errno != 0 || *end != '\0' || watch < 1 || watch > 3600) && !bad[0])
				snprintf(bad, sizeof(bad),
					 "--watch: expected 1..3600 seconds, got \"%.60s\"",
					 optarg);
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		case ':':
			if (!bad[0])
				snprintf(bad, sizeof(bad), "option \"%.60s\" needs an argument",
					 argv[optind - 1]);
			break;
		default:
			if (bad[0])
				break;
			if (optopt != 0)
				snprintf(bad, sizeof(bad), "unknown option \"-%c\"", optopt);
			else
				snprintf(bad, sizeof(bad), "unknown option \"%.60s\"",
					 argv[optind - 1]);
			break;
		}
	}
	/* The command is the first word left (getopt_long moves the words
	 * after the options). "--window check" took it for an argument: still
	 * a check, as far as the exit status goes. */
	check = optind < argc && strcmp(argv[optind], "check") == 0;
	for (i = 1; optind >= argc && i < argc; i++)
		check = check || strcmp(argv[i], "check") == 0;
	if (bad[0])
		return usage_error(check, bad);
	if (help || version) {
		if (help)
			usage(stdout);
		else
			printf("puectl %s\n", pue_version());
		return check ? 3 : 0;
	}
	/* alerts (issue 8): ack, silence and unsilence take arguments */
	if (optind < argc &&
	    (strcmp(argv[optind], "ack") == 0 || strcmp(argv[optind], "unsilence") == 0 ||
	     strcmp(argv[optind], "silence") == 0)) {
		int want = strcmp(argv[optind], "silence") == 0 ? 2 : 1;

		if (argc - optind - 1 != want) {
			usage(stderr);
			return 2;
		}
		if (strcmp(argv[optind], "ack") == 0 && bad_alert_number(argv[optind + 1])) {
			fprintf(stderr,
				"puectl: ack: \"%s\" is not an alert number (1 to 4294967295, "
				"\"#\" allowed in front); puectl alerts lists them\n",
				argv[optind + 1]);
			return 2;
		}
		return alert_command(socket_path, argv[optind], argv + optind + 1, want,
				     a.format == JSON);
	}
	if (optind >= argc)
		return usage_error(check, "no command");
	if (optind + 1 != argc) {
		snprintf(bad, sizeof(bad), "unexpected argument \"%.60s\" after \"%.30s\"",
			 argv[optind + 1], argv[optind]);
		return usage_error(check, bad);
	}
	cmd = argv[optind];
	if (strcmp(cmd, "report") == 0 || strcmp(cmd, "history") == 0 ||
	    strcmp(cmd, "export") == 0 || strcmp(cmd, "year") == 0)
		return run_db_command(cmd, &a);
	if (strcmp(cmd, "check") == 0)
		return check_command(socket_path, a.window);
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "devices") != 0 && strcmp(cmd, "ping") != 0 &&
	    strcmp(cmd, "reload") != 0 && strcmp(cmd, "alerts") != 0) {
		fprintf(stderr,
			"puectl: unknown command \"%s\" (status, devices, ping, check, reload, "
			"alerts, ack, silence, unsilence, report, history, export, year)\n",
			cmd);
		return 2;
	}
	if (watch == 0)
		return once(socket_path, cmd, a.format == JSON);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	do {
		struct timespec ts = {.tv_sec = watch};

		if (a.format != JSON && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		rc = once(socket_path, cmd, a.format == JSON);
		if (!isatty(STDOUT_FILENO))
			printf("\n");
		while (!interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} while (!interrupted);
	return rc;
}
