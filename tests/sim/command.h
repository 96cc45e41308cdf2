/* SPDX-License-Identifier: MIT */
/*
 * command.h - the simulator's control commands, one line in, one line out.
 *
 *   get                       {"facility_kw":960.000,"it_kw":800.000,
 *                              "pue":1.200000,"requests":N}  (one line)
 *   get TARGET                {"unit":U,"power_kw":P,"energy_kwh":E}
 *   set facility_kw KW        ok
 *   set it_kw KW              ok
 *   fault TARGET MODE         ok   (MODE: none, noanswer, exception, close,
 *                                   wronglen, slow MS, otherunit UNIT,
 *                                   mbaplen, twice, retransmit MS, or
 *                                   reset: the target's
 *                                   energy counters restart at 0)
 *   stats [TARGET]            {"requests":N,"fc03":A,"fc04":B,"other":C,
 *                              "connections":K}  (K: accepted, or for a
 *                              TARGET the connections that asked it)
 *   stats reset               ok   (every count back to 0)
 *   anything else             error: unknown command "LINE"
 *
 * TARGET is a unit id 0..255 on every endpoint ("3"; for get, the first
 * port), or on one endpoint: "PORT:UNIT" with a TCP port the simulator
 * listens on, or "rtu:UNIT" for the serial bus. Bad arguments to a known
 * command also give one "error: ..." line. This is the protocol only;
 * control.c carries the lines over the UNIX socket. Main thread only.
 */
#ifndef SIM_COMMAND_H
#define SIM_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "util/clock.h"
#include "fault.h"
#include "hall.h"
#include "meters.h"
#include "responder.h"
#include "server.h"

/* Longest command line accepted, newline excluded. */
#define SIM_COMMAND_LINE_MAX 256
/* Room for the longest reply: an error that quotes a whole line. */
#define SIM_COMMAND_REPLY_MAX (SIM_COMMAND_LINE_MAX + 64)

/* What commands act on; all borrowed. */
struct sim_command_ctx {
	struct sim_hall *hall;
	struct sim_meters *meters;
	struct sim_faults *faults;
	struct sim_responder *responder;
	const struct sim_server *server; /* its ports are endpoints 0..n-1 */
	bool have_rtu;			 /* the RTU bus is endpoint n */
	const struct pue_clock *clock;
};

/* Runs line (NUL-terminated, without its newline; any bytes) and writes
 * the reply, without a newline, to reply (size >= SIM_COMMAND_REPLY_MAX). */
void sim_command_run(const struct sim_command_ctx *cx, const char *line, char *reply, size_t size);

#endif
