/* SPDX-License-Identifier: MIT */
/*
 * puectl.c - asks a running pued over its control socket and prints the
 * answer: a table for people, or the JSON result with --json. The commands
 * that read the database themselves (report, history, export, year) are
 * lib/report/report_cmd.c's; this file only parses their words.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "control/alert_text.h" /* alerts (issue 8) */
#include "control/control_commands.h"
#include "control/ctl_client.h"
#include "core/figure.h"
#include "report/report_cmd.h" /* report, history, export, year: offline, from the database */
#include "control/status_text.h"
#include "util/version.h"

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
	/* The commands that ask pued come from its table (control_commands.h). */
	fputs("usage: puectl [-s SOCKET] [--json] [--watch SECONDS] ", out);
	pue_control_commands_synopsis(out, 1, "|");
	fputs("\n       puectl [-s SOCKET] [--json] ", out);
	pue_control_commands_synopsis(out, 2, " | ");
	fprintf(out,
		"\n"
		"       puectl [-c CONFIG] [--db PATH] [--json|--csv|--format html] report "
		"[--at DATE] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] [--json|--csv|--plot] history --window SPAN "
		"[--step SPAN] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] export [--minutes|--hours|--raw "
		"[--point DEV/PT]] PERIOD\n"
		"       puectl [-c CONFIG] [--db PATH] [--json|--csv] year [--at DATE]\n"
		"commands that ask the running pued:\n");
	pue_control_commands_help(out);
	fprintf(out,
		"commands that read the database (pued may be stopped):\n"
		"  report    energy, PUE, category, coverage, hours above the ceiling, verdict;\n"
		"            a period running up to now adds the reporting year, as year does\n"
		"  history   a rolling window's PUE over time (--plot: as a curve, 80 columns)\n"
		"  export    per-minute, per-hour or raw data as CSV\n"
		"  year      the reporting year: PUE so far, projection, headroom, required PUE\n"
		"PERIOD: --from DATE [--to DATE], --month YYYY-MM, --year YYYY or --since DATE\n"
		"  DATE: 2026, 2026-03, 2026-03-01, 2026-03-01T08:00 (local time; a final Z\n"
		"  means UTC); --to is exclusive and defaults to now; one PERIOD, and a date\n"
		"  that does not exist (2026-02-30, 24:00) is an error\n"
		"options:\n"
		"  -s, --socket PATH   pued's control socket (default $PUED_SOCKET "
		"or " DEFAULT_SOCKET ")\n"
		"  -c, --config FILE   pued's configuration, for the database and thresholds\n"
		"                      (default " DEFAULT_CONFIG ")\n"
		"      --db PATH       read this database instead of the configuration's\n"
		"  -j, --json          print JSON for scripts\n"
		"      --csv           print CSV (report, history, year)\n"
		"      --format F      text, json or csv (report, history, year), or html:\n"
		"                      report as one printable HTML page with its curve\n"
		"      --plot          (history) draw the curve against the ceiling; colour\n"
		"                      only on a terminal, and never with NO_COLOR set\n"
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

/* export's --minutes, --hours or --raw: one of them (the last one won,
 * so --raw --hours exported hours). */
static void
export_kind(struct pue_report_args *a, const char *kind, char *bad, size_t len)
{
	if (a->export_kind != NULL && strcmp(a->export_kind, kind) != 0 && !bad[0])
		snprintf(bad, len, "--%s and --%s: give one of --minutes, --hours and --raw",
			 a->export_kind, kind);
	a->export_kind = kind;
}

static int
once(const char *socket_path, const char *cmd, bool json)
{
	struct pue_err err = {0};
	json_t *result = pue_ctl_client_request(socket_path, cmd, NULL, TIMEOUT_MS, &err);

	if (result == NULL) {
		fprintf(stderr, "puectl: %s\n", err.msg);
		return 1;
	}
	if (json) {
		json_dumpf(result, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (strcmp(cmd, "status") == 0)
		pue_status_text_print(stdout, result);
	else if (strcmp(cmd, "devices") == 0)
		pue_status_text_print_devices(stdout, json_object_get(result, "devices"));
	else if (strcmp(cmd, "reload") == 0)
		printf("pued is reloading its configuration (see its log for the outcome)\n");
	else if (strcmp(cmd, "alerts") == 0) /* alerts (issue 8) */
		pue_alert_text_print_alerts(stdout, result);
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
	result = pue_ctl_client_request(socket_path, cmd, extra, TIMEOUT_MS, &err);
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

/* Nagios/Icinga plugin convention: one line with perfdata, exit 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
static int
check_command(const char *socket_path, const char *window)
{
	struct pue_err err = {0};
	json_t *st = pue_ctl_client_request(socket_path, "status", NULL, TIMEOUT_MS, &err), *w,
	       *f = NULL;
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
		O_AT,
		O_PLOT,
		O_FORMAT
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
		{"plot", no_argument, NULL, O_PLOT},
		{"format", required_argument, NULL, O_FORMAT},
		{NULL, 0, NULL, 0},
	};
	const char *socket_path = getenv("PUED_SOCKET"), *cmd;
	struct pue_report_args a = {.config = DEFAULT_CONFIG};
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
			a.format = PUE_REPORT_FMT_JSON;
			break;
		case O_CSV:
			a.format = PUE_REPORT_FMT_CSV;
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
		case O_HOURS:
		case O_RAW:
			export_kind(&a,
				    c == O_MINUTES ? "minutes"
				    : c == O_HOURS ? "hours"
						   : "raw",
				    bad, sizeof(bad));
			break;
		case O_AT:
			a.at = optarg;
			break;
		case O_PLOT:
			a.plot = true;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") == 0)
				a.format = PUE_REPORT_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				a.format = PUE_REPORT_FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				a.format = PUE_REPORT_FMT_CSV;
			else if (strcmp(optarg, "html") == 0)
				a.format = PUE_REPORT_FMT_HTML;
			else if (!bad[0])
				snprintf(
					bad, sizeof(bad),
					"--format: expected text, json, csv or html, got \"%.60s\"",
					optarg);
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
				     a.format == PUE_REPORT_FMT_JSON);
	}
	if (optind >= argc)
		return usage_error(check, "no command");
	if (optind + 1 != argc) {
		snprintf(bad, sizeof(bad), "unexpected argument \"%.60s\" after \"%.30s\"",
			 argv[optind + 1], argv[optind]);
		return usage_error(check, bad);
	}
	cmd = argv[optind];
	if (pue_report_cmd_is(cmd))
		return pue_report_cmd_run(cmd, &a, stdout, stderr);
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
		return once(socket_path, cmd, a.format == PUE_REPORT_FMT_JSON);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	do {
		struct timespec ts = {.tv_sec = watch};

		if (a.format != PUE_REPORT_FMT_JSON && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		rc = once(socket_path, cmd, a.format == PUE_REPORT_FMT_JSON);
		if (!isatty(STDOUT_FILENO))
			printf("\n");
		while (!interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	} while (!interrupted);
	return rc;
}
