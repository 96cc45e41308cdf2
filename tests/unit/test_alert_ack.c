/* SPDX-License-Identifier: MIT */
/*
 * test_alert_ack.c - an acknowledgement lasts as long as its episode: who
 * acknowledged an alert and when show in "alerts" and in the snapshot's
 * view (status), survive a restart (the alert database), cut to 63
 * characters as the 64-byte buffer they were kept in cut them, and go
 * when the alert resolves and fires again (a new incident wants a new
 * acknowledgement).
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

#include "alerts/alert_db.h"
#include "alerts/alerts_view.h"
#include "util/log.h"

#include "alerts_site.h"

static void
open_site(struct alerts_site *s)
{
	alerts_site_open(s, 2,
			 "      - {name: p, register: 0, type: uint32, unit: kW, kind: power,\n"
			 "         measured_at: ups_output}\n",
			 "  facility: {add: [m0/p]}\n  it: {add: [m1/p]}\n");
	alerts_site_start(s);
}

/* Alert key's entry in "alerts" (a new reference), or NULL when it is
 * not active. */
static json_t *
active(struct alerts_site *s, const char *key)
{
	struct pue_err err = {0};
	json_t *reply = alerts_site_command(s, PUE_CMD_ALERTS, json_object(), &err), *al,
	       *found = NULL;
	size_t i;

	assert_non_null(reply);
	json_array_foreach(json_object_get(reply, "active"), i, al)
	{
		if (strcmp(json_string_value(json_object_get(al, "alert")), key) == 0)
			found = json_incref(al);
	}
	json_decref(reply);
	return found;
}

/* Whether the snapshot's view of alert key says acknowledged. */
static bool
view_acked(struct alerts_site *s, const char *key)
{
	struct pue_alert_view v;
	size_t i;

	for (i = 0; i < pue_alerts_view_count(s->alerts); i++) {
		pue_alerts_view(s->alerts, i, &v);
		if (strcmp(v.key, key) == 0)
			return v.acked;
	}
	fail_msg("no alert %s", key);
	return false;
}

static void
expect_field(const json_t *al, const char *field, const char *want)
{
	const json_t *v = json_object_get(al, field);

	if (want == NULL)
		assert_true(json_is_null(v));
	else
		assert_string_equal(json_string_value(v), want);
}

/* Acknowledged, restarted, resolved, fired again. */
static void
test_ack_lasts_its_episode_across_restarts(void **state)
{
	struct alerts_site s;
	struct pue_err err = {0};
	json_t *reply, *before, *after;
	json_int_t incident;

	(void)state;
	open_site(&s);
	s.health[0].state = PUE_DEV_DOWN;
	alerts_site_advance(&s, 1000);
	assert_non_null(before = active(&s, "device_down:m0"));
	expect_field(before, "state", "firing");
	expect_field(before, "acked_by", NULL);
	expect_field(before, "acked_at", NULL);
	assert_false(view_acked(&s, "device_down:m0"));
	incident = json_integer_value(json_object_get(before, "number"));
	json_decref(before);

	reply = alerts_site_command(&s, PUE_CMD_ACK, json_pack("{s:s}", "alert", "device_down:m0"),
				    &err);
	assert_non_null(reply);
	expect_field(reply, "acked_by", "root");
	expect_field(reply, "acked_at", "2026-01-01T00:00:01.000Z");
	json_decref(reply);
	assert_non_null(before = active(&s, "device_down:m0"));
	expect_field(before, "acked_by", "root");
	expect_field(before, "acked_at", "2026-01-01T00:00:01.000Z");
	assert_true(view_acked(&s, "device_down:m0"));
	/* the other device's alerts know nothing of it */
	assert_false(view_acked(&s, "device_down:m1"));

	/* a restart: the same entry, acknowledgement and all */
	alerts_site_stop(&s);
	alerts_site_start(&s);
	assert_non_null(after = active(&s, "device_down:m0"));
	assert_true(json_equal(before, after));
	assert_true(view_acked(&s, "device_down:m0"));
	json_decref(before);
	json_decref(after);

	/* resolved, then down again: a new incident, not acknowledged */
	s.health[0].state = PUE_DEV_UP;
	alerts_site_advance(&s, 1000);
	assert_null(active(&s, "device_down:m0"));
	s.health[0].state = PUE_DEV_DOWN;
	alerts_site_advance(&s, 1000);
	assert_non_null(after = active(&s, "device_down:m0"));
	assert_int_not_equal(json_integer_value(json_object_get(after, "number")), incident);
	expect_field(after, "acked_by", NULL);
	expect_field(after, "acked_at", NULL);
	assert_false(view_acked(&s, "device_down:m0"));
	json_decref(after);
	alerts_site_stop(&s);
	alerts_site_start(&s);
	assert_non_null(after = active(&s, "device_down:m0"));
	expect_field(after, "acked_by", NULL);
	assert_false(view_acked(&s, "device_down:m0"));
	json_decref(after);
	alerts_site_close(&s);
}

/* A name longer than 63 characters in the database (a long user name of
 * another system's passwd) shows cut, as it always did. */
static void
test_ack_name_cut_to_63_characters(void **state)
{
	struct alerts_site s;
	struct pue_alert_db *db;
	struct pue_err err = {0};
	char name[100], cut[64];
	json_t *al;
	struct pue_alert_row r = {.key = "device_down:m1",
				  .rule = "device_down",
				  .subject = "m1",
				  .severity = "critical",
				  .state = "firing",
				  .message = "device m1 down after 3 failed polls: no answer",
				  .since_ms = ALERTS_SITE_T0 - 5000,
				  .fired_ms = ALERTS_SITE_T0 - 5000,
				  .incident = 4,
				  .notified = true,
				  .acked_by = name,
				  .acked_ms = ALERTS_SITE_T0 - 2000};

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(cut, name, sizeof(cut) - 1);
	cut[sizeof(cut) - 1] = '\0';
	open_site(&s);
	alerts_site_stop(&s);
	if ((db = pue_alert_db_open(s.db, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(pue_alert_db_save(db, &r, &err), 0);
	pue_alert_db_close(db);
	alerts_site_start(&s);
	assert_non_null(al = active(&s, "device_down:m1"));
	expect_field(al, "acked_by", cut);
	expect_field(al, "acked_at", "2025-12-31T23:59:58.000Z");
	assert_true(view_acked(&s, "device_down:m1"));
	json_decref(al);
	alerts_site_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_lasts_its_episode_across_restarts),
		cmocka_unit_test(test_ack_name_cut_to_63_characters),
	};

	pue_log_set_level(LOG_CRIT); /* each firing logs an error */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
