/* SPDX-License-Identifier: MIT */
/* svg_chart.c - a PUE curve as inline SVG; see svg_chart.h. */
#include "report/svg_chart.h"

#include <errno.h>

#define LEFT 50
#define RIGHT 90
#define TOP 10
#define BOTTOM 30
#define MAX_VALUE_STEPS 8
#define MAX_TIME_TICKS 7

#define COLOR_LINE "#1f4e79"
#define COLOR_CEILING "#b03a2e"
#define COLOR_WARNING "#b9770e"
#define COLOR_TEXT "#333"
#define COLOR_GRID "#ddd"

/* The drawing's scales: pixels from time and from PUE. */
struct scale {
	double x0, x1, y0, y1; /* plot area: left, right, top, bottom */
	int64_t from, to;
	double lo, hi, step; /* value axis and its tick step */
};

static double
xpos(const struct scale *s, int64_t t)
{
	return s->x0 + (double)(t - s->from) * (s->x1 - s->x0) / (double)(s->to - s->from);
}

static double
ypos(const struct scale *s, double pue)
{
	return s->y1 - (pue - s->lo) * (s->y1 - s->y0) / (s->hi - s->lo);
}

static void
frame_and_grid(struct pue_buf *b, const struct scale *s)
{
	int64_t span = s->to - s->from, step = pue_chart_axis_time_step(span, MAX_TIME_TICKS), t;
	char label[32];
	int k;

	pue_buf_printf(b,
		       "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		       "height=\"%.1f\" fill=\"#fff\" stroke=\"#999\"/>\n",
		       s->x0, s->y0, s->x1 - s->x0, s->y1 - s->y0);
	for (k = 0; k <= MAX_VALUE_STEPS && k <= (s->hi - s->lo) / s->step + 0.5; k++) {
		double v = s->lo + k * s->step, y = ypos(s, v);

		pue_buf_printf(b,
			       "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			       "y2=\"%.1f\" stroke=\"" COLOR_GRID "\"/>\n",
			       s->x0, y, s->x1, y);
		pue_buf_printf(b,
			       "<text class=\"value-label\" x=\"%.1f\" y=\"%.1f\" "
			       "text-anchor=\"end\">%.2f</text>\n",
			       s->x0 - 4, y + 4, v);
	}
	for (t = (s->from + step - 1) / step * step; t <= s->to; t += step) {
		double x = xpos(s, t);

		pue_chart_axis_time_label(t, span, label, sizeof(label));
		pue_buf_printf(b,
			       "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			       "y2=\"%.1f\" stroke=\"#999\"/>\n",
			       x, s->y1, x, s->y1 + 4);
		pue_buf_printf(b,
			       "<text class=\"time-label\" x=\"%.1f\" y=\"%.1f\" "
			       "text-anchor=\"middle\">%s</text>\n",
			       x, s->y1 + 16, label);
	}
	pue_buf_printf(b, "<text class=\"time-label\" x=\"%.1f\" y=\"%.1f\">UTC</text>\n",
		       s->x1 + 22, s->y1 + 16);
}

/* What the callbacks draw on. */
struct draw {
	struct pue_buf *b;
	const struct scale *s;
	size_t runs; /* runs of points with a value drawn */
};

/* One gap, shaded, and said in words where it is wide enough for them. */
static void
gap_rect(void *arg, int64_t from, int64_t to)
{
	struct draw *d = arg;
	double x = xpos(d->s, from), w = xpos(d->s, to) - x;

	pue_buf_printf(d->b,
		       "<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		       "height=\"%.1f\" fill=\"#000\" fill-opacity=\"0.07\"/>\n",
		       x, d->s->y0, w, d->s->y1 - d->s->y0);
	if (w >= 56)
		pue_buf_printf(d->b,
			       "<text class=\"gap-label\" x=\"%.1f\" y=\"%.1f\" "
			       "text-anchor=\"middle\" fill=\"#777\">no figure</text>\n",
			       x + w / 2, d->s->y0 + 12);
}

static void
level_line(struct pue_buf *b, const struct scale *s, const char *cls, const char *color,
	   double level, double label_dy)
{
	double y = ypos(s, level);

	pue_buf_printf(b,
		       "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		       "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n",
		       cls, s->x0, y, s->x1, y, color);
	pue_buf_printf(
		b, "<text class=\"%s-label\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s %.2f</text>\n",
		cls, s->x1 + 6, y + 4 + label_dy, color, cls, level);
}

/* One polyline per run of points with a value; a run of one is a circle. */
static void
curve_run(void *arg, const struct pue_chart_point *p, size_t n)
{
	struct draw *d = arg;
	size_t k;

	d->runs++;
	if (n == 1) {
		pue_buf_printf(d->b,
			       "<circle class=\"pue-point\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
			       "fill=\"" COLOR_LINE "\"/>\n",
			       xpos(d->s, p->t_ms), ypos(d->s, p->pue));
		return;
	}
	pue_buf_puts(d->b, "<polyline class=\"pue-line\" fill=\"none\" stroke=\"" COLOR_LINE
			   "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"");
	for (k = 0; k < n; k++)
		pue_buf_printf(d->b, "%s%.1f,%.1f", k > 0 ? " " : "", xpos(d->s, p[k].t_ms),
			       ypos(d->s, p[k].pue));
	pue_buf_puts(d->b, "\"/>\n");
}

int
pue_svg_chart_render(struct pue_buf *out, const struct pue_svg_chart *c)
{
	unsigned w = c->width_px ? c->width_px : PUE_SVG_CHART_WIDTH;
	unsigned h = c->height_px ? c->height_px : PUE_SVG_CHART_HEIGHT;
	struct scale s = {.x0 = LEFT, .x1 = w - RIGHT, .y0 = TOP, .y1 = h - BOTTOM};
	struct draw d = {.b = out, .s = &s};
	struct pue_chart_values v;
	double gap_px;

	if (c->chart.to_ms <= c->chart.from_ms || w < 200 || h < 100)
		return -EINVAL;
	s.from = c->chart.from_ms;
	s.to = c->chart.to_ms;
	v = pue_chart_axis_values(&c->chart, MAX_VALUE_STEPS);
	s.lo = v.lo;
	s.hi = v.hi;
	s.step = v.step;
	pue_buf_printf(
		out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pue-chart\" width=\"%u\" "
		"height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" font-family=\"sans-serif\" "
		"font-size=\"11\" fill=\"" COLOR_TEXT "\"",
		w, h, w, h);
	if (c->chart.title != NULL) {
		pue_buf_puts(out, " aria-label=\"");
		pue_buf_put_escaped(out, c->chart.title);
		pue_buf_puts(out, "\">\n<title>");
		pue_buf_put_escaped(out, c->chart.title);
		pue_buf_puts(out, "</title>\n");
	} else
		pue_buf_puts(out, ">\n");
	frame_and_grid(out, &s);
	pue_chart_axis_each_gap(&c->chart, gap_rect, &d);
	/* Labels closer than a line of text apart: the warning's goes below. */
	gap_px = ypos(&s, c->chart.warning) - ypos(&s, c->chart.ceiling);
	level_line(out, &s, "ceiling", COLOR_CEILING, c->chart.ceiling, 0);
	level_line(out, &s, "warning", COLOR_WARNING, c->chart.warning,
		   gap_px < 12 ? 12 - gap_px : 0);
	pue_chart_axis_each_run(&c->chart, curve_run, &d);
	if (d.runs == 0)
		pue_buf_printf(
			out,
			"<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"middle\">insufficient data: no figure to draw</text>\n",
			(s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2);
	pue_buf_puts(out, "</svg>\n");
	return 0;
}
