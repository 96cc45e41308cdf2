/* SPDX-License-Identifier: MIT */
/*
 * test_window.c - rolling windows over closed minutes, with nothing but
 * the numeric core: a ratio of energies, not a mean of ratios (PUE.md
 * worked example 2), hourly buckets beyond two days, and minutes that
 * leave the window; every sequence of minutes (gaps, a minute that comes
 * again, old ones) against a model that adds up the minutes inside the
 * window's bounds one by one; sums that never drift below 0 and are
 * exactly 0 once nothing is left (awkward minutes, then zeros); and what a
 * bucket costs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/window.h"

#include "heap_in_use.h"

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

/* Straight from the definition: every minute accepted (ascending, the
 * newest may come again) whose bucket starts at or after the window's
 * start, and the period from that start to the newest minute's end. */
struct model {
	int64_t span_ms, bucket_ms, newest_end_ms;
	struct pue_minute *m;
	size_t n, cap;
};

static void
model_add(struct model *md, const struct pue_minute *m)
{
	if (m->start_ms + PUE_MINUTE_MS < md->newest_end_ms)
		return;
	if (md->n == md->cap) {
		md->cap = md->cap ? 2 * md->cap : 1024;
		md->m = realloc(md->m, md->cap * sizeof(*md->m));
		assert_non_null(md->m);
	}
	md->m[md->n++] = *m;
	if (m->start_ms + PUE_MINUTE_MS > md->newest_end_ms)
		md->newest_end_ms = m->start_ms + PUE_MINUTE_MS;
}

static void
model_sums(const struct model *md, double *f, double *it, int64_t *covered, int64_t *period)
{
	int64_t start = md->newest_end_ms - md->span_ms;
	size_t i;

	start -= start % md->bucket_ms;
	*f = *it = 0;
	*covered = *period = 0;
	if (md->newest_end_ms == 0)
		return;
	for (i = 0; i < md->n; i++) {
		if (md->m[i].start_ms < start)
			continue;
		*f += md->m[i].facility_kwh;
		*it += md->m[i].it_kwh;
		*covered += md->m[i].covered_ms;
	}
	*period = md->newest_end_ms - start;
}

/* A deterministic stream of pseudo-random numbers (xorshift64). */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
check_against_model(int64_t span_ms, int64_t bucket_ms, uint64_t seed, int steps)
{
	struct pue_window *w = pue_window_new(span_ms);
	struct model md = {.span_ms = span_ms, .bucket_ms = bucket_ms};
	int64_t t = T0;
	int k;

	assert_non_null(w);
	for (k = 0; k < steps; k++) {
		uint64_t r = next_random(&seed);
		struct pue_minute m = {.start_ms = t,
				       .facility_kwh = (double)(r % 1000) / 64,
				       .it_kwh = (double)(r / 1000 % 1000) / 64,
				       .covered_ms = (int64_t)(r / 1000000 % 61) * 1000};
		double f, it, mf, mit;
		int64_t covered, period, mcovered, mperiod;

		if (m.covered_ms == 0) /* no energy over no time */
			m.facility_kwh = m.it_kwh = 0;
		pue_window_add(w, &m);
		model_add(&md, &m);
		pue_window_sums(w, &f, &it, &covered, &period);
		model_sums(&md, &mf, &mit, &mcovered, &mperiod);
		assert_int_equal(covered, mcovered);
		assert_int_equal(period, mperiod);
		assert_true(covered <= period);
		/* sixty-fourths of a kWh: every sum is exact, running or not */
		assert_true(f == mf && it == mit);
		/* Mostly the next minute; sometimes the same one again, an old
		 * one, or a gap up to beyond the whole span (pued was down). */
		switch (next_random(&seed) % 16) {
		case 0:
			break;
		case 1:
			t -= 3 * PUE_MINUTE_MS;
			break;
		case 2:
			t += (int64_t)(next_random(&seed) %
				       (uint64_t)(span_ms / PUE_MINUTE_MS + 3)) *
			     PUE_MINUTE_MS;
			break;
		case 3:
			t += (int64_t)(next_random(&seed) % 90) * PUE_MINUTE_MS;
			break;
		default:
			t += PUE_MINUTE_MS;
		}
		if (t < md.newest_end_ms - 5 * PUE_MINUTE_MS)
			t = md.newest_end_ms;
	}
	free(md.m);
	pue_window_free(w);
}

static void
test_window_matches_the_minutes_inside_it(void **state)
{
	(void)state;
	check_against_model(15 * PUE_MINUTE_MS, PUE_MINUTE_MS, 1, 20000);
	check_against_model(HOUR_MS, PUE_MINUTE_MS, 2, 20000);
	check_against_model(24 * HOUR_MS, PUE_MINUTE_MS, 3, 20000);
	check_against_model(3 * 24 * HOUR_MS, HOUR_MS, 4, 40000);
	check_against_model(7 * 24 * HOUR_MS, HOUR_MS, 5, 40000);
}

/* Hourly buckets at the close of an hour's last minute: the window runs
 * from a whole hour span_ms back, and the hour before it is out. It was
 * counted until the next minute came: 169 hours of energy against a
 * 168-hour period, a coverage of 100.6%. */
