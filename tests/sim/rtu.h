/* SPDX-License-Identifier: MIT */
/*
 * rtu.h - the simulator's Modbus RTU bus (--rtu PATH --baud N).
 *
 * Serves the hall's meters over a serial line: in tests one end of a
 * pseudo-terminal pair made by socat, whose other end pued opens as its
 * RS-485 adapter. libmodbus's RTU backend opens the line (termios) and
 * sends the replies; the requests are framed here, because libmodbus's
 * receive filters on one slave address and a bus carries many. A request
 * is 8 bytes (unit, function, address, quantity, CRC); bytes that do not
 * make one are dropped one at a time until a valid CRC lines up again, and
 * a partial frame left alone for 100 ms is discarded, as a serial slave
 * does after the 3.5-character silence.
 *
 * Faults apply per unit on the bus's endpoint. A slow unit is busy until
 * its late answer goes out and ignores requests meanwhile, as a real
 * slave does; other units keep answering. `close` has no connection to
 * close on a serial line and makes the unit silent. Main thread only.
 */
#ifndef SIM_RTU_H
#define SIM_RTU_H

#include "util/err.h"
#include "loop.h"
#include "responder.h"

struct sim_rtu_conf {
	const char *path;  /* the tty, e.g. a socat pty link */
	unsigned baud;	   /* termios speed, e.g. 19200 */
	unsigned endpoint; /* the bus's endpoint number (fault.h) */
};

struct sim_rtu; /* opaque */

/* Opens the line and registers with loop. loop and responder are borrowed
 * and must outlive the bus. NULL with err filled on failure. Free with
 * sim_rtu_free(). */
struct sim_rtu *sim_rtu_new(struct sim_loop *loop, struct sim_responder *responder,
			    const struct sim_rtu_conf *conf, struct pue_err *err);

/* Closes the line and frees b. NULL is accepted. */
void sim_rtu_free(struct sim_rtu *b);

#endif
