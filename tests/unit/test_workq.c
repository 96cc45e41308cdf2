/* SPDX-License-Identifier: MIT */
/*
 * test_workq.c - the worker pool grows while jobs wait and no worker is
 * idle, up to its maximum and never beyond; every job comes back; threads
 * beyond what a steady trickle of work needs stop.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/workq.h"

/* Jobs that block until released, counting how many run at once. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned running, most;
	bool open;
};

struct blocking_job {
	struct pue_job job; /* first */
	struct gate *gate;
};

static void
run_blocking(struct pue_job *job)
{
	struct gate *g = ((struct blocking_job *)job)->gate;

	pthread_mutex_lock(&g->lock);
	g->running++;
	if (g->running > g->most)
		g->most = g->running;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	g->running--;
	pthread_mutex_unlock(&g->lock);
}

/* Waits (at most 5 s) until n jobs run at once; returns how many do. */
static unsigned
wait_running(struct gate *g, unsigned n)
{
	struct timespec until;
	unsigned r;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&g->lock);
	while (g->running < n && pthread_cond_timedwait(&g->cond, &g->lock, &until) == 0)
		;
	r = g->running;
	pthread_mutex_unlock(&g->lock);
	return r;
}

static void
open_gate(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* Takes n finished jobs back, waiting on the eventfd (at most 5 s each). */
static void
take_all(struct pue_workq *q, unsigned n)
{
	struct pollfd p = {.fd = pue_workq_fd(q), .events = POLLIN};
	unsigned got = 0;

	while (got < n) {
		if (pue_workq_take_done(q) != NULL) {
			got++;
			continue;
		}
		assert_int_equal(poll(&p, 1, 5000), 1);
	}
}

static void
run_jobs(unsigned min, unsigned max, unsigned n_jobs, unsigned want_concurrent)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false};
	struct blocking_job jobs[8];
	struct pue_workq *q;
	struct pue_err err;
	unsigned i;

	assert_true(n_jobs <= 8);
	q = pue_workq_new(min, max, n_jobs, PUE_WORKQ_IDLE_MS, &err);
	assert_non_null(q);
	assert_int_equal(pue_workq_threads(q), min);
	for (i = 0; i < n_jobs; i++) {
		jobs[i] = (struct blocking_job){{run_blocking, NULL}, &g};
		assert_int_equal(pue_workq_submit(q, &jobs[i].job), 0);
	}
	assert_int_equal(wait_running(&g, want_concurrent), want_concurrent);
	open_gate(&g);
	take_all(q, n_jobs);
	assert_int_equal(g.most, want_concurrent);
	assert_true(pue_workq_threads(q) <= max);
	assert_int_equal(pue_workq_peak_threads(q), want_concurrent);
	pue_workq_free(q);
}

static void
test_workq_grows_so_every_blocked_job_has_a_thread(void **state)
{
	(void)state;
	run_jobs(1, 6, 6, 6); /* six dead links, six threads: none waits for another */
}

static void
test_workq_never_exceeds_its_maximum(void **state)
{
	(void)state;
	run_jobs(1, 2, 5, 2); /* the rest wait their turn, and all come back */
}

static void
test_workq_refuses_more_than_max_queued(void **state)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false};
	struct blocking_job jobs[3];
	struct pue_workq *q;
	struct pue_err err;
	unsigned i;

	(void)state;
	q = pue_workq_new(1, 1, 1, PUE_WORKQ_IDLE_MS, &err);
	assert_non_null(q);
	for (i = 0; i < 3; i++)
		jobs[i] = (struct blocking_job){{run_blocking, NULL}, &g};
	assert_int_equal(pue_workq_submit(q, &jobs[0].job), 0);
	assert_int_equal(wait_running(&g, 1), 1); /* running, so no longer queued */
	assert_int_equal(pue_workq_submit(q, &jobs[1].job), 0);
	assert_int_equal(pue_workq_submit(q, &jobs[2].job), -EAGAIN);
	open_gate(&g);
	take_all(q, 2);
	pue_workq_free(q);
}

static void
test_workq_extra_threads_stop_when_idle_and_are_joined(void **state)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false};
	struct blocking_job jobs[4];
	struct timespec pause = {0, 20 * 1000000};
	struct pue_workq *q;
	struct pue_err err;
	unsigned i, waited;

	(void)state;
	q = pue_workq_new(1, 4, 4, 50, &err); /* extra threads stop after 50 ms idle */
	assert_non_null(q);
	for (i = 0; i < 4; i++) {
		jobs[i] = (struct blocking_job){{run_blocking, NULL}, &g};
		assert_int_equal(pue_workq_submit(q, &jobs[i].job), 0);
	}
	assert_int_equal(wait_running(&g, 4), 4);
	open_gate(&g);
	take_all(q, 4);
	for (waited = 0; pue_workq_threads(q) > 1 && waited < 5000; waited += 20)
		nanosleep(&pause, NULL);
	assert_int_equal(pue_workq_threads(q), 1); /* back to the minimum */
	/* The next submit joins the stopped threads, and work still runs. */
	g.open = false;
	jobs[0] = (struct blocking_job){{run_blocking, NULL}, &g};
	assert_int_equal(pue_workq_submit(q, &jobs[0].job), 0);
	assert_int_equal(wait_running(&g, 1), 1);
	open_gate(&g);
	take_all(q, 1);
	assert_int_equal(pue_workq_peak_threads(q), 4);
	pue_workq_free(q);
}

static void
run_quick(struct pue_job *job)
{
	(void)job;
}

/* After a burst grew the pool to 4, work goes on at one short job every
 * 10 ms: one thread is enough, and the 3 others must stop after their
 * idle time (200 ms). Were idle threads woken in turn, each would get a
 * job every 40 ms and none would ever be idle that long: at 4000 meters
 * a start under load grew the pool to 509 threads, and it stayed there
 * (bench/campus.sh, issue 18). */
static void
test_workq_surplus_threads_stop_while_work_trickles_on(void **state)
{
	struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false};
	struct blocking_job jobs[4];
	struct pue_job quick = {run_quick, NULL};
	struct timespec pause = {0, 10 * 1000000};
	struct pue_workq *q;
	struct pue_err err;
	unsigned i, waited;

	(void)state;
	q = pue_workq_new(1, 4, 4, 200, &err);
	assert_non_null(q);
	for (i = 0; i < 4; i++) {
		jobs[i] = (struct blocking_job){{run_blocking, NULL}, &g};
		assert_int_equal(pue_workq_submit(q, &jobs[i].job), 0);
	}
	assert_int_equal(wait_running(&g, 4), 4);
	open_gate(&g);
	take_all(q, 4);
	for (waited = 0; pue_workq_threads(q) > 1 && waited < 5000; waited += 10) {
		assert_int_equal(pue_workq_submit(q, &quick), 0);
		take_all(q, 1);
		nanosleep(&pause, NULL);
	}
	assert_int_equal(pue_workq_threads(q), 1);
	pue_workq_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workq_grows_so_every_blocked_job_has_a_thread),
		cmocka_unit_test(test_workq_never_exceeds_its_maximum),
		cmocka_unit_test(test_workq_refuses_more_than_max_queued),
		cmocka_unit_test(test_workq_extra_threads_stop_when_idle_and_are_joined),
		cmocka_unit_test(test_workq_surplus_threads_stop_while_work_trickles_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
