/* SPDX-License-Identifier: MIT */
/*
 * test_engine_memory.c - what a point outside every PUE and pPUE sum
 * costs the engine (issue 18). A site polls many more points than its
 * sums use (a campus of 300 meters had ~650 points, 2 of them in the
 * PUE), and each used to carry a whole energy state (energy.h) it never
 * updates: 608 of the engine's bytes per point. Measured on the heap, so
 * it holds for whatever the engine keeps, not for one struct's size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/energy.h"
#include "engine/engine.h"
#include "util/clock.h"

#include "heap_in_use.h"
#include "meters_site.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define POINTS 4	   /* per meter: two power points, two counters */

/* A site of n meters of POINTS points each; the PUE uses two points of
 * the first meter only. */
static struct pue_config *
site(size_t n)
{
	return meters_site(n,
			   "      - {name: p, register: 0, type: uint16, unit: kW, kind: power}\n"
			   "      - {name: q, register: 1, type: uint16, unit: kW, kind: power,\n"
			   "         measured_at: ups_output}\n"
			   "      - {name: e, register: 2, type: uint32, unit: kWh, kind: energy}\n"
			   "      - {name: f, register: 4, type: uint32, unit: kWh, kind: energy,\n"
			   "         measured_at: ups_output}\n",
			   "  facility: {add: [m0/e]}\n  it: {add: [m0/f]}\n");
}

/* The heap an engine on n meters holds once every point has been read
 * twice (so any state a reading creates is there too). */
static size_t
engine_bytes(size_t n)
{
	struct pue_config *cfg = site(n);
	struct pue_clock *clock = pue_clock_new_manual((pue_wall_t){T0});
	size_t before = heap_in_use(), after, d, p, i;
	struct pue_engine *e = pue_engine_new(cfg, clock, NULL, NULL);

	assert_non_null(e);
	for (i = 0; i < 2; i++)
		for (d = 0; d < n; d++)
			for (p = 0; p < POINTS; p++) {
				double v = 100 + (double)i;
				struct pue_reading r = {.wall = {T0 + (int64_t)i * 1000},
							.value = v,
							.raw = {.value = v}};

				assert_int_equal(pue_engine_reading(e, d, p, &r, NULL), 0);
			}
	after = heap_in_use();
	pue_engine_free(e);
	pue_clock_free(clock);
	pue_config_free(cfg);
	return after - before;
}

/* 100 more meters of points no sum uses: each such point costs less than
 * an energy state, so none of them holds one. */
static void
test_engine_unused_points_hold_no_energy_state(void **state)
{
	size_t few, many, per_point;

	(void)state;
	few = engine_bytes(10);
	many = engine_bytes(110);
	assert_true(many > few);
	per_point = (many - few) / (100 * POINTS);
	print_message("engine: %zu bytes per unused point (an energy state: %zu)\n", per_point,
		      sizeof(struct pue_energy));
	assert_true(per_point < sizeof(struct pue_energy));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_unused_points_hold_no_energy_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
