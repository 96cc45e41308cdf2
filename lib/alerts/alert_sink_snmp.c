/* SPDX-License-Identifier: MIT */
/*
 * alert_sink_snmp.c - snmp_trap and snmp_inform targets.
 *
 *   - name: noc
 *     type: snmp_inform
 *     snmp: {host: 127.0.0.1, port: 16200, version: 2c, community: public}
 *     queue_max: 10000
 *
 * Each target has one net-snmp single-session (snmp_session.c opens it:
 * non-blocking, close-on-exec). A notification is pueAlertFiring or
 * pueAlertResolved of PUED-MIB (alert_mib.h) with its objects as varbinds;
 * a v1 trap carries the same objects under enterprise P, specific trap 1
 * or 2 (RFC 3584, 3.1).
 *
 * Traps go out at once and are not answered. A v3 trap is sent as pued's
 * own engine (alerts.engine_id, its boots counted at each start in a file
 * beside the database and in it, snmp_boots.h), as RFC 3414 makes the
 * sender of an unacknowledged message authoritative; the receiver needs the
 * user created for that engine ID.
 *
 * Informs wait in a queue, first in the database (inform_queue) inside the
 * transaction that records the transition, then in memory. The oldest is
 * in flight at a time, so the NOC gets them in order; each attempt is one
 * request without net-snmp retries, and a timeout is followed by a pause
 * that doubles up to MAX_BACKOFF_MS. An acknowledgement removes it from
 * the database. A full queue drops its oldest waiting inform, counted in
 * the database as inform_dropped:NAME. A v3 inform first discovers the
 * receiver's engine ID with an asynchronous probe, as the SNMP poller does,
 * and again after an attempt with no answer: a receiver restarted with its
 * boots reset is heard again (pue_snmp_session_forget_time()). The session's
 * socket sits in the loop's epoll only for informs; net-snmp timers become
 * loop timers (real time converted to the loop's clock).
 */
#include "alerts/alert_sink_snmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "alerts/alert_mib.h"
#include "alerts/alert_inform_queue.h"
#include "alerts/alert_pdu.h"
#include "util/log.h"
#include "util/resolve.h"
#include "poll/snmp_session.h"
#include "util/timer.h"

#define INFORM_TIMEOUT_MS 1500 /* real time, per attempt */
#define MIN_BACKOFF_MS 1000
#define MAX_BACKOFF_MS (60 * 1000)
#define HELD_TRAPS 32 /* traps waiting for the receiver's name to resolve */

struct pue_alert_sink_snmp {
	struct pue_alert_target tg;
	bool inform;
	void *sessp; /* NULL until needed, and after a send failure */
	int fd;
	struct pue_snmp_keys keys;
	netsnmp_large_fd_set fds;
	/* informs */
	struct pue_alert_inform_queue queue;
	bool in_flight, probing, engine_known;
	bool reopen;			  /* close the session before the next attempt */
	u_char engine[SNMP_MAX_ENG_SIZE]; /* the receiver's, for informs */
	size_t engine_len;
	long reqid;
	unsigned failures;	/* attempts in a row without an answer */
	struct pue_timer retry; /* the back-off after a failed inform */
	struct pue_timer net;	/* net-snmp's next timeout or resend */
	bool trap_user;		/* a v3 trap made its USM user */
	/* A host name is resolved off the loop before a session opens
	 * (resolve.h); traps built meanwhile wait here, a few at most. */
	struct pue_lookup *lookup;
	char addr[PUE_ADDR_MAX];
	netsnmp_pdu *held[HELD_TRAPS];
	unsigned held_incident[HELD_TRAPS];
	size_t n_held;
};

static void pump(struct pue_alert_sink_snmp *k);

/* Sessions --------------------------------------------------------------- */

static void
close_session(struct pue_alert_sink_snmp *k)
{
	if (k->sessp == NULL)
		return;
	if (k->inform)
		pue_loop_del_fd(k->tg.ctx->loop, k->fd);
	/* snmp_sess_close() calls back for the inform in flight: not in
	 * flight any more, it is ignored (and sent again later). */
	k->in_flight = k->probing = false;
	snmp_sess_close(k->sessp);
	k->sessp = NULL;
	k->fd = -1;
	k->engine_known = false;
	k->addr[0] = '\0'; /* the next session looks the name up again */
}

static void on_readable(void *arg, int fd, uint32_t events);
static void on_resolved(void *arg, const char *numeric, const char *error);

/* Returns 0 with a session, 1 while the receiver's name is being resolved
 * (on_resolved() carries on), -1 on failure. */
