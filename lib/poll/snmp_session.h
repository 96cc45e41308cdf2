/* SPDX-License-Identifier: MIT */
/*
 * snmp_session.h - what pued asks of net-snmp itself: opening one
 * single-session-API session per device (v1, v2c, v3 USM), the SNMPv3 engine ID discovery that runs
 * inside the main loop, the words for USM reports, and MIB names.
 *
 * Used by the SNMP poller and the trap sinks; split from the poller so
 * that it reads as a state machine and this file holds the library's
 * quirks. net-snmp keeps
 * process-wide state (the USM user table, the MIB tree, its default store),
 * started and held by snmp_lib.h; every call here needs it started.
 * Main thread only.
 */
#ifndef PUE_SNMP_SESSION_H
#define PUE_SNMP_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "config/config.h"
#include "util/err.h"

/* The USM keys of a v3 device, derived once from its passphrases
 * (RFC 3414, A.2: one megabyte of hashing each, so they are cached). */
struct pue_snmp_keys {
	u_char auth[USM_AUTH_KU_LEN];
	size_t auth_len;
	u_char priv[USM_PRIV_KU_LEN];
	size_t priv_len;
};

/* Derives the keys of c (version 3 with authentication). Returns 0 or
 * PUE_E_CONFIG with err naming the protocol, never the passphrase. */
int pue_snmp_session_keys_derive(const struct pue_snmp_conf *c, struct pue_snmp_keys *k,
				 struct pue_err *err);

/* Wipes keys. */
void pue_snmp_session_keys_wipe(struct pue_snmp_keys *k);

/* Opens a session for device d (keys may be NULL below version 3): a UDP
 * socket, non-blocking and close-on-exec, timeout and retries from d. A v3
 * session starts without an engine ID and with net-snmp's synchronous probe
 * turned off: the caller discovers it with pue_snmp_session_probe_pdu(). addr, when
 * not NULL, is the numeric address to use for d's host: net-snmp would
 * resolve a host name here, blocking, so callers resolve it first
 * (resolve.h). Returns the session (close it with snmp_sess_close()) or
 * NULL with err set. */
void *pue_snmp_session_open(const struct pue_device_conf *d, const char *addr,
			    const struct pue_snmp_keys *keys, struct pue_err *err);

/* The session's socket. */
int pue_snmp_session_fd(void *sessp);

/* A discovery request (RFC 3414, 4: an unauthenticated get with an empty
 * engine ID and user, answered by a usmStatsUnknownEngineIDs report that
 * carries the agent's engine ID). The caller sends it with
 * snmp_sess_async_send(). NULL when memory runs out. */
netsnmp_pdu *pue_snmp_session_probe_pdu(void);

/* Gives a v3 session the engine ID discovery found (1..SNMP_MAX_ENG_SIZE
 * bytes) and creates its USM user with keys localized to that engine.
 * Returns 0, or PUE_E_DEVICE with err set. */
int pue_snmp_session_set_engine(void *sessp, const u_char *id, size_t len, struct pue_err *err);

/* Forgets the boots and time net-snmp authenticated for an agent's engine,
 * so that the next authenticated answer sets them again, even lower. They
 * live in net-snmp's process-wide cache (the LCD, RFC 3414, 2.3), which
 * outlives sessions and reloads, and net-snmp drops an answer with fewer
 * boots than it once authenticated as a replay (RFC 3414, 3.2, step 7b,
 * "Remote boot count invalid"): an agent restarted with its boots reset (a
 * factory reset, a replaced card given the old engine ID) would never be
 * heard again, only timeouts. Call it on a fresh discovery (a start, a
 * reload, or after the agent went silent), where a restart of pued would
 * have forgotten them as well. Returns true when there was something to
 * forget. */
bool pue_snmp_session_forget_time(const u_char *engine, size_t len);

/* Removes the USM user net-snmp keeps for engine and user, if any: the
 * table is process-wide, and a reloaded configuration with a new
 * passphrase must not find the old keys there. */
void pue_snmp_session_forget_user(const u_char *engine, size_t len, const char *user);

/* Report kinds a poll acts on. */
enum pue_snmp_report {
	PUE_SNMP_REPORT_AUTH,	/* wrong user, digest, key, level: an authentication failure */
	PUE_SNMP_REPORT_TIME,	/* notInTimeWindow: net-snmp retries by itself */
	PUE_SNMP_REPORT_ENGINE, /* unknownEngineID: the agent's engine changed */
	PUE_SNMP_REPORT_OTHER,	/* anything else */
};

/* Describes a report PDU in words ("authentication failure: wrong
 * auth_passphrase or auth_protocol (usmStatsWrongDigests)") and says what
 * kind it is. user names the v3 user; secrets are never quoted. */
enum pue_snmp_report pue_snmp_session_report(const netsnmp_pdu *pdu, const char *user, char *buf,
					     size_t size);

/* Resolves a point's oid: numeric, or a MIB name net-snmp can find
 * ("UPS-MIB::upsOutputPower.1" loads that module on demand; a name without
 * a module loads every MIB). Returns 0, or -EINVAL with err saying why. */
int pue_snmp_session_resolve(const char *text, oid *out, size_t *n, struct pue_err *err);

#endif
