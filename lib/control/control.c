/* SPDX-License-Identifier: MIT */
/* control.c - control socket server; see control.h. */
#include "control/control.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/control_peer.h"
#include "util/blob.h"
#include "util/log.h"
#include "util/fd_policy.h"
#include "util/timer.h"

struct client {
	int fd;
	struct ucred peer;
	bool admin; /* may send admin commands (control_peer.h) */
	struct pue_ctl_input in;
	struct pue_blob *out; /* the reply being sent (NULL: none); off_out of it sent */
	size_t off_out;
	/* In a request (pending): when it began - at accept, or at its first
	 * byte - and bytes do not move it, so a client that trickles a byte
	 * a second is dropped as soon as one that sends nothing. Between
	 * requests: when the last reply went out. */
	pue_mono_t since;
	bool pending;
	bool closing; /* drop once out is sent */
};

struct tally {
	unsigned n;
	struct ucred first;
};

struct pue_control {
	const struct pue_control_conf *conf;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	pue_control_handler handler;
	pue_control_ready ready; /* NULL: every reply is built by handler */
	void *arg;
	gid_t admin_gid; /* control.admin_group's, looked up at the start */
	int fd;
	/* This server made the socket file, or took it over (a reload):
	 * it removes the file when it goes. */
	bool owns_path;
	struct client *clients[PUE_CTL_MAX_CLIENTS];
	struct pue_timer sweep; /* once a real second: deadlines */
	bool watch_failed;	/* a client's socket could not be watched */
	/* Drops since the last sweep, logged by it (log_tally). */
	struct tally late, evicted;
};

/* One line per dropped client while they come a few at a time; a summary
 * line per sweep (a second) when more come at once, as under a flood. */
#define DROP_LOG_LINES 3

/* Root and the daemon's own user: the admin slots, and no per-user share.
 * No group lookup here: this runs for every connection. */
static bool
privileged(const struct ucred *peer)
{
	return peer->uid == 0 || peer->uid == geteuid();
}

static void
count_drop(struct tally *t, const struct client *cl, const char *why)
{
	if (t->n < DROP_LOG_LINES)
		pue_log(LOG_NOTICE, "control: dropped a client of uid %u (pid %d): %s",
			(unsigned)cl->peer.uid, (int)cl->peer.pid, why);
	else if (t->n == DROP_LOG_LINES)
		t->first = cl->peer;
	t->n++;
}

static void
log_tally(struct tally *t, const char *why)
{
	if (t->n > DROP_LOG_LINES)
		pue_log(LOG_NOTICE, "control: dropped %u more clients (from uid %u pid %d on): %s",
			t->n - DROP_LOG_LINES, (unsigned)t->first.uid, (int)t->first.pid, why);
	t->n = 0;
}

static void on_client(void *arg, int fd, uint32_t events);

/* Watches a client's socket for events: add (a new client) or change.
 * A failure (epoll out of memory) is logged once per spell; the caller
 * drops the client, which is then told nothing more. */
static int
watch(struct pue_control *c, int fd, uint32_t events, bool add)
{
	int rc = add ? pue_loop_add_fd(c->loop, fd, events, on_client, c)
		     : pue_loop_mod_fd(c->loop, fd, events);

	if (rc < 0 && !c->watch_failed)
		pue_log(LOG_ERR,
			"control: cannot watch a client's socket: %s; dropping such clients",
			strerror(-rc));
	else if (rc == 0 && c->watch_failed)
		pue_log(LOG_NOTICE, "control: clients' sockets are watched again");
	c->watch_failed = rc < 0;
	return rc;
}

static void
drop(struct pue_control *c, size_t i)
{
	struct client *cl = c->clients[i];

	pue_loop_del_fd(c->loop, cl->fd);
	close(cl->fd);
	pue_blob_unref(cl->out);
	free(cl);
	c->clients[i] = NULL;
}

static size_t
index_of(struct pue_control *c, int fd)
{
	size_t i;

	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++)
		if (c->clients[i] != NULL && c->clients[i]->fd == fd)
			return i;
	return PUE_CTL_MAX_CLIENTS;
}

/* Sends what it can; returns -1 when the client is gone. */
static int
flush_out(struct pue_control *c, struct client *cl)
{
	while (cl->out != NULL && cl->off_out < cl->out->len) {
		ssize_t n = send(cl->fd, cl->out->data + cl->off_out, cl->out->len - cl->off_out,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* Read no more requests until this reply is out: a
				 * client that sends without reading cannot make pued
				 * queue replies without bound. */
				return watch(c, cl->fd, EPOLLOUT, false) < 0 ? -1 : 0;
			}
			return -1;
		}
		cl->off_out += (size_t)n;
	}
	pue_blob_unref(cl->out);
	cl->out = NULL;
	cl->off_out = 0;
	/* The reply is out: the request's deadline ends here. Bytes of the
	 * next one that came along with it start the next deadline now. */
	cl->since = pue_clock_real();
	cl->pending = cl->in.n > 0;
	if (watch(c, cl->fd, EPOLLIN, false) < 0)
		return -1;
	return cl->closing ? -1 : 0;
}

