/* SPDX-License-Identifier: MIT */
/* test_year.c - the reporting year: PUE.md worked example 8 and its rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/year.h"

/* Example 8: IT 1000 kW steady (24,000 kWh a day); days 1-200 at 1.27,
 * days 201-230 at 1.22; now the end of day 230, R = 135. */
static struct pue_year_input
example8(void)
{
	return (struct pue_year_input){
		.facility_ytd_kwh = 200 * 24000 * 1.27 + 30 * 24000 * 1.22,
		.it_ytd_kwh = 230 * 24000,
		.coverage_ytd = 1.0,
		.facility_pace_kwh = 24000 * 1.22,
		.it_pace_kwh = 24000,
		.pace_days = 30,
		.days_left = 135,
	};
}

static void
test_year_example8_projection_headroom_required(void **state)
{
	struct pue_year_input in = example8();
	struct pue_year y = pue_year_project(&in, 1.25, 0.95);

	(void)state;
	assert_int_equal(y.state, PUE_YEAR_OK);
	assert_true(fabs(in.facility_ytd_kwh - 6974400) < 1e-6);
	assert_true(fabs(y.pue_ytd - 1.2635) < 5e-5);
	assert_true(fabs(y.facility_projected_kwh - 10927200) < 1e-6);
	assert_true(fabs(y.it_projected_kwh - 8760000) < 1e-6);
	assert_true(fabs(y.pue_projected - 1.2474) < 5e-5);
	assert_true(fabs(y.budget_kwh - 3975600) < 1e-6);
	assert_true(fabs(y.headroom_kwh - 22800) < 1e-6);
	assert_true(fabs(y.pue_required - 1.2270) < 5e-5);
	assert_false(y.out_of_reach);
}

static void
test_year_under_30_days_is_insufficient(void **state)
{
	struct pue_year_input in = example8();
	struct pue_year y;

	(void)state;
	in.pace_days = 29;
	y = pue_year_project(&in, 1.25, 0.95);
	assert_int_equal(y.state, PUE_YEAR_INSUFFICIENT);
	in = example8();
	in.coverage_ytd = 0.9;
	assert_int_equal(pue_year_project(&in, 1.25, 0.95).state, PUE_YEAR_INSUFFICIENT);
	in = example8();
	in.it_pace_kwh = 0;
	assert_int_equal(pue_year_project(&in, 1.25, 0.95).state, PUE_YEAR_INSUFFICIENT);
}

static void
test_year_required_at_or_below_one_is_out_of_reach(void **state)
{
	struct pue_year_input in = example8();
	struct pue_year y;

	(void)state;
	/* 300 days at 1.40 leave too little: the rest would need PUE <= 1.0 */
	in.facility_ytd_kwh = 300 * 24000 * 1.40;
	in.it_ytd_kwh = 300 * 24000;
	in.facility_pace_kwh = 24000 * 1.40;
	in.days_left = 65;
	y = pue_year_project(&in, 1.25, 0.95);
	assert_int_equal(y.state, PUE_YEAR_OK);
	assert_true(y.pue_required <= 1.0);
	assert_true(y.out_of_reach);
	assert_true(y.headroom_kwh < 0);
}

static void
test_year_at_its_end_projection_is_ytd(void **state)
{
	struct pue_year_input in = example8();
	struct pue_year y;

	(void)state;
	in.days_left = 0;
	y = pue_year_project(&in, 1.25, 0.95);
	assert_true(fabs(y.pue_projected - y.pue_ytd) < 1e-12);
	assert_true(y.out_of_reach); /* 1.2635 > 1.25 and no days left */
}

static void
test_year_below_one_is_no_figure(void **state)
{
	/* Example 8 with an IT feed counted twice: 0.63 is no good result. */
	struct pue_year_input in = example8();
	struct pue_year y;

	(void)state;
	in.it_ytd_kwh *= 2;
	in.it_pace_kwh *= 2;
	y = pue_year_project(&in, 1.25, 0.95);
	assert_int_equal(y.state, PUE_YEAR_BELOW_ONE);
	assert_non_null(y.why);
	assert_true(strstr(y.why, "metering") != NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_year_example8_projection_headroom_required),
		cmocka_unit_test(test_year_under_30_days_is_insufficient),
		cmocka_unit_test(test_year_required_at_or_below_one_is_out_of_reach),
		cmocka_unit_test(test_year_at_its_end_projection_is_ytd),
		cmocka_unit_test(test_year_below_one_is_no_figure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
