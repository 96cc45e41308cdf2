/* SPDX-License-Identifier: MIT */
/* http_server.c - the HTTP listener on libmicrohttpd (loaded by http_mhd.c);
 * see http_server.h. */
#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/fd_policy.h"
#include "poll/health.h" /* PUE_HEALTH_SUMMARY_MS: one pace for repeated trouble */
#include "http/http_auth.h"
#include "http/http_mhd.h"
#include "util/log.h"
#include "util/timer.h"

/* Connections accepted per wake of the loop: a storm is taken in slices,
 * so timers due meanwhile run between them. */
#define ACCEPT_BATCH 64
/* A full queue of connections not accepted yet: more wait in the kernel's
 * SYN handling, not in pued. */
#define BACKLOG 1024
/* After EMFILE or ENFILE from accept(), the listener rests this long, since
 * a level-triggered descriptor that cannot be accepted would wake the loop
 * at once, forever. */
#define REST_MS 100

enum answer { A_404, A_405, A_401, A_413, A_503, A_500, A_COUNT };

struct pue_http {
	const struct pue_http_conf *conf;
	struct pue_loop *loop;
	struct pue_mhd lib; /* libmicrohttpd's functions (http_mhd.h) */
	struct MHD_Daemon *mhd;
	int fd;		       /* the listening socket, or -1 */
	bool watching;	       /* fd is in the loop */
	struct pue_timer rest; /* the end of a rest after EMFILE (REST_MS) */
	bool watch_failed;     /* the loop could not watch fd again (logged) */
	uint16_t port;
	char where[INET6_ADDRSTRLEN + 16]; /* "127.0.0.1:9725", "[::1]:9725" */
	struct pue_http_route routes[PUE_HTTP_MAX_ROUTES];
	size_t n_routes;
	struct pue_http_auth *auth;	     /* NULL: no users */
	struct MHD_Response *fixed[A_COUNT]; /* error answers, made once */
	atomic_bool starting;		     /* MHD_start_daemon() runs */
	char start_error[200];		     /* MHD's complaint meanwhile */
	_Atomic uint64_t accepted, refused, requests, unauthorized;
	/* Refusals, logged once an episode and then every few minutes. */
	uint64_t refused_told;
	pue_mono_t refused_told_at;
};

/* Messages from MHD: during the start, the reason it failed; afterwards
 * (on MHD's thread) a client's broken TLS handshake and the like, at debug
 * level: one per connection would flood the log in a storm. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct pue_http *h = cls;
	char msg[300];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (atomic_load(&h->starting))
		snprintf(h->start_error, sizeof(h->start_error), "%s", msg);
	else
		pue_log(LOG_DEBUG, "http %s: %s", h->where, msg);
}

static void
unref_blob(void *cls)
{
	pue_blob_unref(cls);
}

static enum MHD_Result
queue_fixed(struct pue_http *h, struct MHD_Connection *c, unsigned status, enum answer a)
{
	return h->lib.queue_response(c, status, h->fixed[a]);
}

static bool
authorized(struct pue_http *h, struct MHD_Connection *c)
{
	char *pass = NULL, *user = h->lib.basic_auth_get_username_password(c, &pass);
	bool ok = pue_http_auth_check(h->auth, user, pass);

	if (pass != NULL)
		explicit_bzero(pass, strlen(pass));
	h->lib.free(user);
	h->lib.free(pass);
	return ok;
}

static bool
has_body(struct pue_http *h, struct MHD_Connection *c)
{
	const char *len =
		h->lib.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (len != NULL && strcmp(len, "0") != 0) ||
	       h->lib.lookup_connection_value(c, MHD_HEADER_KIND,
					      MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

/* MHD's access handler, on its thread: called once the request's headers
 * are in, and again as the request goes on. */
