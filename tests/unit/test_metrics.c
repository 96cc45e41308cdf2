/* SPDX-License-Identifier: MIT */
/*
 * test_metrics.c - the Prometheus renderings of a fixed snapshot: golden
 * lines in both formats, a PUE only where status prints one, label values
 * escaped, every sample after its family's HELP and TYPE, the Accept
 * header's choice of format, and the snapshot slot and memo that carry
 * them to the HTTP thread.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/blob.h"
#include "config/config.h"
#include "core/figure.h"
#include "web/metrics.h"
#include "snapshot/snapshot.h"
#include "util/version.h"

/* Two devices, a zone, three windows; the site's name needs escaping. */
static const char yaml[] =
	"site: \"Hall \\\"A\\\" \\\\ east\\nline 2\"\n"
	"devices:\n"
	"  - name: incomer\n"
	"    protocol: modbus_tcp\n"
	"    modbus: {host: 127.0.0.1, port: 1502}\n"
	"    points:\n"
	"      - {name: power, register: 0, type: float32, unit: kW, kind: power}\n"
	"      - {name: energy, register: 2, type: uint32, unit: Wh, kind: energy}\n"
	"  - name: ups-a\n"
	"    protocol: snmp\n"
	"    snmp: {host: 127.0.0.1}\n"
	"    points:\n"
	"      - {name: out, oid: 1.3.6.1.2.1.33.1.4.4.1.4.1, unit: W, kind: power,"
	" measured_at: pdu_output}\n"
	"pue:\n"
	"  facility: {add: [incomer/energy]}\n"
	"  it: {add: [ups-a/out]}\n"
	"  zones: [{name: hall, it: {add: [ups-a/out]}, infrastructure: {add: [incomer/power]}}]\n"
	"  windows: [15m, 1h, 24h]\n"
	"storage: {path: /tmp/x.db}\n"
	"control: {socket: /tmp/x.sock}\n";

struct fixture {
	struct pue_config *cfg;
	struct pue_snapshot *s;
};

static int
setup(void **state)
{
	static struct fixture fx;
	const struct pue_pue_conf *pc;
	struct pue_diags d = {0};
	struct pue_err err;
	struct pue_snapshot *s;

	if (pue_config_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &fx.cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		return -1;
	}
	pc = &fx.cfg->pue;
	if ((fx.s = s = pue_snapshot_new(fx.cfg, 2, &err)) == NULL)
		return -1;
	s->time.ms = 1767225600123;
	s->category = 2;
	/* 15m: 240/200 kWh, fully covered; 1h: 93% covered, no figure;
	 * 24h: below one, a metering error shown as such. */
	s->windows[0].f = pue_figure_eval(240, 200, 900000, 900000, pc);
	s->windows[1].f = pue_figure_eval(900, 750.25, 3348000, 3600000, pc);
	s->windows[2].f = pue_figure_eval(700, 800, 86400000, 86400000, pc);
	s->instant = pue_figure_eval(960, 800, 1, 1, pc);
	s->totals =
		(struct pue_engine_totals){.facility_kwh = 16, .it_kwh = 12.5, .covered_ms = 60000};
	s->zones[0].windows[0].f = pue_figure_eval(250, 200, 900000, 900000, pc);
	s->points[0].value = 960;
	s->points[0].at.ms = 1767225599000;
	s->points[1].value = 100000.5;
	s->points[1].at.ms = 1767225599000;
	s->points[1].energy_kwh = 16;
	s->points[2].energy_kwh = 12.5;
	s->devices[0].polled = true;
	s->devices[0].health.state = PUE_DEV_UP;
	s->devices[0].health.polls = 10;
	s->devices[0].health.failures = 1;
	s->devices[0].health.latency_count[0] = 7; /* <= 1 ms */
	s->devices[0].health.latency_count[3] = 2; /* <= 10 ms */
	s->devices[0].health.latency_sum_ms = 25;
	s->devices[0].health.last_success.ms = 1767225599000;
	s->devices[1].polled = true;
	s->devices[1].health.state = PUE_DEV_DOWN;
	s->store.on = s->store.open = true;
	s->store.stats.written = 12345678901234567ULL;
	s->alerts[0] = (struct pue_alert_view){.rule = PUE_RULE_DEVICE_DOWN,
					       .subject = "ups-a",
					       .key = "device_down:ups-a",
					       .severity = PUE_SEV_CRITICAL,
					       .phase = PUE_ALERT_FIRING};
	s->alerts[1] = (struct pue_alert_view){.rule = PUE_RULE_PUE_CEILING,
					       .subject = "24h",
					       .key = "pue_ceiling:24h",
					       .severity = PUE_SEV_CRITICAL,
					       .phase = PUE_ALERT_OK};
	s->year.known = true;
	s->year.y = (struct pue_year){.state = PUE_YEAR_OK,
				      .pue_ytd = 1.26347,
				      .pue_projected = 1.24740,
				      .pue_required = 1.22701,
				      .headroom_kwh = 22800.4};
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	pue_snapshot_unref(fx->s);
	pue_config_free(fx->cfg);
	return 0;
}

