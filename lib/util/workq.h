/* SPDX-License-Identifier: MIT */
/*
 * workq.h - a bounded pool of worker threads for blocking calls (libmodbus).
 *
 * The main loop submits jobs; a worker runs job->run() and puts the job on
 * the done list, then wakes the loop through an eventfd. The main loop takes
 * finished jobs back with pue_workq_take_done(). A worker touches nothing
 * but its own job. Jobs are owned by the submitter (usually embedded in a
 * larger struct); the queue only links them.
 *
 * The pool keeps min_threads workers and grows, one thread at a time, while
 * a job waits and no worker is idle, up to max_threads. The Modbus poller
 * passes one thread per link as the maximum: a link has at most one job at
 * a time, so a link whose meter is dead (a whole response timeout per try)
 * holds one thread, never the one the next healthy link needs. Threads
 * above min_threads stop after an idle time without work; a job goes to
 * the thread that went idle last, so the threads a burst added do go idle
 * once the work fits in fewer.
 */
#ifndef PUE_WORKQ_H
#define PUE_WORKQ_H

#include <stddef.h>

#include "util/err.h"

/* Idle time after which a thread above the minimum stops. */
#define PUE_WORKQ_IDLE_MS 30000

struct pue_job {
	void (*run)(struct pue_job *job); /* runs on a worker thread */
	struct pue_job *next;		  /* queue link, owned by workq */
};

struct pue_workq; /* opaque */

/* Starts min_threads workers (>= 1), allows up to max_threads (>= min), and
 * at most max_queued jobs waiting (running ones aside); threads above the
 * minimum stop after idle_ms without work (PUE_WORKQ_IDLE_MS in pued).
 * NULL with err set when a thread or the eventfd cannot be made. Free with
 * pue_workq_free(). */
struct pue_workq *pue_workq_new(unsigned min_threads, unsigned max_threads, size_t max_queued,
				unsigned idle_ms, struct pue_err *err);

/* Stops the workers after their current job; queued jobs are dropped
 * (never run, never returned). NULL is accepted. Main thread. */
void pue_workq_free(struct pue_workq *q);

/* Queues job, starting a thread when none is idle and the maximum allows.
 * Returns 0, or -EAGAIN when the queue is full. Main thread. */
int pue_workq_submit(struct pue_workq *q, struct pue_job *job);

/* The eventfd to watch for EPOLLIN; reading it is done by take_done. */
int pue_workq_fd(const struct pue_workq *q);

/* Returns one finished job, or NULL when none is left. Main thread. */
struct pue_job *pue_workq_take_done(struct pue_workq *q);

/* Threads alive now, and the most there have been. Main thread. */
unsigned pue_workq_threads(const struct pue_workq *q);
unsigned pue_workq_peak_threads(const struct pue_workq *q);

#endif