static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct pue_http *h = cls;
	const struct pue_http_route *r = NULL;
	struct pue_http_request req;
	struct MHD_Response *resp;
	struct pue_blob *b;
	enum MHD_Result rc;
	size_t i;

	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		/* The headers are in. A request pued does not answer, or one
		 * with a body, is answered now and its connection closed, so
		 * the body is never read; a GET gets its answer in the next
		 * call, which MHD makes once the request is complete, so that
		 * the connection may be kept alive. */
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
			atomic_fetch_add(&h->requests, 1);
			return queue_fixed(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, A_405);
		}
		if (has_body(h, c)) {
			atomic_fetch_add(&h->requests, 1);
			return queue_fixed(h, c, MHD_HTTP_CONTENT_TOO_LARGE, A_413);
		}
		*con_cls = h;
		return MHD_YES;
	}
	if (*upload_data_size != 0) { /* has_body() missed it: never read it */
		*upload_data_size = 0;
		return MHD_NO;
	}
	atomic_fetch_add(&h->requests, 1);
	for (i = 0; i < h->n_routes && r == NULL; i++)
		if (strcmp(url, h->routes[i].path) == 0)
			r = &h->routes[i];
	if (r == NULL)
		return queue_fixed(h, c, MHD_HTTP_NOT_FOUND, A_404);
	if (h->auth != NULL && !authorized(h, c)) {
		atomic_fetch_add(&h->unauthorized, 1);
		return h->lib.queue_basic_auth_fail_response(c, "pued", h->fixed[A_401]);
	}
	req = (struct pue_http_request){
		.path = url,
		.accept =
			h->lib.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
	};
	if ((b = r->handler(r->arg, &req)) == NULL)
		return queue_fixed(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, A_503);
	resp = h->lib.create_response_from_buffer_with_free_callback_cls(b->len, b->data,
									 unref_blob, b);
	if (resp == NULL) {
		pue_blob_unref(b);
		return queue_fixed(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR, A_500);
	}
	h->lib.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, b->content_type);
	h->lib.add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = h->lib.queue_response(c, MHD_HTTP_OK, resp);
	h->lib.destroy_response(resp); /* MHD holds its own reference while sending */
	return rc;
}

struct pue_blob *
pue_http_server_serve_blob(void *arg, const struct pue_http_request *req)
{
	(void)req;
	return pue_blob_ref(arg);
}

static int
make_fixed(struct pue_http *h)
{
	static const char *const text[A_COUNT] = {
		[A_404] = "not found: pued serves /metrics\n",
		[A_405] = "method not allowed: GET and HEAD only\n",
		[A_401] = "authentication required\n",
		[A_413] = "a request to pued has no body\n",
		[A_503] = "no figures yet: pued has just started\n",
		[A_500] = "out of memory\n",
	};
	size_t i;

	for (i = 0; i < A_COUNT; i++) {
		h->fixed[i] = h->lib.create_response_from_buffer(strlen(text[i]), (void *)text[i],
								 MHD_RESPMEM_PERSISTENT);
		if (h->fixed[i] == NULL ||
		    h->lib.add_response_header(h->fixed[i], MHD_HTTP_HEADER_CONTENT_TYPE,
					       "text/plain; charset=utf-8") != MHD_YES)
			return -ENOMEM;
	}
	if (h->lib.add_response_header(h->fixed[A_405], MHD_HTTP_HEADER_ALLOW, "GET, HEAD") !=
	    MHD_YES)
		return -ENOMEM;
	return 0;
}

/* Refusals are the limits doing their work: said once, then counted. */
static void
tell_refused(struct pue_http *h)
{
	pue_mono_t now = pue_clock_real();
	uint64_t n = atomic_load(&h->refused);

	if (h->refused_told != 0 &&
	    pue_mono_diff_ms(now, h->refused_told_at) < (int64_t)PUE_HEALTH_SUMMARY_MS)
		return;
	if (h->refused_told == 0)
		pue_log(LOG_WARNING,
			"http %s: refusing connections over the limits (%u at once, %u per "
			"address)",
			h->where, h->conf->max_connections, h->conf->max_per_ip);
	else
		pue_log(LOG_WARNING, "http %s: %llu connections refused since the last report",
			h->where, (unsigned long long)(n - h->refused_told));
	h->refused_told = n;
	h->refused_told_at = now;
}

static void on_listen(void *arg, int fd, uint32_t events);

