/* SPDX-License-Identifier: MIT */
/*
 * web_feed.h - makes the status page's bytes (web_page.h) on the main
 * loop, so the HTTP server's thread only sends bytes already made.
 *
 * The main loop calls pue_web_feed_update() once a minute with the answers
 * it builds for the control socket (status, alerts); it builds the page
 * (pue_web_feed_build()) and publishes it, and the "/" route's handler,
 * pue_web_feed_page(), hands the HTTP thread a reference to the latest
 * page (blob.h): sending never waits for the loop, nor the loop for a
 * slow client. The feed adds the two curves, read from the database through its own read-only
 * connection (report.h): the PUE of each 15 minutes over the last 24 hours and of each 6 hours over
 * the last 30 days, the same sums as `puectl history`. Both curves end at the last whole step at
 * least PUE_WEB_FEED_LAG_MS before now, so a minute not yet closed and stored never shows as a gap,
 * and each is read again only when a step completes (a day is 96 + 4
 * reads, not 1440 x 216).
 * Main thread (or whichever one thread owns the feed), except
 * pue_web_feed_page(): any thread.
 */
#ifndef PUE_WEB_FEED_H
#define PUE_WEB_FEED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/blob.h"
#include "config/config.h"
#include "util/err.h"
#include "http/http_server.h"

#define PUE_WEB_FEED_REFRESH_S 60 /* how often the page reloads itself */
#define PUE_WEB_FEED_DAY_STEP_MS (15 * 60 * 1000LL)
#define PUE_WEB_FEED_MONTH_STEP_MS (6 * 3600 * 1000LL)

struct pue_web_feed; /* opaque */

/* For cfg (borrowed; must outlive the feed), whose minutes are closed
 * grace_ms after their end. The database is opened at the first build
 * (pued's store creates it first). NULL when out of memory. */
struct pue_web_feed *pue_web_feed_new(const struct pue_config *cfg, int64_t grace_ms);

/* After the HTTP server that serves its page has stopped. NULL is
 * accepted. */
void pue_web_feed_free(struct pue_web_feed *f);

/* The page as of now_ms (Unix ms) for status and alerts (the control
 * socket's answers, borrowed; alerts may be NULL). Returns the bytes
 * (malloc'd, for the caller) and *len, or NULL with err set when memory
 * runs out. A database that cannot be read (storage off, not there yet,
 * failing) leaves the curves empty, as no figure. */
char *pue_web_feed_build(struct pue_web_feed *f, const json_t *status, const json_t *alerts,
			 int64_t now_ms, size_t *len, struct pue_err *err);

/* Builds the page and publishes it. When memory runs out the last page
 * stays (logged once). */
void pue_web_feed_update(struct pue_web_feed *f, const json_t *status, const json_t *alerts,
			 int64_t now_ms);

/* The "/" route's handler (http_server.h); arg is the feed: a new
 * reference to the latest page, or NULL (503) before the first. */
struct pue_blob *pue_web_feed_page(void *arg, const struct pue_http_request *req);

#endif
