/* SPDX-License-Identifier: MIT */
/*
 * test_alert_db.c - what the alerts keep across restarts (alert_db.h), in a
 * database the store created: an alert's state read back as written (a
 * restart neither repeats nor loses it), a round rolled back leaves
 * nothing, the history newest first with who did what, the inform queue
 * in order, silences, counters, and the highest alert number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alerts/alert_db.h"
#include "store/store_config.h"

struct fixture {
	char dir[64], path[128];
	struct pue_config cfg;
	struct pue_store *store;
	struct pue_alert_db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-alertdb.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	f->cfg.storage = (struct pue_storage_conf){.path = f->path,
						   .raw_retention_ms = 86400000,
						   .minute_retention_ms = 86400000,
						   .disk_budget_bytes = UINT64_C(1) << 30,
						   .flush_interval_ms = 1000};
	f->store = pue_store_config_open(f->path, &f->cfg, NULL); /* creates schema 3 */
	assert_non_null(f->store);
	f->db = pue_alert_db_open(f->path, NULL);
	assert_non_null(f->db);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	pue_alert_db_close(f->db);
	pue_store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

struct seen {
	int n;
	char state[16], acked_by[32];
	int64_t since;
	uint32_t incident;
	bool notified;
};

static void
on_row(void *arg, const struct pue_alert_row *r)
{
	struct seen *s = arg;

	s->n++;
	snprintf(s->state, sizeof(s->state), "%s", r->state);
	snprintf(s->acked_by, sizeof(s->acked_by), "%s", r->acked_by ? r->acked_by : "-");
	s->since = r->since_ms;
	s->incident = r->incident;
	s->notified = r->notified;
}

static struct pue_alert_row
firing_row(void)
{
	return (struct pue_alert_row){.key = "pue_ceiling:24h",
				      .rule = "pue_ceiling",
				      .subject = "24h",
				      .severity = "critical",
				      .state = "firing",
				      .message = "24h PUE 1.262 above the ceiling 1.25",
				      .since_ms = 1767225600000LL,
				      .fired_ms = 1767225600000LL,
				      .incident = 7,
				      .notified = true};
}

static void
test_alert_db_state_survives_a_reopen(void **state)
{
	struct fixture *f = *state;
	struct pue_alert_row r = firing_row();
	struct seen s = {0};

	assert_int_equal(pue_alert_db_begin(f->db, NULL), 0);
	assert_int_equal(pue_alert_db_save(f->db, &r, NULL), 0);
	assert_int_equal(pue_alert_db_log(f->db, r.since_ms, r.key, 7, "critical", "firing",
					  r.message, NULL, NULL),
			 0);
	assert_int_equal(pue_alert_db_commit(f->db, NULL), 0);
	r.acked_by = "alice";
	r.acked_ms = r.since_ms + 1000;
	assert_int_equal(pue_alert_db_save(f->db, &r, NULL), 0); /* replaces the row */
	pue_alert_db_close(f->db);
	f->db = pue_alert_db_open(f->path, NULL); /* as after a restart */
	assert_int_equal(pue_alert_db_load(f->db, on_row, &s, NULL), 1);
	assert_string_equal(s.state, "firing");
	assert_string_equal(s.acked_by, "alice");
	assert_int_equal(s.since, 1767225600000LL);
	assert_int_equal(s.incident, 7);
	assert_true(s.notified);
	assert_int_equal(pue_alert_db_max_incident(f->db), 7);
}

static void
test_alert_db_rolled_back_round_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct pue_alert_row r = firing_row();
	struct seen s = {0};

	assert_int_equal(pue_alert_db_begin(f->db, NULL), 0);
	assert_int_equal(pue_alert_db_save(f->db, &r, NULL), 0);
	assert_true(pue_alert_db_queue_push(f->db, "noc", 1, "{}", NULL) > 0);
	pue_alert_db_rollback(f->db);
	assert_int_equal(pue_alert_db_load(f->db, on_row, &s, NULL), 0);
	assert_int_equal(pue_alert_db_max_incident(f->db), 0);
}

