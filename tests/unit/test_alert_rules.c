/* SPDX-License-Identifier: MIT */
/*
 * test_alert_rules.c - which alerts a configuration raises and what each
 * observes (alert_rules.h): insufficient coverage holds the PUE alerts
 * and raises its own, below one is a metering error, the year projects
 * with the same hysteresis (PUE.md worked example 8 stays clear), devices
 * and staleness, meter resets that resolve once quiet, storage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerts/alert_rules.h"

static struct pue_pue_conf
thresholds(void)
{
	return (struct pue_pue_conf){.ceiling = 1.25,
				     .warning = 1.22,
				     .hysteresis = 0.01,
				     .min_coverage = 0.95,
				     .alert_window_ms = 24 * 3600 * 1000LL,
				     .min_duration_ms = 15 * 60 * 1000LL};
}

static struct pue_figure
figure(enum pue_figure_state st, double pue, double coverage)
{
	return (struct pue_figure){.state = st, .pue = pue, .coverage = coverage};
}

static void
test_alert_defs_cover_windows_devices_and_points(void **state)
{
	struct pue_point_conf pts[] = {{.name = "power", .num.kind = PUE_KIND_POWER},
				       {.name = "energy", .num.kind = PUE_KIND_ENERGY}};
	struct pue_device_conf devs[] = {{.name = "ups-a", .points = pts, .n_points = 2},
					 {.name = "incomer", .points = pts, .n_points = 2}};
	int64_t windows[] = {15 * 60000LL, 24 * 3600000LL};
	struct pue_config cfg = {.devices = devs, .n_devices = 2};
	struct pue_alert_def *defs;
	ssize_t n, i;

	(void)state;
	cfg.pue = thresholds();
	cfg.pue.windows_ms = windows;
	cfg.pue.n_windows = 2;
	for (i = 0; i < PUE_RULE_COUNT; i++)
		cfg.alerts.rule_enabled[i] = true;
	/* 4 on the window, year, storage; per device down and stale; a reset
	 * alert for each energy point */
	n = pue_alert_rules_defs(&cfg, &defs);
	assert_int_equal(n, 6 + 2 * 2 + 2);
	assert_string_equal(defs[0].key, "pue_ceiling:24h");
	assert_string_equal(defs[3].key, "insufficient_data:24h");
	assert_string_equal(defs[4].key, "year_projection:year");
	assert_string_equal(defs[5].key, "storage_failing:storage");
	assert_string_equal(defs[6].key, "device_down:ups-a");
	assert_string_equal(defs[7].key, "data_stale:ups-a");
	assert_string_equal(defs[8].key, "meter_reset:ups-a/energy");
	assert_int_equal(defs[8].point, 1);
	assert_string_equal(defs[11].key, "meter_reset:incomer/energy");
	assert_string_equal(defs[11].subject, "incomer/energy");
	assert_string_equal(defs[0].subject, "24h");
	pue_alert_rules_defs_free(defs, (size_t)n);
	cfg.alerts.rule_enabled[PUE_RULE_DATA_STALE] = false;
	cfg.alerts.rule_enabled[PUE_RULE_PUE_WARNING] = false;
	n = pue_alert_rules_defs(&cfg, &defs);
	assert_int_equal(n, 12 - 2 - 1);
	for (i = 0; i < n; i++)
		assert_null(strstr(defs[i].key, "data_stale"));
	pue_alert_rules_defs_free(defs, (size_t)n);
}

static void
test_alert_insufficient_coverage_holds_pue_alerts_and_raises_its_own(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state firing = {.phase = PUE_ALERT_FIRING};
	struct pue_figure f = figure(PUE_FIG_INSUFFICIENT, 0, 0.402);
	char msg[300] = "";

	(void)state;
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_WARNING, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_INSUFFICIENT, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "24h window covered 40.2% of its time (95% needed): no figure");
	f = figure(PUE_FIG_CEILING, 1.262, 0.998);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_INSUFFICIENT, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
}

