/* SPDX-License-Identifier: MIT */
/* command.c - the control protocol's commands; see command.h. */
#include "command.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MAX_WORDS 4 /* the longest command has 3; one more detects extras */

/* Copies a line into out for quoting in a reply: a stray control byte or
 * quote must not break the one-line, quoted answer. */
static void
sanitize(const char *line, char *out, size_t size)
{
	size_t i;

	for (i = 0; line[i] != '\0' && i + 1 < size; i++) {
		unsigned char ch = (unsigned char)line[i];
		out[i] = (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') ? '?' : (char)ch;
	}
	out[i] = '\0';
}

/* Splits buf in place on blanks; returns the number of words (at most
 * MAX_WORDS, the last one absorbing nothing: extras are just counted). */
static size_t
split(char *buf, char **words)
{
	size_t n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS)
			return MAX_WORDS + 1;
		words[n++] = w;
	}
	return n;
}

static void
cmd_get(const struct sim_command_ctx *cx, char *reply, size_t size)
{
	double facility_kw, it_kw;
	char pue[32];

	sim_hall_profile(cx->hall, pue_clock_mono(cx->clock), &facility_kw, &it_kw);
	if (it_kw > 0)
		snprintf(pue, sizeof(pue), "%.6f", facility_kw / it_kw);
	else
		snprintf(pue, sizeof(pue), "null"); /* no IT load: PUE undefined */
	snprintf(reply, size,
		 "{\"facility_kw\":%.3f,\"it_kw\":%.3f,\"pue\":%s,\"requests\":%" PRIu64 "}",
		 facility_kw, it_kw, pue, sim_responder_requests(cx->responder));
}

static void
cmd_set(const struct sim_command_ctx *cx, char **words, size_t n, char *reply, size_t size)
{
	struct pue_err err = {0};
	double kw;
	char *end;

	if (n != 3 || (strcmp(words[1], "facility_kw") != 0 && strcmp(words[1], "it_kw") != 0)) {
		snprintf(reply, size, "error: usage: set facility_kw|it_kw KW");
		return;
	}
	errno = 0;
	kw = strtod(words[2], &end);
	if (errno != 0 || *end != '\0' || end == words[2] || !sim_kw_is_valid(kw)) {
		snprintf(reply, size, "error: set %s: expected kW 0..%.0f", words[1], SIM_MAX_KW);
		return;
	}
	if (sim_hall_set(cx->hall, pue_clock_mono(cx->clock),
			 strcmp(words[1], "facility_kw") == 0 ? kw : NAN,
			 strcmp(words[1], "it_kw") == 0 ? kw : NAN, &err) < 0) {
		snprintf(reply, size, "error: set %s: %s", words[1], err.msg);
		return;
	}
	pue_log(LOG_INFO, "control: %s set to %.3f kW", words[1], kw);
	snprintf(reply, size, "ok");
}

static void
cmd_fault(const struct sim_command_ctx *cx, char **words, size_t n, char *reply, size_t size)
{
	struct sim_fault fault = {SIM_FAULT_NONE};
	unsigned long unit;
	char *end;

	if (n != 3) {
		snprintf(reply, size, "error: usage: fault UNIT %s", sim_fault_mode_names());
		return;
	}
	errno = 0;
	unit = strtoul(words[1], &end, 10);
	if (errno != 0 || *end != '\0' || end == words[1] || words[1][0] == '-' || unit > 255) {
		snprintf(reply, size, "error: fault: expected a unit id 0..255");
		return;
	}
	if (sim_fault_mode_parse(words[2], &fault.mode) < 0) {
		snprintf(reply, size, "error: fault: expected a mode %s", sim_fault_mode_names());
		return;
	}
	sim_faults_set(cx->faults, (uint8_t)unit, &fault);
	pue_log(LOG_INFO, "control: unit %lu fault %s", unit, words[2]);
	snprintf(reply, size, "ok");
}

void
sim_command_run(const struct sim_command_ctx *cx, const char *line, char *reply, size_t size)
{
	char buf[SIM_COMMAND_LINE_MAX + 1], shown[SIM_COMMAND_LINE_MAX + 1];
	char *words[MAX_WORDS];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = split(buf, words);
	if (n == 1 && strcmp(words[0], "get") == 0)
		cmd_get(cx, reply, size);
	else if (n >= 1 && strcmp(words[0], "set") == 0)
		cmd_set(cx, words, n, reply, size);
	else if (n >= 1 && strcmp(words[0], "fault") == 0)
		cmd_fault(cx, words, n, reply, size);
	else {
		sanitize(line, shown, sizeof(shown));
		snprintf(reply, size, "error: unknown command \"%s\"", shown);
	}
}
