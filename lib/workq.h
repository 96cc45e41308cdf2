/* SPDX-License-Identifier: MIT */
/*
 * workq.h - a bounded pool of worker threads for blocking calls (libmodbus).
 *
 * The main loop submits jobs; a worker runs job->run() and puts the job on
 * the done list, then wakes the loop through an eventfd. The main loop takes
 * finished jobs back with pue_workq_take_done(). A worker touches nothing
 * but its own job. Jobs are owned by the submitter (usually embedded in a
 * larger struct); the queue only links them.
 */
#ifndef PUE_WORKQ_H
#define PUE_WORKQ_H

#include <stddef.h>

#include "err.h"

struct pue_job {
	void (*run)(struct pue_job *job); /* runs on a worker thread */
	struct pue_job *next;		  /* queue link, owned by workq */
};

struct pue_workq; /* opaque */

/* Starts threads workers; at most max_queued jobs wait (running ones aside). */
struct pue_workq *pue_workq_new(unsigned threads, size_t max_queued, struct pue_err *err);

/* Stops the workers after their current job; queued jobs are dropped
 * (never run, never returned). NULL is accepted. Main thread. */
void pue_workq_free(struct pue_workq *q);

/* Queues job. Returns 0, or -EAGAIN when the queue is full. Main thread. */
int pue_workq_submit(struct pue_workq *q, struct pue_job *job);

/* The eventfd to watch for EPOLLIN; reading it is done by take_done. */
int pue_workq_fd(const struct pue_workq *q);

/* Returns one finished job, or NULL when none is left. Main thread. */
struct pue_job *pue_workq_take_done(struct pue_workq *q);

#endif
