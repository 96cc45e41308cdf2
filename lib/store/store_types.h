/* SPDX-License-Identifier: MIT */
/*
 * store_types.h - the store's value types (store.h): what it is told to
 * keep, and the counters it shows. Types only, shared by the store's
 * files (store_db.h) without their depending on the store's API.
 */
#ifndef PUE_STORE_TYPES_H
#define PUE_STORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/point.h"

/* One point whose samples the store keeps. */
struct pue_store_point {
	size_t device, point;	 /* the indices its samples are queued under */
	const char *device_name; /* with name, what the points table keys it by */
	const char *name;
	enum pue_point_kind kind;
};

/* What the store keeps, and for how long. store_config.h fills it from the
 * configuration's devices, pPUE zones and storage: section. */
struct pue_store_conf {
	const struct pue_store_point *points; /* every point samples are queued for */
	size_t n_points;
	const char *const *zones; /* pPUE zone names; zone minutes are queued by index */
	size_t n_zones;
	int64_t raw_retention_ms;    /* samples older than this are deleted */
	int64_t minute_retention_ms; /* minutes (and zone minutes) too */
	uint64_t disk_budget_bytes;  /* above 90% of it the oldest samples go */
};

struct pue_store_stats {
	bool failing; /* the last flush failed */
	char last_error[256];
	size_t pending;		  /* rows waiting for the next flush */
	uint64_t written;	  /* samples written since start */
	uint64_t minutes_written; /* minute rollups written since start */
	uint64_t dropped;	  /* rows dropped while failing (store.h) */
	uint64_t trimmed;	  /* samples deleted for retention or the disk budget */
	uint64_t used_bytes;	  /* database pages in use, at the last flush */
	bool over_budget;	  /* dropping raw samples to stay within the budget */
	uint64_t budget_bytes;	  /* the disk budget it is held to */
};

#endif
