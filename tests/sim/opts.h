/* SPDX-License-Identifier: MIT */
/*
 * opts.h - pue-sim's command line (the full list is in usage() and in
 * tests/sim/README.md). Main thread only.
 */
#ifndef SIM_OPTS_H
#define SIM_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"
#include "hall.h"
#include "meters.h"

struct sim_opts {
	const char *bind_addr;	   /* --bind, default 127.0.0.1 */
	uint16_t port;		   /* --port, default 0 (kernel picks) */
	unsigned n_listen;	   /* --listen-ports, default 1 */
	const char *ports_file;	   /* --ports-file, NULL: none */
	const char *control_path;  /* --control, NULL: none */
	const char *schedule;	   /* --schedule, default "" */
	struct sim_hall_conf hall; /* --facility-kw --it-kw --ups --cooling */
	unsigned n_meters;	   /* --meters, generic meters; default 0 */
	unsigned units_per_port;   /* --units-per-port, default 247 */
	const char *rtu_path;	   /* --rtu, NULL: no serial bus */
	unsigned baud;		   /* --baud, default 19200 */
	bool verbose;		   /* -v: a log line per connection */

	struct sim_spread meter_kw[SIM_METERS_MAX_SPREADS];  /* --meter-kw */
	struct sim_spread meter_kwh[SIM_METERS_MAX_SPREADS]; /* --meter-kwh */
	unsigned n_meter_kw, n_meter_kwh;
};

#define SIM_OPTS_HELP 1

/* Fills o from argv (strings are borrowed from argv). Returns 0,
 * SIM_OPTS_HELP after printing --help to stdout, or -EINVAL with err
 * filled. */
int sim_opts_parse(int argc, char **argv, struct sim_opts *o, struct pue_err *err);

#endif