static char *
render(void **state, enum pue_metrics_format f)
{
	struct fixture *fx = *state;
	size_t len;
	char *text = pue_metrics_render(fx->s, f, &len), *z;

	assert_non_null(text);
	z = malloc(len + 1);
	assert_non_null(z);
	memcpy(z, text, len);
	z[len] = '\0';
	free(text);
	return z;
}

/* line, whole, is in text. */
static void
assert_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	for (; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("missing line: %s", line);
}

static void
assert_no_line_starting(const char *text, const char *start)
{
	const char *p = text;

	for (; (p = strstr(p, start)) != NULL; p++)
		if (p == text || p[-1] == '\n')
			fail_msg("unexpected line: %.80s", p);
}

static void
test_metrics_text_golden_lines(void **state)
{
	char *t = render(state, PUE_METRICS_TEXT);

	assert_line(t, "# TYPE pued_pue gauge");
	assert_line(t, "pued_pue{window=\"15m\",category=\"2\"} 1.2");
	assert_line(t, "pued_pue{window=\"24h\",category=\"2\"} 0.875");
	assert_line(t,
		    "pued_window_facility_energy_joules{window=\"15m\",category=\"2\"} 864000000");
	assert_line(t, "pued_window_it_energy_joules{window=\"1h\",category=\"2\"} 2700900000");
	assert_line(t, "pued_window_coverage_ratio{window=\"1h\",category=\"2\"} 0.93");
	assert_line(t, "pued_window_state{window=\"1h\",state=\"insufficient_data\"} 1");
	assert_line(t, "pued_window_state{window=\"24h\",state=\"below_one\"} 1");
	assert_line(t, "pued_window_state{window=\"24h\",state=\"ok\"} 0");
	assert_line(t, "pued_instant_power_ratio 1.2");
	assert_line(t, "pued_facility_power_watts 960000");
	assert_line(t, "# TYPE pued_facility_energy_joules_total counter");
	assert_line(t, "pued_facility_energy_joules_total 57600000");
	assert_line(t, "pued_it_energy_joules_total 45000000");
	assert_line(t, "pued_covered_seconds_total 60");
	assert_line(t, "pued_zone_ppue{zone=\"hall\",window=\"15m\"} 1.25");
	assert_line(t, "pued_point_energy_joules_total{device=\"incomer\",point=\"energy\","
		       "kind=\"energy\"} 57600000");
	assert_line(t, "pued_point_energy_joules_total{device=\"incomer\",point=\"power\","
		       "kind=\"power\"} 0");
	assert_line(t, "pued_point_power_watts{device=\"incomer\",point=\"power\"} 960000");
	assert_line(t, "pued_point_meter_energy_joules{device=\"incomer\",point=\"energy\"} "
		       "360001800000");
	assert_line(t, "pued_point_last_sample_timestamp_seconds{device=\"incomer\","
		       "point=\"power\"} 1767225599");
	assert_line(t, "pued_device_up{device=\"incomer\",protocol=\"modbus_tcp\"} 1");
	assert_line(t, "pued_device_up{device=\"ups-a\",protocol=\"snmp\"} 0");
	assert_line(t, "pued_device_state{device=\"ups-a\",state=\"down\"} 1");
	assert_line(t, "# TYPE pued_device_poll_duration_seconds histogram");
	assert_line(t,
		    "pued_device_poll_duration_seconds_bucket{device=\"incomer\",le=\"0.001\"} 7");
	assert_line(t,
		    "pued_device_poll_duration_seconds_bucket{device=\"incomer\",le=\"0.005\"} 7");
	assert_line(t,
		    "pued_device_poll_duration_seconds_bucket{device=\"incomer\",le=\"0.01\"} 9");
	assert_line(t,
		    "pued_device_poll_duration_seconds_bucket{device=\"incomer\",le=\"+Inf\"} 9");
	assert_line(t, "pued_device_poll_duration_seconds_sum{device=\"incomer\"} 0.025");
	assert_line(t, "pued_device_poll_duration_seconds_count{device=\"incomer\"} 9");
	assert_line(t, "pued_device_polls_total{device=\"incomer\"} 10");
	assert_line(t, "pued_device_poll_failures_total{device=\"incomer\"} 1");
	assert_line(t, "pued_store_samples_written_total 12345678901234567");
	assert_line(t, "pued_alert_active{rule=\"device_down\",subject=\"ups-a\","
		       "severity=\"critical\",state=\"firing\"} 1");
	assert_line(t, "pued_alerts_firing 1");
	assert_line(t, "pued_year_to_date_pue 1.2635");
	assert_line(t, "pued_year_projected_pue 1.2474");
	assert_line(t, "pued_year_headroom_joules 82080000000");
	assert_line(t, "pued_snapshot_timestamp_seconds 1767225600.123");
	assert_null(strstr(t, "# EOF"));
	free(t);
}

