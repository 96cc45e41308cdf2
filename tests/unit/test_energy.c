/* SPDX-License-Identifier: MIT */
/* test_energy.c - counters (wrap, reset, glitch) and trapezoids (gaps);
 * readings that cannot be true; worked examples 3, 4 and 10 of
 * ../shared/PUE.md. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/energy.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static struct pue_reading
counter(int64_t t_s, uint64_t count, const struct pue_point *p)
{
	struct pue_reading r = {.wall = {T0 + t_s * 1000}};

	r.raw.count = count;
	r.raw.has_count = true;
	r.raw.value = (double)count;
	r.value = (double)count * p->scale * (p->unit == PUE_UNIT_WH ? 1e-3 : 1.0);
	return r;
}

static struct pue_reading
power(int64_t t_ms, double kw)
{
	return (struct pue_reading){.wall = {T0 + t_ms}, .value = kw, .raw = {.value = kw}};
}

static void
test_energy_counter_wrap_32bit_is_2kwh(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 32};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = counter(0, 4294967000u, &p), b = counter(60, 1704, &p);

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &a, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 2.0) < 1e-12);
	assert_true(iv.start.ms == T0 && iv.end.ms == T0 + 60000);
	/* One change is no live power yet: it takes two (counter_rate.h). */
	assert_false(pue_energy_live_power(&e, &p, &(struct pue_rate){0}));
}

/* An SNMP Counter32 (no counter_bits: the answer's type says 32) that
 * wrapped while pued was down: the stored sample before the downtime
 * pairs with the first answer after it as a wrap, not a reset. */
static void
test_energy_stored_counter_wraps_at_the_answers_width(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 0.001};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = pue_energy_stored_reading(&p, (pue_wall_t){T0}, 4294.967);
	struct pue_reading b = counter(300, 1000000, &p);

	(void)state;
	b.raw.bits = 32;
	assert_int_equal(pue_energy_update(&e, &p, 60000, &a, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 60000, &b, &iv), PUE_ENERGY_INTERVAL);
	/* 4294967296 - 4294967000 + 1000000 mWh */
	assert_true(fabs(iv.energy_kwh - 1.000296) < 1e-9);

	/* A column's sum of two Counter32 rows, stored past 2^32 (3e9 mWh
	 * each), one of which wrapped while pued was down (3e9 + 1.3e9 -
	 * 2^32, and 3e9 + 5000): its count is taken modulo 2^32, as live sums
	 * are differenced, and the step is 1300.005 kWh, not a reset. */
	e = (struct pue_energy){0};
	a = pue_energy_stored_reading(&p, (pue_wall_t){T0}, 6000.0);
	b = counter(300, UINT64_C(3000000000) + 1300000000 - 4294967296 + 3000005000, &p);
	b.raw.bits = 32;
	assert_int_equal(pue_energy_update(&e, &p, 60000, &a, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 60000, &b, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 1300.005) < 1e-9);
}

static void
test_energy_counter_reset_is_unknown_then_continues(void **state)
{
	/* PUE.md example 4: 52340.0, 0.0, 1.5 kWh (a float counter). */
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv = {0};
	struct pue_reading r0 = {.wall = {T0}, .value = 52340.0, .raw = {.value = 52340.0}};
	struct pue_reading r1 = {.wall = {T0 + 60000}, .value = 0.0};
	struct pue_reading r2 = {.wall = {T0 + 120000}, .value = 1.5, .raw = {.value = 1.5}};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r0, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r1, &iv), PUE_ENERGY_RESET);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r2, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 1.5) < 1e-12);
}

static void
test_energy_integer_counter_decrease_is_reset_not_wrap(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 32};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = counter(0, 5000000, &p), b = counter(60, 100, &p);

	(void)state;
	pue_energy_update(&e, &p, 1000, &a, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_RESET);
}

/* The wall clock set back while pued was down: the stamps go on from the
 * data stored, so the first reading after the start is a few ms after the
 * last one while the counter moved by the whole downtime. Forgotten, the
 * counter starts afresh there (no glitch, no energy) and keeps the power
 * it has shown as its glitch limit. */
