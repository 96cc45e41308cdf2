/* SPDX-License-Identifier: MIT */
/* server.c - listening sockets and client connections; see server.h. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"

/* Edge-triggered: the responder leaves a partial frame in the kernel until
 * the rest arrives, and level-triggered epoll would spin on it meanwhile. */
#define CLIENT_EVENTS (EPOLLIN | EPOLLRDHUP | EPOLLET)

struct listener {
	struct sim_watch w;
	struct sim_server *srv;
	unsigned index; /* the endpoint number of its connections */
	uint16_t port;
};

struct client {
	struct sim_watch w;
	struct sim_server *srv;
	struct client *prev, *next;
	struct sim_conn conn;		 /* fd and endpoint (listener index), held request */
	int64_t hold_timer;		 /* > 0 while a late answer is pending */
	uint16_t port;			 /* which listener it came in on */
	char peer[INET6_ADDRSTRLEN + 8]; /* "addr:port", for log lines */
};

struct sim_server {
	struct sim_loop *loop;		 /* borrowed */
	struct sim_responder *responder; /* borrowed */
	struct listener *listeners;
	unsigned n_listeners;
	struct client *clients; /* doubly linked, newest first */
	bool accept_blocked;	/* accept() ran out of descriptors */
};

#define LISTEN_EVENTS (EPOLLIN | EPOLLET)

static void retry_accept(struct sim_server *s);

static void
client_free(struct client *c)
{
	struct sim_server *s = c->srv;

	if (c->hold_timer > 0)
		sim_loop_cancel(s->loop, c->hold_timer);
	sim_loop_del(s->loop, &c->w);
	close(c->w.fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c);
	if (s->accept_blocked) /* a descriptor came free */
		retry_accept(s);
}

/* A late answer is due: send it, then read the connection again. Re-arming
 * the edge-triggered descriptor queues an event if requests arrived
 * meanwhile (a client that timed out and asked again). */
static void
on_hold_done(void *arg)
{
	struct client *c = arg;
	struct pue_err err = {0};
	int rc;

	c->hold_timer = 0;
	rc = sim_responder_release(c->srv->responder, &c->conn, &err);
	if (rc == SIM_PUMP_WAIT && sim_loop_mod(c->srv->loop, &c->w, CLIENT_EVENTS, &err) == 0)
		return;
	if (rc == SIM_PUMP_CLOSE)
		pue_log(LOG_DEBUG, "modbus: client %s: closed by a fault", c->peer);
	else
		pue_log(LOG_NOTICE, "modbus: client %s: dropped: %s", c->peer, err.msg);
	client_free(c);
}

/* Stops reading c until its held request is answered, so replies keep
 * the order of requests. */
static bool
hold(struct client *c, struct pue_err *err)
{
	int64_t id;

	/* epoll reports hang-ups whatever the mask; edge-triggered, only once. */
	if (sim_loop_mod(c->srv->loop, &c->w, EPOLLET, err) < 0)
		return false;
	id = sim_loop_add_timer(c->srv->loop, c->conn.hold_ms, on_hold_done, c, err);
	if (id < 0)
		return false;
	c->hold_timer = id;
	return true;
}

static void
on_client(struct sim_watch *w, uint32_t events)
{
	struct client *c = SIM_CONTAINER_OF(w, struct client, w);
	struct pue_err err = {0};
	int rc;

	if (c->hold_timer > 0) { /* paused: only a hang-up gets here */
		if (!(events & (EPOLLHUP | EPOLLERR)))
			return;
		pue_log(LOG_DEBUG, "modbus: client %s: hung up while an answer was held", c->peer);
		client_free(c);
		return;
	}
	rc = sim_responder_pump(c->srv->responder, &c->conn, &err);
	switch (rc) {
	case SIM_PUMP_WAIT:
		if (!(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			return;
		pue_log(LOG_DEBUG, "modbus: client %s: hung up in the middle of a frame", c->peer);
		break;
	case SIM_PUMP_MORE:
		/* Re-arming an edge-triggered descriptor that is still readable
		 * queues a new event, so the rest is served after the others. */
		if (sim_loop_mod(c->srv->loop, w, CLIENT_EVENTS, &err) == 0)
			return;
		pue_log(LOG_WARNING, "modbus: client %s: %s", c->peer, err.msg);
		break;
	case SIM_PUMP_HOLD:
		if (hold(c, &err))
			return;
		pue_log(LOG_WARNING, "modbus: client %s: %s", c->peer, err.msg);
		break;
	case SIM_PUMP_CLOSE:
		pue_log(LOG_DEBUG, "modbus: client %s: closed by a fault", c->peer);
		break;
	case SIM_PUMP_EOF:
		pue_log(LOG_DEBUG, "modbus: client %s: closed", c->peer);
		break;
	default:
		pue_log(LOG_NOTICE, "modbus: client %s: dropped: %s", c->peer, err.msg);
		break;
	}
	client_free(c);
}

static void
format_peer(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		port = ntohs(sin6->sin6_port);
	}
	snprintf(buf, size, "%s:%u", addr, port);
}

static void
client_add(struct listener *l, int fd, const struct sockaddr_storage *ss)
{
	struct sim_server *s = l->srv;
	struct pue_err err = {0};
	struct client *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		pue_log(LOG_WARNING, "modbus: port %u: out of memory, connection refused", l->port);
		close(fd);
		return;
	}
	c->w.fd = fd;
	c->w.fn = on_client;
	c->srv = s;
	c->conn.fd = fd;
	c->conn.endpoint = l->index;
	c->port = l->port;
	format_peer(ss, c->peer, sizeof(c->peer));
	if (sim_loop_add(s->loop, &c->w, CLIENT_EVENTS, &err) < 0) {
		pue_log(LOG_WARNING, "modbus: client %s: %s", c->peer, err.msg);
		close(fd);
		free(c);
		return;
	}
	c->next = s->clients;
	if (s->clients != NULL)
		s->clients->prev = c;
	s->clients = c;
	c->conn.id = sim_responder_note_connection(s->responder);
	pue_log(LOG_DEBUG, "modbus: client %s: connected on port %u", c->peer, c->port);
}

