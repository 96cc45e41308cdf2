/* SPDX-License-Identifier: MIT */
/*
 * pue-snmp-pass.c - the simulated facility as snmpd's pass_persist program.
 *
 * The SNMP side of the facility simulator: the SNMP tests and bench/snmp.sh
 * start the real net-snmp snmpd on a loopback port with
 *
 *   pass_persist .1.3.6.1.2.1.33 /path/pue-snmp-pass .1.3.6.1.2.1.33
 *
 * and snmpd asks this program for each object under the subtree (argv[1]
 * limits the answers to it; without it every object is served). The
 * protocol (snmpd.conf(5), "pass_persist"): a line "PING" is answered
 * "PONG"; "get" or "getnext" and an OID line are answered with the OID, a
 * type and a value, three lines, or "NONE"; "set" and its two lines with
 * "not-writable". EOF on stdin ends the program.
 *
 * The hall: facility power F(t) = F0 x (1 + 0.02 sin(2 pi t / 600 s)), IT
 * power I(t) the same with I0; energies are their exact integrals from the
 * epoch, so counters and power agree at any instant, in any process that
 * reads the same clock. Time is lib/util/clock.h's (PUED_TEST_CLOCK), t the
 * seconds since PUE_SNMP_SIM_EPOCH_MS (default 1600000000000). F0 and I0
 * come from PUE_SNMP_SIM_FACILITY_KW (960) and PUE_SNMP_SIM_IT_KW (800).
 * PUE_SNMP_SIM_HIDE_FILE names a file that, while it exists and holds a
 * row number, leaves that row out of the line-energy column (an agent
 * that skips a row for a while). PUE_SNMP_SIM_LOG_FILE names a file each
 * get and getnext is appended to ("getnext .1.3.6..."), one a line: snmpd
 * asks once per varbind, a GETBULK once per repetition, so a test counts
 * the values a poll made the agent produce.
 * The objects are listed in tests/snmpsim/README.md.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/err.h"

#define MAX_ARCS 32
#define SWING 0.02	    /* power swings +-2% ... */
#define PERIOD_S 600.0	    /* ... over ten minutes */
#define UPS_EFFICIENCY 0.96 /* UPS input = output / efficiency */

enum kind {
	/* UPS-MIB (RFC 1628) */
	K_UPS_IN_LINES,
	K_UPS_IN_POWER,
	K_UPS_OUT_LINES,
	K_UPS_OUT_INDEX,
	K_UPS_OUT_VOLT,
	K_UPS_OUT_POWER,
	K_UPS_OUT_LOAD,
	/* PowerNet-MIB (APC) */
	K_APC_UPS_POWER,
	K_APC_COOL_POWER,
	K_APC_PDU_INDEX,
	K_APC_PDU_NAME,
	K_APC_PDU_POWER,
	K_APC_PDU_ENERGY,
	/* netSnmpPlaypen: one object per value type */
	K_INT_FAC_W,
	K_GAUGE_IT_W,
	K_C32_FAC_MWH,
	K_C64_IT_WH,
	K_FLOAT_FAC_KW,
	K_STR_IT_KW,
	K_UNS_COOL_W,
	K_DOUBLE_FAC_KWH,
	K_SENTINEL_NEG,
	K_SENTINEL_MAX,
	K_LINE_W,
	K_LINE_VOLT,
	K_STR_NA,
	K_C32_IT_WH,
	K_RAW_OPAQUE,
	K_TICKS,
	K_STR_FAC_W,
	K_LINE_WH,
	K_STR_HUGE,	   /* readings that cannot be true (PUE.md): pued must */
	K_DOUBLE_NEG_HUGE, /* reject them as power, whatever their type */
	K_C64_MAX,
};

struct object {
	const char *oid; /* numeric, without the leading dot */
	enum kind kind;
	unsigned line; /* table rows: 1..3 */
	uint32_t arcs[MAX_ARCS];
	size_t n;
};

