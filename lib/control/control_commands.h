/* SPDX-License-Identifier: MIT */
/*
 * control_commands.h - every command of the control protocol, in one
 * table: its name, whether only an administrator may send it, who answers
 * it, and its help text.
 *
 * Everything else is derived from pue_control_commands[]: the control
 * server's admin check (control.c), the service's dispatch and its list of
 * known commands (service.c, one handler per enum pue_ctl_cmd), and
 * puectl's usage text (the table is compiled into puectl). A new command
 * is one entry here and one handler. README "Control protocol" and
 * doc/schema/protocol.json list the same commands (json_schemas.sh checks).
 * Pure data, any thread.
 */
#ifndef PUE_CONTROL_COMMANDS_H
#define PUE_CONTROL_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Commands, in the order pued lists them. */
enum pue_ctl_cmd {
	PUE_CMD_STATUS,
	PUE_CMD_DEVICES,
	PUE_CMD_PING,
	PUE_CMD_CHECK, /* puectl's own: it asks for status and judges it */
	PUE_CMD_RELOAD,
	PUE_CMD_ALERTS,
	PUE_CMD_ACK,
	PUE_CMD_SILENCE,
	PUE_CMD_UNSILENCE,
	PUE_CMD_CLOCK,	 /* the stepped test clock (clock.h) */
	PUE_CMD_ADVANCE, /* the stepped test clock: move it */
	PUE_CMD_COUNT
};

struct pue_control_command {
	const char *name;
	bool admin;	  /* changes state: root, pued's user or control.admin_group only */
	bool daemon;	  /* pued answers it; false: puectl alone does (check) */
	int synopsis;	  /* the line of puectl's synopsis it is on (1, 2), 0: none */
	const char *args; /* its arguments in the synopsis ("RULE SPAN"), or NULL */
	const char *help; /* puectl --help, lines split by \n; NULL: not shown */
	/* Its answer is the same bytes for every request of a round: the
	 * control server asks for them ready (control_request.h) before it
	 * asks the handler. Only for commands without arguments or admin. */
	bool ready;
};

/* Indexed by enum pue_ctl_cmd. */
extern const struct pue_control_command pue_control_commands[PUE_CMD_COUNT];

/* The command named name that pued answers, or -1. */
int pue_control_commands_find(const char *name);

/* True for the commands only an administrator may send. */
bool pue_control_commands_is_admin(const char *name);

/* Writes the names of the commands pued answers, in table order, as
 * "status, devices, ..." (cut to len). */
void pue_control_commands_known(char *buf, size_t len);

/* Writes the commands of synopsis line line ("name" or "name args"),
 * separated by sep, for puectl's usage. */
void pue_control_commands_synopsis(FILE *out, int line, const char *sep);

/* Writes one help entry per shown command: "  name      text", further
 * lines of text indented under the first. */
void pue_control_commands_help(FILE *out);

#endif
