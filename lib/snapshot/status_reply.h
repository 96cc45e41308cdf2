/* SPDX-License-Identifier: MIT */
/*
 * status_reply.h - "status" and "devices" as ready reply bytes.
 *
 * The whole reply line, envelope and newline included, rendered from a
 * snapshot (snapshot.h) into the snapshot's memo (pue_snapshot_memo()):
 * once per snapshot and command, however many requests want it. The
 * service takes one snapshot per round (service.c), so a storm of
 * `puectl status` costs one rendering per round and per command, and the
 * control server sends the same bytes to each client (control_request.h,
 * pue_control_ready). Any thread (a snapshot is immutable).
 */
#ifndef PUE_STATUS_REPLY_H
#define PUE_STATUS_REPLY_H

#include <stdbool.h>

#include "util/blob.h"
#include "snapshot/snapshot.h"

/* The reply line {"v":1,"ok":true,"result":{...}}\n for s: the per-device
 * list when devices, else the summary (status.h). A new reference, or
 * NULL when memory runs out (the next call tries again). */
struct pue_blob *pue_status_reply(struct pue_snapshot *s, bool devices);

#endif
