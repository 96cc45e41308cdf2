/* SPDX-License-Identifier: MIT */
/*
 * test_term_plot.c - `puectl history --plot`'s drawing: the golden output
 * for a fixed series (a ramp through the warning level and the ceiling,
 * with four hours that have no figure), every line within 80 columns, no
 * escape sequence unless colour is asked for, colour that changes nothing
 * but the escapes, and the colour decision (a terminal, NO_COLOR unset).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "report/term_plot.h"

#define T0 1772323200000LL /* 2026-03-01T00:00:00Z */
#define HOUR_MS 3600000LL

/* 48 hourly figures from 1.180 up by 0.002 an hour; hours 21 to 24 (the
 * 20th to the 23rd point) have too little coverage for a figure. */
static void
ramp(struct pue_chart_point p[48])
{
	int i;

	for (i = 0; i < 48; i++)
		p[i] = (struct pue_chart_point){T0 + (i + 1) * HOUR_MS, 1.18 + 0.002 * i,
						!(i >= 20 && i < 24)};
}

static char *
render(bool color, unsigned columns)
{
	struct pue_chart_point p[48];
	struct pue_term_plot tp = {
		.chart = {.points = p,
			  .n = 48,
			  .from_ms = T0,
			  .to_ms = T0 + 48 * HOUR_MS,
			  .ceiling = 1.25,
			  .warning = 1.22,
			  .title = "PUE 1h, 2026-03-01T00:00Z to 2026-03-03T00:00Z"},
		.columns = columns,
		.rows = 8,
		.color = color};
	struct pue_buf b = PUE_BUF_INIT;

	ramp(p);
	assert_int_equal(pue_term_plot_render(&b, &tp), 0);
	return pue_buf_take(&b, NULL);
}

/* Reviewed by eye: the ramp crosses the dotted warning line (every fourth
 * dot) and the ceiling (every other dot), breaks over the hours without a
 * figure (░ on the axis), and the labels name both levels. */
static const char golden[] =
	"PUE 1h, 2026-03-01T00:00Z to 2026-03-03T00:00Z\n"
	"1.30 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀\n"
	"1.28 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⣀⡠⠤⠤\n"
	"1.26 ┤⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⡀⣀⣀⡠⡤⡤⡒⡒⡊⡉⡉⡉⡀⡀⡀⡀⡀ ceiling 1.25\n"
	"1.24 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⣀⣀⣀⠤⠤⠔⠒⠒⠉⠉⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀\n"
	"1.22 ┤⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⣀⣄⣀⡤⠄⠄⠀⠄⠀⠄⠈⠅⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄⠀⠄ warning 1.22\n"
	"1.20 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⢀⣀⣀⣀⡠⠤⠤⠒⠒⠊⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀\n"
	"1.18 ┤⠀⢀⠤⠤⠔⠒⠒⠉⠉⠁⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀\n"
	"1.16 ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀\n"
	"     └┬──────────────┬─────────░░░░░░░─────────────┬──────────────┬\n"
	"    00:00          12:00          00:00          12:00        00:00 UTC\n"
	"     ░ no figure: too little coverage (or no IT load)\n";

static void
test_term_plot_golden_ramp(void **state)
{
	char *got = render(false, 0);

	(void)state;
	if (strcmp(got, golden) != 0)
		fail_msg("plot differs from the golden one; got:\n%s", got);
	free(got);
}

/* Display columns of a UTF-8 line: every code point drawn here (braille,
 * box drawing, shade) is one column wide. */
static size_t
columns_of(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static void
test_term_plot_fits_the_width(void **state)
{
	unsigned widths[] = {80, 60, 132}, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		char *got = render(false, widths[k]), *line = got, *nl;
		size_t widest = 0;

		while ((nl = strchr(line, '\n')) != NULL) {
			size_t w = columns_of(line, (size_t)(nl - line));

			widest = w > widest ? w : widest;
			assert_true(w <= widths[k]);
			line = nl + 1;
		}
		/* the plot rows take the whole width */
		assert_int_equal(widest, widths[k]);
		free(got);
	}
}

