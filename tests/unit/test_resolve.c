/* SPDX-License-Identifier: MIT */
/* test_resolve.c - host names resolved off the loop (resolve.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/clock.h"
#include "util/loop.h"
#include "util/resolve.h"

struct result {
	struct pue_loop *loop;
	int calls;
	char numeric[PUE_ADDR_MAX];
	char error[400];
};

static void
on_result(void *arg, const char *numeric, const char *error)
{
	struct result *r = arg;

	r->calls++;
	if (numeric != NULL)
		strncpy(r->numeric, numeric, sizeof(r->numeric) - 1);
	if (error != NULL)
		strncpy(r->error, error, sizeof(r->error) - 1);
	pue_loop_stop(r->loop);
}

static void
on_deadline(void *arg)
{
	pue_loop_stop(arg);
}

static void
test_resolve_numeric_hosts_need_no_lookup(void **state)
{
	(void)state;
	assert_true(pue_resolve_host_is_numeric("127.0.0.1"));
	assert_true(pue_resolve_host_is_numeric("::1"));
	assert_true(pue_resolve_host_is_numeric("fd00::17"));
	assert_false(pue_resolve_host_is_numeric("localhost"));
	assert_false(pue_resolve_host_is_numeric("ups-a.example"));
	assert_false(pue_resolve_host_is_numeric("127.0.0.256"));
}

static void
test_resolve_on_the_loop(void **state)
{
	struct pue_clock *clock = pue_clock_new_system();
	struct pue_err err;
	struct pue_loop *loop = pue_loop_new(clock, &err);
	struct result r = {.loop = loop};
	struct pue_lookup *l;

	(void)state;
	assert_non_null(loop);
	/* A numeric name takes the whole path (thread, eventfd, callback)
	 * without depending on the machine's hosts file or DNS. */
	l = pue_resolve_start(loop, "127.0.0.1", on_result, &r, &err);
	assert_non_null(l);
	/* bounded: /etc/hosts answers at once, but never wait for ever */
	pue_loop_add_timer(loop, pue_mono_add_ms(pue_clock_mono(clock), 10000), on_deadline, loop);
	assert_int_equal(pue_loop_run(loop), 0);
	assert_int_equal(r.calls, 1);
	assert_string_equal(r.numeric, "127.0.0.1");
	pue_loop_free(loop);
	pue_clock_free(clock);
}

static void
test_resolve_failure_names_the_host(void **state)
{
	struct pue_clock *clock = pue_clock_new_system();
	struct pue_err err;
	struct pue_loop *loop = pue_loop_new(clock, &err);
	struct result r = {.loop = loop};

	(void)state;
	/* an empty name fails in getaddrinfo() itself, asking nobody */
	assert_non_null(pue_resolve_start(loop, "", on_result, &r, &err));
	pue_loop_add_timer(loop, pue_mono_add_ms(pue_clock_mono(clock), 10000), on_deadline, loop);
	assert_int_equal(pue_loop_run(loop), 0);
	assert_int_equal(r.calls, 1);
	assert_string_equal(r.numeric, "");
	assert_non_null(strstr(r.error, "cannot resolve"));
	pue_loop_free(loop);
	pue_clock_free(clock);
}

static void
test_resolve_cancelled_lookup_never_calls_back(void **state)
{
	struct pue_clock *clock = pue_clock_new_system();
	struct pue_err err;
	struct pue_loop *loop = pue_loop_new(clock, &err);
	struct result r = {.loop = loop};
	int i;

	(void)state;
	/* Cancelled at once, while the threads may still run: they finish and
	 * free their lookups (ASan's leak check sees any that does not). */
	for (i = 0; i < 20; i++)
		pue_resolve_cancel(pue_resolve_start(loop, "127.0.0.1", on_result, &r, &err));
	pue_loop_add_timer(loop, pue_mono_add_ms(pue_clock_mono(clock), 300), on_deadline, loop);
	assert_int_equal(pue_loop_run(loop), 0);
	assert_int_equal(r.calls, 0);
	pue_loop_free(loop);
	pue_clock_free(clock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_numeric_hosts_need_no_lookup),
		cmocka_unit_test(test_resolve_on_the_loop),
		cmocka_unit_test(test_resolve_failure_names_the_host),
		cmocka_unit_test(test_resolve_cancelled_lookup_never_calls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
