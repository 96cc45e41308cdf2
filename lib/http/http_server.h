/* SPDX-License-Identifier: MIT */
/*
 * http_server.h - the HTTP listener (http: in pued.yaml): /metrics for
 * Prometheus, and whatever else the route table names.
 *
 * Built on libmicrohttpd, which parses every byte from the network: pued
 * has no HTTP parser of its own. MHD runs its own thread (epoll inside),
 * bounded in connections at once (http.max_connections, and per client
 * address), in request size (PUE_HTTP_MEMORY_LIMIT for a request's line
 * and headers; a body is never read) and in time (http.timeout for an
 * idle connection). Only GET and HEAD are answered.
 *
 * That thread never touches pued's live state: a route's handler returns
 * bytes the main loop published (blob.h), with a reference the server
 * drops once they are sent, so a scrape never waits for a poll and a poll
 * never waits for a scrape.
 *
 * The listening socket is pued's, watched by the main loop, which accepts
 * each connection, moves it above the descriptors libmodbus needs
 * (fd_policy.h) and hands it to MHD; a connection over the limits is closed
 * at once, and counted. With web_config_file, the listener speaks TLS
 * (GnuTLS inside MHD) and asks for basic authentication (http_auth.h).
 *
 * pue_http_server_new() and pue_http_server_free() on the main thread; handlers on the
 * server's thread.
 */
#ifndef PUE_HTTP_SERVER_H
#define PUE_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "util/blob.h"
#include "config/config.h"
#include "util/err.h"
#include "util/loop.h"

/* Bytes MHD may use per connection, the request's line and headers
 * included: a larger request is answered 431 or 414 and closed. */
#define PUE_HTTP_MEMORY_LIMIT (16 * 1024)
#define PUE_HTTP_MAX_ROUTES 8

/* What a handler may see of a request (borrowed for the call). */
struct pue_http_request {
	const char *path;   /* "/metrics"; the query string is not part of it */
	const char *accept; /* the Accept header, NULL when absent */
};

/* Runs on the server's thread: may read what arg points to and published
 * blobs only. Returns a new reference to the answer's bytes and type (200
 * OK), or NULL for 503 (nothing published yet). */
typedef struct pue_blob *(*pue_http_handler)(void *arg, const struct pue_http_request *req);

/* One path, exactly ("/metrics" is not "/metrics/"). */
struct pue_http_route {
	const char *path; /* static */
	pue_http_handler handler;
	void *arg;
};

struct pue_http; /* opaque */

/* Listens on conf's address and port and serves routes[0..n) (copied;
 * each arg must outlive the server). running (may be NULL) is the
 * listener a reload replaces: on the same address and port, the new one
 * listens on its very socket, so scrapers never find the port closed.
 * conf and loop are borrowed and must outlive the result. NULL with err
 * set: the address in use, a certificate MHD refuses, out of memory. */
struct pue_http *pue_http_server_new(const struct pue_http_conf *conf, struct pue_loop *loop,
				     const struct pue_http_route *routes, size_t n,
				     const struct pue_http *running, struct pue_err *err);

/* Closes the listener and every connection (a response being sent is cut
 * off), after MHD's thread has stopped. NULL is accepted. */
void pue_http_server_free(struct pue_http *h);

/* Arms the end of the listener's rest again when its timer could not be
 * armed (timer.h). Returns 1 while it still fails. NULL is accepted. */
size_t pue_http_server_rearm(struct pue_http *h);

/* The port it listens on (the kernel's choice for port 0). */
uint16_t pue_http_server_port(const struct pue_http *h);

/* Counts since the start, for the metrics (any thread). */
struct pue_http_server_stats {
	uint64_t accepted;     /* connections handed to MHD */
	uint64_t refused;      /* closed at once: over a limit */
	uint64_t requests;     /* answered, any status */
	uint64_t unauthorized; /* answered 401 */
};
void pue_http_server_stats(const struct pue_http *h, struct pue_http_server_stats *out);

/* A handler that answers with the blob arg (a struct pue_blob *, which the
 * caller keeps alive): a fixed page. */
struct pue_blob *pue_http_server_serve_blob(void *arg, const struct pue_http_request *req);

#endif
