/* SPDX-License-Identifier: MIT */
/* status_reply.c - status and devices as ready reply bytes; see
 * status_reply.h. */
#include "snapshot/status_reply.h"

#include <jansson.h>

#include "control/control_request.h"
#include "snapshot/status.h"

/* The envelope of an ok reply (control_request.h) around the result, as
 * one line. */
static struct pue_blob *
render(const struct pue_snapshot *s, const void *arg)
{
	bool devices = *(const bool *)arg;
	json_t *result = devices ? pue_status_devices_json(s) : pue_status_json(s);

	if (result == NULL)
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
