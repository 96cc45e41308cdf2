/* SPDX-License-Identifier: MIT */
/* test_decode.c - register types, word orders, scale and units. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decode.h"

/* 0x12345678 as registers in each 32-bit order. */
static const uint16_t u32_abcd[] = {0x1234, 0x5678};
static const uint16_t u32_cdab[] = {0x5678, 0x1234};
static const uint16_t u32_badc[] = {0x3412, 0x7856};
static const uint16_t u32_dcba[] = {0x7856, 0x3412};

static double
decode(const uint16_t *regs, size_t n, enum pue_dtype t, enum pue_word_order o)
{
	struct pue_raw raw;
	struct pue_err err;

	assert_int_equal(pue_decode_raw(regs, n, t, o, &raw, &err), 0);
	return raw.value;
}

static void
test_decode_uint32_all_word_orders(void **state)
{
	(void)state;
	assert_true(decode(u32_abcd, 2, PUE_T_UINT32, PUE_ORDER_ABCD) == 0x12345678);
	assert_true(decode(u32_cdab, 2, PUE_T_UINT32, PUE_ORDER_CDAB) == 0x12345678);
	assert_true(decode(u32_badc, 2, PUE_T_UINT32, PUE_ORDER_BADC) == 0x12345678);
	assert_true(decode(u32_dcba, 2, PUE_T_UINT32, PUE_ORDER_DCBA) == 0x12345678);
}

static void
test_decode_int16_and_uint16(void **state)
{
	const uint16_t neg[] = {0xFFFE};

	(void)state;
	assert_true(decode(neg, 1, PUE_T_INT16, PUE_ORDER_ABCD) == -2);
	assert_true(decode(neg, 1, PUE_T_UINT16, PUE_ORDER_ABCD) == 65534);
	/* BADC on one register swaps its bytes. */
	assert_true(decode(neg, 1, PUE_T_UINT16, PUE_ORDER_BADC) == 0xFEFF);
}

static void
test_decode_int32_negative_in_cdab(void **state)
{
	/* -100000 = 0xFFFE7960 */
	const uint16_t regs[] = {0x7960, 0xFFFE};

	(void)state;
	assert_true(decode(regs, 2, PUE_T_INT32, PUE_ORDER_CDAB) == -100000);
}

static void
test_decode_float32_all_word_orders(void **state)
{
	/* 960.0f = 0x44700000 */
	const uint16_t abcd[] = {0x4470, 0x0000}, cdab[] = {0x0000, 0x4470};
	const uint16_t badc[] = {0x7044, 0x0000}, dcba[] = {0x0000, 0x7044};

	(void)state;
	assert_true(decode(abcd, 2, PUE_T_FLOAT32, PUE_ORDER_ABCD) == 960.0);
	assert_true(decode(cdab, 2, PUE_T_FLOAT32, PUE_ORDER_CDAB) == 960.0);
	assert_true(decode(badc, 2, PUE_T_FLOAT32, PUE_ORDER_BADC) == 960.0);
	assert_true(decode(dcba, 2, PUE_T_FLOAT32, PUE_ORDER_DCBA) == 960.0);
}

static void
test_decode_64bit_types_all_orders(void **state)
{
	/* 0x0102030405060708 in ABCDEFGH, GHEFCDAB, BADCFEHG, HGFEDCBA. */
	const uint16_t abcd[] = {0x0102, 0x0304, 0x0506, 0x0708};
	const uint16_t cdab[] = {0x0708, 0x0506, 0x0304, 0x0102};
	const uint16_t badc[] = {0x0201, 0x0403, 0x0605, 0x0807};
	const uint16_t dcba[] = {0x0807, 0x0605, 0x0403, 0x0201};
	/* 1234.5 as a double = 0x40934A0000000000 */
	const uint16_t dbl[] = {0x4093, 0x4A00, 0x0000, 0x0000};
	const uint16_t neg[] = {0xFFFF, 0xFFFF, 0xFFFF, 0xFFF6};
	struct pue_raw raw;

	(void)state;
	assert_int_equal(pue_decode_raw(abcd, 4, PUE_T_UINT64, PUE_ORDER_ABCD, &raw, NULL), 0);
	assert_true(raw.count == UINT64_C(0x0102030405060708));
	assert_int_equal(pue_decode_raw(cdab, 4, PUE_T_UINT64, PUE_ORDER_CDAB, &raw, NULL), 0);
	assert_true(raw.count == UINT64_C(0x0102030405060708));
	assert_int_equal(pue_decode_raw(badc, 4, PUE_T_UINT64, PUE_ORDER_BADC, &raw, NULL), 0);
	assert_true(raw.count == UINT64_C(0x0102030405060708));
	assert_int_equal(pue_decode_raw(dcba, 4, PUE_T_UINT64, PUE_ORDER_DCBA, &raw, NULL), 0);
	assert_true(raw.count == UINT64_C(0x0102030405060708));
	assert_true(decode(dbl, 4, PUE_T_FLOAT64, PUE_ORDER_ABCD) == 1234.5);
	assert_true(decode(neg, 4, PUE_T_INT64, PUE_ORDER_ABCD) == -10);
}

static void
test_decode_rejects_nan_and_wrong_length(void **state)
{
	const uint16_t nan32[] = {0x7FC0, 0x0000}, inf32[] = {0x7F80, 0x0000};
	struct pue_raw raw;
	struct pue_err err;

	(void)state;
	assert_int_equal(pue_decode_raw(nan32, 2, PUE_T_FLOAT32, PUE_ORDER_ABCD, &raw, &err),
			 PUE_E_RANGE);
	assert_non_null(strstr(err.msg, "NaN"));
	assert_int_equal(pue_decode_raw(inf32, 2, PUE_T_FLOAT32, PUE_ORDER_ABCD, &raw, &err),
			 PUE_E_RANGE);
	assert_non_null(strstr(err.msg, "infinite"));
	assert_true(pue_decode_raw(nan32, 1, PUE_T_FLOAT32, PUE_ORDER_ABCD, &raw, &err) < 0);
}