/* A window without the coverage for a figure has no pued_pue sample: not
 * 0, not NaN; the same for an alert that is neither pending nor firing. */
static void
test_metrics_omit_a_pue_the_coverage_does_not_support(void **state)
{
	char *t = render(state, PUE_METRICS_TEXT);

	assert_no_line_starting(t, "pued_pue{window=\"1h\"");
	assert_null(strstr(t, "NaN"));
	assert_no_line_starting(t, "pued_alert_active{rule=\"pue_ceiling\"");
	/* ups-a never answered: no last-sample line for it */
	assert_no_line_starting(t, "pued_point_power_watts{device=\"ups-a\"");
	free(t);
}

static void
test_metrics_escape_label_values(void **state)
{
	char *t = render(state, PUE_METRICS_TEXT), want[200];

	snprintf(want, sizeof(want),
		 "pued_info{site=\"Hall \\\"A\\\" \\\\ east\\nline 2\",version=\"%s\"} 1",
		 pue_version());
	assert_line(t, want);
	free(t);
}

static void
test_metrics_openmetrics_names_counters_without_total(void **state)
{
	char *t = render(state, PUE_METRICS_OPENMETRICS);
	size_t n = strlen(t);

	assert_true(n > 6 && strcmp(t + n - 6, "# EOF\n") == 0);
	assert_line(t, "# TYPE pued_facility_energy_joules counter");
	assert_line(t, "pued_facility_energy_joules_total 57600000");
	assert_line(t, "# TYPE pued info");
	assert_null(strstr(t, "# TYPE pued_facility_energy_joules_total"));
	assert_line(t, "# TYPE pued_device_poll_duration_seconds histogram");
	free(t);
}

/* Each sample's family was announced by the last TYPE line, so a family's
 * samples are contiguous (OpenMetrics requires it). */
static void
check_grouping(char *t, bool om)
{
	char family[128] = "", *line, *save = NULL, *sp;
	size_t n;

	for (line = strtok_r(t, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# TYPE ", 7) == 0) {
			sp = strchr(line + 7, ' ');
			assert_non_null(sp);
			snprintf(family, sizeof(family), "%.*s", (int)(sp - line - 7), line + 7);
			if (om && strcmp(family, "pued") == 0)
				snprintf(family, sizeof(family), "pued_info");
			continue;
		}
		if (line[0] == '#')
			continue;
		n = strlen(family);
		if (strncmp(line, family, n) != 0 ||
		    (line[n] != '{' && line[n] != ' ' && line[n] != '_'))
			fail_msg("sample outside its family %s: %s", family, line);
	}
}

