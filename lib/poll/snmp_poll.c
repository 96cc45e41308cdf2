/* SPDX-License-Identifier: MIT */
/*
 * snmp_poll.c - SNMP devices polled asynchronously in the main loop; see
 * snmp_poll.h. net-snmp specifics (sessions, keys, engine IDs, reports,
 * MIB names) are in snmp_session.c, value conversion in snmp_value.c.
 *
 * How a poll runs is told in snmp_answer.h; the answers are read in
 * snmp_answer.c. This file holds the rest: sessions and their sockets in
 * the loop, net-snmp's timers, poll scheduling, engine ID discovery and
 * health, and setup.
 */
#include "poll/snmp_poll.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/decode.h"
#include "util/log.h"
#include "poll/snmp_answer.h"
#include "poll/snmp_setup.h"
#include "poll/snmp_value.h"

static void pump(void *arg);

/* Sending --------------------------------------------------------------- */

static void
send_req(struct snmp_dev *d, struct snmp_req *r)
{
	netsnmp_pdu *pdu = pue_snmp_answer_build(d, r);
	char cause[160];

	if (pdu == NULL) {
		pue_snmp_answer_fail(r, "out of memory");
		return;
	}
	r->state = RQ_FLIGHT;
	r->reqid = pdu->reqid;
	d->requests++;
	if (snmp_sess_async_send(d->sessp, pdu, pue_snmp_answer_received, r) != 0)
		return; /* net-snmp owns the PDU now */
	/* On failure net-snmp may already have called back (a v3 message it
	 * could not build), and leaves the PDU to us either way. */
	if (r->state == RQ_FLIGHT) {
		snprintf(cause, sizeof(cause), "send failed: %s",
			 snmp_api_errstring(snmp_sess_session(d->sessp)->s_snmp_errno));
		pue_snmp_answer_fail(r, cause);
	}
	snmp_free_pdu(pdu);
	d->reset = true;
}

static struct snmp_req *
add_req(struct snmp_dev *d, enum snmp_rq_kind kind)
{
	struct snmp_req *r = &d->reqs[d->n_reqs++];

	memset(r, 0, sizeof(*r));
	r->d = d;
	r->kind = kind;
	r->state = RQ_QUEUED;
	return r;
}

static void
queue_reads(struct snmp_dev *d)
{
	size_t i, w = 0;
	struct snmp_req *r;

	d->n_reqs = 0;
	memcpy(d->work, d->gets, d->n_gets * sizeof(d->work[0]));
	for (i = 0; i < d->n_gets; i += d->max_vb) {
		r = add_req(d, RQ_GET);
		r->first = i;
		r->n = d->n_gets - i < d->max_vb ? d->n_gets - i : d->max_vb;
	}
	for (i = 0; i < d->conf->n_points; i++) {
		if (!d->conf->points[i].sum_column)
			continue;
		r = add_req(d, RQ_WALK);
		r->point = i;
		r->cur = &d->walk_cur[w++]; /* room for the column (snmp_setup.c) */
		memcpy(r->cur->arcs, d->pts[i].name, d->pts[i].len * sizeof(oid));
		r->cur_len = d->pts[i].len;
		r->sum = pue_snmp_value_sum_start();
	}
}

static void
on_net_timer(void *arg)
{
	struct snmp_dev *d = arg;

	pump(d);
}

/* Arms a real timer for net-snmp's next expiry (its retries and timeouts
 * are real time, whatever clock pued runs on), and keeps one per device: an
 * armed timer that fires early enough is kept (it re-arms when it fires),
 * so a poll normally costs no cancel. Returns false when net-snmp holds no
 * request of the device any more. */
