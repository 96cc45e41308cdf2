/* SPDX-License-Identifier: MIT */
/*
 * test_engine_handover.c - what a reload carries over: the energy state
 * of each point that stayed, matched by name whatever the order, and none
 * for a point whose definition changed, including a change of
 * scale_register, sum_column or invalid_values; a point the new sums
 * leave out keeps its state too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/clock.h"
#include "config/config.h"
#include "engine/engine_handover.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static const char site[] =
	"site: test\n"
	"devices:\n"
	"  - name: meter\n"
	"    protocol: modbus_tcp\n"
	"    modbus: {host: 127.0.0.1, port: 1502}\n"
	"    points:\n"
	"      - {name: power, register: 0, type: int16, unit: kW, kind: power,\n"
	"         scale_register: 1}\n"
	"      - {name: it, register: 2, type: uint16, unit: kW, kind: power,\n"
	"         measured_at: ups_output}\n"
	"  - name: pdu\n"
	"    protocol: snmp\n"
	"    snmp: {host: 127.0.0.1, port: 1161}\n"
	"    points:\n"
	"      - {name: outlets, oid: 1.3.6.1.4.1.318.1.1.26.9.4.3.1.7, sum_column: true,\n"
	"         unit: W, kind: power}\n"
	"      - {name: total, oid: 1.3.6.1.4.1.318.1.1.12.1.16.0, unit: W, kind: power,\n"
	"         invalid_values: [-1]}\n"
	"pue:\n"
	"  facility: {add: [meter/power, pdu/outlets, pdu/total]}\n"
	"  it: {add: [meter/it]}\n";

static struct pue_config *
load(const char *yaml)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};

	if (pue_config_load_buffer("handover.yaml", yaml, strlen(yaml), &cfg, &d) != 0)
		fail_msg("%s", d.n > 0 ? d.lines[0] : "load failed");
	return cfg;
}

/* An engine on cfg whose every point has had two readings: each one's
 * energy state is set. */
static struct pue_engine *
running(const struct pue_config *cfg, struct pue_clock *clock)
{
	struct pue_engine *e = pue_engine_new(cfg, clock, NULL, NULL);
	size_t d, p, i;

	assert_non_null(e);
	for (i = 0; i < 2; i++)
		for (d = 0; d < cfg->n_devices; d++)
			for (p = 0; p < cfg->devices[d].n_points; p++) {
				struct pue_reading r = {.wall = {T0 + (int64_t)i * 1000},
							.value = 100,
							.raw = {.value = 100}};

				assert_int_equal(pue_engine_reading(e, d, p, &r, NULL), 0);
			}
	return e;
}

/* Reloads from old to next (edited by change, which may be NULL) and
 * returns how many points kept their state. */
static size_t
reload(void (*change)(struct pue_config *cfg))
{
	struct pue_clock *clock = pue_clock_new_manual((pue_wall_t){T0});
	struct pue_config *old = load(site), *next = load(site);
	struct pue_engine *e = running(old, clock), *e2;
	struct pue_engine_handover *h;
	size_t kept;

	if (change != NULL)
		change(next);
	h = pue_engine_handover_take(e);
	assert_non_null(h);
	pue_engine_free(e);
	pue_config_free(old); /* the handover outlives the old configuration */
	assert_non_null(e2 = pue_engine_new(next, clock, NULL, NULL));
	kept = pue_engine_handover_give(e2, h);
	pue_engine_handover_free(h);
	pue_engine_free(e2);
	pue_config_free(next);
	pue_clock_free(clock);
	return kept;
}

static void
move_scale_register(struct pue_config *cfg)
{
	cfg->devices[0].points[0].scale_register = 5;
}

static void
drop_sum_column(struct pue_config *cfg)
{
	cfg->devices[1].points[0].sum_column = false;
}

static void
change_invalid_values(struct pue_config *cfg)
{
	cfg->devices[1].points[1].invalid_values[0] = -2;
}

static void
swap_devices(struct pue_config *cfg)
{
	struct pue_device_conf first = cfg->devices[0];
	struct pue_term *t;
	size_t i;

	cfg->devices[0] = cfg->devices[1];
	cfg->devices[1] = first;
	for (t = cfg->pue.facility.terms, i = 0; i < cfg->pue.facility.n_terms; i++)
		t[i].device = 1 - t[i].device;
	for (t = cfg->pue.it.terms, i = 0; i < cfg->pue.it.n_terms; i++)
		t[i].device = 1 - t[i].device;
}

static void
test_handover_unchanged_points_keep_their_state(void **state)
{
	(void)state;
	assert_int_equal(reload(NULL), 4);
	assert_int_equal(reload(swap_devices), 4); /* matched by name, not place */
}

static void
test_handover_notices_a_scale_register_change(void **state)
{
	(void)state;
	assert_int_equal(reload(move_scale_register), 3);
}

static void
test_handover_notices_a_sum_column_change(void **state)
{
	(void)state;
	assert_int_equal(reload(drop_sum_column), 3);
}

static void
test_handover_notices_an_invalid_values_change(void **state)
{
	(void)state;
	assert_int_equal(reload(change_invalid_values), 3);
}

static void
drop_meter_power(struct pue_config *cfg)
{
	struct pue_sum *fac = &cfg->pue.facility;

	fac->terms[0] = fac->terms[--fac->n_terms];
}

/* A reading of meter/power that the limit of a point which has shown
 * 100 kW (energy.h: 10 x, at least 1 MW) rejects and a fresh one takes. */
static int
read_5_mw(struct pue_engine *e)
{
	struct pue_reading r = {.wall = {T0 + 2000}, .value = 5000, .raw = {.value = 5000}};

	return pue_engine_reading(e, 0, 0, &r, NULL);
}

/* The reload carries a point's state to the new engine whether its sums
 * use the point or not: taken out of them, meter/power is still judged by
 * the power it has shown, not afresh. */
static void
test_handover_keeps_the_limit_of_a_point_left_out_of_the_sums(void **state)
{
	struct pue_clock *clock = pue_clock_new_manual((pue_wall_t){T0});
	struct pue_config *old = load(site), *next = load(site);
	struct pue_engine *e = running(old, clock), *fresh;
	struct pue_engine_handover *h;

	(void)state;
	drop_meter_power(next);
	assert_non_null(fresh = pue_engine_new(next, clock, NULL, NULL));
	assert_int_equal(read_5_mw(fresh), 0);
	pue_engine_free(fresh);

	assert_non_null(h = pue_engine_handover_take(e));
	pue_engine_free(e);
	pue_config_free(old);
	assert_non_null(e = pue_engine_new(next, clock, NULL, NULL));
	assert_int_equal(pue_engine_handover_give(e, h), 4);
	pue_engine_handover_free(h);
	assert_int_equal(read_5_mw(e), PUE_E_RANGE);
	pue_engine_free(e);
	pue_config_free(next);
	pue_clock_free(clock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handover_unchanged_points_keep_their_state),
		cmocka_unit_test(test_handover_notices_a_scale_register_change),
		cmocka_unit_test(test_handover_notices_a_sum_column_change),
		cmocka_unit_test(test_handover_notices_an_invalid_values_change),
		cmocka_unit_test(test_handover_keeps_the_limit_of_a_point_left_out_of_the_sums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
