/* SPDX-License-Identifier: MIT */
/*
 * command.h - the simulator's control commands, one line in, one line out.
 *
 *   get                          {"facility_kw":960.000,"it_kw":800.000,
 *                                 "pue":1.200000,"requests":N}  (one line)
 *   set facility_kw KW           ok
 *   set it_kw KW                 ok
 *   fault UNIT MODE              ok   (MODE: none, noanswer, exception)
 *   anything else                error: unknown command "LINE"
 *
 * Bad arguments to a known command also give one "error: ..." line. This is
 * the protocol only; control.c carries the lines over the UNIX socket.
 * Main thread only.
 */
#ifndef SIM_COMMAND_H
#define SIM_COMMAND_H

#include <stddef.h>

#include "clock.h"
#include "fault.h"
#include "hall.h"
#include "responder.h"

/* Longest command line accepted, newline excluded. */
#define SIM_COMMAND_LINE_MAX 256
/* Room for the longest reply: an error that quotes a whole line. */
#define SIM_COMMAND_REPLY_MAX (SIM_COMMAND_LINE_MAX + 64)

/* What commands act on; all borrowed. */
struct sim_command_ctx {
	struct sim_hall *hall;
	struct sim_faults *faults;
	const struct sim_responder *responder;
	const struct pue_clock *clock;
};

/* Runs line (NUL-terminated, without its newline; any bytes) and writes
 * the reply, without a newline, to reply (size >= SIM_COMMAND_REPLY_MAX). */
void sim_command_run(const struct sim_command_ctx *cx, const char *line, char *reply, size_t size);

#endif