static int
open_session(struct pue_alert_sink_snmp *k)
{
	struct pue_device_conf d = {
		.name = k->tg.conf->name,
		.protocol = PUE_PROTO_SNMP,
		.timeout_ms = INFORM_TIMEOUT_MS,
		.retries = 0,
		.snmp = k->tg.conf->snmp,
	};
	struct pue_err err;
	int rc;

	if (k->addr[0] == '\0' && !pue_resolve_host_is_numeric(k->tg.conf->snmp.host)) {
		if (k->lookup == NULL &&
		    (k->lookup = pue_resolve_start(k->tg.ctx->loop, k->tg.conf->snmp.host,
						   on_resolved, k, &err)) == NULL) {
			pue_alert_target_error(k->tg.stats, k->tg.conf->name, "%s", err.msg);
			return -1;
		}
		return 1;
	}
	if ((k->sessp = pue_snmp_session_open(&d, k->addr[0] ? k->addr : NULL, &k->keys, &err)) ==
	    NULL) {
		pue_alert_target_error(k->tg.stats, k->tg.conf->name, "%s", err.msg);
		return -1;
	}
	k->fd = pue_snmp_session_fd(k->sessp);
	if (k->inform &&
	    (rc = pue_loop_add_fd(k->tg.ctx->loop, k->fd, EPOLLIN, on_readable, k)) < 0) {
		pue_alert_target_error(k->tg.stats, k->tg.conf->name, "watching the socket: %s",
				       strerror(-rc));
		snmp_sess_close(k->sessp);
		k->sessp = NULL;
		return -1;
	}
	if (k->tg.conf->snmp.version == PUE_SNMP_V3 && !k->inform) {
		/* A trap speaks for pued's engine: keys localized to it (its
		 * boots and time are set once, in pue_alert_sink_snmp_new()). */
		if (pue_snmp_session_set_engine(k->sessp, k->tg.ctx->engine_id,
						k->tg.ctx->engine_id_len, &err) < 0) {
			pue_alert_target_error(k->tg.stats, k->tg.conf->name, "%s", err.msg);
			close_session(k);
			return -1;
		}
		k->trap_user = true;
	}
	return 0;
}

/* Traps ----------------------------------------------------------------- */

static void
send_pdu(struct pue_alert_sink_snmp *k, netsnmp_pdu *pdu, unsigned incident)
{
	if (snmp_sess_send(k->sessp, pdu) == 0) {
		k->tg.stats->failed++;
		pue_alert_target_error(
			k->tg.stats, k->tg.conf->name, "trap for alert #%u not sent: %s", incident,
			snmp_api_errstring(snmp_sess_session(k->sessp)->s_snmp_errno));
		snmp_free_pdu(pdu);
		close_session(k); /* a new socket next time */
		return;
	}
	k->tg.stats->sent++;
	k->tg.stats->last_error[0] = '\0';
}

/* Traps held while the name was resolved: sent now, or failed with why. */
static void
release_held(struct pue_alert_sink_snmp *k, const char *error)
{
	size_t i;

	for (i = 0; i < k->n_held; i++) {
		if (error == NULL && (k->sessp != NULL || open_session(k) == 0)) {
			send_pdu(k, k->held[i], k->held_incident[i]);
			continue;
		}
		k->tg.stats->failed++;
		snmp_free_pdu(k->held[i]);
	}
	k->n_held = 0;
}

static void
send_trap(struct pue_alert_sink_snmp *k, const struct pue_notification *n)
{
	netsnmp_pdu *pdu;
	int rc = k->sessp != NULL ? 0 : open_session(k);

	if (rc < 0) {
		k->tg.stats->failed++;
		return;
	}
	if ((pdu = pue_alert_pdu(k->tg.ctx, k->tg.conf->snmp.version, k->inform, n)) == NULL) {
		k->tg.stats->failed++;
		pue_alert_target_error(k->tg.stats, k->tg.conf->name,
				       "out of memory building a trap");
		return;
	}
	if (rc > 0) { /* resolving: sent when the address is known */
		if (k->n_held < HELD_TRAPS) {
			k->held_incident[k->n_held] = n->incident;
			k->held[k->n_held++] = pdu;
			return;
		}
		k->tg.stats->failed++;
		pue_alert_target_error(
			k->tg.stats, k->tg.conf->name,
			"trap for alert #%u dropped: %d traps wait for %s to resolve", n->incident,
			HELD_TRAPS, k->tg.conf->snmp.host);
		snmp_free_pdu(pdu);
		return;
	}
	send_pdu(k, pdu, n->incident);
}

