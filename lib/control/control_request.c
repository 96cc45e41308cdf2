/* SPDX-License-Identifier: MIT */
/*
 * control_request.c - the control protocol without the socket: a
 * client's bytes into requests, the admin check, and the reply; see
 * control_request.h.
 */
#include "control/control_request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/control_commands.h"
#include "util/log.h"

/* An error reply. msg may quote a request's bytes (jansson's error text
 * around a bad token, a command cut at a length): when that makes it
 * invalid UTF-8, which a JSON string cannot hold, the bytes outside ASCII
 * become '?', so that the client still gets its answer. */
json_t *
pue_control_request_error_reply(const char *msg)
{
	json_t *text = json_string(msg);
	char *ascii;
	size_t i;

	if (text == NULL && (ascii = strdup(msg)) != NULL) {
		for (i = 0; ascii[i] != '\0'; i++)
			if ((unsigned char)ascii[i] >= 0x80)
				ascii[i] = '?';
		text = json_string(ascii);
		free(ascii);
	}
	return json_pack("{s:i, s:b, s:o}", "v", PUE_CTL_VERSION, "ok", 0, "error", text);
}

ssize_t
pue_control_request_input_line(const struct pue_ctl_input *in, const char **line)
{
	const char *nl = memchr(in->buf, '\n', in->n);

	if (nl == NULL)
		return in->n > PUE_CTL_MAX_LINE ? -EMSGSIZE : -EAGAIN;
	*line = in->buf;
	return nl - in->buf;
}

void
pue_control_request_input_consume(struct pue_ctl_input *in, size_t len)
{
	memmove(in->buf, in->buf + len + 1, in->n - len - 1);
	in->n -= len + 1;
}

/* The reply to req, a request line parsed (NULL: not JSON, jerr says
 * why). */
static json_t *
answer(const struct pue_control_conf *conf, const struct ucred *peer, bool admin, json_t *req,
       const json_error_t *jerr, pue_control_handler handler, void *arg)
{
	json_t *result, *v, *cmd;
	struct pue_err err = {0};
	char msg[300];

	if (req == NULL || !json_is_object(req)) {
		snprintf(msg, sizeof(msg), "malformed request: %s",
			 req == NULL ? jerr->text : "expected a JSON object");
		return pue_control_request_error_reply(msg);
	}
	v = json_object_get(req, "v");
	cmd = json_object_get(req, "cmd");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) != PUE_CTL_VERSION)) {
		snprintf(msg, sizeof(msg), "unsupported protocol version (this pued speaks %d)",
			 PUE_CTL_VERSION);
		return pue_control_request_error_reply(msg);
	}
	if (!json_is_string(cmd))
		return pue_control_request_error_reply(
			"malformed request: \"cmd\" must be a string");
	if (pue_control_request_is_admin_command(json_string_value(cmd)) && !admin) {
		if (conf->admin_group != NULL)
			snprintf(msg, sizeof(msg),
				 "permission denied: \"%s\" needs root, the daemon's user or "
				 "group %s",
				 json_string_value(cmd), conf->admin_group);
		else
			snprintf(msg, sizeof(msg),
				 "permission denied: \"%s\" needs root or the daemon's user "
				 "(control.admin_group is not set)",
				 json_string_value(cmd));
		pue_log(LOG_NOTICE, "control: refused \"%s\" from uid %u (pid %d)",
			json_string_value(cmd), (unsigned)peer->uid, (int)peer->pid);
		return pue_control_request_error_reply(msg);
	}
	if ((result = handler(arg, json_string_value(cmd), req, peer, &err)) == NULL)
		return pue_control_request_error_reply(err.msg[0] ? err.msg : "request failed");
	return json_pack("{s:i, s:b, s:o}", "v", PUE_CTL_VERSION, "ok", 1, "result", result);
}

json_t *
pue_control_request_answer(const struct pue_control_conf *conf, const struct ucred *peer,
			   bool admin, const char *line, size_t len, pue_control_handler handler,
			   void *arg)
{
	json_error_t jerr;
	json_t *req, *reply;

	/* json_loadb, not json_loads: a NUL inside the line is an error, not
	 * the end of the request. */
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	reply = answer(conf, peer, admin, req, &jerr, handler, arg);
	json_decref(req);
	return reply;
}

/* The command req asks for when the registry marks it ready and the
 * request is one the handler would answer as it stands (an object, of
 * version 1); else -1, and the handler answers or words the error. */
static int
ready_command(const json_t *req)
{
	const json_t *v = json_object_get(req, "v"), *cmd = json_object_get(req, "cmd");
	int id;

	if (!json_is_object(req) || !json_is_string(cmd) ||
	    (v != NULL && (!json_is_integer(v) || json_integer_value(v) != PUE_CTL_VERSION)))
		return -1;
	id = pue_control_commands_find(json_string_value(cmd));
	if (id < 0 || !pue_control_commands[id].ready || pue_control_commands[id].admin)
		return -1;
	return id;
}

struct pue_blob *
pue_control_request_reply_line(const struct pue_control_conf *conf, const struct ucred *peer,
			       bool admin, const char *line, size_t len,
			       pue_control_handler handler, pue_control_ready ready, void *arg)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	struct pue_blob *b = NULL;
	int id;

	if (ready != NULL && req != NULL && (id = ready_command(req)) >= 0)
		b = ready(arg, (enum pue_ctl_cmd)id);
	if (b == NULL)
		b = pue_control_request_reply_blob(
			answer(conf, peer, admin, req, &jerr, handler, arg));
	json_decref(req);
	return b;
}

struct pue_blob *
pue_control_request_reply_blob(json_t *reply)
{
	char *text, *line;
	size_t len;

	if (reply == NULL)
		return NULL;
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text == NULL)
		return NULL;
	len = strlen(text);
	/* json_dumps() leaves no room: one more byte for the '\n'. */
	if ((line = realloc(text, len + 1)) == NULL) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	return pue_blob_take(line, len + 1, "application/json");
}

bool
pue_control_request_is_admin_command(const char *cmd)
{
	return pue_control_commands_is_admin(cmd);
}

bool
pue_control_request_peer_is_admin(const struct ucred *peer, gid_t admin_gid, const gid_t *groups,
				  size_t n)
{
	size_t i;

	if (peer->uid == 0 || peer->uid == geteuid())
		return true;
	if (admin_gid == PUE_CTL_NO_GROUP || peer->uid == (uid_t)-1)
		return false;
	if (peer->gid == admin_gid)
		return true;
	for (i = 0; i < n; i++)
		if (groups[i] == admin_gid)
			return true;
	return false;
}
