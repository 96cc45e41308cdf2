/* SPDX-License-Identifier: MIT */
/*
 * test_combine.c - per-point intervals into PUE minutes, with nothing but
 * the numeric core: facility and IT summed over the SAME covered time
 * (PUE.md, "Coverage"), signed terms, and a minute closed once every input
 * reported past it.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/combine.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z, a whole minute */

struct closed {
	struct pue_minute m[4];
	size_t n;
};

static void
on_minute(void *arg, const struct pue_minute *m)
{
	struct closed *c = arg;

	assert_true(c->n < 4);
	c->m[c->n++] = *m;
}

/* Power kw through [from_s, to_s) after T0, as one interval. */
static struct pue_interval
flat(int64_t from_s, int64_t to_s, double kw)
{
	return (struct pue_interval){
		{T0 + from_s * 1000}, {T0 + to_s * 1000}, kw * (double)(to_s - from_s) / 3600.0};
}

static void
test_combine_gap_on_one_side_leaves_both_sides_out(void **state)
{
	/* Facility 960 kW all minute; IT 800 kW but for [20 s, 30 s): the
	 * minute covers 50 s, and both energies are over those 50 s only. */
	struct pue_term fac_t = {0, 0, +1}, it_t = {1, 0, +1};
	struct pue_sum fac = {&fac_t, 1}, it = {&it_t, 1};
	struct pue_combine *c = pue_combine_new(&fac, &it, (pue_wall_t){T0});
	struct closed out = {0};
	struct pue_interval a = flat(0, 60, 960), b1 = flat(0, 20, 800), b2 = flat(30, 60, 800);

	(void)state;
	assert_non_null(c);
	assert_int_equal(pue_combine_input(c, 0, 0), 0);
	assert_int_equal(pue_combine_input(c, 1, 0), 1);
	assert_int_equal(pue_combine_input(c, 2, 0), -1);
	assert_int_equal(pue_combine_add(c, 0, &a), 0);
	assert_int_equal(pue_combine_add(c, 1, &b1), 0);
	/* IT has not reported past the minute: it stays open */
	assert_int_equal(pue_combine_close(c, (pue_wall_t){T0 + 61000}, 5000, on_minute, &out), 0);
	assert_int_equal(pue_combine_add(c, 1, &b2), 0);
	assert_int_equal(pue_combine_close(c, (pue_wall_t){T0 + 61000}, 5000, on_minute, &out), 1);
	assert_int_equal(out.m[0].start_ms, T0);
	assert_int_equal(out.m[0].covered_ms, 50000);
	assert_true(fabs(out.m[0].facility_kwh - 960.0 * 50 / 3600) < 1e-9);
	assert_true(fabs(out.m[0].it_kwh - 800.0 * 50 / 3600) < 1e-9);
	assert_int_equal(pue_combine_done_until(c), T0 + 60000);
	pue_combine_free(c);
}

static void
test_combine_subtracted_term_and_grace(void **state)
{
	/* facility = incomer - a tenant feed; no IT report at all: after the
	 * grace period the minute closes uncovered, with no energy. */
	struct pue_term fac_t[2] = {{0, 0, +1}, {0, 1, -1}}, it_t = {1, 0, +1};
	struct pue_sum fac = {fac_t, 2}, it = {&it_t, 1};
	struct pue_combine *c = pue_combine_new(&fac, &it, (pue_wall_t){T0});
	struct closed out = {0};
	struct pue_interval in = flat(0, 60, 1000), tenant = flat(0, 60, 100);
	struct pue_live live;

	(void)state;
	assert_non_null(c);
	assert_int_equal(pue_combine_add(c, pue_combine_input(c, 0, 0), &in), 0);
	assert_int_equal(pue_combine_add(c, pue_combine_input(c, 0, 1), &tenant), 0);
	pue_combine_set_power(c, pue_combine_input(c, 0, 0), 1000, true, (pue_wall_t){T0 + 60000});
	pue_combine_set_power(c, pue_combine_input(c, 0, 1), 100, true, (pue_wall_t){T0 + 60000});
	/* IT has no power yet: the live figure is not fully covered */
	assert_int_equal(pue_combine_live(c, (pue_wall_t){T0 + 60000}, 3000, &live), 0);
	assert_true(live.coverage < 1);
	pue_combine_set_power(c, pue_combine_input(c, 1, 0), 720, true, (pue_wall_t){T0 + 60000});
	assert_int_equal(pue_combine_live(c, (pue_wall_t){T0 + 60000}, 3000, &live), 0);
	assert_true(live.facility_kw == 900 && live.it_kw == 720 && live.coverage == 1);
	assert_int_equal(pue_combine_close(c, (pue_wall_t){T0 + 64999}, 5000, on_minute, &out), 0);
	assert_int_equal(pue_combine_close(c, (pue_wall_t){T0 + 65000}, 5000, on_minute, &out), 1);
	assert_int_equal(out.m[0].covered_ms, 0);
	assert_true(out.m[0].facility_kwh == 0 && out.m[0].it_kwh == 0);
	pue_combine_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_combine_gap_on_one_side_leaves_both_sides_out),
		cmocka_unit_test(test_combine_subtracted_term_and_grace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