static void
test_decode_scale_and_units_to_kw_and_kwh(void **state)
{
	struct pue_point p = {.scale = 1, .unit = PUE_UNIT_W};
	struct pue_raw raw = {.value = 960000};
	double v;

	(void)state;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), 0);
	assert_true(fabs(v - 960.0) < 1e-9);
	p.unit = PUE_UNIT_MW;
	raw.value = 1.5;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), 0);
	assert_true(fabs(v - 1500.0) < 1e-9);
	/* tenths of a kWh with an offset */
	p.unit = PUE_UNIT_KWH;
	p.scale = 0.1;
	p.offset = 5;
	raw.value = 1000;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), 0);
	assert_true(fabs(v - 105.0) < 1e-9);
	p.unit = PUE_UNIT_WH;
	p.scale = 1;
	p.offset = 0;
	raw.value = 2000;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), 0);
	assert_true(fabs(v - 2.0) < 1e-9);
	p.unit = PUE_UNIT_MWH;
	raw.value = 2;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), 0);
	assert_true(fabs(v - 2000.0) < 1e-9);
	p.unit = PUE_UNIT_KW;
	p.scale = 1e308;
	raw.value = 1e308;
	assert_int_equal(pue_decode_scale(&p, &raw, &v, NULL), PUE_E_RANGE);
}

static void
test_decode_sunssf_scales_and_rejects_not_implemented(void **state)
{
	struct pue_err err;
	int sf = 99;

	(void)state;
	assert_int_equal(pue_decode_sunssf(0xFFFF, &sf, &err), 0); /* int16 -1 */
	assert_int_equal(sf, -1);
	assert_true(pue_decode_apply_sunssf(9600, sf) == 960.0);
	assert_true(pue_decode_apply_sunssf(1234, -1) == 123.4); /* divides: the nearest double */
	assert_int_equal(pue_decode_sunssf(3, &sf, &err), 0);
	assert_true(pue_decode_apply_sunssf(96, sf) == 96000.0);
	assert_int_equal(pue_decode_sunssf(10, &sf, &err), 0);
	assert_int_equal(pue_decode_sunssf((uint16_t)-10, &sf, &err), 0);
	sf = 99;
	assert_int_equal(pue_decode_sunssf(0x8000, &sf, &err), PUE_E_RANGE);
	assert_non_null(strstr(err.msg, "not implemented"));
	assert_int_equal(pue_decode_sunssf(11, &sf, &err), PUE_E_RANGE);
	assert_non_null(strstr(err.msg, "scale factor 11 outside -10..10"));
	assert_int_equal(pue_decode_sunssf((uint16_t)-11, &sf, &err), PUE_E_RANGE);
	assert_int_equal(sf, 99); /* untouched on failure */
}

/* A SunSpec model marks a value it does not implement with the type's
 * sentinel; behind a scale register that is no reading, never a number. */
static void
test_decode_sunspec_value_sentinels(void **state)
{
	static const struct {
		enum pue_dtype t;
		uint16_t regs[4];
	} unset[] = {
		{PUE_T_INT16, {0x8000}},	  {PUE_T_UINT16, {0xFFFF}},
		{PUE_T_INT32, {0x8000, 0x0000}},  {PUE_T_UINT32, {0xFFFF, 0xFFFF}},
		{PUE_T_INT64, {0x8000, 0, 0, 0}}, {PUE_T_UINT64, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}},
	};
	struct pue_raw raw;
	struct pue_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(unset) / sizeof(unset[0]); i++) {
		assert_int_equal(pue_decode_raw(unset[i].regs,
						pue_decode_dtype_registers(unset[i].t), unset[i].t,
						PUE_ORDER_ABCD, &raw, &err),
				 0);
		assert_int_equal(pue_decode_sunspec_value(unset[i].t, &raw, &err), PUE_E_RANGE);
		assert_non_null(strstr(err.msg, "not implemented"));
	}
	/* Their neighbours are readings. */
	raw = (struct pue_raw){.value = -32767, .count = 0x8001, .has_count = true};
	assert_int_equal(pue_decode_sunspec_value(PUE_T_INT16, &raw, &err), 0);
	raw = (struct pue_raw){.value = 65534, .count = 0xFFFE, .has_count = true};
	assert_int_equal(pue_decode_sunspec_value(PUE_T_UINT16, &raw, &err), 0);
	raw = (struct pue_raw){.value = 0, .count = 0, .has_count = true};
	assert_int_equal(pue_decode_sunspec_value(PUE_T_UINT32, &raw, &err), 0);
	raw = (struct pue_raw){.value = 1.5};
	assert_int_equal(pue_decode_sunspec_value(PUE_T_FLOAT32, &raw, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_uint32_all_word_orders),
		cmocka_unit_test(test_decode_int16_and_uint16),
		cmocka_unit_test(test_decode_int32_negative_in_cdab),
		cmocka_unit_test(test_decode_float32_all_word_orders),
		cmocka_unit_test(test_decode_64bit_types_all_orders),
		cmocka_unit_test(test_decode_rejects_nan_and_wrong_length),
		cmocka_unit_test(test_decode_scale_and_units_to_kw_and_kwh),
		cmocka_unit_test(test_decode_sunssf_scales_and_rejects_not_implemented),
		cmocka_unit_test(test_decode_sunspec_value_sentinels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
