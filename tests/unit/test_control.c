/* SPDX-License-Identifier: MIT */
/*
 * test_control.c - the control protocol's request parser without the
 * socket: lines split from a client's bytes, the length limit, and the
 * reply to each kind of request (malformed, a NUL inside, wrong version,
 * cmd not a string, an admin command from a reader, a good one), and the
 * ready bytes of status and devices (issue 18). The socket itself is
 * tested by tests/integration/control_*.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "control/control.h"

static int calls;
static char last_cmd[64];

static json_t *
handler(void *arg, const char *cmd, json_t *request, const struct ucred *peer, struct pue_err *err)
{
	(void)arg;
	(void)request;
	(void)peer;
	calls++;
	snprintf(last_cmd, sizeof(last_cmd), "%s", cmd);
	if (strcmp(cmd, "fail") == 0) {
		pue_err_set(err, -EINVAL, "it failed");
		return NULL;
	}
	return json_pack("{s:s}", "cmd", cmd);
}

/* The reply to text as one request, dumped compactly. */
static char *
answer(const char *text, size_t len, uid_t uid)
{
	struct pue_control_conf conf = {.socket = "x"};
	struct ucred peer = {.pid = 1, .uid = uid, .gid = uid};
	json_t *reply = pue_control_request_answer(
		&conf, &peer, pue_control_request_peer_is_admin(&peer, PUE_CTL_NO_GROUP, NULL, 0),
		text, len, handler, NULL);
	char *s;

	assert_non_null(reply);
	s = json_dumps(reply, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(reply);
	assert_non_null(s);
	return s;
}

static void
expect_answer(const char *text, size_t len, uid_t uid, const char *want)
{
	char *s = answer(text, len, uid);

	assert_string_equal(s, want);
	free(s);
}

static void
test_control_input_splits_lines_and_limits_their_length(void **state)
{
	struct pue_ctl_input in = {.n = 0};
	const char *line;

	(void)state;
	assert_int_equal(pue_control_request_input_line(&in, &line), -EAGAIN);
	memcpy(in.buf, "ab\n\ncd", 6);
	in.n = 6;
	assert_int_equal(pue_control_request_input_line(&in, &line), 2);
	assert_memory_equal(line, "ab", 2);
	pue_control_request_input_consume(&in, 2);
	assert_int_equal(pue_control_request_input_line(&in, &line), 0); /* an empty line */
	pue_control_request_input_consume(&in, 0);
	assert_int_equal(pue_control_request_input_line(&in, &line), -EAGAIN);
	assert_int_equal(in.n, 2);
	assert_memory_equal(in.buf, "cd", 2);
	/* PUE_CTL_MAX_LINE bytes and the newline fit; one more byte does not. */
	memset(in.buf, 'x', sizeof(in.buf));
	in.n = sizeof(in.buf);
	assert_int_equal(pue_control_request_input_line(&in, &line), -EMSGSIZE);
	in.buf[PUE_CTL_MAX_LINE] = '\n';
	assert_int_equal(pue_control_request_input_line(&in, &line), PUE_CTL_MAX_LINE);
	in.n = PUE_CTL_MAX_LINE;
	assert_int_equal(pue_control_request_input_line(&in, &line), -EAGAIN);
}

static void
test_control_answer_refuses_malformed_requests(void **state)
{
	static const char nul[] = "{\"cmd\":\"ping\"}\0{\"cmd\":\"reload\"}";
	static const char bad_escape[] = "{\"cmd\\u000\xc3\xa9"
					 "0tus\"}";
	char *s;

	(void)state;
	calls = 0;
	s = answer("{\"cmd\":", 7, 1000);
	assert_non_null(strstr(s, "\"error\":\"malformed request: "));
	free(s);
	/* Everything before a NUL is a good request, but the line is not. */
	s = answer(nul, sizeof(nul) - 1, 0);
	assert_non_null(strstr(s, "\"error\":\"malformed request: "));
	free(s);
	expect_answer("[1]", 3, 1000,
		      "{\"error\":\"malformed request: expected a JSON object\",\"ok\":false,"
		      "\"v\":1}");
	expect_answer("{\"v\":2,\"cmd\":\"ping\"}", 20, 1000,
		      "{\"error\":\"unsupported protocol version (this pued speaks 1)\","
		      "\"ok\":false,\"v\":1}");
	expect_answer("{\"cmd\":1}", 9, 1000,
		      "{\"error\":\"malformed request: \\\"cmd\\\" must be a string\",\"ok\":false,"
		      "\"v\":1}");
	/* jansson quotes the bad token, here half of an "é": still an answer */
	s = answer(bad_escape, sizeof(bad_escape) - 1, 0);
	assert_non_null(strstr(s, "\"error\":\"malformed request: "));
	free(s);
	s = answer("{\"cmd\":\"ping\",\"cmd\":\"reload\"}", 29, 0); /* duplicate keys */
	assert_non_null(strstr(s, "\"error\":\"malformed request: "));
	free(s);
	assert_int_equal(calls, 0);
}

/* A handler's message that cuts a UTF-8 character still makes a reply. */
static json_t *
cutting_handler(void *arg, const char *cmd, json_t *request, const struct ucred *peer,
		struct pue_err *err)
{
	(void)arg;
	(void)request;
	(void)peer;
	pue_err_set(err, -EINVAL, "unknown command \"%.4s\"", cmd);
	return NULL;
}

static void
test_control_answer_replies_when_a_message_is_not_utf8(void **state)
{
	struct pue_control_conf conf = {.socket = "x"};
	struct ucred peer = {.pid = 1, .uid = 0, .gid = 0};
	static const char req[] = "{\"cmd\":\"abc\xc3\xa9\"}"; /* "abcé" */
	json_t *reply = pue_control_request_answer(&conf, &peer, true, req, sizeof(req) - 1,
						   cutting_handler, NULL);

	(void)state;
	assert_non_null(reply);
	assert_string_equal(json_string_value(json_object_get(reply, "error")),
			    "unknown command \"abc?\"");
	json_decref(reply);
}

static void
test_control_answer_passes_allowed_commands_to_the_handler(void **state)
{
	uid_t reader = geteuid() == 1000 ? 1001 : 1000;

	(void)state;
	calls = 0;
	expect_answer("{\"v\":1,\"cmd\":\"ping\"}", 20, reader,
		      "{\"ok\":true,\"result\":{\"cmd\":\"ping\"},\"v\":1}");
	assert_string_equal(last_cmd, "ping");
	expect_answer(" {\"cmd\":\"fail\"} ", 16, reader,
		      "{\"error\":\"it failed\",\"ok\":false,\"v\":1}");
	assert_int_equal(calls, 2);
	/* reload changes state: root only here (no admin_group) */
	expect_answer(
		"{\"cmd\":\"reload\"}", 16, reader,
		"{\"error\":\"permission denied: \\\"reload\\\" needs root or the daemon's user "
		"(control.admin_group is not set)\",\"ok\":false,\"v\":1}");
	assert_int_equal(calls, 2);
	expect_answer("{\"cmd\":\"reload\"}", 16, 0,
		      "{\"ok\":true,\"result\":{\"cmd\":\"reload\"},\"v\":1}");
	assert_int_equal(calls, 3);
}

/* Who is an administrator: root and the daemon's user always; with an
 * admin group, a process in it by its primary group or by a supplementary
 * group the kernel gave it; nobody else, and never a peer whose
 * credentials could not be read. */
static void
test_control_admin_is_root_the_daemon_or_the_admin_group(void **state)
{
	uid_t other = geteuid() == 1000 ? 1001 : 1000;
	struct ucred root = {.pid = 1, .uid = 0, .gid = 0};
	struct ucred self = {.pid = 1, .uid = geteuid(), .gid = getegid()};
	struct ucred user = {.pid = 1, .uid = other, .gid = 100};
	struct ucred in_group = {.pid = 1, .uid = other, .gid = 4242};
	struct ucred unknown = {.pid = 0, .uid = (uid_t)-1, .gid = 4242};
	const gid_t some[] = {20, 4242, 27}, none[] = {20, 27};

	(void)state;
	assert_true(pue_control_request_peer_is_admin(&root, PUE_CTL_NO_GROUP, NULL, 0));
	assert_true(pue_control_request_peer_is_admin(&self, PUE_CTL_NO_GROUP, NULL, 0));
	assert_false(pue_control_request_peer_is_admin(&user, PUE_CTL_NO_GROUP, some, 3));
	assert_false(pue_control_request_peer_is_admin(&user, 4242, NULL, 0));
	assert_false(pue_control_request_peer_is_admin(&user, 4242, none, 2));
	assert_true(pue_control_request_peer_is_admin(&user, 4242, some, 3));
	assert_true(pue_control_request_peer_is_admin(&in_group, 4242, NULL, 0));
	assert_false(pue_control_request_peer_is_admin(&unknown, 4242, some, 3));
}

static int readies;
static enum pue_ctl_cmd last_ready;
static bool ready_gives;

/* Ready bytes that say which command asked, or none (ready_gives false). */
static struct pue_blob *
ready(void *arg, enum pue_ctl_cmd cmd)
{
	char *line;

	(void)arg;
	readies++;
	last_ready = cmd;
	if (!ready_gives)
		return NULL;
	line = strdup(cmd == PUE_CMD_DEVICES ? "READY devices\n" : "READY status\n");
	assert_non_null(line);
	return pue_blob_take(line, strlen(line), "application/json");
}

/* The bytes pue_control_request_reply_line() gives for text, as a string. */
static char *
reply_line(const char *text, uid_t uid)
{
	struct pue_control_conf conf = {.socket = "x"};
	struct ucred peer = {.pid = 1, .uid = uid, .gid = uid};
	struct pue_blob *b = pue_control_request_reply_line(
		&conf, &peer, pue_control_request_peer_is_admin(&peer, PUE_CTL_NO_GROUP, NULL, 0),
		text, strlen(text), handler, ready, NULL);
	char *s;

	assert_non_null(b);
	assert_true(b->len > 0 && b->data[b->len - 1] == '\n');
	s = strndup(b->data, b->len);
	pue_blob_unref(b);
	assert_non_null(s);
	return s;
}

static void
expect_line(const char *text, const char *want)
{
	char *s = reply_line(text, geteuid() == 1000 ? 1001 : 1000);

	assert_string_equal(s, want);
	free(s);
}

/* status and devices, the registry's ready commands, are answered with
 * the ready bytes; every other request, or a ready one whose bytes cannot
 * be made, goes the handler's way, parse errors included. */
static void
test_control_reply_line_serves_ready_bytes_for_status_and_devices(void **state)
{
	(void)state;
	calls = readies = 0;
	ready_gives = true;
	expect_line("{\"v\":1,\"cmd\":\"status\"}", "READY status\n");
	assert_int_equal(last_ready, PUE_CMD_STATUS);
	expect_line("{\"cmd\":\"devices\"}", "READY devices\n");
	assert_int_equal(last_ready, PUE_CMD_DEVICES);
	assert_int_equal(readies, 2);
	assert_int_equal(calls, 0);
	/* Not ready: another command, another version, not an object. */
	expect_line("{\"cmd\":\"ping\"}", "{\"v\":1,\"ok\":true,\"result\":{\"cmd\":\"ping\"}}\n");
	expect_line("{\"v\":2,\"cmd\":\"status\"}",
		    "{\"v\":1,\"ok\":false,\"error\":\"unsupported protocol version (this pued "
		    "speaks 1)\"}\n");
	expect_line("[\"status\"]",
		    "{\"v\":1,\"ok\":false,\"error\":\"malformed request: expected a JSON "
		    "object\"}\n");
	assert_int_equal(readies, 2);
	assert_int_equal(calls, 1);
	/* No bytes (memory ran out): the handler answers. */
	ready_gives = false;
	expect_line("{\"cmd\":\"status\"}",
		    "{\"v\":1,\"ok\":true,\"result\":{\"cmd\":\"status\"}}\n");
	assert_int_equal(readies, 3);
	assert_int_equal(calls, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_input_splits_lines_and_limits_their_length),
		cmocka_unit_test(test_control_answer_refuses_malformed_requests),
		cmocka_unit_test(test_control_answer_replies_when_a_message_is_not_utf8),
		cmocka_unit_test(test_control_answer_passes_allowed_commands_to_the_handler),
		cmocka_unit_test(test_control_admin_is_root_the_daemon_or_the_admin_group),
		cmocka_unit_test(test_control_reply_line_serves_ready_bytes_for_status_and_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