/* Makes b the client's reply (a reference taken); none (out of memory)
 * drops the client. */
static void
queue_reply(struct client *cl, struct pue_blob *b)
{
	if (b == NULL)
		cl->closing = true;
	cl->out = b;
	cl->off_out = 0;
}

/* Answers the complete lines received so far, one reply in flight at a
 * time: requests pipelined in one packet wait until the reply before them
 * is out, so replies never pile up for a client that does not read. */
static void
answer_lines(struct pue_control *c, struct client *cl)
{
	const char *line;
	ssize_t len;

	while (!cl->closing && cl->out == NULL &&
	       (len = pue_control_request_input_line(&cl->in, &line)) >= 0) {
		queue_reply(cl, pue_control_request_reply_line(c->conf, &cl->peer, cl->admin, line,
							       (size_t)len, c->handler, c->ready,
							       c->arg));
		pue_control_request_input_consume(&cl->in, (size_t)len);
	}
}

/* Answers and sends while replies go out at once; stops when the socket
 * would block (EPOLLOUT resumes it). Returns -1 when the client is done. */
static int
serve(struct pue_control *c, struct client *cl)
{
	for (;;) {
		answer_lines(c, cl);
		if (cl->out == NULL)
			return 0;
		if (flush_out(c, cl) < 0)
			return -1;
		if (cl->out != NULL)
			return 0;
	}
}

static void
on_client(void *arg, int fd, uint32_t events)
{
	struct pue_control *c = arg;
	size_t i = index_of(c, fd);
	struct client *cl;
	const char *line;
	ssize_t n;

	if (i == PUE_CTL_MAX_CLIENTS)
		return;
	cl = c->clients[i];
	if ((events & EPOLLOUT) && (flush_out(c, cl) < 0 || serve(c, cl) < 0)) {
		drop(c, i);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || cl->closing || cl->out != NULL)
		return;
	n = recv(fd, cl->in.buf + cl->in.n, sizeof(cl->in.buf) - cl->in.n, MSG_DONTWAIT);
	if (n == 0 && cl->in.n > 0) {
		/* The client shut its side in the middle of a request (no
		 * newline): it may still read, so it hears why it gets no
		 * answer rather than a bare close. */
		queue_reply(cl, pue_control_request_reply_blob(pue_control_request_error_reply(
					"request not ended by a newline")));
		cl->closing = true;
		if (cl->out == NULL || flush_out(c, cl) < 0)
			drop(c, i);
		return;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop(c, i);
		return;
	}
	if (n < 0)
		return;
	if (!cl->pending) {
		cl->pending = true;
		cl->since = pue_clock_real();
	}
	cl->in.n += (size_t)n;
	if (pue_control_request_input_line(&cl->in, &line) == -EMSGSIZE) {
		char msg[80];

		snprintf(msg, sizeof(msg), "request longer than %d bytes", PUE_CTL_MAX_LINE);
		queue_reply(cl,
			    pue_control_request_reply_blob(pue_control_request_error_reply(msg)));
		cl->closing = true;
	}
	if ((cl->out != NULL && flush_out(c, cl) < 0) || serve(c, cl) < 0)
		drop(c, i);
}

/* A user other than root and the daemon's may hold PUE_CTL_UID_SLOTS
 * connections; its next one closes its oldest, so that user's newest
 * request is always heard and its slow ones never crowd out other users. */
static void
make_room_for(struct pue_control *c, const struct ucred *peer)
{
	size_t i, own = 0, oldest = PUE_CTL_MAX_CLIENTS;

	if (privileged(peer))
		return;
	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++) {
		struct client *cl = c->clients[i];

		if (cl == NULL || cl->peer.uid != peer->uid)
			continue;
		own++;
		if (oldest == PUE_CTL_MAX_CLIENTS ||
		    pue_mono_diff_ms(cl->since, c->clients[oldest]->since) < 0)
			oldest = i;
	}
	if (own < PUE_CTL_UID_SLOTS)
		return;
	count_drop(&c->evicted, c->clients[oldest],
		   "a newer connection of its user came over the user's share");
	drop(c, oldest);
}

