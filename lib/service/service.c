/* SPDX-License-Identifier: MIT */
/* service.c - starting and stopping pued's modules; see service.h. */
#include "service/service.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h" /* alerts (issue 8) */
#include "alerts/alerts_control.h"
#include "control/control.h"
#include "control/control_commands.h"
#include "core/duration.h"
#include "engine/engine.h"
#include "engine/engine_handover.h"
#include "engine/engine_resume.h"
#include "web/exporter.h" /* /metrics (issue 17) */
#include "http/http_server.h"
#include "util/log.h"
#include "poll/poller.h"
#include "poll/poller_kinds.h"
#include "service/service_commands.h"
#include "snapshot/snapshot_mib.h" /* the AgentX values from the round's snapshot */
#include "poll/snmp_lib.h"
#include "store/store.h"
#include "store/store_config.h"
#include "store/store_lock.h"
#include "web/web_feed.h" /* the status page at / (issue 17) */

struct pue_service {
	const struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_store *store;
	struct pue_store_lock *db_lock; /* NULL: could not be taken (logged) */
	/* A reload's new service's store, which takes the rows this one's
	 * could not write (pue_service_take_over()); NULL otherwise. */
	struct pue_store *heir;
	/* The windows load again from the store after its next good flush:
	 * rows the old service's store handed over at a reload were not in
	 * the database when they were resumed. */
	bool reload_windows;
	struct pue_engine *engine;
	struct pue_loop *loop;
	struct pue_snmp_lib *snmp_lib; /* net-snmp's owner; NULL when nothing talks SNMP */
	struct pue_poller *pollers[PUE_POLLER_KINDS];
	/* alerts (issue 8) */
	struct pue_alerts *alerts;
	struct pue_control *control;
	/* /metrics (issue 17): NULL unless http: is configured */
	struct pue_exporter *exporter;
	struct pue_http *http;
	struct pue_web_feed *web;	 /* the page at / */
	int64_t web_minute;		 /* the wall-clock minute its page was made in */
	int64_t tick_timer, flush_timer; /* <= 0: not armed (pue_service_rearm()) */
	pue_mono_t next_tick, next_flush;
	/* The round's snapshot (round_snapshot()): NULL until an output asks
	 * for it in this round. */
	struct pue_snapshot *snap;
	bool snap_failing;		    /* the last could not be taken (logged once) */
	struct pue_service_answers answers; /* what the control commands read */
	uint64_t ticks, polls;		    /* progress, for the watchdog */
	uint64_t clock_steps;		    /* wall-clock steps already told (clock.h) */
};

#define TICK_MS 1000

static int
on_reading(void *arg, size_t device, size_t point, const struct pue_reading *r, struct pue_err *err)
{
	struct pue_service *s = arg;

	return pue_engine_reading(s->engine, device, point, r, err);
}

/* A finished poll, good or bad, is progress for the watchdog: a wedged
 * worker pool finishes none. */
static void
on_polled(void *arg, size_t device)
{
	struct pue_service *s = arg;

	(void)device;
	s->polls++;
}

/* A device is polled by one poller: the others do not know it. */
static const struct pue_health *
health_of(void *arg, size_t device)
{
	struct pue_service *s = arg;
	const struct pue_health *h;
	size_t k;

	for (k = 0; k < PUE_POLLER_KINDS; k++)
		if (s->pollers[k] != NULL &&
		    (h = s->pollers[k]->ops->health(s->pollers[k], device)) != NULL)
			return h;
	return NULL;
}

static size_t
reads_of(void *arg, size_t device)
{
	struct pue_service *s = arg;
	size_t k, n = 0;

	for (k = 0; k < PUE_POLLER_KINDS; k++)
		if (s->pollers[k] != NULL)
			n += s->pollers[k]->ops->reads_per_poll(s->pollers[k], device);
	return n;
}

/* One log line and one event per wall-clock step (PUE.md, "Restarts and
 * clock steps"); the clock itself absorbs it. */
