/* SPDX-License-Identifier: MIT */
/*
 * loop.c - epoll + timerfd main loop; see loop.h.
 * Timers sit in binary min-heaps keyed by deadline (O(log n) add, hundreds
 * of meters each with a poll timer): one on the loop's clock, one on the
 * machine's monotonic clock. Cancelling marks the entry; dead entries are
 * dropped when they reach the top, so callbacks may cancel anything
 * safely, as in redis's ae.c.
 */
#include "util/loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "util/log.h"

struct timer {
	pue_mono_t deadline;
	int64_t id;
	pue_timer_cb cb;
	void *arg;
};

struct heap {
	struct timer *t;
	size_t n, cap;
};

struct busy {
	pue_busy_cb cb;
	void *arg;
};

struct watch {
	int fd;
	pue_fd_cb cb;
	void *arg;
	bool live;
};

struct pue_loop {
	struct pue_clock *clock;
	int epfd, tfd;
	struct heap clock_timers, real_timers;
	struct busy *busy;
	size_t n_busy, cap_busy;
	pue_mono_t target;  /* stepped clock: how far it may run */
	int64_t armed_ns;   /* the timerfd's real deadline; -1 disarmed, -2 unknown */
	int64_t *cancelled; /* ids cancelled but still in the heap */
	size_t n_cancelled, cap_cancelled;
	int64_t next_id;
	struct watch **watches; /* indexed by fd */
	size_t n_watches;
	bool stop;
	uint64_t iterations;
	bool timerfd_failed;  /* the last timerfd_settime() failed (logged) */
	unsigned fail_timers; /* test hook: registrations left to fail */
};

struct pue_loop *
pue_loop_new(struct pue_clock *clock, struct pue_err *err)
{
	struct pue_loop *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		pue_err_set(err, -ENOMEM, "loop: out of memory");
		return NULL;
	}
	l->clock = clock;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l->epfd < 0 || l->tfd < 0) {
		pue_err_set(err, -errno, "loop: %s", strerror(errno));
		pue_loop_free(l);
		return NULL;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = -1};
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) < 0) {
		pue_err_set(err, -errno, "loop: %s", strerror(errno));
		pue_loop_free(l);
		return NULL;
	}
	l->next_id = 1;
	l->target = pue_clock_mono(clock);
	l->armed_ns = -1;
	return l;
}

void
pue_loop_free(struct pue_loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	for (i = 0; i < l->n_watches; i++)
		free(l->watches[i]);
	free(l->watches);
	free(l->clock_timers.t);
	free(l->real_timers.t);
	free(l->busy);
	free(l->cancelled);
	free(l);
}

int
pue_loop_add_fd(struct pue_loop *l, int fd, uint32_t events, pue_fd_cb cb, void *arg)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};
	struct watch **grown;

	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= l->n_watches) {
		size_t n = (size_t)fd + 64;

		grown = reallocarray(l->watches, n, sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		memset(grown + l->n_watches, 0, (n - l->n_watches) * sizeof(*grown));
		l->watches = grown;
		l->n_watches = n;
	}
	if (l->watches[fd] == NULL && (l->watches[fd] = calloc(1, sizeof(struct watch))) == NULL)
		return -ENOMEM;
	if (l->watches[fd]->live)
		return -EEXIST;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	*l->watches[fd] = (struct watch){fd, cb, arg, true};
	return 0;
}

int
pue_loop_mod_fd(struct pue_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void
pue_loop_del_fd(struct pue_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->n_watches || l->watches[fd] == NULL || !l->watches[fd]->live)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->watches[fd]->live = false;
}

static bool
earlier(const struct timer *a, const struct timer *b)
{
	return a->deadline.ns < b->deadline.ns ||
	       (a->deadline.ns == b->deadline.ns && a->id < b->id);
}

