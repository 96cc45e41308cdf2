/* SPDX-License-Identifier: MIT */
/*
 * alert_sink.c - notifications to the configured targets; see
 * alert_sink.h. This file holds the dispatcher and the log target; SNMP
 * and exec targets have their own files below it.
 */
#include "alerts/alert_sink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alert_sink_exec.h"
#include "alerts/alert_sink_snmp.h"
#include "alerts/alert_state.h"
#include "util/log.h"

struct target {
	const struct pue_target_conf *conf; /* NULL: the implied log target */
	struct pue_alert_target_stats stats;
	struct pue_alert_sink_snmp *snmp;
	struct pue_alert_sink_exec *exec;
};

struct pue_alert_sinks {
	struct pue_alert_target_ctx ctx;
	struct target *targets;
	size_t n_targets;
	struct pue_notification *pending; /* taken by queue, sent by send */
	size_t n_pending, cap_pending;
};

/* Targets --------------------------------------------------------------- */

static const char *
target_name(const struct target *t)
{
	return t->conf != NULL ? t->conf->name : "log";
}

static const char *
target_type(const struct target *t)
{
	static const char *const names[] = {"snmp_trap", "snmp_inform", "exec", "log"};

	return t->conf != NULL ? names[t->conf->type] : "log";
}

static bool
wants(const struct target *t, const struct pue_notification *n)
{
	enum pue_severity min = t->conf != NULL ? t->conf->min_severity : PUE_SEV_INFO;

	return n->severity >= min;
}

/* One journal or syslog line; critical firings at LOG_ERR so that a
 * journal filtered at "err" still shows the ceiling being crossed. */
static void
log_line(struct target *t, const struct pue_notification *n)
{
	static const int firing_priority[] = {LOG_NOTICE, LOG_WARNING, LOG_ERR};

	pue_log(n->resolved ? LOG_NOTICE : firing_priority[n->severity], "alert #%u %s %s (%s): %s",
		n->incident, n->key, n->resolved ? "resolved" : "FIRING",
		pue_alert_state_severity_name(n->severity), n->message);
	t->stats.sent++;
}

struct pue_alert_sinks *
pue_alert_sink_new(const struct pue_alert_target_ctx *ctx, struct pue_err *err)
{
	const struct pue_alerts_conf *ac = &ctx->cfg->alerts;
	struct pue_alert_sinks *s = calloc(1, sizeof(*s));
	bool has_log = false;
	size_t i;

	if (s == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		return NULL;
	}
	s->ctx = *ctx;
	for (i = 0; i < ac->n_targets; i++)
		has_log |= ac->targets[i].type == PUE_TARGET_LOG;
	s->targets = calloc(ac->n_targets + 1, sizeof(*s->targets));
	if (s->targets == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		goto fail;
	}
	if (!has_log)
		s->n_targets = 1; /* the implied log target: alerts are always logged */
	for (i = 0; i < ac->n_targets; i++) {
		struct target *t = &s->targets[s->n_targets++];
		struct pue_alert_target tg = {&ac->targets[i], &s->ctx, &t->stats};

		t->conf = tg.conf;
		switch (t->conf->type) {
		case PUE_TARGET_SNMP_TRAP:
		case PUE_TARGET_SNMP_INFORM:
			t->snmp = pue_alert_sink_snmp_new(&tg, err);
			if (t->snmp == NULL)
				goto fail;
			break;
		case PUE_TARGET_EXEC:
			t->exec = pue_alert_sink_exec_new(&tg, err);
			if (t->exec == NULL)
				goto fail;
			break;
		case PUE_TARGET_LOG:
			break;
		}
	}
	return s;
fail:
	pue_alert_sink_free(s);
	return NULL;
}

void
pue_alert_sink_free(struct pue_alert_sinks *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_targets; i++) {
		pue_alert_sink_snmp_free(s->targets[i].snmp);
		pue_alert_sink_exec_free(s->targets[i].exec);
	}
	free(s->targets);
	free(s->pending);
	free(s);
}

int
pue_alert_sink_queue(struct pue_alert_sinks *s, const struct pue_notification *n,
		     struct pue_err *err)
{
	size_t i;
	int rc = 0;

	if (s->n_pending == s->cap_pending) {
		size_t cap = s->cap_pending ? s->cap_pending * 2 : 16;
		struct pue_notification *p = reallocarray(s->pending, cap, sizeof(*p));

		if (p == NULL)
			return pue_err_set(err, -ENOMEM, "alerts: out of memory");
		s->pending = p;
		s->cap_pending = cap;
	}
	s->pending[s->n_pending++] = *n;
	/* Informs are written now, inside the caller's transaction. */
	for (i = 0; i < s->n_targets; i++)
		if (s->targets[i].snmp != NULL && wants(&s->targets[i], n) &&
		    pue_alert_sink_snmp_queue(s->targets[i].snmp, n, err) < 0)
			rc = PUE_E_STORE;
	return rc;
}

void
pue_alert_sink_send(struct pue_alert_sinks *s)
{
	size_t i, k;

	for (k = 0; k < s->n_pending; k++) {
		const struct pue_notification *n = &s->pending[k];

		for (i = 0; i < s->n_targets; i++) {
			struct target *t = &s->targets[i];

			if (!wants(t, n))
				continue;
			if (t->snmp != NULL)
				pue_alert_sink_snmp_send(t->snmp, n);
			else if (t->exec != NULL)
				pue_alert_sink_exec_send(t->exec, n);
			else
				log_line(t, n);
		}
	}
	s->n_pending = 0;
}

size_t
pue_alert_sink_rearm(struct pue_alert_sinks *s)
{
	size_t i, n = 0;

	for (i = 0; s != NULL && i < s->n_targets; i++) {
		if (s->targets[i].snmp != NULL)
			n += pue_alert_sink_snmp_rearm(s->targets[i].snmp);
		if (s->targets[i].exec != NULL)
			n += pue_alert_sink_exec_rearm(s->targets[i].exec);
	}
	return n;
}

json_t *
pue_alert_sink_json(const struct pue_alert_sinks *s)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < s->n_targets; i++) {
		const struct target *t = &s->targets[i];

		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "name",
				       target_name(t), "type", target_type(t), "min_severity",
				       pue_alert_state_severity_name(t->conf ? t->conf->min_severity
									     : PUE_SEV_INFO),
				       "sent", (json_int_t)t->stats.sent, "failed",
				       (json_int_t)t->stats.failed, "queued",
				       (json_int_t)t->stats.queued, "dropped",
				       (json_int_t)t->stats.dropped, "last_error",
				       t->stats.last_error[0] ? json_string(t->stats.last_error)
							      : json_null()));
	}
	return arr;
}
