/* SPDX-License-Identifier: MIT */
/*
 * alerts_load.c - the alerts' state as the database left it: each alert's
 * phase, incident and acknowledgement, and the silences; see
 * alerts_load.h.
 */
#include "alerts/alerts_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts_ack.h"
#include "alerts/alerts_message.h"
#include "util/utf8.h"

static int
compare_keys(const void *x, const void *y)
{
	const struct alert *const *a = x, *const *b = y;

	return strcmp((*a)->def.key, (*b)->def.key);
}

/* bsearch()'s: a key against an alert. */
static int
compare_key(const void *key, const void *y)
{
	const struct alert *const *b = y;

	return strcmp(key, (*b)->def.key);
}

static struct alert *
find_key(struct alert **by_key, size_t n, const char *key)
{
	struct alert **hit = bsearch(key, by_key, n, sizeof(*by_key), compare_key);

	return hit != NULL ? *hit : NULL;
}

struct load_ctx {
	struct pue_alerts *a;
	struct alert **by_key;
	bool nomem; /* an acknowledgement could not be kept */
};

static int
rule_of(const char *name)
{
	for (int r = 0; r < PUE_RULE_COUNT; r++)
		if (strcmp(name, pue_config_text_alert_rule_name((enum pue_alert_rule)r)) == 0)
			return r;
	return -1;
}

static void
on_row(void *arg, const struct pue_alert_row *r)
{
	struct load_ctx *lc = arg;
	struct pue_alerts *a = lc->a;
	struct alert *al = find_key(lc->by_key, a->n_alerts, r->key);
	int phase = pue_alert_state_phase_parse(r->state),
	    sev = pue_alert_state_severity_parse(r->severity);
	int rule = rule_of(r->rule);

	if (phase < 0 || sev < 0 || rule < 0)
		return; /* a row this pued cannot read: leave it alone */
	if (al == NULL) {
		struct orphan *o;

		/* Fired under an older configuration: the NOC must hear that
		 * it is over, or it stays open on their board forever. */
		if (phase != PUE_ALERT_FIRING || !r->notified)
			return;
		o = reallocarray(a->orphans, a->n_orphans + 1, sizeof(*a->orphans));
		if (o == NULL)
			return;
		a->orphans = o;
		o = &a->orphans[a->n_orphans++];
		pue_utf8_copy(o->key, sizeof(o->key), r->key);
		pue_utf8_copy(o->subject, sizeof(o->subject), r->subject);
		o->rule = (enum pue_alert_rule)rule;
		o->severity = (enum pue_severity)sev;
		o->incident = r->incident;
		return;
	}
	al->st = (struct pue_alert_state){.phase = (enum pue_alert_phase)phase,
					  .since_ms = r->since_ms,
					  .fired_ms = r->fired_ms,
					  .resolved_ms = r->resolved_ms};
	al->incident = r->incident;
	al->notified = r->notified;
	/* Dropped, it would be written back dropped at the alert's next
	 * write: pued does not start without it (out of memory at start). */
	if (pue_alerts_ack_set(al, r->acked_by, r->acked_ms) < 0)
		lc->nomem = true;
	pue_alerts_message_set(al, r->message != NULL ? r->message : "");
	/* A reset alert that fires resolves after its quiet time from then. */
	if (al->def.rule == PUE_RULE_METER_RESET && phase == PUE_ALERT_FIRING)
		al->last_event_ms = r->since_ms;
}

static void
on_silence(void *arg, const char *pattern, int64_t until_ms, int64_t t_ms, const char *who)
{
	struct pue_alerts *a = arg;
	struct silence *s;

	if (a->n_silences == a->cap_silences) {
		size_t cap = a->cap_silences ? a->cap_silences * 2 : 8;

		if ((s = reallocarray(a->silences, cap, sizeof(*s))) == NULL)
			return;
		a->silences = s;
		a->cap_silences = cap;
	}
	s = &a->silences[a->n_silences++];
	pue_utf8_copy(s->pattern, sizeof(s->pattern), pattern);
	pue_utf8_copy(s->who, sizeof(s->who), who);
	s->until_ms = until_ms;
	s->t_ms = t_ms;
}

int
pue_alerts_load(struct pue_alerts *a, struct pue_err *err)
{
	struct alert **by_key = calloc(a->n_alerts ? a->n_alerts : 1, sizeof(*by_key));
	struct load_ctx lc = {a, by_key, false};
	size_t i;
	int rc;

	if (by_key == NULL)
		return pue_err_set(err, -ENOMEM, "alerts: out of memory");
	for (i = 0; i < a->n_alerts; i++)
		by_key[i] = &a->alerts[i];
	qsort(by_key, a->n_alerts, sizeof(*by_key), compare_keys);
	rc = pue_alert_db_load(a->db, on_row, &lc, err);
	free(by_key);
	if (rc >= 0 && lc.nomem)
		return pue_err_set(err, -ENOMEM, "alerts: out of memory");
	if (rc < 0 || (rc = pue_alert_db_silence_load(a->db, on_silence, a, err)) < 0)
		return rc;
	a->next_incident = pue_alert_db_max_incident(a->db) + 1;
	return 0;
}
