/* SPDX-License-Identifier: MIT */
/*
 * test_snmp_boots.c - pued's own SNMPv3 engine boots (snmp_boots.h): one
 * more at every start, from the larger of the file and the database, so a
 * new database or a lost file never lowers it; a file that holds no count
 * is an error and is left alone; the maximum latches; a file that cannot
 * be written keeps its old count; no temporary file is left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/err.h"
#include "alerts/snmp_boots.h"

struct fixture {
	char dir[64], path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pued-boots.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, PUE_SNMP_BOOTS_FILE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* The count in the file, as a later start reads it (-1: no count). */
static int64_t
kept(const char *path)
{
	char text[512] = "", *line;
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	for (line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			return strtoll(line, NULL, 10);
	return -1;
}

static uint32_t
count(const char *path, int64_t db_boots)
{
	struct pue_err err = {0};
	uint32_t boots = 0;

	assert_int_equal(pue_snmp_boots_count(path, db_boots, &boots, &err), 0);
	return boots;
}

static void
test_boots_path_is_beside_the_database(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(pue_snmp_boots_path("/var/lib/pued/pued.db", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/var/lib/pued/snmp-engine-boots");
	assert_int_equal(pue_snmp_boots_path("pued.db", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "snmp-engine-boots");
	assert_int_equal(pue_snmp_boots_path("/pued.db", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/snmp-engine-boots");
	assert_int_equal(pue_snmp_boots_path("/var/lib/pued/pued.db", buf, 20), -ENAMETOOLONG);
}

static void
test_boots_first_start_is_1(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(count(f->path, 0), 1);
	assert_int_equal(kept(f->path), 1);
}

static void
test_boots_new_database_counts_on_from_the_file(void **state)
{
	struct fixture *f = *state;

	put(f->path, "5\n");
	assert_int_equal(count(f->path, 0), 6); /* a new database says 0 */
	assert_int_equal(kept(f->path), 6);
}

static void
test_boots_lost_file_counts_on_from_the_database(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(count(f->path, 9), 10);
	assert_int_equal(kept(f->path), 10);
}

static void
test_boots_take_the_larger_of_file_and_database(void **state)
{
	struct fixture *f = *state;

	put(f->path, "2\n");
	assert_int_equal(count(f->path, 9), 10);
	put(f->path, "12\n");
	assert_int_equal(count(f->path, 9), 13);
}

static void
test_boots_never_go_down_over_starts(void **state)
{
	struct fixture *f = *state;
	/* the database's count at each start: kept, new, restored old, new */
	static const int64_t db[] = {0, 1, 2, 0, 1, 0, 3, 4};
	uint32_t last = 0, now;
	size_t i;

	for (i = 0; i < sizeof(db) / sizeof(db[0]); i++) {
		now = count(f->path, db[i]);
		assert_true(now > last);
		last = now;
	}
	assert_int_equal(last, 8);
}

static void
test_boots_read_comments_and_blanks(void **state)
{
	struct fixture *f = *state;

	put(f->path, "# written by hand\n\n  7 \r\n");
	assert_int_equal(count(f->path, 0), 8);
}

static void
test_boots_file_without_count_is_error_and_kept(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {"garbage\n", "",     "# only a comment\n",
					  "-4\n",      "3x\n", "3000000000\n"};
	struct pue_err err = {0};
	uint32_t boots = 0;
	char text[64];
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(f->path, bad[i]);
		assert_int_equal(pue_snmp_boots_count(f->path, 4, &boots, &err), PUE_E_RANGE);
		assert_int_equal(boots, 5); /* the database's, for this start */
		assert_non_null(strstr(err.msg, "holds no boot count"));
		fp = fopen(f->path, "r");
		assert_non_null(fp);
		text[fread(text, 1, sizeof(text) - 1, fp)] = '\0';
		fclose(fp);
		assert_string_equal(text, bad[i]); /* left for whoever looks */
	}
}

static void
test_boots_maximum_latches(void **state)
{
	struct fixture *f = *state;
	struct pue_err err = {0};
	uint32_t boots = 0;

	put(f->path, "2147483646\n");
	assert_int_equal(count(f->path, 0), PUE_SNMP_BOOTS_MAX);
	assert_int_equal(pue_snmp_boots_count(f->path, 0, &boots, &err), PUE_E_RANGE);
	assert_int_equal(boots, PUE_SNMP_BOOTS_MAX);
	assert_non_null(strstr(err.msg, "maximum"));
	assert_int_equal(kept(f->path), PUE_SNMP_BOOTS_MAX);
}

static void
test_boots_unwritable_keeps_old_and_counts(void **state)
{
	struct fixture *f = *state;
	struct pue_err err = {0};
	uint32_t boots = 0;
	char path[160];

	snprintf(path, sizeof(path), "%s/gone/%s", f->dir, PUE_SNMP_BOOTS_FILE);
	assert_int_equal(pue_snmp_boots_count(path, 3, &boots, &err), -ENOENT);
	assert_int_equal(boots, 4);
	assert_non_null(strstr(err.msg, "/gone/"));
}

static void
test_boots_leave_no_temporary_file(void **state)
{
	struct fixture *f = *state;
	struct dirent *e;
	size_t files = 0;
	DIR *d;
	int i;

	for (i = 0; i < 3; i++)
		count(f->path, 0);
	assert_non_null(d = opendir(f->dir));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		assert_string_equal(e->d_name, PUE_SNMP_BOOTS_FILE);
		files++;
	}
	closedir(d);
	assert_int_equal(files, 1);
	assert_int_equal(kept(f->path), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boots_path_is_beside_the_database),
		cmocka_unit_test_setup_teardown(test_boots_first_start_is_1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_new_database_counts_on_from_the_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_lost_file_counts_on_from_the_database,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_take_the_larger_of_file_and_database,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_never_go_down_over_starts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_boots_read_comments_and_blanks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_boots_file_without_count_is_error_and_kept,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_maximum_latches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boots_unwritable_keeps_old_and_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_boots_leave_no_temporary_file, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
