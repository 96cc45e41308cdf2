/* SPDX-License-Identifier: MIT */
/*
 * alerts.c - alert rounds, their state in the database, notifications;
 * see alerts.h. Control commands are in alerts_control.c, the alerts as
 * the snapshot copies them in alerts_view.c.
 */
#include "alerts/alerts.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/alerts_ack.h"
#include "alerts/alerts_internal.h"
#include "alerts/alerts_load.h"
#include "alerts/alerts_message.h"
#include "alerts/alerts_notify.h"
#include "util/log.h"
#include "alerts/snmp_boots.h"
#include "poll/snmp_lib.h"
#include "core/duration.h"
#include "engine/engine_totals.h"
#include "util/utf8.h"

#define ROUND_MS 1000
/* Points of a device looked at for staleness (a meter map has dozens at
 * most; the rest share their fate). */
#define STALE_POINTS 128
/* The AgentX values are rebuilt at most this often in real time, however
 * fast a test clock runs. */
#define PUBLISH_REAL_MS 250

/* Saving ---------------------------------------------------------------- */

int
pue_alerts_save(struct pue_alerts *a, struct alert *al, struct pue_err *err)
{
	struct pue_alert_row r = {
		.key = al->def.key,
		.rule = pue_config_text_alert_rule_name(al->def.rule),
		.subject = al->def.subject,
		.severity = pue_alert_state_severity_name(pue_alerts_severity(a, al)),
		.state = pue_alert_state_phase_name(al->st.phase),
		.message = pue_alerts_message(al),
		.since_ms = al->st.since_ms,
		.fired_ms = al->st.fired_ms,
		.resolved_ms = al->st.resolved_ms,
		.incident = al->incident,
		.notified = al->notified,
		.acked_by = pue_alerts_ack_by(al),
		.acked_ms = pue_alerts_ack_ms(al),
	};

	return pue_alert_db_save(a->db, &r, err);
}

/* Observing ------------------------------------------------------------- */

enum pue_severity
pue_alerts_severity(const struct pue_alerts *a, const struct alert *al)
{
	return a->cfg->alerts.rule_severity[al->def.rule];
}

struct pue_figure
pue_alerts_window_figure(const struct pue_alerts *a)
{
	return pue_engine_window(a->src.engine, a->window);
}

const struct silence *
pue_alerts_silence_of(const struct pue_alerts *a, const struct alert *al, int64_t now_ms)
{
	const char *rule = pue_config_text_alert_rule_name(al->def.rule);
	size_t i;

	for (i = 0; i < a->n_silences; i++)
		if (a->silences[i].until_ms > now_ms &&
		    (strcmp(a->silences[i].pattern, rule) == 0 ||
		     strcmp(a->silences[i].pattern, al->def.key) == 0))
			return &a->silences[i];
	return NULL;
}

static const struct pue_health *
health(const struct pue_alerts *a, size_t device)
{
	return a->src.health != NULL ? a->src.health(a->src.arg, device) : NULL;
}

