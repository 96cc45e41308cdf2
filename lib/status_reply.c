/* SPDX-License-Identifier: MIT */
/* status_reply.c - status and devices as ready reply bytes; see
 * status_reply.h. */
#include "status_reply.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "control.h"
#include "status.h"

struct pue_status_cache {
	struct pue_snapshot *snap; /* NULL: none yet, or dropped */
	uint64_t round;		   /* the round snap was taken in */
};

/* The envelope of an ok reply (control.h) around result, and the newline
 * that ends the line. */
static struct pue_blob *
render(const struct pue_snapshot *s, const void *arg)
{
	bool devices = *(const bool *)arg;
	json_t *result = devices ? pue_status_devices_json(s) : pue_status_json(s);
	json_t *reply;
	char *text, *line;
	size_t len;

	if (result == NULL)
		return NULL;
	reply = json_pack("{s:i, s:b, s:o}", "v", PUE_CTL_VERSION, "ok", 1, "result", result);
	if (reply == NULL)
		return NULL;
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text == NULL)
		return NULL;
	len = strlen(text);
	/* json_dumps() leaves no room: one more byte for the '\n'. */
	if ((line = realloc(text, len + 2)) == NULL) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return pue_blob_take(line, len + 1, "application/json");
}

struct pue_blob *
pue_status_reply(struct pue_snapshot *s, bool devices)
{
	static const bool which[] = {false, true};

	return pue_snapshot_memo(s, devices ? PUE_MEMO_DEVICES : PUE_MEMO_STATUS, render,
				 &which[devices]);
}

struct pue_status_cache *
pue_status_cache_new(void)
{
	return calloc(1, sizeof(struct pue_status_cache));
}

void
pue_status_cache_free(struct pue_status_cache *c)
{
	if (c == NULL)
		return;
	pue_snapshot_unref(c->snap);
	free(c);
}

void
pue_status_cache_drop(struct pue_status_cache *c)
{
	pue_snapshot_unref(c->snap);
	c->snap = NULL;
}

struct pue_blob *
pue_status_cache_reply(struct pue_status_cache *c, const char *cmd, uint64_t round,
		       const struct pue_snapshot_source *src)
{
	bool devices = strcmp(cmd, "devices") == 0;
	struct pue_err err;
	struct pue_snapshot *s;

	if (!devices && strcmp(cmd, "status") != 0)
		return NULL;
	if (c->snap == NULL || c->round != round) {
		/* Out of memory: the caller answers from live state instead. */
		if ((s = pue_snapshot_take(src, &err)) == NULL)
			return NULL;
		pue_snapshot_unref(c->snap);
		c->snap = s;
		c->round = round;
	}
	return pue_status_reply(c->snap, devices);
}
