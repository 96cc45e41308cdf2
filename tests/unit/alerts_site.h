/* SPDX-License-Identifier: MIT */
/*
 * alerts_site.h - a site of n Modbus meters (meters_site.h) with its
 * alerts running on a stepped clock, a database in a directory of its own
 * and the pollers' health faked (one struct pue_health per device the test
 * sets), for the tests of what the alerts keep (test_alerts_memory.c,
 * test_alert_ack.c). The alerts stop and start again on the same database
 * as after a restart. Header-only; needs cmocka.h included before it.
 */
#ifndef PUE_TEST_ALERTS_SITE_H
#define PUE_TEST_ALERTS_SITE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/alerts.h"
#include "alerts/alerts_control.h"
#include "config/config.h"
#include "engine/engine.h"
#include "poll/health.h"
#include "store/store_config.h"
#include "util/clock.h"
#include "util/loop.h"

#include "meters_site.h"

#define ALERTS_SITE_T0 1767225600000LL /* 2026-01-01T00:00:00Z */

struct alerts_site {
	char dir[64], db[96], clock_file[96];
	size_t n;
	struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_loop *loop;
	struct pue_store *store;
	struct pue_engine *engine;
	struct pue_health *health; /* [device]: what the alerts read */
	struct pue_alerts *alerts;
};

static inline const struct pue_health *
alerts_site_health(void *arg, size_t device)
{
	struct alerts_site *s = arg;

	return &s->health[device];
}

/* Checks whether the loop has run everything due at its target, and
 * stops it then; else looks again a real millisecond later. */
static inline void
alerts_site_stop_when_idle(void *arg)
{
	struct pue_loop *loop = arg;

	if (pue_loop_caught_up(loop)) {
		pue_loop_stop(loop);
		return;
	}
	assert_true(pue_loop_add_real_timer(loop, pue_mono_add_ms(pue_clock_real(), 1),
					    alerts_site_stop_when_idle, loop) > 0);
}

static inline void
alerts_site_nothing(void *arg)
{
	(void)arg; /* wakes the loop: what is due on the stepped clock runs */
}

/* Moves the clock ms on, every alert round in the span run and the year's
 * computation done. */
static inline void
alerts_site_advance(struct alerts_site *s, int64_t ms)
{
	pue_mono_t at = pue_mono_add_ms(pue_clock_mono(s->clock), ms);

	assert_true(pue_loop_add_timer(s->loop, at, alerts_site_stop_when_idle, s->loop) > 0);
	assert_true(pue_loop_add_real_timer(s->loop, pue_clock_real(), alerts_site_nothing, NULL) >
		    0);
	assert_int_equal(pue_loop_advance(s->loop, at), 0);
	assert_int_equal(pue_loop_run(s->loop), 0);
}

/* Starts the alerts (again) on the site's database, and waits for the
 * year's first computation. */
static inline void
alerts_site_start(struct alerts_site *s)
{
	struct pue_alerts_source src = {.cfg = s->cfg,
					.clock = s->clock,
					.loop = s->loop,
					.engine = s->engine,
					.store = s->store,
					.health = alerts_site_health,
					.arg = s};
	struct pue_err err = {0};

	if ((s->alerts = pue_alerts_new(&src, &err)) == NULL)
		fail_msg("%s", err.msg);
	alerts_site_advance(s, 0);
}

static inline void
alerts_site_stop(struct alerts_site *s)
{
	pue_alerts_free(s->alerts);
	s->alerts = NULL;
}

/* n meters with points (meters_site()), their database in a new
 * directory; the alerts not started yet. */
static inline void
alerts_site_open(struct alerts_site *s, size_t n, const char *points, const char *pue)
{
	struct pue_err err = {0};
	int fd;

	memset(s, 0, sizeof(*s));
	s->n = n;
	snprintf(s->dir, sizeof(s->dir), "/tmp/pued-alerts-site.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->db, sizeof(s->db), "%s/pued.db", s->dir);
	snprintf(s->clock_file, sizeof(s->clock_file), "%s/clock", s->dir);
	assert_true((fd = open(s->clock_file, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	s->cfg = meters_site(n, points, pue);
	free(s->cfg->storage.path);
	assert_non_null(s->cfg->storage.path = strdup(s->db));
	assert_int_equal(pue_clock_file_init(s->clock_file, (pue_wall_t){ALERTS_SITE_T0}, &err), 0);
	assert_non_null(s->clock = pue_clock_new_stepped(s->clock_file, &err));
	assert_non_null(s->loop = pue_loop_new(s->clock, &err));
	if ((s->store = pue_store_config_open(s->db, s->cfg, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_non_null(s->engine = pue_engine_new(s->cfg, s->clock, NULL, &err));
	assert_non_null(s->health = calloc(n, sizeof(*s->health)));
}

static inline void
alerts_site_close(struct alerts_site *s)
{
	char cmd[128];
	size_t i;

	alerts_site_stop(s);
	for (i = 0; i < s->n; i++)
		pue_health_release(&s->health[i]);
	free(s->health);
	pue_engine_free(s->engine);
	pue_store_config_close(s->store);
	pue_loop_free(s->loop);
	pue_clock_free(s->clock);
	pue_config_free(s->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

/* The reply to a control command of the alerts, asked by root; NULL with
 * *err set when refused. */
static inline json_t *
alerts_site_command(struct alerts_site *s, enum pue_ctl_cmd cmd, json_t *req, struct pue_err *err)
{
	struct ucred root = {.pid = 1, .uid = 0, .gid = 0};
	json_t *reply = pue_alerts_control_command(s->alerts, cmd, req, &root, err);

	json_decref(req);
	return reply;
}

#endif
