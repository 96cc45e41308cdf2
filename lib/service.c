/* SPDX-License-Identifier: MIT */
/* service.c - starting and stopping pued's modules; see service.h. */
#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h" /* alerts (issue 8) */
#include "control.h"
#include "engine.h"
#include "exporter.h" /* /metrics (issue 17) */
#include "http_server.h"
#include "log.h"
#include "modbus_poll.h"
#include "snmp_poll.h" /* SNMP (issue 5) */
#include "status.h"
#include "status_reply.h" /* issue 18 */
#include "store.h"
#include "window.h"

struct pue_service {
	const struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_store *store;
	struct pue_engine *engine;
	struct pue_loop *loop;
	struct pue_modbus *modbus;
	struct pue_snmp *snmp; /* SNMP (issue 5) */
	/* alerts (issue 8) */
	struct pue_alerts *alerts;
	struct pue_control *control;
	/* /metrics (issue 17): NULL unless http: is configured */
	struct pue_exporter *exporter;
	struct pue_http *http;
	struct pue_blob *index_page;
	int64_t tick_timer, flush_timer; /* <= 0: not armed (pue_service_rearm()) */
	pue_mono_t next_tick, next_flush;
	struct pue_status_cache *status_cache; /* status, devices (issue 18) */
	void (*reload_cb)(void *arg);	       /* the daemon's, for "reload" */
	void *reload_arg;
	uint64_t ticks, polls; /* progress, for the watchdog */
	uint64_t clock_steps;  /* wall-clock steps already told (clock.h) */
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

static const struct pue_health *
health_of(void *arg, size_t device)
{
	struct pue_service *s = arg;
	const struct pue_health *h = pue_modbus_health(s->modbus, device);

	/* SNMP (issue 5): a device is polled by one of the two. */
	return h != NULL ? h : pue_snmp_health(s->snmp, device);
}

static size_t
reads_of(void *arg, size_t device)
{
	struct pue_service *s = arg;

	/* SNMP (issue 5): 0 from the poller that does not know the device. */
	return pue_modbus_reads_per_poll(s->modbus, device) +
	       pue_snmp_reads_per_poll(s->snmp, device);
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

	/* Overdue: their next run is now, and their schedule goes on from it. */
	if (s->tick_timer <= 0) {
		s->next_tick = now;
		arm(s, &s->tick_timer, now, tick, "1 s tick", false);
	}
	if (s->flush_timer <= 0) {
		s->next_flush = now;
		arm(s, &s->flush_timer, now, flush, "store's flush", false);
	}
	return (s->tick_timer <= 0) + (s->flush_timer <= 0) + pue_modbus_rearm(s->modbus);
}

/* Where this service's snapshots are copied from. */
static struct pue_snapshot_source
snapshot_source(struct pue_service *s)
{
	return (struct pue_snapshot_source){
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
}

/* /metrics (issue 17): this round's snapshot, rendered for the HTTP
 * thread (exporter.h). */
static void
publish(struct pue_service *s)
{
	struct pue_snapshot_source src = snapshot_source(s);

	if (s->exporter != NULL)
		pue_exporter_update(s->exporter, &src);
}

/* status and devices (issue 18): the round's ready bytes. */
static struct pue_blob *
ready(void *arg, const char *cmd)
{
	struct pue_service *s = arg;
	struct pue_snapshot_source src = snapshot_source(s);

	/* On the stepped test clock a round lasts until the harness moves the
	 * clock, and what pued learns meanwhile (a worker's year figures, a
	 * late answer) must show when a test asks: a new snapshot each time. */
	if (pue_clock_is_stepped(s->clock))
		pue_status_cache_drop(s->status_cache);
	return pue_status_cache_reply(s->status_cache, cmd, s->ticks, &src);
}

/* status or devices from a snapshot of now, when the ready bytes could not
 * be made. */
static json_t *
status_now(struct pue_service *s, bool devices, struct pue_err *err)
{
	struct pue_snapshot_source src = snapshot_source(s);
	struct pue_snapshot *snap = pue_snapshot_take(&src, err);
	json_t *o;

	if (snap == NULL)
		return NULL;
	o = devices ? pue_status_devices_json(snap) : pue_status_json(snap);
	pue_snapshot_unref(snap);
	return o;
}

static void
tick(void *arg)
{
	struct pue_service *s = arg;

	tell_clock_steps(s);
	pue_engine_tick(s->engine);
	publish(s);
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
	int n;

	/* logs its state changes itself, and keeps the rows when it fails */
	pue_store_flush(s->store, pue_clock_wall(s->clock), &err);
	/* Opened at last (pued started on a full disk): what was stored
	 * before the start counts in the windows from now on. */
	if (!was_open && pue_store_is_open(s->store)) {
		if ((n = pue_engine_reload_windows(s->engine, &err)) < 0)
			pue_log(LOG_ERR, "engine: reloading the windows: %s", err.msg);
		else
			pue_log(LOG_INFO, "engine: the windows reloaded from %d stored minutes", n);
	}
	s->next_flush = pue_mono_add_ms(s->next_flush, s->cfg->storage.flush_interval_ms);
	arm(s, &s->flush_timer, s->next_flush, flush, "store's flush", true);
	if (s->flush_timer > 0 && s->tick_timer <= 0)
		pue_service_rearm(s);
}

/* "clock": where a test clock stands. "advance" {"ms": N, "wall_step_ms": M}:
 * a stepped clock's harness moves it (loop.h); the reply comes at once and
 * the harness asks "clock" until caught_up. */
static json_t *
clock_json(struct pue_service *s)
{
	char when[40];

	pue_format_time(pue_clock_wall(s->clock), when, sizeof(when));
	return json_pack("{s:b,s:s,s:I,s:I,s:b}", "stepped", pue_clock_is_stepped(s->clock), "time",
			 when, "wall_ms", (json_int_t)pue_clock_wall(s->clock).ms, "mono_ms",
			 (json_int_t)(pue_clock_mono(s->clock).ns / 1000000), "caught_up",
			 pue_loop_caught_up(s->loop));
}

static json_t *
advance(struct pue_service *s, json_t *req, struct pue_err *err)
{
	json_t *ms = json_object_get(req, "ms"), *step = json_object_get(req, "wall_step_ms");

	if (!pue_clock_is_stepped(s->clock)) {
		pue_err_set(err, -ENOTSUP, "advance: pued is not on a stepped test clock");
		return NULL;
	}
	if ((ms != NULL && (!json_is_integer(ms) || json_integer_value(ms) < 0)) ||
	    (step != NULL && !json_is_integer(step))) {
		pue_err_set(err, -EINVAL,
			    "advance: \"ms\" must be an integer >= 0, "
			    "\"wall_step_ms\" an integer");
		return NULL;
	}
	/* A wall step lands first, at the current monotonic time, as an NTP
	 * step does between two polls. */
	if (step != NULL && json_integer_value(step) != 0) {
		pue_clock_step_wall(s->clock, json_integer_value(step));
		pue_log(LOG_DEBUG, "test clock: wall stepped %+lld ms",
			(long long)json_integer_value(step));
	}
	if (ms != NULL)
		pue_loop_advance(s->loop,
				 pue_mono_add_ms(pue_clock_mono(s->clock), json_integer_value(ms)));
	return clock_json(s);
}

static json_t *
handle(void *arg, const char *cmd, json_t *req, const struct ucred *peer, struct pue_err *err)
{
	struct pue_service *s = arg;

	(void)req;
	(void)peer;
	/* issue 18: what a command changes shows in the next status */
	if (pue_control_is_admin_command(cmd))
		pue_status_cache_drop(s->status_cache);
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "devices") == 0)
		return status_now(s, strcmp(cmd, "devices") == 0, err);
	if (pue_alerts_handles(cmd)) /* alerts (issue 8) */
		return pue_alerts_command(s->alerts, cmd, req, peer, err);
	if (strcmp(cmd, "ping") == 0)
		return json_object();
	if (strcmp(cmd, "clock") == 0)
		return clock_json(s);
	if (strcmp(cmd, "advance") == 0)
		return advance(s, req, err);
	if (strcmp(cmd, "reload") == 0) {
		if (s->reload_cb == NULL) {
			pue_err_set(err, -ENOTSUP, "reload is not available");
			return NULL;
		}
		/* The reply goes out before the loop stops for the reload. */
		s->reload_cb(s->reload_arg);
		return json_pack("{s:s}", "reload", "started");
	}
	pue_err_set(err, -EINVAL,
		    "unknown command \"%.64s\" (known: status, devices, ping, reload, alerts, "
		    "ack, silence, unsilence, clock, advance)",
		    cmd);
	return NULL;
}

