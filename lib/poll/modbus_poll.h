/* SPDX-License-Identifier: MIT */
/*
 * modbus_poll.h - polling Modbus TCP and RTU devices through libmodbus.
 *
 * First step of the data flow (device -> reading). Devices that share a
 * connection are polled strictly one request at a time on it, the due ones
 * in one worker job; different connections are polled in parallel on the
 * worker pool, because libmodbus calls block. A connection is an RTU bus,
 * or a TCP host:port (a gateway with several unit ids, or one meter), which
 * gets modbus.connections of them (default 1): the link's unit ids are
 * dealt to its connections round robin in the order they first appear,
 * and every device of one unit id keeps to one connection, so its
 * requests stay in order. The pool grows to one thread per busy
 * connection, so a dead or slow device only delays its own connection.
 * Each device polls on its own timer (deadline + interval, no drift;
 * connections spread over the interval at start; capped exponential
 * backoff while down, and then one try per probe instead of 1 + retries).
 * A poll stops at the first read that gets no answer (or loses the
 * connection): the rest would only wait out the same timeout.
 *
 * libmodbus 3.1.6 waits with select(), even inside modbus_connect(), so a
 * descriptor >= 1024 would overflow its fd_set before any check after the
 * connect could refuse it (fd_policy.h). The poller therefore reserves one
 * descriptor below 1024 per connection (a /dev/null placeholder), and the
 * connection's socket or tty is always moved onto that number with dup3()
 * before libmodbus sees it; a closed connection gets its placeholder back,
 * so the number stays reserved. The TCP connect is done here (poll(), not
 * select()) for the same reason.
 * Main thread only (workers touch only the job they run and its link).
 */
#ifndef PUE_MODBUS_POLL_H
#define PUE_MODBUS_POLL_H

#include "util/fd_policy.h"
#include "poll/poller.h"

/* The Modbus poller (poller.h). Its new() reserves a descriptor below
 * PUE_MODBUS_FD_LIMIT for each connection before it starts the timers, and
 * fails when the low descriptors are already taken. Its free() waits for
 * requests in flight to end (a worker's read is cut short) and closes
 * every connection. */
extern const struct pue_poller_ops pue_modbus_poll_ops;

#endif