static void
on_accept(struct sim_watch *w, uint32_t events)
{
	struct listener *l = SIM_CONTAINER_OF(w, struct listener, w);
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	(void)events;
	for (;;) {
		len = sizeof(ss);
		fd = accept4(w->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* Out of descriptors. The listener is edge-triggered,
			 * so the loop does not spin on the waiting connection;
			 * the next client to leave re-arms it. */
			pue_log_errno(LOG_WARNING, "modbus: port %u: accept", l->port);
			l->srv->accept_blocked = true;
			return;
		}
		if (fd >= FD_SETSIZE) {
			pue_log(LOG_WARNING,
				"modbus: port %u: connection refused: descriptor %d is not below "
				"FD_SETSIZE %d, and libmodbus waits with select()",
				l->port, fd, FD_SETSIZE);
			close(fd);
			continue;
		}
		client_add(l, fd, &ss);
	}
}

/* Re-arming an edge-triggered listener queues an event if connections are
 * waiting in its backlog. */
static void
retry_accept(struct sim_server *s)
{
	struct pue_err err = {0};
	unsigned i;

	s->accept_blocked = false;
	for (i = 0; i < s->n_listeners; i++)
		if (sim_loop_mod(s->loop, &s->listeners[i].w, LISTEN_EVENTS, &err) < 0)
			pue_log(LOG_WARNING, "modbus: %s", err.msg);
}

/* Fills ss from a numeric address, refusing anything but loopback. */
static int
parse_loopback(const char *text, uint16_t port, struct sockaddr_storage *ss, socklen_t *len,
	       struct pue_err *err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr))
			goto not_loopback;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return pue_err_set(err, -EINVAL, "--bind: \"%s\" is not a numeric IPv4 or IPv6 address",
			   text);
not_loopback:
	return pue_err_set(err, -EPERM,
			   "--bind: %s is not a loopback address (127.0.0.0/8 or ::1); the "
			   "simulator serves loopback only",
			   text);
}

int
sim_server_check_bind(const char *addr, struct pue_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return parse_loopback(addr, 0, &ss, &len, err);
}

static int
listen_one(struct sim_server *s, struct listener *l, const char *addr, uint16_t port,
	   struct pue_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, rc;

	if ((rc = parse_loopback(addr, port, &ss, &len, err)) < 0)
		return rc;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pue_err_set(err, -errno, "modbus: socket: %s", strerror(errno));
	l->w.fd = fd; /* from here on sim_server_free() closes it */
	l->w.fn = on_accept;
	l->srv = s;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, SOMAXCONN) < 0)
		return pue_err_set(err, -errno, "modbus: %s port %u: %s", addr, port,
				   strerror(errno));
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return pue_err_set(err, -errno, "modbus: getsockname: %s", strerror(errno));
	l->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return sim_loop_add(s->loop, &l->w, LISTEN_EVENTS, err);
}

struct sim_server *
sim_server_new(struct sim_loop *loop, struct sim_responder *responder,
	       const struct sim_server_conf *conf, struct pue_err *err)
{
	struct sim_server *s;
	unsigned i;

	if (conf->n_listen < 1 || conf->n_listen > SIM_SERVER_MAX_LISTEN ||
	    (conf->port != 0 && conf->port + conf->n_listen - 1 > 65535)) {
		pue_err_set(err, -EINVAL, "modbus: %u listening ports from %u do not fit",
			    conf->n_listen, conf->port);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->listeners = calloc(conf->n_listen, sizeof(*s->listeners))) == NULL) {
		free(s);
		pue_err_set(err, -ENOMEM, "modbus: out of memory");
		return NULL;
	}
	s->loop = loop;
	s->responder = responder;
	for (i = 0; i < conf->n_listen; i++) {
		s->listeners[i].w.fd = -1;
		s->listeners[i].index = i;
		s->n_listeners++;
		if (listen_one(s, &s->listeners[i], conf->bind_addr,
			       conf->port == 0 ? 0 : (uint16_t)(conf->port + i), err) < 0) {
			sim_server_free(s);
			return NULL;
		}
	}
	return s;
}

void
sim_server_free(struct sim_server *s)
{
	unsigned i;

	if (s == NULL)
		return;
	s->accept_blocked = false; /* no re-arming while tearing down */
	while (s->clients != NULL)
		client_free(s->clients);
	for (i = 0; i < s->n_listeners; i++)
		if (s->listeners[i].w.fd >= 0) {
			sim_loop_del(s->loop, &s->listeners[i].w);
			close(s->listeners[i].w.fd);
		}
	free(s->listeners);
	free(s);
}

unsigned
sim_server_n_ports(const struct sim_server *s)
{
	return s->n_listeners;
}

uint16_t
sim_server_port(const struct sim_server *s, unsigned i)
{
	return s->listeners[i].port;
}
