/* SPDX-License-Identifier: MIT */
/*
 * resolve.h - host names to numeric addresses, off the main loop.
 *
 * net-snmp resolves a peer's name with a blocking getaddrinfo() when a
 * session opens: on the main loop a slow or dead DNS server would stall
 * every device, the control socket and the alerts for its timeouts. A
 * lookup here runs getaddrinfo() on a thread of its own and reports to the
 * loop through an eventfd. A lookup whose owner goes away (reload, stop)
 * is abandoned: its thread finishes in its own time and frees it, and the
 * owner never hears of it. Main thread, but for the lookup threads.
 */
#ifndef PUE_RESOLVE_H
#define PUE_RESOLVE_H

#include <stdbool.h>

#include "util/err.h"
#include "util/loop.h"

/* Longest numeric address written: an IPv6 address. */
#define PUE_ADDR_MAX 64

/* True for an IPv4 or IPv6 address written as numbers (no lookup needed). */
bool pue_resolve_host_is_numeric(const char *host);

struct pue_lookup; /* opaque */

/* The result: numeric is the first UDP-capable address (IPv4 or IPv6), or
 * NULL with error saying why. The lookup is over when this runs: the owner
 * forgets its pointer and must not cancel it. */
typedef void (*pue_lookup_cb)(void *arg, const char *numeric, const char *error);

/* Starts resolving host. NULL with err set when no thread or eventfd could
 * be made. */
struct pue_lookup *pue_resolve_start(struct pue_loop *loop, const char *host, pue_lookup_cb cb,
				     void *arg, struct pue_err *err);

/* Abandons a lookup not yet reported: cb never runs. NULL is accepted. */
void pue_resolve_cancel(struct pue_lookup *l);

#endif
