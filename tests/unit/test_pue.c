/* SPDX-License-Identifier: MIT */
/*
 * test_pue.c - the PUE arithmetic end to end through the engine (energy ->
 * minutes -> windows) on a manual clock: worked examples 1, 2, 5, 6 and 7 of
 * ../shared/PUE.md, subtraction, zero IT load, and window sums in O(1).
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

#include "util/clock.h"
#include "core/combine.h"
#include "engine/engine.h"
#include "engine/engine_resume.h"
#include "core/figure.h"
#include "store/store.h"
#include "store/store_config.h"
#include "core/window.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z, a whole hour */
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

/* A hand-built configuration: n devices with one kW power point each; the
 * first n_fac are facility terms (the last of them subtracted when
 * subtract_last), the rest IT terms at the given locations. */
struct fixture {
	struct pue_config cfg;
	struct pue_device_conf dev[4];
	struct pue_point_conf pt[4];
	struct pue_term fac[4], it[4];
	int64_t windows[3];
	struct pue_clock *clock;
	struct pue_engine *engine;
};

static struct fixture *
fixture_new(size_t n_fac, size_t n_it, const enum pue_it_location *at, bool subtract_last,
	    const int64_t *windows, size_t n_windows)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t i;

	assert_non_null(f);
	f->cfg.site = "test";
	f->cfg.devices = f->dev;
	f->cfg.n_devices = n_fac + n_it;
	for (i = 0; i < n_fac + n_it; i++) {
		f->pt[i] = (struct pue_point_conf){
			.name = "p",
			.num = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1}};
		if (i >= n_fac)
			f->pt[i].num.measured_at = at[i - n_fac];
		f->dev[i] = (struct pue_device_conf){.name = "d",
						     .poll_interval_ms = 1000,
						     .timeout_ms = 1000,
						     .points = &f->pt[i],
						     .n_points = 1};
	}
	for (i = 0; i < n_fac; i++)
		f->fac[i] = (struct pue_term){i, 0, subtract_last && i == n_fac - 1 ? -1 : +1};
	for (i = 0; i < n_it; i++)
		f->it[i] = (struct pue_term){n_fac + i, 0, +1};
	f->cfg.pue.facility = (struct pue_sum){f->fac, n_fac};
	f->cfg.pue.it = (struct pue_sum){f->it, n_it};
	for (i = 0; i < n_windows; i++)
		f->windows[i] = windows[i];
	f->cfg.pue.windows_ms = f->windows;
	f->cfg.pue.n_windows = n_windows;
	f->cfg.pue.ceiling = 1.25;
	f->cfg.pue.warning = 1.22;
	f->cfg.pue.min_coverage = 0.95;
	f->clock = pue_clock_new_manual((pue_wall_t){T0});
	f->engine = pue_engine_new(&f->cfg, f->clock, NULL, NULL);
	assert_non_null(f->engine);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	pue_engine_free(f->engine);
	pue_clock_free(f->clock);
	free(f);
}

/* Feeds one sample per device each second over [from_s, to_s], at the
 * given powers; skip_dev's samples strictly inside (skip_from, skip_to) are
 * left out (a gap). */
static void
feed(struct fixture *f, int64_t from_s, int64_t to_s, const double *kw, int skip_dev,
     int64_t skip_from, int64_t skip_to)
{
	int64_t t;
	size_t d;

	for (t = from_s; t <= to_s; t++) {
		pue_clock_advance(f->clock, T0 + t * 1000 - pue_clock_wall(f->clock).ms);
		for (d = 0; d < f->cfg.n_devices; d++) {
			struct pue_reading r = {.wall = {T0 + t * 1000}, .value = kw[d]};

			if ((int)d == skip_dev && t > skip_from && t < skip_to)
				continue;
			pue_engine_reading(f->engine, d, 0, &r, NULL);
		}
		pue_engine_tick(f->engine);
	}
}

static const enum pue_it_location ups[] = {PUE_AT_UPS_OUTPUT, PUE_AT_UPS_OUTPUT, PUE_AT_PDU_OUTPUT};

