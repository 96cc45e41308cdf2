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
 * width - 90 and from y = 10 to height - 30. The value axis is
 * pue_chart_axis_values() with at most 8 steps (chart_axis.h); the time
 * axis is [from_ms, to_ms], linear, ticked at pue_chart_axis_time_step(span, 7).
 * Any thread.
 */
#ifndef PUE_SVG_CHART_H
#define PUE_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "report/chart_axis.h"

struct pue_svg_chart {
	struct pue_chart chart;	      /* its title is the SVG's accessible name */
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
