/* SPDX-License-Identifier: MIT */
/*
 * web_page.h - the status page pued serves at "/": the PUE of the alert
 * window against the ceiling, every window with its coverage and
 * category, the reporting year, active alerts, devices, and the curves of
 * the last 24 hours and 30 days as inline SVG (svg_chart.h).
 *
 * A pure function of its inputs, which are the answers pued already gives
 * on its control socket (doc/schema/status.json and alerts.json), so the
 * page shows what `puectl status` shows, in the same words. The document
 * is one HTML5 file: inline CSS, no script, nothing fetched, readable
 * without JavaScript; an optional <meta http-equiv="refresh"> reloads it.
 * Its one link is to /metrics beside it, on the same listener.
 * Every string from the inputs is escaped. Any thread.
 */
#ifndef PUE_WEB_PAGE_H
#define PUE_WEB_PAGE_H

#include <jansson.h>

#include "util/buf.h"
#include "report/chart_axis.h"

struct pue_web_page_input {
	const json_t *status; /* the status command's result, borrowed */
	const json_t *alerts; /* the alerts command's result, borrowed; NULL: none known */
	/* The curves: points and time axes; the page sets their levels
	 * (status's ceiling and warning) and titles. */
	struct pue_chart day;	/* the last 24 hours */
	struct pue_chart month; /* the last 30 days */
	const char *day_step;	/* what one point of each is: "15 minutes" */
	const char *month_step;
	unsigned refresh_s; /* the page reloads itself this often; 0: never */
};

/* Appends the document. Running out of memory shows in
 * pue_buf_failed(out). */
void pue_web_page_render(struct pue_buf *out, const struct pue_web_page_input *in);

#endif
