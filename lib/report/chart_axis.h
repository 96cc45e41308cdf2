/* SPDX-License-Identifier: MIT */
/*
 * chart_axis.h - the series a PUE chart draws and the axes it is drawn
 * on, shared by the SVG charts (svg_chart.h) and the terminal plot
 * (term_plot.h) so both show the same scale for the same series.
 * Pure functions, any thread.
 */
#ifndef PUE_CHART_AXIS_H
#define PUE_CHART_AXIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pue_chart_point {
	int64_t t_ms; /* Unix ms: the end of the period the figure is for */
	double pue;   /* read only when valid */
	bool valid;   /* the figure has a value (figure.h pue_figure_has_value()) */
};

/* What a chart draws: the series against the two levels, over a time
 * axis; the renderers (svg_chart.h, term_plot.h) add their own sizes. */
struct pue_chart {
	const struct pue_chart_point *points; /* borrowed, oldest first */
	size_t n;
	int64_t from_ms, to_ms; /* the time axis; points outside it are left out */
	double ceiling, warning;
	const char *title; /* borrowed, or NULL */
};

/* Whether p is drawn as a value: valid and finite. A point that is not
 * (its coverage supports no figure, PUE.md "Coverage") is a gap. */
bool pue_chart_axis_point_has_value(const struct pue_chart_point *p);

/* Whether p lies on c's time axis (points off it are left out). */
bool pue_chart_axis_holds(const struct pue_chart *c, const struct pue_chart_point *p);

/* Calls cb for each run of consecutive points on the axis with a value:
 * the curve is drawn within a run, never across a gap. */
typedef void (*pue_chart_run_cb)(void *arg, const struct pue_chart_point *first, size_t n);
void pue_chart_axis_each_run(const struct pue_chart *c, pue_chart_run_cb cb, void *arg);

/* Calls cb for each gap: a run of points on the axis without a value,
 * spanning from the last point with a value before it to the first one
 * after it (or the run's own first or last point at the series' ends). */
typedef void (*pue_chart_gap_cb)(void *arg, int64_t from_ms, int64_t to_ms);
void pue_chart_axis_each_gap(const struct pue_chart *c, pue_chart_gap_cb cb, void *arg);

/* The value axis: whole multiples of a tick step s, the smallest of 0.01,
 * 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, ... for which
 * [floor(lo / s) - 1, ceil(hi / s) + 1] holds at most max_steps steps,
 * where lo is the lowest of the warning level and the values of the
 * points on the axis, and hi the highest of the ceiling and those values.
 * So the ceiling and warning lines always show, with a step of room above
 * and below. */
struct pue_chart_values {
	double lo, hi, step; /* hi - lo is a whole number of steps, at most max_steps */
};
struct pue_chart_values pue_chart_axis_values(const struct pue_chart *c, unsigned max_steps);

/* The time tick for a span: the smallest of 1, 5, 15, 30 min, 1, 2, 3, 6,
 * 12 h, 1, 2, 7, 14, 30, 90, 365, 3650 days that puts fewer than max_ticks
 * ticks on the axis; ticks fall on whole multiples of it in Unix time. */
int64_t pue_chart_axis_time_step(int64_t span_ms, unsigned max_ticks);

/* A tick's label in UTC: "HH:MM" for a span of two days or less, "MM-DD"
 * up to 400 days, "YYYY-MM" beyond. */
void pue_chart_axis_time_label(int64_t t_ms, int64_t span_ms, char *buf, size_t len);

#endif
