/* SPDX-License-Identifier: MIT */
/* command.c - the control protocol's commands; see command.h. */
#include "command.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define MAX_WORDS 5 /* the longest command has 4; one more detects extras */

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

/* Parses TARGET: "UNIT" (every endpoint), "PORT:UNIT" or "rtu:UNIT". */
static bool
parse_target(const struct sim_command_ctx *cx, const char *text, uint32_t *endpoint, unsigned *unit)
{
	const char *colon = strchr(text, ':'), *u = colon ? colon + 1 : text;
	unsigned long v, port;
	unsigned i, n = sim_server_n_ports(cx->server);
	char *end;

	errno = 0;
	v = strtoul(u, &end, 10);
	if (errno != 0 || *end != '\0' || end == u || *u == '-' || *u == '+' || v > 255)
		return false;
	*unit = (unsigned)v;
	*endpoint = SIM_FAULT_ALL_ENDPOINTS;
	if (colon == NULL)
		return true;
	if ((size_t)(colon - text) == 3 && strncmp(text, "rtu", 3) == 0) {
		*endpoint = n;
		return cx->have_rtu;
	}
	errno = 0;
	port = strtoul(text, &end, 10);
	if (errno != 0 || end != colon || end == text || *text == '-' || *text == '+')
		return false;
	for (i = 0; i < n; i++)
		if (sim_server_port(cx->server, i) == port) {
			*endpoint = i;
			return true;
		}
	return false;
}

static const char target_forms[] = "UNIT (0..255), PORT:UNIT or rtu:UNIT";

static void
cmd_get_meter(const struct sim_command_ctx *cx, const char *target, char *reply, size_t size)
{
	double power_kw = 0, energy_kwh = 0;
	uint32_t endpoint;
	unsigned unit;
	int meter;

	if (!parse_target(cx, target, &endpoint, &unit)) {
		snprintf(reply, size, "error: get: expected %s", target_forms);
		return;
	}
	if (endpoint == SIM_FAULT_ALL_ENDPOINTS)
		endpoint = 0;
	if ((meter = sim_meters_find(cx->meters, endpoint, unit)) < 0) {
		snprintf(reply, size, "error: get: no meter answers as %s", target);
		return;
	}
	sim_meters_read(cx->meters, meter, pue_clock_mono(cx->clock), &power_kw, &energy_kwh);
	snprintf(reply, size, "{\"unit\":%u,\"power_kw\":%.3f,\"energy_kwh\":%.6f}", unit, power_kw,
		 energy_kwh);
}

/* "fault TARGET value KW [ANSWERS]": the meters TARGET names report KW
 * in their next ANSWERS answers (default 1: one poll of a device reading
 * one register block), an impossible reading for pued to reject;
 * "fault TARGET counter KWH [ANSWERS]" the same for their counters. */
static void
fake_value(const struct sim_command_ctx *cx, uint32_t endpoint, unsigned unit, bool counter,
	   char **words, size_t n, char *reply, size_t size)
{
	unsigned e, n_ep = sim_server_n_ports(cx->server) + (cx->have_rtu ? 1 : 0), hits = 0;
	unsigned long answers = 1;
	double kw;
	char *end;
	int meter;

	errno = 0;
	kw = strtod(words[3], &end);
	if (counter && (errno == ERANGE || *end != '\0' || end == words[3] || !(kw >= 0) ||
			kw > SIM_METERS_FAKE_MAX_KWH)) {
		snprintf(reply, size, "error: fault: counter: expected kWh, 0 to %g",
			 SIM_METERS_FAKE_MAX_KWH);
		return;
	}
	if (errno == ERANGE || *end != '\0' || end == words[3] || !isfinite(kw) ||
	    fabs(kw) > SIM_METERS_FAKE_MAX_KW) {
		snprintf(reply, size, "error: fault: value: expected kW, finite, at most %g",
			 SIM_METERS_FAKE_MAX_KW);
		return;
	}
	if (n == 5) {
		errno = 0;
		answers = strtoul(words[4], &end, 10);
		if (errno != 0 || *end != '\0' || end == words[4] || words[4][0] == '-' ||
		    answers > 1000000) {
			snprintf(reply, size, "error: fault: value: expected answers 0..1000000");
			return;
		}
	}
	for (e = 0; e < n_ep; e++)
		if ((endpoint == SIM_FAULT_ALL_ENDPOINTS || endpoint == e) &&
		    (meter = sim_meters_find(cx->meters, e, unit)) >= 0) {
			if (counter)
				sim_meters_fake_counter(cx->meters, meter, kw, (unsigned)answers);
			else
				sim_meters_fake_power(cx->meters, meter, kw, (unsigned)answers);
			hits++;
		}
	if (hits == 0) {
		snprintf(reply, size, "error: fault: %s: no meter answers as %s", words[2],
			 words[1]);
		return;
	}
	pue_log(LOG_INFO, "control: %s reports %g %s in its next %lu answers", words[1], kw,
		counter ? "kWh on its counter" : "kW", answers);
	snprintf(reply, size, "ok");
}

/* Restarts the counters of every meter the target names. */
static void
reset_counters(const struct sim_command_ctx *cx, uint32_t endpoint, unsigned unit)
{
	pue_mono_t now = pue_clock_mono(cx->clock);
	unsigned e, n = sim_server_n_ports(cx->server) + (cx->have_rtu ? 1 : 0);
	int meter;

	for (e = 0; e < n; e++)
		if ((endpoint == SIM_FAULT_ALL_ENDPOINTS || endpoint == e) &&
		    (meter = sim_meters_find(cx->meters, e, unit)) >= 0)
			sim_meters_reset_counter(cx->meters, meter, now);
}