static void
strip_sgr(char *s)
{
	char *w = s;

	while (*s != '\0') {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s != '\0' && *s != 'm')
				s++;
			if (*s == 'm')
				s++;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}

static void
test_term_plot_colour_only_when_asked(void **state)
{
	char *plain = render(false, 0), *color = render(true, 0);

	(void)state;
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(color, "\033[31m")); /* the ceiling */
	assert_non_null(strstr(color, "\033[33m")); /* the warning level */
	assert_non_null(strstr(color, "\033[34m")); /* the curve */
	strip_sgr(color);
	assert_string_equal(color, plain);
	free(plain);
	free(color);
}

static void
test_term_plot_colour_wanted_on_a_terminal_without_no_color(void **state)
{
	int fds[2], master;
	FILE *pipe_end, *tty;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_non_null(pipe_end = fdopen(fds[1], "w"));
	unsetenv("NO_COLOR");
	assert_false(pue_term_plot_color_wanted(pipe_end)); /* puectl history --plot | less */
	fclose(pipe_end);
	close(fds[0]);

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0)
		skip(); /* no pseudo-terminals here (a build chroot) */
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	assert_non_null(tty = fopen(ptsname(master), "w"));
	assert_true(pue_term_plot_color_wanted(tty));
	setenv("NO_COLOR", "1", 1);
	assert_false(pue_term_plot_color_wanted(tty));
	setenv("NO_COLOR", "", 1); /* no-color.org: set and not empty */
	assert_true(pue_term_plot_color_wanted(tty));
	unsetenv("NO_COLOR");
	fclose(tty);
	close(master);
}

static void
test_term_plot_long_title_is_cut_at_the_width(void **state)
{
	char title[200];
	struct pue_term_plot tp = {.chart = {.from_ms = T0,
					     .to_ms = T0 + HOUR_MS,
					     .ceiling = 1.25,
					     .warning = 1.22,
					     .title = title}};
	struct pue_buf b = PUE_BUF_INIT;

	(void)state;
	memset(title, 'x', 150);
	memcpy(title + 78, "é", 2); /* two bytes, one column: the 79th */
	title[150] = '\0';
	assert_int_equal(pue_term_plot_render(&b, &tp), 0);
	/* 78 x, é, one more x: 80 columns in 81 bytes */
	assert_int_equal(strchr(b.data, '\n') - b.data, 81);
	assert_memory_equal(b.data + 78, "éx\n", 4);
	pue_buf_free(&b);
	/* a title is one line */
	memcpy(title + 10, "\n", 1);
	assert_int_equal(pue_term_plot_render(&b, &tp), 0);
	assert_int_equal(strchr(b.data, '\n') - b.data, 10);
	pue_buf_free(&b);
}

static void
test_term_plot_nothing_to_draw_and_bad_sizes(void **state)
{
	struct pue_term_plot tp = {
		.chart = {.from_ms = T0, .to_ms = T0 + HOUR_MS, .ceiling = 1.25, .warning = 1.22}};
	struct pue_buf b = PUE_BUF_INIT;

	(void)state;
	assert_int_equal(pue_term_plot_render(&b, &tp), 0);
	assert_non_null(strstr(b.data, "ceiling 1.25"));
	assert_null(strstr(b.data, "no figure")); /* no point, no gap */
	pue_buf_free(&b);
	tp.columns = 39;
	assert_int_equal(pue_term_plot_render(&b, &tp), -EINVAL);
	tp.columns = 0;
	tp.rows = 3;
	assert_int_equal(pue_term_plot_render(&b, &tp), -EINVAL);
	tp.rows = 0;
	tp.chart.to_ms = T0;
	assert_int_equal(pue_term_plot_render(&b, &tp), -EINVAL);
	assert_int_equal(b.len, 0);
	pue_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_plot_golden_ramp),
		cmocka_unit_test(test_term_plot_fits_the_width),
		cmocka_unit_test(test_term_plot_colour_only_when_asked),
		cmocka_unit_test(test_term_plot_colour_wanted_on_a_terminal_without_no_color),
		cmocka_unit_test(test_term_plot_long_title_is_cut_at_the_width),
		cmocka_unit_test(test_term_plot_nothing_to_draw_and_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