static bool
arm(struct snmp_dev *d)
{
	struct pue_snmp *m = d->m;
	struct timeval tv = {0, 0};
	int numfds = 0, block = 1;
	pue_mono_t at;
	size_t i;

	snmp_sess_select_info2_flags(d->sessp, &numfds, &m->fds, &tv, &block,
				     NETSNMP_SELECT_NOALARMS);
	if (block) {
		/* net-snmp holds nothing, yet a request waits: it was dropped
		 * without a final callback. End it rather than wait forever. */
		for (i = 0; i < d->n_reqs; i++)
			if (d->reqs[i].state == RQ_FLIGHT)
				pue_snmp_answer_fail(&d->reqs[i], "net-snmp dropped the request");
		return false;
	}
	/* +1 ms: net-snmp retries only once strictly past the expiry. */
	at.ns = pue_clock_real().ns + (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000 +
		1000000;
	if (pue_timer_pending(&d->net_timer) && d->net_timer.at.ns <= at.ns)
		return true;
	/* A failure is logged, and retried by the service's tick (poller_rearm):
	 * the requests then time out late, never not at all. */
	pue_timer_arm(&d->net_timer, at);
	return true;
}

/* Sessions -------------------------------------------------------------- */

static void
close_session(struct snmp_dev *d)
{
	if (d->sessp == NULL)
		return;
	pue_loop_del_fd(d->m->poller.loop, d->fd);
	d->closing = true;
	snmp_sess_close(d->sessp); /* calls back for anything outstanding */
	d->closing = false;
	d->sessp = NULL;
	d->fd = -1;
	d->engine_known = false;
	free(d->addr); /* the next session looks the name up again */
	d->addr = NULL;
}

static void
on_readable(void *arg, int fd, uint32_t events)
{
	struct snmp_dev *d = arg;
	netsnmp_large_fd_set *fds = &d->m->fds;

	(void)events;
	NETSNMP_LARGE_FD_SET(fd, fds);
	snmp_sess_read2(d->sessp, fds); /* one datagram; a stray one is dropped */
	NETSNMP_LARGE_FD_CLR(fd, fds);
	pump(d);
}

static int
open_session(struct snmp_dev *d)
{
	struct pue_err err;
	int rc;

	d->sessp = pue_snmp_session_open(d->conf, d->addr, d->keys, &err);
	if (d->sessp == NULL) {
		pue_snmp_answer_error(d, "%s", err.msg);
		return -1;
	}
	d->fd = pue_snmp_session_fd(d->sessp);
	if ((rc = pue_loop_add_fd(d->m->poller.loop, d->fd, EPOLLIN, on_readable, d)) < 0) {
		pue_snmp_answer_error(d, "%s: watching the socket: %s", d->where, strerror(-rc));
		close_session(d);
		return -1;
	}
	return 0;
}

/* net-snmp keeps one USM user per engine ID and user name for the whole
 * process: two devices naming the same user on the same agent must agree on
 * everything, or the second would silently use the first one's keys. */
static bool
user_conflicts(const struct snmp_dev *d, const struct snmp_dev *o)
{
	const struct pue_snmp_conf *a = &d->conf->snmp, *b = &o->conf->snmp;

	return o != d && o->engine_len == d->engine_len &&
	       memcmp(o->engine, d->engine, d->engine_len) == 0 && b->version == PUE_SNMP_V3 &&
	       strcmp(a->user, b->user) == 0 &&
	       (a->level != b->level || a->auth != b->auth || a->priv != b->priv ||
		!pue_snmp_setup_same_secret(&a->auth_passphrase, &b->auth_passphrase) ||
		!pue_snmp_setup_same_secret(&a->priv_passphrase, &b->priv_passphrase));
}

static void
format_engine(const u_char *id, size_t len, char *buf, size_t size)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < len && off + 3 <= size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%02x", id[i]);
}