static void
heap_up(struct timer *h, size_t i)
{
	while (i > 0 && earlier(&h[i], &h[(i - 1) / 2])) {
		struct timer t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct timer *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct timer t;

		if (l < n && earlier(&h[l], &h[m]))
			m = l;
		if (r < n && earlier(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
heap_pop(struct heap *h)
{
	h->t[0] = h->t[--h->n];
	heap_down(h->t, h->n, 0);
}

static int64_t
heap_add(struct pue_loop *l, struct heap *h, pue_mono_t deadline, pue_timer_cb cb, void *arg)
{
	if (l->fail_timers > 0) {
		l->fail_timers--;
		return -ENOMEM;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct timer *t = reallocarray(h->t, cap, sizeof(*t));

		if (t == NULL)
			return -ENOMEM;
		h->t = t;
		h->cap = cap;
	}
	h->t[h->n] = (struct timer){deadline, l->next_id++, cb, arg};
	heap_up(h->t, h->n++);
	return l->next_id - 1;
}

int64_t
pue_loop_add_timer(struct pue_loop *l, pue_mono_t deadline, pue_timer_cb cb, void *arg)
{
	return heap_add(l, &l->clock_timers, deadline, cb, arg);
}

void
pue_loop_fail_timers(struct pue_loop *l, unsigned n)
{
	l->fail_timers = n;
}

int64_t
pue_loop_add_real_timer(struct pue_loop *l, pue_mono_t deadline, pue_timer_cb cb, void *arg)
{
	return heap_add(l, &l->real_timers, deadline, cb, arg);
}

static bool
heap_holds(const struct heap *h, int64_t id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->t[i].id == id)
			return true;
	return false;
}

static bool
take_cancelled(struct pue_loop *l, int64_t id)
{
	size_t i;

	for (i = 0; i < l->n_cancelled; i++)
		if (l->cancelled[i] == id) {
			l->cancelled[i] = l->cancelled[--l->n_cancelled];
			return true;
		}
	return false;
}

void
pue_loop_cancel(struct pue_loop *l, int64_t id)
{
	if (!heap_holds(&l->clock_timers, id) && !heap_holds(&l->real_timers, id))
		return;
	if (l->n_cancelled == l->cap_cancelled) {
		size_t cap = l->cap_cancelled ? l->cap_cancelled * 2 : 16;
		int64_t *c = reallocarray(l->cancelled, cap, sizeof(*c));

		if (c == NULL)
			return; /* it will fire; callbacks tolerate a stale timer */
		l->cancelled = c;
		l->cap_cancelled = cap;
	}
	l->cancelled[l->n_cancelled++] = id;
}

/* Runs the timers of h due at now, in deadline order. */
static void
run_heap(struct pue_loop *l, struct heap *h, pue_mono_t now)
{
	while (h->n > 0 && h->t[0].deadline.ns <= now.ns && !l->stop) {
		struct timer t = h->t[0];

		heap_pop(h);
		if (l->n_cancelled > 0 && take_cancelled(l, t.id))
			continue;
		t.cb(t.arg);
	}
}

static void
run_timers(struct pue_loop *l)
{
	run_heap(l, &l->real_timers, pue_clock_real());
	run_heap(l, &l->clock_timers, pue_clock_mono(l->clock));
}

/* Arms the timerfd for the nearest deadline in real time (the loop's clock
 * may run faster than real time under a test clock, and a stepped clock
 * does not run by itself at all). Returns the timeout for epoll_wait():
 * -1, as the timerfd wakes the loop; should the timerfd refuse its time,
 * the milliseconds to the deadline (at most a second), so that no timer
 * waits for a descriptor's event to run. */
static int
arm(struct pue_loop *l)
{
	struct itimerspec its = {0};
	int64_t ns = INT64_MAX, now = pue_clock_real().ns, at;

	if (l->clock_timers.n > 0)
		ns = pue_clock_real_ns_until(l->clock, l->clock_timers.t[0].deadline);
	if (l->real_timers.n > 0 && l->real_timers.t[0].deadline.ns - now < ns)
		ns = l->real_timers.t[0].deadline.ns - now;
	if (ns <= 0)
		ns = 1; /* 0 would disarm */
	at = ns == INT64_MAX ? -1 : now + ns;
	/* A stepped clock arms only real timers, which seldom change: skip
	 * the system call while the same deadline stands armed. */
	if (pue_clock_is_stepped(l->clock) && at == l->armed_ns)
		return -1;
	l->armed_ns = at;
	if (at > 0) {
		its.it_value.tv_sec = ns / 1000000000;
		its.it_value.tv_nsec = ns % 1000000000;
	}
	if (timerfd_settime(l->tfd, 0, &its, NULL) == 0) {
		if (l->timerfd_failed)
			pue_log(LOG_NOTICE, "loop: the timerfd works again");
		l->timerfd_failed = false;
		return -1;
	}
	if (!l->timerfd_failed)
		pue_log_errno(LOG_ERR, "loop: timerfd_settime; waking every second meanwhile");
	l->timerfd_failed = true;
	l->armed_ns = -2; /* unknown: set it again next time */
	return at < 0 ? 1000 : (int)(ns / 1000000 + 1 < 1000 ? ns / 1000000 + 1 : 1000);
}

int
pue_loop_add_busy(struct pue_loop *l, pue_busy_cb cb, void *arg)
{
	if (l->n_busy == l->cap_busy) {
		size_t cap = l->cap_busy ? l->cap_busy * 2 : 8;
		struct busy *b = reallocarray(l->busy, cap, sizeof(*b));

		if (b == NULL)
			return -ENOMEM;
		l->busy = b;
		l->cap_busy = cap;
	}
	l->busy[l->n_busy++] = (struct busy){cb, arg};
	return 0;
}

void
pue_loop_del_busy(struct pue_loop *l, pue_busy_cb cb, void *arg)
{
	size_t i;

	for (i = 0; i < l->n_busy; i++)
		if (l->busy[i].cb == cb && l->busy[i].arg == arg) {
			l->busy[i] = l->busy[--l->n_busy];
			return;
		}
}

static bool
busy(const struct pue_loop *l)
{
	size_t i;

	for (i = 0; i < l->n_busy; i++)
		if (l->busy[i].cb(l->busy[i].arg))
			return true;
	return false;
}

int
pue_loop_advance(struct pue_loop *l, pue_mono_t target)
{
	if (!pue_clock_is_stepped(l->clock))
		return -ENOTSUP;
	if (target.ns > l->target.ns)
		l->target = target;
	return 0;
}

bool
pue_loop_caught_up(const struct pue_loop *l)
{
	if (!pue_clock_is_stepped(l->clock))
		return true;
	return pue_clock_mono(l->clock).ns >= l->target.ns && !busy(l);
}

/* A stepped clock may move when it has somewhere to go and nothing that
 * started at the current time is still running. */
static bool
may_step(const struct pue_loop *l)
{
	return pue_clock_is_stepped(l->clock) && pue_clock_mono(l->clock).ns < l->target.ns &&
	       !busy(l);
}

/* Moves a stepped clock to the next timer's deadline (or the target) and
 * runs what is due there. */
static void
step(struct pue_loop *l)
{
	pue_mono_t next = l->target;

	if (l->clock_timers.n > 0 && l->clock_timers.t[0].deadline.ns < next.ns)
		next = l->clock_timers.t[0].deadline;
	pue_clock_set_mono(l->clock, next);
	run_heap(l, &l->clock_timers, pue_clock_mono(l->clock));
}

int
pue_loop_run(struct pue_loop *l)
{
	struct epoll_event evs[64];
	uint64_t expirations;
	bool stepping;
	int n, i, timeout_ms;

	l->stop = false;
	while (!l->stop) {
		timeout_ms = arm(l);
		/* Stepping: take whatever is ready without waiting, and move
		 * the clock only when nothing was. */
		stepping = may_step(l);
		n = epoll_wait(l->epfd, evs, 64, stepping ? 0 : timeout_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->stop; i++) {
			int fd = evs[i].data.fd;
			struct watch *w;

			if (fd == -1) {
				if (read(l->tfd, &expirations, sizeof(expirations)) < 0) {
					/* EAGAIN: re-armed meanwhile; nothing lost */
				}
				l->armed_ns = -2; /* it fired: set it again */
				continue;
			}
			w = (size_t)fd < l->n_watches ? l->watches[fd] : NULL;
			if (w != NULL && w->live)
				w->cb(w->arg, fd, evs[i].events);
		}
		run_timers(l);
		/* Steps that start no work (the engine's tick, an alert round)
		 * need no look at the descriptors in between; a few hundred of
		 * them per look keep a control request waiting no time at all. */
		for (i = 0; stepping && n == 0 && i < 256 && !l->stop && may_step(l); i++)
			step(l);
		l->iterations++;
	}
	return 0;
}

void
pue_loop_stop(struct pue_loop *l)
{
	l->stop = true;
}

uint64_t
pue_loop_iterations(const struct pue_loop *l)
{
	return l->iterations;
}