static enum pue_alert_obs
observe(struct pue_alerts *a, struct alert *al, const struct pue_figure *f, int64_t now, char *msg,
	size_t len)
{
	const struct pue_config *cfg = a->cfg;
	const struct pue_year_figures *yf = pue_alert_year_get(a->year);
	const struct pue_health *h;
	struct pue_store_stats ss;
	char window[16];
	pue_wall_t at;

	switch (al->def.rule) {
	case PUE_RULE_PUE_CEILING:
	case PUE_RULE_PUE_WARNING:
	case PUE_RULE_BELOW_ONE:
	case PUE_RULE_INSUFFICIENT:
		pue_duration_format_span(cfg->pue.alert_window_ms, window, sizeof(window));
		return pue_alert_rules_observe_window(al->def.rule, &al->st, f,
						      pue_engine_category(a->src.engine), &cfg->pue,
						      window, msg, len);
	case PUE_RULE_YEAR_PROJECTION:
		return pue_alert_rules_observe_year(&al->st, yf->known ? &yf->y : NULL, &cfg->pue,
						    msg, len);
	case PUE_RULE_DEVICE_DOWN:
		return pue_alert_rules_observe_device(health(a, al->def.device),
						      cfg->devices[al->def.device].name, msg, len);
	case PUE_RULE_DATA_STALE: {
		const struct pue_device_conf *dev = &cfg->devices[al->def.device];
		int64_t last[STALE_POINTS];
		const char *names[STALE_POINTS];
		size_t p, n = dev->n_points < STALE_POINTS ? dev->n_points : STALE_POINTS;

		for (p = 0; p < n; p++) {
			pue_engine_point_value(a->src.engine, al->def.device, p, &at);
			last[p] = at.ms;
			names[p] = dev->points[p].name;
		}
		h = health(a, al->def.device);
		/* On the device's own schedule: its interval as its health has
		 * it (backoff), and the time one poll may take to give up. */
		return pue_alert_rules_observe_stale(
			last, names, n, a->started_ms, now,
			(int64_t)cfg->alerts.stale_after_polls *
					(h != NULL
						 ? pue_health_interval_ms(h, dev->poll_interval_ms)
						 : dev->poll_interval_ms) +
				dev->timeout_ms * (dev->retries + 1),
			h != NULL && h->state == PUE_DEV_DOWN, dev->name, msg, len);
	}
	case PUE_RULE_METER_RESET: {
		int64_t quiet = cfg->pue.min_duration_ms > PUE_ALERT_EVENT_QUIET_MS
					? cfg->pue.min_duration_ms
					: PUE_ALERT_EVENT_QUIET_MS;

		return pue_alert_rules_observe_event(al->last_event_ms, now, quiet);
	}
	case PUE_RULE_STORAGE:
		if (a->src.store == NULL)
			return PUE_OBS_HOLD;
		pue_store_stats(a->src.store, &ss);
		return pue_alert_rules_observe_storage(ss.failing, ss.last_error, msg, len);
	case PUE_RULE_COUNT:
		break;
	}
	return PUE_OBS_HOLD;
}

/* Rounds ---------------------------------------------------------------- */

/* The history's word for al's transition this round. */
static const char *
change_word(const struct alert *al)
{
	switch ((enum pue_alert_change)al->change) {
	case PUE_CHANGE_PENDING:
		return "pending";
	case PUE_CHANGE_FIRING:
		return al->silenced ? "firing (silenced)" : "firing";
	case PUE_CHANGE_RESOLVED:
		return "resolved";
	case PUE_CHANGE_CLEARED:
		return "cleared";
	default:
		return "?";
	}
}

/* Writes the round's changes (its dirty alerts) and queues their
 * notifications, in one transaction; a database that fails does not hold
 * notifications back. */
