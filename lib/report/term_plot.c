/* SPDX-License-Identifier: MIT */
/* term_plot.c - a PUE curve in braille for the terminal; see term_plot.h. */
#include "report/term_plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_VALUE_STEPS 8
#define MAX_COLUMNS 1000
#define MAX_ROWS 500

#define SGR_CURVE "\033[34m"
#define SGR_CEILING "\033[31m"
#define SGR_WARNING "\033[33m"
#define SGR_RESET "\033[0m"

enum ink { INK_NONE, INK_WARNING, INK_CEILING, INK_CURVE };

/* The dot grid: cols x rows characters of 2 x 4 dots each. */
struct canvas {
	unsigned cols, rows, label_w, right_w;
	uint8_t *dots;	     /* braille bits per character */
	uint8_t *ink;	     /* enum ink per character, the strongest drawn there */
	char *axis;	     /* per column: 't' tick, 'g' gap, 0 plain */
	const char **labels; /* per row: the right-hand label, or NULL */
	uint8_t *label_ink;  /* per row: its enum ink */
	char (*left)[24];    /* per row: the value label */
	struct pue_chart_values v;
	int64_t from, to;
};

/* Unicode braille, U+2800 + bits: dot (x, y) of a character. */
static const uint8_t dot_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

static int
dot_x(const struct canvas *c, int64_t t)
{
	double w = 2.0 * c->cols - 1;

	return (int)lround((double)(t - c->from) * w / (double)(c->to - c->from));
}

static int
dot_y(const struct canvas *c, double pue)
{
	double h = 4.0 * c->rows - 1;

	return (int)lround((c->v.hi - pue) * h / (c->v.hi - c->v.lo));
}

static void
plot(struct canvas *c, int x, int y, enum ink ink)
{
	size_t i;

	if (x < 0 || y < 0 || x >= (int)(2 * c->cols) || y >= (int)(4 * c->rows))
		return;
	i = (size_t)(y / 4) * c->cols + (size_t)(x / 2);
	c->dots[i] |= dot_bit[y % 4][x % 2];
	if (ink > c->ink[i])
		c->ink[i] = ink;
}

