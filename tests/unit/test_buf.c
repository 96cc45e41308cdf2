/* SPDX-License-Identifier: MIT */
/*
 * test_buf.c - the growable buffer the documents are built in: appends
 * past many doublings, escaping for HTML and SVG text and attributes, and
 * a failed append that stays failed (the renderer asks once at the end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void
test_buf_appends_grow_and_stay_terminated(void **state)
{
	struct pue_buf b = PUE_BUF_INIT;
	size_t len, i;
	char *s;

	(void)state;
	for (i = 0; i < 10000; i++)
		pue_buf_printf(&b, "%04zu,", i % 10000);
	assert_false(pue_buf_failed(&b));
	assert_int_equal(b.len, 50000);
	assert_int_equal(strlen(b.data), 50000);
	assert_memory_equal(b.data + 49995, "9999,", 5);
	assert_non_null(s = pue_buf_take(&b, &len));
	assert_int_equal(len, 50000);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	/* an empty buffer gives an empty string, not NULL */
	assert_non_null(s = pue_buf_take(&b, &len));
	assert_string_equal(s, "");
	free(s);
}

static void
test_buf_escaped_is_safe_in_text_and_attributes(void **state)
{
	struct pue_buf b = PUE_BUF_INIT;

	(void)state;
	pue_buf_put_escaped(&b, "a<b>&\"c\"'d' é");
	pue_buf_put_escaped(&b, NULL);
	pue_buf_put_escaped(&b, "");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; é");
	pue_buf_free(&b);
	pue_buf_free(&b); /* twice, and NULL, do nothing */
	pue_buf_free(NULL);
}

static void
test_buf_failure_is_sticky(void **state)
{
	struct pue_buf b = PUE_BUF_INIT;

	(void)state;
	pue_buf_puts(&b, "kept");
	pue_buf_append(&b, "x", PUE_BUF_MAX); /* past the limit: fails */
	assert_true(pue_buf_failed(&b));
	pue_buf_puts(&b, "more");
	assert_string_equal(b.data, "kept");
	assert_null(pue_buf_take(&b, NULL));
	assert_null(b.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends_grow_and_stay_terminated),
		cmocka_unit_test(test_buf_escaped_is_safe_in_text_and_attributes),
		cmocka_unit_test(test_buf_failure_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
