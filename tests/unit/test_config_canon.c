/* SPDX-License-Identifier: MIT */
/*
 * test_config_canon.c - a point's canonical definition, which a reload
 * compares: every field of struct pue_point_conf changes it, except the
 * name (the match key) and where it was written; scale_register,
 * sum_column and invalid_values, which the old hand-kept list missed,
 * among them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config_canon.h"

static double sentinels[] = {-1, 2147483647};
static double other_sentinels[] = {-1, 65535};

/*
 * Every field of struct pue_point_conf, in declaration order, without
 * designators: a field added to the struct and not here fails the build
 * (-Wmissing-field-initializers under -Wextra -Werror). Whoever adds one
 * then adds it to the mutations below and to config_canon.c's put_point()
 * (or, when it does not shape the point's numbers, to the unchanged ones).
 */
static const struct pue_point_conf base = {
	"p",
	{PUE_KIND_ENERGY, PUE_UNIT_WH, 0.1, 2.5, 32, 5000.0, 60000, PUE_AT_PDU_OUTPUT},
	40,
	PUE_MB_INPUT,
	PUE_T_UINT32,
	PUE_ORDER_CDAB,
	true,
	44,
	"1.3.6.1.4.1.318.1.1.12.1.16.0",
	false,
	sentinels,
	2,
	12,
	7,
};

static const struct pue_device_conf meter = {
	.name = "ups-a",
	.protocol = PUE_PROTO_MODBUS_TCP,
	.modbus = {.host = "10.0.0.5", .port = 502, .unit_id = 3},
	.snmp = {.host = "10.0.0.6", .port = 161},
};

/* One change to one field. */
struct mutation {
	const char *field;
	void (*apply)(struct pue_point_conf *p);
};

static void
m_kind(struct pue_point_conf *p)
{
	p->num.kind = PUE_KIND_POWER;
}
static void
m_unit(struct pue_point_conf *p)
{
	p->num.unit = PUE_UNIT_KWH;
}
static void
m_scale(struct pue_point_conf *p)
{
	p->num.scale = 0.01;
}
static void
m_offset(struct pue_point_conf *p)
{
	p->num.offset = 0;
}
static void
m_counter_bits(struct pue_point_conf *p)
{
	p->num.counter_bits = 16;
}
static void
m_max_power(struct pue_point_conf *p)
{
	p->num.max_power_kw = 5001;
}
static void
m_max_gap(struct pue_point_conf *p)
{
	p->num.max_gap_ms = 60001;
}
static void
m_measured_at(struct pue_point_conf *p)
{
	p->num.measured_at = PUE_AT_IT_INPUT;
}
static void
m_address(struct pue_point_conf *p)
{
	p->address = 41;
}
static void
m_function(struct pue_point_conf *p)
{
	p->function = PUE_MB_HOLDING;
}
static void
m_type(struct pue_point_conf *p)
{
	p->type = PUE_T_INT32;
}
static void
m_word_order(struct pue_point_conf *p)
{
	p->word_order = PUE_ORDER_ABCD;
}
static void
m_has_sr(struct pue_point_conf *p)
{
	p->has_scale_register = false;
}
static void
m_scale_register(struct pue_point_conf *p)
{
	p->scale_register = 45;
}
static void
m_oid(struct pue_point_conf *p)
{
	p->oid = "1.3.6.1.4.1.318.1.1.12.1.17.0";
}
static void
m_no_oid(struct pue_point_conf *p)
{
	p->oid = NULL;
}
static void
m_sum_column(struct pue_point_conf *p)
{
	p->sum_column = true;
}
static void
m_invalid_values(struct pue_point_conf *p)
{
	p->invalid_values = other_sentinels;
}
static void
m_n_invalid(struct pue_point_conf *p)
{
	p->n_invalid_values = 1;
}
static void
m_name(struct pue_point_conf *p)
{
	p->name = "q";
}
static void
m_line(struct pue_point_conf *p)
{
	p->line = 99;
}
static void
m_column(struct pue_point_conf *p)
{
	p->column = 1;
}

