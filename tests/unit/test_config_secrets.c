/* SPDX-License-Identifier: MIT */
/*
 * test_config_secrets.c - secrets kept out of pued.yaml: {file: PATH} and
 * {credential: NAME} ($CREDENTIALS_DIRECTORY, systemd's LoadCredential=),
 * and no error message that quotes a secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"

static char dir[256], path[300], secret_path[300];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pued-test-secrets-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/pued.yaml", dir);
	snprintf(secret_path, sizeof(secret_path), "%s/noc.community", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *p, const char *text, mode_t mode)
{
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(p, mode);
}

/* Writes pued.yaml with a v2c SNMP device whose community is the given
 * YAML value (on line 5) and loads it for purpose, notes into *notes. */
static int
load_community_for(const char *value, enum pue_config_purpose purpose, struct pue_config **cfg,
		   struct pue_diags *d, struct pue_diags *notes)
{
	char yaml[2048];

	snprintf(yaml, sizeof(yaml),
		 "site: t\n"
		 "devices:\n"
		 "  - name: ups\n"
		 "    protocol: snmp\n"
		 "    snmp: {host: 127.0.0.1, port: 16100, version: 2c, community: %s}\n"
		 "    points:\n"
		 "      - {name: out, oid: \"1.3.6.1.2.1.33.1.4.4.1.4.1\", unit: W, kind: power,"
		 " measured_at: ups_output}\n"
		 "pue:\n"
		 "  facility: {add: [ups/out]}\n"
		 "  it: {add: [ups/out]}\n"
		 "storage: {path: /tmp/x.db}\n"
		 "control: {socket: /tmp/x.sock}\n",
		 value);
	write_file(path, yaml, 0600);
	return pue_config_load_for(path, purpose, cfg, d, notes);
}

/* The same for the daemon. */
static int
load_with_community(const char *value, struct pue_config **cfg, struct pue_diags *d)
{
	return load_community_for(value, PUE_CONFIG_FOR_DAEMON, cfg, d, NULL);
}

static void
test_secret_from_file_is_read_without_its_newline(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char value[400];

	(void)state;
	write_file(secret_path, "s3cret-community\n", 0600);
	snprintf(value, sizeof(value), "{file: %s}", secret_path);
	assert_int_equal(load_with_community(value, &cfg, &d), 0);
	assert_string_equal(cfg->devices[0].snmp.community.value, "s3cret-community");
	pue_config_free(cfg);
}

static void
test_secret_from_systemd_credential(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char cred[400];

	(void)state;
	snprintf(cred, sizeof(cred), "%s/noc", dir);
	write_file(cred, "from-credential", 0400);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	assert_int_equal(load_with_community("{credential: noc}", &cfg, &d), 0);
	assert_string_equal(cfg->devices[0].snmp.community.value, "from-credential");
	pue_config_free(cfg);
	/* A credential's name is a file's: not held to the 63 characters of
	 * device and point names. */
	snprintf(cred, sizeof(cred),
		 "%s/pued.snmp.hall-a.ups-01.community.for-the-noc-trap-receiver-2026", dir);
	write_file(cred, "long-named", 0400);
	assert_int_equal(
		load_with_community(
			"{credential: "
			"pued.snmp.hall-a.ups-01.community.for-the-noc-trap-receiver-2026}",
			&cfg, &d),
		0);
	assert_string_equal(cfg->devices[0].snmp.community.value, "long-named");
	pue_config_free(cfg);
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(load_with_community("{credential: noc}", &cfg, &d), PUE_E_CONFIG);
	assert_non_null(strstr(d.lines[0], "CREDENTIALS_DIRECTORY is not set"));
	pue_config_diags_free(&d);
}

static void
test_secret_source_errors_name_the_place_not_the_secret(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char value[400];

	(void)state;
	/* a missing file: the path and the reason, at the value's line:col */
	assert_int_equal(load_with_community("{file: /nonexistent/pued-secret}", &cfg, &d),
			 PUE_E_CONFIG);
	assert_non_null(strstr(d.lines[0], ":5:"));
	assert_non_null(strstr(d.lines[0], "cannot read the secret file /nonexistent/pued-secret"));
	pue_config_diags_free(&d);
	/* a relative path, and both sources at once */
	assert_int_equal(load_with_community("{file: noc.community}", &cfg, &d), PUE_E_CONFIG);
	assert_non_null(strstr(d.lines[0], "expected an absolute path"));
	pue_config_diags_free(&d);
	assert_int_equal(load_with_community("{file: /a, credential: b}", &cfg, &d), PUE_E_CONFIG);
	assert_non_null(strstr(d.lines[0], "exactly one of them"));
	pue_config_diags_free(&d);
	/* a file of two lines is refused without quoting either line */
	write_file(secret_path, "first-secret-line\nsecond-secret-line\n", 0600);
	snprintf(value, sizeof(value), "{file: %s}", secret_path);
	assert_int_equal(load_with_community(value, &cfg, &d), PUE_E_CONFIG);
	assert_non_null(strstr(d.lines[0], "must hold one line"));
	assert_null(strstr(d.lines[0], "secret-line"));
	pue_config_diags_free(&d);
}

