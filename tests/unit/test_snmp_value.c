/* SPDX-License-Identifier: MIT */
/*
 * test_snmp_value.c - from SNMP varbinds to raw numbers (snmp_value.c):
 * every type pued reads, the exact counts counters keep, numbers in
 * strings, sentinels, column sums, numeric OIDs, and every way a value is
 * refused (exceptions, wrong types, lengths that do not match the type).
 * Varbinds are built with net-snmp's own snmp_varlist_add_variable(), as
 * its parser fills them.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/energy.h"
#include "poll/snmp_value.h"

static const oid name[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1, 1, 0};

static netsnmp_variable_list *
vb_new(u_char type, const void *value, size_t len)
{
	netsnmp_variable_list *vars = NULL;

	assert_non_null(snmp_varlist_add_variable(&vars, name, sizeof(name) / sizeof(name[0]), type,
						  value, len));
	return vars;
}

/* Converts and expects success; frees vb. */
static struct pue_raw
convert_ok(netsnmp_variable_list *vb)
{
	struct pue_raw raw = {0};
	struct pue_err err = {0};

	if (pue_snmp_value_raw(vb, &raw, &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
	snmp_free_varbind(vb);
	return raw;
}

/* Converts and expects code with a message containing want; frees vb. */
static void
convert_fails(netsnmp_variable_list *vb, int code, const char *want)
{
	struct pue_raw raw = {0};
	struct pue_err err = {0};

	assert_int_equal(pue_snmp_value_raw(vb, &raw, &err), code);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	snmp_free_varbind(vb);
}

static void
test_snmp_value_integer_keeps_twos_complement_count(void **state)
{
	long v = -5;
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_INTEGER, &v, sizeof(v)));
	assert_true(r.value == -5);
	assert_true(r.has_count);
	assert_true(r.count == (uint64_t)-5);
	v = 2147483647;
	r = convert_ok(vb_new(ASN_INTEGER, &v, sizeof(v)));
	assert_true(r.value == 2147483647.0);
	assert_true(r.count == 2147483647u);
}

static void
test_snmp_value_integer_outside_integer32_is_a_protocol_error(void **state)
{
	long v = 1;
	netsnmp_variable_list *vb = vb_new(ASN_INTEGER, &v, sizeof(v));

	(void)state;
	*vb->val.integer = 1L << 40; /* net-snmp's builder would truncate it */
	convert_fails(vb, PUE_E_PROTO, "outside Integer32");
}

static void
test_snmp_value_unsigned_types_are_exact_up_to_2_32(void **state)
{
	unsigned long v = 4294967295UL;
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_COUNTER, &v, sizeof(v)));
	assert_true(r.has_count && r.count == 4294967295u && r.value == 4294967295.0);
	v = 960000;
	r = convert_ok(vb_new(ASN_GAUGE, &v, sizeof(v))); /* also Unsigned32 */
	assert_true(r.count == 960000 && r.value == 960000);
	r = convert_ok(vb_new(ASN_UINTEGER, &v, sizeof(v)));
	assert_true(r.count == 960000);
}

static void
test_snmp_value_counter32_above_2_32_is_a_protocol_error(void **state)
{
	unsigned long v = 1;
	netsnmp_variable_list *vb = vb_new(ASN_COUNTER, &v, sizeof(v));

	(void)state;
	*(unsigned long *)vb->val.integer = 4294967296UL;
	convert_fails(vb, PUE_E_PROTO, "Counter32 4294967296 above");
}

static void
test_snmp_value_counter64_count_is_exact_beyond_2_53(void **state)
{
	struct counter64 c = {.high = 0x00300000UL, .low = 7};
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_COUNTER64, &c, sizeof(c)));
	assert_true(r.has_count);
	assert_true(r.count == ((uint64_t)0x00300000 << 32 | 7)); /* 2^53.6: no double holds it */
	r = convert_ok(vb_new(ASN_OPAQUE_U64, &c, sizeof(c)));
	assert_true(r.count == ((uint64_t)0x00300000 << 32 | 7));
}

static void
test_snmp_value_opaque_i64_is_signed(void **state)
{
	struct counter64 c = {.high = 0xffffffffUL, .low = 0xfffffffeUL};
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_OPAQUE_I64, &c, sizeof(c)));
	assert_true(r.value == -2);
}

static void
test_snmp_value_counter64_halves_out_of_range_are_refused(void **state)
{
	struct counter64 c = {.high = 1, .low = 0};
	netsnmp_variable_list *vb = vb_new(ASN_COUNTER64, &c, sizeof(c));

	(void)state;
	vb->val.counter64->high = 0x100000000UL;
	convert_fails(vb, PUE_E_PROTO, "halves out of range");
}

