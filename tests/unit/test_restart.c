/* SPDX-License-Identifier: MIT */
/*
 * test_restart.c - a restart loses only its downtime (PUE.md, "Restarts
 * and clock steps", worked example 11): the minute in progress is stored at
 * a clean stop, the minutes after the last stored one are rebuilt from the
 * raw samples after a crash, and each point's energy continues across the
 * restart. The first run is a child process that stops cleanly or kills
 * itself with SIGKILL; the second runs on the database it leaves, on a
 * manual clock, with the store flushed every second as pued does.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "util/clock.h"
#include "engine/engine.h"
#include "engine/engine_resume.h"
#include "core/figure.h"
#include "store/store.h"
#include "store/store_config.h"

#define T12 1767268800000LL /* 2026-01-01T12:00:00Z */
#define MIN_MS 60000LL
#define FIRST_START (T12 - 16 * MIN_MS)
#define FACILITY_KW 960.0
#define IT_KW 800.0
/* The facility counter (uint32 Wh) starts here, so it wraps at 12:00:26,
 * while pued is down. */
#define WRAP_AT (T12 + 26000)
#define FAC_WH0 (4294967296.0 - FACILITY_KW * (double)(WRAP_AT - FIRST_START) / 3600.0)

struct fixture {
	char dir[64], path[128];
	struct pue_config cfg;
	struct pue_device_conf dev[2];
	struct pue_point_conf pt[2];
	struct pue_term fac, it;
	int64_t windows[1];
	bool counters;
};

static struct fixture *
fixture_new(bool counters)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t i;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-restart.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/pued.db", f->dir);
	f->counters = counters;
	for (i = 0; i < 2; i++) {
		if (counters)
			/* facility: a 32-bit Wh register; IT: a float kWh one */
			f->pt[i] = (struct pue_point_conf){
				.name = "energy",
				.num = {.kind = PUE_KIND_ENERGY,
					.unit = i == 0 ? PUE_UNIT_WH : PUE_UNIT_KWH,
					.scale = 1,
					.counter_bits = i == 0 ? 32 : 0}};
		else
			f->pt[i] = (struct pue_point_conf){
				.name = "power",
				.num = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1}};
		f->pt[i].num.measured_at = PUE_AT_UPS_OUTPUT;
		f->dev[i] = (struct pue_device_conf){.name = i == 0 ? "incomer" : "ups",
						     .poll_interval_ms = 1000,
						     .timeout_ms = 1000,
						     .points = &f->pt[i],
						     .n_points = 1};
	}
	f->cfg.site = "test";
	f->cfg.devices = f->dev;
	f->cfg.n_devices = 2;
	f->fac = (struct pue_term){0, 0, +1};
	f->it = (struct pue_term){1, 0, +1};
	f->cfg.pue.facility = (struct pue_sum){&f->fac, 1};
	f->cfg.pue.it = (struct pue_sum){&f->it, 1};
	f->windows[0] = 15 * MIN_MS;
	f->cfg.pue.windows_ms = f->windows;
	f->cfg.pue.n_windows = 1;
	f->cfg.pue.ceiling = 1.25;
	f->cfg.pue.warning = 1.22;
	f->cfg.pue.min_coverage = 0.95;
	f->cfg.storage = (struct pue_storage_conf){.path = f->path,
						   .raw_retention_ms = 24 * 60 * MIN_MS,
						   .minute_retention_ms = 400 * 24 * 60 * MIN_MS,
						   .disk_budget_bytes = UINT64_C(1) << 30,
						   .flush_interval_ms = 1000};
	return f;
}

static void
fixture_free(struct fixture *f)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

/* What meter d reads at t: constant power, or counters that follow it. */
static struct pue_reading
meter(const struct fixture *f, size_t d, int64_t t)
{
	struct pue_reading r = {.wall = {t}};
	double wh;

	if (!f->counters) {
		r.value = d == 0 ? FACILITY_KW : IT_KW;
		return r;
	}
	if (d == 1) {
		r.value = 50000.0 + IT_KW * (double)(t - FIRST_START) / 3.6e6;
		return r;
	}
	wh = floor(FAC_WH0 + FACILITY_KW * (double)(t - FIRST_START) / 3600.0);
	r.raw.count = (uint64_t)wh & UINT32_MAX;
	r.raw.value = (double)r.raw.count;
	r.raw.has_count = true;
	r.value = r.raw.value / 1000.0;
	return r;
}

struct run {
	struct pue_clock *clock;
	struct pue_store *store;
	struct pue_engine *engine;
};