static void
finish_discovery(struct snmp_dev *d)
{
	struct pue_snmp *m = d->m;
	struct pue_err err;
	size_t i;

	d->probing = false;
	if (!d->probe_ok)
		return; /* the probe's error is the poll's error */
	for (i = 0; i < m->n_devs; i++)
		if (m->devs[i].engine_len > 0 && user_conflicts(d, &m->devs[i])) {
			pue_snmp_answer_error(
				d,
				"%s: device %s uses SNMPv3 user \"%.32s\" on the same agent with "
				"other settings; net-snmp keeps one key set per agent and user",
				d->where, m->devs[i].conf->name, d->conf->snmp.user);
			d->engine_len = 0;
			return;
		}
	if (d->last_engine_len > 0 && (d->last_engine_len != d->engine_len ||
				       memcmp(d->last_engine, d->engine, d->engine_len) != 0)) {
		char was[2 * SNMP_MAX_ENG_SIZE + 1], now[2 * SNMP_MAX_ENG_SIZE + 1];

		format_engine(d->last_engine, d->last_engine_len, was, sizeof(was));
		format_engine(d->engine, d->engine_len, now, sizeof(now));
		pue_log(LOG_NOTICE,
			"device %s: %s: the agent's SNMPv3 engine ID is now 0x%s (was 0x%s)",
			d->conf->name, d->where, now, was);
	}
	pue_snmp_session_forget_time(d->engine, d->engine_len);
	if (pue_snmp_session_set_engine(d->sessp, d->engine, d->engine_len, &err) < 0) {
		pue_snmp_answer_error(d, "%s: %s", d->where, err.msg);
		return;
	}
	d->engine_known = true;
	queue_reads(d);
}

/* Polls ----------------------------------------------------------------- */

static void
finish(struct snmp_dev *d)
{
	struct pue_snmp *m = d->m;
	size_t k, ok = 0, rejected = 0, n = d->conf->n_points;
	pue_wall_t now = pue_clock_wall(m->poller.clock);
	struct pue_err err;

	for (k = 0; k < n; k++) {
		const struct snmp_point *pt = &d->pts[k];
		struct pue_reading r = {.wall = pt->wall, .raw = pt->raw, .rebased = pt->rebased};

		if (pt->st != PT_OK)
			continue;
		if (pue_decode_scale(&d->conf->points[k].num, &pt->raw, &r.value, &err) < 0) {
			pue_snmp_answer_error(d, "point %s: %s", d->conf->points[k].name, err.msg);
			continue;
		}
		if (m->poller.sink.reading(m->poller.sink.arg, d->index, k, &r, &err) < 0) {
			/* The device answered: degraded, not failing. The
			 * sink logged it; the error only goes to the health. */
			pue_snmp_answer_error(d, "%s", err.msg);
			rejected++;
			continue;
		}
		ok++;
	}
	if (ok < n && !pue_errtext_is_set(&d->error))
		pue_snmp_answer_error(d, "%zu of %zu points not read", n - ok, n);
	d->busy = false;
	/* A v3 agent that left a whole poll unanswered may be back with a new
	 * engine ID, or the old one with its boots reset, which net-snmp drops
	 * unheard (snmp_session.c): the next poll discovers it again. */
	if (d->conf->snmp.version == PUE_SNMP_V3 && d->engine_known && d->timed_out && !d->answered)
		d->reset = true;
	if (ok + rejected == 0)
		pue_health_failure(&d->health, d->conf->name, now, pue_clock_mono(m->poller.clock),
				   d->requests, pue_errtext_get(&d->error));
	else
		pue_health_success(&d->health, d->conf->name, now,
				   pue_mono_diff_ms(pue_clock_mono(m->poller.clock), d->started),
				   d->requests, ok < n, pue_errtext_get(&d->error));
	pue_errtext_clear(&d->error); /* the health has its own copy */
	pue_poll_schedule_resume(&d->sched);
	if (d->reset)
		close_session(d);
	if (m->poller.sink.polled != NULL)
		m->poller.sink.polled(m->poller.sink.arg, d->index);
}

/* Lets net-snmp resend or time out what expired, sends what is queued, and
 * ends the poll when nothing is left in flight. */
static void
pump(void *arg)
{
	struct snmp_dev *d = arg;
	bool active = false;
	size_t i;

	if (d->sessp != NULL && d->busy)
		snmp_sess_timeout(d->sessp); /* resends or times out what expired */
	if (!d->busy)
		return;
	if (d->probing && d->reqs[0].state == RQ_DONE)
		finish_discovery(d);
	for (i = 0; i < d->n_reqs && d->sessp != NULL; i++)
		if (d->reqs[i].state == RQ_QUEUED)
			send_req(d, &d->reqs[i]);
	for (i = 0; i < d->n_reqs; i++)
		active = active || d->reqs[i].state != RQ_DONE;
	if (!active || d->sessp == NULL || !arm(d))
		finish(d);
}