/* puectl's database commands run outside pued's unit and use no secret:
 * a credential is neither needed nor read there, set or not. */
static void
test_credential_is_not_read_for_the_database(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0}, notes = {0};

	(void)state;
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(
		load_community_for("{credential: noc}", PUE_CONFIG_FOR_DATABASE, &cfg, &d, &notes),
		0);
	assert_null(cfg->devices[0].snmp.community.value);
	assert_int_equal(notes.n, 0);
	pue_config_free(cfg);
	setenv("CREDENTIALS_DIRECTORY", dir, 1); /* it holds no "noc" */
	assert_int_equal(
		load_community_for("{credential: noc}", PUE_CONFIG_FOR_DATABASE, &cfg, &d, &notes),
		0);
	assert_null(cfg->devices[0].snmp.community.value);
	pue_config_free(cfg);
	unsetenv("CREDENTIALS_DIRECTORY");
}

/* pued --check-config outside the unit: each credential is a note naming
 * it and its place, not an error; inside (the variable set) it is read,
 * and one that is missing is an error as for the daemon. */
static void
test_check_notes_a_credential_it_cannot_read(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0}, notes = {0};
	char want[1024], cred[400];

	(void)state;
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(
		load_community_for("{credential: noc}", PUE_CONFIG_FOR_CHECK, &cfg, &d, &notes), 0);
	assert_null(cfg->devices[0].snmp.community.value);
	pue_config_free(cfg);
	assert_int_equal(notes.n, 1);
	snprintf(want, sizeof(want),
		 "%s:5:79: devices[0].snmp.community.credential: will be read from the "
		 "credential \"noc\" when pued starts ($CREDENTIALS_DIRECTORY is not set here)",
		 path);
	assert_string_equal(notes.lines[0], want);
	pue_config_diags_free(&notes);

	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	assert_int_equal(
		load_community_for("{credential: noc}", PUE_CONFIG_FOR_CHECK, &cfg, &d, &notes),
		PUE_E_CONFIG);
	snprintf(want, sizeof(want),
		 "%s:5:79: devices[0].snmp.community.credential: cannot read the secret file "
		 "%s/noc: No such file or directory",
		 path, dir);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.lines[0], want);
	assert_int_equal(notes.n, 0);
	pue_config_diags_free(&d);
	snprintf(cred, sizeof(cred), "%s/noc", dir);
	write_file(cred, "from-credential\n", 0400);
	assert_int_equal(
		load_community_for("{credential: noc}", PUE_CONFIG_FOR_CHECK, &cfg, &d, &notes), 0);
	assert_string_equal(cfg->devices[0].snmp.community.value, "from-credential");
	assert_int_equal(notes.n, 0);
	pue_config_free(cfg);
	unsetenv("CREDENTIALS_DIRECTORY");
}

/* A name systemd would not take as a credential's is an error whatever
 * the load is for: "." and ".." name directories, and NAME_MAX bounds it. */
static void
test_credential_name_is_checked_for_every_purpose(void **state)
{
	static const enum pue_config_purpose purposes[] = {
		PUE_CONFIG_FOR_DAEMON, PUE_CONFIG_FOR_CHECK, PUE_CONFIG_FOR_DATABASE};
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char value[400], want[1024];
	size_t i;

	(void)state;
	unsetenv("CREDENTIALS_DIRECTORY");
	snprintf(value, sizeof(value), "{credential: %0256d}", 0);
	for (i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++) {
		assert_int_equal(
			load_community_for("{credential: ..}", purposes[i], &cfg, &d, NULL),
			PUE_E_CONFIG);
		snprintf(want, sizeof(want),
			 "%s:5:79: devices[0].snmp.community.credential: \"..\" is not a "
			 "credential's name (a file's name in $CREDENTIALS_DIRECTORY, not \".\" "
			 "or \"..\")",
			 path);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.lines[0], want);
		pue_config_diags_free(&d);
		assert_int_equal(load_community_for(value, purposes[i], &cfg, &d, NULL),
				 PUE_E_CONFIG);
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.lines[0], ":5:79: devices[0].snmp.community.credential: a "
						   "credential's name has at most 255 characters, "
						   "got 256"));
		pue_config_diags_free(&d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret_from_file_is_read_without_its_newline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_from_systemd_credential, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_secret_source_errors_name_the_place_not_the_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credential_is_not_read_for_the_database, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_notes_a_credential_it_cannot_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_credential_name_is_checked_for_every_purpose,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