static void
commit_round(struct pue_alerts *a, int64_t now)
{
	struct pue_notification note;
	struct pue_err err = {0};
	bool ok = pue_alert_db_begin(a->db, &err) == 0;
	size_t k;

	for (k = 0; k < a->n_alerts; k++) {
		struct alert *al = &a->alerts[k];
		bool notify;

		if (!al->dirty)
			continue;
		notify = (al->change == PUE_CHANGE_FIRING && !al->silenced) ||
			 (al->change == PUE_CHANGE_RESOLVED && al->notified);
		if (ok && pue_alerts_save(a, al, &err) < 0)
			ok = false;
		if (ok && al->change != PUE_CHANGE_NONE &&
		    pue_alert_db_log(a->db, now, al->def.key, al->incident,
				     pue_alert_state_severity_name(pue_alerts_severity(a, al)),
				     change_word(al), pue_alerts_message(al), NULL, &err) < 0)
			ok = false;
		if (notify) {
			pue_alerts_notify_alert(a, al, al->change == PUE_CHANGE_RESOLVED, now,
						&note);
			if (pue_alert_sink_queue(a->sinks, &note, &err) < 0)
				ok = false;
		}
	}
	for (k = 0; k < a->n_orphans; k++) {
		const struct orphan *o = &a->orphans[k];
		struct pue_alert_row r = {.key = o->key,
					  .rule = pue_config_text_alert_rule_name(o->rule),
					  .subject = o->subject,
					  .severity = pue_alert_state_severity_name(o->severity),
					  .state = "resolved",
					  .message = "no longer in the configuration",
					  .since_ms = now,
					  .resolved_ms = now,
					  .incident = o->incident,
					  .notified = true};

		memset(&note, 0, sizeof(note));
		pue_alerts_notify_common(a, &note, now);
		note.incident = o->incident;
		note.rule = o->rule;
		pue_utf8_copy(note.key, sizeof(note.key), o->key);
		pue_utf8_copy(note.subject, sizeof(note.subject), o->subject);
		note.severity = o->severity;
		note.resolved = true;
		pue_utf8_copy(note.message, sizeof(note.message), r.message);
		if (ok && (pue_alert_db_save(a->db, &r, &err) < 0 ||
			   pue_alert_db_log(a->db, now, o->key, o->incident, r.severity, "resolved",
					    r.message, NULL, &err) < 0))
			ok = false;
		if (pue_alert_sink_queue(a->sinks, &note, &err) < 0)
			ok = false;
	}
	a->n_orphans = 0;
	if (ok && pue_alert_db_commit(a->db, &err) == 0) {
		for (k = 0; k < a->n_alerts; k++)
			a->alerts[k].dirty = false;
		if (a->db_failing)
			pue_log(LOG_NOTICE, "alerts: writing the alert state again");
		a->db_failing = false;
	} else {
		pue_alert_db_rollback(a->db);
		if (!a->db_failing)
			pue_log(LOG_ERR,
				"%s; alerts go out anyway, and their state is written when the "
				"database works again",
				err.msg[0] ? err.msg : "alerts: database failing");
		a->db_failing = true;
	}
	pue_alert_sink_send(a->sinks);
}

static void
expire_silences(struct pue_alerts *a, int64_t now)
{
	struct pue_err err;
	size_t i = 0;

	while (i < a->n_silences) {
		if (a->silences[i].until_ms > now) {
			i++;
			continue;
		}
		pue_log(LOG_INFO, "alerts: the silence on %s (by %s) ended", a->silences[i].pattern,
			a->silences[i].who);
		pue_alert_db_silence_delete(a->db, a->silences[i].pattern, &err);
		a->silences[i] = a->silences[--a->n_silences];
	}
}

