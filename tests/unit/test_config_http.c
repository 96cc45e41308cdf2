/* SPDX-License-Identifier: MIT */
/*
 * test_config_http.c - the http: section and its web configuration file
 * (exporter-toolkit's format): defaults, off unless given, and every error
 * as FILE:LINE:COLUMN in the file that holds it, never quoting a password.
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
#include <crypt.h>

#include "config/config.h"

static char dir[256], path[300], web[300];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pued-test-http-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/pued.yaml", dir);
	snprintf(web, sizeof(web), "%s/web.yml", dir);
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
write_file(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(p, 0600);
}

/* A minimal configuration with http_yaml at the end (may be ""). */
static int
load(const char *http_yaml, struct pue_config **cfg, struct pue_diags *d)
{
	char yaml[2048];

	snprintf(yaml, sizeof(yaml),
		 "site: t\n"
		 "devices:\n"
		 "  - name: m\n"
		 "    protocol: modbus_tcp\n"
		 "    modbus: {host: 127.0.0.1, port: 1502}\n"
		 "    points:\n"
		 "      - {name: f, register: 0, type: uint32, unit: Wh, kind: energy}\n"
		 "      - {name: i, register: 2, type: uint32, unit: Wh, kind: energy,"
		 " measured_at: ups_output}\n"
		 "pue:\n"
		 "  facility: {add: [m/f]}\n"
		 "  it: {add: [m/i]}\n"
		 "storage: {path: /tmp/x.db}\n"
		 "control: {socket: /tmp/x.sock}\n"
		 "%s",
		 http_yaml);
	write_file(path, yaml);
	return pue_config_load(path, cfg, d);
}

/* A bcrypt hash of password, at the lowest cost (tests only). */
static void
bcrypt(const char *password, char *out, size_t len)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof(salt)));
	assert_non_null(crypt_r(password, salt, &cd));
	assert_int_equal(strlen(cd.output), 60);
	assert_true(len > 60);
	memcpy(out, cd.output, 61);
}

/* "DIR/NAME:LINE:COL:" at the start of line. */
static void
assert_at(const char *line, const char *name, int l, int col)
{
	char want[400];

	snprintf(want, sizeof(want), "%s/%s:%d:%d:", dir, name, l, col);
	if (strncmp(line, want, strlen(want)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", want, line);
}

static void
test_http_is_off_without_its_section(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};

	(void)state;
	assert_int_equal(load("", &cfg, &d), 0);
	assert_false(cfg->http.enabled);
	pue_config_free(cfg);
	/* a header with every key commented out is the same as none */
	assert_int_equal(load("http:\n  # port: 9725\n", &cfg, &d), 0);
	assert_false(cfg->http.enabled);
	pue_config_free(cfg);
}

static void
test_http_defaults_to_loopback_and_accepts_ipv6(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};

	(void)state;
	assert_int_equal(load("http: {}\n", &cfg, &d), 0);
	assert_true(cfg->http.enabled);
	assert_string_equal(cfg->http.listen, "127.0.0.1");
	assert_int_equal(cfg->http.port, PUE_HTTP_DEFAULT_PORT);
	assert_int_equal(cfg->http.max_connections, 64);
	assert_int_equal(cfg->http.timeout_ms, 10000);
	assert_null(cfg->http.tls_cert_pem);
	assert_int_equal(cfg->http.n_users, 0);
	pue_config_free(cfg);
	assert_int_equal(load("http: {listen: \"::1\", port: 0, max_connections: 8, timeout: 3s}\n",
			      &cfg, &d),
			 0);
	assert_string_equal(cfg->http.listen, "::1");
	assert_int_equal(cfg->http.port, 0);
	assert_int_equal(cfg->http.max_connections, 8);
	assert_int_equal(cfg->http.timeout_ms, 3000);
	pue_config_free(cfg);
}

static void
test_http_listen_must_be_numeric(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};

	(void)state;
	assert_int_equal(load("http:\n  listen: localhost\n  port: 70000\n", &cfg, &d),
			 PUE_E_CONFIG);
	assert_int_equal(d.n, 2);
	assert_at(d.lines[0], "pued.yaml", 15, 11);
	assert_non_null(strstr(d.lines[0], "http.listen: expected a numeric IPv4 or IPv6"));
	assert_at(d.lines[1], "pued.yaml", 16, 9);
	assert_non_null(strstr(d.lines[1], "http.port: expected an integer 0..65535"));
	pue_config_diags_free(&d);
}