static void
on_accept(void *arg, int fd, uint32_t events)
{
	struct pue_control *c = arg;
	struct client *cl;
	struct ucred peer;
	socklen_t len = sizeof(peer);
	size_t i, free_slot = PUE_CTL_MAX_CLIENTS, used = 0;
	int cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0)
		peer = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
	make_room_for(c, &peer);
	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++) {
		if (c->clients[i] != NULL)
			used++;
		else if (free_slot == PUE_CTL_MAX_CLIENTS)
			free_slot = i;
	}
	i = free_slot;
	if (i == PUE_CTL_MAX_CLIENTS ||
	    (used >= PUE_CTL_MAX_CLIENTS - PUE_CTL_ADMIN_SLOTS && !privileged(&peer))) {
		static const char busy[] =
			"{\"v\":1,\"ok\":false,\"error\":\"too many clients\"}\n";

		if (send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* it is being turned away either way */
		}
		close(cfd);
		return;
	}
	cfd = pue_fd_policy_move_high(cfd);
	cl = calloc(1, sizeof(*cl));
	if (cl == NULL) {
		close(cfd);
		return;
	}
	cl->fd = cfd;
	cl->since = pue_clock_real(); /* a connection that sends nothing has a deadline too */
	cl->pending = true;
	cl->peer = peer;
	cl->admin = pue_control_peer_is_admin(cfd, &peer, c->admin_gid);
	if (watch(c, cfd, EPOLLIN, true) < 0) {
		close(cfd);
		free(cl);
		return;
	}
	c->clients[i] = cl;
	/* puectl sends its request right after connecting: read it now
	 * rather than after the loop's next turn, which may first run a
	 * batch of timers (the tick, the store's flush, polls due). */
	on_client(c, cfd, EPOLLIN);
}

static void
sweep(void *arg)
{
	struct pue_control *c = arg;
	pue_mono_t now = pue_clock_real(); /* clients live in real time */
	size_t i;

	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++) {
		struct client *cl = c->clients[i];
		char why[80];
		int64_t ms;

		if (cl == NULL)
			continue;
		ms = pue_mono_diff_ms(now, cl->since);
		/* A client may stay connected between requests for a while,
		 * but one request - sending it, and reading the reply - has
		 * PUE_CTL_IDLE_MS however the bytes are spread. */
		if (!cl->pending) {
			if (ms > PUE_CTL_HOLD_MS)
				drop(c, i);
		} else if (ms > PUE_CTL_IDLE_MS) {
			if (cl->out == NULL) {
				static const char slow[] =
					"{\"v\":1,\"ok\":false,\"error\":\"request timed out\"}\n";

				if (send(cl->fd, slow, sizeof(slow) - 1,
					 MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
					/* dropped either way */
				}
			}
			snprintf(why, sizeof(why), "%s within %d s",
				 cl->out != NULL ? "its reply was not read"
				 : cl->in.n > 0	 ? "its request was not complete"
						 : "it sent nothing",
				 PUE_CTL_IDLE_MS / 1000);
			count_drop(&c->late, cl, why);
			drop(c, i);
		}
	}
	log_tally(&c->late, "no whole request and reply within the deadline");
	log_tally(&c->evicted, "over their user's share of connections");
	/* Once a real second, whatever the clock. A failure is logged and
	 * retried by pue_control_rearm(). */
	pue_timer_arm(&c->sweep, pue_mono_add_ms(now, 1000));
}

/* A socket file that accepts a connection belongs to a running daemon, and
 * so does one whose queue is full (a wedged daemon: a blocking connect
 * would wait for it); only one that refuses (nothing listens) is stale and
 * may go. Any other error (EACCES: another user's) leaves it alone. */
static int
claim_path(const struct sockaddr_un *sa, struct pue_err *err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), saved;
	struct stat st;

	if (fd < 0)
		return pue_err_set(err, -errno, "control: socket: %s", strerror(errno));
	saved = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : errno;
	close(fd);
	if (saved == 0 || saved == EAGAIN)
		return pue_err_set(err, -EADDRINUSE, "control: %s: another pued is %s there",
				   sa->sun_path,
				   saved == EAGAIN ? "listening (but not accepting)" : "answering");
	if (saved != ECONNREFUSED && saved != ENOENT)
		return pue_err_set(err, -saved, "control: %s: %s; left alone", sa->sun_path,
				   strerror(saved));
	if (lstat(sa->sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return pue_err_set(err, -EEXIST, "control: %s exists and is not a socket",
					   sa->sun_path);
		unlink(sa->sun_path);
	}
	return 0;
}

