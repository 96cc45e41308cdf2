/* SPDX-License-Identifier: MIT */
/*
 * exporter.h - /metrics: a snapshot published each round, rendered for
 * Prometheus by whoever scrapes it.
 *
 * The service's tick calls pue_exporter_publish() once a round on the
 * main loop with the round's snapshot (snapshot.h, a copy of pued's
 * state), which it publishes. The /metrics handler, on the HTTP thread, takes the
 * latest snapshot and its rendering in the format the scraper asked for
 * (metrics.h), made by the first scrape of that snapshot and shared by
 * the others. So the loop never renders (a site of 1000 meters makes
 * about 1.9 MB of text), a round nobody scrapes costs only the copy, and
 * what a scrape gets is never older than one round.
 */
#ifndef PUE_EXPORTER_H
#define PUE_EXPORTER_H

#include "util/blob.h"
#include "util/err.h"
#include "http/http_server.h"
#include "snapshot/snapshot.h"

struct pue_exporter; /* opaque */

/* NULL when out of memory. Main thread. */
struct pue_exporter *pue_exporter_new(void);

/* After the HTTP server that serves it has stopped. NULL is accepted. */
void pue_exporter_free(struct pue_exporter *x);

/* Publishes snap, this round's snapshot (a reference is taken). Main
 * thread. */
void pue_exporter_publish(struct pue_exporter *x, struct pue_snapshot *snap);

/* A new reference to the latest snapshot, or NULL before the first. Any
 * thread. */
struct pue_snapshot *pue_exporter_snapshot(struct pue_exporter *x);

/* The /metrics route's handler (http_server.h); arg is the exporter. Any
 * thread. */
struct pue_blob *pue_exporter_metrics(void *arg, const struct pue_http_request *req);

#endif