static void
test_energy_forget_starts_afresh_keeping_the_power_seen(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 1000},
		{.wall = {T0 + 600000}, .value = 1020},	    /* 120 kW */
		{.wall = {T0 + 600005}, .value = 1030},	    /* 10 kWh of downtime in 5 ms */
		{.wall = {T0 + 601005}, .value = 1030.025}, /* 90 kW */
		{.wall = {T0 + 602005}, .value = 1031.025}, /* 3600 kW: over 10 x 120 */
	};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[0], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_INTERVAL);
	pue_energy_forget(&e);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_take_event(&e, &(double){0}, &(pue_wall_t){0}),
			 PUE_ENERGY_NO_EVENT);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[3], &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.025) < 1e-9);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[4], &iv), PUE_ENERGY_GLITCH);
}

static void
test_energy_glitch_over_max_power_is_rejected(void **state)
{
	/* A bogus zero followed by the real value: reset, then a jump the
	 * configured 500 kW rating cannot explain, then normal again. */
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1, .max_power_kw = 500};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 10000},
		{.wall = {T0 + 1000}, .value = 0},
		{.wall = {T0 + 2000}, .value = 10000.2},
		{.wall = {T0 + 3000}, .value = 10000.3},
	};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[0], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_RESET);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_GLITCH);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[3], &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.1) < 1e-6);
}

static void
test_energy_default_glitch_limit_is_ten_times_seen_power(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	/* 1 kWh per hour-long interval = 1 kW, then a jump worth 11 kW */
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 100},
		{.wall = {T0 + 3600000}, .value = 101},
		{.wall = {T0 + 3600000 + 60000}, .value = 101 + 11.0 / 60},
	};

	(void)state;
	p.max_gap_ms = 2 * 3600000;
	pue_energy_update(&e, &p, 1000, &r[0], &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_INTERVAL);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_GLITCH);
}

static void
test_energy_bogus_zero_before_any_limit_is_a_glitch(void **state)
{
	/* Just after start nothing has set a limit yet: a bogus zero, then
	 * the counter back where it was, is no reset and no 10,000 kWh. */
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 10000},
		{.wall = {T0 + 1000}, .value = 0},
		{.wall = {T0 + 2000}, .value = 10000.2},
		{.wall = {T0 + 3000}, .value = 10000.3},
	};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[0], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_RESET);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_GLITCH);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[3], &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.1) < 1e-6);
}

/* Feeds a fresh counter point the values v[0..n), one a second, and
 * returns the events they raised in order, one letter each: R a reset, G a
 * glitch; the value each is about in about[]. */
static const char *
events_of(const struct pue_point *p, const double *v, size_t n, double *about)
{
	static char got[16];
	struct pue_energy e = {0};
	struct pue_interval iv;
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < sizeof(got); i++) {
		struct pue_reading r = {.wall = {T0 + (int64_t)i * 1000}, .value = v[i]};
		enum pue_energy_event ev;
		pue_wall_t at;

		pue_energy_update(&e, p, 1000, &r, &iv);
		ev = pue_energy_take_event(&e, &about[k], &at);
		assert_int_equal(pue_energy_take_event(&e, &(double){0}, &at), PUE_ENERGY_NO_EVENT);
		if (ev != PUE_ENERGY_NO_EVENT)
			got[k++] = ev == PUE_ENERGY_EVENT_RESET ? 'R' : 'G';
	}
	got[k] = '\0';
	return got;
}

/* PUE.md's classic glitch, a bogus zero and then the real value, raises
 * one glitch about the zero and no meter reset: a reset pages the NOC, so
 * the drop is judged by the reading after it. A drop that stays down is a
 * reset, about the value it went down to, one poll later. */
static void
test_energy_drop_is_a_reset_only_when_the_next_reading_stays_down(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	const double bogus[] = {10000, 10000.1, 0, 10000.3, 10000.4};
	const double reset[] = {10000, 10000.1, 0.5, 0.6, 0.7};
	const double twice[] = {10000, 10000.1, 0.5, 0.2, 0.3};
	double about[8];

	(void)state;
	assert_string_equal(events_of(&p, bogus, 5, about), "G");
	assert_true(about[0] == 0);
	assert_string_equal(events_of(&p, reset, 5, about), "R");
	assert_true(about[0] == 0.5);
	/* Two drops in a row: two resets, each about its own drop. */
	assert_string_equal(events_of(&p, twice, 5, about), "RR");
	assert_true(about[0] == 0.5 && about[1] == 0.2);
}

