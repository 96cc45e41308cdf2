/* SPDX-License-Identifier: MIT */
/*
 * pue_def.h - what a PUE is computed from: the facility and IT sums of
 * signed point terms, the pPUE zones, the windows and the levels a figure
 * is judged against.
 *
 * The loader fills these as part of the configuration (config.h, YAML
 * "pue:"); the numeric core (combine, figure, report) reads only them, so
 * it builds and is tested without the configuration. Points are named by
 * index (device, point): the same indices the pollers hand readings with.
 * Plain data; immutable once loaded.
 */
#ifndef PUE_PUE_DEF_H
#define PUE_PUE_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One term of a PUE sum: YAML "device/point" in an add: or subtract: list. */
struct pue_term {
	size_t device; /* index into pue_config.devices */
	size_t point;  /* index into that device's points */
	int sign;      /* +1 (add:) or -1 (subtract:) */
};

struct pue_sum {
	struct pue_term *terms;
	size_t n_terms;
};

/* A zone for partial PUE: (E_it + E_infrastructure) / E_it. */
struct pue_zone_conf {
	char *name;
	struct pue_sum it;	       /* YAML zones[].it: {add: [...], subtract: [...]} */
	struct pue_sum infrastructure; /* YAML zones[].infrastructure: same form */
};

struct pue_pue_conf {
	struct pue_sum facility; /* YAML pue.facility: {add: [...], subtract: [...]} */
	struct pue_sum it;	 /* YAML pue.it: same form; every term needs measured_at */
	struct pue_zone_conf *zones;
	size_t n_zones;
	int64_t *windows_ms; /* YAML "windows": list of durations, 1m..400d, ascending
			      * after loading; default 15m 1h 24h 7d 30d 365d */
	size_t n_windows;
	double ceiling;		   /* default 1.25, 1.0..3.0 */
	double warning;		   /* default 1.22, 1.0..ceiling */
	double hysteresis;	   /* default 0.01 */
	double min_coverage;	   /* YAML "min_coverage": 0..1, default 0.95 */
	int64_t alert_window_ms;   /* YAML "alert_window": one of windows; default 24h */
	int64_t min_duration_ms;   /* before a PUE alert fires; default 15m */
	unsigned year_start_month; /* reporting year start, YAML "year_start": "MM-DD"; */
	unsigned year_start_day;   /* default 01-01 */
	bool dcie;		   /* also report DCiE = 1/PUE; default false */
};

#endif