static void
test_alert_ceiling_message_carries_figure_category_coverage(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state ok = {0};
	struct pue_figure f = figure(PUE_FIG_CEILING, 1.262, 0.998);
	char msg[300];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &ok, &f, 2, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg,
			    "24h PUE 1.262 above the ceiling 1.25 (category 2, coverage 99.8%)");
	f = figure(PUE_FIG_WARNING, 1.23, 1);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &ok, &f, 2, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_WARNING, &ok, &f, 2, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
}

static void
test_alert_below_one_is_a_metering_error(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state firing = {.phase = PUE_ALERT_FIRING};
	struct pue_figure f = figure(PUE_FIG_BELOW_ONE, 0.875, 1); /* PUE.md example 7 */
	char msg[300];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_BELOW_ONE, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_non_null(strstr(msg, "0.875 is below 1.0: a metering or configuration error"));
	/* and it neither clears nor fires a ceiling alert: a metering error
	 * says nothing about the facility being under the ceiling */
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	f = figure(PUE_FIG_NO_IT_LOAD, 0, 1);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_BELOW_ONE, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
}

/* PUE.md worked example 8: projected 1.2474, under the ceiling. */
static struct pue_year
example8_year(void)
{
	return (struct pue_year){.state = PUE_YEAR_OK,
				 .pue_projected = 1.2474,
				 .headroom_kwh = 22800,
				 .pue_required = 1.2270};
}