static void
rest_over(void *arg)
{
	struct pue_http *h = arg;

	int rc = pue_loop_add_fd(h->loop, h->fd, EPOLLIN, on_listen, h);

	if (rc == 0) {
		if (h->watch_failed)
			pue_log(LOG_NOTICE, "http %s: listening again", h->where);
		h->watch_failed = false;
		h->watching = true;
		return;
	}
	/* epoll out of memory: deaf until it takes the socket again */
	if (!h->watch_failed)
		pue_log(LOG_ERR, "http %s: cannot watch the listening socket: %s; trying again",
			h->where, strerror(-rc));
	h->watch_failed = true;
	pue_timer_arm(&h->rest, pue_mono_add_ms(pue_clock_real(), REST_MS));
}

static void
rest(struct pue_http *h, int e)
{
	pue_log(LOG_WARNING, "http %s: accept: %s; listening again in %d ms", h->where, strerror(e),
		REST_MS);
	pue_loop_del_fd(h->loop, h->fd);
	h->watching = false;
	/* A failure is logged, and retried by pue_http_server_rearm(). */
	pue_timer_arm(&h->rest, pue_mono_add_ms(pue_clock_real(), REST_MS));
}

static void
on_listen(void *arg, int fd, uint32_t events)
{
	struct pue_http *h = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	int c, i;

	(void)events;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		len = sizeof(ss);
		c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				rest(h, errno);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				pue_log_errno(LOG_WARNING, "http %s: accept", h->where);
			return;
		}
		/* MHD closes it in any case, and refuses it over a limit. */
		if (h->lib.add_connection(h->mhd, pue_fd_policy_move_high(c),
					  (struct sockaddr *)&ss, len) == MHD_YES)
			atomic_fetch_add(&h->accepted, 1);
		else {
			atomic_fetch_add(&h->refused, 1);
			tell_refused(h);
		}
	}
}

/* The running listener serves c's address and port: the same port, or
 * any port for both (port: 0, which keeps the one it got). */
static bool
same_place(const struct pue_http_conf *c, const struct pue_http *running)
{
	return strcmp(c->listen, running->conf->listen) == 0 &&
	       (c->port == running->port || (c->port == 0 && running->conf->port == 0));
}

static int
open_listener(struct pue_http *h, const struct pue_http *running, struct pue_err *err)
{
	const struct pue_http_conf *c = h->conf;
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);
	int one = 1;

	if (running != NULL && running->fd >= 0 && same_place(c, running)) {
		if ((h->fd = fcntl(running->fd, F_DUPFD_CLOEXEC, 0)) < 0)
			return pue_err_set(err, -errno, "http %s: %s", running->where,
					   strerror(errno));
		h->fd = pue_fd_policy_move_high(h->fd);
		h->port = running->port;
		snprintf(h->where, sizeof(h->where), "%s", running->where);
		return 0;
	}
	if (inet_pton(AF_INET, c->listen, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(c->port);
		len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, c->listen, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(c->port);
		len = sizeof(*v6);
	} else
		return pue_err_set(err, -EINVAL, "http: %s is not a numeric address", c->listen);
	snprintf(h->where, sizeof(h->where), ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 c->listen, c->port);
	h->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return pue_err_set(err, -errno, "http %s: socket: %s", h->where, strerror(errno));
	h->fd = pue_fd_policy_move_high(h->fd);
	/* A restart binds again at once, past the old connections' TIME_WAIT. */
	setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(h->fd, (struct sockaddr *)&ss, len) < 0 || listen(h->fd, BACKLOG) < 0)
		return pue_err_set(err, -errno, "http %s: cannot listen: %s", h->where,
				   strerror(errno));
	len = sizeof(ss);
	if (getsockname(h->fd, (struct sockaddr *)&ss, &len) < 0)
		return pue_err_set(err, -errno, "http %s: %s", h->where, strerror(errno));
	h->port = ntohs(ss.ss_family == AF_INET6 ? v6->sin6_port : v4->sin_port);
	snprintf(h->where, sizeof(h->where), ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 c->listen, h->port);
	return 0;
}

