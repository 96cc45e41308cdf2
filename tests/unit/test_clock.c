/* SPDX-License-Identifier: MIT */
/* test_clock.c - the stamps pued puts on its data when the wall clock
 * steps (clock.h, PUE.md "Restarts and clock steps"): they keep to the
 * monotonic clock, rejoin the wall clock by slewing 1 ms in 12, never go
 * back, and follow small corrections and huge steps at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/clock.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static void
test_a_step_forward_is_slewed_in_twelve_times_its_size(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});
	uint64_t n;
	int64_t last, behind;

	(void)state;
	pue_clock_absorb_steps(c);
	assert_int_equal(pue_clock_wall(c).ms, T0);
	pue_clock_advance(c, 1000);
	assert_int_equal(pue_clock_wall(c).ms, T0 + 1000);
	pue_clock_step_wall(c, 3600000); /* +1 h */
	assert_int_equal(pue_clock_wall(c).ms, T0 + 1000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(last, 3600000);
	assert_int_equal(behind, 3600000);
	/* a second later: 13/12 of a second has passed on the stamps */
	pue_clock_advance(c, 12000);
	assert_int_equal(pue_clock_wall(c).ms, T0 + 1000 + 13000);
	/* twelve hours later it has caught up, and follows the wall again */
	pue_clock_advance(c, 12 * 3600000);
	assert_int_equal(pue_clock_wall(c).ms, T0 + 1000 + 12000 + 12 * 3600000 + 3600000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(behind, 0);
	pue_clock_advance(c, 5);
	assert_int_equal(pue_clock_wall(c).ms, T0 + 1000 + 12000 + 13 * 3600000 + 5);
	pue_clock_free(c);
}

static void
test_a_step_back_never_moves_the_stamps_back(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});
	int64_t prev, now, i;
	uint64_t n;
	int64_t last, behind;

	(void)state;
	pue_clock_absorb_steps(c);
	prev = pue_clock_wall(c).ms;
	pue_clock_step_wall(c, -600000); /* -10 min */
	for (i = 0; i < 2 * 3600 + 1; i++) {
		pue_clock_advance(c, 1000);
		now = pue_clock_wall(c).ms;
		assert_true(now > prev);
		prev = now;
	}
	/* 10 min at 1 in 12 takes 2 h from the first stamp after the step (1 s
	 * in): it has rejoined the wall clock */
	assert_int_equal(prev, T0 - 600000 + 2 * 3600000 + 1000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(last, -600000);
	assert_int_equal(behind, 0);
	pue_clock_free(c);
}

/* The wall clock set back 10 min while pued was down: the stamps go on
 * from where they were and slew back, as after a step seen running, and
 * the step is told; a restart while they slew goes on without a step. */
static void
test_stamps_go_on_from_where_they_were(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});
	uint64_t n;
	int64_t last, behind;

	(void)state;
	pue_clock_absorb_steps(c);
	assert_true(pue_clock_go_on_from(c, T0 + 600000, -600000));
	assert_int_equal(pue_clock_wall(c).ms, T0 + 600000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(last, -600000);
	assert_int_equal(behind, -600000);
	pue_clock_advance(c, 12000); /* 11 ms of stamp for each 12 */
	assert_int_equal(pue_clock_wall(c).ms, T0 + 600000 + 11000);
	pue_clock_advance(c, 2 * 3600000);
	assert_int_equal(pue_clock_wall(c).ms, T0 + 12000 + 2 * 3600000);
	pue_clock_free(c);

	c = pue_clock_new_manual((pue_wall_t){T0});
	pue_clock_absorb_steps(c);
	assert_true(pue_clock_go_on_from(c, T0 + 5000, 0));
	assert_int_equal(pue_clock_wall(c).ms, T0 + 5000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 0);
	assert_false(pue_clock_go_on_from(c, T0 + 5000, 0)); /* already there */
	pue_clock_free(c);
}

/* A step measured across the downtime goes either way: the wall clock set
 * an hour forward while pued was down is slewed to, as running; one of
 * more than a day is counted and followed at once. */
