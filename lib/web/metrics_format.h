/* SPDX-License-Identifier: MIT */
/*
 * metrics_format.h - the two exposition formats of /metrics (metrics.h)
 * and which one a scraper asked for. Pure functions; any thread.
 */
#ifndef PUE_METRICS_FORMAT_H
#define PUE_METRICS_FORMAT_H

enum pue_metrics_format {
	PUE_METRICS_TEXT,	 /* text/plain; version=0.0.4 */
	PUE_METRICS_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

#define PUE_METRICS_TEXT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define PUE_METRICS_OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* The format an HTTP Accept header asks for (NULL: none): OpenMetrics
 * when it names application/openmetrics-text without q=0, else text. */
enum pue_metrics_format pue_metrics_format_negotiate(const char *accept);

/* The Content-Type of a format. A static string. */
const char *pue_metrics_format_content_type(enum pue_metrics_format f);

#endif
