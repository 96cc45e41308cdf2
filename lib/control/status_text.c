/* SPDX-License-Identifier: MIT */
/* status_text.c - human tables from status JSON; see status_text.h. */
#include "control/status_text.h"

#include <string.h>

#include "control/alert_text.h" /* alerts (issue 8): the year's line */
#include "core/figure.h"

const char *
pue_status_text_str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

double
pue_status_text_num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* A figure equal to the ceiling complies (PUE.md, "Judging a figure
 * against the ceiling"): it says so rather than "ABOVE WARNING". */
const char *
pue_status_text_state(const char *state, bool at_ceiling)
{
	if (at_ceiling && (strcmp(state, "ok") == 0 || strcmp(state, "warning") == 0))
		return "AT CEILING";
	if (strcmp(state, "ok") == 0)
		return "ok";
	if (strcmp(state, "warning") == 0)
		return "ABOVE WARNING";
	if (strcmp(state, "above_ceiling") == 0)
		return "ABOVE CEILING";
	if (strcmp(state, "insufficient_data") == 0)
		return "insufficient data";
	if (strcmp(state, "no_it_load") == 0)
		return "no IT load";
	if (strcmp(state, "below_one") == 0)
		return "METERING ERROR (<1)";
	if (strcmp(state, "warming_up") == 0)
		return "warming up";
	return "unknown";
}

static const char *const category_names[] = {"-", "1, UPS output", "2, PDU output", "3, IT input"};

void
pue_status_text_pue(const json_t *f, char *buf, size_t len)
{
	const char *state = pue_status_text_str(f, "state", "unknown");
	const json_t *pue = json_object_get(f, "pue"), *milli = json_object_get(f, "pue_milli");

	/* The judged thousandths where pued sent them, so the text and the
	 * state never disagree (figure.h). */
	if (json_is_integer(milli) && strcmp(state, "insufficient_data") != 0)
		pue_figure_format_milli(json_integer_value(milli), buf, len);
	else if (json_is_number(pue) && strcmp(state, "insufficient_data") != 0)
		snprintf(buf, len, "%.3f", json_number_value(pue));
	else
		snprintf(buf, len, "-");
}

/* One row: the PUE only where the state allows a number. */
static void
figure_row(FILE *out, const char *label, const json_t *f, const char *unit)
{
	const char *state = pue_status_text_str(f, "state", "unknown");
	char pue_text[32], fac[40], it[40], num_f[32], num_i[32];
	char key_f[16], key_i[16];

	snprintf(key_f, sizeof(key_f), "facility_%s", unit);
	snprintf(key_i, sizeof(key_i), "it_%s", unit);
	pue_status_text_pue(f, pue_text, sizeof(pue_text));
	/* "0.0", never "-0.0" (figure.h) */
	pue_figure_format_fixed(pue_status_text_num(f, key_f), 1, false, num_f, sizeof(num_f));
	pue_figure_format_fixed(pue_status_text_num(f, key_i), 1, false, num_i, sizeof(num_i));
	snprintf(fac, sizeof(fac), "%s %s", num_f, strcmp(unit, "kw") ? "kWh" : "kW");
	snprintf(it, sizeof(it), "%s %s", num_i, strcmp(unit, "kw") ? "kWh" : "kW");
	fprintf(out, "  %-6s %-7s %-20s %6.1f%%  %14s  %14s\n", label, pue_text,
		pue_status_text_state(state, json_is_true(json_object_get(f, "at_ceiling"))),
		pue_figure_coverage_shown(pue_status_text_num(f, "coverage"), 1e3) * 100, fac, it);
}

void
pue_status_text_print_devices(FILE *out, const json_t *devices)
{
	const json_t *d;
	size_t i;

	fprintf(out, "  %-16s %-9s %-26s %-24s %8s  %s\n", "device", "state", "address",
		"last success", "latency", "last error");
	json_array_foreach(devices, i, d)
	{
		char latency[24] = "-";
		const json_t *lat = json_object_get(d, "latency_ms");

		if (json_is_integer(lat) && json_object_get(d, "last_success") != NULL &&
		    !json_is_null(json_object_get(d, "last_success")))
			snprintf(latency, sizeof(latency), "%lld ms",
				 (long long)json_integer_value(lat));
		fprintf(out, "  %-16s %-9s %-26s %-24s %8s  %s\n",
			pue_status_text_str(d, "name", "?"), pue_status_text_str(d, "state", "?"),
			pue_status_text_str(d, "address", "?"),
			pue_status_text_str(d, "last_success", "never"), latency,
			pue_status_text_str(d, "last_error", "-"));
	}
}

/* One line per active alert; the details are `puectl alerts`'. */
static void
alerts_print(FILE *out, const json_t *alerts)
{
	const json_t *a;
	size_t i;

	if (!json_is_object(alerts))
		return;
	fprintf(out, "alerts: %lld firing, %lld pending (puectl alerts)\n",
		(long long)json_integer_value(json_object_get(alerts, "firing")),
		(long long)json_integer_value(json_object_get(alerts, "pending")));
	json_array_foreach(json_object_get(alerts, "active"), i, a)
	{
		fprintf(out, "  %-8s %-8s %s%s%s\n", pue_status_text_str(a, "state", "?"),
			pue_status_text_str(a, "severity", "?"),
			pue_status_text_str(a, "alert", "?"),
			json_is_true(json_object_get(a, "acked")) ? ", acked" : "",
			json_is_true(json_object_get(a, "silenced")) ? ", silenced" : "");
	}
}

/* "devices: 1500, 1498 up, 2 down (puectl devices)": states with none are
 * left out. */
static void
counts_print(FILE *out, const json_t *counts)
{
	static const char *const states[] = {"up", "degraded", "down", "unknown", "unsupported"};
	size_t i;

	fprintf(out, "\ndevices: %lld",
		(long long)json_integer_value(json_object_get(counts, "total")));
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		json_int_t n = json_integer_value(json_object_get(counts, states[i]));

		if (n > 0)
			fprintf(out, ", %lld %s", (long long)n, states[i]);
	}
	fprintf(out, " (puectl devices)\n");
}

