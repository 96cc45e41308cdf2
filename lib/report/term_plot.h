/* SPDX-License-Identifier: MIT */
/*
 * term_plot.h - a PUE curve drawn in the terminal for `puectl history
 * --plot`: Unicode braille (2 x 4 dots a character), the ceiling and
 * warning levels as dotted lines labelled on the right, the time axis
 * below with the gaps marked, all within the given width (80 columns by
 * default). As svg_chart.h, a point whose coverage supports no figure is
 * never drawn as a value (the curve breaks, the axis shows the gap), and
 * the scales are chart_axis.h's. Colour (ANSI SGR) only when asked for.
 * Pure functions except pue_term_plot_color_wanted(); any thread.
 */
#ifndef PUE_TERM_PLOT_H
#define PUE_TERM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "report/chart_axis.h"

struct pue_term_plot {
	struct pue_chart chart; /* its title is a first line, cut at the width */
	unsigned columns;	/* every line's width at most: 0 for 80; at least 40 */
	unsigned rows;		/* rows of the plot itself: 0 for 16; at least 4 */
	bool color;		/* curve, ceiling and warning in colour */
};

/* Appends the plot, every line ending in "\n". Returns 0, or -EINVAL when
 * to_ms <= from_ms or the size is below the minimum (nothing appended).
 * Running out of memory shows in pue_buf_failed(out). */
int pue_term_plot_render(struct pue_buf *out, const struct pue_term_plot *p);

/* Whether to colour what goes to out: a terminal, and NO_COLOR unset or
 * empty (no-color.org). */
bool pue_term_plot_color_wanted(FILE *out);

#endif