static int
start_mhd(struct pue_http *h, struct pue_err *err)
{
	const struct pue_http_conf *c = h->conf;
	bool tls = c->tls_cert_pem != NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0);
	struct MHD_OptionItem ops[] = {
		{MHD_OPTION_CONNECTION_LIMIT, c->max_connections, NULL},
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_per_ip, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)((c->timeout_ms + 999) / 1000), NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, PUE_HTTP_MEMORY_LIMIT, NULL},
		{MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, h},
		/* Last: without TLS the array ends at the first of them. */
		{tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, c->tls_cert_pem},
		{tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, c->tls_key.value},
		{MHD_OPTION_END, 0, NULL},
	};

	if (tls && h->lib.is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return pue_err_set(err, -ENOTSUP, "http %s: this libmicrohttpd has no TLS",
				   h->where);
	atomic_store(&h->starting, true);
	h->mhd = h->lib.start_daemon(flags, 0, NULL, NULL, answer, h, MHD_OPTION_ARRAY, ops,
				     MHD_OPTION_END);
	atomic_store(&h->starting, false);
	if (h->mhd == NULL)
		return pue_err_set(err, -EINVAL, "http %s: cannot start: %s%s", h->where,
				   h->start_error[0] ? h->start_error : "libmicrohttpd refused",
				   tls ? " (is the TLS certificate's key the key_file?)" : "");
	return 0;
}

static bool
is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

struct pue_http *
pue_http_server_new(const struct pue_http_conf *conf, struct pue_loop *loop,
		    const struct pue_http_route *routes, size_t n, const struct pue_http *running,
		    struct pue_err *err)
{
	struct pue_http *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL || n > PUE_HTTP_MAX_ROUTES) {
		pue_err_set(err, -ENOMEM, "http: out of memory");
		free(h);
		return NULL;
	}
	h->fd = -1;
	h->conf = conf;
	h->loop = loop;
	pue_timer_init(&h->rest, loop, true, rest_over, h, "http: the end of the listener's rest");
	memcpy(h->routes, routes, n * sizeof(*routes));
	h->n_routes = n;
	if (pue_http_mhd_open(&h->lib, err) < 0)
		goto fail;
	if ((rc = make_fixed(h)) < 0 ||
	    (conf->n_users > 0 &&
	     (h->auth = pue_http_auth_new(conf->users, conf->n_users)) == NULL)) {
		pue_err_set(err, -ENOMEM, "http: out of memory");
		goto fail;
	}
	if (open_listener(h, running, err) < 0 || start_mhd(h, err) < 0)
		goto fail;
	if ((rc = pue_loop_add_fd(loop, h->fd, EPOLLIN, on_listen, h)) < 0) {
		pue_err_set(err, rc, "http %s: %s", h->where, strerror(-rc));
		goto fail;
	}
	h->watching = true;
	pue_log(LOG_INFO, "http: listening on %s (%s%s)", h->where,
		conf->tls_cert_pem ? "TLS" : "plain HTTP",
		conf->n_users ? ", basic authentication" : "");
	if (!is_loopback(conf->listen) && (conf->tls_cert_pem == NULL || conf->n_users == 0))
		pue_log(LOG_WARNING,
			"http %s: reachable beyond this host without %s; see pued.yaml(5), "
			"web_config_file",
			h->where, conf->tls_cert_pem == NULL ? "TLS" : "authentication");
	return h;
fail:
	pue_http_server_free(h);
	return NULL;
}

void
pue_http_server_free(struct pue_http *h)
{
	size_t i;

	if (h == NULL)
		return;
	if (h->watching)
		pue_loop_del_fd(h->loop, h->fd);
	pue_timer_cancel(&h->rest);
	if (h->mhd != NULL)
		h->lib.stop_daemon(h->mhd); /* joins its thread: no handler runs after */
	if (h->fd >= 0)
		close(h->fd);
	for (i = 0; i < A_COUNT; i++)
		if (h->fixed[i] != NULL)
			h->lib.destroy_response(h->fixed[i]);
	pue_http_mhd_close(&h->lib);
	pue_http_auth_free(h->auth);
	free(h);
}

size_t
pue_http_server_rearm(struct pue_http *h)
{
	return h != NULL && pue_timer_retry(&h->rest);
}

uint16_t
pue_http_server_port(const struct pue_http *h)
{
	return h->port;
}

void
pue_http_server_stats(const struct pue_http *h, struct pue_http_server_stats *out)
{
	out->accepted = atomic_load(&h->accepted);
	out->refused = atomic_load(&h->refused);
	out->requests = atomic_load(&h->requests);
	out->unauthorized = atomic_load(&h->unauthorized);
}
