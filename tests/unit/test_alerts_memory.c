/* SPDX-License-Identifier: MIT */
/*
 * test_alerts_memory.c - what an alert costs (issue 18), in the alerts
 * and in each round's snapshot. Every device brings a few alerts (down,
 * stale, one meter reset per energy point) and nearly all of them never
 * fire: an alert used to carry a 64-byte acknowledgement buffer, empty
 * unless acknowledged, padding, and a slot of its own in an array of a
 * round's transitions that a round seldom fills. Measured on the heap, so
 * the bound holds for whatever an alert keeps (its name too), not for one
 * struct's size: the difference between a site of 10 meters and one of
 * 210, per alert of the difference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerts/alerts_types.h"
#include "alerts/alerts_view.h"
#include "snapshot/snapshot.h"
#include "util/log.h"

#include "alerts_site.h"
#include "heap_in_use.h"

/* What an alert that never fired may cost: its state (phases, times,
 * incident; under 100 bytes) and its name ("meter_reset:m17/e": 32 bytes
 * with malloc's own), with no room for a fixed acknowledgement buffer or
 * a transition slot per alert. */
#define ALERT_BOUND 160
/* An alert's entry in a snapshot: two borrowed names, its rule, severity
 * and phase, two flags. */
#define VIEW_BOUND 32

/* One energy point per meter: three alerts a device. */
static void
open_site(struct alerts_site *s, size_t n)
{
	alerts_site_open(s, n,
			 "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy,\n"
			 "         measured_at: ups_output}\n",
			 "  facility: {add: [m0/e]}\n  it: {add: [m0/e]}\n");
}

/* The heap the alerts of a site of n meters hold once started, and how
 * many alerts that is. */
static size_t
alerts_bytes(size_t n, size_t *count)
{
	struct alerts_site s;
	size_t before, after;

	open_site(&s, n);
	before = heap_in_use();
	alerts_site_start(&s);
	after = heap_in_use();
	*count = pue_alerts_view_count(s.alerts);
	alerts_site_close(&s);
	return after - before;
}

static void
test_alerts_bytes_per_alert(void **state)
{
	size_t few, many, n_few, n_many, per_alert;

	(void)state;
	few = alerts_bytes(10, &n_few);
	many = alerts_bytes(210, &n_many);
	assert_int_equal(n_many - n_few, 200 * 3);
	per_alert = (many - few) / (n_many - n_few);
	print_message("alerts: struct alert %zu bytes; %zu bytes of heap per alert, %zu per "
		      "device\n",
		      sizeof(struct alert), per_alert, (many - few) / 200);
	assert_true(per_alert <= ALERT_BOUND);
}

/* The heap a snapshot of s holds, with its alerts or without. */
static size_t
snapshot_bytes(struct alerts_site *s, bool with_alerts)
{
	struct pue_snapshot_source src = {.cfg = s->cfg,
					  .clock = s->clock,
					  .engine = s->engine,
					  .alerts = with_alerts ? s->alerts : NULL,
					  .health = alerts_site_health,
					  .arg = s};
	struct pue_err err = {0};
	struct pue_snapshot *snap;
	size_t before = heap_in_use(), after;

	if ((snap = pue_snapshot_take(&src, &err)) == NULL)
		fail_msg("%s", err.msg);
	after = heap_in_use();
	pue_snapshot_unref(snap);
	return after - before;
}

static void
test_alerts_snapshot_bytes_per_alert(void **state)
{
	struct alerts_site s;
	size_t with, without, n, per_alert;

	(void)state;
	open_site(&s, 200);
	alerts_site_start(&s);
	n = pue_alerts_view_count(s.alerts);
	without = snapshot_bytes(&s, false);
	with = snapshot_bytes(&s, true);
	per_alert = (with - without) / n;
	print_message("snapshot: %zu bytes per alert, %zu per device with its point and "
		      "alerts\n",
		      per_alert, with / 200);
	assert_true(per_alert <= VIEW_BOUND);
	alerts_site_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts_bytes_per_alert),
		cmocka_unit_test(test_alerts_snapshot_bytes_per_alert),
	};

	pue_log_set_level(LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
