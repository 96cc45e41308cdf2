/* SPDX-License-Identifier: MIT */
/*
 * test_alert_sink.c - a notification as the inform queue keeps it
 * (alert_sink.h): everything PUE.md asks a notification to carry survives
 * the round trip, a figure that has no number stays without one, and a
 * malformed queue entry is refused rather than sent half-read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alerts/alert_sink.h"

static struct pue_notification
sample(void)
{
	struct pue_notification n = {
		.incident = 12,
		.rule = PUE_RULE_PUE_CEILING,
		.severity = PUE_SEV_CRITICAL,
		.t_ms = 1767225600123LL,
		.has_pue = true,
		.pue_milli = 1262,
		.ceiling_milli = 1250,
		.coverage = 0.998,
		.category = 2,
		.year_ok = true,
		.year_projected_milli = 1247,
		.year_headroom_kwh = 22800,
	};

	snprintf(n.key, sizeof(n.key), "pue_ceiling:24h");
	snprintf(n.subject, sizeof(n.subject), "24h");
	snprintf(n.site, sizeof(n.site), "Qingpu DC1");
	snprintf(n.window, sizeof(n.window), "24h");
	snprintf(n.pue_text, sizeof(n.pue_text), "1.262");
	snprintf(n.message, sizeof(n.message), "24h PUE 1.262 above the ceiling 1.25");
	return n;
}

static void
test_notification_round_trips_through_json(void **state)
{
	struct pue_notification n = sample(), back;
	json_t *j = pue_alert_notification_json(&n);

	(void)state;
	assert_non_null(j);
	assert_int_equal(pue_alert_notification_from_json(j, &back), 0);
	json_decref(j);
	assert_int_equal(back.incident, 12);
	assert_int_equal(back.rule, PUE_RULE_PUE_CEILING);
	assert_int_equal(back.severity, PUE_SEV_CRITICAL);
	assert_false(back.resolved);
	assert_int_equal(back.t_ms, n.t_ms);
	assert_string_equal(back.site, "Qingpu DC1");
	assert_string_equal(back.window, "24h");
	assert_true(back.has_pue);
	assert_int_equal(back.pue_milli, 1262);
	assert_string_equal(back.pue_text, "1.262");
	assert_int_equal(back.ceiling_milli, 1250);
	assert_true(back.coverage > 0.9979 && back.coverage < 0.9981);
	assert_int_equal(back.category, 2);
	assert_true(back.year_ok);
	assert_int_equal(back.year_projected_milli, 1247);
	assert_int_equal(back.year_headroom_kwh, 22800);
	assert_string_equal(back.message, n.message);
}

static void
test_notification_without_a_figure_stays_without_one(void **state)
{
	struct pue_notification n = sample(), back;
	json_t *j;

	(void)state;
	n.has_pue = false;
	n.year_ok = false;
	n.resolved = true;
	snprintf(n.pue_text, sizeof(n.pue_text), "insufficient data (coverage 40.2%%)");
	j = pue_alert_notification_json(&n);
	assert_true(json_is_null(json_object_get(j, "pue_milli")));
	assert_int_equal(pue_alert_notification_from_json(j, &back), 0);
	json_decref(j);
	assert_false(back.has_pue);
	assert_false(back.year_ok);
	assert_true(back.resolved);
	assert_string_equal(back.pue_text, "insufficient data (coverage 40.2%)");
}

static void
test_notification_malformed_json_is_refused(void **state)
{
	struct pue_notification back;
	json_t *j = json_pack("{s:s, s:s, s:s}", "rule", "no_such_rule", "severity", "critical",
			      "state", "firing");

	(void)state;
	assert_int_equal(pue_alert_notification_from_json(j, &back), -EINVAL);
	json_decref(j);
	j = json_pack("{s:s, s:s}", "rule", "pue_ceiling", "state", "firing");
	assert_int_equal(pue_alert_notification_from_json(j, &back), -EINVAL);
	json_decref(j);
	j = json_array();
	assert_int_equal(pue_alert_notification_from_json(j, &back), -EINVAL);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notification_round_trips_through_json),
		cmocka_unit_test(test_notification_without_a_figure_stays_without_one),
		cmocka_unit_test(test_notification_malformed_json_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
