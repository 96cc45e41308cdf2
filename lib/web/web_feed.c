/* SPDX-License-Identifier: MIT */
/* web_feed.c - the status page's bytes, made on the main loop; see web_feed.h. */
#include "web/web_feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/log.h"
#include "report/report.h"
#include "web/web_page.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define DAY_POINTS (DAY_MS / PUE_WEB_FEED_DAY_STEP_MS)
#define MONTH_POINTS (30 * DAY_MS / PUE_WEB_FEED_MONTH_STEP_MS)

/* A curve and the end it was read for: its points change only when a
 * step completes, so it is read again only then. */
struct curve {
	int64_t step_ms;
	int64_t to_ms; /* 0: not read */
	size_t n;
};

struct pue_web_feed {
	const struct pue_config *cfg;
	int64_t lag_ms;		  /* a minute, its grace and a flush (web_feed.h) */
	struct pue_report_db *db; /* NULL until a build could open it */
	struct curve day_curve, month_curve;
	struct pue_chart_point day[DAY_POINTS], month[MONTH_POINTS];
	bool failing;	      /* the last update kept the page before it */
	pthread_mutex_t lock; /* guards page, for the HTTP thread */
	struct pue_blob *page;
};

struct pue_web_feed *
pue_web_feed_new(const struct pue_config *cfg, int64_t grace_ms)
{
	struct pue_web_feed *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->cfg = cfg;
	f->lag_ms = 60000 + grace_ms + cfg->storage.flush_interval_ms;
	pthread_mutex_init(&f->lock, NULL);
	f->day_curve.step_ms = PUE_WEB_FEED_DAY_STEP_MS;
	f->month_curve.step_ms = PUE_WEB_FEED_MONTH_STEP_MS;
	return f;
}

void
pue_web_feed_free(struct pue_web_feed *f)
{
	if (f == NULL)
		return;
	pue_report_close(f->db);
	pue_blob_unref(f->page);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* The curve of max steps ending at the last whole step the lag before
 * now, read when that end moved. A read that fails leaves it empty
 * and the connection closed, to be opened again at the next build. */
static struct pue_chart
curve(struct pue_web_feed *f, struct curve *cv, int64_t now_ms, struct pue_chart_point *points,
      size_t max)
{
	int64_t to = (now_ms - f->lag_ms) / cv->step_ms * cv->step_ms;
	struct pue_chart c = {
		.points = points, .from_ms = to - (int64_t)max * cv->step_ms, .to_ms = to};
	struct pue_err err = {0};
	int got;

	if (f->db != NULL && cv->to_ms != to) {
		got = pue_report_series(f->db, c.from_ms, to, cv->step_ms, &f->cfg->pue, points,
					max, &err);
		if (got < 0) {
			pue_report_close(f->db);
			f->db = NULL;
		}
		cv->n = got < 0 ? 0 : (size_t)got;
		cv->to_ms = got < 0 ? 0 : to;
	}
	c.n = cv->to_ms == to ? cv->n : 0;
	return c;
}

char *
pue_web_feed_build(struct pue_web_feed *f, const json_t *status, const json_t *alerts,
		   int64_t now_ms, size_t *len, struct pue_err *err)
{
	struct pue_web_page_input in = {.status = status,
					.alerts = alerts,
					.day_step = "15 minutes",
					.month_step = "6 hours",
					.refresh_s = PUE_WEB_FEED_REFRESH_S};
	struct pue_buf b = PUE_BUF_INIT;
	char *page;

	if (f->db == NULL && f->cfg->storage.path != NULL)
		f->db = pue_report_open(f->cfg->storage.path, &(struct pue_err){0});
	in.day = curve(f, &f->day_curve, now_ms, f->day, DAY_POINTS);
	in.month = curve(f, &f->month_curve, now_ms, f->month, MONTH_POINTS);
	pue_report_release(f->db); /* the next page is a minute away */
	pue_web_page_render(&b, &in);
	if ((page = pue_buf_take(&b, len)) == NULL)
		pue_err_set(err, -ENOMEM, "web: out of memory for the status page");
	return page;
}

void
pue_web_feed_update(struct pue_web_feed *f, const json_t *status, const json_t *alerts,
		    int64_t now_ms)
{
	struct pue_err err = {0};
	struct pue_blob *b = NULL, *old;
	size_t len;
	char *page = pue_web_feed_build(f, status, alerts, now_ms, &len, &err);

	if (page != NULL && (b = pue_blob_take(page, len, "text/html; charset=utf-8")) == NULL)
		pue_err_set(&err, -ENOMEM, "web: out of memory for the status page");
	if (b == NULL && !f->failing)
		pue_log(LOG_ERR, "%s; / serves the page before it", err.msg);
	else if (b != NULL && f->failing)
		pue_log(LOG_NOTICE, "web: the status page is current again");
	f->failing = b == NULL;
	if (b == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	old = f->page;
	f->page = b;
	pthread_mutex_unlock(&f->lock);
	pue_blob_unref(old); /* outside the lock: it may be the last reference */
}

struct pue_blob *
pue_web_feed_page(void *arg, const struct pue_http_request *req)
{
	struct pue_web_feed *f = arg;
	struct pue_blob *b;

	(void)req;
	pthread_mutex_lock(&f->lock);
	b = f->page != NULL ? pue_blob_ref(f->page) : NULL;
	pthread_mutex_unlock(&f->lock);
	return b;
}
