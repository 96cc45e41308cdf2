/* SPDX-License-Identifier: MIT */
/*
 * test_svg_chart.c - the PUE curve as SVG: the polyline's points for a
 * known series, the ceiling and warning lines at their levels, a gap where
 * coverage supports no figure (never a value drawn there), escaping, the
 * time labels and the value axis (svg_chart.h, "Geometry": plot area
 * x 50..width-90, y 10..height-30).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "report/svg_chart.h"

#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

/* 600 x 200: the plot is x 50..510 (460 px), y 10..170 (160 px). Four
 * hours, a point an hour: 1.20, 1.21, no figure, 1.24. The axis runs
 * 1.19..1.26 (step 0.01), 160 px for 0.07. */
static const struct pue_chart_point four_hours[] = {
	{T0 + 1 * HOUR_MS, 1.20, true},
	{T0 + 2 * HOUR_MS, 1.21, true},
	{T0 + 3 * HOUR_MS, 1.50, false}, /* coverage too low: 1.50 must not show */
	{T0 + 4 * HOUR_MS, 1.24, true},
};

static char *
render(const struct pue_chart_point *p, size_t n, int64_t from, int64_t to, const char *title)
{
	struct pue_svg_chart c = {.chart = {.points = p,
					    .n = n,
					    .from_ms = from,
					    .to_ms = to,
					    .ceiling = 1.25,
					    .warning = 1.22,
					    .title = title},
				  .width_px = 600,
				  .height_px = 200};
	struct pue_buf b = PUE_BUF_INIT;
	char *svg;

	assert_int_equal(pue_svg_chart_render(&b, &c), 0);
	assert_non_null(svg = pue_buf_take(&b, NULL));
	return svg;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
has(const char *svg, const char *needle)
{
	if (strstr(svg, needle) == NULL)
		fail_msg("no \"%s\" in\n%s", needle, svg);
}

static void
test_svg_chart_polyline_points_of_known_series(void **state)
{
	char *svg = render(four_hours, 4, T0, T0 + 4 * HOUR_MS, NULL);

	(void)state;
	/* x = 50 + 460 h / 4; y = 170 - 160 (pue - 1.19) / 0.07 */
	has(svg, "points=\"165.0,147.1 280.0,124.3\"");
	assert_int_equal(count(svg, "<polyline"), 1);
	/* 1.24 alone after the gap: a point, not a line to the gap's far side */
	has(svg, "<circle class=\"pue-point\" cx=\"510.0\" cy=\"55.7\"");
	assert_int_equal(count(svg, "<svg "), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	free(svg);
}

static void
test_svg_chart_ceiling_and_warning_lines_at_their_levels(void **state)
{
	char *svg = render(four_hours, 4, T0, T0 + 4 * HOUR_MS, NULL);

	(void)state;
	/* y(1.25) = 170 - 160 * 0.06 / 0.07 = 32.857; y(1.22) = 101.429 */
	has(svg, "<line class=\"ceiling\" x1=\"50.0\" y1=\"32.9\" x2=\"510.0\" y2=\"32.9\"");
	has(svg, "<line class=\"warning\" x1=\"50.0\" y1=\"101.4\" x2=\"510.0\" y2=\"101.4\"");
	has(svg, ">ceiling 1.25</text>");
	has(svg, ">warning 1.22</text>");
	/* the value axis: 1.19 at the bottom, 1.26 at the top */
	has(svg, "y=\"174.0\" text-anchor=\"end\">1.19</text>");
	has(svg, "y=\"14.0\" text-anchor=\"end\">1.26</text>");
	free(svg);
}

static void
test_svg_chart_gap_is_shaded_and_never_drawn(void **state)
{
	char *svg = render(four_hours, 4, T0, T0 + 4 * HOUR_MS, NULL);

	(void)state;
	/* from the last figure before it (2 h) to the first after (4 h) */
	has(svg, "<rect class=\"gap\" x=\"280.0\" y=\"10.0\" width=\"230.0\" height=\"160.0\"");
	assert_int_equal(count(svg, "class=\"gap\""), 1);
	/* the 1.50 of the uncovered hour is nowhere: y(1.50) would be -538.6,
	 * and nothing is drawn at x 395 (3 h) */
	assert_null(strstr(svg, "395.0,"));
	assert_null(strstr(svg, "cx=\"395.0\""));
	assert_null(strstr(svg, "1.50"));
	free(svg);
}

static void
test_svg_chart_gaps_at_the_edges_and_nan(void **state)
{
	const struct pue_chart_point p[] = {
		{T0 + 1 * HOUR_MS, 0, false},	    {T0 + 2 * HOUR_MS, 1.20, true},
		{T0 + 3 * HOUR_MS, 1.21, true},	    {T0 + 4 * HOUR_MS, NAN, true},
		{T0 + 5 * HOUR_MS, INFINITY, true},
	};
	char *svg = render(p, 5, T0, T0 + 5 * HOUR_MS, NULL);

	(void)state;
	/* x = 50 + 92 h: the leading gap runs from the first point (1 h) to
	 * the first figure (2 h), the trailing one from the last figure (3 h)
	 * to the last point (5 h) */
	has(svg, "<rect class=\"gap\" x=\"142.0\" y=\"10.0\" width=\"92.0\"");
	has(svg, "<rect class=\"gap\" x=\"326.0\" y=\"10.0\" width=\"184.0\"");
	has(svg, "points=\"234.0,");
	assert_int_equal(count(svg, "<polyline"), 1);
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	free(svg);
}

static void
test_svg_chart_no_figure_draws_no_curve(void **state)
{
	const struct pue_chart_point p[] = {
		{T0 + 1 * HOUR_MS, 1.3, false},
		{T0 + 2 * HOUR_MS, 1.3, false},
	};
	char *svg = render(p, 2, T0, T0 + 2 * HOUR_MS, NULL);

	(void)state;
	assert_null(strstr(svg, "<polyline"));
	assert_null(strstr(svg, "<circle"));
	has(svg, "insufficient data");
	has(svg, "<line class=\"ceiling\"");
	free(svg);
	svg = render(NULL, 0, T0, T0 + 2 * HOUR_MS, NULL);
	has(svg, "insufficient data");
	free(svg);
}

static void
test_svg_chart_title_is_escaped(void **state)
{
	char *svg = render(four_hours, 4, T0, T0 + 4 * HOUR_MS, "hall <B> & \"C\" 'D'");

	(void)state;
	has(svg, "<title>hall &lt;B&gt; &amp; &quot;C&quot; &#39;D&#39;</title>");
	has(svg, "aria-label=\"hall &lt;B&gt; &amp; &quot;C&quot; &#39;D&#39;\"");
	assert_null(strstr(svg, "<B>"));
	free(svg);
}

static void
test_svg_chart_time_labels_in_utc(void **state)
{
	struct pue_chart_point p[31];
	char *svg;
	int i;

	(void)state;
	svg = render(four_hours, 4, T0, T0 + 4 * HOUR_MS, NULL);
	has(svg, ">00:00</text>");
	has(svg, ">04:00</text>");
	has(svg, ">UTC</text>");
	free(svg);
	/* 30 days: ticks a week apart (whole weeks of Unix time, Thursdays),
	 * as dates: 5, 12, 19 and 26 March */
	for (i = 0; i < 31; i++)
		p[i] = (struct pue_chart_point){T0 + i * DAY_MS, 1.2, true};
	svg = render(p, 31, T0, T0 + 30 * DAY_MS, NULL);
	has(svg, ">03-05</text>");
	has(svg, ">03-26</text>");
	assert_int_equal(count(svg, "class=\"time-label\""), 4 + 1);
	free(svg);
}

static void
test_svg_chart_value_axis_holds_high_values(void **state)
{
	const struct pue_chart_point p[] = {
		{T0 + 1 * HOUR_MS, 1.20, true},
		{T0 + 2 * HOUR_MS, 1.90, true},
	};
	char *svg = render(p, 2, T0, T0 + 2 * HOUR_MS, NULL);

	(void)state;
	/* 1.20..1.90 in steps of 0.2: axis 1.00..2.20; y(1.9) = 170 - 160 * 0.9 / 1.2 */
	has(svg, "points=\"280.0,143.3 510.0,50.0\"");
	has(svg, ">1.00</text>");
	has(svg, ">2.20</text>");
	free(svg);
}

static void
test_svg_chart_points_outside_the_axis_are_left_out(void **state)
{
	const struct pue_chart_point p[] = {
		{T0 - HOUR_MS, 3.0, true},
		{T0 + 1 * HOUR_MS, 1.20, true},
		{T0 + 2 * HOUR_MS, 1.21, true},
		{T0 + 9 * HOUR_MS, 3.0, true},
	};
	char *svg = render(p, 4, T0, T0 + 4 * HOUR_MS, NULL);

	(void)state;
	has(svg, "points=\"165.0,147.1 280.0,124.3\"");
	assert_null(strstr(svg, "3.00"));
	free(svg);
}

static void
test_svg_chart_bad_range_is_refused(void **state)
{
	struct pue_svg_chart c = {
		.chart = {.from_ms = T0, .to_ms = T0, .ceiling = 1.25, .warning = 1.22}};
	struct pue_buf b = PUE_BUF_INIT;

	(void)state;
	assert_int_equal(pue_svg_chart_render(&b, &c), -EINVAL);
	c.chart.to_ms = T0 + HOUR_MS;
	c.width_px = 100;
	assert_int_equal(pue_svg_chart_render(&b, &c), -EINVAL);
	assert_int_equal(b.len, 0);
	pue_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_chart_polyline_points_of_known_series),
		cmocka_unit_test(test_svg_chart_ceiling_and_warning_lines_at_their_levels),
		cmocka_unit_test(test_svg_chart_gap_is_shaded_and_never_drawn),
		cmocka_unit_test(test_svg_chart_gaps_at_the_edges_and_nan),
		cmocka_unit_test(test_svg_chart_no_figure_draws_no_curve),
		cmocka_unit_test(test_svg_chart_title_is_escaped),
		cmocka_unit_test(test_svg_chart_time_labels_in_utc),
		cmocka_unit_test(test_svg_chart_value_axis_holds_high_values),
		cmocka_unit_test(test_svg_chart_points_outside_the_axis_are_left_out),
		cmocka_unit_test(test_svg_chart_bad_range_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