/* A meter answering 0 for a few polls as it boots, then its count: the
 * zeros say nothing until the counter reads otherwise; one glitch. The
 * same bogus jump twice, then the count: one glitch. A meter replaced by
 * one whose count starts high enough to be a jump from 0: the reset is
 * reported (the reading confirms it) rather than the jump. */
static void
test_energy_a_suspect_value_repeated_is_no_evidence(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_point rated = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1, .max_power_kw = 500};
	const double zeros[] = {10000, 10000.1, 0, 0, 0, 10000.5, 10000.6};
	const double jumps[] = {10000, 10000.1, 99999, 99999, 10000.4, 10000.5, 10000.6};
	const double swapped[] = {52340, 52340.1, 0, 120, 120.1, 120.2};
	double about[8];

	(void)state;
	assert_string_equal(events_of(&p, zeros, 7, about), "G");
	assert_true(about[0] == 0);
	assert_string_equal(events_of(&rated, jumps, 7, about), "G");
	assert_true(about[0] == 99999);
	assert_string_equal(events_of(&rated, swapped, 6, about), "R");
	assert_true(about[0] == 0);
}

/* A reset to 0 on an idle feed: the counter reads 0 on and on. After
 * PUE_ENERGY_SUSPECT_HOLD_MS of it the reset is reported and the
 * intervals count again (0 kWh, not unknown for ever). */
static void
test_energy_a_suspect_value_held_a_minute_is_the_counter(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	double v[80], about[8];
	size_t i;

	(void)state;
	v[0] = 10000;
	v[1] = 10000.1;
	for (i = 2; i < 80; i++)
		v[i] = 0;
	assert_string_equal(events_of(&p, v, 80, about), "R");
	assert_true(about[0] == 0);
	for (i = 0; i < 80; i++) {
		struct pue_reading r = {.wall = {T0 + (int64_t)i * 1000}, .value = v[i]};
		enum pue_energy_result res = pue_energy_update(&e, &p, 1000, &r, &iv);

		/* the zeros are unknown for a minute after the first, then count */
		if (i >= 2 && i < 62)
			assert_int_equal(res, PUE_ENERGY_RESET);
		if (i >= 63)
			assert_int_equal(res, PUE_ENERGY_INTERVAL);
	}
}

/* Two glitches in turn, a jump then a drop, or a drop then a jump, and
 * then the counter as it was: glitches, and no meter reset. */
static void
test_energy_a_jump_and_a_drop_in_turn_are_no_reset(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1, .max_power_kw = 500};
	const double jump_drop[] = {100, 100.1, 1e9, 0, 100.4, 100.5};
	const double drop_jump[] = {100, 100.1, 0, 1e9, 100.4, 100.5};
	double about[8];

	(void)state;
	assert_string_equal(events_of(&p, jump_drop, 6, about), "GG");
	assert_true(about[0] == 1e9 && about[1] == 0);
	assert_string_equal(events_of(&p, drop_jump, 6, about), "G");
	assert_true(about[0] == 1e9);
}

/* A 32-bit counter that jumps by more than half its range and then reads
 * as before: the fall back is a wrap-sized step, not a drop, and still
 * no second glitch. */
static void
test_energy_fall_back_from_a_wide_jump_of_a_32_bit_counter(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 32};
	struct pue_energy e = {0};
	struct pue_interval iv;
	const uint64_t counts[] = {1000000, 1000100, 3000000000u, 1000300, 1000400};
	enum pue_energy_event ev;
	pue_wall_t at;
	double v;
	size_t i, glitches = 0;

	(void)state;
	for (i = 0; i < 5; i++) {
		struct pue_reading r = counter((int64_t)i, counts[i], &p);

		pue_energy_update(&e, &p, 1000, &r, &iv);
		ev = pue_energy_take_event(&e, &v, &at);
		assert_int_not_equal(ev, PUE_ENERGY_EVENT_RESET);
		glitches += ev == PUE_ENERGY_EVENT_GLITCH;
	}
	assert_int_equal(glitches, 1);
	assert_true(fabs(iv.energy_kwh - 0.1) < 1e-9);
}

/* A counter that jumps far beyond its power and then reads as before: the
 * jump was the glitch, reported once; the fall back is no meter reset. A
 * jump the counter then carries on from (a meter swapped for one that
 * reads higher) is one glitch and then intervals again. */