/* Bresenham's line between two dots. */
static void
segment(struct canvas *c, int x0, int y0, int x1, int y1)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int e = dx + dy;

	for (;;) {
		int e2 = 2 * e; /* both tests on the error before this step */

		plot(c, x0, y0, INK_CURVE);
		if (x0 == x1 && y0 == y1)
			return;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

/* A level as a dotted line (every other dot for the ceiling, every fourth
 * for the warning, so the two differ without colour) and its label on the
 * first free row from its own downwards (or upwards at the bottom). */
static void
level(struct canvas *c, double value, enum ink ink, const char *label)
{
	int y = dot_y(c, value), x, r, every = ink == INK_CEILING ? 2 : 4;

	for (x = 0; x < (int)(2 * c->cols); x += every)
		plot(c, x, y, ink);
	for (r = y / 4; r < (int)c->rows && c->labels[r] != NULL; r++)
		;
	if (r == (int)c->rows)
		for (r = y / 4; r > 0 && c->labels[r] != NULL; r--)
			;
	if (c->labels[r] == NULL) {
		c->labels[r] = label;
		c->label_ink[r] = ink;
	}
}

/* A run of points with a value: a line from each to the next. */
static void
curve_run(void *arg, const struct pue_chart_point *p, size_t n)
{
	struct canvas *c = arg;
	size_t k;

	plot(c, dot_x(c, p[0].t_ms), dot_y(c, p[0].pue), INK_CURVE);
	for (k = 1; k < n; k++)
		segment(c, dot_x(c, p[k - 1].t_ms), dot_y(c, p[k - 1].pue), dot_x(c, p[k].t_ms),
			dot_y(c, p[k].pue));
}

/* A gap, marked on the axis (svg_chart.c shades the same span). */
static void
gap_mark(void *arg, int64_t from, int64_t to)
{
	struct canvas *c = arg;
	int x;

	for (x = dot_x(c, from) / 2; x <= dot_x(c, to) / 2; x++)
		c->axis[x] = 'g';
}

static void
value_labels(struct canvas *c)
{
	int k, r;

	for (k = 0; k <= MAX_VALUE_STEPS && k <= (c->v.hi - c->v.lo) / c->v.step + 0.5; k++) {
		double v = c->v.lo + k * c->v.step;

		r = dot_y(c, v) / 4;
		if (r >= 0 && r < (int)c->rows && c->left[r][0] == '\0')
			snprintf(c->left[r], sizeof(c->left[r]), "%.2f", v);
	}
	c->label_w = 4;
	for (r = 0; r < (int)c->rows; r++)
		if (strlen(c->left[r]) > c->label_w)
			c->label_w = (unsigned)strlen(c->left[r]);
}

static const char *
sgr(enum ink ink)
{
	static const char *const codes[] = {SGR_RESET, SGR_WARNING, SGR_CEILING, SGR_CURVE};

	return codes[ink];
}

static void
put_braille(struct pue_buf *b, uint8_t bits)
{
	char u[3] = {(char)0xE2, (char)(0xA0 | bits >> 6), (char)(0x80 | (bits & 0x3F))};

	pue_buf_append(b, u, 3);
}

static void
rows_out(struct pue_buf *b, const struct canvas *c, bool color)
{
	unsigned r, x;

	for (r = 0; r < c->rows; r++) {
		enum ink cur = INK_NONE;

		pue_buf_printf(b, "%*s %s", (int)c->label_w, c->left[r], c->left[r][0] ? "┤" : "│");
		for (x = 0; x < c->cols; x++) {
			size_t i = (size_t)r * c->cols + x;

			if (color && c->ink[i] != cur && c->dots[i] != 0) {
				cur = (enum ink)c->ink[i];
				pue_buf_puts(b, sgr(cur));
			}
			put_braille(b, c->dots[i]);
		}
		if (color && cur != INK_NONE)
			pue_buf_puts(b, SGR_RESET);
		if (c->labels[r] != NULL)
			pue_buf_printf(b, " %s%s%s", color ? sgr((enum ink)c->label_ink[r]) : "",
				       c->labels[r], color ? SGR_RESET : "");
		pue_buf_puts(b, "\n");
	}
}

/* The axis line and the time labels under it, each centred on its tick
 * where it does not run into the one before. */
static void
axis_out(struct pue_buf *b, struct canvas *c, bool gaps)
{
	int64_t span = c->to - c->from, step = pue_chart_axis_time_step(span, c->cols / 10), t;
	size_t width = c->label_w + 2 + c->cols;
	char *line = malloc(width + 5), label[32];
	unsigned x;
	int end = -1;

	if (line == NULL) {
		b->failed = true;
		return;
	}
	for (t = (c->from + step - 1) / step * step; t <= c->to; t += step)
		if (c->axis[dot_x(c, t) / 2] != 'g')
			c->axis[dot_x(c, t) / 2] = 't';
	pue_buf_printf(b, "%*s └", (int)c->label_w, "");
	for (x = 0; x < c->cols; x++)
		pue_buf_puts(b, c->axis[x] == 'g' ? "░" : c->axis[x] == 't' ? "┬" : "─");
	pue_buf_puts(b, "\n");
	memset(line, ' ', width);
	line[width] = '\0';
	for (t = (c->from + step - 1) / step * step; t <= c->to; t += step) {
		int at = (int)(c->label_w + 2) + dot_x(c, t) / 2, len, start;

		pue_chart_axis_time_label(t, span, label, sizeof(label));
		len = (int)strlen(label);
		start = at - len / 2;
		if (start + len > (int)width)
			start = (int)width - len;
		if (start <= end + 1)
			continue;
		memcpy(line + start, label, (size_t)len);
		end = start + len - 1;
	}
	/* right after the last label: within the right-hand labels' room */
	memcpy(line + end + 1, " UTC", 5);
	pue_buf_printf(b, "%s\n", line);
	if (gaps)
		pue_buf_printf(b, "%*s ░ no figure: too little coverage (or no IT load)\n",
			       (int)c->label_w, "");
	free(line);
}

/* The title, cut at the width (a UTF-8 sequence is kept whole). */
static void
title_out(struct pue_buf *b, const char *title, unsigned columns)
{
	size_t i, n = 0;

	for (i = 0; title[i] != '\0'; i++) {
		if (((unsigned char)title[i] & 0xC0) != 0x80 && n++ == columns)
			break;
		if ((unsigned char)title[i] < 0x20)
			break; /* one line */
	}
	pue_buf_append(b, title, i);
	pue_buf_puts(b, "\n");
}

int
pue_term_plot_render(struct pue_buf *out, const struct pue_term_plot *p)
{
	unsigned columns = p->columns ? p->columns : 80, rows = p->rows ? p->rows : 16, x;
	struct canvas c = {.rows = rows, .from = p->chart.from_ms, .to = p->chart.to_ms};
	char ceil_label[40], warn_label[40];
	bool gaps = false;
	int rc = 0;

	if (p->chart.to_ms <= p->chart.from_ms || columns < 40 || columns > MAX_COLUMNS ||
	    rows < 4 || rows > MAX_ROWS)
		return -EINVAL;
	c.v = pue_chart_axis_values(&p->chart, MAX_VALUE_STEPS);
	snprintf(ceil_label, sizeof(ceil_label), "ceiling %.2f", p->chart.ceiling);
	snprintf(warn_label, sizeof(warn_label), "warning %.2f", p->chart.warning);
	c.right_w = 1 + (unsigned)(strlen(ceil_label) > strlen(warn_label) ? strlen(ceil_label)
									   : strlen(warn_label));
	c.left = calloc(rows, sizeof(*c.left));
	c.labels = calloc(rows, sizeof(*c.labels));
	c.label_ink = calloc(rows, 1);
	if (c.left == NULL || c.labels == NULL || c.label_ink == NULL) {
		out->failed = true;
		goto out;
	}
	/* the value labels' width decides the plot's */
	c.cols = 1;
	value_labels(&c);
	memset(c.left, 0, rows * sizeof(*c.left));
	if (columns < c.label_w + 2 + c.right_w + 20) {
		rc = -EINVAL;
		goto out;
	}
	c.cols = columns - c.label_w - 2 - c.right_w;
	c.dots = calloc((size_t)rows * c.cols, 1);
	c.ink = calloc((size_t)rows * c.cols, 1);
	c.axis = calloc(c.cols, 1);
	if (c.dots == NULL || c.ink == NULL || c.axis == NULL) {
		out->failed = true;
		goto out;
	}
	value_labels(&c);
	level(&c, p->chart.ceiling, INK_CEILING, ceil_label);
	level(&c, p->chart.warning, INK_WARNING, warn_label);
	pue_chart_axis_each_run(&p->chart, curve_run, &c);
	pue_chart_axis_each_gap(&p->chart, gap_mark, &c);
	for (x = 0; x < c.cols; x++)
		gaps = gaps || c.axis[x] == 'g';
	if (p->chart.title != NULL)
		title_out(out, p->chart.title, columns);
	rows_out(out, &c, p->color);
	axis_out(out, &c, gaps);
out:
	free(c.left);
	free(c.labels);
	free(c.label_ink);
	free(c.dots);
	free(c.ink);
	free(c.axis);
	return rc;
}

bool
pue_term_plot_color_wanted(FILE *out)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fileno(out)) && (no == NULL || no[0] == '\0');
}