static bool
run_start(const struct fixture *f, struct run *r, int64_t at)
{
	struct pue_err err;

	r->clock = pue_clock_new_manual((pue_wall_t){at});
	r->store = pue_store_config_open(f->path, &f->cfg, &err);
	if (r->store == NULL)
		return false;
	r->engine = pue_engine_new(&f->cfg, r->clock, r->store, &err);
	return r->engine != NULL && pue_engine_resume(r->engine, true, &err) >= 0;
}

static void
run_stop(struct run *r)
{
	pue_engine_stop(r->engine);
	pue_engine_free(r->engine);
	pue_store_close(r->store);
	pue_clock_free(r->clock);
}

/* Runs pued's loop from the clock's time to until: both meters polled each
 * second at sample_phase ms past it, the engine ticked, the store flushed at
 * flush_phase ms past each second. check (may be NULL) runs after each tick. */
static void
run_until(const struct fixture *f, struct run *r, int64_t until, int64_t sample_phase,
	  int64_t flush_phase, void (*check)(struct run *r))
{
	int64_t t = pue_clock_wall(r->clock).ms;

	for (t = t - t % 100 + 100; t <= until; t += 100) {
		pue_clock_advance(r->clock, t - pue_clock_wall(r->clock).ms);
		if (t % 1000 == sample_phase)
			for (size_t d = 0; d < 2; d++) {
				struct pue_reading rd = meter(f, d, t);

				pue_engine_reading(r->engine, d, 0, &rd, NULL);
			}
		if (t % 1000 == sample_phase || t % 1000 == 0) {
			pue_engine_tick(r->engine);
			if (check != NULL)
				check(r);
		}
		if (t % 1000 == flush_phase)
			pue_store_flush(r->store, (pue_wall_t){t}, NULL);
	}
}

/* The first run, in a child: from FIRST_START to stop_at, then a clean stop
 * or SIGKILL (the rows queued since the last flush die with it). */
