/* SPDX-License-Identifier: MIT */
/* workq.c - worker threads, a pending queue and a done list; see workq.h. */
#include "workq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct pue_workq {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pue_job *head, *tail; /* pending, FIFO */
	size_t n_pending, max_pending;
	struct pue_job *done; /* finished, LIFO (order does not matter) */
	bool stopping;
	int efd;
	pthread_t *threads;
	unsigned n_threads;
};

static void *
worker(void *arg)
{
	struct pue_workq *q = arg;
	struct pue_job *job;
	uint64_t one = 1;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->head == NULL && !q->stopping)
			pthread_cond_wait(&q->wake, &q->lock);
		if (q->stopping) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		job = q->head;
		q->head = job->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->n_pending--;
		pthread_mutex_unlock(&q->lock);

		job->run(job);

		pthread_mutex_lock(&q->lock);
		job->next = q->done;
		q->done = job;
		pthread_mutex_unlock(&q->lock);
		if (write(q->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice; the loop
			 * drains the done list on any wake-up anyway */
		}
	}
}

struct pue_workq *
pue_workq_new(unsigned threads, size_t max_queued, struct pue_err *err)
{
	struct pue_workq *q = calloc(1, sizeof(*q));
	int rc;

	if (q == NULL || (q->threads = calloc(threads, sizeof(pthread_t))) == NULL) {
		free(q);
		pue_err_set(err, -ENOMEM, "workers: out of memory");
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	q->max_pending = max_queued;
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		pue_err_set(err, -errno, "workers: eventfd: %s", strerror(errno));
		pue_workq_free(q);
		return NULL;
	}
	for (q->n_threads = 0; q->n_threads < threads; q->n_threads++) {
		rc = pthread_create(&q->threads[q->n_threads], NULL, worker, q);
		if (rc != 0) {
			pue_err_set(err, -rc, "workers: thread %u: %s", q->n_threads, strerror(rc));
			pue_workq_free(q);
			return NULL;
		}
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
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->n_threads; i++)
		pthread_join(q->threads[i], NULL);
	if (q->efd >= 0)
		close(q->efd);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q->threads);
	free(q);
}

int
pue_workq_submit(struct pue_workq *q, struct pue_job *job)
{
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
	pthread_cond_signal(&q->wake);
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
