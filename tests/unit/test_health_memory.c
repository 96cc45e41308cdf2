/* SPDX-License-Identifier: MIT */
/*
 * test_health_memory.c - what a device's last error costs (issue 18). It
 * used to be a 200-byte buffer in every device's health, empty for every
 * device that answers, and copied again into each round's snapshot. A
 * healthy device now holds no text, and a failing one's text goes into
 * the snapshot as the snapshot's own copy: the poller may replace or drop
 * its own after the snapshot was taken (ASan proves no reader of the
 * snapshot touches the poller's). Measured on the heap for the snapshot,
 * so it holds for whatever the copy keeps, not for one struct's size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "config/config.h"
#include "engine/engine.h"
#include "poll/health.h"
#include "snapshot/snapshot.h"
#include "snapshot/status.h"
#include "util/clock.h"
#include "util/log.h"

#include "heap_in_use.h"
#include "meters_site.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
/* What a healthy device's entry in a snapshot may cost beyond its one
 * point: its health (counters, latency histogram: HEALTH_BOUND) and the
 * entry's own fields, with no room for a 200-byte error text. */
#define HEALTH_BOUND 160
#define ENTRY_BOUND 240

/* A site of n meters of one point each. */
static struct pue_config *
site(size_t n)
{
	return meters_site(n,
			   "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy,\n"
			   "         measured_at: ups_output}\n",
			   "  facility: {add: [m0/e]}\n  it: {add: [m0/e]}\n");
}

/* A site with the pollers' side faked: one health per device. */
struct fixture {
	struct pue_config *cfg;
	struct pue_clock *clock;
	struct pue_engine *engine;
	struct pue_health *health;
	size_t n;
};

static const struct pue_health *
health_of(void *arg, size_t device)
{
	struct fixture *fx = arg;

	return &fx->health[device];
}

static void
fixture_open(struct fixture *fx, size_t n)
{
	fx->n = n;
	fx->cfg = site(n);
	fx->clock = pue_clock_new_manual((pue_wall_t){T0});
	fx->engine = pue_engine_new(fx->cfg, fx->clock, NULL, NULL);
	fx->health = calloc(n, sizeof(*fx->health));
	assert_non_null(fx->engine);
	assert_non_null(fx->health);
}

static void
fixture_close(struct fixture *fx)
{
	size_t i;

	for (i = 0; i < fx->n; i++)
		pue_health_release(&fx->health[i]);
	free(fx->health);
	pue_engine_free(fx->engine);
	pue_clock_free(fx->clock);
	pue_config_free(fx->cfg);
}

static struct pue_snapshot *
take(struct fixture *fx)
{
	struct pue_snapshot_source src = {.cfg = fx->cfg,
					  .clock = fx->clock,
					  .engine = fx->engine,
					  .health = health_of,
					  .arg = fx};
	struct pue_err err = {0};
	struct pue_snapshot *s = pue_snapshot_take(&src, &err);

	if (s == NULL)
		fail_msg("%s", err.msg);
	return s;
}

/* The heap a snapshot of n healthy devices holds. */
static size_t
healthy_snapshot_bytes(size_t n)
{
	struct fixture fx = {0};
	struct pue_snapshot *s;
	size_t before, after, i;

	fixture_open(&fx, n);
	for (i = 0; i < n; i++)
		pue_health_success(&fx.health[i], fx.cfg->devices[i].name, (pue_wall_t){T0}, 3, 1,
				   false, NULL);
	before = heap_in_use();
	s = take(&fx);
	after = heap_in_use();
	pue_snapshot_unref(s);
	fixture_close(&fx);
	return after - before;
}

/* A device that answers holds no error text, in its health or in the
 * snapshot's copy of it. */
static void
test_health_healthy_device_holds_no_error_text(void **state)
{
	struct pue_health h = {0};
	size_t few, many, per_device;

	(void)state;
	print_message("health: %zu bytes, of which %zu for the last error\n",
		      sizeof(struct pue_health), sizeof(h.last_error));
	few = healthy_snapshot_bytes(10);
	many = healthy_snapshot_bytes(210);
	assert_true(many > few);
	per_device = (many - few) / 200;
	print_message("snapshot: %zu bytes per healthy device, %zu of them its point\n", per_device,
		      sizeof(struct pue_snap_point));
	assert_true(sizeof(h.last_error) <= sizeof(void *));
	assert_true(sizeof(struct pue_health) <= HEALTH_BOUND);
	assert_true(per_device < ENTRY_BOUND + sizeof(struct pue_snap_point));
}

/* The last error of device i in s, as the control socket shows it; ""
 * for null. */
static void
expect_error(const struct pue_snapshot *s, size_t i, const char *want)
{
	json_t *o = pue_status_device_json(s, i);
	json_t *e;

	assert_non_null(o);
	e = json_object_get(o, "last_error");
	if (want[0] == '\0')
		assert_true(json_is_null(e));
	else
		assert_string_equal(json_string_value(e), want);
	json_decref(o);
}

/* A failing device's text reaches the snapshot intact, and stays there
 * when the poller replaces or clears its own afterwards. */
static void
test_health_error_text_is_the_snapshots_own(void **state)
{
	const char *first = "read holding 3060+2: timed out (3 tries)";
	const char *second = "connect 127.0.0.1:1502: connection refused (1 try)";
	struct fixture fx = {0};
	struct pue_snapshot *s1, *s2;
	char longest[400];

	(void)state;
	fixture_open(&fx, 3);
	pue_health_failure(&fx.health[0], "m0", (pue_wall_t){T0}, (pue_mono_t){1}, 3, first);
	pue_health_success(&fx.health[1], "m1", (pue_wall_t){T0}, 2, 1, false, NULL);
	/* a degraded device keeps the text of what it could not read */
	pue_health_success(&fx.health[2], "m2", (pue_wall_t){T0}, 2, 1, true, second);
	s1 = take(&fx);
	expect_error(s1, 0, first);
	expect_error(s1, 1, "");
	expect_error(s1, 2, second);

	/* the poller moves on: m0 fails differently, m2 recovers */
	pue_health_failure(&fx.health[0], "m0", (pue_wall_t){T0 + 1000}, (pue_mono_t){2}, 1,
			   second);
	pue_health_success(&fx.health[2], "m2", (pue_wall_t){T0 + 1000}, 2, 1, false, NULL);
	s2 = take(&fx);
	expect_error(s1, 0, first);
	expect_error(s1, 2, second);
	expect_error(s2, 0, second);
	expect_error(s2, 2, "");
	pue_snapshot_unref(s2);

	/* the poller frees its texts before the snapshot goes */
	pue_health_release(&fx.health[0]);
	pue_health_release(&fx.health[2]);
	expect_error(s1, 0, first);
	expect_error(s1, 2, second);
	pue_snapshot_unref(s1);

	/* a text is cut where the 200-byte buffer cut it, "..." or not */
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	pue_health_failure(&fx.health[1], "m1", (pue_wall_t){T0}, (pue_mono_t){3}, 1, longest);
	s1 = take(&fx);
	longest[199] = '\0';
	expect_error(s1, 1, longest);
	pue_snapshot_unref(s1);
	fixture_close(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_healthy_device_holds_no_error_text),
		cmocka_unit_test(test_health_error_text_is_the_snapshots_own),
	};

	pue_log_set_level(LOG_ERR); /* a line per device going up or failing */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
