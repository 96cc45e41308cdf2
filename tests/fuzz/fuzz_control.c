/* SPDX-License-Identifier: MIT */
/*
 * fuzz_control.c - the control socket's request parser (control.c) fed a
 * client's bytes: the same calls on_client() makes, without the socket.
 * Bytes arrive in chunks of fuzzed sizes into a struct pue_ctl_input (at
 * most what its buffer has room for, as recv() is asked for), complete
 * lines are answered by pue_control_request_answer() one at a time, and a client
 * that sends more than PUE_CTL_MAX_LINE bytes without a newline is done.
 *
 * Input: a byte for the peer (root or another user) and for what the
 * handler does, a byte seeding the chunk sizes, a byte of padding, then the
 * client's bytes. Padding (pad x 32 bytes of '{"cmd":"x"}' repeated, or of
 * spaces when pad is odd) goes first, so that a short input can reach the
 * 4 KiB line limit and the fuzzer can stay fast on short inputs.
 *
 * Invariants: the input buffer never overflows and always makes progress;
 * the handler sees only a JSON object whose "cmd" is the string it is
 * given, with "v" absent or 1, and an admin command only from an
 * administrator; every reply is one JSON object on one line with "v": 1, a
 * boolean "ok", an "error" string when not ok and a "result" when ok.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "control/control.h"
#include "util/err.h"
#include "util/log.h"

#include "fuzz.h"

struct handler_state {
	const struct ucred *peer;
	uint8_t mode;
	unsigned calls;
};

/* Stands in for service.c's handler: checks what the parser lets through,
 * runs the argument readers the real commands use, and answers as the
 * input says (a result, an error, an error without a message). */
static json_t *
handler(void *arg, const char *cmd, json_t *request, const struct ucred *peer, struct pue_err *err)
{
	struct handler_state *h = arg;
	json_t *v = json_object_get(request, "v"), *f;
	int64_t ms;

	h->calls++;
	CHECK(json_is_object(request), "not an object");
	CHECK(json_is_string(json_object_get(request, "cmd")) &&
		      strcmp(json_string_value(json_object_get(request, "cmd")), cmd) == 0,
	      "cmd \"%s\" is not the request's", cmd);
	CHECK(v == NULL || (json_is_integer(v) && json_integer_value(v) == PUE_CTL_VERSION),
	      "version let through");
	CHECK(peer == h->peer, "another peer");
	CHECK(!pue_control_request_is_admin_command(cmd) || peer->uid == 0 ||
		      peer->uid == geteuid(),
	      "admin command %s from uid %u", cmd, (unsigned)peer->uid);
	if ((f = json_object_get(request, "for")) != NULL && json_is_string(f))
		(void)pue_duration_parse_positive(json_string_value(f), &ms); /* "silence" */
	switch (h->mode % 4) {
	case 0:
		return json_pack("{s:s, s:O?}", "cmd", cmd, "echo",
				 json_object_get(request, "arg"));
	case 1:
		pue_err_set(err, -EINVAL, "unknown command \"%.64s\"", cmd);
		return NULL;
	case 2:
		return NULL; /* no message: the parser says "request failed" */
	default:
		return json_object();
	}
}

/* json_dump_callback()'s writer: counts newlines in the text. */
static int
no_newline(const char *buf, size_t size, void *arg)
{
	if (memchr(buf, '\n', size) != NULL)
		(*(unsigned *)arg)++;
	return 0;
}

