/* SPDX-License-Identifier: MIT */
/* web_feed.c - the status page's bytes, made on the main loop; see web_feed.h. */
#include "web_feed.h"

#include <errno.h>
#include <stdlib.h>

#include "buf.h"
#include "report.h"
#include "web_page.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define DAY_POINTS (DAY_MS / PUE_WEB_FEED_DAY_STEP_MS)
#define MONTH_POINTS (30 * DAY_MS / PUE_WEB_FEED_MONTH_STEP_MS)

struct pue_web_feed {
	const struct pue_config *cfg;
	struct pue_report_db *db; /* NULL until a build could open it */
	struct pue_chart_point day[DAY_POINTS], month[MONTH_POINTS];
};

struct pue_web_feed *
pue_web_feed_new(const struct pue_config *cfg)
{
	struct pue_web_feed *f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->cfg = cfg;
	return f;
}

void
pue_web_feed_free(struct pue_web_feed *f)
{
	if (f == NULL)
		return;
	pue_report_close(f->db);
	free(f);
}

/* One curve of n steps ending at the last whole step PUE_WEB_FEED_LAG_MS
 * before now. A read that fails leaves it empty and the connection closed,
 * to be opened again at the next build. */
static struct pue_chart
curve(struct pue_web_feed *f, int64_t now_ms, int64_t step, struct pue_chart_point *points,
      size_t n)
{
	int64_t to = (now_ms - PUE_WEB_FEED_LAG_MS) / step * step;
	struct pue_chart c = {.points = points, .from_ms = to - (int64_t)n * step, .to_ms = to};
	struct pue_err err = {0};
	int got;

	if (f->db == NULL)
		return c;
	got = pue_report_series(f->db, c.from_ms, c.to_ms, step, &f->cfg->pue, points, n, &err);
	if (got < 0) {
		pue_report_close(f->db);
		f->db = NULL;
		return c;
	}
	c.n = (size_t)got;
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
	in.day = curve(f, now_ms, PUE_WEB_FEED_DAY_STEP_MS, f->day, DAY_POINTS);
	in.month = curve(f, now_ms, PUE_WEB_FEED_MONTH_STEP_MS, f->month, MONTH_POINTS);
	pue_web_page_render(&b, &in);
	if ((page = pue_buf_take(&b, len)) == NULL)
		pue_err_set(err, -ENOMEM, "web: out of memory for the status page");
	return page;
}