/* In OID order (sorted again at start, so a slip here cannot break getnext). */
static struct object objects[] = {
	{"1.3.6.1.2.1.33.1.3.2.0", K_UPS_IN_LINES, 0, {0}, 0},
	{"1.3.6.1.2.1.33.1.3.3.1.5.1", K_UPS_IN_POWER, 1, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.3.0", K_UPS_OUT_LINES, 0, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.1.1", K_UPS_OUT_INDEX, 1, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.1.2", K_UPS_OUT_INDEX, 2, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.1.3", K_UPS_OUT_INDEX, 3, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.2.1", K_UPS_OUT_VOLT, 1, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.2.2", K_UPS_OUT_VOLT, 2, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.2.3", K_UPS_OUT_VOLT, 3, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.4.1", K_UPS_OUT_POWER, 1, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.4.2", K_UPS_OUT_POWER, 2, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.4.3", K_UPS_OUT_POWER, 3, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.5.1", K_UPS_OUT_LOAD, 1, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.5.2", K_UPS_OUT_LOAD, 2, {0}, 0},
	{"1.3.6.1.2.1.33.1.4.4.1.5.3", K_UPS_OUT_LOAD, 3, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.1.4.2.8.0", K_APC_UPS_POWER, 0, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.13.3.3.1.2.2.36.0", K_APC_COOL_POWER, 0, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.26.4.3.1.1.1", K_APC_PDU_INDEX, 1, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.26.4.3.1.3.1", K_APC_PDU_NAME, 1, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.26.4.3.1.5.1", K_APC_PDU_POWER, 1, {0}, 0},
	{"1.3.6.1.4.1.318.1.1.26.4.3.1.9.1", K_APC_PDU_ENERGY, 1, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.1.0", K_INT_FAC_W, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.2.0", K_GAUGE_IT_W, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.3.0", K_C32_FAC_MWH, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.4.0", K_C64_IT_WH, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.5.0", K_FLOAT_FAC_KW, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.6.0", K_STR_IT_KW, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.7.0", K_UNS_COOL_W, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.8.0", K_DOUBLE_FAC_KWH, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.9.0", K_SENTINEL_NEG, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.10.0", K_SENTINEL_MAX, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.11.1", K_LINE_W, 1, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.11.2", K_LINE_W, 2, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.11.3", K_LINE_W, 3, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.12.1", K_LINE_VOLT, 1, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.12.2", K_LINE_VOLT, 2, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.12.3", K_LINE_VOLT, 3, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.13.0", K_STR_NA, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.14.0", K_C32_IT_WH, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.15.0", K_RAW_OPAQUE, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.16.0", K_TICKS, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.17.0", K_STR_FAC_W, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.18.1", K_LINE_WH, 1, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.18.2", K_LINE_WH, 2, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.18.3", K_LINE_WH, 3, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.19.0", K_STR_HUGE, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.20.0", K_DOUBLE_NEG_HUGE, 0, {0}, 0},
	{"1.3.6.1.4.1.8072.9999.9999.1.21.0", K_C64_MAX, 0, {0}, 0},
};
#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

struct hall {
	double facility_kw, it_kw; /* F0, I0 */
	int64_t epoch_ms;
};

/* Parses "1.3.6..." or ".1.3.6..." (the line snmpd sends, with its
 * newline); false for anything else. */
static bool
parse_oid(const char *s, uint32_t *arcs, size_t *n)
{
	size_t k = 0;

	if (*s == '.')
		s++;
	while (*s != '\0' && *s != '\n' && *s != '\r') {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9' || k == MAX_ARCS)
			return false;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno != 0 || v > UINT32_MAX)
			return false;
		arcs[k++] = (uint32_t)v;
		s = end;
		if (*s == '.')
			s++;
	}
	*n = k;
	return k > 0;
}