static void
test_pue_example1_steady_state_is_1_200(void **state)
{
	const int64_t w[] = {15 * MIN_MS, HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 2);
	const double kw[] = {960, 800};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 3600, kw, -1, 0, 0);
	fig = pue_engine_window(f->engine, 1);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.facility - 960.0) < 1e-6);
	assert_true(fabs(fig.it - 800.0) < 1e-6);
	assert_true(fabs(fig.pue - 1.2) < 1e-9);
	assert_true(fabs(fig.coverage - 1.0) < 1e-9);
	fig = pue_engine_window(f->engine, 0);
	assert_true(fabs(fig.facility - 240.0) < 1e-6);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.pue - 1.2) < 1e-12);
	fixture_free(f);
}

static void
test_pue_example2_ratio_of_energies_not_mean_of_ratios(void **state)
{
	const int64_t w[] = {2 * HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	const double h1[] = {1300, 1000}, h2[] = {360, 200};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 3600, h1, -1, 0, 0);
	feed(f, 3601, 7200, h2, -1, 0, 0);
	fig = pue_engine_window(f->engine, 0);
	/* 1660 / 1200 = 1.3833; the mean of ratios (1.55) would be wrong.
	 * The one-second step between the hours is a trapezoid: 1e-3 slack. */
	assert_true(fabs(fig.pue - 1660.0 / 1200.0) < 1e-3);
	assert_true(fabs(fig.pue - 1.55) > 0.1);
	assert_int_equal(fig.state, PUE_FIG_CEILING);
	fixture_free(f);
}

static void
test_pue_example5_gap_coverage_15m_insufficient_1h_covered(void **state)
{
	const int64_t w[] = {15 * MIN_MS, HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 2);
	const double kw[] = {960, 800};
	struct pue_figure fig;

	(void)state;
	f->pt[1].num.max_gap_ms = 3000;
	/* IT samples at 100 s and 160 s, none between */
	feed(f, 0, 900, kw, 1, 100, 160);
	fig = pue_engine_window(f->engine, 0);
	assert_int_equal(fig.state, PUE_FIG_INSUFFICIENT);
	assert_true(fabs(fig.coverage - 840.0 / 900.0) < 1e-9);
	assert_false(pue_figure_has_value(&fig));
	feed(f, 901, 3600, kw, -1, 0, 0);
	fig = pue_engine_window(f->engine, 1);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.coverage - 3540.0 / 3600.0) < 1e-9);
	/* both sums over the same 3540 s */
	assert_true(fabs(fig.facility - 960.0 * 3540 / 3600) < 1e-6);
	assert_true(fabs(fig.it - 800.0 * 3540 / 3600) < 1e-6);
	assert_true(fabs(fig.pue - 1.2) < 1e-9);
	fixture_free(f);
}

static void
test_pue_example6_category_is_lowest_of_it_points(void **state)
{
	const int64_t w[] = {HOUR_MS};
	struct fixture *f = fixture_new(1, 3, ups, false, w, 1);

	(void)state;
	/* two UPS outputs and a PDU output: category 1 */
	assert_int_equal(pue_engine_category(f->engine), 1);
	assert_int_equal(pue_config_category(&f->cfg, &f->cfg.pue.it), 1);
	f->pt[1].num.measured_at = f->pt[2].num.measured_at = PUE_AT_PDU_OUTPUT;
	assert_int_equal(pue_config_category(&f->cfg, &f->cfg.pue.it), 2);
	f->pt[1].num.measured_at = f->pt[2].num.measured_at = f->pt[3].num.measured_at =
		PUE_AT_IT_INPUT;
	assert_int_equal(pue_config_category(&f->cfg, &f->cfg.pue.it), 3);
	fixture_free(f);
}

static void
test_pue_example7_below_one_is_a_metering_error(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	const double kw[] = {700, 800};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 900, kw, -1, 0, 0);
	fig = pue_engine_window(f->engine, 0);
	assert_int_equal(fig.state, PUE_FIG_BELOW_ONE);
	assert_true(fabs(fig.pue - 0.875) < 1e-9);
	assert_false(pue_figure_has_value(&fig));
	assert_string_equal(pue_figure_state_name(fig.state), "below_one");
	fixture_free(f);
}

