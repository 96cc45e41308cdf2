/* SPDX-License-Identifier: MIT */
/*
 * report_cmd.h - puectl's offline reporting: the commands that read the
 * database directly (report, history, export, year), so they work with
 * pued stopped. puectl's main parses the words into struct
 * pue_report_args and hands them here; this module loads the
 * configuration (for the database path and the thresholds), works out the
 * period, opens the database read-only (report.h) and prints.
 * Any thread (one call at a time per args).
 */
#ifndef PUE_REPORT_CMD_H
#define PUE_REPORT_CMD_H

#include <stdbool.h>
#include <stdio.h>

enum pue_report_fmt {
	PUE_REPORT_FMT_TEXT,
	PUE_REPORT_FMT_JSON,
	PUE_REPORT_FMT_CSV,
	PUE_REPORT_FMT_HTML, /* report only: one HTML5 document (report_html.h) */
};

/* The words of the command line, borrowed; NULL where not given. */
struct pue_report_args {
	const char *config;	 /* pued's configuration (required) */
	const char *db;		 /* the database instead of the configuration's */
	const char *from, *to;	 /* PERIOD: --from DATE [--to DATE] */
	const char *month;	 /* --month YYYY-MM */
	const char *year;	 /* --year YYYY */
	const char *since;	 /* --since DATE */
	const char *window;	 /* history: --window SPAN */
	const char *step;	 /* history: --step SPAN (default 1h) */
	const char *point;	 /* export --raw: DEVICE/POINT */
	const char *export_kind; /* "minutes", "hours" or "raw"; NULL: minutes */
	const char *at;		 /* year, report: as of DATE instead of now */
	enum pue_report_fmt format;
	bool plot; /* history: draw the curve in the terminal (term_plot.h) */
};

/* True for the commands this module runs. */
bool pue_report_cmd_is(const char *cmd);

/* Runs cmd (pue_report_cmd_is()), printing its answer to out and any error
 * as one "puectl: ..." line (a configuration's diagnostics as theirs) to
 * errout. Returns puectl's exit status: 0; 2 for a usage error (a date
 * that does not exist, no period or two, an option of another command, a
 * --point the database does not know), each found before the configuration
 * is read except the last; 1 when the configuration or database cannot be
 * read. */
int pue_report_cmd_run(const char *cmd, const struct pue_report_args *a, FILE *out, FILE *errout);

#endif
