/* SPDX-License-Identifier: MIT */
/*
 * server.h - the simulator's Modbus TCP listening sockets and connections.
 *
 * Opens one or more listening sockets on a loopback address (this project
 * may only use loopback) and serves any number of clients on each from the
 * shared event loop. Listener i is endpoint i for the responder (which
 * meters answer there, which faults apply). Bytes on a
 * connection go to the responder. A client that hangs up or sends garbage
 * is dropped alone. Connections whose descriptor is >= FD_SETSIZE are
 * refused, because libmodbus waits with select(). Main thread only.
 */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdint.h>

#include "util/err.h"
#include "loop.h"
#include "responder.h"

#define SIM_SERVER_MAX_LISTEN 256

struct sim_server_conf {
	const char *bind_addr; /* numeric: 127.0.0.0/8 or ::1 */
	uint16_t port;	       /* first port; 0 lets the kernel pick each one */
	unsigned n_listen;     /* 1..SIM_SERVER_MAX_LISTEN; with port > 0 they are
				* port, port + 1, ... */
};

struct sim_server; /* opaque */

/* Checks that addr is a numeric loopback address. Returns 0, or -EINVAL /
 * -EPERM with err filled ("--bind: ..."). */
int sim_server_check_bind(const char *addr, struct pue_err *err);

/* Binds and listens, registering with loop. loop and responder are
 * borrowed and must outlive the server. NULL with err filled on failure.
 * Free with sim_server_free(). */
struct sim_server *sim_server_new(struct sim_loop *loop, struct sim_responder *responder,
				  const struct sim_server_conf *conf, struct pue_err *err);

/* Closes every connection and listening socket, and frees s. NULL is
 * accepted. */
void sim_server_free(struct sim_server *s);

unsigned sim_server_n_ports(const struct sim_server *s);

/* The port the i-th listening socket got (i < sim_server_n_ports()). */
uint16_t sim_server_port(const struct sim_server *s, unsigned i);

#endif