static void
tell_clock_steps(struct pue_service *s)
{
	uint64_t n;
	int64_t last_ms, behind_ms;
	char msg[200];

	pue_clock_steps(s->clock, &n, &last_ms, &behind_ms);
	if (n == s->clock_steps)
		return;
	s->clock_steps = n;
	if (behind_ms == 0)
		snprintf(msg, sizeof(msg),
			 "the wall clock stepped %+.3f s; too far to slew, pued's "
			 "timestamps follow it at once",
			 (double)last_ms / 1000);
	else
		snprintf(msg, sizeof(msg),
			 "the wall clock stepped %+.3f s; pued's timestamps keep to the monotonic "
			 "clock and rejoin it by slewing, in about %.1f h",
			 (double)last_ms / 1000,
			 (double)(behind_ms < 0 ? -behind_ms : behind_ms) * PUE_CLOCK_SLEW_DIV /
				 3600000.0);
	pue_log(LOG_WARNING, "clock: %s", msg);
	if (s->store != NULL)
		pue_store_add_event(s->store, pue_clock_wall(s->clock), "clock_step", "wall clock",
				    msg);
}

static void tick(void *arg);
static void flush(void *arg);

/* Arms *timer for cb at when. A failure is logged when it starts and when
 * it ends (was_armed: the timer ran before this attempt). */
static void
arm(struct pue_service *s, int64_t *timer, pue_mono_t when, pue_timer_cb cb, const char *what,
    bool was_armed)
{
	*timer = pue_loop_add_timer(s->loop, when, cb, s);
	if (*timer > 0 && !was_armed)
		pue_log(LOG_NOTICE, "service: the %s runs again", what);
	else if (*timer <= 0 && was_armed)
		pue_log(LOG_ERR,
			"service: cannot arm the %s: %s; retrying from pued's other timers", what,
			strerror(ENOMEM));
}

size_t
pue_service_rearm(struct pue_service *s)
{
	pue_mono_t now = pue_clock_mono(s->clock);
	size_t k, left = 0;

	/* Overdue: their next run is now, and their schedule goes on from it. */
	if (s->tick_timer <= 0) {
		s->next_tick = now;
		arm(s, &s->tick_timer, now, tick, "1 s tick", false);
	}
	if (s->flush_timer <= 0) {
		s->next_flush = now;
		arm(s, &s->flush_timer, now, flush, "store's flush", false);
	}
	for (k = 0; k < PUE_POLLER_KINDS; k++)
		if (s->pollers[k] != NULL)
			left += pue_poller_rearm(s->pollers[k]);
	left += pue_alerts_rearm(s->alerts) + pue_control_rearm(s->control) +
		pue_http_server_rearm(s->http);
	return (s->tick_timer <= 0) + (s->flush_timer <= 0) + left;
}

/* The round's snapshot (issue 16, item 3; snapshot.h): taken by the first
 * output that needs it in a round - the tick's /metrics and AgentX
 * publication, a status or devices request, the status page - and read by
 * all of them, so they show one instant and a storm of requests costs one
 * copy. Borrowed until the next round; NULL when memory runs out. */
static struct pue_snapshot *
round_snapshot(struct pue_service *s)
{
	struct pue_snapshot_source src = {
		.cfg = s->cfg,
		.clock = s->clock,
		.engine = s->engine,
		.store = s->store,
		.alerts = s->alerts,
		.health = health_of,
		.reads_per_poll = reads_of,
		.arg = s,
		.http = s->http,
	};
	struct pue_err err;

	if (s->snap != NULL)
		return s->snap;
	s->snap = pue_snapshot_take(&src, &err);
	if (s->snap == NULL && !s->snap_failing)
		pue_log(LOG_ERR, "service: %s; /metrics and AgentX keep older figures", err.msg);
	else if (s->snap != NULL && s->snap_failing)
		pue_log(LOG_NOTICE, "service: the round's snapshot is taken again");
	s->snap_failing = s->snap == NULL;
	return s->snap;
}

/* The round's snapshot for the control commands (service_commands.h). */
static struct pue_snapshot *
snapshot_ref(void *arg)
{
	struct pue_snapshot *snap = round_snapshot(arg);

	return snap != NULL ? pue_snapshot_ref(snap) : NULL;
}

static void
forget_snapshot(void *arg)
{
	struct pue_service *s = arg;

	pue_snapshot_unref(s->snap);
	s->snap = NULL;
}

static int
mib_values(void *arg, struct pue_mib_values *vs)
{
	struct pue_snapshot *snap = arg;

	return pue_snapshot_mib_values(snap, vs);
}

