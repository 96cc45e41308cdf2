/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - pued's state at one instant, as one plain struct.
 *
 * The end of the data flow, where what pued knows is handed to whoever
 * shows it. Once a round (the service's 1 s tick) the main loop copies the
 * engine's figures, each point's last value and energy, each device's
 * health, the store's state, every alert and the reporting year into a
 * struct pue_snapshot; the outputs are rendered from that copy, never from
 * live state: /metrics (metrics.h) today, and status and the MIB's values
 * are meant to read the same copy, so all of them show one instant.
 *
 * Units are pued's own (kW, kWh, ms); each output converts on its way out.
 * Names (site, devices, points, windows, alerts) are borrowed from the
 * configuration and the alerts, which outlive every snapshot of theirs.
 * A snapshot is filled and read on the main thread; what crosses to
 * another thread is its rendering (blob.h), never the struct.
 */
#ifndef PUE_SNAPSHOT_H
#define PUE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_state.h"
#include "alert_year.h"
#include "alerts.h"
#include "clock.h"
#include "config.h"
#include "engine.h"
#include "err.h"
#include "figure.h"
#include "health.h"
#include "http_server.h"
#include "store.h"

struct pue_snap_window {
	int64_t span_ms;
	char name[16]; /* "15m", "24h": pue_format_span() */
	struct pue_figure f;
};

struct pue_snap_zone {
	const char *name;
	int category;
	struct pue_figure instant;
	struct pue_snap_window *windows; /* n_windows of the snapshot */
};

struct pue_snap_point {
	const char *device, *point;
	enum pue_point_kind kind;
	bool used;	   /* by the PUE or a zone: energy_kwh is counted */
	double value;	   /* the last valid reading, kW or kWh */
	pue_wall_t at;	   /* when it was read; 0: never */
	double energy_kwh; /* pue_engine_point_energy() */
};

struct pue_snap_device {
	const char *name;
	enum pue_protocol protocol;
	bool polled;		  /* a poller knows it (health is valid) */
	struct pue_health health; /* a copy */
};

struct pue_snap_store {
	bool on;   /* storage configured */
	bool open; /* the database is open (pued may start on a full disk) */
	struct pue_store_stats stats;
};

struct pue_snapshot {
	const struct pue_config *cfg; /* borrowed */
	pue_wall_t time;	      /* the loop clock's wall time */
	int category;		      /* of the PUE's IT sum */
	struct pue_figure instant;    /* P_facility / P_IT, kW */
	struct pue_engine_totals totals;
	struct pue_snap_window *windows;
	size_t n_windows;
	struct pue_snap_zone *zones;
	size_t n_zones;
	struct pue_snap_point *points; /* every point of every device, in order */
	size_t n_points;
	struct pue_snap_device *devices;
	size_t n_devices;
	struct pue_snap_store store;
	struct pue_alert_view *alerts;
	size_t n_alerts, cap_alerts;
	struct pue_year_figures year; /* year.known false: not computed yet */
	bool http_on;		      /* the listener runs: http holds its counts */
	struct pue_http_stats http;
};

/* Where a snapshot is copied from; borrowed for the call. */
struct pue_snapshot_source {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	const struct pue_engine *engine;
	const struct pue_store *store;				      /* NULL: storage off */
	const struct pue_alerts *alerts;			      /* NULL: no alerts, no year */
	const struct pue_health *(*health)(void *arg, size_t device); /* NULL: not polled */
	void *arg;
	const struct pue_http *http; /* NULL: no listener */
};

/* A snapshot sized for cfg (borrowed; must outlive it), empty until the
 * first pue_snapshot_fill(). NULL with err set when out of memory. */
struct pue_snapshot *pue_snapshot_new(const struct pue_config *cfg, struct pue_err *err);

/* Copies the source's state now. Returns 0, or -ENOMEM when the alerts
 * outgrew the snapshot and it could not grow (they are then cut). */
int pue_snapshot_fill(struct pue_snapshot *s, const struct pue_snapshot_source *src);

/* NULL is accepted. */
void pue_snapshot_free(struct pue_snapshot *s);

#endif
