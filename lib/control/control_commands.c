/* SPDX-License-Identifier: MIT */
/* control_commands.c - the control protocol's commands; see
 * control_commands.h. */
#include "control/control_commands.h"

#include <string.h>

/* clang-format off */
const struct pue_control_command pue_control_commands[PUE_CMD_COUNT] = {
	[PUE_CMD_STATUS] = {"status", false, true, 1, NULL,
		"PUE windows, year, active alerts, device counts, storage", true},
	[PUE_CMD_DEVICES] = {"devices", false, true, 1, NULL, "each device's health", true},
	[PUE_CMD_PING] = {"ping", false, true, 1, NULL, "check that pued answers", false},
	[PUE_CMD_CHECK] = {"check", false, false, 1, NULL,
		"Nagios/Icinga plugin: the alert window's PUE, exit 0 OK, 1 WARNING,\n"
		"2 CRITICAL, 3 UNKNOWN, one line with perfdata (--window SPAN)", false},
	[PUE_CMD_RELOAD] = {"reload", true, true, 1, NULL,
		"re-read the configuration (root, pued's user or the admin group)", false},
	[PUE_CMD_ALERTS] = {"alerts", false, true, 2, NULL,
		"active alerts, silences, notification targets, recent history", false},
	[PUE_CMD_ACK] = {"ack", true, true, 2, "NUMBER",
		"acknowledge alert NUMBER (or its name); recorded with your user", false},
	[PUE_CMD_SILENCE] = {"silence", true, true, 2, "RULE SPAN",
		"hold back the notifications of RULE (a rule, or one alert's name)\n"
		"for SPAN (e.g. 2h); recorded with your user", false},
	[PUE_CMD_UNSILENCE] = {"unsilence", true, true, 2, "RULE", "end the silence on RULE", false},
	[PUE_CMD_CLOCK] = {"clock", false, true, 0, NULL, NULL, false},
	[PUE_CMD_ADVANCE] = {"advance", true, true, 0, NULL, NULL, false},
};
/* clang-format on */

int
pue_control_commands_find(const char *name)
{
	int i;

	for (i = 0; i < PUE_CMD_COUNT; i++)
		if (pue_control_commands[i].daemon &&
		    strcmp(pue_control_commands[i].name, name) == 0)
			return i;
	return -1;
}

bool
pue_control_commands_is_admin(const char *name)
{
	int i = pue_control_commands_find(name);

	return i >= 0 && pue_control_commands[i].admin;
}

void
pue_control_commands_known(char *buf, size_t len)
{
	size_t off = 0;
	int i;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < PUE_CMD_COUNT && off < len; i++) {
		int n;

		if (!pue_control_commands[i].daemon)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off > 0 ? ", " : "",
			     pue_control_commands[i].name);
		if (n < 0)
			return;
		off += (size_t)n;
	}
}

void
pue_control_commands_synopsis(FILE *out, int line, const char *sep)
{
	const char *next = "";
	int i;

	for (i = 0; i < PUE_CMD_COUNT; i++) {
		const struct pue_control_command *c = &pue_control_commands[i];

		if (c->synopsis != line)
			continue;
		fprintf(out, "%s%s%s%s", next, c->name, c->args != NULL ? " " : "",
			c->args != NULL ? c->args : "");
		next = sep;
	}
}

void
pue_control_commands_help(FILE *out)
{
	int i;

	for (i = 0; i < PUE_CMD_COUNT; i++) {
		const struct pue_control_command *c = &pue_control_commands[i];
		const char *text = c->help, *nl;

		if (text == NULL)
			continue;
		fprintf(out, "  %-9s ", c->name);
		while ((nl = strchr(text, '\n')) != NULL) {
			fprintf(out, "%.*s\n            ", (int)(nl - text), text);
			text = nl + 1;
		}
		fprintf(out, "%s\n", text);
	}
}
