/* SPDX-License-Identifier: MIT */
/*
 * alert_sink_internal.h - shared by the sink files (alert_sink.c,
 * alert_sink_snmp.c, alert_sink_exec.c); not part of libpue's API.
 * Each target kind has a new / send / free triple; the dispatcher in
 * alert_sink.c filters by severity and keeps the counters.
 * Main thread only.
 */
#ifndef PUE_ALERT_SINK_INTERNAL_H
#define PUE_ALERT_SINK_INTERNAL_H

#include <stdint.h>

#include "alert_sink.h"

/* Counters and the last error of one target, shown by puectl alerts. */
struct sink_stats {
	uint64_t sent;	  /* handed over: a trap sent, an inform acknowledged, a hook run */
	uint64_t failed;  /* a trap that could not be sent, a hook that failed */
	uint64_t dropped; /* informs dropped from a full queue, hooks from a full backlog */
	size_t queued;	  /* informs waiting, hooks waiting to start */
	char last_error[200];
};

struct snmp_sink;
struct exec_sink;

/* SNMP targets (alert_sink_snmp.c). queue is called inside the round's
 * transaction (informs go to the database), send after it. */
struct snmp_sink *pue_snmp_sink_new(const struct pue_target_conf *t,
				    const struct pue_sinks_ctx *ctx, struct sink_stats *stats,
				    struct pue_err *err);
int pue_snmp_sink_queue(struct snmp_sink *k, const struct pue_notification *n, struct pue_err *err);
void pue_snmp_sink_send(struct snmp_sink *k, const struct pue_notification *n);
void pue_snmp_sink_free(struct snmp_sink *k);

/* Exec hooks (alert_sink_exec.c). */
struct exec_sink *pue_exec_sink_new(const struct pue_target_conf *t,
				    const struct pue_sinks_ctx *ctx, struct sink_stats *stats,
				    struct pue_err *err);
void pue_exec_sink_send(struct exec_sink *k, const struct pue_notification *n);
void pue_exec_sink_free(struct exec_sink *k);

/* Sets stats->last_error (and logs the first of a run of failures). */
void pue_sink_error(struct sink_stats *stats, const char *target, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