static void
test_energy_fall_back_from_a_bogus_jump_is_no_reset(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1, .max_power_kw = 500};
	const double bogus[] = {10000, 10000.1, 99999, 10000.3, 10000.4};
	const double swapped[] = {10000, 10000.1, 50000, 50000.1, 50000.2};
	const enum pue_energy_result want[] = {PUE_ENERGY_FIRST, PUE_ENERGY_INTERVAL,
					       PUE_ENERGY_GLITCH, PUE_ENERGY_GLITCH,
					       PUE_ENERGY_INTERVAL};
	struct pue_energy e = {0};
	struct pue_interval iv;
	double about[8];
	size_t i;

	(void)state;
	assert_string_equal(events_of(&p, bogus, 5, about), "G");
	assert_true(about[0] == 99999);
	assert_string_equal(events_of(&p, swapped, 5, about), "G");
	assert_true(about[0] == 50000);
	/* The jump and the fall back are unknown intervals, then intervals
	 * again. */
	for (i = 0; i < 5; i++) {
		struct pue_reading r = {.wall = {T0 + (int64_t)i * 1000}, .value = bogus[i]};

		assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), want[i]);
	}
	assert_true(fabs(iv.energy_kwh - 0.1) < 1e-6);
}

static void
test_energy_first_delta_is_bounded_without_a_rating(void **state)
{
	/* A bogus zero as the very first reading: 52,341 kWh in a second
	 * would be 188 GW, beyond any facility (PUE_UNRATED_MAX_KW). */
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 0},
		{.wall = {T0 + 1000}, .value = 52341},
		{.wall = {T0 + 2000}, .value = 52341.2},
	};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[0], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_GLITCH);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.2) < 1e-6);
}

static void
test_energy_rebased_counter_is_unknown_interval(void **state)
{
	/* A summed column whose rows changed (an outlet left out for a poll,
	 * then back): the sum dropped and returns, and neither step is
	 * energy; the next interval counts again. */
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1, .max_power_kw = 1e6};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r[] = {
		{.wall = {T0}, .value = 300},
		{.wall = {T0 + 1000}, .value = 200.1, .rebased = true},
		{.wall = {T0 + 2000}, .value = 300.2, .rebased = true},
		{.wall = {T0 + 3000}, .value = 300.3},
	};

	(void)state;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[0], &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[1], &iv), PUE_ENERGY_GAP);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[2], &iv), PUE_ENERGY_GAP);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r[3], &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.1) < 1e-6);
}

static void
test_energy_power_trapezoid(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = power(0, 100), b = power(1000, 200);

	(void)state;
	pue_energy_update(&e, &p, 1000, &a, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_INTERVAL);
	/* (100 + 200) / 2 kW for 1 s */
	assert_true(fabs(iv.energy_kwh - 150.0 / 3600) < 1e-12);
}

static void
test_energy_power_gap_beyond_max_gap_invents_nothing(void **state)
{
	/* PUE.md example 5: samples at 100 s and 160 s, max_gap 3 s. */
	struct pue_point p = {
		.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1, .max_gap_ms = 3000};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = power(100000, 800), b = power(160000, 800), c = power(161000, 800);

	(void)state;
	pue_energy_update(&e, &p, 1000, &a, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_GAP);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &c, &iv), PUE_ENERGY_INTERVAL);
	assert_true(iv.start.ms == T0 + 160000);
	/* default max gap: three polls */
	p.max_gap_ms = 0;
	e = (struct pue_energy){0};
	a = power(0, 800);
	b = power(3001, 800);
	pue_energy_update(&e, &p, 1000, &a, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_GAP);
}

static void
test_energy_time_going_backwards_is_ignored(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading a = power(5000, 1), b = power(4000, 1);

	(void)state;
	pue_energy_update(&e, &p, 1000, &a, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &b, &iv), PUE_ENERGY_BACKWARDS);
}

/* PUE.md worked example 10: facility power 1000 kW every second for an
 * hour, one reading of 3e38 kW. The bad second is rejected and its
 * neighbours' trapezoid covers it: 1000 kWh, every second covered. */
