/* SPDX-License-Identifier: MIT */
/*
 * test_utf8.c - a cut at a byte count never leaves part of a character:
 * not in the text itself (utf8.h), not in a device's last error
 * (errtext.h), whose JSON jansson refused when a Chinese device name or
 * message was cut in the middle of a character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/err.h"
#include "util/errtext.h"
#include "util/utf8.h"

/* "中" is e4 b8 ad, "é" c3 a9, U+1D11E f0 9d 84 9e. */
static void
test_utf8_cut_drops_a_split_character(void **state)
{
	(void)state;
	assert_int_equal(pue_utf8_cut("a\xc3\xa9", 2), 1);
	assert_int_equal(pue_utf8_cut("a\xc3\xa9", 3), 3);
	assert_int_equal(pue_utf8_cut("\xe4\xb8\xad", 1), 0);
	assert_int_equal(pue_utf8_cut("\xe4\xb8\xad", 2), 0);
	assert_int_equal(pue_utf8_cut("\xe4\xb8\xad", 3), 3);
	assert_int_equal(pue_utf8_cut("x\xf0\x9d\x84\x9e", 2), 1);
	assert_int_equal(pue_utf8_cut("x\xf0\x9d\x84\x9e", 4), 1);
	assert_int_equal(pue_utf8_cut("x\xf0\x9d\x84\x9e", 5), 5);
	assert_int_equal(pue_utf8_cut("plain ascii", 5), 5);
	assert_int_equal(pue_utf8_cut("", 0), 0);
}

static void
test_utf8_cut_leaves_what_is_not_utf8(void **state)
{
	(void)state;
	assert_int_equal(pue_utf8_cut("a\x80\x80", 3), 3);	      /* stray continuations */
	assert_int_equal(pue_utf8_cut("\x80\x80\x80\x80\x80", 5), 5); /* nothing leads them */
	assert_int_equal(pue_utf8_cut("a\xff", 2), 2);		      /* never a lead byte */
}

static void
test_utf8_copy_cuts_between_characters(void **state)
{
	char buf[8];

	(void)state;
	/* 7 bytes of room: two characters (6 bytes), not two and a third */
	assert_string_equal(pue_utf8_copy(buf, sizeof(buf), "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"),
			    "\xe4\xb8\xad\xe4\xb8\xad");
	assert_string_equal(pue_utf8_copy(buf, sizeof(buf), "abcdefghij"), "abcdefg");
	assert_string_equal(pue_utf8_copy(buf, sizeof(buf), "short"), "short");
	assert_string_equal(pue_utf8_copy(buf, 1, "abc"), "");
}

/* A device named in Chinese whose error runs past the 199 bytes kept:
 * the text stays UTF-8, so its JSON has it. */
static void
test_errtext_cut_stays_utf8(void **state)
{
	struct pue_errtext t = {0};
	char msg[400] = "device 1";
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < 80; i++)
		strcat(msg, "\xe9\x85\x8d"); /* "配", 3 bytes: 8 + 240 */
	pue_errtext_set(&t, msg);
	assert_int_equal(strlen(pue_errtext_get(&t)), 8 + 3 * 63); /* 199 would split one */
	j = json_string(pue_errtext_get(&t));
	assert_non_null(j);
	json_decref(j);
	pue_errtext_setf(&t, "%s: timeout", msg);
	assert_int_equal(strlen(pue_errtext_get(&t)), 8 + 3 * 63);
	pue_errtext_clear(&t);
}

/* An error message cut at its 255 bytes ends in "..." after a whole
 * character (a configuration error naming a device in Chinese). */
static void
test_err_cut_stays_utf8(void **state)
{
	struct pue_err err;
	char name[400] = "";
	json_t *j;
	size_t i, len;

	(void)state;
	for (i = 0; i < 100; i++)
		strcat(name, "\xe9\x85\x8d");
	pue_err_set(&err, -22, "pued.yaml:3:5: device %s: a name", name);
	len = strlen(err.msg);
	assert_string_equal(err.msg + len - 3, "...");
	/* 22 bytes of prefix, then whole characters within 252 bytes */
	assert_int_equal(len, 22 + 3 * 76 + 3);
	j = json_string(err.msg);
	assert_non_null(j);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_cut_drops_a_split_character),
		cmocka_unit_test(test_utf8_cut_leaves_what_is_not_utf8),
		cmocka_unit_test(test_utf8_copy_cuts_between_characters),
		cmocka_unit_test(test_errtext_cut_stays_utf8),
		cmocka_unit_test(test_err_cut_stays_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
