/* SPDX-License-Identifier: MIT */
/* control.c - the control socket and its clients; see control.h. */
#include "control.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"

/* Tests open a handful of connections; more than this is a runaway script,
 * and refusing it keeps descriptors free for Modbus clients. */
#define MAX_CLIENTS 32

struct ctl_client {
	struct sim_watch w;
	struct sim_control *ctl;
	struct ctl_client *prev, *next;
	size_t len;
	char buf[SIM_COMMAND_LINE_MAX + 1]; /* a full line plus its newline */
};

struct sim_control {
	struct sim_watch w; /* the listening socket */
	struct sim_loop *loop;
	struct sim_command_ctx cx;
	char *path;
	struct ctl_client *clients;
	unsigned n_clients;
};

static void
client_free(struct ctl_client *cl)
{
	struct sim_control *c = cl->ctl;

	sim_loop_del(c->loop, &cl->w);
	close(cl->w.fd);
	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	c->n_clients--;
	free(cl);
}

/* Sends one reply line. Replies are short, so a socket buffer too full to
 * take one means the client is not reading: false, drop it. */
static bool
send_line(int fd, const char *reply)
{
	char line[SIM_COMMAND_REPLY_MAX + 1];
	size_t len = strlen(reply);
	ssize_t n;

	if (len > SIM_COMMAND_REPLY_MAX - 1)
		len = SIM_COMMAND_REPLY_MAX - 1;
	memcpy(line, reply, len);
	line[len++] = '\n';
	do
		n = send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len;
}

/* Answers one line: len bytes at line, NUL-terminated in place. */
static bool
run_line(struct ctl_client *cl, char *line, size_t len)
{
	char reply[SIM_COMMAND_REPLY_MAX];

	if (memchr(line, '\0', len) != NULL)
		return send_line(cl->w.fd, "error: NUL byte in command");
	if (len > 0 && line[len - 1] == '\r') /* tolerate CRLF clients */
		line[len - 1] = '\0';
	sim_command_run(&cl->ctl->cx, line, reply, sizeof(reply));
	return send_line(cl->w.fd, reply);
}

/* Answers every complete line in the buffer and keeps the rest. */
static bool
run_lines(struct ctl_client *cl)
{
	char *nl, *start = cl->buf;
	size_t left = cl->len, len;

	while ((nl = memchr(start, '\n', left)) != NULL) {
		len = (size_t)(nl - start);
		*nl = '\0';
		if (!run_line(cl, start, len))
			return false;
		start = nl + 1;
		left -= len + 1;
	}
	memmove(cl->buf, start, left);
	cl->len = left;
	if (cl->len == sizeof(cl->buf)) { /* no newline within a whole line's room */
		char reply[64];

		snprintf(reply, sizeof(reply), "error: line longer than %d bytes",
			 SIM_COMMAND_LINE_MAX);
		send_line(cl->w.fd, reply);
		return false;
	}
	return true;
}

static void
on_client(struct sim_watch *w, uint32_t events)
{
	struct ctl_client *cl = SIM_CONTAINER_OF(w, struct ctl_client, w);
	ssize_t n;

	(void)events;
	do
		n = recv(w->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n > 0) {
		cl->len += (size_t)n;
		if (run_lines(cl))
			return;
	} else if (n == 0 && cl->len > 0 && cl->len < sizeof(cl->buf)) {
		/* "printf get | socat": a last line without its newline still
		 * deserves its answer. */
		cl->buf[cl->len] = '\0';
		run_line(cl, cl->buf, cl->len);
	}
	client_free(cl);
}

static void
accept_one(struct sim_control *c, int fd)
{
	struct pue_err err = {0};
	struct ctl_client *cl;

	if (c->n_clients >= MAX_CLIENTS || (cl = calloc(1, sizeof(*cl))) == NULL) {
		send_line(fd, "error: too many control clients");
		close(fd);
		return;
	}
	cl->w.fd = fd;
	cl->w.fn = on_client;
	cl->ctl = c;
	if (sim_loop_add(c->loop, &cl->w, EPOLLIN, &err) < 0) {
		pue_log(LOG_WARNING, "%s", err.msg);
		close(fd);
		free(cl);
		return;
	}
	cl->next = c->clients;
	if (c->clients != NULL)
		c->clients->prev = cl;
	c->clients = cl;
	c->n_clients++;
}

/* The listener is edge-triggered: when accept() fails for want of
 * descriptors the connection waits in the backlog, and the loop does not
 * spin on it; the next connection attempt retries. */
static void
on_accept(struct sim_watch *w, uint32_t events)
{
	struct sim_control *c = SIM_CONTAINER_OF(w, struct sim_control, w);
	int fd;

	(void)events;
	for (;;) {
		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			accept_one(c, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			pue_log_errno(LOG_WARNING, "control: accept");
		return;
	}
}

/* Binds path, replacing a stale socket but never another kind of file. */
static int
bind_path(int fd, const char *path, struct pue_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old;
	int rc;

	if (strlen(path) >= sizeof(sun.sun_path))
		return pue_err_set(err, -ENAMETOOLONG, "control: %s: longer than %zu bytes", path,
				   sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return pue_err_set(err, -EEXIST, "control: %s exists and is not a socket",
					   path);
		unlink(path);
	}
	old = umask(0177); /* the socket file is born 0600 */
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || listen(fd, 16) < 0)
		return pue_err_set(err, -errno, "control: %s: %s", path, strerror(errno));
	return 0;
}

struct sim_control *
sim_control_new(struct sim_loop *loop, const char *path, const struct sim_command_ctx *cx,
		struct pue_err *err)
{
	struct sim_control *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->path = strdup(path)) == NULL) {
		free(c);
		pue_err_set(err, -ENOMEM, "control: out of memory");
		return NULL;
	}
	c->loop = loop;
	c->cx = *cx;
	c->w.fn = on_accept;
	c->w.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->w.fd < 0) {
		pue_err_set(err, -errno, "control: socket: %s", strerror(errno));
		goto fail;
	}
	if (bind_path(c->w.fd, path, err) < 0) {
		free(c->path);
		c->path = NULL; /* not ours to unlink */
		goto fail;
	}
	if (sim_loop_add(loop, &c->w, EPOLLIN | EPOLLET, err) < 0)
		goto fail;
	return c;
fail:
	sim_control_free(c);
	return NULL;
}

void
sim_control_free(struct sim_control *c)
{
	if (c == NULL)
		return;
	while (c->clients != NULL)
		client_free(c->clients);
	if (c->w.fd >= 0) {
		sim_loop_del(c->loop, &c->w);
		close(c->w.fd);
	}
	if (c->path != NULL)
		unlink(c->path);
	free(c->path);
	free(c);
}
