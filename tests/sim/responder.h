/* SPDX-License-Identifier: MIT */
/*
 * responder.h - answers Modbus TCP requests from the hall's meters.
 *
 * The server hands over a connected socket when it is readable; the
 * responder takes every complete request waiting on it, picks the unit's
 * register mapping by the unit id in the MBAP header, refreshes it from
 * the model at the current simulated time, and replies through libmodbus.
 * It never blocks: a partial frame stays in the kernel until the rest
 * arrives (see responder.c for why that matters with libmodbus).
 * Main thread only.
 */
#ifndef SIM_RESPONDER_H
#define SIM_RESPONDER_H

#include <stdint.h>

#include "clock.h"
#include "err.h"
#include "fault.h"
#include "hall.h"

struct sim_responder; /* opaque */

/* Returns a responder for every meter of hall. hall, faults and clock are
 * borrowed and must outlive it. NULL with err filled on failure. Free with
 * sim_responder_free(). */
struct sim_responder *sim_responder_new(struct sim_hall *hall, const struct sim_faults *faults,
					const struct pue_clock *clock, struct pue_err *err);

/* Frees r. NULL is accepted. */
void sim_responder_free(struct sim_responder *r);

enum sim_pump {
	SIM_PUMP_WAIT = 0, /* everything complete was served; wait for more data */
	SIM_PUMP_MORE = 1, /* the per-call budget ran out; call again soon */
	SIM_PUMP_EOF = 2,  /* the peer closed the connection */
};

/* Serves the complete requests buffered on fd (non-blocking, below
 * FD_SETSIZE), at most a fixed budget per call so one busy client cannot
 * starve the others. Returns an enum sim_pump, or a negative code with err
 * filled when the client must be dropped (protocol violation, send
 * failure). */
int sim_responder_pump(struct sim_responder *r, int fd, struct pue_err *err);

/* Requests received since start, answered or not. */
uint64_t sim_responder_requests(const struct sim_responder *r);

#endif
