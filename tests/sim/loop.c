/* SPDX-License-Identifier: MIT */
/* loop.c - the simulator's epoll loop; see loop.h. */
#include "loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define BATCH 64

struct sim_loop {
	int epfd;
	bool stop;
};

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

int
sim_loop_run(struct sim_loop *l, struct pue_err *err)
{
	struct epoll_event evs[BATCH];
	struct sim_watch *w;
	int i, n;

	l->stop = false;
	while (!l->stop) {
		n = epoll_wait(l->epfd, evs, BATCH, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pue_err_set(err, -errno, "loop: epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			w = evs[i].data.ptr;
			w->fn(w, evs[i].events);
		}
	}
	return 0;
}

void
sim_loop_stop(struct sim_loop *l)
{
	l->stop = true;
}
