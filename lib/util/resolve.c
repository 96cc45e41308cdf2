/* SPDX-License-Identifier: MIT */
/* resolve.c - getaddrinfo() on a thread of its own; see resolve.h. */
#include "util/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* getaddrinfo() and the NSS modules it loads need little stack. */
#define STACK_BYTES (256 * 1024)

struct pue_lookup {
	pthread_mutex_t mu;
	int refs;	/* the thread's and the owner's; the last one frees */
	bool abandoned; /* the owner went away: nothing to report */
	int efd;	/* the owner's, closed by the owner */
	struct pue_loop *loop;
	pue_lookup_cb cb;
	void *arg;
	char host[256];
	char numeric[PUE_ADDR_MAX]; /* "" when the lookup failed */
	char error[320];
};

bool
pue_resolve_host_is_numeric(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static void
release(struct pue_lookup *l)
{
	bool last;

	pthread_mutex_lock(&l->mu);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->mu);
	if (last) {
		pthread_mutex_destroy(&l->mu);
		free(l);
	}
}

static void *
run(void *p)
{
	struct pue_lookup *l = p;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *res = NULL;
	int rc = getaddrinfo(l->host, NULL, &hints, &res);

	pthread_mutex_lock(&l->mu);
	if (rc != 0)
		snprintf(l->error, sizeof(l->error), "cannot resolve %s: %s", l->host,
			 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	else if (getnameinfo(res->ai_addr, res->ai_addrlen, l->numeric, sizeof(l->numeric), NULL, 0,
			     NI_NUMERICHOST) != 0) {
		l->numeric[0] = '\0';
		snprintf(l->error, sizeof(l->error), "cannot resolve %s: no usable address",
			 l->host);
	}
	/* Under the lock: the owner closes efd only after marking itself gone. */
	if (!l->abandoned && eventfd_write(l->efd, 1) < 0) {
		/* an eventfd counter cannot overflow from one write */
	}
	pthread_mutex_unlock(&l->mu);
	if (res != NULL)
		freeaddrinfo(res);
	release(l);
	return NULL;
}

static void
on_done(void *arg, int fd, uint32_t events)
{
	struct pue_lookup *l = arg;
	eventfd_t v;
	char numeric[PUE_ADDR_MAX], error[sizeof(l->error)];

	(void)fd;
	(void)events;
	if (eventfd_read(l->efd, &v) < 0)
		return; /* spurious: the thread has not written yet */
	pue_loop_del_fd(l->loop, l->efd);
	close(l->efd);
	pthread_mutex_lock(&l->mu);
	memcpy(numeric, l->numeric, sizeof(numeric));
	memcpy(error, l->error, sizeof(error));
	l->abandoned = true; /* nothing more to report */
	pthread_mutex_unlock(&l->mu);
	l->cb(l->arg, numeric[0] ? numeric : NULL, error);
	release(l);
}

struct pue_lookup *
pue_resolve_start(struct pue_loop *loop, const char *host, pue_lookup_cb cb, void *arg,
		  struct pue_err *err)
{
	struct pue_lookup *l = calloc(1, sizeof(*l));
	pthread_attr_t attr;
	pthread_t tid;
	int rc = 0;

	if (l == NULL) {
		pue_err_set(err, -ENOMEM, "resolving %s: out of memory", host);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	l->refs = 2;
	l->loop = loop;
	l->cb = cb;
	l->arg = arg;
	snprintf(l->host, sizeof(l->host), "%s", host);
	if ((l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		rc = -errno;
	else if ((rc = pue_loop_add_fd(loop, l->efd, EPOLLIN, on_done, l)) < 0)
		close(l->efd);
	if (rc < 0) {
		pue_err_set(err, rc, "resolving %s: %s", host, strerror(-rc));
		pthread_mutex_destroy(&l->mu);
		free(l);
		return NULL;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&tid, &attr, run, l);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pue_err_set(err, -rc, "resolving %s: no thread: %s", host, strerror(rc));
		pue_loop_del_fd(loop, l->efd);
		close(l->efd);
		pthread_mutex_destroy(&l->mu);
		free(l);
		return NULL;
	}
	return l;
}

void
pue_resolve_cancel(struct pue_lookup *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	l->abandoned = true;
	pthread_mutex_unlock(&l->mu);
	pue_loop_del_fd(l->loop, l->efd);
	close(l->efd);
	release(l);
}
