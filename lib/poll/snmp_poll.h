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
 * Polls follow the Modbus rules (poll_schedule.h): deadline + interval
 * without drift, first polls spread over the interval, a poll still
 * running when the next is due skips it, capped exponential backoff while
 * down, health through health.h.
 * A poll that reads no point fails; one that reads some is partial. Every
 * error names the OID or the cause: noSuchObject, a wrong type, a sentinel
 * value, a timeout, an authentication failure. Never a silent zero.
 *
 * net-snmp is process-wide state, held by snmp_lib.h: a poller with
 * devices takes a reference to the owner the service started, and a
 * reload's new poller runs beside the old one until the swap.
 * Main thread only.
 */
#ifndef PUE_SNMP_POLL_H
#define PUE_SNMP_POLL_H

#include "poll/poller.h"

/* The SNMP poller (poller.h). Its new() takes a reference to net-snmp's
 * owner env->snmp_lib (which must not be NULL when the configuration has
 * SNMP devices), resolves every OID (MIB names load their module) and
 * derives v3 keys before it starts the timers; sessions open at each
 * device's first poll, and an error names the device and point. Its
 * free() closes every session (requests in flight are dropped), removes
 * the v3 users it made from net-snmp and lets go of its reference. */
extern const struct pue_poller_ops pue_snmp_poll_ops;

#endif
