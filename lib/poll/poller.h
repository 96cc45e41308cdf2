/* SPDX-License-Identifier: MIT */
/*
 * poller.h - what every protocol's poller offers the service.
 *
 * First step of the data flow (device -> reading). A poller takes the
 * devices of the configuration whose protocol it speaks, polls each on its
 * own schedule (poll_schedule.h: deadline + interval, spread, backoff),
 * keeps each one's health (health.h) and hands readings and finished polls
 * to the sink (poll_sink.h). The service holds one of each kind listed in
 * pue_poller_kinds_all[] (poller_kinds.h) and knows them only through this table,
 * so a third protocol (BACnet, a Prometheus scrape of a smart PDU) is one
 * module that fills a struct pue_poller_ops, and one line in
 * poller_kinds.c.
 * Main thread only.
 */
#ifndef PUE_POLLER_H
#define PUE_POLLER_H

#include <stddef.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "poll/health.h"
#include "util/loop.h"
#include "poll/poll_schedule.h"
#include "poll/poll_sink.h"
#include "poll/snmp_lib.h"

/* What a poller is built from; everything is borrowed and must outlive it. */
struct pue_poller_env {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	const struct pue_poll_sink *sink;
	struct pue_snmp_lib *snmp_lib; /* net-snmp's owner; NULL when nothing talks SNMP */
};

struct pue_poller;

struct pue_poller_ops {
	const char *name; /* "modbus", "snmp": for messages */
	/* Sets up every device of env->cfg it polls (others are skipped) and
	 * starts their schedules. Never waits for a device. NULL with err
	 * set. */
	struct pue_poller *(*new)(const struct pue_poller_env *env, struct pue_err *err);
	/* Cancels its timers and stops its polls; NULL is accepted. */
	void (*free)(struct pue_poller *p);
	/* A device's health, or NULL when this poller does not poll it. */
	const struct pue_health *(*health)(const struct pue_poller *p, size_t device);
	/* The requests a healthy poll of the device needs; 0 when this
	 * poller does not poll it. */
	size_t (*reads_per_poll)(const struct pue_poller *p, size_t device);
	/* Arms again the poller's own timers beyond the schedules (request
	 * timeouts, say) that the loop could not arm (timer.h); returns how
	 * many still fail. NULL when it has none. */
	size_t (*rearm)(struct pue_poller *p);
};

/* The first member of every poller's state: a poller is reached through
 * its ops, and its devices' schedules through schedules. */
struct pue_poller {
	const struct pue_poller_ops *ops;
	const struct pue_config *cfg; /* the rest as in struct pue_poller_env */
	struct pue_loop *loop;
	const struct pue_clock *clock;
	struct pue_poll_sink sink;	 /* copied */
	struct pue_poll_group schedules; /* every device's (poll_schedule.h) */
};

/* Fills the part every poller has, for the poller's new(). */
void pue_poller_init(struct pue_poller *p, const struct pue_poller_ops *ops,
		     const struct pue_poller_env *env);

/* Arms the polls of p the loop could not arm (pue_poll_schedule_rearm_group())
 * and its other timers (ops->rearm); the service calls it from its 1 s tick.
 * Returns how many are still unarmed. */
size_t pue_poller_rearm(struct pue_poller *p);

#endif
