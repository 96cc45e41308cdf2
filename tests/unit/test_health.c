/* SPDX-License-Identifier: MIT */
/* test_health.c - the polling schedule both pollers share: backoff while a
 * device is down, overruns that skip ticks instead of bursting, and a
 * recovered device back on its interval from the probe that found it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/clock.h"
#include "poll/health.h"

#define INTERVAL_MS 1000

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

/* One tick as modbus_poll.c and snmp_poll.c run it, on a manual clock: the
 * timer fires at *deadline and steps the next deadline at once, the poll
 * takes latency_ms, its result is recorded, then pue_health_resume().
 * Returns what pue_health_resume() did; *at is the tick. */
static bool
tick(struct pue_health *h, struct pue_clock *c, pue_mono_t *deadline, bool answers,
     int64_t latency_ms, pue_mono_t *at)
{
	*at = *deadline;
	pue_clock_advance(c, pue_mono_diff_ms(*deadline, pue_clock_mono(c)));
	pue_health_next_deadline(h, deadline, pue_health_interval_ms(h, INTERVAL_MS),
				 pue_clock_mono(c));
	pue_clock_advance(c, latency_ms);
	if (answers)
		pue_health_success(h, "m", pue_clock_wall(c), latency_ms, 1, false, NULL);
	else
		pue_health_failure(h, "m", pue_clock_wall(c), pue_clock_mono(c), 1,
				   "no answer (timed out)");
	return pue_health_resume(h, deadline, INTERVAL_MS, pue_clock_mono(c));
}

static void
test_health_recovered_device_is_polled_one_interval_after_the_probe(void **state)
{
	/* up, 6 failures (the last three backing off 2, 4, 8 s), then a
	 * probe scheduled 16 s after the last one finds the meter again */
	static const bool answers[] = {true, false, false, false, false, false, false, true};
	static const int64_t gap_ms[] = {1000, 1000, 1000, 1000, 2000, 4000, 8000};
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){1700000000000});
	struct pue_health h = {0};
	pue_mono_t deadline = pue_clock_mono(c), at, prev = {0};
	size_t i, moved = 0;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		moved += tick(&h, c, &deadline, answers[i], 50, &at);
		if (i > 0)
			assert_int_equal(pue_mono_diff_ms(at, prev), gap_ms[i - 1]);
		prev = at;
	}
	assert_int_equal(h.state, PUE_DEV_UP);
	/* before the fix: at + 16000, and 16 s without a sample */
	assert_int_equal(pue_mono_diff_ms(deadline, at), INTERVAL_MS);
	assert_int_equal(moved, 1); /* only the recovering probe moved the schedule */
	for (i = 0; i < 3; i++) {
		assert_false(tick(&h, c, &deadline, true, 50, &at));
		assert_int_equal(pue_mono_diff_ms(at, prev), INTERVAL_MS);
		prev = at;
	}
	assert_int_equal(h.skipped, 0);
	pue_clock_free(c);
}

static void
test_health_slow_recovery_probe_skips_the_ticks_it_overran(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){1700000000000});
	struct pue_health h = {.ever_up = true};
	pue_mono_t deadline = pue_clock_mono(c), at;
	unsigned i;

	(void)state;
	for (i = 0; i < PUE_DOWN_AFTER + 3; i++)
		tick(&h, c, &deadline, false, 50, &at);
	assert_int_equal(h.state, PUE_DEV_DOWN);
	/* The probe's answer takes 2.5 intervals: the two ticks it overran
	 * are skipped and counted, as for any overrun, and the next poll is
	 * on the schedule of the probe's tick. */
	assert_true(tick(&h, c, &deadline, true, 2500, &at));
	assert_int_equal(pue_mono_diff_ms(deadline, at), 3 * INTERVAL_MS);
	assert_int_equal(h.skipped, 2);
	pue_clock_free(c);
}

/* Each poll that read something lands in the first bucket whose bound it
 * does not exceed (a bound is inclusive, as Prometheus' le is). */
static void
test_health_latency_histogram_buckets_are_inclusive(void **state)
{
	struct pue_health h = {0};
	pue_wall_t now = {1767225600000};

	(void)state;
	pue_health_success(&h, "m", now, 0, 1, false, NULL);
	pue_health_success(&h, "m", now, 1, 1, false, NULL);
	pue_health_success(&h, "m", now, 2, 1, false, NULL);
	pue_health_success(&h, "m", now, 3, 1, true, "partial");
	pue_health_success(&h, "m", now, 10000, 1, false, NULL);
	pue_health_success(&h, "m", now, 10001, 1, false, NULL);
	pue_health_failure(&h, "m", now, (pue_mono_t){0}, 1, "timeout");
	assert_int_equal(h.latency_count[0], 2);		       /* <= 1 ms */
	assert_int_equal(h.latency_count[1], 1);		       /* <= 2 ms */
	assert_int_equal(h.latency_count[2], 1);		       /* <= 5 ms */
	assert_int_equal(h.latency_count[PUE_LATENCY_BUCKETS - 1], 1); /* <= 10 s */
	assert_int_equal(h.latency_count[PUE_LATENCY_BUCKETS], 1);     /* above */
	assert_int_equal(h.latency_sum_ms, 20007);
	pue_health_release(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_backoff_doubles_once_down_and_is_capped),
		cmocka_unit_test(test_health_overrun_skips_missed_ticks_and_counts_them),
		cmocka_unit_test(
			test_health_recovered_device_is_polled_one_interval_after_the_probe),
		cmocka_unit_test(test_health_slow_recovery_probe_skips_the_ticks_it_overran),
		cmocka_unit_test(test_health_latency_histogram_buckets_are_inclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