static void
test_pue_zero_it_load_never_divides(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	const double kw[] = {50, 0};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 900, kw, -1, 0, 0);
	fig = pue_engine_window(f->engine, 0);
	assert_int_equal(fig.state, PUE_FIG_NO_IT_LOAD);
	assert_false(pue_figure_has_value(&fig));
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_NO_IT_LOAD);
	fixture_free(f);
}

static void
test_pue_subtracted_feed_comes_off_the_facility(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	/* incomer 1000 kW minus an office feed of 40 kW, IT 800 kW */
	struct fixture *f = fixture_new(2, 1, ups, true, w, 1);
	const double kw[] = {1000, 40, 800};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 900, kw, -1, 0, 0);
	fig = pue_engine_window(f->engine, 0);
	assert_true(fabs(fig.pue - 1.2) < 1e-9);
	fixture_free(f);
}

static void
test_pue_missing_input_leaves_instant_without_a_number(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	const double kw[] = {960, 800};
	struct pue_figure fig;

	(void)state;
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_UNKNOWN);
	feed(f, 0, 5, kw, -1, 0, 0);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.coverage - 1) < 1e-9);
	/* IT stops reporting: after the freshness limit the instant covers
	 * only the facility's 960 of 1760 kW (combine.h: by power). */
	feed(f, 6, 66, kw, 1, 5, 100);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_INSUFFICIENT);
	assert_true(fabs(fig.coverage - 960.0 / 1760) < 1e-6);
	assert_false(pue_figure_has_value(&fig));
	fixture_free(f);
}

static void
test_pue_zone_ppue_is_it_plus_infrastructure_over_it(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	/* device 0: incomer 1000 kW; 1: hall IT 800 kW; 2: hall cooling 120 kW */
	struct fixture *f = fixture_new(1, 2, ups, false, w, 1);
	const double kw[] = {1000, 800, 120};
	struct pue_term zit = {1, 0, +1}, zinfra = {2, 0, +1};
	struct pue_zone_conf zone = {
		.name = "hall-1", .it = {&zit, 1}, .infrastructure = {&zinfra, 1}};
	struct pue_figure fig;

	(void)state;
	/* the PUE's IT side is device 1 alone in this case */
	f->cfg.pue.it.n_terms = 1;
	f->cfg.pue.zones = &zone;
	f->cfg.pue.n_zones = 1;
	pue_engine_free(f->engine);
	f->engine = pue_engine_new(&f->cfg, f->clock, NULL, NULL);
	assert_non_null(f->engine);
	feed(f, 0, 900, kw, -1, 0, 0);
	fig = pue_engine_zone_window(f->engine, 0, 0);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.pue - 920.0 / 800.0) < 1e-9);
	fig = pue_engine_window(f->engine, 0);
	assert_true(fabs(fig.pue - 1000.0 / 800.0) < 1e-9);
	fixture_free(f);
}

/* A window the engine cannot make is refused with the reason: every
 * failure of pue_engine_new() read "engine: out of memory", which is what
 * pued said for pue.windows: [90s, ...] (the loader refuses it now, but a
 * configuration built by hand still reaches here). */