/* A new round: status and devices ready where a storm of them goes on,
 * /metrics (issue 17, exporter.h) and the AgentX values (alerts.h), from
 * its snapshot, taken only when one of them needs it. */
static void
publish(struct pue_service *s)
{
	struct pue_snapshot *snap;

	forget_snapshot(s);
	pue_service_commands_prepare(&s->answers);
	if (s->exporter == NULL && !pue_alerts_agentx_on(s->alerts))
		return;
	if ((snap = round_snapshot(s)) == NULL)
		return;
	if (s->exporter != NULL)
		pue_exporter_publish(s->exporter, snap);
	pue_alerts_publish_mib(s->alerts, mib_values, snap);
}

/* The status page (issue 17): made once a minute of pued's clock, from
 * the control socket's own answers (web_feed.h). */
static void
update_page(struct pue_service *s)
{
	pue_wall_t now = pue_clock_wall(s->clock);
	struct pue_err err = {0};
	json_t *status, *alerts;

	if (s->web == NULL || now.ms / 60000 == s->web_minute)
		return;
	s->web_minute = now.ms / 60000;
	status = pue_service_commands_status_json(&s->answers);
	alerts = pue_alerts_control_command(s->alerts, PUE_CMD_ALERTS, NULL, NULL, &err);
	if (status != NULL)
		pue_web_feed_update(s->web, status, alerts, now.ms);
	json_decref(status);
	json_decref(alerts);
}

static void
tick(void *arg)
{
	struct pue_service *s = arg;

	tell_clock_steps(s);
	pue_engine_tick(s->engine);
	publish(s);
	update_page(s);
	s->ticks++;
	s->next_tick = pue_mono_add_ms(s->next_tick, TICK_MS);
	arm(s, &s->tick_timer, s->next_tick, tick, "1 s tick", true);
	if (s->tick_timer > 0)
		pue_service_rearm(s);
}

static void
flush(void *arg)
{
	struct pue_service *s = arg;
	bool was_open = pue_store_is_open(s->store);
	struct pue_err err;
	int n, rc;

	/* logs the store's state changes; the store keeps the rows when it fails */
	pue_store_mark_clock(s->store, s->clock);
	rc = pue_store_config_flush(s->store, pue_clock_wall(s->clock));
	/* Opened at last (pued started on a full disk), or written at last
	 * (rows a reload handed over): what was stored before counts in the
	 * windows from now on. */
	if ((!was_open && pue_store_is_open(s->store)) || (s->reload_windows && rc == 0)) {
		s->reload_windows = false;
		if ((n = pue_engine_resume_windows(s->engine, &err)) < 0)
			pue_log(LOG_ERR, "engine: reloading the windows: %s", err.msg);
		else
			pue_log(LOG_INFO, "engine: the windows reloaded from %d stored minutes", n);
	}
	s->next_flush = pue_mono_add_ms(s->next_flush, s->cfg->storage.flush_interval_ms);
	arm(s, &s->flush_timer, s->next_flush, flush, "store's flush", true);
	if (s->flush_timer > 0 && s->tick_timer <= 0)
		pue_service_rearm(s);
}

/* SNMP devices, trap or inform targets: net-snmp is needed. */
static bool
talks_snmp(const struct pue_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (cfg->devices[i].protocol == PUE_PROTO_SNMP)
			return true;
	for (i = 0; i < cfg->alerts.n_targets; i++)
		if (cfg->alerts.targets[i].type == PUE_TARGET_SNMP_TRAP ||
		    cfg->alerts.targets[i].type == PUE_TARGET_SNMP_INFORM)
			return true;
	return false;
}

/* The HTTP listener and what it serves; one line per route. */
static int
start_http(struct pue_service *s, const struct pue_service *running, struct pue_err *err)
{
	if (!s->cfg->http.enabled)
		return 0;
	if ((s->exporter = pue_exporter_new()) == NULL ||
	    (s->web = pue_web_feed_new(s->cfg, pue_engine_grace_ms(s->engine))) == NULL)
		return pue_err_set(err, -ENOMEM, "http: out of memory");
	publish(s); /* the first scrape finds figures */
	s->web_minute = INT64_MIN;
	update_page(s); /* and the first visit a page */
	const struct pue_http_route routes[] = {
		{"/metrics", pue_exporter_metrics, s->exporter},
		{"/", pue_web_feed_page, s->web},
	};
	s->http = pue_http_server_new(&s->cfg->http, s->loop, routes,
				      sizeof(routes) / sizeof(routes[0]),
				      running != NULL ? running->http : NULL, err);
	return s->http != NULL ? 0 : err->code;
}

