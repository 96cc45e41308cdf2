/* SPDX-License-Identifier: MIT */
/*
 * workq.c - worker threads, a pending queue and a done list; see workq.h.
 *
 * Threads live in slots. A thread that stops for idleness marks its slot
 * EXITED and returns; the main thread joins it at the next submit (or at
 * free), so no thread is ever detached and a leak checker sees every one
 * joined. Counts change under the one lock.
 *
 * Idle threads wait on a stack, each on its own condition variable, and a
 * job wakes the one that went idle last: work that one thread can carry
 * keeps that thread busy, and the others idle out. Woken in turn (one
 * shared condition variable), every thread of a pool that a burst grew got
 * a job now and then and none ever stopped: at 4000 meters a start under
 * load grew the pool to 509 threads for good (bench/campus.sh, issue 18).
 */
#include "util/workq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* libmodbus and getaddrinfo need little stack; 1000 threads of the default
 * 8 MiB would reserve 8 GiB of address space for nothing. */
#define STACK_BYTES (512 * 1024)

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_EXITED };

struct slot {
	struct pue_workq *q;
	pthread_t tid;
	enum slot_state state;
	pthread_cond_t wake; /* on CLOCK_MONOTONIC, for the idle timeout */
	bool woken;	     /* taken off the idle stack for a job, or to stop */
};

struct pue_workq {
	pthread_mutex_t lock;
	struct pue_job *head, *tail; /* pending, FIFO */
	size_t n_pending, max_pending;
	struct pue_job *done; /* finished, LIFO (order does not matter) */
	bool stopping;
	int efd;
	struct slot *slots; /* max_threads of them */
	struct slot **idle; /* the idle stack: threads waiting for a job, the last on top */
	unsigned min_threads, max_threads;
	unsigned idle_ms;
	unsigned n_threads; /* RUNNING slots */
	unsigned n_exited;  /* EXITED slots, waiting to be joined */
	unsigned n_idle;    /* threads on the idle stack */
	unsigned peak;
};

/* Takes s off the idle stack, wherever it is (it idled out). */
static void
unstack(struct pue_workq *q, struct slot *s)
{
	unsigned i;

	for (i = 0; i < q->n_idle; i++)
		if (q->idle[i] == s) {
			memmove(&q->idle[i], &q->idle[i + 1],
				(q->n_idle - i - 1) * sizeof(*q->idle));
			q->n_idle--;
			return;
		}
}

/* Wakes the thread that went idle last, if any. Lock held. */
static void
wake_one(struct pue_workq *q)
{
	struct slot *s;

	if (q->n_idle == 0)
		return;
	s = q->idle[--q->n_idle];
	s->woken = true;
	pthread_cond_signal(&s->wake);
}

static void
deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Waits for a job under the lock, on top of the idle stack. Returns it,
 * or NULL when this thread should stop (the pool is stopping, or it idled
 * out above the minimum). */
static struct pue_job *
next_job(struct pue_workq *q, struct slot *s)
{
	struct timespec until;
	struct pue_job *job;
	bool idled_out = false;

	deadline_in(&until, (long)q->idle_ms);
	while (q->head == NULL && !q->stopping && !idled_out) {
		s->woken = false;
		q->idle[q->n_idle++] = s;
		while (!s->woken && !idled_out) {
			if (q->n_threads <= q->min_threads)
				pthread_cond_wait(&s->wake, &q->lock);
			else if (pthread_cond_timedwait(&s->wake, &q->lock, &until) == ETIMEDOUT)
				idled_out = !s->woken && q->n_threads > q->min_threads;
		}
		if (!s->woken)
			unstack(q, s);
		/* Woken for a job another thread took first: wait again. */
	}
	if (q->stopping || q->head == NULL)
		return NULL;
	job = q->head;
	q->head = job->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->n_pending--;
	return job;
}