static void
test_snmp_value_opaque_float_and_double(void **state)
{
	float f = 960.5f;
	double d = 52163268.843602;
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_OPAQUE_FLOAT, &f, sizeof(f)));
	assert_true(r.value == 960.5 && !r.has_count);
	r = convert_ok(vb_new(ASN_OPAQUE_DOUBLE, &d, sizeof(d)));
	assert_true(r.value == d && !r.has_count);
}

static void
test_snmp_value_nan_float_is_a_range_error(void **state)
{
	float f = NAN;

	(void)state;
	convert_fails(vb_new(ASN_OPAQUE_FLOAT, &f, sizeof(f)), PUE_E_RANGE, "NaN");
}

static void
test_snmp_value_wrong_lengths_are_protocol_errors(void **state)
{
	long v = 1;
	float f = 1;
	netsnmp_variable_list *vb;

	(void)state;
	vb = vb_new(ASN_INTEGER, &v, sizeof(v));
	vb->val_len = 4;
	convert_fails(vb, PUE_E_PROTO, "INTEGER of 4 bytes");
	vb = vb_new(ASN_OPAQUE_FLOAT, &f, sizeof(f));
	vb->val_len = 8;
	convert_fails(vb, PUE_E_PROTO, "Opaque float of 8 bytes");
}

static void
test_snmp_value_exceptions_name_themselves(void **state)
{
	(void)state;
	convert_fails(vb_new(SNMP_NOSUCHOBJECT, NULL, 0), PUE_E_DEVICE, "noSuchObject");
	convert_fails(vb_new(SNMP_NOSUCHINSTANCE, NULL, 0), PUE_E_DEVICE, "noSuchInstance");
	convert_fails(vb_new(SNMP_ENDOFMIBVIEW, NULL, 0), PUE_E_DEVICE, "endOfMibView");
}

static void
test_snmp_value_other_types_are_refused_by_name(void **state)
{
	unsigned long ticks = 100;
	const u_char raw[] = {1, 2};
	const u_char ip[] = {127, 0, 0, 1};

	(void)state;
	convert_fails(vb_new(ASN_TIMETICKS, &ticks, sizeof(ticks)), PUE_E_DEVICE,
		      "TimeTicks is not a number");
	convert_fails(vb_new(ASN_IPADDRESS, ip, sizeof(ip)), PUE_E_DEVICE, "IpAddress");
	convert_fails(vb_new(ASN_OPAQUE, raw, sizeof(raw)), PUE_E_DEVICE,
		      "Opaque of 2 bytes holds no float");
}

static void
test_snmp_value_strings_hold_decimal_numbers(void **state)
{
	struct pue_raw r;

	(void)state;
	r = convert_ok(vb_new(ASN_OCTET_STR, "12.5", 4));
	assert_true(r.value == 12.5 && !r.has_count);
	r = convert_ok(vb_new(ASN_OCTET_STR, " 960000 ", 8));
	assert_true(r.value == 960000 && r.has_count && r.count == 960000);
	r = convert_ok(vb_new(ASN_OCTET_STR, "-3", 2));
	assert_true(r.value == -3 && r.has_count && r.count == (uint64_t)-3);
	r = convert_ok(vb_new(ASN_OCTET_STR, "1.5e3", 5));
	assert_true(r.value == 1500);
	r = convert_ok(vb_new(ASN_OCTET_STR, "800\0\0", 5)); /* NUL padding */
	assert_true(r.value == 800);
	r = convert_ok(vb_new(ASN_OCTET_STR, "18446744073709551615", 20));
	assert_true(r.has_count && r.count == UINT64_MAX);
}