static void resume_poll(struct snmp_dev *d);

static void
on_resolved(void *arg, const char *numeric, const char *error)
{
	struct snmp_dev *d = arg;

	d->lookup = NULL;
	if (numeric == NULL) {
		pue_snmp_answer_error(d, "%s", error);
		finish(d);
		return;
	}
	free(d->addr);
	if ((d->addr = strdup(numeric)) == NULL) {
		pue_snmp_answer_error(d, "%s: out of memory", d->where);
		finish(d);
		return;
	}
	resume_poll(d);
}

static void
start_poll(struct snmp_dev *d)
{
	struct pue_err err;
	size_t k;

	d->busy = true;
	d->started = pue_clock_mono(d->m->poller.clock);
	d->requests = 0;
	pue_errtext_clear(&d->error);
	d->reset = false;
	d->timed_out = d->answered = false;
	d->n_reqs = 0;
	for (k = 0; k < d->conf->n_points; k++)
		d->pts[k].st = PT_PENDING;
	if (d->sessp == NULL && d->addr == NULL &&
	    !pue_resolve_host_is_numeric(d->conf->snmp.host)) {
		/* The poll goes on when the name is resolved (the device stays
		 * busy meanwhile, so a slow DNS costs this device its polls,
		 * nobody else's). */
		if ((d->lookup = pue_resolve_start(d->m->poller.loop, d->conf->snmp.host,
						   on_resolved, d, &err)) == NULL) {
			pue_snmp_answer_error(d, "%s", err.msg);
			finish(d);
		}
		return;
	}
	resume_poll(d);
}

/* The rest of a poll, once the agent's address is known. */
static void
resume_poll(struct snmp_dev *d)
{
	if (d->sessp == NULL && open_session(d) < 0) {
		finish(d);
		return;
	}
	if (d->conf->snmp.version == PUE_SNMP_V3 && !d->engine_known) {
		d->probing = true;
		d->probe_ok = false;
		if (d->engine_len > 0) { /* not after a discovery that failed */
			memcpy(d->last_engine, d->engine, d->engine_len);
			d->last_engine_len = d->engine_len;
		}
		d->engine_len = 0;
		add_req(d, RQ_PROBE);
	} else
		queue_reads(d);
	pump(d);
}

static void
poll_due(void *arg)
{
	struct snmp_dev *d = arg;

	if (d->busy) {
		d->health.skipped++; /* the last poll still waits for answers */
		return;
	}
	start_poll(d);
}

/* Setup ----------------------------------------------------------------- */

/* The loop's busy probe (loop.h): a poll in progress, from the name lookup
 * to the last answer or timeout. */
static bool
any_poll_running(void *arg)
{
	const struct pue_snmp *m = arg;
	size_t i;

	for (i = 0; i < m->n_devs; i++)
		if (m->devs[i].busy)
			return true;
	return false;
}

static void poller_free(struct pue_poller *p);

