/* SPDX-License-Identifier: MIT */
/*
 * test_yaml_tree.c - the YAML tree under the configuration loader: the
 * duplicate-key check reports every repeat at its line and column, before
 * and after a mapping outgrows the small-mapping scan, and its work per key
 * stays constant (counted in probes, not timed): a loader that compared
 * each key with all the keys before it took seconds for 40,000 keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"
#include "config/yaml_load.h"

/* A growing text buffer. */
struct text {
	char *s;
	size_t len, cap;
};

static void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->cap - t->len < 128) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < t->cap - t->len);
	t->len += (size_t)n;
}

/* Parses yaml as the file "t.yaml"; returns the tree, its errors in *lines. */
static struct pue_ytree *
parse(const struct text *yaml, char ***lines, size_t *n)
{
	struct pue_ytree *t = pue_yaml_tree_new("t.yaml");

	assert_non_null(t);
	assert_int_equal(pue_yaml_load_buffer(t, yaml->s, yaml->len), 0);
	assert_false(pue_yaml_tree_oom(t));
	assert_int_equal(pue_yaml_tree_take_errors(t, lines, n), 0);
	return t;
}

static void
free_lines(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
test_ytree_duplicate_key_check_is_linear_in_keys(void **state)
{
	enum { N = 100000 };
	struct text y = {0};
	struct pue_ytree *t;
	char **lines;
	size_t i, n;

	(void)state;
	for (i = 0; i < N; i++)
		add(&y, "k%zu: %zu\n", i, i);
	add(&y, "k0: again\n");
	t = parse(&y, &lines, &n);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0],
			    "t.yaml:100001:1: k0: duplicate key \"k0\" (first at line 1 column 1)");
	assert_int_equal(pue_yaml_tree_get(pue_yaml_tree_root(t), "k99999")->line, 100000);
	assert_string_equal(pue_yaml_tree_get(pue_yaml_tree_root(t), "k0")->text, "0");
	/* Comparing with every earlier key: 5 x 10^9 probes. */
	assert_true(pue_yaml_tree_key_probes(t) < 4 * (uint64_t)N);
	free_lines(lines, n);
	pue_yaml_tree_free(t);
	free(y.s);
}

/* The few keys of a point are compared one by one; a repeat is found at
 * any size, including one of the keys seen before the mapping grew. */
static void
test_ytree_duplicate_keys_found_in_small_and_grown_mappings(void **state)
{
	enum { ITEMS = 20000 };
	struct text y = {0};
	struct pue_ytree *t;
	char **lines;
	size_t i, n;

	(void)state;
	add(&y, "small: {a: 1, b: 2, a: 3}\n");
	add(&y, "grown: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k0: 9}\n");
	add(&y, "items:\n");
	for (i = 0; i < ITEMS; i++)
		add(&y, "  - {name: e%zu, register: %zu, type: uint16, unit: Wh, kind: energy}\n",
		    i, i);
	t = parse(&y, &lines, &n);
	assert_int_equal(n, 2);
	assert_string_equal(lines[0], "t.yaml:1:21: small.a: duplicate key \"a\" (first at line 1 "
				      "column 9)");
	assert_string_equal(lines[1], "t.yaml:2:72: grown.k0: duplicate key \"k0\" (first at "
				      "line 2 column 9)");
	assert_int_equal(pue_yaml_tree_get(pue_yaml_tree_root(t), "grown")->n_kids, 9);
	assert_int_equal(pue_yaml_tree_get(pue_yaml_tree_root(t), "items")->n_kids, ITEMS);
	/* 0+1+2+3+4 = 10 comparisons for each item's five keys */
	assert_true(pue_yaml_tree_key_probes(t) < 11 * (uint64_t)ITEMS + 100);
	free_lines(lines, n);
	pue_yaml_tree_free(t);
	free(y.s);
}

/* A quoted key may hold a newline; the message about it stays one line. */
static void
test_ytree_messages_stay_on_one_line(void **state)
{
	struct text y = {0};
	struct pue_ytree *t;
	char **lines;
	size_t n;

	(void)state;
	add(&y, "\"a\\nb\\tc\": 1\n\"a\\nb\\tc\": 2\n");
	t = parse(&y, &lines, &n);
	assert_int_equal(n, 1);
	assert_string_equal(
		lines[0], "t.yaml:2:1: a?b?c: duplicate key \"a?b?c\" (first at line 1 column 1)");
	free_lines(lines, n);
	pue_yaml_tree_free(t);
	free(y.s);
}

static void
test_ytree_load_buffer_reports_positions_in_the_named_file(void **state)
{
	struct text y = {0};
	struct pue_ytree *t = pue_yaml_tree_new("conf/x.yaml");
	char **lines;
	size_t n;

	(void)state;
	add(&y, "a: 1\nb: [1, 2\n");
	assert_non_null(t);
	assert_int_equal(pue_yaml_load_buffer(t, y.s, y.len), PUE_E_CONFIG);
	assert_int_equal(pue_yaml_tree_take_errors(t, &lines, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0], "conf/x.yaml:3:1: YAML syntax error: did not find expected "
				      "',' or ']' (while parsing a flow sequence at line 2 column "
				      "4)");
	free_lines(lines, n);
	pue_yaml_tree_free(t);
	free(y.s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ytree_duplicate_key_check_is_linear_in_keys),
		cmocka_unit_test(test_ytree_duplicate_keys_found_in_small_and_grown_mappings),
		cmocka_unit_test(test_ytree_messages_stay_on_one_line),
		cmocka_unit_test(test_ytree_load_buffer_reports_positions_in_the_named_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
