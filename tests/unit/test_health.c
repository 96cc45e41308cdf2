/* SPDX-License-Identifier: MIT */
/* test_health.c - the polling schedule both pollers share: backoff while a
 * device is down, and overruns that skip ticks instead of bursting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "health.h"

static void
test_health_backoff_doubles_once_down_and_is_capped(void **state)
{
	struct pue_health h = {0};

	(void)state;
	h.consecutive_failures = PUE_DOWN_AFTER - 1;
	assert_int_equal(pue_health_interval_ms(&h, 1000), 1000);
	h.consecutive_failures = PUE_DOWN_AFTER;
	assert_int_equal(pue_health_interval_ms(&h, 1000), 2000);
	h.consecutive_failures = PUE_DOWN_AFTER + 2;
	assert_int_equal(pue_health_interval_ms(&h, 1000), 8000);
	h.consecutive_failures = PUE_DOWN_AFTER + 40;
	assert_int_equal(pue_health_interval_ms(&h, 1000), PUE_HEALTH_MAX_BACKOFF_MS);
	/* a device polled less often than the cap keeps its own interval */
	assert_int_equal(pue_health_interval_ms(&h, 300000), 300000);
}

static void
test_health_overrun_skips_missed_ticks_and_counts_them(void **state)
{
	struct pue_health h = {0};
	pue_mono_t deadline = {10 * 1000000000LL};

	(void)state;
	/* on time: one step, nothing skipped */
	pue_health_next_deadline(&h, &deadline, 1000, (pue_mono_t){10500000000LL});
	assert_true(deadline.ns == 11 * 1000000000LL);
	assert_int_equal(h.skipped, 0);
	/* 3.5 s late: the next deadline lies ahead, the three missed are counted */
	pue_health_next_deadline(&h, &deadline, 1000, (pue_mono_t){14500000000LL});
	assert_true(deadline.ns == 15 * 1000000000LL);
	assert_int_equal(h.skipped, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_backoff_doubles_once_down_and_is_capped),
		cmocka_unit_test(test_health_overrun_skips_missed_ticks_and_counts_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