static void
first_run(const struct fixture *f, int64_t stop_at, bool crash)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct run r;

		if (!run_start(f, &r, FIRST_START))
			_exit(2);
		run_until(f, &r, stop_at, 0, 500, NULL);
		if (crash)
			raise(SIGKILL);
		run_stop(&r);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (crash)
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	else
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static double
query(const struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	double v = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* Example 11: the 15m window stays "ok" with coverage >= 99.7% throughout. */
static void
window_stays_ok(struct run *r)
{
	struct pue_figure w = pue_engine_window(r->engine, 0);

	if (w.state != PUE_FIG_OK || w.coverage < 0.997)
		fail_msg("at %+lld ms from 12:00: 15m window %s, coverage %.4f",
			 (long long)(pue_clock_wall(r->clock).ms - T12),
			 pue_figure_state_name(w.state), w.coverage);
}

/* The minute at t: its coverage and the energy that goes with it, which
 * must be the meters' over the covered time (a part counted twice or not
 * at all shows here). Returns covered_ms. */
static int64_t
check_minute(const struct fixture *f, int64_t t)
{
	char sql[160];
	double covered, fac, it;

	snprintf(sql, sizeof(sql), "SELECT covered_ms FROM minutes WHERE t = %lld", (long long)t);
	covered = query(f, sql);
	snprintf(sql, sizeof(sql), "SELECT facility_kwh FROM minutes WHERE t = %lld", (long long)t);
	fac = query(f, sql);
	snprintf(sql, sizeof(sql), "SELECT it_kwh FROM minutes WHERE t = %lld", (long long)t);
	it = query(f, sql);
	assert_true(covered > 0);
	if (fabs(fac / (FACILITY_KW * covered / 3.6e6) - 1) > 1e-3 ||
	    fabs(it / (IT_KW * covered / 3.6e6) - 1) > 1e-3)
		fail_msg("minute %+lld s: %.0f ms covered, facility %.4f kWh, IT %.4f kWh",
			 (long long)((t - T12) / 1000), covered, fac, it);
	return (int64_t)covered;
}

/* The minutes before the restart stay whole, and the one holding it has
 * at least min_ms covered. */
static void
check_restart_minute(const struct fixture *f, int64_t min_ms)
{
	int64_t covered, t;

	for (t = T12 - 15 * MIN_MS; t < T12; t += MIN_MS)
		assert_int_equal(check_minute(f, t), MIN_MS);
	covered = check_minute(f, T12);
	if (covered < min_ms)
		fail_msg("minute 12:00 has %lld ms covered, less than %lld", (long long)covered,
			 (long long)min_ms);
	assert_int_equal(check_minute(f, T12 + MIN_MS), MIN_MS);
}

/* pued stops (or is killed) at stop, starts at start and polls first at
 * first_poll (then every second). The rule: the minute keeps at least 60 s
 * less the downtime and one poll interval; a crash may lose the samples
 * of one flush interval (1 s) more. */
static void
restart_after(bool counters, bool crash, int64_t stop, int64_t start, int64_t first_poll)
{
	struct fixture *f = fixture_new(counters);
	int64_t min_ms = MIN_MS - (start - stop) - 1000 - (crash ? 1000 : 0);
	struct run r;

	first_run(f, stop, crash);
	/* A clean stop writes the part of 12:00 it had; a crash writes none. */
	assert_true(query(f, "SELECT covered_ms FROM minutes WHERE t = 1767268800000") ==
		    (crash ? -1.0 : (double)(stop - stop % 1000 - T12)));
	assert_true(run_start(f, &r, start));
	window_stays_ok(&r);
	run_until(f, &r, T12 + 2 * MIN_MS + 5000, first_poll % 1000, 500, window_stays_ok);
	run_stop(&r);
	check_restart_minute(f, min_ms);
	/* no meter reset or glitch made up by the restart (the wrap) */
	assert_true(query(f, "SELECT count(*) FROM events") == 0);
	fixture_free(f);
}

/* Example 11: stopped at 12:00:25, started at 12:00:26.5, 57 s or more of
 * 12:00 stored (and 60 s - 1.5 s - 1 s by the rule). */
static void
test_restart_example11_sigterm_power_points(void **state)
{
	(void)state;
	restart_after(false, false, T12 + 25000, T12 + 26500, T12 + 26700);
}

/* Counters continue across the restart, through a 32-bit wrap while
 * pued is down. */
static void
test_restart_example11_sigterm_counters_wrap_while_down(void **state)
{
	(void)state;
	restart_after(true, false, T12 + 25000, T12 + 26500, T12 + 26700);
}

/* SIGKILL: the minute in progress was never written; it is rebuilt from
 * the raw samples stored before the crash (12:00:25's was not flushed). */
static void
test_restart_example11_sigkill_power_points(void **state)
{
	(void)state;
	restart_after(false, true, T12 + 25300, T12 + 26500, T12 + 26700);
}

static void
test_restart_example11_sigkill_counters(void **state)
{
	(void)state;
	restart_after(true, true, T12 + 25300, T12 + 26500, T12 + 26700);
}

/* The 0.6 s restart late in second 25, first poll 0.9 s after the
 * start: only a power chain that continues from the last stored sample
 * (25.0 to 27.4, within max_gap) keeps the loss under 0.6 s + 1 poll. */
static void
test_restart_short_sigterm_power_chain_continues(void **state)
{
	(void)state;
	restart_after(false, false, T12 + 25900, T12 + 26500, T12 + 27400);
}

/* A crash and three hours down: the rebuilt part of 12:00 is stored, the
 * downtime stays uncovered (no minutes invented for it), and the 15m
 * window has nothing from before. */
static void
test_restart_long_after_crash_stores_the_rebuilt_minute_only(void **state)
{
	struct fixture *f = fixture_new(false);
	int64_t back = T12 + 3 * 60 * MIN_MS + 30000;
	struct pue_figure w;
	struct run r;

	(void)state;
	first_run(f, T12 + 25300, true);
	assert_true(run_start(f, &r, back));
	w = pue_engine_window(r.engine, 0);
	assert_int_equal(w.state, PUE_FIG_INSUFFICIENT);
	assert_true(w.coverage < 0.01);
	run_until(f, &r, back + MIN_MS, 700, 500, NULL);
	run_stop(&r);
	/* samples 12:00:00 .. 12:00:24 were flushed: 24 s */
	assert_int_equal(check_minute(f, T12), 24000);
	assert_int_equal(query(f, "SELECT count(*) FROM minutes WHERE t > 1767268800000"
				  " AND t < 1767279600000"),
			 0);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_example11_sigterm_power_points),
		cmocka_unit_test(test_restart_example11_sigterm_counters_wrap_while_down),
		cmocka_unit_test(test_restart_example11_sigkill_power_points),
		cmocka_unit_test(test_restart_example11_sigkill_counters),
		cmocka_unit_test(test_restart_short_sigterm_power_chain_continues),
		cmocka_unit_test(test_restart_long_after_crash_stores_the_rebuilt_minute_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