static struct pue_poller *
poller_new(const struct pue_poller_env *env, struct pue_err *err)
{
	const struct pue_config *cfg = env->cfg;
	struct pue_snmp *m = calloc(1, sizeof(*m));
	size_t i, n = 0;

	if (m == NULL)
		goto nomem;
	pue_poller_init(&m->poller, &pue_snmp_poll_ops, env);
	for (i = 0; i < cfg->n_devices; i++)
		n += cfg->devices[i].protocol == PUE_PROTO_SNMP;
	if (n == 0)
		return &m->poller; /* net-snmp is not needed */
	m->by_device = calloc(cfg->n_devices, sizeof(*m->by_device));
	m->devs = calloc(n, sizeof(*m->devs));
	if (m->by_device == NULL || m->devs == NULL)
		goto nomem;
	/* The service starts net-snmp before any thread (snmp_lib.h). */
	assert(env->snmp_lib != NULL);
	m->lib = pue_snmp_lib_ref(env->snmp_lib);
	netsnmp_large_fd_set_init(&m->fds, FD_SETSIZE);
	m->fds_ready = true;
	for (i = 0; i < cfg->n_devices; i++)
		if (cfg->devices[i].protocol == PUE_PROTO_SNMP) {
			struct snmp_dev *d = &m->devs[m->n_devs];

			if (pue_snmp_setup_dev(m, d, i, poll_due, err) < 0)
				goto fail;
			pue_timer_init(&d->net_timer, m->poller.loop, true, on_net_timer, d,
				       "device %.60s: the timeout of its SNMP requests",
				       d->conf->name);
		}
	pue_snmp_lib_quiet(m->lib);
	if (pue_loop_add_busy(m->poller.loop, any_poll_running, m) < 0)
		goto nomem;
	m->probing_loop = true;
	/* Spread first polls over each interval, as the Modbus poller does. */
	for (i = 0; i < m->n_devs; i++)
		if (pue_poll_schedule_start(&m->poller.schedules, &m->devs[i].sched, i, m->n_devs) <
		    0)
			goto nomem;
	return &m->poller;
nomem:
	pue_err_set(err, -ENOMEM, "snmp: out of memory");
fail:
	poller_free(m != NULL ? &m->poller : NULL);
	return NULL;
}

static void
poller_free(struct pue_poller *p)
{
	struct pue_snmp *m = (struct pue_snmp *)p;
	size_t i, k;

	if (m == NULL)
		return;
	if (m->probing_loop)
		pue_loop_del_busy(m->poller.loop, any_poll_running, m);
	for (i = 0; i < m->n_devs; i++) {
		struct snmp_dev *d = &m->devs[i];

		pue_poll_schedule_stop(&d->sched);
		pue_timer_cancel(&d->net_timer);
		pue_resolve_cancel(d->lookup);
		close_session(d);
		if (d->conf->snmp.version == PUE_SNMP_V3 && d->engine_len > 0)
			pue_snmp_session_forget_user(d->engine, d->engine_len, d->conf->snmp.user);
		for (k = 0; k < d->conf->n_points && d->pts != NULL; k++)
			free(d->pts[k].name);
		for (k = 0; k < d->n_walks && d->walk_cur != NULL; k++)
			free(d->walk_cur[k].arcs);
		free(d->pts);
		free(d->gets); /* and work, in its block */
		free(d->reqs);
		free(d->walk_cur);
		free(d->where);
		if (d->own_keys) {
			pue_snmp_session_keys_wipe(d->keys);
			free(d->keys);
		}
		pue_errtext_clear(&d->error);
		pue_health_release(&d->health);
	}
	if (m->fds_ready)
		netsnmp_large_fd_set_cleanup(&m->fds);
	pue_snmp_lib_unref(m->lib);
	free(m->devs);
	free(m->by_device);
	free(m);
}

/* The schedules are re-armed by pue_poller_rearm() itself. */
static size_t
poller_rearm(struct pue_poller *p)
{
	struct pue_snmp *m = (struct pue_snmp *)p;
	size_t i, n = 0;

	for (i = 0; i < m->n_devs; i++)
		n += pue_timer_retry(&m->devs[i].net_timer);
	return n;
}

static const struct pue_health *
poller_health(const struct pue_poller *p, size_t device)
{
	const struct pue_snmp *m = (const struct pue_snmp *)p;

	if (m->by_device == NULL || device >= m->poller.cfg->n_devices ||
	    m->by_device[device] == NULL)
		return NULL;
	return &m->by_device[device]->health;
}

static size_t
poller_reads_per_poll(const struct pue_poller *p, size_t device)
{
	const struct pue_snmp *m = (const struct pue_snmp *)p;
	const struct snmp_dev *d;

	if (m->by_device == NULL || device >= m->poller.cfg->n_devices ||
	    (d = m->by_device[device]) == NULL)
		return 0;
	return (d->n_gets + d->max_vb - 1) / d->max_vb + d->n_walks;
}

const struct pue_poller_ops pue_snmp_poll_ops = {
	.name = "snmp",
	.new = poller_new,
	.free = poller_free,
	.health = poller_health,
	.reads_per_poll = poller_reads_per_poll,
	.rearm = poller_rearm,
};
