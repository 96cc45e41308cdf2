/* SPDX-License-Identifier: MIT */
/*
 * test_strmap.c - the name index of the configuration loader: values kept
 * per key, the first of equal keys kept, and the work per key constant
 * (counted in probes, not timed) however many keys the map holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/strmap.h"

static void
test_strmap_finds_each_key_and_keeps_the_first_value(void **state)
{
	struct pue_strmap m = {0};
	size_t v = 99;

	(void)state;
	assert_false(pue_strmap_find(&m, "a", &v)); /* a zeroed map is empty */
	assert_int_equal(pue_strmap_add(&m, "a", 1, NULL), 0);
	assert_int_equal(pue_strmap_add(&m, "b", 2, NULL), 0);
	assert_int_equal(pue_strmap_add(&m, "", 3, NULL), 0);
	assert_int_equal(pue_strmap_add(&m, "a", 4, &v), 1); /* there: not replaced */
	assert_int_equal(v, 1);
	assert_true(pue_strmap_find(&m, "a", &v));
	assert_int_equal(v, 1);
	assert_true(pue_strmap_find(&m, "", &v));
	assert_int_equal(v, 3);
	assert_true(pue_strmap_find(&m, "b", NULL));
	assert_false(pue_strmap_find(&m, "c", &v));
	assert_false(pue_strmap_find(&m, "ab", &v));
	assert_int_equal(m.n, 3);
	pue_strmap_free(&m);
	assert_int_equal(m.n, 0);
	assert_false(pue_strmap_find(&m, "a", &v));
	pue_strmap_free(NULL);
}

/* 200,000 keys: each add and find looks at a few slots, growth included.
 * Comparing each key with the earlier ones would take 10^10 probes. */
static void
test_strmap_probes_per_key_stay_constant(void **state)
{
	enum { N = 200000 };
	struct pue_strmap m = {0};
	char(*keys)[16] = calloc(N, sizeof(*keys));
	size_t i, v;

	(void)state;
	assert_non_null(keys);
	for (i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		assert_int_equal(pue_strmap_add(&m, keys[i], i, NULL), 0);
	}
	assert_true(m.probes < 4 * (uint64_t)N);
	m.probes = 0;
	for (i = 0; i < N; i++) {
		assert_true(pue_strmap_find(&m, keys[i], &v));
		assert_int_equal(v, i);
		assert_int_equal(pue_strmap_add(&m, keys[i], 0, &v), 1);
		assert_int_equal(v, i);
	}
	assert_true(m.probes < 2 * 3 * (uint64_t)N);
	assert_int_equal(m.n, N);
	pue_strmap_free(&m);
	free(keys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strmap_finds_each_key_and_keeps_the_first_value),
		cmocka_unit_test(test_strmap_probes_per_key_stay_constant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
