/* SPDX-License-Identifier: MIT */
/*
 * test_http_auth.c - basic authentication against bcrypt hashes (the
 * web configuration's basic_auth_users): the right password accepted, a
 * wrong one or an unknown user refused, and an accepted password
 * remembered so the next scrape costs no bcrypt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <crypt.h>

#include "http/http_auth.h"

/* A bcrypt hash of password at the lowest cost, into out[61]. */
static void
bcrypt(const char *password, char *out)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_gensalt_rn("$2y$", 4, NULL, 0, salt, sizeof(salt)));
	assert_non_null(crypt_r(password, salt, &cd));
	assert_int_equal(strlen(cd.output), 60);
	memcpy(out, cd.output, 61);
}

static void
test_basic_auth_accepts_the_right_password_only(void **state)
{
	char h1[61], h2[61];
	struct pue_http_user users[] = {{"prometheus", h1}, {"grafana", h2}};
	struct pue_http_auth *a;

	(void)state;
	bcrypt("scrape-me", h1);
	bcrypt("dash", h2);
	a = pue_http_auth_new(users, 2);
	assert_non_null(a);
	assert_true(pue_http_auth_check(a, "prometheus", "scrape-me"));
	assert_true(pue_http_auth_check(a, "grafana", "dash"));
	assert_false(pue_http_auth_check(a, "prometheus", "dash"));
	assert_false(pue_http_auth_check(a, "prometheus", "scrape-me "));
	assert_false(pue_http_auth_check(a, "prometheus", ""));
	assert_false(pue_http_auth_check(a, "Prometheus", "scrape-me"));
	assert_false(pue_http_auth_check(a, "nobody", "scrape-me"));
	assert_false(pue_http_auth_check(a, NULL, NULL));
	assert_false(pue_http_auth_check(a, "prometheus", NULL));
	pue_http_auth_free(a);
}

/* After one bcrypt, the same password is compared with the one accepted:
 * shown by replacing the hash, which a second bcrypt would not match. */
static void
test_basic_auth_remembers_an_accepted_password(void **state)
{
	char h[61], other[61];
	struct pue_http_user users[] = {{"prometheus", h}};
	struct pue_http_auth *a;

	(void)state;
	bcrypt("scrape-me", h);
	bcrypt("something else", other);
	a = pue_http_auth_new(users, 1);
	assert_true(pue_http_auth_check(a, "prometheus", "scrape-me"));
	memcpy(h, other, sizeof(h));
	assert_true(pue_http_auth_check(a, "prometheus", "scrape-me"));
	/* a wrong password still goes through bcrypt, and fails */
	assert_false(pue_http_auth_check(a, "prometheus", "scrape-mf"));
	assert_true(pue_http_auth_check(a, "prometheus", "something else"));
	pue_http_auth_free(a);
}

static void
test_basic_auth_same_compares_whole_strings(void **state)
{
	(void)state;
	assert_true(pue_http_auth_same("", ""));
	assert_true(pue_http_auth_same("abc", "abc"));
	assert_false(pue_http_auth_same("abc", "abd"));
	assert_false(pue_http_auth_same("abc", "ab"));
	assert_false(pue_http_auth_same("ab", "abc"));
	assert_false(pue_http_auth_same("", "a"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_auth_accepts_the_right_password_only),
		cmocka_unit_test(test_basic_auth_remembers_an_accepted_password),
		cmocka_unit_test(test_basic_auth_same_compares_whole_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