static void
test_energy_example10_one_impossible_reading_is_bridged(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	double kwh = 0;
	int64_t covered_ms = 0, t;
	int rejected = 0;

	(void)state;
	for (t = 0; t <= 3600; t++) {
		struct pue_reading r = power(t * 1000, t == 1800 ? 3e38 : 1000);
		enum pue_energy_result res = pue_energy_update(&e, &p, 1000, &r, &iv);

		if (res == PUE_ENERGY_REJECTED)
			rejected++;
		if (res == PUE_ENERGY_INTERVAL) {
			kwh += iv.energy_kwh;
			covered_ms += iv.end.ms - iv.start.ms;
		}
	}
	assert_int_equal(rejected, 1);
	assert_true(fabs(kwh - 1000.0) < 1e-9);
	assert_int_equal(covered_ms, 3600 * 1000);
	assert_true(fabs(e.last_power_kw - 1000) < 1e-12);
}

/* PUE.md, "Readings that cannot be true": none of these is integrated,
 * whether it comes first or after a learned limit, and a rejected reading
 * leaves the state as it was. */
static void
test_energy_impossible_power_readings_are_rejected(void **state)
{
	static const double bad[] = {3e38, -1e7,     1e308,    -1e308, 18446744073709551615.0,
				     NAN,  INFINITY, -INFINITY};
	struct pue_point p = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	char why[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pue_reading r = power(0, bad[i]);

		assert_false(pue_energy_plausible(&e, &p, &r, why, sizeof(why)));
		assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_REJECTED);
		assert_false(e.have_prev);
	}
	e = (struct pue_energy){0};
	for (i = 0; i < 3; i++) {
		struct pue_reading r = power((int64_t)i * 1000, 800);

		pue_energy_update(&e, &p, 1000, &r, &iv);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pue_reading r = power(2500, bad[i]);

		assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_REJECTED);
		assert_int_equal(e.prev.wall.ms, T0 + 2000);
	}
	/* the limit and the reason are in the message */
	{
		struct pue_reading r = power(3000, 3e38);

		assert_false(pue_energy_plausible(&e, &p, &r, why, sizeof(why)));
		assert_string_equal(why, "power 3e+38 kW above the limit of 8000 kW");
	}
}

/* The default limit is 10 x the largest power seen, never below 1 MW (a
 * hall filling up from a few kW), and 1 GW before anything was seen; a
 * configured max_power_kw replaces it. Small negative readings around zero
 * load pass; -1e7 does not. */
static void
test_energy_power_limit_learns_with_a_floor(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_POWER, .unit = PUE_UNIT_KW, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r0 = power(0, 0.5), r1 = power(1000, 0.5), r2 = power(2000, 900),
			   r3 = power(3000, 9500), r4 = power(4000, 9001 * 10.0);

	(void)state;
	assert_true(pue_energy_power_limit_kw(&e, &p) == PUE_UNRATED_MAX_KW);
	pue_energy_update(&e, &p, 1000, &r0, &iv);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r1, &iv), PUE_ENERGY_INTERVAL);
	assert_true(pue_energy_power_limit_kw(&e, &p) == PUE_PLAUSIBLE_FLOOR_KW);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r2, &iv), PUE_ENERGY_INTERVAL);
	assert_true(pue_energy_power_limit_kw(&e, &p) == 9000);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r3, &iv), PUE_ENERGY_REJECTED);
	r3.value = 8999;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r3, &iv), PUE_ENERGY_INTERVAL);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r4, &iv), PUE_ENERGY_REJECTED);
	r4.value = -5; /* noise around zero: within 1% of the limit */
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r4, &iv), PUE_ENERGY_INTERVAL);
	p.max_power_kw = 2000;
	r4 = power(5000, 2000.5);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r4, &iv), PUE_ENERGY_REJECTED);
	r4.value = -20.5;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r4, &iv), PUE_ENERGY_REJECTED);
	r4.value = 2000;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r4, &iv), PUE_ENERGY_INTERVAL);
}

/* A counter that is NaN or below zero cannot be true; a signed register
 * counted by its raw bits may pass its sign bit (a wrap, not negative). */
static void
test_energy_negative_or_nan_counter_is_rejected(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_KWH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_reading r = {.wall = {T0}, .value = -3.5, .raw = {.value = -3.5}};
	char why[160];

	(void)state;
	assert_false(pue_energy_plausible(&e, &p, &r, why, sizeof(why)));
	assert_string_equal(why, "counter -3.5 kWh below zero");
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_REJECTED);
	r.value = r.raw.value = NAN;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_REJECTED);
	assert_false(e.have_prev);
	/* int32 counter one past 2^31 - 1 */
	p.counter_bits = 32;
	r = (struct pue_reading){
		.wall = {T0},
		.value = 2147483647,
		.raw = {.value = 2147483647, .count = 0x7fffffff, .has_count = true}};
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_FIRST);
	r = (struct pue_reading){
		.wall = {T0 + 1000},
		.value = -2147483648.0,
		.raw = {.value = -2147483648.0, .count = 0x80000000, .has_count = true}};
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 1.0) < 1e-12);
}