static void
test_pue_engine_refuses_window_not_whole_minutes(void **state)
{
	const int64_t w[] = {15 * MIN_MS, 24 * HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 2);
	struct pue_err err = {0};

	(void)state;
	f->windows[0] = 90 * 1000;
	assert_null(pue_engine_new(&f->cfg, f->clock, NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "window 90s is not a whole number of minutes (windows sum "
				     "whole minutes: 1m or 2m)");
	f->windows[0] = 30 * 1000;
	assert_null(pue_engine_new(&f->cfg, f->clock, NULL, &err));
	assert_string_equal(err.msg, "window 30s is shorter than a minute (windows sum whole "
				     "minutes: 1m at least)");
	fixture_free(f);
}

static void
test_window_drops_minutes_older_than_its_span(void **state)
{
	struct pue_window *w = pue_window_new(15 * MIN_MS);
	double fac, it;
	int64_t cov, period;
	int i;

	(void)state;
	for (i = 0; i < 30; i++) {
		struct pue_minute m = {T0 + i * MIN_MS, i < 15 ? 100 : 12, 10, MIN_MS};

		pue_window_add(w, &m);
	}
	pue_window_sums(w, &fac, &it, &cov, &period);
	assert_true(fabs(fac - 15 * 12) < 1e-9);
	assert_int_equal(cov, 15 * MIN_MS);
	assert_int_equal(period, 15 * MIN_MS);
	/* a 20-minute silence, then one minute: only it is in the window */
	{
		struct pue_minute m = {T0 + 50 * MIN_MS, 7, 5, MIN_MS};

		pue_window_add(w, &m);
	}
	pue_window_sums(w, &fac, &it, &cov, &period);
	assert_true(fabs(fac - 7) < 1e-9);
	assert_int_equal(cov, MIN_MS);
	pue_window_free(w);
}

static void
test_window_long_span_uses_hourly_buckets(void **state)
{
	struct pue_window *w = pue_window_new(7 * 24 * HOUR_MS);
	double fac, it;
	int64_t cov, period;
	int i;

	(void)state;
	/* 8 days of minutes: the window keeps 7 days plus the hour in progress */
	for (i = 0; i < 8 * 24 * 60 + 30; i++) {
		struct pue_minute m = {T0 + i * MIN_MS, 1.2, 1.0, MIN_MS};

		pue_window_add(w, &m);
	}
	pue_window_sums(w, &fac, &it, &cov, &period);
	assert_int_equal(period, 7 * 24 * HOUR_MS + 30 * MIN_MS);
	assert_int_equal(cov, period);
	assert_true(fabs(fac / it - 1.2) < 1e-9);
	pue_window_free(w);
}

/* After a restart the windows resume from the stored minutes, and end
 * now, not at the last stored minute: a 15m window three hours after its
 * minutes has none of them, so no figure, not the old one in full. */
static void
test_pue_resume_after_downtime_leaves_it_uncovered(void **state)
{
	const int64_t w[] = {15 * MIN_MS, 4 * HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 2);
	char dir[] = "/tmp/pued-resume.XXXXXX", path[64], cmd[96];
	struct pue_store *st;
	struct pue_engine *e;
	struct pue_figure fig;
	struct pue_err err;
	int64_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pued.db", dir);
	f->cfg.storage = (struct pue_storage_conf){.path = path,
						   .raw_retention_ms = 24 * HOUR_MS,
						   .minute_retention_ms = 400 * 24 * HOUR_MS,
						   .disk_budget_bytes = UINT64_C(1) << 30,
						   .flush_interval_ms = 1000};
	assert_non_null(st = pue_store_config_open(path, &f->cfg, &err));
	for (i = 0; i < 20; i++) { /* 20 minutes at 1200 / 1000 kW */
		struct pue_minute m = {T0 + i * MIN_MS, 20.0, 1000.0 / 60, MIN_MS};

		assert_int_equal(pue_store_add_minute(st, &m, 1), 0);
	}
	assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, &err), 0);
	pue_clock_advance(f->clock, 20 * MIN_MS + 3 * HOUR_MS);
	assert_non_null(e = pue_engine_new(&f->cfg, f->clock, st, &err));
	assert_true(pue_engine_resume(e, true, &err) >= 0);
	fig = pue_engine_window(e, 0);
	assert_int_equal(fig.state, PUE_FIG_INSUFFICIENT);
	assert_true(fig.coverage < 0.01);
	/* the 4h window holds the 20 minutes, over its whole span */
	fig = pue_engine_window(e, 1);
	assert_true(fabs(fig.coverage - 20.0 / 240) < 0.01);
	pue_engine_free(e);
	pue_store_close(st);
	fixture_free(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* PUE.md worked example 9: facility 1250 kW, IT 1000 kW for 24 h. The
 * 24h window and the instant show 1.250: above the warning level 1.22, at
 * the ceiling, never above it. */
static void
test_pue_example9_at_the_line_is_not_above_the_ceiling(void **state)
{
	const int64_t w[] = {15 * MIN_MS, 24 * HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 2);
	const double kw[] = {1250, 1000};
	struct pue_figure fig;
	size_t i;

	(void)state;
	feed(f, 0, 24 * 3600, kw, -1, 0, 0);
	for (i = 0; i < 2; i++) {
		fig = pue_engine_window(f->engine, i);
		assert_int_equal(pue_figure_milli(fig.pue), 1250);
		assert_int_equal(fig.state, PUE_FIG_WARNING);
		assert_true(fig.coverage >= 0.999);
	}
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_WARNING);
	fixture_free(f);
}