static void
test_alert_year_projection_uses_the_ceiling_and_hysteresis(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state ok = {0}, firing = {.phase = PUE_ALERT_FIRING};
	struct pue_year y = example8_year();
	char msg[300];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_year(&ok, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	assert_string_equal(msg, "the year is projected to end at PUE 1.2474, 22800 kWh under the "
				 "ceiling 1.25");
	/* ... but a firing projection alert stays until 1.24 */
	assert_int_equal(pue_alert_rules_observe_year(&firing, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	y.pue_projected = 1.3822;
	y.headroom_kwh = -1158000;
	y.pue_required = -0.0754;
	y.out_of_reach = true;
	assert_int_equal(pue_alert_rules_observe_year(&ok, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_non_null(strstr(msg, "over by 1158000 kWh"));
	assert_non_null(strstr(msg, "(out of reach)"));
	y.state = PUE_YEAR_INSUFFICIENT;
	assert_int_equal(pue_alert_rules_observe_year(&firing, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_int_equal(pue_alert_rules_observe_year(&firing, NULL, &pc, msg, sizeof(msg)),
			 PUE_OBS_HOLD);
}

/* The year's message is the alert's evidence too: a firing projection
 * alert inside the hysteresis band is not "above the ceiling" nor "over
 * by" a negative amount, and a projection at the line as judged (1.2504
 * is 1.250: not above) is not "-9 kWh under" it. */
static void
test_alert_year_messages_never_contradict_the_state(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state firing = {.phase = PUE_ALERT_FIRING}, ok = {0};
	struct pue_year y = example8_year(); /* while the alert still fires */
	char msg[300];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_year(&firing, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "the year is projected to end at PUE 1.2474, not above the "
				 "ceiling 1.25 but not yet at or below 1.24 (the hysteresis "
				 "0.01): the alert holds; 22800 kWh under the ceiling at the last "
				 "30 days' pace");
	/* at the line: not above as judged, yet a few kWh over at full precision */
	y.pue_projected = 1.2504;
	y.headroom_kwh = -3504;
	assert_int_equal(pue_alert_rules_observe_year(&ok, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	assert_string_equal(msg, "the year is projected to end at PUE 1.2504, not above the "
				 "ceiling 1.25 as judged (1.250); 3504 kWh over it at the last 30 "
				 "days' pace");
	assert_int_equal(pue_alert_rules_observe_year(&firing, &y, &pc, msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "the year is projected to end at PUE 1.2504, not above the "
				 "ceiling 1.25 but not yet at or below 1.24 (the hysteresis "
				 "0.01): the alert holds; 3504 kWh over the ceiling at the last "
				 "30 days' pace");
}

static void
test_alert_device_down_and_recovered(void **state)
{
	struct pue_health h = {.state = PUE_DEV_DOWN, .consecutive_failures = 3};
	char msg[300];

	(void)state;
	pue_errtext_set(&h.last_error, "no answer (timed out)");
	assert_int_equal(pue_alert_rules_observe_device(&h, "ups-a", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "device ups-a down after 3 failed polls: no answer (timed out)");
	h.state = PUE_DEV_DEGRADED;
	assert_int_equal(pue_alert_rules_observe_device(&h, "ups-a", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	h.state = PUE_DEV_UNKNOWN;
	assert_int_equal(pue_alert_rules_observe_device(&h, "ups-a", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_int_equal(pue_alert_rules_observe_device(NULL, "ups-a", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	pue_health_release(&h);
}

static void
test_alert_stale_counts_missed_polls_per_device(void **state)
{
	const char *names[] = {"power", "energy"};
	int64_t last[] = {100000, 104000};
	char msg[300];

	(void)state;
	/* 5 polls of 1 s allowed: at 106 s "power" is 6 s old */
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 0, 106000, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "device ups-a: no valid sample for 6 s (limit 5 s) from power");
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 0, 104500, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	/* down: device_down says it */
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 0, 206000, 5000, true,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	/* never read since a (re)start: no evidence either way until the
	 * limit, counted from the start, has passed (issue 15: a restart
	 * resolved a firing data_stale one second after it started) */
	last[0] = last[1] = 0;
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 200000, 204000, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_string_equal(msg, "device ups-a: waiting for its first samples since pued started");
	last[0] = 203000; /* one point answered, the other not yet */
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 200000, 204000, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	last[1] = 203500; /* both: fresh evidence */
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 200000, 204000, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	last[0] = last[1] = 0;
	assert_int_equal(pue_alert_rules_observe_stale(last, names, 2, 200000, 206000, 5000, false,
						       "ups-a", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg,
			    "device ups-a: no valid sample for 6 s (limit 5 s) from power, energy");
}

/* A held alert's message says why it holds, with the figure that decided:
 * never "above" a level the figure is not above (issue 15, item 4). */
static void
test_alert_window_messages_never_contradict_the_state(void **state)
{
	struct pue_pue_conf pc = {.ceiling = 1.25, .warning = 1.22, .hysteresis = 0.01};
	struct pue_alert_state firing = {.phase = PUE_ALERT_FIRING};
	struct pue_figure f = {.state = PUE_FIG_OK, .pue = 1.211, .coverage = 1};
	char msg[300];

	(void)state;
	/* inside the band: holds, and says it is not above */
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_WARNING, &firing, &f, 1, &pc,
							"1m", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "1m PUE 1.211, not above the warning level 1.22 but not yet at "
				 "or below 1.21 (the hysteresis 0.01): the alert holds (category "
				 "1, coverage 100.0%)");
	/* below 1: the ceiling alert holds and says why, with today's figure */
	f = (struct pue_figure){.state = PUE_FIG_BELOW_ONE, .pue = 0.928, .coverage = 1};
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &firing, &f, 1, &pc,
							"1m", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_string_equal(msg, "1m PUE 0.928 is below 1.0, a metering error (its own alert): "
				 "no evidence either way against the ceiling 1.25; this alert "
				 "holds");
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_BELOW_ONE, &firing, &f, 1, &pc,
							"1m", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
}

static void
test_alert_meter_reset_resolves_once_quiet(void **state)
{
	(void)state;
	assert_int_equal(pue_alert_rules_observe_event(0, 1000, 60000), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_rules_observe_event(1000, 1000, 60000), PUE_OBS_ACTIVE);
	assert_int_equal(pue_alert_rules_observe_event(1000, 60999, 60000), PUE_OBS_ACTIVE);
	assert_int_equal(pue_alert_rules_observe_event(1000, 61000, 60000), PUE_OBS_CLEAR);
}

static void
test_alert_storage_failing(void **state)
{
	char msg[300];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_storage(
				 true, "store: write: database or disk is full", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "the database cannot be written: store: write: database or disk "
				 "is full");
	assert_int_equal(pue_alert_rules_observe_storage(false, "", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
}

static void
test_alert_min_duration_applies_to_pue_rules_only(void **state)
{
	struct pue_pue_conf pc = thresholds();

	(void)state;
	assert_int_equal(pue_alert_rules_min_duration(PUE_RULE_PUE_CEILING, &pc), 15 * 60000);
	assert_int_equal(pue_alert_rules_min_duration(PUE_RULE_YEAR_PROJECTION, &pc), 15 * 60000);
	assert_int_equal(pue_alert_rules_min_duration(PUE_RULE_DEVICE_DOWN, &pc), 0);
	assert_int_equal(pue_alert_rules_min_duration(PUE_RULE_STORAGE, &pc), 0);
}

static void
test_alert_pue_text_never_a_number_without_coverage(void **state)
{
	struct pue_figure f = figure(PUE_FIG_INSUFFICIENT, 1.2, 0.933);
	char buf[64];

	(void)state;
	pue_alert_rules_pue_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "insufficient data (coverage 93.3%)");
	f = figure(PUE_FIG_OK, 1.2004, 1);
	pue_alert_rules_pue_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "1.200");
	f = figure(PUE_FIG_NO_IT_LOAD, 0, 1);
	pue_alert_rules_pue_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "undefined: no IT load");
}

/* Coverage is judged at full precision against min_coverage: a window at
 * 94.96% has no figure, and its evidence must not say it covered 95.0%
 * of its time when 95% were needed. Shown to 0.1%, it is cut, never
 * rounded up to a threshold it misses. */
static void
test_alert_coverage_shown_never_reaches_a_threshold_it_misses(void **state)
{
	struct pue_pue_conf pc = thresholds();
	struct pue_alert_state ok = {0}, firing = {.phase = PUE_ALERT_FIRING};
	struct pue_figure f = figure(PUE_FIG_INSUFFICIENT, 0, 0.9496);
	char msg[300], buf[64];

	(void)state;
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_INSUFFICIENT, &ok, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_ACTIVE);
	assert_string_equal(msg, "24h window covered 94.9% of its time (95% needed): no figure");
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_PUE_CEILING, &firing, &f, 1, &pc,
							"24h", msg, sizeof(msg)),
			 PUE_OBS_HOLD);
	assert_non_null(strstr(msg, "(coverage 94.9%)"));
	pue_alert_rules_pue_text(&f, buf, sizeof(buf));
	assert_string_equal(buf, "insufficient data (coverage 94.9%)");
	/* exactly at the threshold is enough, and shows as such */
	f = figure(PUE_FIG_OK, 1.2, 855000.0 / 900000.0);
	assert_int_equal(pue_alert_rules_observe_window(PUE_RULE_INSUFFICIENT, &firing, &f, 1, &pc,
							"15m", msg, sizeof(msg)),
			 PUE_OBS_CLEAR);
	assert_string_equal(msg, "15m window covered 95.0% of its time");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_defs_cover_windows_devices_and_points),
		cmocka_unit_test(
			test_alert_insufficient_coverage_holds_pue_alerts_and_raises_its_own),
		cmocka_unit_test(test_alert_ceiling_message_carries_figure_category_coverage),
		cmocka_unit_test(test_alert_below_one_is_a_metering_error),
		cmocka_unit_test(test_alert_year_projection_uses_the_ceiling_and_hysteresis),
		cmocka_unit_test(test_alert_year_messages_never_contradict_the_state),
		cmocka_unit_test(test_alert_device_down_and_recovered),
		cmocka_unit_test(test_alert_stale_counts_missed_polls_per_device),
		cmocka_unit_test(test_alert_window_messages_never_contradict_the_state),
		cmocka_unit_test(test_alert_meter_reset_resolves_once_quiet),
		cmocka_unit_test(test_alert_storage_failing),
		cmocka_unit_test(test_alert_min_duration_applies_to_pue_rules_only),
		cmocka_unit_test(test_alert_pue_text_never_a_number_without_coverage),
		cmocka_unit_test(test_alert_coverage_shown_never_reaches_a_threshold_it_misses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