void
pue_status_text_print(FILE *out, const json_t *status)
{
	const json_t *windows = json_object_get(status, "windows"), *w, *storage;
	json_int_t cat = json_integer_value(json_object_get(status, "category"));
	size_t i;

	fprintf(out, "site %s at %s\n", pue_status_text_str(status, "site", "?"),
		pue_status_text_str(status, "time", "?"));
	fprintf(out, "PUE ceiling %.2f, warning %.2f, category %s, coverage needed %.0f%%\n\n",
		pue_status_text_num(status, "ceiling"), pue_status_text_num(status, "warning"),
		category_names[cat >= 0 && cat <= 3 ? cat : 0],
		pue_status_text_num(status, "min_coverage") * 100);
	fprintf(out, "  %-6s %-7s %-20s %7s  %14s  %14s\n", "window", "PUE", "state", "covered",
		"facility", "IT");
	figure_row(out, "now", json_object_get(status, "instant"), "kw");
	json_array_foreach(windows, i, w)
	{
		figure_row(out, pue_status_text_str(w, "window", "?"), w, "kwh");
	}
	/* alerts (issue 8): the reporting year and the alerts, when pued has them */
	if (json_is_object(json_object_get(status, "year"))) {
		fprintf(out, "\n");
		pue_alert_text_print_year(out, json_object_get(status, "year"));
	}
	alerts_print(out, json_object_get(status, "alerts"));
	counts_print(out, json_object_get(status, "device_counts"));
	storage = json_object_get(status, "storage");
	fprintf(out, "\nstorage %s", pue_status_text_str(storage, "state", "?"));
	if (json_object_get(storage, "path") != NULL)
		fprintf(out, " (%s), %lld samples written, %lld waiting",
			pue_status_text_str(storage, "path", ""),
			(long long)json_integer_value(json_object_get(storage, "samples_written")),
			(long long)json_integer_value(json_object_get(storage, "pending_rows")));
	if (json_is_string(json_object_get(storage, "last_error")))
		fprintf(out, ": %s", pue_status_text_str(storage, "last_error", ""));
	fprintf(out, "\n");
}