/* The fixture's points as float32 kWh counters (a register near
 * 100,000 kWh: 7.8125 Wh steps) instead of power points. */
static void
make_counters(struct fixture *f)
{
	size_t i;

	pue_engine_free(f->engine);
	for (i = 0; i < f->cfg.n_devices; i++) {
		f->pt[i].num.kind = PUE_KIND_ENERGY;
		f->pt[i].num.unit = PUE_UNIT_KWH;
		f->pt[i].type = PUE_T_FLOAT32;
	}
	f->engine = pue_engine_new(&f->cfg, f->clock, NULL, NULL);
	assert_non_null(f->engine);
}

/* One reading of every counter at second t, each polled ph_ms into its
 * second, drawing kw[d] since 0 from 100,000 + 13 d kWh. */
static void
feed_counters(struct fixture *f, int64_t t, const double *kw)
{
	size_t d;

	for (d = 0; d < f->cfg.n_devices; d++) {
		int64_t ms = t * 1000 + (int64_t)d * 250;
		float v = (float)(100000.0 + 13.0 * (double)d + kw[d] * (double)ms / 3.6e6);
		struct pue_reading r = {.wall = {T0 + ms}, .value = v, .raw = {.value = v}};

		pue_clock_advance(f->clock, T0 + ms - pue_clock_wall(f->clock).ms);
		pue_engine_reading(f->engine, d, 0, &r, NULL);
	}
	pue_engine_tick(f->engine);
}

/* Example 9 again, read from coarse counters alone: an incomer of
 * 1000 kW and two UPS outputs of 400 kW on float32 kWh registers (their
 * power over 10 s of steps wandered by tenths of a percent, flipping a
 * steady 1.25 between warning and above the ceiling). The live figure
 * warms up (at most 150 s, counter_rate.h), then shows 1.250, at the
 * ceiling, from its first number on, every second for 15 minutes. */
static void
test_pue_live_figure_from_coarse_counters_holds_the_line(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	struct fixture *f = fixture_new(1, 2, ups, false, w, 1);
	const double kw[] = {1000, 400, 400};
	struct pue_figure fig;
	bool warm = false;
	int64_t t;

	(void)state;
	make_counters(f);
	feed_counters(f, 0, kw);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_WARMING_UP);
	assert_false(pue_figure_has_value(&fig));
	for (t = 1; t <= 900; t++) {
		feed_counters(f, t, kw);
		fig = pue_engine_instant(f->engine);
		if (fig.state == PUE_FIG_WARMING_UP && t <= 150 && !warm)
			continue;
		warm = true;
		if (fig.state != PUE_FIG_WARNING || pue_figure_milli(fig.pue) != 1250 ||
		    fig.coverage < 1)
			fail_msg("at %lld s: %s %.6f (coverage %.4f)", (long long)t,
				 pue_figure_state_name(fig.state), fig.pue, fig.coverage);
	}
	fixture_free(f);
}

/* A missing input weighs its power: a 30 kW PDU of 1830 kW in all leaves
 * the live figure 98.4 % covered, shown (above pue.min_coverage), its side
 * scaled by what it covers: 1000 / 830 (PUE.md's labelled estimate). The
 * incomer missing (and the PDU back) leaves 830 of 1830 kW: no number. */
