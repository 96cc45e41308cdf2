/* SPDX-License-Identifier: MIT */
/*
 * snmp_poll.h - polling SNMP agents (UPSes, PDUs, cooling units) through
 * net-snmp's single-session API, inside the main loop.
 *
 * First step of the data flow (device -> reading), beside modbus_poll.h.
 * Each device has its own session and UDP socket, and the socket sits in
 * the loop's epoll (never in an fd_set, so descriptors may be above 1024).
 * Every request is asynchronous: a poll sends all its requests at once
 * (GETs of up to max_varbinds variables, one GETBULK walk per sum_column
 * point, GETNEXT for version 1), and all devices poll independently, so a
 * dead agent costs its own timeouts and nobody else's. net-snmp's
 * retransmissions and timeouts run from a loop timer per device
 * (snmp_sess_timeout()). SNMPv3 engine IDs are discovered asynchronously on
 * the first poll and kept until the agent says its engine changed or leaves
 * a poll unanswered; a new discovery also forgets the boots and time net-snmp
 * learnt, so an agent restarted with its boots reset is heard again
 * (snmp_session.c says why and how).
 *
 * Polls follow the Modbus rules: deadline + interval without drift, first
 * polls spread over the interval, a poll still running when the next is due
 * skips it, capped exponential backoff while down, health through health.h.
 * A poll that reads no point fails; one that reads some is partial. Every
 * error names the OID or the cause: noSuchObject, a wrong type, a sentinel
 * value, a timeout, an authentication failure. Never a silent zero.
 *
 * net-snmp is process-wide state: at most one pue_snmp at a time (a reload
 * frees the old one first); net-snmp itself stays started until exit.
 * Main thread only.
 */
#ifndef PUE_SNMP_POLL_H
#define PUE_SNMP_POLL_H

#include <stddef.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "health.h"
#include "loop.h"
#include "modbus_poll.h" /* struct pue_poll_sink, shared by both pollers */

/* GETBULK/GETNEXT walks of one sum_column point stop with an error past
 * these: a PDU has a few dozen outlets, and an agent that never ends its
 * column must not keep a poll busy forever. */
#define PUE_SNMP_MAX_ROWS 4096
#define PUE_SNMP_MAX_WALK_REQUESTS 256

struct pue_snmp; /* opaque */

/* Sets up every SNMP device of cfg (others are skipped): starts net-snmp
 * (only when there is one), resolves every OID (MIB names load their
 * module), derives v3 keys, and starts the poll timers on loop. Sessions
 * open at each device's first poll. cfg, loop, clock and sink are borrowed
 * and must outlive the result. Never waits for a device. NULL on failure
 * (err names the device and point). */
struct pue_snmp *pue_snmp_new(const struct pue_config *cfg, struct pue_loop *loop,
			      const struct pue_clock *clock, const struct pue_poll_sink *sink,
			      struct pue_err *err);

/* Cancels timers, closes every session (requests in flight are dropped)
 * and removes the v3 users it made from net-snmp. NULL is accepted. */
void pue_snmp_free(struct pue_snmp *m);

/* Health of a device, or NULL when it is not an SNMP device. */
const struct pue_health *pue_snmp_health(const struct pue_snmp *m, size_t device);

/* Requests a healthy poll needs: GETs after splitting by max_varbinds,
 * plus one per sum_column point (a long column takes more). 0 for devices
 * that are not SNMP. */
size_t pue_snmp_reads_per_poll(const struct pue_snmp *m, size_t device);

#endif
