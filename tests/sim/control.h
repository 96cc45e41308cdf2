/* SPDX-License-Identifier: MIT */
/*
 * control.h - the simulator's control socket (--control PATH).
 *
 * A UNIX stream socket, mode 0600, carrying the line protocol of
 * command.h: each line gets exactly one reply line. A line longer than
 * SIM_COMMAND_LINE_MAX bytes gets an error and its client is dropped; so
 * is a client that stops reading its replies. A stale socket file at PATH
 * is replaced, any other file there is left alone (error). The socket file
 * is removed again by sim_control_free(). Main thread only.
 */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include "command.h"
#include "util/err.h"
#include "loop.h"

struct sim_control; /* opaque */

/* Listens on path and registers with loop. path is copied; loop and the
 * pointers in cx are borrowed and must outlive the control socket. NULL
 * with err filled on failure. Free with sim_control_free(). */
struct sim_control *sim_control_new(struct sim_loop *loop, const char *path,
				    const struct sim_command_ctx *cx, struct pue_err *err);

/* Drops every client, closes and unlinks the socket, frees c. NULL is
 * accepted. */
void sim_control_free(struct sim_control *c);

#endif