/* Creates, binds and listens on the socket file at sa. */
static int
bind_socket(struct pue_control *c, const struct sockaddr_un *sa, struct pue_err *err)
{
	const struct pue_control_conf *conf = c->conf;
	mode_t old_mask;
	int rc;

	if ((rc = claim_path(sa, err)) < 0)
		return rc;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return pue_err_set(err, -errno, "control: socket: %s", strerror(errno));
	/* Owner and group only, from the moment the file exists. */
	old_mask = umask(0117);
	rc = bind(c->fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old_mask);
	if (rc == 0)
		c->owns_path = true;
	if (rc < 0 || listen(c->fd, PUE_CTL_MAX_CLIENTS) < 0)
		return pue_err_set(err, -errno, "control: %s: %s", conf->socket, strerror(errno));
	if (conf->group != NULL) {
		struct group *gr = getgrnam(conf->group);

		if (gr == NULL || chown(conf->socket, (uid_t)-1, gr->gr_gid) < 0)
			pue_log(LOG_WARNING, "control: %s: cannot give it group %s%s", conf->socket,
				conf->group, gr == NULL ? " (no such group)" : "");
	}
	return 0;
}

struct pue_control *
pue_control_new(const struct pue_control_conf *conf, struct pue_loop *loop,
		const struct pue_clock *clock, pue_control_handler handler, void *arg,
		const struct pue_control *running, struct pue_err *err)
{
	struct pue_control *c = calloc(1, sizeof(*c));
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int rc;

	if (c == NULL) {
		pue_err_set(err, -ENOMEM, "control: out of memory");
		return NULL;
	}
	c->conf = conf;
	c->loop = loop;
	c->clock = clock;
	c->handler = handler;
	c->arg = arg;
	c->fd = -1;
	c->admin_gid = pue_control_peer_admin_gid(conf);
	pue_timer_init(&c->sweep, loop, true, sweep, c, "control: the clients' deadlines");
	if (strlen(conf->socket) >= sizeof(sa.sun_path)) {
		pue_err_set(err, -ENAMETOOLONG, "control: socket path %s is longer than %zu bytes",
			    conf->socket, sizeof(sa.sun_path) - 1);
		goto fail;
	}
	memcpy(sa.sun_path, conf->socket, strlen(conf->socket) + 1);
	if (running != NULL && running->fd >= 0 &&
	    strcmp(running->conf->socket, conf->socket) == 0) {
		/* The same socket, never closed: connections made during the
		 * reload wait in its backlog for this server. */
		if ((c->fd = fcntl(running->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
			pue_err_set(err, -errno, "control: %s: %s", conf->socket, strerror(errno));
			goto fail;
		}
		c->fd = pue_fd_policy_move_high(c->fd);
	} else if (bind_socket(c, &sa, err) < 0) {
		goto fail;
	}
	if ((rc = pue_loop_add_fd(loop, c->fd, EPOLLIN, on_accept, c)) < 0) {
		pue_err_set(err, rc, "control: %s", strerror(-rc));
		goto fail;
	}
	if ((rc = pue_timer_arm(&c->sweep, pue_mono_add_ms(pue_clock_real(), 1000))) < 0) {
		pue_err_set(err, rc, "control: cannot arm its timer: %s", strerror(-rc));
		goto fail;
	}
	return c;
fail:
	pue_control_free(c);
	return NULL;
}

void
pue_control_free(struct pue_control *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++)
		if (c->clients[i] != NULL)
			drop(c, i);
	pue_timer_cancel(&c->sweep);
	if (c->fd >= 0) {
		pue_loop_del_fd(c->loop, c->fd);
		close(c->fd);
		if (c->owns_path)
			unlink(c->conf->socket);
	}
	free(c);
}

size_t
pue_control_rearm(struct pue_control *c)
{
	return c != NULL && pue_timer_retry(&c->sweep);
}

void
pue_control_set_ready(struct pue_control *c, pue_control_ready ready)
{
	c->ready = ready;
}

void
pue_control_take_over(struct pue_control *c, struct pue_control *old)
{
	size_t i, j = 0;

	for (i = 0; i < PUE_CTL_MAX_CLIENTS; i++) {
		struct client *cl = old->clients[i];

		if (cl == NULL)
			continue;
		pue_loop_del_fd(old->loop, cl->fd);
		old->clients[i] = NULL;
		while (j < PUE_CTL_MAX_CLIENTS && c->clients[j] != NULL)
			j++;
		if (j == PUE_CTL_MAX_CLIENTS ||
		    watch(c, cl->fd, cl->out != NULL ? EPOLLOUT : EPOLLIN, true) < 0) {
			pue_log(LOG_NOTICE,
				"control: dropped a client of uid %u (pid %d) at the reload",
				(unsigned)cl->peer.uid, (int)cl->peer.pid);
			close(cl->fd);
			pue_blob_unref(cl->out);
			free(cl);
			continue;
		}
		/* Judged again under the configuration now in force. */
		cl->admin = pue_control_peer_is_admin(cl->fd, &cl->peer, c->admin_gid);
		c->clients[j] = cl;
	}
	if (old->fd >= 0 && strcmp(old->conf->socket, c->conf->socket) == 0) {
		c->owns_path = c->owns_path || old->owns_path;
		old->owns_path = false;
	}
}
