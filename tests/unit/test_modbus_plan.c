/* SPDX-License-Identifier: MIT */
/*
 * test_modbus_plan.c - merging a device's points (and their scale-factor
 * registers) into the fewest reads within max_gap_registers and
 * max_read_registers; the bundled SDM630 map read in 2 requests a poll.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "poll/modbus_plan.h"

#define MAX_POINTS 32

struct fixture {
	struct pue_device_conf dev;
	struct pue_point_conf points[MAX_POINTS];
};

static void
init(struct fixture *f, uint16_t max_read, uint16_t max_gap)
{
	memset(f, 0, sizeof(*f));
	f->dev.name = "d";
	f->dev.protocol = PUE_PROTO_MODBUS_TCP;
	f->dev.modbus.max_read_registers = max_read;
	f->dev.modbus.max_gap_registers = max_gap;
	f->dev.points = f->points;
}

static struct pue_point_conf *
add(struct fixture *f, enum pue_mb_function fn, uint16_t address, enum pue_dtype t)
{
	struct pue_point_conf *p = &f->points[f->dev.n_points++];

	p->name = "p";
	p->function = fn;
	p->address = address;
	p->type = t;
	return p;
}

static void
test_plan_twenty_adjacent_points_are_one_read(void **state)
{
	struct pue_mb_plan plan;
	struct fixture f;
	unsigned i;

	(void)state;
	init(&f, 125, 16);
	for (i = 0; i < 20; i++) /* listed backwards: the plan sorts */
		add(&f, PUE_MB_HOLDING, (uint16_t)(2 * (19 - i)), PUE_T_FLOAT32);
	assert_int_equal(pue_modbus_plan(&f.dev, &plan, NULL), 0);
	assert_int_equal(plan.n_reads, 1);
	assert_int_equal(plan.reads[0].address, 0);
	assert_int_equal(plan.reads[0].count, 40);
	assert_int_equal(plan.point_reg[0], 38);
	assert_int_equal(plan.point_sf_read[0], PUE_MB_NO_SF);
	pue_modbus_plan_free(&plan);
}

static void
test_plan_splits_on_gap_size_function_and_limit(void **state)
{
	struct pue_mb_plan plan;
	struct fixture f;

	(void)state;
	init(&f, 10, 4);
	add(&f, PUE_MB_HOLDING, 0, PUE_T_UINT32);  /* 0..1 */
	add(&f, PUE_MB_HOLDING, 6, PUE_T_UINT32);  /* gap of 4: same read, 0..7 */
	add(&f, PUE_MB_HOLDING, 13, PUE_T_UINT16); /* gap of 5: next read */
	add(&f, PUE_MB_HOLDING, 20, PUE_T_UINT64); /* gap of 6 after 13: next read */
	add(&f, PUE_MB_INPUT, 0, PUE_T_UINT32);	   /* another function: its own read */
	add(&f, PUE_MB_HOLDING, 24, PUE_T_UINT64); /* 20..27 is 8 <= 10 */
	add(&f, PUE_MB_HOLDING, 30, PUE_T_UINT16); /* 20..30 would be 11 > 10 */
	assert_int_equal(pue_modbus_plan(&f.dev, &plan, NULL), 0);
	assert_int_equal(plan.n_reads, 5);
	assert_int_equal(plan.reads[0].address, 0);
	assert_int_equal(plan.reads[0].count, 8);
	assert_int_equal(plan.reads[1].address, 13);
	assert_int_equal(plan.reads[1].count, 1);
	assert_int_equal(plan.reads[2].address, 20);
	assert_int_equal(plan.reads[2].count, 8);
	assert_int_equal(plan.reads[3].address, 30);
	assert_int_equal(plan.reads[4].function, PUE_MB_INPUT);
	assert_int_equal(plan.point_read[4], 4);
	assert_int_equal(plan.point_read[5], 2);
	assert_int_equal(plan.point_reg[5], plan.reads[2].first_reg + 4);
	assert_int_equal(plan.n_regs, 8 + 1 + 8 + 1 + 2);
	pue_modbus_plan_free(&plan);
}

