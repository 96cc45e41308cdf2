/* SPDX-License-Identifier: MIT */
/*
 * test_window.c - rolling windows over closed minutes, with nothing but
 * the numeric core: a ratio of energies, not a mean of ratios (PUE.md
 * worked example 2), hourly buckets beyond two days, and minutes that
 * leave the window.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/window.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z, a whole hour */
#define HOUR_MS 3600000LL

static void
add_minutes(struct pue_window *w, int64_t from, int n, double fac_kw, double it_kw)
{
	int i;

	for (i = 0; i < n; i++) {
		struct pue_minute m = {.start_ms = from + i * (int64_t)PUE_MINUTE_MS,
				       .facility_kwh = fac_kw / 60,
				       .it_kwh = it_kw / 60,
				       .covered_ms = PUE_MINUTE_MS};

		pue_window_add(w, &m);
	}
}

static void
test_window_example2_is_a_ratio_of_energies(void **state)
{
	struct pue_window *w = pue_window_new(2 * HOUR_MS);
	double f, it;
	int64_t covered, period;

	(void)state;
	assert_non_null(w);
	add_minutes(w, T0, 60, 1300, 1000);
	add_minutes(w, T0 + HOUR_MS, 60, 360, 200);
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_true(fabs(f - 1660) < 1e-9 && fabs(it - 1200) < 1e-9);
	assert_true(fabs(f / it - 1.38333) < 1e-5); /* not 1.55 */
	assert_int_equal(covered, 2 * HOUR_MS);
	assert_int_equal(period, 2 * HOUR_MS);
	/* one more hour: the first leaves the window */
	add_minutes(w, T0 + 2 * HOUR_MS, 60, 360, 200);
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_true(fabs(f - 720) < 1e-9 && fabs(it - 400) < 1e-9);
	pue_window_free(w);
}

static void
test_window_beyond_two_days_counts_whole_hours(void **state)
{
	struct pue_window *w = pue_window_new(7 * 24 * HOUR_MS);
	double f, it;
	int64_t covered, period;

	(void)state;
	assert_non_null(w);
	assert_null(pue_window_new(30000)); /* not a whole minute */
	add_minutes(w, T0, 90, 960, 800);
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_int_equal(covered, 90 * PUE_MINUTE_MS);
	/* hourly buckets: the period runs from the oldest bucket's whole hour */
	assert_int_equal(period, 7 * 24 * HOUR_MS + HOUR_MS / 2);
	assert_true(fabs(f / it - 1.2) < 1e-12);
	pue_window_clear(w);
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_true(f == 0 && it == 0 && covered == 0 && period == 0);
	assert_int_equal(pue_window_span_ms(w), 7 * 24 * HOUR_MS);
	pue_window_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_example2_is_a_ratio_of_energies),
		cmocka_unit_test(test_window_beyond_two_days_counts_whole_hours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
