/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - pued's state at one instant, as one immutable struct shared
 * by reference count.
 *
 * The end of the data flow, where what pued knows is handed to whoever
 * shows it. Once a round (the service's 1 s tick) the main loop copies the
 * engine's figures, each point's last value and energy, each device's
 * health, the store's state, every alert and the reporting year into a
 * new struct pue_snapshot and publishes it in a slot; the outputs read
 * that copy, never live state: /metrics (metrics.h), and status and
 * devices on the control socket (status_reply.h, which takes its own copy
 * on the first request of a round); the MIB's values are meant to read
 * the same kind of copy, so all of them show one instant. A reader on
 * another thread takes a reference from the slot and renders what it
 * needs; a rendering is made once per snapshot however many readers want
 * it (pue_snapshot_memo()), so a scrape storm costs one rendering per
 * round and per format, and a round nobody reads costs only the copy.
 *
 * Units are pued's own (kW, kWh, ms); each output converts on its way out.
 * Names (site, devices, points, windows, zones, alerts) are borrowed from
 * the configuration and the alerts of the service that took the snapshot:
 * a reader on another thread must be stopped before that service is
 * freed (the HTTP server is, service.c).
 * Taking a snapshot: main thread. Reading one, its references, its memos
 * and the slot: any thread.
 */
#ifndef PUE_SNAPSHOT_H
#define PUE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "alerts/alert_state.h"
#include "alerts/alert_year.h"
#include "alerts/alerts.h"
#include "alerts/alerts_view.h"
#include "util/blob.h"
#include "util/clock.h"
#include "config/config.h"
#include "engine/engine.h"
#include "engine/engine_totals.h"
#include "util/err.h"
#include "core/figure.h"
#include "poll/health.h"
#include "http/http_server.h"
#include "store/store.h"

struct pue_snap_window {
	int64_t span_ms;
	char name[16]; /* "15m", "24h": pue_duration_format_span() */
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
	double energy_kwh; /* pue_engine_totals_point_energy() */
};

struct pue_snap_device {
	const char *name;
	enum pue_protocol protocol;
	bool polled;		  /* a poller knows it (health is valid) */
	struct pue_health health; /* pue_health_copy(): owns its error text */
	size_t reads_per_poll;	  /* merged reads of its plan (0: not known) */
};

struct pue_snap_store {
	bool on;   /* storage configured */
	bool open; /* the database is open (pued may start on a full disk) */
	struct pue_store_stats stats;
};

/* Renderings kept with a snapshot (pue_snapshot_memo()): one key per
 * kind of output. */
enum pue_snapshot_memo_key {
	PUE_MEMO_METRICS_TEXT,
	PUE_MEMO_METRICS_OPENMETRICS,
	PUE_MEMO_STATUS,  /* the control reply to "status" (status.h) */
	PUE_MEMO_DEVICES, /* the control reply to "devices" */
	PUE_SNAPSHOT_MEMOS
};

struct pue_snapshot {
	const struct pue_config *cfg; /* borrowed */
	pue_wall_t time;	      /* the loop clock's wall time */
	int category;		      /* of the PUE's IT sum */
	struct pue_figure instant;    /* P_facility / P_IT, kW */
	const char *instant_source;   /* static: pue_engine_instant_source() */
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
	struct pue_alert_view *alerts; /* every alert, pending and firing or not */
	size_t n_alerts;
	struct pue_year_figures year; /* year.known false: not computed yet */
	bool http_on;		      /* the listener runs: http holds its counts */
	struct pue_http_server_stats http;

	/* snapshot.c's own */
	atomic_uint refs;
	pthread_mutex_t memo_lock;
	struct pue_blob *memo[PUE_SNAPSHOT_MEMOS];
};

/* Where a snapshot is copied from; borrowed for the call. */
struct pue_snapshot_source {
	const struct pue_config *cfg;
	const struct pue_clock *clock;
	const struct pue_engine *engine;
	const struct pue_store *store;				      /* NULL: storage off */
	const struct pue_alerts *alerts;			      /* NULL: no alerts, no year */
	const struct pue_health *(*health)(void *arg, size_t device); /* NULL: not polled */
	size_t (*reads_per_poll)(void *arg, size_t device);	      /* NULL: 0 for all */
	void *arg;
	const struct pue_http *http; /* NULL: no listener */
};

/* A snapshot of pued now, with one reference for the caller. NULL with
 * err set when out of memory. Main thread. */
struct pue_snapshot *pue_snapshot_take(const struct pue_snapshot_source *src, struct pue_err *err);

/* An empty snapshot for cfg (borrowed) with room for n_alerts, every
 * figure unknown, with one reference: what pue_snapshot_take() fills, and
 * what tests fill by hand. NULL with err set. */
struct pue_snapshot *pue_snapshot_new(const struct pue_config *cfg, size_t n_alerts,
				      struct pue_err *err);

/* Another reference to s (not NULL); returns s. */
struct pue_snapshot *pue_snapshot_ref(struct pue_snapshot *s);

/* Drops a reference; the last one frees s and its memos. NULL is
 * accepted. */
void pue_snapshot_unref(struct pue_snapshot *s);

/* Renders s once per key: the first caller runs make(s, arg), later ones
 * (of any thread) wait for it and share its result. Returns a new
 * reference to the rendering, or NULL when make() returned NULL (then the
 * next caller tries again). */
typedef struct pue_blob *(*pue_snapshot_render)(const struct pue_snapshot *s, const void *arg);
struct pue_blob *pue_snapshot_memo(struct pue_snapshot *s, enum pue_snapshot_memo_key key,
				   pue_snapshot_render make, const void *arg);

/* Where the latest snapshot is published. */
struct pue_snapshot_slot {
	pthread_mutex_t lock;
	struct pue_snapshot *snap; /* NULL: none yet */
};

void pue_snapshot_slot_init(struct pue_snapshot_slot *slot);
/* Drops the slot's snapshot. */
void pue_snapshot_slot_destroy(struct pue_snapshot_slot *slot);
/* Publishes s (its reference is taken); the snapshot it replaces loses
 * the slot's reference, outside the lock. */
void pue_snapshot_slot_set(struct pue_snapshot_slot *slot, struct pue_snapshot *s);
/* A new reference to the latest snapshot, or NULL. */
struct pue_snapshot *pue_snapshot_slot_get(struct pue_snapshot_slot *slot);

#endif