/* "/" until the status page exists: a plain page that points at /metrics. */
static const char index_html[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pued</title>"
	"</head>\n<body><h1>pued</h1><p><a href=\"/metrics\">/metrics</a>: the figures "
	"for Prometheus.</p></body></html>\n";

/* The HTTP listener and what it serves; one line per route. */
static int
start_http(struct pue_service *s, const struct pue_service *running, struct pue_err *err)
{
	char *page;

	if (!s->cfg->http.enabled)
		return 0;
	if ((s->exporter = pue_exporter_new()) == NULL)
		return pue_err_set(err, -ENOMEM, "http: out of memory");
	if ((page = strdup(index_html)) == NULL ||
	    (s->index_page = pue_blob_take(page, strlen(index_html), "text/html; charset=utf-8")) ==
		    NULL)
		return pue_err_set(err, -ENOMEM, "http: out of memory");
	publish(s); /* the first scrape finds figures */
	const struct pue_http_route routes[] = {
		{"/metrics", pue_exporter_metrics, s->exporter},
		{"/", pue_http_serve_blob, s->index_page},
	};
	s->http = pue_http_new(&s->cfg->http, s->loop, routes, sizeof(routes) / sizeof(routes[0]),
			       running != NULL ? running->http : NULL, err);
	return s->http != NULL ? 0 : err->code;
}

static int
resume(struct pue_service *s, struct pue_err *err)
{
	int n = pue_engine_resume(s->engine, err);

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
	struct pue_alerts_source alerts_src; /* alerts (issue 8) */
	pue_mono_t now;
	int n;

	if (s == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->clock = clock;
	pue_clock_steps(clock, &s->clock_steps, &(int64_t){0}, &(int64_t){0});
	if ((s->store = pue_store_open(cfg->storage.path, cfg, err)) == NULL)
		goto fail;
	if ((s->engine = pue_engine_new(cfg, clock, s->store, err)) == NULL)
		goto fail;
	/* Beside a running service, the last minute is not stored yet:
	 * pue_service_take_over() resumes once it is. */
	if (running == NULL && (n = resume(s, err)) < 0)
		goto fail;
	if ((s->loop = pue_loop_new(clock, err)) == NULL)
		goto fail;
	sink = (struct pue_poll_sink){.arg = s, .reading = on_reading, .polled = on_polled};
	/* SNMP (issue 5): agents polled asynchronously in the same loop.
	 * Started before the Modbus workers exist, because net-snmp's start
	 * may setenv() (snmp_session.c) and getenv() in another thread
	 * (the resolver's) would race with it. */
	if ((s->snmp = pue_snmp_new(cfg, s->loop, clock, &sink, err)) == NULL)
		goto fail;
	/* Alerts (issue 8): after the SNMP poller (net-snmp is started once,
	 * by whichever needs it first) and before the Modbus workers (its
	 * start may setenv() too). Stopped before the poller. */
	alerts_src = (struct pue_alerts_source){.cfg = cfg,
						.clock = clock,
						.loop = s->loop,
						.engine = s->engine,
						.store = s->store,
						.health = health_of,
						.arg = s};
	if ((s->alerts = pue_alerts_new(&alerts_src, err)) == NULL)
		goto fail;
	pue_engine_set_event_cb(s->engine, pue_alerts_on_engine_event, s->alerts);
	if ((s->modbus = pue_modbus_new(cfg, s->loop, clock, &sink, err)) == NULL)
		goto fail;
	if ((s->status_cache = pue_status_cache_new()) == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	if ((s->control = pue_control_new(&cfg->control, s->loop, clock, handle, s,
					  running != NULL ? running->control : NULL, err)) == NULL)
		goto fail;
	pue_control_set_ready(s->control, ready);
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
	if (s == NULL)
		return;
	pue_http_free(s->http); /* its thread stops before what it serves goes */
	pue_exporter_free(s->exporter);
	pue_blob_unref(s->index_page);
	pue_control_free(s->control);
	pue_status_cache_free(s->status_cache);
	pue_modbus_free(s->modbus); /* joins workers before anything they feed goes */
	/* alerts (issue 8) */
	if (s->engine != NULL)
		pue_engine_set_event_cb(s->engine, NULL, NULL);
	pue_alerts_free(s->alerts); /* before the SNMP poller: both use net-snmp */
	pue_snmp_free(s->snmp);	    /* SNMP (issue 5): closes every session */
	if (s->engine != NULL)
		pue_engine_stop(s->engine); /* the minute in progress too, before the last flush */
	pue_engine_free(s->engine);
	pue_store_close(s->store);
	pue_loop_free(s->loop);
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
		pue_format_span(s->cfg->pue.windows_ms[i], span, sizeof(span));
		pue_figure_format_milli(pue_figure_milli(f.pue), pue, sizeof(pue));
		if (pue_figure_has_value(&f))
			off += (size_t)snprintf(buf + off, len - off, ", %s %s", span, pue);
		else
			off += (size_t)snprintf(buf + off, len - off, ", %s %s (%.1f%%)", span,
						pue_figure_state_name(f.state), f.coverage * 100);
	}
}

size_t
pue_service_take_over(struct pue_service *s, struct pue_service *old)
{
	struct pue_engine_handover *h = pue_engine_handover_take(old->engine);
	struct pue_err err = {0};
	size_t kept = 0;

	pue_control_take_over(s->control, old->control);
	pue_service_free(old); /* its store writes the minute just closed */
	if (resume(s, &err) < 0)
		pue_log(LOG_ERR, "%s; the windows start empty", err.msg);
	if (h != NULL)
		kept = pue_engine_handover_give(s->engine, h);
	pue_engine_handover_free(h);
	return kept;
}

void
pue_service_set_reload_cb(struct pue_service *s, void (*cb)(void *arg), void *arg)
{
	s->reload_cb = cb;
	s->reload_arg = arg;
}

void
pue_service_progress(struct pue_service *s, uint64_t *ticks, uint64_t *polls)
{
	*ticks = s->ticks;
	*polls = s->polls;
}