/* Informs --------------------------------------------------------------- */

static void
on_retry(void *arg)
{
	struct pue_alert_sink_snmp *k = arg;

	pump(k);
}

/* An attempt failed: wait, doubling the pause each time. */
static void
back_off(struct pue_alert_sink_snmp *k, const char *cause)
{
	int64_t ms = MIN_BACKOFF_MS;
	unsigned i;

	k->in_flight = k->probing = false;
	k->failures++;
	for (i = 1; i < k->failures && ms < MAX_BACKOFF_MS; i++)
		ms *= 2;
	if (ms > MAX_BACKOFF_MS)
		ms = MAX_BACKOFF_MS;
	pue_alert_target_error(k->tg.stats, k->tg.conf->name,
			       "%s; %zu informs waiting, next try in %lld s", cause, k->queue.len,
			       (long long)ms / 1000);
	/* A receiver's outage is real time too. A failed arm is logged and
	 * retried by pue_alert_sink_snmp_rearm(); nothing is sent meanwhile. */
	if (!pue_timer_pending(&k->retry) && !k->retry.failed)
		pue_timer_arm(&k->retry, pue_mono_add_ms(pue_clock_real(), ms));
}

/* Records what came back; pump() acts on it once net-snmp returned. */
static int
on_answer(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct pue_alert_sink_snmp *k = magic;
	char cause[200];

	if (!k->in_flight || k->sessp == NULL ||
	    (reqid != k->reqid && (pdu == NULL || pdu->command != SNMP_MSG_REPORT)))
		return 1;
	if (op == NETSNMP_CALLBACK_OP_RESEND)
		return 1;
	/* The probe's answer is a usmStatsUnknownEngineIDs report carrying
	 * the receiver's engine ID; net-snmp hands reports over as received
	 * messages or as security errors. */
	if (k->probing && pdu != NULL && pdu->command == SNMP_MSG_REPORT &&
	    pdu->securityEngineIDLen > 0 && pdu->securityEngineIDLen <= SNMP_MAX_ENG_SIZE) {
		struct pue_err err;

		k->in_flight = k->probing = false;
		if (k->engine_len > 0)
			pue_snmp_session_forget_user(k->engine, k->engine_len,
						     k->tg.conf->snmp.user);
		memcpy(k->engine, pdu->securityEngineID, pdu->securityEngineIDLen);
		k->engine_len = pdu->securityEngineIDLen;
		pue_snmp_session_forget_time(k->engine, k->engine_len); /* it may have restarted */
		if (pue_snmp_session_set_engine(k->sessp, k->engine, k->engine_len, &err) < 0)
			back_off(k, err.msg);
		else
			k->engine_known = true;
		return 1;
	}
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
	    pdu->command == SNMP_MSG_RESPONSE && !k->probing) {
		k->in_flight = false;
		k->failures = 0;
		k->tg.stats->sent++;
		k->tg.stats->last_error[0] = '\0';
		pue_alert_inform_queue_pop(&k->queue); /* acknowledged: done */
		return 1;
	}
	if (pdu != NULL && pdu->command == SNMP_MSG_REPORT) {
		switch (pue_snmp_session_report(pdu, k->tg.conf->snmp.user, cause, sizeof(cause))) {
		case PUE_SNMP_REPORT_TIME:
			/* net-snmp resends at once with the receiver's time, and
			 * says SEC_ERROR only when it will not. */
			if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
				return 1;
			k->reopen = true;
			break;
		case PUE_SNMP_REPORT_ENGINE:
			/* A receiver with a new engine ID (reinstalled, or its
			 * state lost): discover it again, on a fresh session,
			 * as net-snmp keeps the old ID in this one. */
			k->reopen = true;
			break;
		case PUE_SNMP_REPORT_AUTH:
		case PUE_SNMP_REPORT_OTHER:
			break;
		}
	} else if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
		snprintf(cause, sizeof(cause), "no acknowledgement from %s:%u within %d ms",
			 k->tg.conf->snmp.host, k->tg.conf->snmp.port, INFORM_TIMEOUT_MS);
		/* A v3 receiver restarted with its boots reset answers with a
		 * notInTimeWindow report net-snmp drops unheard: discover it
		 * again, which forgets its boots (snmp_session.h). */
		if (k->tg.conf->snmp.version == PUE_SNMP_V3 && k->engine_known)
			k->reopen = true;
	} else
		snprintf(cause, sizeof(cause), "inform failed: %s",
			 snmp_api_errstring(s->s_snmp_errno));
	back_off(k, cause);
	return 1;
}