static void
test_a_step_measured_while_down_is_slewed_or_followed(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});
	uint64_t n;
	int64_t last, behind;

	(void)state;
	pue_clock_absorb_steps(c);
	assert_true(pue_clock_go_on_from(c, T0 - 3600000, 3600000));
	assert_int_equal(pue_clock_wall(c).ms, T0 - 3600000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(last, 3600000);
	assert_int_equal(behind, 3600000);
	pue_clock_advance(c, 12000); /* 13 ms of stamp for each 12 */
	assert_int_equal(pue_clock_wall(c).ms, T0 - 3600000 + 13000);
	pue_clock_free(c);

	c = pue_clock_new_manual((pue_wall_t){T0});
	pue_clock_absorb_steps(c);
	assert_false(pue_clock_go_on_from(c, T0 + PUE_CLOCK_MAX_SLEW_MS + 2000,
					  -(PUE_CLOCK_MAX_SLEW_MS + 2000)));
	assert_int_equal(pue_clock_wall(c).ms, T0);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(last, -(PUE_CLOCK_MAX_SLEW_MS + 2000));
	assert_int_equal(behind, 0);
	pue_clock_free(c);
}

/* The system clock's boot: the unit's PUED_BOOT_ID (its ProcSubset=pid hides
 * /proc/sys), else the kernel's boot_id; a manual clock has none. */
static void
test_the_boot_id_comes_from_the_unit_or_the_kernel(void **state)
{
	struct pue_clock *c;
	char id[48], kernel[48] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	(void)state;
	if (f != NULL) {
		assert_non_null(fgets(kernel, sizeof(kernel), f));
		kernel[strcspn(kernel, "\n")] = '\0';
		fclose(f);
	}
	setenv(PUE_BOOT_ID_ENV, "0c3c2b1f-unit", 1);
	c = pue_clock_new_system();
	assert_true(pue_clock_boot_id(c, id, sizeof(id)));
	assert_string_equal(id, "0c3c2b1f-unit");
	pue_clock_free(c);
	unsetenv(PUE_BOOT_ID_ENV);
	c = pue_clock_new_system();
	assert_int_equal(pue_clock_boot_id(c, id, sizeof(id)), kernel[0] != '\0');
	if (kernel[0] != '\0')
		assert_string_equal(id, kernel);
	pue_clock_free(c);
	c = pue_clock_new_manual((pue_wall_t){T0});
	assert_false(pue_clock_boot_id(c, id, sizeof(id)));
	pue_clock_free(c);
}

static void
test_small_corrections_and_huge_steps_are_followed_at_once(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});
	uint64_t n;
	int64_t last, behind;

	(void)state;
	pue_clock_absorb_steps(c);
	(void)pue_clock_wall(c);
	pue_clock_step_wall(c, 900); /* under PUE_CLOCK_STEP_MS: not a step */
	assert_int_equal(pue_clock_wall(c).ms, T0 + 900);
	pue_clock_step_wall(c, 40LL * 365 * 86400000); /* a clock set from 1986 */
	assert_int_equal(pue_clock_wall(c).ms, T0 + 900 + 40LL * 365 * 86400000);
	pue_clock_steps(c, &n, &last, &behind);
	assert_int_equal(n, 1);
	assert_int_equal(behind, 0);
	pue_clock_free(c);
}

static void
test_without_the_absorber_the_wall_clock_is_raw(void **state)
{
	struct pue_clock *c = pue_clock_new_manual((pue_wall_t){T0});

	(void)state;
	pue_clock_step_wall(c, -600000);
	assert_int_equal(pue_clock_wall(c).ms, T0 - 600000);
	pue_clock_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_step_forward_is_slewed_in_twelve_times_its_size),
		cmocka_unit_test(test_a_step_back_never_moves_the_stamps_back),
		cmocka_unit_test(test_stamps_go_on_from_where_they_were),
		cmocka_unit_test(test_a_step_measured_while_down_is_slewed_or_followed),
		cmocka_unit_test(test_the_boot_id_comes_from_the_unit_or_the_kernel),
		cmocka_unit_test(test_small_corrections_and_huge_steps_are_followed_at_once),
		cmocka_unit_test(test_without_the_absorber_the_wall_clock_is_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
