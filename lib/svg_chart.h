/* SPDX-License-Identifier: MIT */
/*
 * svg_chart.h - a PUE curve as one inline SVG element, against the
 * ceiling and warning lines, for the HTML report and the status page.
 *
 * A pure function of its input: no clock, no locale, times in UTC, numbers
 * printed with one decimal of a pixel, so the same series gives the same
 * bytes. A point that is not valid (its coverage does not support a
 * figure, PUE.md "Coverage"; or no IT load, or below 1.0) is never drawn
 * as a value: the line breaks there and the span is shaded as a gap. Text
 * is escaped (buf.h), so a title may hold any bytes.
 *
 * Geometry (tests rely on it): the plot area runs from x = 50 to
 * width - 90 and from y = 10 to height - 30. The value axis spans whole
 * multiples of its tick step s, the smallest of 0.01, 0.02, 0.05, 0.1, 0.2,
 * 0.5, 1, 2, 5, ... for which [floor(lo / s) - 1, ceil(hi / s) + 1] holds
 * at most 8 steps, where lo is the lowest of the warning level and the
 * valid values and hi the highest of the ceiling and the valid values. The
 * time axis is [from_ms, to_ms], linear. Any thread.
 */
#ifndef PUE_SVG_CHART_H
#define PUE_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct pue_chart_point {
	int64_t t_ms; /* Unix ms: the end of the period the figure is for */
	double pue;   /* read only when valid */
	bool valid;   /* the figure has a value (figure.h pue_figure_has_value()) */
};

struct pue_svg_chart {
	const struct pue_chart_point *points; /* borrowed, oldest first */
	size_t n;
	int64_t from_ms, to_ms; /* the time axis; points outside it are left out */
	double ceiling, warning;
	const char *title;	      /* the chart's accessible name, or NULL */
	unsigned width_px, height_px; /* 0: 720 x 240 */
};

#define PUE_SVG_CHART_WIDTH 720
#define PUE_SVG_CHART_HEIGHT 240

/* Appends one <svg> element to out: a frame, value grid and labels, time
 * labels, a shaded rect (class "gap") over each run of invalid points, the
 * dashed ceiling and warning lines with their labels, and the curve as
 * polylines (class "pue-line"; a valid point alone between gaps is a circle
 * of class "pue-point"). Returns 0, or -EINVAL when to_ms <= from_ms or the
 * size is below 200 x 100 px (nothing appended). Running out of memory
 * shows in pue_buf_failed(out). */
int pue_svg_chart_render(struct pue_buf *out, const struct pue_svg_chart *c);

#endif
