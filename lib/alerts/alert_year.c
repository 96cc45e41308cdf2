/* SPDX-License-Identifier: MIT */
/* alert_year.c - the reporting year computed off the main loop; see
 * alert_year.h. */
#include "alerts/alert_year.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "util/log.h"
#include "report/report.h"
#include "util/timer.h"
#include "util/workq.h"

struct year_job {
	struct pue_job job; /* first: the pool hands this pointer back */
	/* in */
	const char *path;
	struct pue_pue_conf pc;
	int64_t now_ms;
	/* the worker's own */
	struct pue_report_db *db;
	/* out */
	int rc;
	struct pue_err err;
	struct pue_year y;
	int64_t start_ms, end_ms;
};

struct pue_year_watch {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	const struct pue_store *store;
	uint64_t minutes_seen; /* the store's minutes_written at the last run */
	pue_mono_t last_run;
	void (*updated)(void *arg);
	void *arg;
	struct pue_workq *q;
	struct year_job job;
	bool busy;
	bool probing_loop;	/* the loop's busy probe is registered */
	struct pue_timer timer; /* the next computation */
	struct pue_year_figures fig;
};

/* Worker thread: touches only the job. */
static void
run(struct pue_job *job)
{
	struct year_job *j = (struct year_job *)job;

	if (j->db == NULL && (j->db = pue_report_open(j->path, &j->err)) == NULL) {
		j->rc = j->err.code;
		return;
	}
	j->rc = pue_report_year(j->db, j->now_ms, &j->pc, &j->y, &j->start_ms, &j->end_ms, &j->err);
	pue_report_release(j->db); /* the next run is a minute away */
}

static void schedule(struct pue_year_watch *w);

static void
submit(void *arg)
{
	struct pue_year_watch *w = arg;
	int rc;

	if (w->busy)
		return;
	if (w->store != NULL && w->fig.known) {
		struct pue_store_stats st;

		pue_store_stats(w->store, &st);
		if (st.minutes_written == w->minutes_seen &&
		    pue_mono_diff_ms(pue_clock_mono(w->clock), w->last_run) <
			    PUE_YEAR_IDLE_REFRESH_MS) {
			schedule(w);
			return;
		}
		w->minutes_seen = st.minutes_written;
	}
	w->last_run = pue_clock_mono(w->clock);
	w->job.now_ms = pue_clock_wall(w->clock).ms;
	w->job.rc = 0;
	pue_err_clear(&w->job.err);
	if ((rc = pue_workq_submit(w->q, &w->job.job)) < 0) {
		pue_log(LOG_ERR, "alerts: cannot compute the year: %s; trying again later",
			strerror(-rc));
		schedule(w);
		return;
	}
	w->busy = true;
}

static void
schedule(struct pue_year_watch *w)
{
	double rate = pue_clock_rate(w->clock);
	int64_t ms = PUE_YEAR_REFRESH_MS;

	if (1000.0 * rate > (double)ms)
		ms = (int64_t)(1000.0 * rate); /* a fast test clock: once a real second */
	/* a failure is logged, and retried by pue_alert_year_rearm() */
	pue_timer_arm(&w->timer, pue_mono_add_ms(pue_clock_mono(w->clock), ms));
}

static void
on_done(void *arg, int fd, uint32_t events)
{
	struct pue_year_watch *w = arg;
	struct pue_job *job;

	(void)fd;
	(void)events;
	while ((job = pue_workq_take_done(w->q)) != NULL) {
		struct year_job *j = (struct year_job *)job;

		w->busy = false;
		if (j->rc < 0) {
			if (strcmp(w->fig.error, j->err.msg) != 0)
				pue_log(LOG_WARNING, "alerts: the year's figures: %s", j->err.msg);
			snprintf(w->fig.error, sizeof(w->fig.error), "%s", j->err.msg);
		} else {
			w->fig.known = true;
			w->fig.y = j->y;
			w->fig.start_ms = j->start_ms;
			w->fig.end_ms = j->end_ms;
			w->fig.at_ms = j->now_ms;
			w->fig.error[0] = '\0';
		}
		if (!pue_timer_pending(&w->timer))
			schedule(w);
		if (w->updated != NULL)
			w->updated(w->arg);
	}
}

/* The loop's busy probe (loop.h): the year is being computed. */
static bool
computing(void *arg)
{
	const struct pue_year_watch *w = arg;

	return w->busy;
}

struct pue_year_watch *
pue_alert_year_new(const struct pue_config *cfg, struct pue_loop *loop,
		   const struct pue_clock *clock, const struct pue_store *store,
		   void (*updated)(void *arg), void *arg, struct pue_err *err)
{
	struct pue_year_watch *w = calloc(1, sizeof(*w));
	int rc;

	if (w == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		return NULL;
	}
	w->cfg = cfg;
	w->loop = loop;
	w->clock = clock;
	w->store = store;
	w->updated = updated;
	w->arg = arg;
	w->job.job.run = run;
	w->job.path = cfg->storage.path;
	w->job.pc = cfg->pue;
	pue_timer_init(&w->timer, loop, false, submit, w, "alerts: the year's computation");
	if ((w->q = pue_workq_new(1, 1, 1, PUE_WORKQ_IDLE_MS, err)) == NULL)
		goto fail;
	if ((rc = pue_loop_add_fd(loop, pue_workq_fd(w->q), EPOLLIN, on_done, w)) < 0) {
		pue_err_set(err, rc, "alerts: %s", strerror(-rc));
		goto fail;
	}
	if (pue_loop_add_busy(loop, computing, w) < 0) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		goto fail;
	}
	w->probing_loop = true;
	submit(w);
	return w;
fail:
	pue_alert_year_free(w);
	return NULL;
}

const struct pue_year_figures *
pue_alert_year_get(const struct pue_year_watch *w)
{
	return &w->fig;
}

size_t
pue_alert_year_rearm(struct pue_year_watch *w)
{
	return w != NULL && pue_timer_retry(&w->timer);
}

void
pue_alert_year_free(struct pue_year_watch *w)
{
	if (w == NULL)
		return;
	pue_timer_cancel(&w->timer);
	if (w->probing_loop)
		pue_loop_del_busy(w->loop, computing, w);
	if (w->q != NULL) {
		pue_loop_del_fd(w->loop, pue_workq_fd(w->q));
		pue_workq_free(w->q); /* joins the thread: the job is ours again */
	}
	pue_report_close(w->job.db);
	free(w);
}
