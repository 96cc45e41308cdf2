/* SPDX-License-Identifier: MIT */
/*
 * alert_inform_queue.h - an inform target's queue (alert_sink_snmp.c):
 * the informs not acknowledged yet, in order, in memory and in the
 * database (inform_queue), so that a restart delivers what the last run
 * could not. Bounded by the target's queue_max: when full, the oldest
 * waiting inform is dropped (never the one in flight) and counted in the
 * database as inform_dropped:NAME. Main thread only.
 */
#ifndef PUE_ALERT_INFORM_QUEUE_H
#define PUE_ALERT_INFORM_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/alert_db.h"
#include "alerts/alert_target.h"
#include "util/err.h"

struct pue_alert_inform; /* one queued inform */

struct pue_alert_inform_queue {
	struct pue_alert_inform *q; /* q[head .. head + len) */
	size_t head, len, cap;
	struct pue_alert_db *db;	      /* borrowed */
	struct pue_alert_target_stats *stats; /* borrowed: queued, dropped, last error */
	const char *target;		      /* borrowed: the target's name */
	unsigned max;			      /* the target's queue_max */
	char dropped_key[160];		      /* "inform_dropped:NAME" in the database */
};

/* An empty queue of target's informs; db, stats and target are borrowed
 * for its lifetime. Sets stats->dropped from the database. */
void pue_alert_inform_queue_init(struct pue_alert_inform_queue *iq, struct pue_alert_db *db,
				 struct pue_alert_target_stats *stats, const char *target,
				 unsigned max);

/* Loads the informs the database still holds for the target. Returns how
 * many, or a negative code with err set. */
int pue_alert_inform_queue_load(struct pue_alert_inform_queue *iq, struct pue_err *err);

/* Appends json (copied) stored as row id (0: the database failed), first
 * dropping the oldest waiting informs while the queue is full; the head
 * stays when head_in_flight. Returns 0 or -ENOMEM. */
int pue_alert_inform_queue_push(struct pue_alert_inform_queue *iq, int64_t id, const char *json,
				bool head_in_flight);

/* The oldest inform's notification as JSON (borrowed), or NULL. */
const char *pue_alert_inform_queue_head(const struct pue_alert_inform_queue *iq);

/* Removes the oldest inform, from the database too (acknowledged, or
 * unreadable). */
void pue_alert_inform_queue_pop(struct pue_alert_inform_queue *iq);

/* Frees the queue in memory; the database keeps the rows for the next
 * start. */
void pue_alert_inform_queue_free(struct pue_alert_inform_queue *iq);

#endif