static void
test_plan_merges_scale_factor_registers(void **state)
{
	struct pue_mb_plan plan;
	struct pue_point_conf *p;
	struct fixture f;

	(void)state;
	init(&f, 125, 16);
	p = add(&f, PUE_MB_HOLDING, 0, PUE_T_UINT16);
	p->has_scale_register = true;
	p->scale_register = 4; /* inside the gap: one read 0..4 */
	p = add(&f, PUE_MB_HOLDING, 2, PUE_T_UINT16);
	p->has_scale_register = true;
	p->scale_register = 4; /* shared with the first point */
	p = add(&f, PUE_MB_HOLDING, 60, PUE_T_INT32);
	p->has_scale_register = true;
	p->scale_register = 100; /* 38 registers away: a read of its own */
	assert_int_equal(pue_modbus_plan(&f.dev, &plan, NULL), 0);
	assert_int_equal(plan.n_reads, 3);
	assert_int_equal(plan.reads[0].address, 0);
	assert_int_equal(plan.reads[0].count, 5);
	assert_int_equal(plan.point_sf_read[0], 0);
	assert_int_equal(plan.point_sf_reg[0], 4);
	assert_int_equal(plan.point_sf_reg[1], 4);
	assert_int_equal(plan.point_read[2], 1);
	assert_int_equal(plan.point_sf_read[2], 2);
	assert_int_equal(plan.reads[2].address, 100);
	assert_int_equal(plan.point_sf_reg[2], plan.reads[2].first_reg);
	pue_modbus_plan_free(&plan);
}

static void
test_plan_rejects_point_wider_than_a_read(void **state)
{
	struct pue_mb_plan plan;
	struct pue_err err;
	struct fixture f;

	(void)state;
	init(&f, 2, 0);
	add(&f, PUE_MB_HOLDING, 0, PUE_T_FLOAT64);
	assert_int_equal(pue_modbus_plan(&f.dev, &plan, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "does not fit in one read of at most 2 registers"));
	assert_null(plan.reads);
}

/* A device of the bundled map (conf/meters/sdm630.yaml, found next to the
 * configuration's path; tests/run works from the top of the tree), and
 * the same with its own max_gap_registers. */
static int
plan_sdm630(const char *modbus_extra, struct pue_mb_plan *plan, uint16_t *gap)
{
	char yaml[1024];
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	size_t i;
	int rc;

	snprintf(yaml, sizeof(yaml),
		 "site: t\n"
		 "devices:\n"
		 "  - name: incomer\n"
		 "    protocol: modbus_tcp\n"
		 "    modbus: {host: 127.0.0.1%s}\n"
		 "    map: sdm630\n"
		 "    points: [{name: energy_total, register: 0x0156, function: input,"
		 " type: float32, word_order: ABCD, unit: kWh, kind: energy,"
		 " measured_at: ups_output}]\n"
		 "pue:\n"
		 "  facility: {add: [incomer/energy]}\n"
		 "  it: {add: [incomer/energy_total]}\n"
		 "  windows: [15m]\n"
		 "  alert_window: 15m\n"
		 "storage: {path: /tmp/x.db}\n"
		 "control: {socket: /tmp/x.sock}\n",
		 modbus_extra);
	if (pue_config_load_buffer("conf/t.yaml", yaml, strlen(yaml), &cfg, &d) != 0) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		pue_config_diags_free(&d);
		return -1;
	}
	*gap = cfg->devices[0].modbus.max_gap_registers;
	rc = pue_modbus_plan(&cfg->devices[0], plan, NULL);
	pue_config_free(cfg);
	return rc;
}

static void
test_plan_sdm630_map_is_two_reads_a_poll(void **state)
{
	struct pue_mb_plan plan;
	uint16_t gap;

	(void)state;
	assert_int_equal(plan_sdm630("", &plan, &gap), 0);
	assert_int_equal(gap, 34);
	/* 0x000C..0x004B: phase powers, total power, import and export; then
	 * 0x0156, the total, too far to merge */
	assert_int_equal(plan.n_reads, 2);
	assert_int_equal(plan.reads[0].address, 0x000C);
	assert_int_equal(plan.reads[0].count, 64);
	assert_int_equal(plan.reads[1].address, 0x0156);
	assert_int_equal(plan.reads[1].count, 2);
	pue_modbus_plan_free(&plan);
	/* the device's own gap wins: 16 splits at the 18- and 34-register gaps */
	assert_int_equal(plan_sdm630(", max_gap_registers: 16", &plan, &gap), 0);
	assert_int_equal(gap, 16);
	assert_int_equal(plan.n_reads, 4);
	pue_modbus_plan_free(&plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_twenty_adjacent_points_are_one_read),
		cmocka_unit_test(test_plan_splits_on_gap_size_function_and_limit),
		cmocka_unit_test(test_plan_merges_scale_factor_registers),
		cmocka_unit_test(test_plan_rejects_point_wider_than_a_read),
		cmocka_unit_test(test_plan_sdm630_map_is_two_reads_a_poll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