static void
test_alert_db_history_newest_first_with_who(void **state)
{
	struct fixture *f = *state;
	json_t *h;

	assert_int_equal(pue_alert_db_log(f->db, 1000, "device_down:ups-a", 3, "critical", "firing",
					  "down", NULL, NULL),
			 0);
	assert_int_equal(pue_alert_db_log(f->db, 2000, "device_down:ups-a", 3, "critical",
					  "acknowledged", "down", "bob", NULL),
			 0);
	h = pue_alert_db_history_json(f->db, 10);
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "state")),
			    "acknowledged");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "who")), "bob");
	assert_true(json_is_null(json_object_get(json_array_get(h, 1), "who")));
	json_decref(h);
	h = pue_alert_db_history_json(f->db, 1);
	assert_int_equal(json_array_size(h), 1);
	json_decref(h);
}

struct queue {
	int n;
	int64_t ids[8];
	char text[8][16];
};

static void
on_inform(void *arg, int64_t id, const char *text)
{
	struct queue *q = arg;

	q->ids[q->n] = id;
	snprintf(q->text[q->n++], sizeof(q->text[0]), "%s", text);
}

static void
test_alert_db_inform_queue_in_order_per_target(void **state)
{
	struct fixture *f = *state;
	struct queue q = {0};
	int64_t a, b;

	a = pue_alert_db_queue_push(f->db, "noc", 10, "{\"n\":1}", NULL);
	assert_true(pue_alert_db_queue_push(f->db, "other", 11, "{\"n\":9}", NULL) > 0);
	b = pue_alert_db_queue_push(f->db, "noc", 12, "{\"n\":2}", NULL);
	assert_true(a > 0 && b > a);
	assert_int_equal(pue_alert_db_queue_load(f->db, "noc", on_inform, &q, NULL), 2);
	assert_string_equal(q.text[0], "{\"n\":1}");
	assert_string_equal(q.text[1], "{\"n\":2}");
	assert_int_equal(pue_alert_db_queue_delete(f->db, a, NULL), 0); /* acknowledged */
	q.n = 0;
	assert_int_equal(pue_alert_db_queue_load(f->db, "noc", on_inform, &q, NULL), 1);
	assert_int_equal(q.ids[0], b);
}

static void
on_silence(void *arg, const char *pattern, int64_t until, int64_t t, const char *who)
{
	int *n = arg;

	assert_string_equal(pattern, "device_down");
	assert_int_equal(until, 5000);
	assert_int_equal(t, 1000);
	assert_string_equal(who, "carol");
	(*n)++;
}

static void
test_alert_db_silences_and_counters(void **state)
{
	struct fixture *f = *state;
	int n = 0;

	assert_int_equal(pue_alert_db_silence_set(f->db, "device_down", 4000, 900, "dave", NULL),
			 0);
	assert_int_equal(pue_alert_db_silence_set(f->db, "device_down", 5000, 1000, "carol", NULL),
			 0);
	assert_int_equal(pue_alert_db_silence_load(f->db, on_silence, &n, NULL), 1);
	assert_int_equal(n, 1);
	assert_int_equal(pue_alert_db_silence_delete(f->db, "device_down", NULL), 0);
	n = 0;
	assert_int_equal(pue_alert_db_silence_load(f->db, on_silence, &n, NULL), 0);
	assert_int_equal(pue_alert_db_meta_get(f->db, "snmp_engine_boots", 0), 0);
	assert_int_equal(pue_alert_db_meta_set(f->db, "snmp_engine_boots", 42, NULL), 0);
	assert_int_equal(pue_alert_db_meta_get(f->db, "snmp_engine_boots", 0), 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alert_db_state_survives_a_reopen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alert_db_rolled_back_round_leaves_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_db_history_newest_first_with_who, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alert_db_inform_queue_in_order_per_target,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_alert_db_silences_and_counters, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