static void
check_reply(json_t *reply)
{
	json_t *ok, *error, *v;
	unsigned lines = 0;

	CHECK(reply != NULL && json_is_object(reply), "no reply object");
	v = json_object_get(reply, "v");
	ok = json_object_get(reply, "ok");
	error = json_object_get(reply, "error");
	CHECK(json_is_integer(v) && json_integer_value(v) == PUE_CTL_VERSION, "reply version");
	CHECK(json_is_boolean(ok), "\"ok\" not a boolean");
	if (json_is_true(ok))
		CHECK(json_object_get(reply, "result") != NULL && error == NULL, "ok reply");
	else
		CHECK(json_is_string(error) && json_string_length(error) > 0, "error reply");
	/* control.c sends json_dumps(JSON_COMPACT) and a newline: one line.
	 * json_dumps() is json_dump_callback() into a growing buffer; the
	 * same text scanned as it is written saves an allocation per reply. */
	CHECK(json_dump_callback(reply, no_newline, &lines, JSON_COMPACT) == 0 && lines == 0,
	      "reply not one line");
	json_decref(reply);
}

#define MAX_PAD (255 * 32)
static uint8_t pad_spaces[MAX_PAD], pad_requests[MAX_PAD];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	pue_log_set_level(LOG_EMERG); /* "refused" lines */
	memset(pad_spaces, ' ', sizeof(pad_spaces));
	for (i = 0; i < sizeof(pad_requests); i++) /* made once: runs only copy */
		pad_requests[i] = (uint8_t) "{\"cmd\":\"x\"}"[i % 11];
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pue_ctl_input in; /* 4 KiB, as in struct client */
	struct fuzz_in f = {data, size};
	struct pue_control_conf conf = {.socket = "fuzz.sock"};
	uint8_t who = take_u8(&f), seed = take_u8(&f), pad = take_u8(&f);
	static uint8_t stream[MAX_PAD + 65536];
	size_t n_pad = (size_t)pad * 32;
	struct ucred peer = {.pid = 42, .uid = (who & 1) ? 0 : 1000, .gid = 1000};
	struct handler_state h = {.peer = &peer, .mode = who >> 1};
	const char *line;
	ssize_t len;
	size_t room, chunk;

	if (peer.uid == geteuid()) /* pued's own user may do anything */
		peer.uid = 1001;
	if (f.n > sizeof(stream) - n_pad)
		return -1; /* longer than any run needs: not kept */
	memcpy(stream, (pad & 1) ? pad_spaces : pad_requests, n_pad);
	memcpy(stream + n_pad, f.p, f.n);
	f = (struct fuzz_in){stream, n_pad + f.n};
	in.n = 0;
	while (f.n > 0) {
		/* recv() into what the buffer has room for */
		room = sizeof(in.buf) - in.n;
		chunk = (size_t)(seed = (uint8_t)(seed * 33 + 7)) % 512 + 1;
		if (chunk > f.n)
			chunk = f.n;
		if (chunk > room)
			chunk = room;
		CHECK(chunk > 0, "a full buffer that was not answered or refused");
		memcpy(in.buf + in.n, f.p, chunk);
		in.n += chunk;
		f.p += chunk;
		f.n -= chunk;
		if (pue_control_request_input_line(&in, &line) == -EMSGSIZE) {
			CHECK(in.n > PUE_CTL_MAX_LINE && memchr(in.buf, '\n', in.n) == NULL,
			      "refused %zu bytes", in.n);
			return 0; /* control.c answers with an error and drops the client */
		}
		/* answer_lines(): one reply at a time, each sent at once here */
		while ((len = pue_control_request_input_line(&in, &line)) >= 0) {
			size_t before = in.n;

			CHECK(line == in.buf && (size_t)len < in.n && in.buf[len] == '\n',
			      "line of %zd in %zu bytes", len, in.n);
			check_reply(pue_control_request_answer(
				&conf, &peer,
				pue_control_request_peer_is_admin(&peer, PUE_CTL_NO_GROUP, NULL, 0),
				line, (size_t)len, handler, &h));
			pue_control_request_input_consume(&in, (size_t)len);
			CHECK(in.n == before - (size_t)len - 1, "consumed %zu of %zu",
			      before - in.n, (size_t)len + 1);
		}
		CHECK(len == -EAGAIN && in.n <= PUE_CTL_MAX_LINE, "%zd with %zu bytes waiting", len,
		      in.n);
	}
	return 0;
}