static void
test_window_hourly_never_holds_more_than_its_period(void **state)
{
	struct pue_window *w = pue_window_new(7 * 24 * HOUR_MS);
	double f, it;
	int64_t covered, period;

	(void)state;
	add_minutes(w, T0, 8 * 24 * 60, 60, 60); /* 1 kWh a minute each */
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_int_equal(period, 7 * 24 * HOUR_MS);
	assert_int_equal(covered, 7 * 24 * HOUR_MS);
	assert_true(f == 7 * 24 * 60 && it == 7 * 24 * 60);
	add_minutes(w, T0 + 8 * 24 * HOUR_MS, 1, 60, 60);
	pue_window_sums(w, &f, &it, &covered, &period);
	assert_int_equal(period, 7 * 24 * HOUR_MS + PUE_MINUTE_MS);
	assert_int_equal(covered, 7 * 24 * HOUR_MS + PUE_MINUTE_MS);
	pue_window_free(w);
}

/* Energy is never negative (PUE.md), and a window whose minutes all hold
 * no IT energy holds exactly none. Minutes of awkward energies (0.1, 0.7,
 * 1/3 kWh: none exact in binary) come and leave, then the IT load drops to
 * 0 for longer than the window. A running sum kept by adding each minute
 * and subtracting it again on the way out drifted off the sum of what the
 * window held: the user saw "-0.0 kWh" in status, "it_kwh":-0 in JSON and
 * -6.39e-08 J in /metrics. Every sum, at every minute, is not below 0 and
 * once the zeros fill the window exactly 0 (+0, not -0). */
static void
check_zeros_sum_to_zero(int64_t span_ms, int minutes)
{
	static const double awkward[] = {0.1, 0.7,	1.0 / 3,    0.2 / 3,
					 2.9, 1e-3 / 7, 12.3456789, 0.3};
	const int n = (int)(sizeof(awkward) / sizeof(awkward[0]));
	struct pue_window *w = pue_window_new(span_ms);
	struct model md = {.span_ms = span_ms,
			   .bucket_ms = span_ms > 48 * HOUR_MS ? HOUR_MS : PUE_MINUTE_MS};
	int zeros = (int)(span_ms / PUE_MINUTE_MS) + 61, i;
	double f, it, mf, mit;
	int64_t covered, period, mcovered, mperiod;

	assert_non_null(w);
	for (i = 0; i < minutes + zeros; i++) {
		struct pue_minute m = {.start_ms = T0 + i * (int64_t)PUE_MINUTE_MS,
				       .facility_kwh = awkward[(i * 5 + 1) % n] * (1 + i % 3),
				       .it_kwh =
					       i < minutes ? awkward[(i * 3) % n] * (1 + i % 7) : 0,
				       .covered_ms = PUE_MINUTE_MS};

		pue_window_add(w, &m);
		model_add(&md, &m);
		pue_window_sums(w, &f, &it, &covered, &period);
		/* What it holds, added afresh (now and then: the model is slow). */
		if (i % 97 == 0 || i == minutes - 1) {
			model_sums(&md, &mf, &mit, &mcovered, &mperiod);
			assert_true(fabs(f - mf) <= 1e-12 * mf && fabs(it - mit) <= 1e-12 * mit);
			assert_int_equal(covered, mcovered);
		}
		if (f < 0 || it < 0 || signbit(f) || signbit(it))
			fail_msg("%lld-minute window, minute %d: facility %.17g, IT %.17g kWh",
				 (long long)(span_ms / PUE_MINUTE_MS), i, f, it);
	}
	assert_int_equal(covered, period);
	if (it != 0 || signbit(it))
		fail_msg("%lld-minute window after %d minutes of no IT load: IT %.17g kWh, not 0",
			 (long long)(span_ms / PUE_MINUTE_MS), zeros, it);
	free(md.m);
	pue_window_free(w);
}

static void
test_window_sums_of_nothing_are_exactly_zero(void **state)
{
	(void)state;
	check_zeros_sum_to_zero(15 * PUE_MINUTE_MS, 2000);
	check_zeros_sum_to_zero(HOUR_MS, 2000);
	check_zeros_sum_to_zero(24 * HOUR_MS, 5000);
	check_zeros_sum_to_zero(3 * 24 * HOUR_MS, 20000); /* hourly buckets */
}

/* A bucket is two energies and a covered time: a 365-day window (8761
 * hourly buckets, the largest by default and one per PUE and zone) costs
 * 20 bytes a bucket, not 32 with a start time in each. */
static void
test_window_bucket_costs_20_bytes(void **state)
{
	size_t before = heap_in_use(), cost;
	struct pue_window *w = pue_window_new(365 * 24 * HOUR_MS);

	(void)state;
	assert_non_null(w);
	cost = heap_in_use() - before;
	print_message("365-day window: %zu bytes (%.1f a bucket)\n", cost, (double)cost / 8761);
	assert_true(cost <= 8761 * 20 + 256);
	pue_window_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_example2_is_a_ratio_of_energies),
		cmocka_unit_test(test_window_beyond_two_days_counts_whole_hours),
		cmocka_unit_test(test_window_matches_the_minutes_inside_it),
		cmocka_unit_test(test_window_hourly_never_holds_more_than_its_period),
		cmocka_unit_test(test_window_sums_of_nothing_are_exactly_zero),
		cmocka_unit_test(test_window_bucket_costs_20_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