/* The modes whose argument is a delay in milliseconds. */
static bool
takes_ms(enum sim_fault_mode mode)
{
	return mode == SIM_FAULT_SLOW || mode == SIM_FAULT_RESEND;
}

static void
cmd_fault(const struct sim_command_ctx *cx, char **words, size_t n, char *reply, size_t size)
{
	struct sim_fault fault = {.mode = SIM_FAULT_NONE};
	unsigned long ms;
	uint32_t endpoint;
	unsigned unit;
	char *end;

	if (n < 3 || n > 5) {
		snprintf(reply, size,
			 "error: usage: fault TARGET %s|value KW|counter KWH [ANSWERS]",
			 sim_fault_mode_names());
		return;
	}
	if (!parse_target(cx, words[1], &endpoint, &unit)) {
		snprintf(reply, size, "error: fault: expected %s", target_forms);
		return;
	}
	if ((strcmp(words[2], "value") == 0 || strcmp(words[2], "counter") == 0) &&
	    n >= 4) { /* an action, as reset is */
		fake_value(cx, endpoint, unit, strcmp(words[2], "counter") == 0, words, n, reply,
			   size);
		return;
	}
	if (n == 5) { /* only "value" and "counter" take two arguments */
		snprintf(reply, size,
			 "error: usage: fault TARGET %s|value KW|counter KWH [ANSWERS]",
			 sim_fault_mode_names());
		return;
	}
	if (strcmp(words[2], "reset") == 0 && n == 3) {
		reset_counters(cx, endpoint, unit);
		pue_log(LOG_INFO, "control: %s counters reset", words[1]);
		snprintf(reply, size, "ok");
		return;
	}
	if (sim_fault_mode_parse(words[2], &fault.mode) < 0 ||
	    (n == 4 && !takes_ms(fault.mode) && fault.mode != SIM_FAULT_EXCEPTION &&
	     fault.mode != SIM_FAULT_OTHERUNIT) ||
	    (n == 3 && (takes_ms(fault.mode) || fault.mode == SIM_FAULT_OTHERUNIT))) {
		snprintf(reply, size, "error: fault: expected a mode %s", sim_fault_mode_names());
		return;
	}
	if (fault.mode == SIM_FAULT_EXCEPTION && n == 4) {
		errno = 0;
		ms = strtoul(words[3], &end, 0); /* "0x0B" or "11" */
		if (errno != 0 || *end != '\0' || end == words[3] || words[3][0] == '-' || ms < 1 ||
		    ms > 11) {
			snprintf(reply, size, "error: fault: exception: expected a code 1..11");
			return;
		}
		fault.code = (unsigned)ms;
	}
	if (takes_ms(fault.mode)) {
		errno = 0;
		ms = strtoul(words[3], &end, 10);
		if (errno != 0 || *end != '\0' || end == words[3] || words[3][0] == '-' || ms < 1 ||
		    ms > SIM_FAULT_MAX_DELAY_MS) {
			snprintf(reply, size, "error: fault: %s: expected milliseconds 1..%d",
				 words[2], SIM_FAULT_MAX_DELAY_MS);
			return;
		}
		fault.delay_ms = (unsigned)ms;
	}
	if (fault.mode == SIM_FAULT_OTHERUNIT) {
		errno = 0;
		ms = strtoul(words[3], &end, 10);
		if (errno != 0 || *end != '\0' || end == words[3] || words[3][0] == '-' ||
		    ms > 255) {
			snprintf(reply, size, "error: fault: otherunit: expected a unit id 0..255");
			return;
		}
		fault.unit = (uint8_t)ms;
	}
	sim_faults_set(cx->faults, endpoint, (uint8_t)unit, &fault);
	pue_log(LOG_INFO, "control: %s fault %s%s%s", words[1], words[2], n == 4 ? " " : "",
		n == 4 ? words[3] : "");
	snprintf(reply, size, "ok");
}

static void
cmd_stats(const struct sim_command_ctx *cx, char **words, size_t n, char *reply, size_t size)
{
	uint32_t endpoint = SIM_FAULT_ALL_ENDPOINTS;
	struct sim_stats st;
	unsigned unit = 0;
	int len;

	if (n == 2 && strcmp(words[1], "reset") == 0) {
		sim_responder_stats_reset(cx->responder);
		snprintf(reply, size, "ok");
		return;
	}
	if (n > 2 || (n == 2 && !parse_target(cx, words[1], &endpoint, &unit))) {
		snprintf(reply, size, "error: usage: stats [reset | %s]", target_forms);
		return;
	}
	sim_responder_stats(cx->responder, endpoint, n == 2 ? (int)unit : -1, &st);
	len = snprintf(reply, size,
		       "{\"requests\":%" PRIu64 ",\"fc03\":%" PRIu64 ",\"fc04\":%" PRIu64
		       ",\"other\":%" PRIu64,
		       st.requests, st.fc03, st.fc04, st.other);
	if (len <= 0 || (size_t)len >= size)
		return;
	snprintf(reply + len, size - (size_t)len, ",\"connections\":%" PRIu64 "}", st.connections);
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
	else if (n == 2 && strcmp(words[0], "get") == 0)
		cmd_get_meter(cx, words[1], reply, size);
	else if (n >= 1 && strcmp(words[0], "fault") == 0)
		cmd_fault(cx, words, n, reply, size);
	else if (n >= 1 && strcmp(words[0], "stats") == 0)
		cmd_stats(cx, words, n, reply, size);
	else {
		sanitize(line, shown, sizeof(shown));
		snprintf(reply, size, "error: unknown command \"%s\"", shown);
	}
}
