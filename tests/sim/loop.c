/* SPDX-License-Identifier: MIT */
/* loop.c - the simulator's epoll loop and its few timers; see loop.h. */
#include "loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

struct timer {
	int64_t id; /* 0: free slot */
	int64_t due_ns;
	sim_timer_fn *fn;
	void *arg;
};

struct sim_loop {
	int epfd;
	bool stop;
	struct timer *timers;
	size_t n_timers, cap_timers;
	int64_t next_id;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct sim_loop *
sim_loop_new(struct pue_err *err)
{
	struct sim_loop *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		pue_err_set(err, -ENOMEM, "loop: out of memory");
		return NULL;
	}
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		pue_err_set(err, -errno, "loop: epoll_create1: %s", strerror(errno));
		free(l);
		return NULL;
	}
	return l;
}

void
sim_loop_free(struct sim_loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l->timers);
	free(l);
}

static int
ctl(struct sim_loop *l, int op, struct sim_watch *w, uint32_t events, struct pue_err *err)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (epoll_ctl(l->epfd, op, w->fd, &ev) < 0)
		return pue_err_set(err, -errno, "loop: epoll_ctl fd %d: %s", w->fd,
				   strerror(errno));
	return 0;
}

int
sim_loop_add(struct sim_loop *l, struct sim_watch *w, uint32_t events, struct pue_err *err)
{
	return ctl(l, EPOLL_CTL_ADD, w, events, err);
}

int
sim_loop_mod(struct sim_loop *l, struct sim_watch *w, uint32_t events, struct pue_err *err)
{
	return ctl(l, EPOLL_CTL_MOD, w, events, err);
}

void
sim_loop_del(struct sim_loop *l, struct sim_watch *w)
{
	/* Fails only for an fd that was never added, which is harmless. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int64_t
sim_loop_add_timer(struct sim_loop *l, int64_t delay_ms, sim_timer_fn *fn, void *arg,
		   struct pue_err *err)
{
	struct timer *t = NULL;
	size_t i;

	for (i = 0; i < l->n_timers; i++)
		if (l->timers[i].id == 0) {
			t = &l->timers[i];
			break;
		}
	if (t == NULL) {
		if (l->n_timers == l->cap_timers) {
			size_t cap = l->cap_timers ? 2 * l->cap_timers : 8;
			struct timer *grown = reallocarray(l->timers, cap, sizeof(*grown));

			if (grown == NULL)
				return pue_err_set(err, -ENOMEM, "loop: out of memory for a timer");
			l->timers = grown;
			l->cap_timers = cap;
		}
		t = &l->timers[l->n_timers++];
	}
	*t = (struct timer){++l->next_id, now_ns() + (delay_ms > 0 ? delay_ms : 0) * 1000000, fn,
			    arg};
	return t->id;
}

void
sim_loop_cancel(struct sim_loop *l, int64_t id)
{
	size_t i;

	for (i = 0; id > 0 && i < l->n_timers; i++)
		if (l->timers[i].id == id) {
			l->timers[i].id = 0;
			return;
		}
}

/* Milliseconds epoll may sleep: until the nearest timer, rounded up so it
 * never wakes just before one; -1 when there is none. */
static int
wait_ms(const struct sim_loop *l)
{
	int64_t nearest = INT64_MAX, left;
	size_t i;

	for (i = 0; i < l->n_timers; i++)
		if (l->timers[i].id != 0 && l->timers[i].due_ns < nearest)
			nearest = l->timers[i].due_ns;
	if (nearest == INT64_MAX)
		return -1;
	left = nearest - now_ns();
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > 60000 ? 60000 : (int)left;
}

/* Runs every timer that is due. A callback may add or cancel timers: the
 * slot is freed before the call, and the array is indexed, never held. */
static void
run_timers(struct sim_loop *l)
{
	int64_t t = now_ns();
	size_t i;

	for (i = 0; i < l->n_timers; i++) {
		struct timer due = l->timers[i];

		if (due.id == 0 || due.due_ns > t)
			continue;
		l->timers[i].id = 0;
		due.fn(due.arg);
	}
}

int
sim_loop_run(struct sim_loop *l, struct pue_err *err)
{
	struct epoll_event evs[BATCH];
	struct sim_watch *w;
	int i, n;

	l->stop = false;
	while (!l->stop) {
		n = epoll_wait(l->epfd, evs, BATCH, wait_ms(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pue_err_set(err, -errno, "loop: epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			w = evs[i].data.ptr;
			w->fn(w, evs[i].events);
		}
		run_timers(l);
	}
	return 0;
}

void
sim_loop_stop(struct sim_loop *l)
{
	l->stop = true;
}
