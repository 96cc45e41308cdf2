/* SPDX-License-Identifier: MIT */
/* opts.c - pue-sim's command line; see opts.h. */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "meters.h"
#include "server.h"
#include "util/version.h"

enum {
	OPT_BIND = 256,
	OPT_PORT,
	OPT_LISTEN_PORTS,
	OPT_PORTS_FILE,
	OPT_CONTROL,
	OPT_SCHEDULE,
	OPT_UPS,
	OPT_COOLING,
	OPT_FACILITY_KW,
	OPT_IT_KW,
	OPT_METERS,
	OPT_UNITS_PER_PORT,
	OPT_METER_KW,
	OPT_METER_KWH,
	OPT_RTU,
	OPT_BAUD,
};

static const struct option options[] = {
	{"bind", required_argument, NULL, OPT_BIND},
	{"port", required_argument, NULL, OPT_PORT},
	{"listen-ports", required_argument, NULL, OPT_LISTEN_PORTS},
	{"ports-file", required_argument, NULL, OPT_PORTS_FILE},
	{"control", required_argument, NULL, OPT_CONTROL},
	{"schedule", required_argument, NULL, OPT_SCHEDULE},
	{"ups", required_argument, NULL, OPT_UPS},
	{"cooling", required_argument, NULL, OPT_COOLING},
	{"facility-kw", required_argument, NULL, OPT_FACILITY_KW},
	{"it-kw", required_argument, NULL, OPT_IT_KW},
	{"meters", required_argument, NULL, OPT_METERS},
	{"units-per-port", required_argument, NULL, OPT_UNITS_PER_PORT},
	{"meter-kw", required_argument, NULL, OPT_METER_KW},
	{"meter-kwh", required_argument, NULL, OPT_METER_KWH},
	{"rtu", required_argument, NULL, OPT_RTU},
	{"baud", required_argument, NULL, OPT_BAUD},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void
usage(void)
{
	printf("usage: pue-sim [options]\n"
	       "Simulates a data hall's power meters over Modbus TCP (loopback only).\n"
	       "  --bind ADDR          127.0.0.0/8 or ::1 (default 127.0.0.1)\n"
	       "  --port N             first port; 0 lets the kernel pick (default 0)\n"
	       "  --listen-ports K     listening sockets, one port each (default 1, max %d)\n"
	       "  --ports-file PATH    write the bound ports there, one per line, atomically\n"
	       "  --control PATH       UNIX socket for get / set / fault commands\n"
	       "  --schedule SPEC      \"SECONDS:facility_kw=X,it_kw=Y;SECONDS:...\"\n"
	       "  --facility-kw X      utility incomer, unit 1 (default 960)\n"
	       "  --it-kw Y            IT load over the UPS meters (default 800)\n"
	       "  --ups N              UPS output meters, units 2..1+N (default 2)\n"
	       "  --cooling N          cooling meters after the UPS ones (default 2)\n"
	       "  --meters N           N generic meters on the TCP ports instead of the hall\n"
	       "  --units-per-port M   generic meters per port, unit ids 1..M (default 247)\n"
	       "  --meter-kw SPEC      generic meters' power: FIRST-LAST=LO[:HI],... kW,\n"
	       "                       spread evenly (default 1 + k kW for meter k)\n"
	       "  --meter-kwh SPEC     their counters at start, the same way (default\n"
	       "                       100000 + k kWh)\n"
	       "  --rtu PATH           also serve the hall over Modbus RTU on tty PATH\n"
	       "  --baud N             RTU line speed (default 19200)\n"
	       "  -v, --verbose        log every connection\n"
	       "  -V, --version        print \"pue-sim VERSION\"\n"
	       "  -h, --help           this text\n"
	       "PUED_TEST_CLOCK=START_MS,ANCHOR_MS,RATE runs it on a scaled clock.\n",
	       SIM_SERVER_MAX_LISTEN);
}

static int
parse_uint(const char *name, const char *s, unsigned long min, unsigned long max,
	   unsigned long *out, struct pue_err *err)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *s == '-' || v < min || v > max)
		return pue_err_set(err, -EINVAL, "--%s: expected an integer %lu..%lu, found \"%s\"",
				   name, min, max, s);
	*out = v;
	return 0;
}

static int
parse_kw(const char *name, const char *s, double *out, struct pue_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !sim_kw_is_valid(v))
		return pue_err_set(err, -EINVAL, "--%s: expected kW 0..%.0f, found \"%s\"", name,
				   SIM_MAX_KW, s);
	*out = v;
	return 0;
}

