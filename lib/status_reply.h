/* SPDX-License-Identifier: MIT */
/*
 * status_reply.h - "status" and "devices" served as ready bytes.
 *
 * Built once per round from a snapshot (snapshot.h): the first request of
 * a round takes the snapshot (on the main loop, where the control socket
 * runs) and renders the whole reply line, envelope and newline included,
 * into the snapshot's memo (pue_snapshot_memo()); every later request of
 * that round gets the same bytes. So a storm of `puectl status` costs one
 * snapshot and one rendering per round and per command, and a round
 * nobody asks about costs nothing. The answer is at most one round (1 s)
 * old; a command that changes state (ack, silence, reload, advance) drops
 * the cached snapshot so the next answer shows it (pue_status_cache_drop()),
 * and so does every request on the stepped test clock, whose rounds last
 * as long as the harness waits.
 * Main thread only.
 */
#ifndef PUE_STATUS_REPLY_H
#define PUE_STATUS_REPLY_H

#include <stdint.h>

#include "blob.h"
#include "snapshot.h"

struct pue_status_cache; /* opaque */

/* NULL when out of memory. */
struct pue_status_cache *pue_status_cache_new(void);

/* NULL is accepted. */
void pue_status_cache_free(struct pue_status_cache *c);

/* The reply line to cmd ("status" or "devices") for round (the service's
 * tick count): from the cached snapshot while round is the one it was
 * taken in, else from a new snapshot of src (borrowed for the call). A
 * new reference to the bytes ({"v":1,"ok":true,"result":{...}}\n), or
 * NULL for any other command or when memory runs out (then the caller
 * answers the usual way). */
struct pue_blob *pue_status_cache_reply(struct pue_status_cache *c, const char *cmd, uint64_t round,
					const struct pue_snapshot_source *src);

/* Forgets the cached snapshot: the next reply takes a new one. */
void pue_status_cache_drop(struct pue_status_cache *c);

/* The reply line for a snapshot, rendered once per snapshot and command
 * (devices: the per-device list, else the summary). Any thread. */
struct pue_blob *pue_status_reply(struct pue_snapshot *s, bool devices);

#endif