static void
on_net_timer(void *arg)
{
	struct pue_alert_sink_snmp *k = arg;

	pump(k);
}

static void
arm(struct pue_alert_sink_snmp *k)
{
	struct timeval tv = {0, 0};
	int numfds = 0, block = 1;
	pue_mono_t at;

	if (k->sessp == NULL)
		return;
	snmp_sess_select_info2_flags(k->sessp, &numfds, &k->fds, &tv, &block,
				     NETSNMP_SELECT_NOALARMS);
	if (block) {
		if (k->in_flight)
			back_off(k, "net-snmp dropped the inform");
		return;
	}
	/* net-snmp's timeouts are real time, whatever clock pued runs on. */
	at.ns = pue_clock_real().ns + (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000 +
		1000000;
	if (pue_timer_pending(&k->net) && k->net.at.ns <= at.ns)
		return;
	pue_timer_arm(&k->net, at); /* a failure: pue_alert_sink_snmp_rearm() */
}

static void
send_head(struct pue_alert_sink_snmp *k)
{
	struct pue_notification n;
	json_error_t jerr;
	json_t *j;
	netsnmp_pdu *pdu;

	if (k->tg.conf->snmp.version == PUE_SNMP_V3 && !k->engine_known) {
		if ((pdu = pue_snmp_session_probe_pdu()) == NULL)
			return back_off(k, "out of memory");
		k->probing = true;
	} else {
		j = json_loads(pue_alert_inform_queue_head(&k->queue), 0, &jerr);
		if (j == NULL || pue_alert_notification_from_json(j, &n) < 0) {
			json_decref(j);
			pue_alert_target_error(k->tg.stats, k->tg.conf->name,
					       "dropped an unreadable queued inform");
			k->tg.stats->failed++;
			pue_alert_inform_queue_pop(&k->queue);
			return;
		}
		json_decref(j);
		if ((pdu = pue_alert_pdu(k->tg.ctx, k->tg.conf->snmp.version, k->inform, &n)) ==
		    NULL)
			return back_off(k, "out of memory");
	}
	k->in_flight = true;
	k->reqid = pdu->reqid;
	if (snmp_sess_async_send(k->sessp, pdu, on_answer, k) == 0) {
		char cause[160];

		snprintf(cause, sizeof(cause), "send failed: %s",
			 snmp_api_errstring(snmp_sess_session(k->sessp)->s_snmp_errno));
		snmp_free_pdu(pdu);
		if (k->in_flight)
			back_off(k, cause);
		close_session(k);
	}
}

/* Lets net-snmp time out what expired, then sends the next inform. */
static void
pump(struct pue_alert_sink_snmp *k)
{
	unsigned tries = 0;

	if (k->sessp != NULL && k->in_flight)
		snmp_sess_timeout(k->sessp);
	/* A few sends at most: an unreadable inform is dropped and the next
	 * one tried, but nothing here may spin. */
	if (k->reopen && !k->in_flight) {
		close_session(k);
		k->reopen = false;
	}
	while (!k->in_flight && !pue_timer_pending(&k->retry) && !k->retry.failed &&
	       k->queue.len > 0 && tries++ < 8) {
		int rc = k->sessp != NULL ? 0 : open_session(k);

		if (rc < 0)
			back_off(k, "cannot open a session");
		if (rc != 0) /* failed, or resolving: on_resolved() pumps */
			break;
		send_head(k);
	}
	arm(k);
}

static void
on_readable(void *arg, int fd, uint32_t events)
{
	struct pue_alert_sink_snmp *k = arg;

	(void)events;
	NETSNMP_LARGE_FD_SET(fd, &k->fds);
	snmp_sess_read2(k->sessp, &k->fds);
	NETSNMP_LARGE_FD_CLR(fd, &k->fds);
	pump(k);
}

/* Setup ----------------------------------------------------------------- */

struct pue_alert_sink_snmp *
pue_alert_sink_snmp_new(const struct pue_alert_target *tg, struct pue_err *err)
{
	const struct pue_target_conf *t = tg->conf;
	const struct pue_alert_target_ctx *ctx = tg->ctx;
	struct pue_alert_sink_snmp *k = calloc(1, sizeof(*k));
	struct pue_err why;
	int n;

	if (k == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		return NULL;
	}
	k->tg = *tg;
	k->fd = -1;
	k->inform = t->type == PUE_TARGET_SNMP_INFORM;
	pue_timer_init(&k->retry, ctx->loop, true, on_retry, k,
		       "alerts: target %.40s: the retry of its informs", t->name);
	pue_timer_init(&k->net, ctx->loop, true, on_net_timer, k,
		       "alerts: target %.40s: the timeout of its SNMP requests", t->name);
	netsnmp_large_fd_set_init(&k->fds, FD_SETSIZE);
	if (t->snmp.version == PUE_SNMP_V3 &&
	    pue_snmp_session_keys_derive(&t->snmp, &k->keys, &why) < 0) {
		pue_err_set(err, why.code, "alerts: target %s: %s", t->name, why.msg);
		pue_alert_sink_snmp_free(k);
		return NULL;
	}
	if (!k->inform) {
		/* pued's engine starts now: boots counted at this start
		 * (snmp_boots.h), time 0. Here and not when a session opens,
		 * which happens again after a send failure: the time must not
		 * go back while the boots stay (RFC 3414, 3.2, step 7b). */
		if (t->snmp.version == PUE_SNMP_V3)
			set_enginetime(ctx->engine_id, (u_int)ctx->engine_id_len, ctx->engine_boots,
				       0, TRUE);
		return k;
	}
	pue_alert_inform_queue_init(&k->queue, ctx->db, tg->stats, t->name, t->queue_max);
	if ((n = pue_alert_inform_queue_load(&k->queue, &why)) < 0)
		pue_log(LOG_ERR, "alerts: target %s: %s", t->name, why.msg);
	else if (n > 0) {
		pue_log(LOG_NOTICE, "alerts: target %s: %d informs still to deliver", t->name, n);
		pump(k);
	}
	return k;
}

int
pue_alert_sink_snmp_queue(struct pue_alert_sink_snmp *k, const struct pue_notification *n,
			  struct pue_err *err)
{
	json_t *j;
	char *text;
	int64_t id;
	int rc;

	if (!k->inform)
		return 0;
	if ((j = pue_alert_notification_json(n)) == NULL ||
	    (text = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return pue_err_set(err, -ENOMEM, "alerts: out of memory");
	}
	json_decref(j);
	id = pue_alert_db_queue_push(k->tg.ctx->db, k->tg.conf->name, n->t_ms, text, err);
	rc = pue_alert_inform_queue_push(&k->queue, id > 0 ? id : 0, text, k->in_flight);
	free(text);
	if (rc < 0)
		return pue_err_set(err, rc, "alerts: out of memory");
	return id > 0 ? 0 : PUE_E_STORE;
}

void
pue_alert_sink_snmp_send(struct pue_alert_sink_snmp *k, const struct pue_notification *n)
{
	if (k->inform)
		pump(k); /* queued already */
	else
		send_trap(k, n);
}

static void
on_resolved(void *arg, const char *numeric, const char *error)
{
	struct pue_alert_sink_snmp *k = arg;

	k->lookup = NULL;
	if (numeric == NULL)
		pue_alert_target_error(k->tg.stats, k->tg.conf->name, "%s", error);
	else
		snprintf(k->addr, sizeof(k->addr), "%s", numeric);
	if (!k->inform)
		release_held(k, numeric == NULL ? error : NULL);
	else if (numeric == NULL)
		back_off(k, error);
	else
		pump(k);
}

size_t
pue_alert_sink_snmp_rearm(struct pue_alert_sink_snmp *k)
{
	return pue_timer_retry(&k->retry) + pue_timer_retry(&k->net);
}

void
pue_alert_sink_snmp_free(struct pue_alert_sink_snmp *k)
{
	size_t i;

	if (k == NULL)
		return;
	pue_resolve_cancel(k->lookup);
	for (i = 0; i < k->n_held; i++)
		snmp_free_pdu(k->held[i]);
	pue_timer_cancel(&k->retry);
	pue_timer_cancel(&k->net);
	close_session(k);
	/* The USM users this target made go with it, so that a reload with
	 * new passphrases does not find the old keys (snmp_session.h). */
	if (k->tg.conf->snmp.version == PUE_SNMP_V3 && !k->inform && k->trap_user)
		pue_snmp_session_forget_user(k->tg.ctx->engine_id, k->tg.ctx->engine_id_len,
					     k->tg.conf->snmp.user);
	if (k->tg.conf->snmp.version == PUE_SNMP_V3 && k->engine_len > 0)
		pue_snmp_session_forget_user(k->engine, k->engine_len, k->tg.conf->snmp.user);
	pue_alert_inform_queue_free(&k->queue); /* the database keeps them for the next start */
	netsnmp_large_fd_set_cleanup(&k->fds);
	pue_snmp_session_keys_wipe(&k->keys);
	free(k);
}
