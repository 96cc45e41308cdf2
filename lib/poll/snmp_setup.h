/* SPDX-License-Identifier: MIT */
/*
 * snmp_setup.h - setting up one SNMP device of the poller (snmp_poll.c,
 * which sits above it), before any poll. Main thread only.
 */
#ifndef PUE_SNMP_SETUP_H
#define PUE_SNMP_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "util/err.h"
#include "util/loop.h"
#include "poll/snmp_answer.h"

/* Sets up d, the device cfg->devices[index] of m: resolves every OID,
 * derives the v3 keys (shared with an earlier device of m with the same
 * credentials: a megabyte of hashing each), allocates its buffers and
 * prepares its schedule, which calls due(d) at each tick. m->n_devs counts
 * d from the start, so that a failure leaves it for the poller to free.
 * Returns 0, or a negative code with err naming the device and point. */
int pue_snmp_setup_dev(struct pue_snmp *m, struct snmp_dev *d, size_t index, pue_timer_cb due,
		       struct pue_err *err);

/* True when two secrets are both absent or equal. */
bool pue_snmp_setup_same_secret(const struct pue_secret *a, const struct pue_secret *b);

#endif
