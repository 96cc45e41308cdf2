/* SPDX-License-Identifier: MIT */
/*
 * test_service_commands.c - the service's ready bytes for status and
 * devices (issue 18): one snapshot per round whatever the number of
 * requests, rendered ahead of a round where the last one was asked for,
 * dropped by a command that changes state, and taken anew for every
 * request on the stepped test clock.
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

#include "util/clock.h"
#include "config/config.h"
#include "control/control_commands.h"
#include "service/service_commands.h"
#include "snapshot/snapshot.h"

static const char yaml[] = "site: hall\n"
			   "devices:\n"
			   "  - name: incomer\n"
			   "    protocol: modbus_tcp\n"
			   "    modbus: {host: 127.0.0.1, port: 1502}\n"
			   "    points:\n"
			   "      - {name: e, register: 2, type: uint32, unit: Wh, kind: energy}\n"
			   "  - name: ups\n"
			   "    protocol: modbus_tcp\n"
			   "    modbus: {host: 127.0.0.1, port: 1503}\n"
			   "    points:\n"
			   "      - {name: e, register: 2, type: uint32, unit: Wh, kind: energy,"
			   " measured_at: ups_output}\n"
			   "pue: {facility: {add: [incomer/e]}, it: {add: [ups/e]}}\n"
			   "storage: {path: /tmp/x.db}\n"
			   "control: {socket: /tmp/x.sock}\n";

/* The service's side: the round's snapshot, and how often it was taken
 * and dropped. */
struct round {
	struct pue_config *cfg;
	struct pue_snapshot *snap;
	int taken, forgotten;
};

static struct pue_snapshot *
take(void *arg)
{
	struct round *r = arg;
	struct pue_err err;

	if (r->snap == NULL) {
		r->snap = pue_snapshot_new(r->cfg, 0, &err);
		r->taken++;
	}
	return r->snap != NULL ? pue_snapshot_ref(r->snap) : NULL;
}

static void
forget(void *arg)
{
	struct round *r = arg;

	pue_snapshot_unref(r->snap);
	r->snap = NULL;
	r->forgotten++;
}

struct fixture {
	struct round r;
	struct pue_clock *clock;
	struct pue_service_answers a;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct pue_diags d = {0};

	if (fx == NULL ||
	    pue_config_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &fx->r.cfg, &d) != 0)
		return -1;
	fx->clock = pue_clock_new_manual((pue_wall_t){1767225600000});
	fx->a = (struct pue_service_answers){
		.snapshot = take, .forget = forget, .snapshot_arg = &fx->r, .clock = fx->clock};
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	pue_snapshot_unref(fx->r.snap);
	pue_clock_free(fx->clock);
	pue_config_free(fx->r.cfg);
	free(fx);
	return 0;
}

static void
test_ready_bytes_come_from_one_snapshot_per_round(void **state)
{
	struct fixture *fx = *state;
	struct pue_blob *a = pue_service_commands_ready(&fx->a, PUE_CMD_STATUS);
	struct pue_blob *b = pue_service_commands_ready(&fx->a, PUE_CMD_STATUS);
	struct pue_blob *d = pue_service_commands_ready(&fx->a, PUE_CMD_DEVICES);

	assert_non_null(a);
	assert_ptr_equal(a, b); /* the same bytes: no second snapshot or rendering */
	assert_non_null(d);
	assert_ptr_not_equal(a, d);
	assert_non_null(memmem(d->data, d->len, "\"devices\":[{", 12));
	assert_null(memmem(a->data, a->len, "\"devices\":[{", 12));
	assert_int_equal(fx->r.taken, 1);
	assert_int_equal(fx->r.forgotten, 0);
	pue_blob_unref(a);
	pue_blob_unref(b);
	pue_blob_unref(d);
}

/* What the last round was asked for is rendered when the next begins;
 * a round nobody asked about costs nothing. */
static void
test_prepare_renders_what_the_last_round_asked_for(void **state)
{
	struct fixture *fx = *state;

	pue_service_commands_prepare(&fx->a); /* nothing asked yet */
	assert_int_equal(fx->r.taken, 0);
	pue_blob_unref(pue_service_commands_ready(&fx->a, PUE_CMD_STATUS));
	assert_int_equal(fx->r.taken, 1);
	forget(&fx->r); /* the next round */
	pue_service_commands_prepare(&fx->a);
	assert_int_equal(fx->r.taken, 2);
	assert_non_null(fx->r.snap->memo[PUE_MEMO_STATUS]);
	assert_null(fx->r.snap->memo[PUE_MEMO_DEVICES]);
	forget(&fx->r); /* a round after one with no request */
	pue_service_commands_prepare(&fx->a);
	assert_int_equal(fx->r.taken, 2);
	assert_null(fx->r.snap);
}

static void
test_a_command_that_changes_state_drops_the_round_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct pue_err err = {0};
	json_t *o;

	o = pue_service_commands_answer(&fx->a, "ping", NULL, NULL, &err);
	assert_non_null(o);
	json_decref(o);
	assert_int_equal(fx->r.forgotten, 0);
	/* reload is an admin command; this service has no reload callback */
	assert_null(pue_service_commands_answer(&fx->a, "reload", NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "reload is not available"));
	assert_int_equal(fx->r.forgotten, 1);
}

static void
test_stepped_clock_takes_a_snapshot_for_every_request(void **state)
{
	struct fixture *fx = *state;
	char path[] = "/tmp/test_service_commands.XXXXXX";
	struct pue_clock *stepped;
	struct pue_err err;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pue_clock_file_init(path, (pue_wall_t){1767225600000}, &err), 0);
	stepped = pue_clock_new_stepped(path, &err);
	assert_non_null(stepped);
	fx->a.clock = stepped;
	pue_blob_unref(pue_service_commands_ready(&fx->a, PUE_CMD_STATUS));
	pue_blob_unref(pue_service_commands_ready(&fx->a, PUE_CMD_STATUS));
	assert_int_equal(fx->r.taken, 2);
	pue_service_commands_prepare(&fx->a); /* nothing to prepare there */
	assert_int_equal(fx->r.taken, 2);
	fx->a.clock = fx->clock;
	pue_clock_free(stepped);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_bytes_come_from_one_snapshot_per_round,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_renders_what_the_last_round_asked_for,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_command_that_changes_state_drops_the_round_snapshot, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_stepped_clock_takes_a_snapshot_for_every_request, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