static void
test_snmp_value_strings_that_are_not_numbers_are_refused(void **state)
{
	static const char *const bad[] = {"n/a",   "0x10", "inf", "nan", "",	  "   ",
					  "1.2.3", "12,5", "1e",  "-",	 "12 kW", "+.e1"};
	char long_one[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		convert_fails(vb_new(ASN_OCTET_STR, bad[i], strlen(bad[i])), PUE_E_DEVICE,
			      "is not a decimal number");
	memset(long_one, '1', sizeof(long_one));
	convert_fails(vb_new(ASN_OCTET_STR, long_one, sizeof(long_one)), PUE_E_DEVICE, "...");
	convert_fails(vb_new(ASN_OCTET_STR, "1\x01", 2), PUE_E_DEVICE, "\"1?\"");
}

static void
test_snmp_value_column_sum_of_wrapping_counters_differences_exactly(void **state)
{
	struct pue_raw a = {.value = 4294967000.0, .count = 4294967000u, .has_count = true};
	struct pue_raw b = {.value = 500, .count = 500, .has_count = true};
	struct pue_raw sum1 = pue_snmp_value_sum_start(), sum2 = pue_snmp_value_sum_start();
	struct pue_raw f = {.value = 1.5};

	(void)state;
	pue_snmp_value_raw_add(&sum1, &a);
	pue_snmp_value_raw_add(&sum1, &b);
	/* Both rows advance by 1000; row a wraps. */
	a.count = (a.count + 1000) & 0xffffffffu;
	b.count += 1000;
	pue_snmp_value_raw_add(&sum2, &a);
	pue_snmp_value_raw_add(&sum2, &b);
	assert_true(((sum2.count - sum1.count) & 0xffffffffu) == 2000);
	pue_snmp_value_raw_add(&sum2, &f);
	assert_false(sum2.has_count);
}

/* Adds a row of type type holding v to sum, as a column walk does. */
static void
add_row(struct pue_raw *sum, u_char type, long v)
{
	struct pue_raw row = convert_ok(vb_new(type, &v, sizeof(v)));

	pue_snmp_value_raw_add(sum, &row);
}

/* The same for a sum_column of Counter32 rows: the sum wraps at the rows'
 * width, so a row that wraps adds its energy and is no meter reset; a sum
 * with a row of no width (an INTEGER) says none. */
static void
test_snmp_value_column_of_counter32_rows_wraps_as_energy(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 0};
	struct pue_energy e = {0};
	struct pue_reading r1 = {.wall = {1000}, .raw = pue_snmp_value_sum_start()};
	struct pue_reading r2 = {.wall = {2000}, .raw = pue_snmp_value_sum_start()};
	struct pue_raw mixed = pue_snmp_value_sum_start();
	struct pue_interval iv;

	(void)state;
	add_row(&r1.raw, ASN_COUNTER, 4294967000L);
	add_row(&r1.raw, ASN_COUNTER, 500);
	r1.value = r1.raw.value / 1000;
	add_row(&r2.raw, ASN_COUNTER, 200); /* wrapped */
	add_row(&r2.raw, ASN_COUNTER, 700);
	r2.value = r2.raw.value / 1000;
	assert_int_equal(r2.raw.bits, 32);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r1, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r2, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.696) < 1e-12); /* 296 + 200 + 200 Wh */

	add_row(&mixed, ASN_COUNTER, 700);
	add_row(&mixed, ASN_INTEGER, 7);
	assert_int_equal(mixed.bits, 0);
}

/* The whole way of a wrapping Counter32: varbind, raw count, energy. The
 * configuration says no width (SNMP's default): the type says 32. */
static void
test_snmp_value_counter32_wrap_is_energy_not_a_reset(void **state)
{
	struct pue_point p = {
		.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1, .counter_bits = 0};
	struct pue_energy e = {0};
	struct pue_reading r1 = {.wall = {1000}}, r2 = {.wall = {2000}};
	struct pue_interval iv;
	unsigned long before = 4294967000UL, after = 200;

	(void)state;
	r1.raw = convert_ok(vb_new(ASN_COUNTER, &before, sizeof(before)));
	r1.value = r1.raw.value / 1000;
	r2.raw = convert_ok(vb_new(ASN_COUNTER, &after, sizeof(after)));
	r2.value = r2.raw.value / 1000;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r1, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r2, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.496) < 1e-12); /* 296 + 200 Wh */
}

/* A Counter64 that goes down is a reset, whatever its low 32 bits do: a
 * 32-bit mask would read 3 x 2^32 + 10 -> 2^32 + 50 as 40 Wh of energy. */
static void
test_snmp_value_counter64_going_down_is_a_reset_not_energy(void **state)
{
	struct pue_point p = {.kind = PUE_KIND_ENERGY, .unit = PUE_UNIT_WH, .scale = 1};
	struct pue_energy e = {0};
	struct pue_reading r1 = {.wall = {1000}}, r2 = {.wall = {2000}}, r3 = {.wall = {3000}};
	struct counter64 before = {.high = 3, .low = 10}, after = {.high = 1, .low = 50},
			 then = {.high = 1, .low = 80};
	struct pue_interval iv;

	(void)state;
	r1.raw = convert_ok(vb_new(ASN_COUNTER64, &before, sizeof(before)));
	r2.raw = convert_ok(vb_new(ASN_COUNTER64, &after, sizeof(after)));
	r3.raw = convert_ok(vb_new(ASN_COUNTER64, &then, sizeof(then)));
	assert_int_equal(r1.raw.bits, 64);
	r1.value = r1.raw.value / 1000;
	r2.value = r2.raw.value / 1000;
	r3.value = r3.raw.value / 1000;
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r1, &iv), PUE_ENERGY_FIRST);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r2, &iv), PUE_ENERGY_RESET);
	assert_int_equal(pue_energy_update(&e, &p, 1000, &r3, &iv), PUE_ENERGY_INTERVAL);
	assert_true(fabs(iv.energy_kwh - 0.030) < 1e-12);
}

