/* SPDX-License-Identifier: MIT */
/* status_reply.c - status and devices as ready reply bytes; see
 * status_reply.h. */
#include "snapshot/status_reply.h"

#include <jansson.h>

#include "control/control_request.h"
#include "snapshot/status.h"
#include "util/buf.h"

static int
append(const char *text, size_t len, void *arg)
{
	pue_buf_append(arg, text, len);
	return 0;
}

/* The devices' reply line, written a device at a time: built as one
 * jansson tree, the list took 1.6 KB a device while the reply was made
 * (500 KB at 300 devices, 7 MB at 4500), all of it the process's peak
 * (issue 18). The same bytes as the tree's compact dump. */
static struct pue_blob *
render_devices(const struct pue_snapshot *s)
{
	struct pue_buf b = PUE_BUF_INIT;
	char *line;
	size_t i, len;

	pue_buf_printf(&b, "{\"v\":%d,\"ok\":true,\"result\":{\"devices\":[", PUE_CTL_VERSION);
	for (i = 0; i < s->n_devices; i++) {
		json_t *d = pue_status_device_json(s, i);

		if (d == NULL || json_dump_callback(d, append, &b, JSON_COMPACT) < 0) {
			json_decref(d);
			pue_buf_free(&b);
			return NULL;
		}
		json_decref(d);
		if (i + 1 < s->n_devices)
			pue_buf_puts(&b, ",");
	}
	pue_buf_puts(&b, "]}}\n");
	if ((line = pue_buf_take(&b, &len)) == NULL)
		return NULL;
	return pue_blob_take(line, len, "application/json");
}

/* The envelope of an ok reply (control_request.h) around the result, as
 * one line. */
static struct pue_blob *
render(const struct pue_snapshot *s, const void *arg)
{
	json_t *result;

	if (*(const bool *)arg)
		return render_devices(s);
	if ((result = pue_status_json(s)) == NULL)
		return NULL;
	return pue_control_request_reply_blob(
		json_pack("{s:i, s:b, s:o}", "v", PUE_CTL_VERSION, "ok", 1, "result", result));
}

struct pue_blob *
pue_status_reply(struct pue_snapshot *s, bool devices)
{
	static const bool which[] = {false, true};

	return pue_snapshot_memo(s, devices ? PUE_MEMO_DEVICES : PUE_MEMO_STATUS, render,
				 &which[devices]);
}
