/* SPDX-License-Identifier: MIT */
/*
 * test_alert_state.c - an alert's life (alert_state.h): pending before the
 * minimum duration, one firing, one resolution at the level less the
 * hysteresis, a hold that neither fires nor clears, and PUE.md's promise
 * that a value oscillating around the ceiling gives one alert, not a storm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alerts/alert_state.h"

#define MIN_MS (60 * 1000LL)
#define T0 1767225600000LL

static void
test_alert_fires_once_after_min_duration_and_resolves_once(void **state)
{
	struct pue_alert_state s = {0};

	(void)state;
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 15 * MIN_MS),
			 PUE_CHANGE_PENDING);
	assert_int_equal(s.phase, PUE_ALERT_PENDING);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0 + 14 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_NONE);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0 + 15 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_FIRING);
	assert_int_equal(s.fired_ms, T0 + 15 * MIN_MS);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0 + 20 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_NONE);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_CLEAR, T0 + 30 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_RESOLVED);
	assert_int_equal(s.phase, PUE_ALERT_RESOLVED);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_CLEAR, T0 + 31 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_NONE);
	/* A new episode starts pending again. */
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0 + 40 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_PENDING);
}

static void
test_alert_pending_that_clears_never_fires(void **state)
{
	struct pue_alert_state s = {0};

	(void)state;
	pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 15 * MIN_MS);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_CLEAR, T0 + 5 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_CLEARED);
	assert_int_equal(s.phase, PUE_ALERT_OK);
	assert_int_equal(s.fired_ms, 0);
}

static void
test_alert_without_min_duration_fires_at_once(void **state)
{
	struct pue_alert_state s = {.phase = PUE_ALERT_RESOLVED, .fired_ms = T0 - MIN_MS};

	(void)state;
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 0), PUE_CHANGE_FIRING);
	assert_int_equal(s.phase, PUE_ALERT_FIRING);
}

static void
test_alert_hold_neither_fires_nor_clears(void **state)
{
	struct pue_alert_state s = {0};

	(void)state;
	pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 0);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_HOLD, T0 + 60 * MIN_MS, 0),
			 PUE_CHANGE_NONE);
	assert_int_equal(s.phase, PUE_ALERT_FIRING);
	s = (struct pue_alert_state){0};
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_HOLD, T0, 0), PUE_CHANGE_NONE);
	assert_int_equal(s.phase, PUE_ALERT_OK);
	pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 15 * MIN_MS);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_HOLD, T0 + 30 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_NONE);
	assert_int_equal(s.phase, PUE_ALERT_PENDING);
}

static void
test_alert_clock_going_back_counts_no_time(void **state)
{
	struct pue_alert_state s = {0};

	(void)state;
	pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0, 15 * MIN_MS);
	assert_int_equal(pue_alert_state_step(&s, PUE_OBS_ACTIVE, T0 - 60 * MIN_MS, 15 * MIN_MS),
			 PUE_CHANGE_NONE);
	assert_int_equal(s.phase, PUE_ALERT_PENDING);
}

static void
test_alert_level_clears_at_level_less_hysteresis(void **state)
{
	struct pue_alert_state ok = {0}, firing = {.phase = PUE_ALERT_FIRING};

	(void)state;
	/* PUE.md, "Judging a figure against the ceiling": levels are judged
	 * at the three decimals pued prints, rounded half-up. */
	assert_int_equal(pue_alert_state_level(&ok, 1.2505, 1.25, 0.01), PUE_OBS_ACTIVE);
	assert_int_equal(pue_alert_state_level(&ok, 1.2501, 1.25, 0.01), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_state_level(&ok, 1.25049, 1.25, 0.01), PUE_OBS_CLEAR);
	/* 1000/800 is 1.25 exactly: at the ceiling, not above it */
	assert_int_equal(pue_alert_state_level(&ok, 1000.0 / 800.0, 1.25, 0.01), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_state_level(&ok, 1.245, 1.25, 0.01), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_state_level(&firing, 1.245, 1.25, 0.01), PUE_OBS_ACTIVE);
	assert_int_equal(pue_alert_state_level(&firing, 1.2405, 1.25, 0.01), PUE_OBS_ACTIVE);
	/* 1.24049 shows 1.240: at level - hysteresis, which clears */
	assert_int_equal(pue_alert_state_level(&firing, 1.24049, 1.25, 0.01), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_state_level(&firing, 1.24, 1.25, 0.01), PUE_OBS_CLEAR);
	assert_int_equal(pue_alert_state_level(&firing, 0.9, 1.25, 0.01), PUE_OBS_CLEAR);
}

/* PUE.md, "Alerting on PUE": a value hovering at the level gives one alert.
 * Six hours of a PUE 1.25 +- 0.005 changing every five minutes, stepped
 * each minute: one firing, no resolution; then 1.20 resolves it once. */
static void
test_alert_oscillation_around_ceiling_gives_one_alert(void **state)
{
	struct pue_alert_state s = {0};
	int firings = 0, resolutions = 0, minute;

	(void)state;
	for (minute = 0; minute < 6 * 60; minute++) {
		double pue = (minute / 5) % 2 == 0 ? 1.255 : 1.245;
		enum pue_alert_change c =
			pue_alert_state_step(&s, pue_alert_state_level(&s, pue, 1.25, 0.01),
					     T0 + minute * MIN_MS, 5 * MIN_MS);

		firings += c == PUE_CHANGE_FIRING;
		resolutions += c == PUE_CHANGE_RESOLVED;
	}
	assert_int_equal(firings, 1);
	assert_int_equal(resolutions, 0);
	for (; minute < 7 * 60; minute++)
		resolutions += pue_alert_state_step(&s, pue_alert_state_level(&s, 1.20, 1.25, 0.01),
						    T0 + minute * MIN_MS,
						    5 * MIN_MS) == PUE_CHANGE_RESOLVED;
	assert_int_equal(resolutions, 1);
}

static void
test_alert_names_round_trip(void **state)
{
	(void)state;
	assert_string_equal(pue_alert_state_phase_name(PUE_ALERT_FIRING), "firing");
	assert_int_equal(pue_alert_state_phase_parse("resolved"), PUE_ALERT_RESOLVED);
	assert_int_equal(pue_alert_state_phase_parse("bogus"), -1);
	assert_string_equal(pue_alert_state_severity_name(PUE_SEV_CRITICAL), "critical");
	assert_int_equal(pue_alert_state_severity_parse("warning"), PUE_SEV_WARNING);
	assert_int_equal(pue_alert_state_severity_parse(""), -1);
	assert_string_equal(pue_config_text_alert_rule_name(PUE_RULE_YEAR_PROJECTION),
			    "year_projection");
	assert_string_equal(pue_config_text_alert_rule_name(PUE_RULE_COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_fires_once_after_min_duration_and_resolves_once),
		cmocka_unit_test(test_alert_pending_that_clears_never_fires),
		cmocka_unit_test(test_alert_without_min_duration_fires_at_once),
		cmocka_unit_test(test_alert_hold_neither_fires_nor_clears),
		cmocka_unit_test(test_alert_clock_going_back_counts_no_time),
		cmocka_unit_test(test_alert_level_clears_at_level_less_hysteresis),
		cmocka_unit_test(test_alert_oscillation_around_ceiling_gives_one_alert),
		cmocka_unit_test(test_alert_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