static int
parse_one(int opt, const char *arg, struct sim_opts *o, struct pue_err *err)
{
	unsigned long v;
	int rc;

	switch (opt) {
	case OPT_BIND:
		o->bind_addr = arg;
		return 0;
	case OPT_PORT:
		rc = parse_uint("port", arg, 0, 65535, &v, err);
		o->port = (uint16_t)v;
		return rc;
	case OPT_LISTEN_PORTS:
		rc = parse_uint("listen-ports", arg, 1, SIM_SERVER_MAX_LISTEN, &v, err);
		o->n_listen = (unsigned)v;
		return rc;
	case OPT_PORTS_FILE:
		o->ports_file = arg;
		return 0;
	case OPT_CONTROL:
		o->control_path = arg;
		return 0;
	case OPT_SCHEDULE:
		o->schedule = arg;
		return 0;
	case OPT_UPS:
		rc = parse_uint("ups", arg, 1, SIM_MAX_SUBMETERS, &v, err);
		o->hall.n_ups = (unsigned)v;
		return rc;
	case OPT_COOLING:
		rc = parse_uint("cooling", arg, 0, SIM_MAX_SUBMETERS - 1, &v, err);
		o->hall.n_cooling = (unsigned)v;
		return rc;
	case OPT_FACILITY_KW:
		return parse_kw("facility-kw", arg, &o->hall.facility_kw, err);
	case OPT_IT_KW:
		return parse_kw("it-kw", arg, &o->hall.it_kw, err);
	case OPT_METERS:
		rc = parse_uint("meters", arg, 0, SIM_METERS_MAX, &v, err);
		o->n_meters = (unsigned)v;
		return rc;
	case OPT_UNITS_PER_PORT:
		rc = parse_uint("units-per-port", arg, 1, 247, &v, err);
		o->units_per_port = (unsigned)v;
		return rc;
	case OPT_METER_KW:
		rc = sim_meters_parse_spreads("meter-kw", arg, SIM_MAX_KW, o->meter_kw, err);
		o->n_meter_kw = rc > 0 ? (unsigned)rc : 0;
		return rc < 0 ? rc : 0;
	case OPT_METER_KWH:
		rc = sim_meters_parse_spreads("meter-kwh", arg, SIM_MAX_KWH, o->meter_kwh, err);
		o->n_meter_kwh = rc > 0 ? (unsigned)rc : 0;
		return rc < 0 ? rc : 0;
	case OPT_RTU:
		o->rtu_path = arg;
		return 0;
	case OPT_BAUD:
		rc = parse_uint("baud", arg, 50, 4000000, &v, err);
		o->baud = (unsigned)v;
		return rc;
	case 'v':
		o->verbose = true;
		return 0;
	default: /* getopt_long has printed what was wrong */
		return pue_err_set(err, -EINVAL, "bad command line");
	}
}

int
sim_opts_parse(int argc, char **argv, struct sim_opts *o, struct pue_err *err)
{
	int opt, rc;

	*o = (struct sim_opts){
		.bind_addr = "127.0.0.1",
		.n_listen = 1,
		.schedule = "",
		.hall = {.facility_kw = 960, .it_kw = 800, .n_ups = 2, .n_cooling = 2},
		.units_per_port = 247,
		.baud = 19200,
	};
	while ((opt = getopt_long(argc, argv, "vhV", options, NULL)) != -1) {
		if (opt == 'h') {
			usage();
			return SIM_OPTS_HELP;
		}
		if (opt == 'V') {
			printf("pue-sim %s\n", pue_version());
			return SIM_OPTS_HELP;
		}
		if ((rc = parse_one(opt, optarg, o, err)) < 0)
			return rc;
	}
	if (optind < argc)
		return pue_err_set(err, -EINVAL, "unexpected argument \"%s\"", argv[optind]);
	if (o->hall.n_ups + o->hall.n_cooling > SIM_MAX_SUBMETERS)
		return pue_err_set(err, -EINVAL,
				   "--ups + --cooling: at most %d meters besides the incomer "
				   "(unit ids end at 247)",
				   SIM_MAX_SUBMETERS);
	if ((uint64_t)o->n_meters > (uint64_t)o->units_per_port * o->n_listen)
		return pue_err_set(err, -EINVAL,
				   "--meters %u: %u ports of %u unit ids hold %u (raise "
				   "--listen-ports)",
				   o->n_meters, o->n_listen, o->units_per_port,
				   o->units_per_port * o->n_listen);
	if (o->port != 0 && o->port + o->n_listen - 1 > 65535)
		return pue_err_set(err, -EINVAL, "--port %u + --listen-ports %u: past port 65535",
				   o->port, o->n_listen);
	return sim_server_check_bind(o->bind_addr, err);
}
