/* SPDX-License-Identifier: MIT */
/*
 * alert_year.h - the reporting year's figures (year.h), kept current for
 * the year_projection alert, puectl status and the AgentX subagent.
 *
 * pue_report_year() sums the year's rollups from the database: about 75 ms
 * for a full year (README, "Performance"), too long to run inside the main
 * loop between polls. So one worker thread (workq.h) computes it with its
 * own read-only connection, at start and then every PUE_YEAR_REFRESH_MS of
 * the loop's clock (at most once a real second) when new minutes have been
 * stored since, or every PUE_YEAR_IDLE_REFRESH_MS when none have (the
 * figures move only with the stored data and, slowly, with the date), and
 * the loop takes the result through the pool's eventfd. The worker touches
 * only its job.
 * Main thread only (apart from that job).
 */
#ifndef PUE_ALERT_YEAR_H
#define PUE_ALERT_YEAR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "util/loop.h"
#include "store/store.h"
#include "core/year.h"

#define PUE_YEAR_REFRESH_MS (60 * 1000)
#define PUE_YEAR_IDLE_REFRESH_MS (3600 * 1000)

struct pue_year_figures {
	bool known;		  /* computed at least once */
	struct pue_year y;	  /* y.why is a static string */
	int64_t start_ms, end_ms; /* the reporting year, [start, end) */
	int64_t at_ms;		  /* as of */
	char error[256];	  /* the last failure to read the database, or "" */
};

struct pue_year_watch; /* opaque */

/* Starts the worker for cfg's database (cfg, loop, clock and store, which
 * may be NULL, are borrowed).
 * updated(arg) runs on the main thread after each new result. NULL with
 * err set. */
struct pue_year_watch *pue_alert_year_new(const struct pue_config *cfg, struct pue_loop *loop,
					  const struct pue_clock *clock,
					  const struct pue_store *store, void (*updated)(void *arg),
					  void *arg, struct pue_err *err);

/* The latest figures (borrowed until the next loop iteration). */
const struct pue_year_figures *pue_alert_year_get(const struct pue_year_watch *w);

/* Arms the next computation again when its timer could not be armed
 * (timer.h). Returns 1 while it still fails. NULL is accepted. */
size_t pue_alert_year_rearm(struct pue_year_watch *w);

/* Stops the worker (a computation in progress is finished first). NULL is
 * accepted. */
void pue_alert_year_free(struct pue_year_watch *w);

#endif
