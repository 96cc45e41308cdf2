/* SPDX-License-Identifier: MIT */
/*
 * test_status_reply.c - status and devices from a fixed snapshot (issue
 * 18): the summary counts devices by state and lists the active alerts
 * without a per-device entry, devices lists each one, and the reply line
 * is rendered once per snapshot and served as the same bytes.
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

#include "util/blob.h"
#include "config/config.h"
#include "control/control_request.h"
#include "core/figure.h"
#include "snapshot/snapshot.h"
#include "snapshot/status.h"
#include "snapshot/status_reply.h"

static const char yaml[] =
	"site: hall\n"
	"devices:\n"
	"  - name: incomer\n"
	"    protocol: modbus_tcp\n"
	"    modbus: {host: 127.0.0.1, port: 1502}\n"
	"    points:\n"
	"      - {name: energy, register: 2, type: uint32, unit: Wh, kind: energy}\n"
	"  - name: ups-a\n"
	"    protocol: modbus_tcp\n"
	"    modbus: {host: 127.0.0.1, port: 1503}\n"
	"    points:\n"
	"      - {name: energy, register: 2, type: uint32, unit: Wh, kind: energy,"
	" measured_at: ups_output}\n"
	"  - name: ups-b\n"
	"    protocol: modbus_tcp\n"
	"    modbus: {host: 127.0.0.1, port: 1504}\n"
	"    points:\n"
	"      - {name: energy, register: 2, type: uint32, unit: Wh, kind: energy,"
	" measured_at: ups_output}\n"
	"pue:\n"
	"  facility: {add: [incomer/energy]}\n"
	"  it: {add: [ups-a/energy, ups-b/energy]}\n"
	"  windows: [15m, 1h]\n"
	"  alert_window: 1h\n"
	"storage: {path: /tmp/x.db}\n"
	"control: {socket: /tmp/x.sock}\n";

struct fixture {
	struct pue_config *cfg;
	struct pue_snapshot *s;
};

static int
setup(void **state)
{
	static struct fixture fx;
	struct pue_diags d = {0};
	struct pue_err err;
	struct pue_snapshot *s;

	*state = &fx;
	if (pue_config_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &fx.cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		return -1;
	}
	if ((fx.s = s = pue_snapshot_new(fx.cfg, 3, &err)) == NULL)
		return -1;
	s->time.ms = 1767225600000;
	s->windows[0].f = pue_figure_eval(240, 200, 900000, 900000, &fx.cfg->pue);
	s->devices[0].polled = s->devices[1].polled = s->devices[2].polled = true;
	s->devices[0].health.state = PUE_DEV_UP;
	s->devices[1].health.state = PUE_DEV_UP;
	s->devices[2].health.state = PUE_DEV_DOWN;
	s->devices[2].reads_per_poll = 1;
	s->alerts[0] = (struct pue_alert_view){.rule = PUE_RULE_DEVICE_DOWN,
					       .subject = "ups-b",
					       .key = "device_down:ups-b",
					       .severity = PUE_SEV_CRITICAL,
					       .phase = PUE_ALERT_FIRING,
					       .acked = true};
	s->alerts[1] = (struct pue_alert_view){.rule = PUE_RULE_PUE_CEILING,
					       .subject = "15m",
					       .key = "pue_ceiling:15m",
					       .severity = PUE_SEV_CRITICAL,
					       .phase = PUE_ALERT_OK};
	s->alerts[2] = (struct pue_alert_view){.rule = PUE_RULE_PUE_WARNING,
					       .subject = "15m",
					       .key = "pue_warning:15m",
					       .severity = PUE_SEV_WARNING,
					       .phase = PUE_ALERT_PENDING};
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	pue_snapshot_unref(fx->s);
	pue_config_free(fx->cfg);
	return 0;
}

static void
test_status_summary_counts_devices_and_lists_active_alerts(void **state)
{
	struct fixture *fx = *state;
	json_t *o = pue_status_json(fx->s), *c, *active;

	assert_non_null(o);
	assert_null(json_object_get(o, "devices"));
	c = json_object_get(o, "device_counts");
	assert_int_equal(json_integer_value(json_object_get(c, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(c, "up")), 2);
	assert_int_equal(json_integer_value(json_object_get(c, "down")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "degraded")), 0);
	active = json_object_get(json_object_get(o, "alerts"), "active");
	assert_int_equal(json_array_size(active), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(active, 0), "alert")),
			    "device_down:ups-b");
	assert_true(json_is_true(json_object_get(json_array_get(active, 0), "acked")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(active, 1), "state")),
			    "pending");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(o, "alerts"), "firing")), 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(o, "windows"), 0), "pue_milli")),
			 1200);
	json_decref(o);
}

static void
test_devices_lists_each_device(void **state)
{
	struct fixture *fx = *state;
	json_t *o = pue_status_devices_json(fx->s), *devs = json_object_get(o, "devices");

	assert_int_equal(json_array_size(devs), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(devs, 2), "name")),
			    "ups-b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(devs, 2), "state")),
			    "down");
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(devs, 2), "reads_per_poll")), 1);
	json_decref(o);
}

static void
test_status_reply_is_rendered_once_per_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct pue_blob *a = pue_status_reply(fx->s, false), *b = pue_status_reply(fx->s, false);
	struct pue_blob *d = pue_status_reply(fx->s, true);
	json_error_t jerr;
	json_t *reply;

	assert_non_null(a);
	assert_ptr_equal(a, b); /* the same bytes, not a second rendering */
	assert_ptr_not_equal(a, d);
	assert_true(a->len > 1 && a->data[a->len - 1] == '\n');
	assert_null(memchr(a->data, '\n', a->len - 1)); /* one line */
	reply = json_loadb(a->data, a->len - 1, 0, &jerr);
	assert_non_null(reply);
	assert_int_equal(json_integer_value(json_object_get(reply, "v")), 1);
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_non_null(json_object_get(json_object_get(reply, "result"), "device_counts"));
	json_decref(reply);
	reply = json_loadb(d->data, d->len - 1, 0, &jerr);
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(reply, "result"), "devices")), 3);
	json_decref(reply);
	pue_blob_unref(a);
	pue_blob_unref(b);
	pue_blob_unref(d);
}

