/* SPDX-License-Identifier: MIT */
/*
 * modbus_poll.h - polling Modbus TCP and RTU devices through libmodbus.
 *
 * First step of the data flow (device -> reading). Devices that share a
 * link (a TCP host:port, e.g. a gateway with several unit ids, or one RTU
 * bus) are polled strictly one request at a time on that link, the due
 * ones in one worker job; different links are polled in parallel on the
 * worker pool, because libmodbus calls block. The pool grows to one thread
 * per busy link, so a dead or slow device only delays its own link. Each
 * device polls on its own timer (deadline + interval, no drift; links
 * spread over the interval at start; capped exponential backoff while
 * down, and then one try per probe instead of 1 + retries). A poll stops
 * at the first read that gets no answer (or loses the connection): the
 * rest would only wait out the same timeout.
 *
 * libmodbus 3.1.6 waits with select(), even inside modbus_connect(), so a
 * descriptor >= 1024 would overflow its fd_set before any check after the
 * connect could refuse it. pue_modbus_new() therefore reserves one
 * descriptor below 1024 per link (a /dev/null placeholder) and the link's
 * socket or tty is always moved onto that number with dup3() before
 * libmodbus sees it; a closed link gets its placeholder back, so the
 * number stays reserved. The TCP connect is done here (poll(), not
 * select()) for the same reason.
 * Main thread only (workers touch only the job they run and its link).
 */
#ifndef PUE_MODBUS_POLL_H
#define PUE_MODBUS_POLL_H

#include <stddef.h>

#include "clock.h"
#include "config.h"
#include "energy.h"
#include "err.h"
#include "health.h"
#include "loop.h"

/* Descriptors from this value up are never handed to libmodbus. */
#define PUE_MODBUS_FD_LIMIT 1024

/* Where readings go. Called on the main thread. */
struct pue_poll_sink {
	void *arg;
	/* One decoded reading of cfg->devices[device].points[point].
	 * Returns 0, or a negative code with err set when the reading was
	 * rejected as impossible (engine.h): the sink has logged it, the
	 * poller only counts it against the device's health. */
	int (*reading)(void *arg, size_t device, size_t point, const struct pue_reading *r,
		       struct pue_err *err);
	/* A poll of cfg->devices[device] finished (its health is updated). */
	void (*polled)(void *arg, size_t device);
};

struct pue_modbus; /* opaque */

/* Sets up every Modbus device of cfg (others are skipped), reserves a
 * descriptor below PUE_MODBUS_FD_LIMIT for each link, and starts their
 * timers on loop. cfg, loop, clock and sink are borrowed and must outlive
 * the result. Never waits for a device. NULL on failure (err set), e.g.
 * when the low descriptors are already taken. */
struct pue_modbus *pue_modbus_new(const struct pue_config *cfg, struct pue_loop *loop,
				  const struct pue_clock *clock, const struct pue_poll_sink *sink,
				  struct pue_err *err);

/* Cancels timers, waits for requests in flight to end, closes every link.
 * NULL is accepted. */
void pue_modbus_free(struct pue_modbus *m);

/* A device whose next poll could not be armed (the loop out of memory) is
 * logged at LOG_ERR and left unpolled until this arms it again; the
 * service calls it from its 1 s tick. Returns how many are still unarmed. */
size_t pue_modbus_rearm(struct pue_modbus *m);

/* Health of a device, or NULL when it is not a Modbus device. */
const struct pue_health *pue_modbus_health(const struct pue_modbus *m, size_t device);

/* Reads per poll after merging (the requests a healthy poll needs). */
size_t pue_modbus_reads_per_poll(const struct pue_modbus *m, size_t device);

#endif
