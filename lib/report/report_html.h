/* SPDX-License-Identifier: MIT */
/*
 * report_html.h - `puectl report --format html`: one report as a
 * self-contained HTML5 document (inline CSS and SVG, nothing fetched, no
 * script), printable to PDF from a browser. It shows the figures of
 * report_doc.h formatted by report_format.h's strings, so every figure of
 * the text report appears in it as the text prints it; it adds the
 * calendar months and the curve. Any thread.
 */
#ifndef PUE_REPORT_HTML_H
#define PUE_REPORT_HTML_H

#include <stdint.h>

#include "util/buf.h"
#include "config/config.h"
#include "report/report_doc.h"

/* Appends the document for doc (built with detail) and cfg's site and
 * thresholds; generated_ms is the time it says it was made. Running out
 * of memory shows in pue_buf_failed(out). */
void pue_report_html(struct pue_buf *out, const struct pue_report_doc *doc,
		     const struct pue_config *cfg, int64_t generated_ms);

#endif