static void
test_snmp_value_sentinels_compare_the_raw_value(void **state)
{
	double sentinels[] = {-1, 2147483647};
	struct pue_point_conf p = {.invalid_values = sentinels, .n_invalid_values = 2};
	struct pue_raw minus = {.value = -1}, max = {.value = 2147483647}, ok = {.value = 0};

	(void)state;
	assert_true(pue_snmp_value_is_invalid(&p, &minus));
	assert_true(pue_snmp_value_is_invalid(&p, &max));
	assert_false(pue_snmp_value_is_invalid(&p, &ok));
	p.n_invalid_values = 0;
	assert_false(pue_snmp_value_is_invalid(&p, &minus));
}

static void
test_snmp_value_oid_parse_and_format(void **state)
{
	oid o[MAX_OID_LEN];
	size_t n = 0;
	char buf[64], tiny[12];
	static const char *const bad[] = {"1", "1..2", "3.1", "1.2.4294967296", "abc", "1.2.",
					  "",  ".",    "1.2a"};
	char many[600];
	size_t i;

	(void)state;
	assert_int_equal(pue_snmp_value_oid_parse(".1.3.6.1.2.1.33.1.4.4.1.4", o, MAX_OID_LEN, &n),
			 0);
	assert_int_equal(n, 12);
	assert_true(o[6] == 33 && o[11] == 4);
	assert_int_equal(pue_snmp_value_oid_parse("1.3.4294967295", o, MAX_OID_LEN, &n), 0);
	assert_true(o[2] == 4294967295u);
	pue_snmp_value_oid_format(o, n, buf, sizeof(buf));
	assert_string_equal(buf, "1.3.4294967295");
	pue_snmp_value_oid_format(o, n, tiny, sizeof(tiny));
	assert_string_equal(tiny, "1.3.4294...");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pue_snmp_value_oid_parse(bad[i], o, MAX_OID_LEN, &n), -EINVAL);
	strcpy(many, "1");
	for (i = 0; i < 200; i++)
		strcat(many, ".1");
	assert_int_equal(pue_snmp_value_oid_parse(many, o, MAX_OID_LEN, &n), -E2BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snmp_value_integer_keeps_twos_complement_count),
		cmocka_unit_test(test_snmp_value_integer_outside_integer32_is_a_protocol_error),
		cmocka_unit_test(test_snmp_value_unsigned_types_are_exact_up_to_2_32),
		cmocka_unit_test(test_snmp_value_counter32_above_2_32_is_a_protocol_error),
		cmocka_unit_test(test_snmp_value_counter64_count_is_exact_beyond_2_53),
		cmocka_unit_test(test_snmp_value_opaque_i64_is_signed),
		cmocka_unit_test(test_snmp_value_counter64_halves_out_of_range_are_refused),
		cmocka_unit_test(test_snmp_value_opaque_float_and_double),
		cmocka_unit_test(test_snmp_value_nan_float_is_a_range_error),
		cmocka_unit_test(test_snmp_value_wrong_lengths_are_protocol_errors),
		cmocka_unit_test(test_snmp_value_exceptions_name_themselves),
		cmocka_unit_test(test_snmp_value_other_types_are_refused_by_name),
		cmocka_unit_test(test_snmp_value_strings_hold_decimal_numbers),
		cmocka_unit_test(test_snmp_value_strings_that_are_not_numbers_are_refused),
		cmocka_unit_test(
			test_snmp_value_column_sum_of_wrapping_counters_differences_exactly),
		cmocka_unit_test(test_snmp_value_counter32_wrap_is_energy_not_a_reset),
		cmocka_unit_test(test_snmp_value_column_of_counter32_rows_wraps_as_energy),
		cmocka_unit_test(test_snmp_value_counter64_going_down_is_a_reset_not_energy),
		cmocka_unit_test(test_snmp_value_sentinels_compare_the_raw_value),
		cmocka_unit_test(test_snmp_value_oid_parse_and_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