static void
run_round(struct pue_alerts *a)
{
	int64_t now = pue_clock_wall(a->src.clock).ms;
	struct pue_figure f = pue_alerts_window_figure(a);
	char msg[300];
	size_t i, n = 0;
	uint64_t changes;
	bool new_window;

	/* Opened at last: new incidents number on from those it holds. */
	if (a->db_late && pue_alert_db_connected(a->db, NULL)) {
		if (pue_alert_db_max_incident(a->db) + 1 > a->next_incident)
			a->next_incident = pue_alert_db_max_incident(a->db) + 1;
		a->db_late = false;
	}
	expire_silences(a, now);
	changes = pue_engine_totals_windows_changed(a->src.engine);
	new_window = !a->window_seen || changes != a->window_changes;
	a->window_seen = true;
	a->window_changes = changes;
	for (i = 0; i < a->n_alerts; i++) {
		struct alert *al = &a->alerts[i];
		enum pue_alert_obs obs;
		enum pue_alert_change c;
		bool from_rest = al->st.phase == PUE_ALERT_OK || al->st.phase == PUE_ALERT_RESOLVED;

		msg[0] = '\0';
		obs = observe(a, al, &f, now, msg, sizeof(msg));
		/* A window changes only when a minute closes (or it loads
		 * again): between two changes it is the same evidence, and its
		 * time does not count for a minimum duration. Judged every
		 * second, a pending alert fired on the window the round before
		 * had seen, a second before the minute that cleared it (a first
		 * start with alert_window = min_duration paged for a second). */
		if (!new_window && pue_alert_rules_on_window(al->def.rule))
			obs = PUE_OBS_HOLD;
		c = pue_alert_state_step(&al->st, obs, now,
					 pue_alert_rules_min_duration(al->def.rule, &a->cfg->pue));
		/* A silence holds a firing back, it does not drop it: an alert
		 * still firing when its silence ends (or is lifted) goes out
		 * now, once, and its resolution will too. */
		if (c == PUE_CHANGE_NONE && al->st.phase == PUE_ALERT_FIRING && !al->notified &&
		    pue_alerts_silence_of(a, al, now) == NULL)
			c = PUE_CHANGE_FIRING;
		/* An alert's message is its current evidence: held alerts say
		 * why they hold rather than show an old figure. */
		if (msg[0] != '\0' && (obs == PUE_OBS_ACTIVE || c != PUE_CHANGE_NONE ||
				       (obs == PUE_OBS_HOLD && (al->st.phase == PUE_ALERT_PENDING ||
								al->st.phase == PUE_ALERT_FIRING))))
			pue_alerts_message_set(al, msg);
		al->change = (uint8_t)c;
		al->silenced = false;
		if (c == PUE_CHANGE_NONE) {
			n += al->dirty; /* a failed write, tried again */
			continue;
		}
		if (from_rest) { /* a new episode */
			al->incident = a->next_incident++;
			pue_alerts_ack_clear(al);
			al->notified = false;
		}
		if (c == PUE_CHANGE_FIRING) {
			al->silenced = pue_alerts_silence_of(a, al, now) != NULL;
			al->notified = !al->silenced;
		}
		if (c == PUE_CHANGE_PENDING || c == PUE_CHANGE_CLEARED || al->silenced)
			pue_log(LOG_INFO, "alert #%u %s %s: %s", al->incident, al->def.key,
				change_word(al), pue_alerts_message(al));
		al->dirty = true;
		n++;
	}
	if (n > 0 || a->n_orphans > 0)
		commit_round(a, now);
}

bool
pue_alerts_agentx_on(const struct pue_alerts *a)
{
	return a != NULL && a->agentx != NULL;
}

void
pue_alerts_publish_mib(struct pue_alerts *a, int (*values)(void *arg, struct pue_mib_values *vs),
		       void *arg)
{
	struct pue_mib_values vs = {0};
	pue_mono_t now;
	int64_t real;

	if (!pue_alerts_agentx_on(a))
		return;
	now = pue_clock_mono(a->src.clock);
	if (now.ns < a->next_publish.ns)
		return;
	if (values(arg, &vs) == 0) {
		pue_alert_mib_values_sort(&vs);
		pue_agentx_publish(a->agentx, &vs);
	}
	pue_alert_mib_values_clear(&vs);
	real = (int64_t)(PUBLISH_REAL_MS * pue_clock_rate(a->src.clock));
	a->next_publish = pue_mono_add_ms(now, real > ROUND_MS ? real : ROUND_MS);
}

static void
on_round(void *arg)
{
	struct pue_alerts *a = arg;
	pue_mono_t now;

	run_round(a);
	now = pue_clock_mono(a->src.clock);
	a->next_round = pue_mono_add_ms(a->next_round, ROUND_MS);
	if (a->next_round.ns <= now.ns) /* fell behind: no burst of rounds */
		a->next_round = pue_mono_add_ms(now, ROUND_MS);
	pue_timer_arm(&a->round, a->next_round); /* a failure: pue_alerts_rearm() */
}

static void
on_year(void *arg)
{
	(void)arg; /* the next round reads it */
}

void
pue_alerts_on_engine_event(void *arg, pue_wall_t t, const char *kind, size_t device, size_t point,
			   const char *message)
{
	struct pue_alerts *a = arg;
	char line[300];
	size_t i;

	if (strcmp(kind, "meter_reset") != 0)
		return;
	for (i = 0; i < a->n_alerts; i++) {
		struct alert *al = &a->alerts[i];

		if (al->def.rule == PUE_RULE_METER_RESET && al->def.device == device &&
		    al->def.point == point) {
			al->last_event_ms = t.ms;
			snprintf(line, sizeof(line), "point %s: %s", al->def.subject, message);
			pue_alerts_message_set(al, line);
			return;
		}
	}
}