static char *
canon_of(const struct pue_device_conf *d, void (*apply)(struct pue_point_conf *p))
{
	struct pue_point_conf p = base;
	char *s;

	if (apply != NULL)
		apply(&p);
	s = pue_config_canon_point(d, &p);
	assert_non_null(s);
	return s;
}

static void
test_canon_every_field_counts(void **state)
{
	static const struct mutation changes[] = {
		{"num.kind", m_kind},
		{"num.unit", m_unit},
		{"num.scale", m_scale},
		{"num.offset", m_offset},
		{"num.counter_bits", m_counter_bits},
		{"num.max_power_kw", m_max_power},
		{"num.max_gap_ms", m_max_gap},
		{"num.measured_at", m_measured_at},
		{"address", m_address},
		{"function", m_function},
		{"type", m_type},
		{"word_order", m_word_order},
		{"has_scale_register", m_has_sr},
		{"scale_register", m_scale_register},
		{"oid", m_oid},
		{"oid (none)", m_no_oid},
		{"sum_column", m_sum_column},
		{"invalid_values", m_invalid_values},
		{"n_invalid_values", m_n_invalid},
	};
	static const struct mutation same[] = {
		{"name", m_name}, /* the match key */
		{"line", m_line}, /* where it was written */
		{"column", m_column},
	};
	char *orig = canon_of(&meter, NULL), *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		s = canon_of(&meter, changes[i].apply);
		if (strcmp(s, orig) == 0)
			fail_msg("a change of %s leaves the definition as it was: %s",
				 changes[i].field, s);
		free(s);
	}
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		s = canon_of(&meter, same[i].apply);
		if (strcmp(s, orig) != 0)
			fail_msg("a change of %s changes the definition", same[i].field);
		free(s);
	}
	free(orig);
}

static void
test_canon_scale_register_change_is_noticed(void **state)
{
	char *a = canon_of(&meter, NULL), *b = canon_of(&meter, m_scale_register),
	     *c = canon_of(&meter, m_has_sr);

	(void)state;
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void
test_canon_sum_column_change_is_noticed(void **state)
{
	char *a = canon_of(&meter, NULL), *b = canon_of(&meter, m_sum_column);

	(void)state;
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void
test_canon_invalid_values_change_is_noticed(void **state)
{
	double same_values[] = {-1, 2147483647}; /* equal values elsewhere in memory */
	struct pue_point_conf p = base;
	char *a = canon_of(&meter, NULL), *b = canon_of(&meter, m_invalid_values),
	     *c = canon_of(&meter, m_n_invalid), *d;

	(void)state;
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	p.invalid_values = same_values;
	d = pue_config_canon_point(&meter, &p);
	assert_string_equal(a, d); /* values compared, not pointers */
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_canon_meter_counts_not_its_other_settings(void **state)
{
	struct pue_device_conf other = meter;
	char *a = canon_of(&meter, NULL), *b;

	(void)state;
	other.modbus.unit_id = 4; /* another meter behind the gateway */
	b = canon_of(&other, NULL);
	assert_string_not_equal(a, b);
	free(b);
	other = meter;
	other.modbus.host = "10.0.0.7";
	b = canon_of(&other, NULL);
	assert_string_not_equal(a, b);
	free(b);
	other = meter;
	other.name = "ups-b";	       /* matched by name, not compared */
	other.timeout_ms = 5000;       /* how it is read, not what it measures */
	other.poll_interval_ms = 2000; /* the same */
	b = canon_of(&other, NULL);
	assert_string_equal(a, b);
	free(b);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_every_field_counts),
		cmocka_unit_test(test_canon_scale_register_change_is_noticed),
		cmocka_unit_test(test_canon_sum_column_change_is_noticed),
		cmocka_unit_test(test_canon_invalid_values_change_is_noticed),
		cmocka_unit_test(test_canon_meter_counts_not_its_other_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