/* The devices line is written a device at a time (the whole list as one
 * tree was the process's peak at scale): the same bytes as the envelope
 * of the tree, dumped compact. */
static void
test_devices_reply_is_the_trees_dump(void **state)
{
	struct fixture *fx = *state;
	struct pue_blob *d = pue_status_reply(fx->s, true);
	json_t *tree = json_pack("{s:i, s:b, s:o}", "v", PUE_CTL_VERSION, "ok", 1, "result",
				 pue_status_devices_json(fx->s));
	char *want = json_dumps(tree, JSON_COMPACT);

	assert_non_null(d);
	assert_non_null(want);
	assert_int_equal(d->len, strlen(want) + 1);
	assert_memory_equal(d->data, want, strlen(want));
	assert_int_equal(d->data[d->len - 1], '\n');
	free(want);
	json_decref(tree);
	pue_blob_unref(d);
}

/* A window 94.996% covered, short of the 95% it needs, says so in its
 * coverage too: 0.9499, never the 0.95 it misses (figure.h). */
static void
test_status_coverage_never_rounds_up_to_the_threshold(void **state)
{
	struct fixture *fx = *state;
	json_t *o, *w;

	fx->s->windows[0].f = pue_figure_eval(240, 200, 854964, 900000, &fx->cfg->pue);
	assert_int_equal(fx->s->windows[0].f.state, PUE_FIG_INSUFFICIENT);
	o = pue_status_json(fx->s);
	w = json_array_get(json_object_get(o, "windows"), 0);
	assert_string_equal(json_string_value(json_object_get(w, "state")), "insufficient_data");
	assert_true(json_real_value(json_object_get(w, "coverage")) == 0.9499);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_summary_counts_devices_and_lists_active_alerts),
		cmocka_unit_test(test_devices_lists_each_device),
		cmocka_unit_test(test_status_reply_is_rendered_once_per_snapshot),
		cmocka_unit_test(test_devices_reply_is_the_trees_dump),
		cmocka_unit_test(test_status_coverage_never_rounds_up_to_the_threshold),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