static void
test_pue_live_coverage_weighs_the_missing_power(void **state)
{
	const int64_t w[] = {15 * MIN_MS};
	struct fixture *f = fixture_new(1, 2, ups, false, w, 1);
	const double kw[] = {1000, 800, 30};
	struct pue_figure fig;

	(void)state;
	feed(f, 0, 10, kw, -1, 0, 0);
	feed(f, 11, 70, kw, 2, 10, 100);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_OK);
	assert_true(fabs(fig.coverage - 1800.0 / 1830) < 1e-6);
	assert_true(fabs(fig.pue - 1000.0 / 830) < 1e-9);
	feed(f, 71, 130, kw, 0, 70, 200);
	fig = pue_engine_instant(f->engine);
	assert_int_equal(fig.state, PUE_FIG_INSUFFICIENT);
	assert_true(fabs(fig.coverage - 830.0 / 1830) < 1e-6);
	fixture_free(f);
}

/* fuzz_engine found it: a counter that escalated to 1e293 kW (each
 * interval within ten times the last, so plausible) was scaled by its
 * side's covered share as f x all / fresh, which overflowed into an
 * infinite PUE shown as a number. Scaled as f x (all / fresh) it stays in
 * range, and a sum beyond the double's range is no number at all. */
static void
test_pue_live_sums_beyond_range_are_no_number(void **state)
{
	struct pue_term fac[] = {{0, 0, +1}, {1, 0, +1}}, it[] = {{2, 0, +1}};
	struct pue_sum fs = {fac, 2}, is = {it, 1};
	struct pue_combine *c = pue_combine_new(&fs, &is, (pue_wall_t){T0});
	struct pue_live live;

	(void)state;
	assert_non_null(c);
	pue_combine_set_power(c, 0, 1e293, true, (pue_wall_t){T0});
	pue_combine_set_power(c, 1, 1e293, true, (pue_wall_t){T0});
	pue_combine_set_power(c, 2, 0.5, true, (pue_wall_t){T0});
	assert_int_equal(pue_combine_live(c, (pue_wall_t){T0 + 1000}, 5000, &live), 0);
	assert_true(isfinite(live.facility_kw) && fabs(live.facility_kw / 2e293 - 1) < 1e-12);
	pue_combine_set_power(c, 0, 1e308, true, (pue_wall_t){T0 + 2000});
	pue_combine_set_power(c, 1, 1e308, true, (pue_wall_t){T0 + 2000});
	assert_true(pue_combine_live(c, (pue_wall_t){T0 + 3000}, 5000, &live) < 0);
	pue_combine_free(c);
}

struct events {
	int device_errors;
	char last[300];
};

static void
on_event(void *arg, pue_wall_t t, const char *kind, size_t device, size_t point,
	 const char *message)
{
	struct events *ev = arg;

	(void)t;
	(void)device;
	(void)point;
	if (strcmp(kind, "device_error") == 0) {
		ev->device_errors++;
		snprintf(ev->last, sizeof(ev->last), "%s", message);
	}
}

/* One second of each device at t_s; facility reads fac_kw. Returns what
 * the engine said of the facility reading. */
static int
second(struct fixture *f, int64_t t_s, double fac_kw, struct pue_err *err)
{
	struct pue_reading fr = {
		.wall = {T0 + t_s * 1000}, .value = fac_kw, .raw = {.value = fac_kw}};
	struct pue_reading ir = {.wall = {T0 + t_s * 1000}, .value = 800, .raw = {.value = 800}};
	int rc;

	pue_clock_advance(f->clock, T0 + t_s * 1000 - pue_clock_wall(f->clock).ms);
	rc = pue_engine_reading(f->engine, 0, 0, &fr, err);
	assert_int_equal(pue_engine_reading(f->engine, 1, 0, &ir, NULL), 0);
	pue_engine_tick(f->engine);
	return rc;
}

/* PUE.md worked example 10: facility 1000 kW every second for an hour,
 * one reading of 3e38 kW. The hour's facility energy is 1000 kWh, the
 * coverage stays whole, and one device-error event carries the raw value. */
