/* SPDX-License-Identifier: MIT */
/* test_errtext.c - an error text held only while there is one: empty costs
 * no allocation, the same text is not allocated again each poll, a text
 * is cut where the 200-byte buffers cut it, and a copy owns its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/errtext.h"

static void
test_errtext_empty_holds_nothing(void **state)
{
	struct pue_errtext t = {0};

	(void)state;
	assert_string_equal(pue_errtext_get(&t), "");
	assert_false(pue_errtext_is_set(&t));
	pue_errtext_set(&t, "");
	assert_null(t.text);
	pue_errtext_set(&t, NULL);
	assert_null(t.text);
	pue_errtext_set(&t, "timed out");
	assert_true(pue_errtext_is_set(&t));
	pue_errtext_set(&t, "");
	assert_null(t.text);
	pue_errtext_clear(&t); /* twice is harmless */
}

static void
test_errtext_same_text_keeps_its_allocation(void **state)
{
	struct pue_errtext t = {0};
	const char *first;

	(void)state;
	pue_errtext_setf(&t, "read holding %u+%u: timed out (%u tries)", 3060, 2, 3);
	first = t.text;
	pue_errtext_set(&t, "read holding 3060+2: timed out (3 tries)");
	assert_ptr_equal(t.text, first);
	/* a longer one sharing its start is another text */
	pue_errtext_set(&t, "read holding 3060+2: timed out (3 tries), again");
	assert_string_equal(pue_errtext_get(&t), "read holding 3060+2: timed out (3 tries), again");
	/* a shorter one too */
	pue_errtext_set(&t, "read holding");
	assert_string_equal(pue_errtext_get(&t), "read holding");
	/* a part of its own text, which the old allocation held */
	pue_errtext_set(&t, t.text + 5);
	assert_string_equal(pue_errtext_get(&t), "holding");
	pue_errtext_clear(&t);
}

static void
test_errtext_cut_like_the_buffers_it_replaces(void **state)
{
	char longest[PUE_ERRTEXT_MAX * 2], buf[PUE_ERRTEXT_MAX];
	struct pue_errtext t = {0}, u = {0};

	(void)state;
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memcpy(buf, longest, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	pue_errtext_set(&t, longest);
	assert_string_equal(pue_errtext_get(&t), buf);
	pue_errtext_setf(&u, "%s", longest);
	assert_string_equal(pue_errtext_get(&u), buf);
	pue_errtext_clear(&u);
	/* the cut text again is the same text: nothing new */
	u = t;
	pue_errtext_set(&t, longest);
	assert_ptr_equal(t.text, u.text);
	pue_errtext_clear(&t);
}

static void
test_errtext_copy_owns_its_text(void **state)
{
	struct pue_errtext t = {0}, c = {0}, e = {0};

	(void)state;
	pue_errtext_set(&t, "connection refused");
	pue_errtext_copy(&c, &t);
	assert_ptr_not_equal(c.text, t.text);
	pue_errtext_clear(&t);
	assert_string_equal(pue_errtext_get(&c), "connection refused");
	pue_errtext_copy(&e, &t);
	assert_null(e.text);
	pue_errtext_clear(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errtext_empty_holds_nothing),
		cmocka_unit_test(test_errtext_same_text_keeps_its_allocation),
		cmocka_unit_test(test_errtext_cut_like_the_buffers_it_replaces),
		cmocka_unit_test(test_errtext_copy_owns_its_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
