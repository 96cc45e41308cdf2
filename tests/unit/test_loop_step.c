/* SPDX-License-Identifier: MIT */
/* test_loop_step.c - the loop on a stepped test clock (loop.h): timers run
 * in order, each at its own deadline; the clock stops at the target; it
 * does not move while a busy probe says work is out; a wall step leaves
 * the monotonic clock alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/clock.h"
#include "util/loop.h"

struct run {
	struct pue_loop *loop;
	struct pue_clock *clock;
	int64_t fired_at[16]; /* monotonic ms at which each timer ran */
	size_t n_fired;
	int busy_polls; /* busy() says "busy" this many more times */
	int64_t stop_at_ms;
};

static void
fired(void *arg)
{
	struct run *r = arg;

	r->fired_at[r->n_fired++] = pue_clock_mono(r->clock).ns / 1000000;
	if (r->n_fired == 1)
		r->busy_polls = 3; /* the first timer starts work that ends later */
}

static bool
busy(void *arg)
{
	struct run *r = arg;

	return r->busy_polls-- > 0;
}

/* Stops the loop once it has caught up (a real timer, so it runs while
 * the stepped clock stands). */
static void
check_caught_up(void *arg)
{
	struct run *r = arg;

	if (pue_loop_caught_up(r->loop)) {
		r->stop_at_ms = pue_clock_mono(r->clock).ns / 1000000;
		pue_loop_stop(r->loop);
		return;
	}
	pue_loop_add_real_timer(r->loop, pue_mono_add_ms(pue_clock_real(), 1), check_caught_up, r);
}

static void
test_stepped_loop_runs_timers_in_order_and_stops_at_the_target(void **state)
{
	char path[] = "/tmp/pued-test-clock.XXXXXX";
	struct run r = {0};
	struct pue_err err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pue_clock_file_init(path, (pue_wall_t){1767225600000}, &err), 0);
	assert_non_null(r.clock = pue_clock_new_stepped(path, &err));
	assert_true(pue_clock_is_stepped(r.clock));
	assert_int_equal(pue_clock_mono(r.clock).ns, 1000000000);
	assert_int_equal(pue_clock_wall(r.clock).ms, 1767225600000);
	assert_non_null(r.loop = pue_loop_new(r.clock, &err));
	assert_int_equal(pue_loop_add_busy(r.loop, busy, &r), 0);
	/* added out of order; two share a deadline; one lies past the target */
	pue_loop_add_timer(r.loop, (pue_mono_t){3000000000}, fired, &r);
	pue_loop_add_timer(r.loop, (pue_mono_t){1500000000}, fired, &r);
	pue_loop_add_timer(r.loop, (pue_mono_t){3000000000}, fired, &r);
	pue_loop_add_timer(r.loop, (pue_mono_t){9000000000}, fired, &r);
	assert_true(pue_loop_caught_up(r.loop));
	assert_int_equal(pue_loop_advance(r.loop, (pue_mono_t){5000000000}), 0);
	assert_false(pue_loop_caught_up(r.loop));
	pue_loop_add_real_timer(r.loop, pue_clock_real(), check_caught_up, &r);
	assert_int_equal(pue_loop_run(r.loop), 0);
	assert_int_equal(r.n_fired, 3);
	assert_int_equal(r.fired_at[0], 1500);
	assert_int_equal(r.fired_at[1], 3000);
	assert_int_equal(r.fired_at[2], 3000);
	assert_int_equal(r.stop_at_ms, 5000);
	assert_true(r.busy_polls < 0); /* the work was waited for */
	/* another process (pue-clock, pue-sim) reads the same time */
	{
		struct pue_clock *other = pue_clock_new_stepped(path, &err);

		assert_non_null(other);
		assert_int_equal(pue_clock_wall(other).ms, 1767225600000 + 4000);
		pue_clock_step_wall(other, -600000); /* an NTP step back 10 min */
		assert_int_equal(pue_clock_wall(r.clock).ms, 1767225600000 + 4000 - 600000);
		assert_int_equal(pue_clock_mono(r.clock).ns, 5000000000);
		pue_clock_free(other);
	}
	pue_loop_del_busy(r.loop, busy, &r);
	pue_loop_free(r.loop);
	pue_clock_free(r.clock);
	unlink(path);
}

static void
test_advance_is_refused_off_a_stepped_clock(void **state)
{
	struct pue_clock *c = pue_clock_new_system();
	struct pue_err err;
	struct pue_loop *l;

	(void)state;
	assert_non_null(l = pue_loop_new(c, &err));
	assert_int_equal(pue_loop_advance(l, (pue_mono_t){1}), -ENOTSUP);
	assert_true(pue_loop_caught_up(l));
	pue_loop_free(l);
	pue_clock_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stepped_loop_runs_timers_in_order_and_stops_at_the_target),
		cmocka_unit_test(test_advance_is_refused_off_a_stepped_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