static void
test_pue_example10_one_bad_reading_changes_nothing(void **state)
{
	const int64_t w[] = {HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	struct events ev = {0};
	struct pue_err err = {0};
	struct pue_figure fig;
	pue_wall_t at;
	int64_t t;

	(void)state;
	pue_engine_set_event_cb(f->engine, on_event, &ev);
	for (t = 0; t <= 3600; t++) {
		int rc = second(f, t, t == 1800 ? 3e38 : 1000, &err);

		assert_int_equal(rc, t == 1800 ? PUE_E_RANGE : 0);
		if (t == 1800) {
			assert_non_null(strstr(err.msg, "3e+38"));
			assert_true(pue_engine_point_value(f->engine, 0, 0, &at) == 1000);
		}
	}
	fig = pue_engine_window(f->engine, 0);
	assert_true(fabs(fig.facility - 1000.0) < 1e-6);
	assert_true(fabs(fig.it - 800.0) < 1e-6);
	assert_true(fig.coverage >= 0.999);
	assert_int_equal(pue_figure_milli(fig.pue), 1250);
	assert_int_equal(ev.device_errors, 1);
	assert_non_null(strstr(ev.last, "3e+38"));
	fixture_free(f);
}

/* A meter that keeps sending impossible readings gives one event per run,
 * not one per poll, and runs that restart within the summary interval are
 * counted into the next report rather than each logged. */
static void
test_pue_bad_readings_reported_once_per_run(void **state)
{
	const int64_t w[] = {HOUR_MS};
	struct fixture *f = fixture_new(1, 1, ups, false, w, 1);
	struct events ev = {0};
	int64_t t;

	(void)state;
	pue_engine_set_event_cb(f->engine, on_event, &ev);
	for (t = 0; t < 100; t++) /* a run of 51, then good, bad, good... */
		second(f, t, t < 50 || t % 2 == 0 ? -1e7 : 1000, NULL);
	assert_int_equal(ev.device_errors, 1);
	assert_non_null(strstr(ev.last, "-1e+07"));
	for (t = 100; t < 400; t++) /* good until 5 minutes after the report */
		second(f, t, 1000, NULL);
	second(f, 400, NAN, NULL);
	assert_int_equal(ev.device_errors, 2);
	assert_non_null(strstr(ev.last, "24 more runs since the last report"));
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pue_example1_steady_state_is_1_200),
		cmocka_unit_test(test_pue_example2_ratio_of_energies_not_mean_of_ratios),
		cmocka_unit_test(test_pue_example5_gap_coverage_15m_insufficient_1h_covered),
		cmocka_unit_test(test_pue_example6_category_is_lowest_of_it_points),
		cmocka_unit_test(test_pue_example7_below_one_is_a_metering_error),
		cmocka_unit_test(test_pue_example9_at_the_line_is_not_above_the_ceiling),
		cmocka_unit_test(test_pue_example10_one_bad_reading_changes_nothing),
		cmocka_unit_test(test_pue_bad_readings_reported_once_per_run),
		cmocka_unit_test(test_pue_zero_it_load_never_divides),
		cmocka_unit_test(test_pue_subtracted_feed_comes_off_the_facility),
		cmocka_unit_test(test_pue_missing_input_leaves_instant_without_a_number),
		cmocka_unit_test(test_pue_live_figure_from_coarse_counters_holds_the_line),
		cmocka_unit_test(test_pue_live_coverage_weighs_the_missing_power),
		cmocka_unit_test(test_pue_live_sums_beyond_range_are_no_number),
		cmocka_unit_test(test_pue_zone_ppue_is_it_plus_infrastructure_over_it),
		cmocka_unit_test(test_pue_engine_refuses_window_not_whole_minutes),
		cmocka_unit_test(test_window_drops_minutes_older_than_its_span),
		cmocka_unit_test(test_window_long_span_uses_hourly_buckets),
		cmocka_unit_test(test_pue_resume_after_downtime_leaves_it_uncovered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