static int
resume(struct pue_service *s, bool started, struct pue_err *err)
{
	int n = pue_engine_resume(s->engine, started, err);

	if (n > 0)
		pue_log(LOG_INFO, "engine: resumed the windows from %d stored minutes", n);
	return n;
}

struct pue_service *
pue_service_new(const struct pue_config *cfg, struct pue_clock *clock,
		const struct pue_service *running, struct pue_err *err)
{
	struct pue_service *s = calloc(1, sizeof(*s));
	struct pue_poll_sink sink;
	struct pue_poller_env env;
	struct pue_alerts_source alerts_src; /* alerts (issue 8) */
	struct pue_err lock_err = {0};
	pue_mono_t now;
	size_t k;
	int n;

	assert(pue_service_commands_complete());
	if (s == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->clock = clock;
	pue_clock_steps(clock, &s->clock_steps, &(int64_t){0}, &(int64_t){0});
	/* First, before any module that starts a thread: net-snmp's start
	 * may setenv(), and getenv() in another thread (the Modbus workers',
	 * the resolver's) would race with it. The pollers and the alerts
	 * only take a reference (snmp_lib.h). */
	if (talks_snmp(cfg) && (s->snmp_lib = pue_snmp_lib_new(err)) == NULL)
		goto fail;
	if ((s->db_lock = pue_store_lock_take(cfg->storage.path, &lock_err)) == NULL) {
		if (lock_err.code == -EBUSY) {
			*err = lock_err;
			goto fail;
		}
		pue_log(LOG_WARNING, "%s; a second pued on this database would not be refused",
			lock_err.msg);
	}
	if ((s->store = pue_store_config_open(cfg->storage.path, cfg, err)) == NULL)
		goto fail;
	if ((s->engine = pue_engine_new(cfg, clock, s->store, err)) == NULL)
		goto fail;
	/* Beside a running service, the last minute is not stored yet:
	 * pue_service_take_over() resumes once it is. */
	if (running == NULL && (n = resume(s, true, err)) < 0)
		goto fail;
	if ((s->loop = pue_loop_new(clock, err)) == NULL)
		goto fail;
	sink = (struct pue_poll_sink){.arg = s, .reading = on_reading, .polled = on_polled};
	env = (struct pue_poller_env){.cfg = cfg,
				      .loop = s->loop,
				      .clock = clock,
				      .sink = &sink,
				      .snmp_lib = s->snmp_lib};
	for (k = 0; k < PUE_POLLER_KINDS; k++)
		if ((s->pollers[k] = pue_poller_kinds_all[k]->new (&env, err)) == NULL)
			goto fail;
	/* Alerts (issue 8): they read the pollers' health. */
	alerts_src = (struct pue_alerts_source){.cfg = cfg,
						.clock = clock,
						.loop = s->loop,
						.engine = s->engine,
						.store = s->store,
						.health = health_of,
						.arg = s,
						.snmp_lib = s->snmp_lib};
	if ((s->alerts = pue_alerts_new(&alerts_src, err)) == NULL)
		goto fail;
	pue_engine_set_event_cb(s->engine, pue_alerts_on_engine_event, s->alerts);
	s->answers.snapshot = snapshot_ref;
	s->answers.forget = forget_snapshot;
	s->answers.snapshot_arg = s;
	s->answers.alerts = s->alerts;
	s->answers.clock = clock;
	s->answers.loop = s->loop;
	if ((s->control = pue_control_new(&cfg->control, s->loop, clock,
					  pue_service_commands_answer, &s->answers,
					  running != NULL ? running->control : NULL, err)) == NULL)
		goto fail;
	pue_control_set_ready(s->control,
			      pue_service_commands_ready); /* status, devices (issue 18) */
	if (start_http(s, running, err) < 0)
		goto fail;
	now = pue_clock_mono(clock);
	s->next_tick = pue_mono_add_ms(now, TICK_MS);
	s->next_flush = pue_mono_add_ms(now, cfg->storage.flush_interval_ms);
	if ((s->tick_timer = pue_loop_add_timer(s->loop, s->next_tick, tick, s)) < 0 ||
	    (s->flush_timer = pue_loop_add_timer(s->loop, s->next_flush, flush, s)) < 0) {
		pue_err_set(err, -ENOMEM, "service: cannot arm its timers: %s", strerror(ENOMEM));
		goto fail;
	}
	return s;
fail:
	pue_service_free(s);
	return NULL;
}

void
pue_service_free(struct pue_service *s)
{
	size_t k;

	if (s == NULL)
		return;
	pue_http_server_free(s->http); /* its thread stops before what it serves goes */
	pue_exporter_free(s->exporter);
	pue_web_feed_free(s->web);
	pue_control_free(s->control);
	forget_snapshot(s); /* it borrows the alerts' names */
	/* alerts (issue 8) */
	if (s->engine != NULL)
		pue_engine_set_event_cb(s->engine, NULL, NULL);
	pue_alerts_free(s->alerts);
	/* The Modbus poller joins its workers before anything they feed goes. */
	for (k = PUE_POLLER_KINDS; k-- > 0;)
		if (s->pollers[k] != NULL)
			s->pollers[k]->ops->free(s->pollers[k]);
	if (s->engine != NULL)
		pue_engine_stop(s->engine); /* the minute in progress too, before the last flush */
	pue_engine_free(s->engine);
	if (s->store != NULL)
		pue_store_mark_clock(s->store, s->clock);
	pue_store_config_close_into(s->store, s->heir);
	pue_store_lock_drop(s->db_lock); /* once the database is closed */
	pue_loop_free(s->loop);
	pue_snmp_lib_unref(s->snmp_lib); /* the last reference, or the alerts' */
	free(s);
}

struct pue_loop *
pue_service_loop(struct pue_service *s)
{
	return s->loop;
}

void
pue_service_summary(struct pue_service *s, char *buf, size_t len)
{
	struct pue_figure f = pue_engine_instant(s->engine);
	size_t off = 0;
	char span[16], pue[32];
	size_t i;

	pue_figure_format_milli(pue_figure_milli(f.pue), pue, sizeof(pue));
	if (pue_figure_has_value(&f))
		off += (size_t)snprintf(buf, len, "PUE now %s", pue);
	else
		off += (size_t)snprintf(buf, len, "PUE now %s", pue_figure_state_name(f.state));
	for (i = 0; i < s->cfg->pue.n_windows && off < len; i++) {
		f = pue_engine_window(s->engine, i);
		pue_duration_format_span(s->cfg->pue.windows_ms[i], span, sizeof(span));
		pue_figure_format_milli(pue_figure_milli(f.pue), pue, sizeof(pue));
		if (pue_figure_has_value(&f))
			off += (size_t)snprintf(buf + off, len - off, ", %s %s", span, pue);
		else
			off += (size_t)snprintf(buf + off, len - off, ", %s %s (%.1f%%)", span,
						pue_figure_state_name(f.state),
						pue_figure_coverage_shown(f.coverage, 1e3) * 100);
	}
}

size_t
pue_service_take_over(struct pue_service *s, struct pue_service *old)
{
	struct pue_engine_handover *h = pue_engine_handover_take(old->engine);
	struct pue_store_stats stats;
	struct pue_err err = {0};
	size_t kept = 0;

	pue_control_take_over(s->control, old->control);
	old->heir = s->store;
	pue_service_free(old); /* its store writes the minute just closed */
	pue_store_stats(s->store, &stats);
	s->reload_windows = stats.pending > 0;
	if (resume(s, false, &err) < 0)
		pue_log(LOG_ERR, "%s; the windows start empty", err.msg);
	if (h != NULL)
		kept = pue_engine_handover_give(s->engine, h);
	pue_engine_handover_free(h);
	return kept;
}

void
pue_service_set_reload_cb(struct pue_service *s, void (*cb)(void *arg), void *arg)
{
	s->answers.reload_cb = cb;
	s->answers.reload_arg = arg;
}

void
pue_service_progress(struct pue_service *s, uint64_t *ticks, uint64_t *polls)
{
	*ticks = s->ticks;
	*polls = s->polls;
}