/* Setup ----------------------------------------------------------------- */

/* RFC 3411 snmpEngineID, format 4 (text) under net-snmp's enterprise
 * 8072: "pued@" and the host name, stable across restarts. */
static void
default_engine_id(uint8_t *id, size_t *len)
{
	static const uint8_t head[] = {0x80, 0x00, 0x1f, 0x88, 0x04};
	char host[64] = "localhost", text[28];

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(text, sizeof(text), "pued@%s", host);
	memcpy(id, head, sizeof(head));
	memcpy(id + sizeof(head), text, strlen(text));
	*len = sizeof(head) + strlen(text);
}

/* One more boot of pued's SNMPv3 engine, before any trap goes out: kept in
 * the database and in a file beside it, which a new database leaves alone
 * (snmp_boots.h). A failure is logged and the best count known used: traps
 * still go out, and the log says why a receiver may drop them. */
static void
count_boot(struct pue_alerts *a, uint32_t *boots)
{
	int64_t db_boots = pue_alert_db_meta_get(a->db, "snmp_engine_boots", 0);
	char path[4096];
	struct pue_err why;

	if (pue_snmp_boots_path(a->cfg->storage.path, path, sizeof(path)) < 0) {
		pue_log(LOG_ERR, "alerts: SNMPv3 engine boots: no file name beside %s",
			a->cfg->storage.path);
		*boots = PUE_SNMP_BOOTS_MAX;
		if (db_boots < PUE_SNMP_BOOTS_MAX)
			*boots = db_boots > 0 ? (uint32_t)db_boots + 1 : 1;
	} else if (pue_snmp_boots_count(path, db_boots, boots, &why) < 0)
		pue_log(LOG_ERR, "alerts: SNMPv3 engine boots: %s", why.msg);
	if (pue_alert_db_meta_set(a->db, "snmp_engine_boots", *boots, &why) < 0)
		pue_log(LOG_ERR, "alerts: SNMPv3 engine boots: %s", why.msg);
	pue_log(LOG_DEBUG, "alerts: SNMPv3 engine boots %" PRIu32 " (%s)", *boots, path);
}

static int
start_sinks(struct pue_alerts *a, struct pue_err *err)
{
	const struct pue_config *cfg = a->cfg;
	struct pue_alert_target_ctx ctx = {
		.cfg = cfg, .loop = a->src.loop, .clock = a->src.clock, .db = a->db};
	bool snmp = false, v3_trap = false;
	size_t i;

	for (i = 0; i < cfg->alerts.n_targets; i++) {
		const struct pue_target_conf *t = &cfg->alerts.targets[i];

		snmp |= t->type == PUE_TARGET_SNMP_TRAP || t->type == PUE_TARGET_SNMP_INFORM;
		v3_trap |= t->type == PUE_TARGET_SNMP_TRAP && t->snmp.version == PUE_SNMP_V3;
	}
	/* The service started net-snmp before any thread (snmp_lib.h). */
	if (snmp) {
		assert(a->src.snmp_lib != NULL);
		a->snmp_lib = pue_snmp_lib_ref(a->src.snmp_lib);
	}
	if (pue_alert_mib_parse_prefix(cfg->alerts.enterprise_oid, ctx.prefix, &ctx.prefix_len) < 0)
		return pue_err_set(err, PUE_E_CONFIG, "alerts: enterprise_oid %s is not an OID",
				   cfg->alerts.enterprise_oid);
	ctx.started = pue_clock_mono(a->src.clock);
	if (cfg->alerts.engine_id_len > 0) {
		memcpy(ctx.engine_id, cfg->alerts.engine_id, cfg->alerts.engine_id_len);
		ctx.engine_id_len = cfg->alerts.engine_id_len;
	} else
		default_engine_id(ctx.engine_id, &ctx.engine_id_len);
	if (v3_trap)
		count_boot(a, &ctx.engine_boots);
	a->sinks = pue_alert_sink_new(&ctx, err);
	return a->sinks != NULL ? 0 : err->code;
}

