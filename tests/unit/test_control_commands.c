/* SPDX-License-Identifier: MIT */
/*
 * test_control_commands.c - the one table of control commands: the admin
 * set the control server checks, the list pued gives for an unknown
 * command, puectl's usage text, and which answers the control server
 * serves as ready bytes are all read from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control/control.h"
#include "control/control_commands.h"

static void
test_commands_admin_set_is_the_state_changing_ones(void **state)
{
	static const char *const admin[] = {"reload", "ack", "silence", "unsilence", "advance"};
	static const char *const reader[] = {"status", "devices", "ping", "alerts", "clock"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(admin) / sizeof(admin[0]); i++) {
		assert_true(pue_control_commands_is_admin(admin[i]));
		assert_true(pue_control_request_is_admin_command(admin[i]));
	}
	for (i = 0; i < sizeof(reader) / sizeof(reader[0]); i++) {
		assert_false(pue_control_commands_is_admin(reader[i]));
		assert_false(pue_control_request_is_admin_command(reader[i]));
	}
	assert_false(pue_control_commands_is_admin("frobnicate"));
	assert_false(pue_control_commands_is_admin("Reload"));
}

/* Ready bytes skip the handler and the admin check: only status and
 * devices (issue 18), both readers that pued answers. */
static void
test_commands_ready_are_status_and_devices_only(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < PUE_CMD_COUNT; i++) {
		const struct pue_control_command *c = &pue_control_commands[i];

		assert_int_equal(c->ready, i == PUE_CMD_STATUS || i == PUE_CMD_DEVICES);
		if (c->ready) {
			assert_false(c->admin);
			assert_true(c->daemon);
			assert_null(c->args);
		}
	}
}

static void
test_commands_known_list_is_what_pued_answers(void **state)
{
	char known[256];
	int i, j;

	(void)state;
	pue_control_commands_known(known, sizeof(known));
	assert_string_equal(known, "status, devices, ping, reload, alerts, ack, silence, "
				   "unsilence, clock, advance");
	/* check is puectl's own: pued does not answer it */
	assert_int_equal(pue_control_commands_find("check"), -1);
	assert_int_equal(pue_control_commands_find("status"), PUE_CMD_STATUS);
	assert_int_equal(pue_control_commands_find("advance"), PUE_CMD_ADVANCE);
	assert_int_equal(pue_control_commands_find(""), -1);
	for (i = 0; i < PUE_CMD_COUNT; i++) {
		assert_non_null(pue_control_commands[i].name);
		for (j = i + 1; j < PUE_CMD_COUNT; j++)
			assert_string_not_equal(pue_control_commands[i].name,
						pue_control_commands[j].name);
	}
	pue_control_commands_known(known, 12); /* cut, still a string */
	assert_string_equal(known, "status, dev");
}

static void
test_commands_usage_comes_from_the_table(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	pue_control_commands_synopsis(out, 1, "|");
	fputc('\n', out);
	pue_control_commands_synopsis(out, 2, " | ");
	fputc('\n', out);
	pue_control_commands_help(out);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(
		text,
		"status|devices|ping|check|reload\n"
		"alerts | ack NUMBER | silence RULE SPAN | unsilence RULE\n"
		"  status    PUE windows, year, active alerts, device counts, storage\n"
		"  devices   each device's health\n"
		"  ping      check that pued answers\n"
		"  check     Nagios/Icinga plugin: the alert window's PUE, exit 0 OK, 1 WARNING,\n"
		"            2 CRITICAL, 3 UNKNOWN, one line with perfdata (--window SPAN)\n"
		"  reload    re-read the configuration (root, pued's user or the admin group)\n"
		"  alerts    active alerts, silences, notification targets, recent history\n"
		"  ack       acknowledge alert NUMBER (or its name); recorded with your user\n"
		"  silence   hold back the notifications of RULE (a rule, or one alert's name)\n"
		"            for SPAN (e.g. 2h); recorded with your user\n"
		"  unsilence end the silence on RULE\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands_admin_set_is_the_state_changing_ones),
		cmocka_unit_test(test_commands_known_list_is_what_pued_answers),
		cmocka_unit_test(test_commands_ready_are_status_and_devices_only),
		cmocka_unit_test(test_commands_usage_comes_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