static void
test_metrics_samples_follow_their_family(void **state)
{
	char *t = render(state, PUE_METRICS_TEXT);

	check_grouping(t, false);
	free(t);
	t = render(state, PUE_METRICS_OPENMETRICS);
	check_grouping(t, true);
	free(t);
}

static void
test_metrics_negotiate_follows_accept(void **state)
{
	(void)state;
	/* Prometheus 2.42's own header */
	assert_int_equal(
		pue_metrics_format_negotiate("application/openmetrics-text;version=1.0.0,"
					     "application/openmetrics-text;version=0.0.1;q=0.75,"
					     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
		PUE_METRICS_OPENMETRICS);
	assert_int_equal(pue_metrics_format_negotiate(NULL), PUE_METRICS_TEXT);
	assert_int_equal(pue_metrics_format_negotiate("*/*"), PUE_METRICS_TEXT);
	assert_int_equal(pue_metrics_format_negotiate("text/plain"), PUE_METRICS_TEXT);
	assert_int_equal(pue_metrics_format_negotiate("Application/OpenMetrics-Text"),
			 PUE_METRICS_OPENMETRICS);
	assert_int_equal(
		pue_metrics_format_negotiate("application/openmetrics-text;q=0, text/plain"),
		PUE_METRICS_TEXT);
	assert_int_equal(
		pue_metrics_format_negotiate("text/plain, application/openmetrics-text; q=0.5"),
		PUE_METRICS_TEXT);
	assert_int_equal(pue_metrics_format_negotiate("application/openmetrics-text;q=junk"),
			 PUE_METRICS_TEXT);
	assert_string_equal(pue_metrics_format_content_type(PUE_METRICS_OPENMETRICS),
			    "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

/* A reader's snapshot stays whole after the slot moves on. */
static void
test_snapshot_slot_keeps_a_taken_snapshot_alive(void **state)
{
	struct fixture *fx = *state;
	struct pue_snapshot_slot slot;
	struct pue_snapshot *b, *got;
	struct pue_err err;

	pue_snapshot_slot_init(&slot);
	assert_null(pue_snapshot_slot_get(&slot));
	pue_snapshot_slot_set(&slot, pue_snapshot_ref(fx->s));
	got = pue_snapshot_slot_get(&slot);
	assert_ptr_equal(got, fx->s);
	b = pue_snapshot_new(fx->cfg, 0, &err);
	assert_non_null(b);
	pue_snapshot_slot_set(&slot, b);
	assert_int_equal(got->windows[0].f.facility, 240);
	pue_snapshot_unref(got);
	got = pue_snapshot_slot_get(&slot);
	assert_ptr_equal(got, b);
	assert_int_equal(got->windows[0].f.state, PUE_FIG_UNKNOWN);
	pue_snapshot_unref(got);
	pue_snapshot_slot_destroy(&slot); /* frees b (ASan checks) */
}

static int renders;

static struct pue_blob *
make_blob(const struct pue_snapshot *s, const void *arg)
{
	(void)s;
	renders++;
	return arg != NULL ? pue_blob_take(strdup("x"), 1, "text/plain") : NULL;
}

/* However many readers ask, a snapshot's rendering is made once; a failed
 * one is tried again. */
static void
test_snapshot_memo_renders_once(void **state)
{
	struct fixture *fx = *state;
	struct pue_blob *a, *b;

	renders = 0;
	assert_null(pue_snapshot_memo(fx->s, PUE_MEMO_METRICS_TEXT, make_blob, NULL));
	a = pue_snapshot_memo(fx->s, PUE_MEMO_METRICS_TEXT, make_blob, "");
	b = pue_snapshot_memo(fx->s, PUE_MEMO_METRICS_TEXT, make_blob, "");
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(renders, 2);
	pue_blob_unref(a);
	pue_blob_unref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metrics_text_golden_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_metrics_omit_a_pue_the_coverage_does_not_support, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_escape_label_values, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_metrics_openmetrics_names_counters_without_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_samples_follow_their_family, setup,
						teardown),
		cmocka_unit_test(test_metrics_negotiate_follows_accept),
		cmocka_unit_test_setup_teardown(test_snapshot_slot_keeps_a_taken_snapshot_alive,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_memo_renders_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