/* The live power of a counter goes through pue_energy's handling: a
 * 32-bit Wh counter at 800 kW wrapping past 2^32 keeps its estimate (the
 * wrap is an interval like any other), and a reset to 0 clears it: no
 * live power until the counter has been followed again (counter_rate.h). */
static void
test_energy_live_power_survives_a_wrap_and_restarts_after_a_reset(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 32};
	struct pue_energy e = {0};
	struct pue_interval iv;
	struct pue_rate rate;
	uint64_t wh = 4294967296ULL - 800000 / 3600 * 200; /* wraps after ~200 s */
	int64_t t;

	(void)state;
	for (t = 0; t <= 400; t++) {
		uint64_t now = wh + (uint64_t)(800.0 * 1000 * (double)t / 3600);
		struct pue_reading r = counter(t, now & 0xffffffffu, &p);

		pue_energy_update(&e, &p, 1000, &r, &iv);
		if (t >= 160) {
			assert_true(pue_energy_live_power(&e, &p, &rate));
			assert_true(rate.ready);
			assert_true(fabs(rate.power_kw - 800) <= rate.half_kw);
			assert_true(rate.half_kw < 800 * 1e-4);
		}
	}
	/* a reset: the counter starts again from 0 */
	for (t = 401; t <= 700; t++) {
		uint64_t now = (uint64_t)(800.0 * 1000 * (double)(t - 401) / 3600);
		struct pue_reading r = counter(t, now, &p);
		enum pue_energy_result res = pue_energy_update(&e, &p, 1000, &r, &iv);
		bool has = pue_energy_live_power(&e, &p, &rate);

		if (t == 401) {
			assert_int_equal(res, PUE_ENERGY_RESET);
			assert_false(has);
		}
		if (t >= 401 + 160)
			assert_true(has && rate.ready && fabs(rate.power_kw - 800) <= rate.half_kw);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_energy_counter_wrap_32bit_is_2kwh),
		cmocka_unit_test(test_energy_stored_counter_wraps_at_the_answers_width),
		cmocka_unit_test(test_energy_counter_reset_is_unknown_then_continues),
		cmocka_unit_test(test_energy_integer_counter_decrease_is_reset_not_wrap),
		cmocka_unit_test(test_energy_bogus_zero_before_any_limit_is_a_glitch),
		cmocka_unit_test(test_energy_drop_is_a_reset_only_when_the_next_reading_stays_down),
		cmocka_unit_test(test_energy_fall_back_from_a_bogus_jump_is_no_reset),
		cmocka_unit_test(test_energy_a_suspect_value_repeated_is_no_evidence),
		cmocka_unit_test(test_energy_fall_back_from_a_wide_jump_of_a_32_bit_counter),
		cmocka_unit_test(test_energy_a_suspect_value_held_a_minute_is_the_counter),
		cmocka_unit_test(test_energy_a_jump_and_a_drop_in_turn_are_no_reset),
		cmocka_unit_test(test_energy_first_delta_is_bounded_without_a_rating),
		cmocka_unit_test(test_energy_rebased_counter_is_unknown_interval),
		cmocka_unit_test(test_energy_forget_starts_afresh_keeping_the_power_seen),
		cmocka_unit_test(test_energy_glitch_over_max_power_is_rejected),
		cmocka_unit_test(test_energy_default_glitch_limit_is_ten_times_seen_power),
		cmocka_unit_test(test_energy_power_trapezoid),
		cmocka_unit_test(test_energy_power_gap_beyond_max_gap_invents_nothing),
		cmocka_unit_test(test_energy_time_going_backwards_is_ignored),
		cmocka_unit_test(test_energy_example10_one_impossible_reading_is_bridged),
		cmocka_unit_test(test_energy_impossible_power_readings_are_rejected),
		cmocka_unit_test(test_energy_power_limit_learns_with_a_floor),
		cmocka_unit_test(test_energy_negative_or_nan_counter_is_rejected),
		cmocka_unit_test(test_energy_live_power_survives_a_wrap_and_restarts_after_a_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