struct pue_alerts *
pue_alerts_new(const struct pue_alerts_source *src, struct pue_err *err)
{
	const struct pue_config *cfg = src->cfg;
	struct pue_alerts *a = calloc(1, sizeof(*a));
	struct pue_alert_def *defs = NULL;
	ssize_t n;
	size_t i;

	if (a == NULL)
		goto nomem;
	a->src = *src;
	a->cfg = cfg;
	a->started_ms = pue_clock_wall(src->clock).ms;
	for (i = 0; i < cfg->pue.n_windows; i++)
		if (cfg->pue.windows_ms[i] == cfg->pue.alert_window_ms)
			a->window = i;
	if ((n = pue_alert_rules_defs(cfg, &defs)) < 0)
		goto nomem;
	a->alerts = calloc(n ? (size_t)n : 1, sizeof(*a->alerts));
	if (a->alerts == NULL) {
		pue_alert_rules_defs_free(defs, (size_t)n);
		defs = NULL;
		goto nomem;
	}
	a->n_alerts = (size_t)n;
	for (i = 0; i < a->n_alerts; i++)
		a->alerts[i].def = defs[i]; /* the key is the alert's now */
	free(defs);
	defs = NULL;
	if (src->store != NULL && !pue_store_is_open(src->store)) {
		/* The store started on a full disk: no state to load, and what
		 * happens is written once the database opens. */
		if ((a->db = pue_alert_db_open_later(cfg->storage.path)) == NULL)
			goto nomem;
		a->db_late = true;
		a->next_incident = 1;
		pue_log(LOG_WARNING,
			"alerts: %s cannot be read: alert states start afresh and are written "
			"once it can be",
			cfg->storage.path);
	} else if ((a->db = pue_alert_db_open(cfg->storage.path, err)) == NULL ||
		   pue_alerts_load(a, err) < 0)
		goto fail;
	if (start_sinks(a, err) < 0)
		goto fail;
	if ((a->year = pue_alert_year_new(cfg, src->loop, src->clock, src->store, on_year, a,
					  err)) == NULL)
		goto fail;
	if (cfg->alerts.agentx &&
	    (a->agentx = pue_agentx_new(cfg, src->loop, src->clock, err)) == NULL)
		goto fail;
	a->next_round = pue_mono_add_ms(pue_clock_mono(src->clock), ROUND_MS);
	a->next_publish = pue_clock_mono(src->clock);
	pue_timer_init(&a->round, src->loop, false, on_round, a, "alerts: the alert round");
	if (pue_timer_arm(&a->round, a->next_round) < 0)
		goto nomem;
	return a;
nomem:
	pue_err_set(err, -ENOMEM, "alerts: out of memory");
fail:
	free(defs);
	pue_alerts_free(a);
	return NULL;
}

size_t
pue_alerts_rearm(struct pue_alerts *a)
{
	if (a == NULL)
		return 0;
	return pue_timer_retry(&a->round) + pue_alert_year_rearm(a->year) +
	       pue_agentx_rearm(a->agentx) + pue_alert_sink_rearm(a->sinks);
}

void
pue_alerts_free(struct pue_alerts *a)
{
	if (a == NULL)
		return;
	pue_timer_cancel(&a->round);
	pue_agentx_free(a->agentx);
	pue_alert_year_free(a->year);
	pue_alert_sink_free(a->sinks);
	pue_snmp_lib_unref(a->snmp_lib);
	pue_alert_db_close(a->db);
	for (size_t i = 0; i < a->n_alerts; i++) {
		free(a->alerts[i].def.key);
		free(a->alerts[i].message);
		pue_alerts_ack_clear(&a->alerts[i]);
	}
	free(a->alerts);
	free(a->silences);
	free(a->orphans);
	free(a);
}