static void *
worker(void *arg)
{
	struct slot *s = arg;
	struct pue_workq *q = s->q;
	struct pue_job *job;
	uint64_t one = 1;

	pthread_mutex_lock(&q->lock);
	while ((job = next_job(q, s)) != NULL) {
		pthread_mutex_unlock(&q->lock);
		job->run(job);
		pthread_mutex_lock(&q->lock);
		job->next = q->done;
		/* Only an empty list needs a wake-up: the loop drains the whole
		 * list on one, and reads the eventfd (under this lock) only when
		 * it finds the list empty. */
		if (q->done == NULL && write(q->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice */
		}
		q->done = job;
	}
	if (!q->stopping) { /* idled out: the main thread joins the slot */
		s->state = SLOT_EXITED;
		q->n_threads--;
		q->n_exited++;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Joins threads that stopped for idleness. Main thread, lock not held;
 * cheap when there are none (one locked read per submit). */
static void
reap(struct pue_workq *q)
{
	unsigned i, n;

	pthread_mutex_lock(&q->lock);
	n = q->n_exited;
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->max_threads && n > 0; i++) {
		bool exited;

		pthread_mutex_lock(&q->lock);
		exited = q->slots[i].state == SLOT_EXITED;
		pthread_mutex_unlock(&q->lock);
		if (!exited)
			continue;
		pthread_join(q->slots[i].tid, NULL);
		pthread_mutex_lock(&q->lock);
		q->slots[i].state = SLOT_FREE;
		q->n_exited--;
		pthread_mutex_unlock(&q->lock);
		n--;
	}
}

/* Starts one thread in a free slot. Called with the lock held. */
static int
spawn(struct pue_workq *q)
{
	pthread_attr_t attr;
	unsigned i;
	int rc;

	for (i = 0; i < q->max_threads; i++)
		if (q->slots[i].state == SLOT_FREE)
			break;
	if (i == q->max_threads)
		return -EAGAIN; /* every slot is running or waits to be joined */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	q->slots[i].q = q;
	q->slots[i].woken = false;
	rc = pthread_create(&q->slots[i].tid, &attr, worker, &q->slots[i]);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		return -rc;
	q->slots[i].state = SLOT_RUNNING;
	q->n_threads++;
	if (q->n_threads > q->peak)
		q->peak = q->n_threads;
	return 0;
}

struct pue_workq *
pue_workq_new(unsigned min_threads, unsigned max_threads, size_t max_queued, unsigned idle_ms,
	      struct pue_err *err)
{
	struct pue_workq *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;
	unsigned i;
	int rc;

	if (min_threads < 1)
		min_threads = 1;
	if (max_threads < min_threads)
		max_threads = min_threads;
	if (q == NULL || (q->slots = calloc(max_threads, sizeof(*q->slots))) == NULL ||
	    (q->idle = calloc(max_threads, sizeof(*q->idle))) == NULL) {
		if (q != NULL)
			free(q->slots);
		free(q);
		pue_err_set(err, -ENOMEM, "workers: out of memory");
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (i = 0; i < max_threads; i++)
		pthread_cond_init(&q->slots[i].wake, &ca);
	pthread_condattr_destroy(&ca);
	q->max_pending = max_queued;
	q->min_threads = min_threads;
	q->max_threads = max_threads;
	q->idle_ms = idle_ms;
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		pue_err_set(err, -errno, "workers: eventfd: %s", strerror(errno));
		pue_workq_free(q);
		return NULL;
	}
	pthread_mutex_lock(&q->lock);
	for (i = 0, rc = 0; i < min_threads && rc == 0; i++)
		rc = spawn(q);
	pthread_mutex_unlock(&q->lock);
	if (rc < 0) {
		pue_err_set(err, rc, "workers: thread %u: %s", i, strerror(-rc));
		pue_workq_free(q);
		return NULL;
	}
	return q;
}

void
pue_workq_free(struct pue_workq *q)
{
	unsigned i;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	while (q->n_idle > 0)
		wake_one(q);
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->max_threads; i++)
		if (q->slots[i].state != SLOT_FREE)
			pthread_join(q->slots[i].tid, NULL);
	if (q->efd >= 0)
		close(q->efd);
	for (i = 0; i < q->max_threads; i++)
		pthread_cond_destroy(&q->slots[i].wake);
	pthread_mutex_destroy(&q->lock);
	free(q->idle);
	free(q->slots);
	free(q);
}

int
pue_workq_submit(struct pue_workq *q, struct pue_job *job)
{
	reap(q);
	pthread_mutex_lock(&q->lock);
	if (q->n_pending >= q->max_pending) {
		pthread_mutex_unlock(&q->lock);
		return -EAGAIN;
	}
	job->next = NULL;
	if (q->tail != NULL)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->n_pending++;
	/* Every waiting job needs an idle thread; failing to start one only
	 * means the job waits for the next thread to come free. */
	if (q->n_idle == 0 && q->n_threads < q->max_threads)
		(void)spawn(q);
	else
		wake_one(q);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int
pue_workq_fd(const struct pue_workq *q)
{
	return q->efd;
}

struct pue_job *
pue_workq_take_done(struct pue_workq *q)
{
	struct pue_job *job;
	uint64_t count;

	pthread_mutex_lock(&q->lock);
	job = q->done;
	if (job != NULL)
		q->done = job->next;
	else if (read(q->efd, &count, sizeof(count)) < 0) {
		/* EAGAIN: already drained */
	}
	pthread_mutex_unlock(&q->lock);
	return job;
}

unsigned
pue_workq_threads(const struct pue_workq *q)
{
	return q->n_threads;
}

unsigned
pue_workq_peak_threads(const struct pue_workq *q)
{
	return q->peak;
}