static int
compare(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static int
object_cmp(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	return compare(x->arcs, x->n, y->arcs, y->n);
}

/* Power in kW at t seconds, and energy in kWh since the epoch: the exact
 * integral of P0 (1 + s sin(w t)) is P0 (t + s (1 - cos(w t)) / w). */
static double
power_kw(double p0, double t)
{
	return p0 * (1 + SWING * sin(2 * M_PI * t / PERIOD_S));
}

static double
energy_kwh(double p0, double t)
{
	double w = 2 * M_PI / PERIOD_S;

	return p0 * (t + SWING * (1 - cos(w * t)) / w) / 3600.0;
}

/* An Opaque double (net-snmp's encoding: 9f 79, length 8, IEEE big-endian). */
static void
opaque_double(double d, FILE *out)
{
	uint64_t u64;
	int i;

	memcpy(&u64, &d, 8);
	fprintf(out, "opaque\n9f 79 08");
	for (i = 0; i < 8; i++)
		fprintf(out, " %02x", (unsigned)(u64 >> (56 - 8 * i)) & 0xff);
	fprintf(out, "\n");
}

/* Writes the type and value lines of o at t. */
static void
value(const struct hall *h, const struct object *o, double t, FILE *out)
{
	double fac = power_kw(h->facility_kw, t), it = power_kw(h->it_kw, t);
	double cool = fac > it ? 0.8 * (fac - it) : 0; /* 20% of overhead unmetered */
	double fac_e = energy_kwh(h->facility_kw, t), it_e = energy_kwh(h->it_kw, t);
	double line = it / 3, line_e;
	float f;
	uint32_t u32;
	int i;

	switch (o->kind) {
	case K_UPS_IN_LINES:
		fprintf(out, "integer\n1\n");
		break;
	case K_UPS_IN_POWER:
		fprintf(out, "integer\n%.0f\n", it / UPS_EFFICIENCY * 1000);
		break;
	case K_UPS_OUT_LINES:
		fprintf(out, "integer\n3\n");
		break;
	case K_UPS_OUT_INDEX:
	case K_APC_PDU_INDEX:
		fprintf(out, "integer\n%u\n", o->line);
		break;
	case K_UPS_OUT_VOLT:
	case K_LINE_VOLT:
		fprintf(out, "integer\n230\n");
		break;
	case K_UPS_OUT_POWER:
		fprintf(out, "integer\n%.0f\n", line * 1000);
		break;
	case K_UPS_OUT_LOAD:
		fprintf(out, "integer\n%.0f\n", 100 * it / (h->it_kw * 1.25));
		break;
	case K_APC_UPS_POWER: /* a small UPS: 1% of the IT load, in W */
		fprintf(out, "integer\n%.0f\n", it * 0.01 * 1000);
		break;
	case K_APC_COOL_POWER: /* one of two cooling units, tenths of kW */
		fprintf(out, "integer\n%.0f\n", cool / 2 * 10);
		break;
	case K_APC_PDU_NAME:
		fprintf(out, "string\nrack-a%u\n", o->line);
		break;
	case K_APC_PDU_POWER: /* a rack PDU: 1/160 of the IT load, hundredths of kW */
		fprintf(out, "integer\n%.0f\n", it / 160 * 100);
		break;
	case K_APC_PDU_ENERGY: /* tenths of kWh */
		fprintf(out, "integer\n%.0f\n", floor(it_e / 160 * 10));
		break;
	case K_INT_FAC_W:
		fprintf(out, "integer\n%.0f\n", fac * 1000);
		break;
	case K_GAUGE_IT_W:
		fprintf(out, "gauge\n%.0f\n", it * 1000);
		break;
	case K_C32_FAC_MWH: /* mWh: wraps every 4.5 h at 960 kW */
		u32 = (uint32_t)(uint64_t)floor(fac_e * 1e6);
		fprintf(out, "counter\n%u\n", u32);
		break;
	case K_C64_IT_WH:
		fprintf(out, "counter64\n%llu\n", (unsigned long long)floor(it_e * 1000));
		break;
	case K_FLOAT_FAC_KW: /* Opaque float: 9f 78, length 4, IEEE big-endian */
		f = (float)fac;
		memcpy(&u32, &f, 4);
		fprintf(out, "opaque\n9f 78 04");
		for (i = 3; i >= 0; i--)
			fprintf(out, " %02x", (unsigned)(u32 >> (8 * i)) & 0xff);
		fprintf(out, "\n");
		break;
	case K_STR_IT_KW:
		fprintf(out, "string\n%.3f\n", it);
		break;
	case K_UNS_COOL_W:
		fprintf(out, "unsigned\n%.0f\n", cool * 1000);
		break;
	case K_DOUBLE_FAC_KWH:
		opaque_double(fac_e, out);
		break;
	case K_SENTINEL_NEG:
		fprintf(out, "integer\n-1\n");
		break;
	case K_SENTINEL_MAX:
		fprintf(out, "integer\n2147483647\n");
		break;
	case K_LINE_W:
		fprintf(out, "gauge\n%.0f\n", line * 1000);
		break;
	case K_STR_NA:
		fprintf(out, "string\nn/a\n");
		break;
	case K_C32_IT_WH:
		line_e = floor(it_e * 1000);
		fprintf(out, "counter\n%u\n", (uint32_t)(uint64_t)line_e);
		break;
	case K_RAW_OPAQUE:
		fprintf(out, "opaque\n01 02\n");
		break;
	case K_TICKS:
		fprintf(out, "timeticks\n%.0f\n", fmod(t * 100, 4294967295.0));
		break;
	case K_STR_FAC_W:
		fprintf(out, "string\n%.0f\n", fac * 1000);
		break;
	case K_LINE_WH: /* each line a third of the IT energy, Wh */
		fprintf(out, "counter64\n%llu\n", (unsigned long long)floor(it_e / 3 * 1000));
		break;
	case K_STR_HUGE:
		fprintf(out, "string\n1e308\n");
		break;
	case K_DOUBLE_NEG_HUGE:
		opaque_double(-1e308, out);
		break;
	case K_C64_MAX:
		fprintf(out, "counter64\n18446744073709551615\n");
		break;
	}
}

static double
env_double(const char *name, double dflt)
{
	const char *s = getenv(name);
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtod(s, &end);
	return *end == '\0' && isfinite(v) && v >= 0 ? v : dflt;
}

/* The row of the line-energy column PUE_SNMP_SIM_HIDE_FILE hides, or 0. */
static unsigned
hidden_row(void)
{
	const char *path = getenv("PUE_SNMP_SIM_HIDE_FILE");
	unsigned row = 0;
	FILE *f;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%u", &row) != 1)
		row = 0;
	fclose(f);
	return row;
}

/* The object get (exact) or getnext asks for, within the served prefix. */
static const struct object *
lookup(const uint32_t *arcs, size_t n, bool exact, const uint32_t *prefix, size_t np)
{
	unsigned hide = hidden_row();
	size_t i;

	for (i = 0; i < N_OBJECTS; i++) {
		const struct object *o = &objects[i];
		int c = compare(o->arcs, o->n, arcs, n);

		if (np > 0 && (o->n < np || compare(o->arcs, np, prefix, np) != 0))
			continue;
		if (hide != 0 && o->kind == K_LINE_WH && o->line == hide)
			continue;
		if (exact ? c == 0 : c > 0)
			return o;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct hall h = {0};
	struct pue_err err;
	struct pue_clock *clock;
	uint32_t prefix[MAX_ARCS], arcs[MAX_ARCS];
	size_t np = 0, n, i;
	char line[512], arg[512];
	const struct object *o;
	FILE *log = NULL;

	if (argc > 2 || (argc == 2 && !parse_oid(argv[1], prefix, &np))) {
		fprintf(stderr, "usage: pue-snmp-pass [SUBTREE-OID]\n");
		return 2;
	}
	if ((clock = pue_clock_new_from_env(&err)) == NULL) {
		fprintf(stderr, "pue-snmp-pass: %s\n", err.msg);
		return 1;
	}
	h.facility_kw = env_double("PUE_SNMP_SIM_FACILITY_KW", 960);
	h.it_kw = env_double("PUE_SNMP_SIM_IT_KW", 800);
	h.epoch_ms = (int64_t)env_double("PUE_SNMP_SIM_EPOCH_MS", 1600000000000.0);
	for (i = 0; i < N_OBJECTS; i++)
		if (!parse_oid(objects[i].oid, objects[i].arcs, &objects[i].n))
			abort(); /* a typo in the table above */
	qsort(objects, N_OBJECTS, sizeof(objects[0]), object_cmp);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("PUE_SNMP_SIM_LOG_FILE") != NULL &&
	    (log = fopen(getenv("PUE_SNMP_SIM_LOG_FILE"), "ae")) != NULL)
		setvbuf(log, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		bool get = strcmp(line, "get\n") == 0, next = strcmp(line, "getnext\n") == 0;

		if (strcmp(line, "PING\n") == 0) {
			printf("PONG\n");
			continue;
		}
		if (strcmp(line, "set\n") == 0) {
			if (fgets(arg, sizeof(arg), stdin) == NULL ||
			    fgets(arg, sizeof(arg), stdin) == NULL)
				break;
			printf("not-writable\n");
			continue;
		}
		if (!get && !next) {
			printf("NONE\n");
			continue;
		}
		if (fgets(arg, sizeof(arg), stdin) == NULL)
			break;
		if (log != NULL)
			fprintf(log, "%s %s", get ? "get" : "getnext", arg);
		if (!parse_oid(arg, arcs, &n) || (o = lookup(arcs, n, get, prefix, np)) == NULL) {
			printf("NONE\n");
			continue;
		}
		printf(".%s\n", o->oid);
		value(&h, o, (double)(pue_clock_wall(clock).ms - h.epoch_ms) / 1000.0, stdout);
		fflush(stdout);
	}
	if (log != NULL)
		fclose(log);
	pue_clock_free(clock);
	return 0;
}