static void
test_web_config_tls_and_users_are_read_beside_it(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char hash[64], text[512], file[320];

	(void)state;
	bcrypt("s3cret", hash, sizeof(hash));
	snprintf(file, sizeof(file), "%s/server.crt", dir);
	write_file(file, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	snprintf(file, sizeof(file), "%s/server.key", dir);
	write_file(file, "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
	snprintf(text, sizeof(text),
		 "tls_server_config:\n"
		 "  cert_file: server.crt\n"
		 "  key_file: server.key\n"
		 "basic_auth_users:\n"
		 "  prometheus: %s\n"
		 "  grafana: '%s'\n",
		 hash, hash);
	write_file(web, text);
	/* relative to pued.yaml's directory */
	assert_int_equal(load("http: {web_config_file: web.yml}\n", &cfg, &d), 0);
	assert_string_equal(cfg->http.web_config_file, web);
	assert_non_null(strstr(cfg->http.tls_cert_pem, "BEGIN CERTIFICATE"));
	assert_non_null(strstr(cfg->http.tls_key.value, "PRIVATE KEY"));
	assert_int_equal(cfg->http.n_users, 2);
	assert_string_equal(cfg->http.users[0].name, "prometheus");
	assert_string_equal(cfg->http.users[1].name, "grafana");
	assert_string_equal(cfg->http.users[1].bcrypt_hash, hash);
	pue_config_free(cfg);
}

static void
test_web_config_errors_name_its_own_lines(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char file[320];

	(void)state;
	snprintf(file, sizeof(file), "%s/server.crt", dir);
	write_file(file, "not a certificate\n");
	write_file(web, "tls_server_config:\n"
			"  cert_file: server.crt\n"
			"  client_auth_type: RequireAndVerifyClientCert\n"
			"basic_auth_users:\n"
			"  alice: plain-password-by-mistake\n"
			"  'bob:x': $2y$10$abcdefghijklmnopqrstuu5EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXA\n"
			"http_server_config: {http2: false}\n"
			"tls_config: {}\n");
	assert_int_equal(load("http: {web_config_file: web.yml}\n", &cfg, &d), PUE_E_CONFIG);
	for (size_t i = 0; i < d.n; i++)
		assert_null(strstr(d.lines[i], "plain-password"));
	assert_int_equal(d.n, 7);
	/* tls_server_config: no key_file; its cert is not PEM; a key pued ignores */
	assert_at(d.lines[0], "web.yml", 2, 3);
	assert_non_null(strstr(d.lines[0], "key_file"));
	assert_at(d.lines[1], "web.yml", 2, 14);
	assert_non_null(strstr(d.lines[1], "holds no PEM \"-----BEGIN CERTIFICATE-----\""));
	assert_at(d.lines[2], "web.yml", 3, 3);
	assert_non_null(strstr(d.lines[2], "client_auth_type"));
	assert_non_null(strstr(d.lines[2], "not supported by pued"));
	assert_at(d.lines[3], "web.yml", 5, 10);
	assert_non_null(strstr(d.lines[3], "basic_auth_users.alice: expected a bcrypt hash"));
	assert_at(d.lines[4], "web.yml", 6, 3);
	assert_non_null(strstr(d.lines[4], "without ':'"));
	assert_at(d.lines[5], "web.yml", 7, 1);
	assert_non_null(strstr(d.lines[5], "http_server_config"));
	assert_at(d.lines[6], "web.yml", 8, 1);
	assert_non_null(strstr(d.lines[6], "tls_config"));
	pue_config_diags_free(&d);
}

static void
test_web_config_that_cannot_be_read_is_named_in_pued_yaml(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	char fifo[320];

	(void)state;
	assert_int_equal(load("http:\n  web_config_file: /nonexistent/web.yml\n", &cfg, &d),
			 PUE_E_CONFIG);
	assert_int_equal(d.n, 1);
	assert_at(d.lines[0], "pued.yaml", 15, 20);
	assert_non_null(strstr(d.lines[0], "cannot read /nonexistent/web.yml"));
	pue_config_diags_free(&d);
	/* not a regular file: refused before it is opened (a FIFO would
	 * block the load until someone writes to it) */
	assert_int_equal(load("http:\n  web_config_file: /dev/null\n", &cfg, &d), PUE_E_CONFIG);
	assert_at(d.lines[0], "pued.yaml", 15, 20);
	assert_non_null(strstr(d.lines[0], "/dev/null is not a regular file"));
	pue_config_diags_free(&d);
	snprintf(fifo, sizeof(fifo), "%s/fifo.crt", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	write_file(web, "tls_server_config: {cert_file: fifo.crt, key_file: fifo.crt}\n");
	assert_int_equal(load("http: {web_config_file: web.yml}\n", &cfg, &d), PUE_E_CONFIG);
	assert_int_equal(d.n, 2);
	assert_non_null(strstr(d.lines[0], "fifo.crt is not a PEM file"));
	pue_config_diags_free(&d);
	/* YAML that does not parse: the parser's own message, in web.yml */
	write_file(web, "basic_auth_users: [\n");
	assert_int_equal(load("http: {web_config_file: web.yml}\n", &cfg, &d), PUE_E_CONFIG);
	assert_true(d.n >= 1);
	assert_int_equal(strncmp(d.lines[0], web, strlen(web)), 0);
	pue_config_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_is_off_without_its_section, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_defaults_to_loopback_and_accepts_ipv6,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_listen_must_be_numeric, setup, teardown),
		cmocka_unit_test_setup_teardown(test_web_config_tls_and_users_are_read_beside_it,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_web_config_errors_name_its_own_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_web_config_that_cannot_be_read_is_named_in_pued_yaml, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
