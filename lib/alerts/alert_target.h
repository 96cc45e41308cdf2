/* SPDX-License-Identifier: MIT */
/*
 * alert_target.h - what every kind of alert target shares: the context
 * the dispatcher (alert_sink.h) hands each of them, and one target's
 * counters and last error. Below the target kinds (alert_sink_snmp.h,
 * alert_sink_exec.h), which the dispatcher sits above. Main thread only.
 */
#ifndef PUE_ALERT_TARGET_H
#define PUE_ALERT_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "alerts/alert_db.h"
#include "util/clock.h"
#include "config/config.h"
#include "util/loop.h"

/* What the sinks share, borrowed for their lifetime. */
struct pue_alert_target_ctx {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	struct pue_alert_db *db;
	uint32_t prefix[64]; /* alerts.enterprise_oid */
	size_t prefix_len;
	pue_mono_t started; /* sysUpTime in notifications counts from here */
	/* The SNMPv3 engine pued sends traps as (RFC 3414: the sender of a
	 * trap is the authoritative engine), and its boots, counted up at
	 * each start so receivers never see its time go backwards
	 * (snmp_boots.h). */
	uint8_t engine_id[32];
	size_t engine_id_len;
	uint32_t engine_boots;
};

/* Counters and the last error of one target, shown by puectl alerts. */
struct pue_alert_target_stats {
	uint64_t sent;	  /* handed over: a trap sent, an inform acknowledged, a hook run */
	uint64_t failed;  /* a trap that could not be sent, a hook that failed */
	uint64_t dropped; /* informs dropped from a full queue, hooks from a full backlog */
	size_t queued;	  /* informs waiting, hooks waiting to start */
	char last_error[200];
};

/* One target as its kind (alert_sink_snmp.h, alert_sink_exec.h) sees it:
 * its configuration, the shared context and its counters, all borrowed
 * from the dispatcher for the target's lifetime. */
struct pue_alert_target {
	const struct pue_target_conf *conf;
	const struct pue_alert_target_ctx *ctx;
	struct pue_alert_target_stats *stats;
};

/* Sets stats->last_error, logging it when it differs from the last one:
 * one line per new cause, not one per notification. */
void pue_alert_target_error(struct pue_alert_target_stats *stats, const char *target,
			    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
