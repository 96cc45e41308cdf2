/* SPDX-License-Identifier: MIT */
/*
 * exporter.h - /metrics: the snapshot taken each round, rendered for
 * Prometheus and published for the HTTP thread.
 *
 * The service's tick calls pue_exporter_update() once a round on the main
 * loop: it fills the snapshot (snapshot.h), renders it in both formats
 * (metrics.h) and sets each rendering into its slot (blob.h), so the
 * handler on the HTTP thread only picks the format the scraper asked for
 * and takes a reference: a scrape costs the loop nothing, and what it
 * gets is never older than one round.
 */
#ifndef PUE_EXPORTER_H
#define PUE_EXPORTER_H

#include "blob.h"
#include "config.h"
#include "err.h"
#include "http_server.h"
#include "snapshot.h"

struct pue_exporter; /* opaque */

/* cfg is borrowed and must outlive the exporter. NULL with err set. Main
 * thread. */
struct pue_exporter *pue_exporter_new(const struct pue_config *cfg, struct pue_err *err);

/* After the HTTP server that serves it has stopped. NULL is accepted. */
void pue_exporter_free(struct pue_exporter *x);

/* Takes this round's snapshot from src and publishes its renderings. A
 * rendering that runs out of memory leaves the last one published (and
 * is logged once). Main thread. */
void pue_exporter_update(struct pue_exporter *x, const struct pue_snapshot_source *src);

/* The snapshot of the last update (main thread; valid until the next). */
const struct pue_snapshot *pue_exporter_snapshot(const struct pue_exporter *x);

/* The /metrics route's handler (http_server.h); arg is the exporter. Any
 * thread. */
struct pue_blob *pue_exporter_metrics(void *arg, const struct pue_http_request *req);

#endif
