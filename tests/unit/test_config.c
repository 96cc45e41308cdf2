/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - the configuration loader: a full file and its defaults,
 * durations and sizes, and one case per kind of mistake, each checking the
 * exact "FILE:LINE:COL: KEY.PATH: message" the user would see.
 * Most cases are rows of two tables, each row a test of its own name:
 * good_configs (a file and a function that checks what it loads to) and
 * bad_configs (a file and the messages it must give, in order).
 * Each test writes its YAML into a temporary directory and loads it.
 * Run from the repository root (conf/pued.yaml is loaded by a relative path).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/config_text.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static char dir[256];
static char path[300];

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/pued-test-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/pued.yaml", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
write_yaml(const char *yaml)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(yaml, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static void
dump(const struct pue_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("  diag: %s\n", d->lines[i]);
}

/* Loads yaml and expects it to be valid; the caller frees the result. */
static struct pue_config *
load_ok(const char *yaml)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	int rc;

	write_yaml(yaml);
	rc = pue_config_load(path, &cfg, &d);
	if (rc != 0) {
		dump(&d);
		pue_config_diags_free(&d);
		fail_msg("expected a valid configuration, got %d", rc);
	}
	assert_int_equal(d.n, 0);
	assert_non_null(cfg);
	return cfg;
}

/*
 * The files are built from these pieces. BASE is a small valid file of ten
 * lines; most bad files change one piece of it or add lines after it (line
 * 11 on), so that the line and column a message must name can be counted:
 *
 *	 1 site: t                              SITE
 *	 2 devices:
 *	 3   - name: m                          M_TCP        DEVICE_M: 3-7
 *	 4     protocol: modbus_tcp
 *	 5     modbus: {host: 127.0.0.1}        MODBUS_M
 *	 6     points:                          POINTS_M
 *	 7       - {name: e, register: 0, ...}  (POINT_E)
 *	 8 pue:                                 BASE_PUE
 *	 9   facility: {add: [m/e]}
 *	10   it: {add: [m/e]}
 */
#define SITE                                                                                       \
	"site: t\n"                                                                                \
	"devices:\n"
#define M_TCP                                                                                      \
	"  - name: m\n"                                                                            \
	"    protocol: modbus_tcp\n"
#define MODBUS_M "    modbus: {host: 127.0.0.1}\n"
#define POINT_E                                                                                    \
	"      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy, measured_at: "      \
	"ups_output}\n"
/* The same point without measured_at, as a second device's or a facility one. */
#define POINT_E_FACILITY "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy}\n"
#define POINTS_M "    points:\n" POINT_E
#define DEVICE_M M_TCP MODBUS_M POINTS_M
#define SNMP_M                                                                                     \
	"  - name: m\n"                                                                            \
	"    protocol: snmp\n"                                                                     \
	"    snmp: {host: 127.0.0.1}\n"
#define BASE_PUE                                                                                   \
	"pue:\n"                                                                                   \
	"  facility: {add: [m/e]}\n"                                                               \
	"  it: {add: [m/e]}\n"
#define BASE SITE DEVICE_M BASE_PUE

static const char full[] =
	"site: \"Qingpu DC1\"\n"
	"poll_interval: 2s\n"
	"workers: 8\n"
	"devices:\n"
	"  - name: incomer-1\n"
	"    protocol: modbus_tcp\n"
	"    poll_interval: 500ms\n"
	"    timeout: 300ms\n"
	"    retries: 3\n"
	"    modbus: {host: 127.0.0.1, port: 1502, unit_id: 255, max_read_registers: 60}\n"
	"    points:\n"
	"      - {name: power, register: 10, function: input, type: float32, word_order: CDAB, "
	"unit: kW, kind: power, max_gap: 5s}\n"
	"      - {name: energy, register: 0x14, type: uint64, word_order: HGFEDCBA, unit: Wh, "
	"kind: energy, counter_bits: 48, max_power_kw: 5000, scale: 0.1, offset: -2.5}\n"
	"  - name: ups-a\n"
	"    protocol: snmp\n"
	"    snmp: {host: 127.0.0.1, port: 16100, version: 3, user: pued, security_level: "
	"authpriv, auth_protocol: sha256, auth_passphrase: \"auth-secret\", priv_protocol: aes, "
	"priv_passphrase: \"priv-secret\", max_varbinds: 10}\n"
	"    points:\n"
	"      - {name: output, oid: \"1.3.6.1.2.1.33.1.4.4.1.4.1\", unit: W, kind: power, "
	"measured_at: ups_output}\n"
	"      - {name: energy, oid: UPS-MIB::upsOutputEnergy.0, unit: kWh, kind: energy, "
	"measured_at: pdu_output}\n"
	"  - name: office\n"
	"    protocol: modbus_rtu\n"
	"    modbus: {device: /dev/ttyUSB0, baud: 19200, parity: even, stop_bits: 2, unit_id: "
	"247}\n"
	"    points:\n"
	"      - {name: energy, register: 0, type: int32, unit: MWh, kind: energy}\n"
	"pue:\n"
	"  facility: {add: [incomer-1/energy], subtract: [office/energy]}\n"
	"  it: {add: [ups-a/output, ups-a/energy]}\n"
	"  zones:\n"
	"    - {name: hall-1, it: {add: [ups-a/output]}, infrastructure: {add: [office/energy]}}\n"
	"  windows: [365d, 15m, 1h, 24h, 7d, 30d, 2h]\n"
	"  ceiling: 1.3\n"
	"  warning: 1.2\n"
	"  hysteresis: 0.02\n"
	"  min_coverage: 0.9\n"
	"  alert_window: 2h\n"
	"  min_duration: 0s\n"
	"  year_start: \"04-01\"\n"
	"  dcie: true\n"
	"alerts:\n"
	"  stale_after_polls: 7\n"
	"  enterprise_oid: \"1.3.6.1.4.1.99999\"\n"
	"  agentx: true\n"
	"  agentx_socket: /run/agentx.sock\n"
	"  targets:\n"
	"    - {name: noc, type: snmp_trap, min_severity: critical, snmp: {host: 127.0.0.1, port: "
	"16200, version: 2c, community: public}}\n"
	"    - {name: inform, type: snmp_inform, queue_max: 50, snmp: {host: 127.0.0.1, version: "
	"3, user: u, security_level: authnopriv, auth_passphrase: \"12345678\"}}\n"
	"    - {name: hook, type: exec, command: [/usr/local/bin/page-oncall, --pue, \"\"]}\n"
	"    - {name: journal, type: log}\n"
	"storage: {path: /tmp/pued.db, raw_retention: 2d, minute_retention: 500d, disk_budget: "
	"500MiB, flush_interval: 250ms}\n"
	"control: {socket: /tmp/pued.sock, group: pued, admin_group: pued-admin}\n";

/* Valid files ------------------------------------------------------------ */

static void
check_full_file(const struct pue_config *cfg)
{
	const struct pue_device_conf *d;
	const struct pue_point_conf *p;
	const struct pue_target_conf *t;
	static const int64_t windows[] = {
		15 * 60000,	3600000,	 2 * 3600000,	   86400000,
		7 * 86400000LL, 30 * 86400000LL, 365 * 86400000LL,
	};
	size_t i;

	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->site, "Qingpu DC1");
	assert_int_equal(cfg->poll_interval_ms, 2000);
	assert_int_equal(cfg->workers, 8);
	assert_int_equal(cfg->n_devices, 3);

	d = &cfg->devices[0];
	assert_string_equal(d->name, "incomer-1");
	assert_int_equal(d->protocol, PUE_PROTO_MODBUS_TCP);
	assert_int_equal(d->poll_interval_ms, 500);
	assert_int_equal(d->timeout_ms, 300);
	assert_int_equal(d->retries, 3);
	assert_string_equal(d->modbus.host, "127.0.0.1");
	assert_int_equal(d->modbus.port, 1502);
	assert_int_equal(d->modbus.unit_id, 255);
	assert_int_equal(d->modbus.request_gap_ms, 0);
	assert_int_equal(d->modbus.max_read_registers, 60);
	assert_int_equal(d->modbus.max_gap_registers, 16);
	assert_int_equal(d->line, 5);
	assert_int_equal(d->column, 5);
	assert_int_equal(d->n_points, 2);
	p = &d->points[0];
	assert_string_equal(p->name, "power");
	assert_int_equal(p->address, 10);
	assert_int_equal(p->function, PUE_MB_INPUT);
	assert_int_equal(p->type, PUE_T_FLOAT32);
	assert_int_equal(p->word_order, PUE_ORDER_CDAB);
	assert_int_equal(p->num.unit, PUE_UNIT_KW);
	assert_int_equal(p->num.kind, PUE_KIND_POWER);
	assert_true(p->num.scale == 1.0 && p->num.offset == 0.0);
	assert_int_equal(p->num.counter_bits, 0);
	assert_int_equal(p->num.max_gap_ms, 5000);
	assert_int_equal(p->num.measured_at, PUE_AT_NONE);
	assert_int_equal(p->line, 12);
	assert_int_equal(p->column, 9);
	p = &d->points[1];
	assert_int_equal(p->address, 0x14);
	assert_int_equal(p->function, PUE_MB_HOLDING);
	assert_int_equal(p->type, PUE_T_UINT64);
	assert_int_equal(p->word_order, PUE_ORDER_DCBA);
	assert_int_equal(p->num.unit, PUE_UNIT_WH);
	assert_int_equal(p->num.counter_bits, 48);
	assert_true(p->num.max_power_kw == 5000.0);
	assert_true(p->num.scale == 0.1 && p->num.offset == -2.5);

	d = &cfg->devices[1];
	assert_int_equal(d->protocol, PUE_PROTO_SNMP);
	assert_int_equal(d->poll_interval_ms, 2000); /* the top-level one */
	assert_int_equal(d->timeout_ms, 1000);
	assert_int_equal(d->retries, 2);
	assert_string_equal(d->snmp.host, "127.0.0.1");
	assert_int_equal(d->snmp.port, 16100);
	assert_int_equal(d->snmp.version, PUE_SNMP_V3);
	assert_null(d->snmp.community.value);
	assert_string_equal(d->snmp.user, "pued");
	assert_int_equal(d->snmp.level, PUE_SNMP_AUTHPRIV);
	assert_int_equal(d->snmp.auth, PUE_SNMP_AUTH_SHA256);
	assert_string_equal(d->snmp.auth_passphrase.value, "auth-secret");
	assert_int_equal(d->snmp.priv, PUE_SNMP_PRIV_AES);
	assert_string_equal(d->snmp.priv_passphrase.value, "priv-secret");
	assert_int_equal(d->snmp.max_varbinds, 10);
	assert_string_equal(d->points[0].oid, "1.3.6.1.2.1.33.1.4.4.1.4.1");
	assert_int_equal(d->points[0].num.measured_at, PUE_AT_UPS_OUTPUT);
	assert_string_equal(d->points[1].oid, "UPS-MIB::upsOutputEnergy.0");
	assert_int_equal(d->points[1].num.counter_bits, 0); /* the answer's type says */
	assert_int_equal(d->points[1].num.measured_at, PUE_AT_PDU_OUTPUT);

	d = &cfg->devices[2];
	assert_int_equal(d->protocol, PUE_PROTO_MODBUS_RTU);
	assert_string_equal(d->modbus.serial_device, "/dev/ttyUSB0");
	assert_null(d->modbus.host);
	assert_int_equal(d->modbus.baud, 19200);
	assert_int_equal(d->modbus.parity, 'E');
	assert_int_equal(d->modbus.data_bits, 8);
	assert_int_equal(d->modbus.stop_bits, 2);
	assert_int_equal(d->modbus.unit_id, 247);
	assert_int_equal(d->modbus.request_gap_ms, 20);
	assert_int_equal(d->points[0].type, PUE_T_INT32);
	assert_int_equal(d->points[0].num.counter_bits, 32);
	assert_int_equal(d->points[0].num.unit, PUE_UNIT_MWH);

	assert_int_equal(pue_config_find_device(cfg, "office"), 2);
	assert_int_equal(pue_config_find_device(cfg, "nope"), -1);
	assert_int_equal(pue_config_find_point(&cfg->devices[1], "energy"), 1);
	assert_int_equal(pue_config_find_point(&cfg->devices[1], "nope"), -1);

	assert_int_equal(cfg->pue.facility.n_terms, 2);
	assert_int_equal(cfg->pue.facility.terms[0].device, 0);
	assert_int_equal(cfg->pue.facility.terms[0].point, 1);
	assert_int_equal(cfg->pue.facility.terms[0].sign, 1);
	assert_int_equal(cfg->pue.facility.terms[1].device, 2);
	assert_int_equal(cfg->pue.facility.terms[1].sign, -1);
	assert_int_equal(cfg->pue.it.n_terms, 2);
	assert_int_equal(cfg->pue.it.terms[1].device, 1);
	assert_int_equal(cfg->pue.it.terms[1].point, 1);
	assert_int_equal(cfg->pue.n_zones, 1);
	assert_string_equal(cfg->pue.zones[0].name, "hall-1");
	assert_int_equal(cfg->pue.zones[0].it.n_terms, 1);
	assert_int_equal(cfg->pue.zones[0].infrastructure.terms[0].device, 2);
	assert_int_equal(cfg->pue.n_windows, 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(cfg->pue.windows_ms[i], windows[i]); /* sorted */
	assert_true(cfg->pue.ceiling == 1.3 && cfg->pue.warning == 1.2);
	assert_true(cfg->pue.hysteresis == 0.02 && cfg->pue.min_coverage == 0.9);
	assert_int_equal(cfg->pue.alert_window_ms, 2 * 3600000);
	assert_int_equal(cfg->pue.min_duration_ms, 0);
	assert_int_equal(cfg->pue.year_start_month, 4);
	assert_int_equal(cfg->pue.year_start_day, 1);
	assert_true(cfg->pue.dcie);

	assert_int_equal(cfg->alerts.stale_after_polls, 7);
	assert_string_equal(cfg->alerts.enterprise_oid, "1.3.6.1.4.1.99999");
	assert_true(cfg->alerts.agentx);
	assert_string_equal(cfg->alerts.agentx_socket, "/run/agentx.sock");
	assert_int_equal(cfg->alerts.n_targets, 4);
	t = &cfg->alerts.targets[0];
	assert_string_equal(t->name, "noc");
	assert_int_equal(t->type, PUE_TARGET_SNMP_TRAP);
	assert_int_equal(t->min_severity, PUE_SEV_CRITICAL);
	assert_int_equal(t->snmp.port, 16200);
	assert_int_equal(t->snmp.version, PUE_SNMP_V2C);
	assert_string_equal(t->snmp.community.value, "public");
	assert_int_equal(t->queue_max, 10000);
	t = &cfg->alerts.targets[1];
	assert_int_equal(t->type, PUE_TARGET_SNMP_INFORM);
	assert_int_equal(t->queue_max, 50);
	assert_int_equal(t->snmp.port, 162);
	assert_int_equal(t->snmp.level, PUE_SNMP_AUTHNOPRIV);
	assert_int_equal(t->snmp.auth, PUE_SNMP_AUTH_SHA);
	assert_int_equal(t->snmp.priv, PUE_SNMP_PRIV_NONE);
	assert_null(t->snmp.priv_passphrase.value);
	t = &cfg->alerts.targets[2];
	assert_int_equal(t->type, PUE_TARGET_EXEC);
	assert_int_equal(t->argc, 3);
	assert_string_equal(t->argv[0], "/usr/local/bin/page-oncall");
	assert_string_equal(t->argv[1], "--pue");
	assert_string_equal(t->argv[2], "");
	assert_null(t->argv[3]);
	assert_int_equal(t->min_severity, PUE_SEV_WARNING);
	assert_int_equal(cfg->alerts.targets[3].type, PUE_TARGET_LOG);

	assert_string_equal(cfg->storage.path, "/tmp/pued.db");
	assert_int_equal(cfg->storage.raw_retention_ms, 2 * 86400000);
	assert_int_equal(cfg->storage.minute_retention_ms, 500 * 86400000LL);
	assert_int_equal(cfg->storage.disk_budget_bytes, 500ull << 20);
	assert_int_equal(cfg->storage.flush_interval_ms, 250);
	assert_string_equal(cfg->control.socket, "/tmp/pued.sock");
	assert_string_equal(cfg->control.group, "pued");
	assert_string_equal(cfg->control.admin_group, "pued-admin");
}

static void
check_defaults(const struct pue_config *cfg)
{
	const struct pue_device_conf *d = &cfg->devices[0];
	static const int64_t windows[] = {
		15 * 60000, 3600000, 86400000, 7 * 86400000LL, 30 * 86400000LL, 365 * 86400000LL,
	};
	size_t i;

	assert_int_equal(cfg->poll_interval_ms, 1000);
	assert_int_equal(cfg->workers, 4);
	assert_int_equal(d->poll_interval_ms, 1000);
	assert_int_equal(d->timeout_ms, 1000);
	assert_int_equal(d->retries, 2);
	assert_int_equal(d->modbus.port, 502);
	assert_int_equal(d->modbus.unit_id, 1);
	assert_int_equal(d->modbus.max_read_registers, 125);
	assert_int_equal(d->points[0].function, PUE_MB_HOLDING);
	assert_int_equal(d->points[0].word_order, PUE_ORDER_ABCD);
	assert_int_equal(d->points[0].num.counter_bits, 32); /* the width of uint32 */
	assert_true(d->points[0].num.scale == 1.0);
	assert_true(d->points[0].num.max_power_kw == 0.0);
	assert_int_equal(d->points[0].num.max_gap_ms, 0);
	assert_int_equal(cfg->pue.n_windows, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(cfg->pue.windows_ms[i], windows[i]);
	assert_int_equal(cfg->pue.n_zones, 0);
	assert_true(cfg->pue.ceiling == 1.25 && cfg->pue.warning == 1.22);
	assert_true(cfg->pue.hysteresis == 0.01 && cfg->pue.min_coverage == 0.95);
	assert_int_equal(cfg->pue.alert_window_ms, 86400000);
	assert_int_equal(cfg->pue.min_duration_ms, 15 * 60000);
	assert_int_equal(cfg->pue.year_start_month, 1);
	assert_int_equal(cfg->pue.year_start_day, 1);
	assert_false(cfg->pue.dcie);
	assert_int_equal(cfg->alerts.n_targets, 0);
	assert_int_equal(cfg->alerts.stale_after_polls, 5);
	assert_string_equal(cfg->alerts.enterprise_oid, "1.3.6.1.4.1.8072.9999");
	assert_false(cfg->alerts.agentx);
	assert_null(cfg->alerts.agentx_socket);
	assert_string_equal(cfg->storage.path, "/var/lib/pued/pued.db");
	assert_int_equal(cfg->storage.raw_retention_ms, 7 * 86400000LL);
	assert_int_equal(cfg->storage.minute_retention_ms, 400 * 86400000LL);
	assert_int_equal(cfg->storage.disk_budget_bytes, 2ull << 30);
	assert_int_equal(cfg->storage.flush_interval_ms, 1000);
	assert_string_equal(cfg->control.socket, "/run/pued/pued.sock");
	assert_null(cfg->control.group);
	assert_null(cfg->control.admin_group);

	/* the alert rules' severities, on unless "off", the exec hook's limit */
	assert_true(cfg->alerts.rule_enabled[PUE_RULE_DATA_STALE]);
	assert_int_equal(cfg->alerts.rule_severity[PUE_RULE_PUE_CEILING], PUE_SEV_CRITICAL);
	assert_int_equal(cfg->alerts.rule_severity[PUE_RULE_PUE_WARNING], PUE_SEV_WARNING);
	assert_int_equal(cfg->alerts.rule_severity[PUE_RULE_DEVICE_DOWN], PUE_SEV_CRITICAL);
	assert_int_equal(cfg->alerts.exec_timeout_ms, 30000);
	assert_int_equal(cfg->alerts.engine_id_len, 0);
}

static void
check_snmp_defaults(const struct pue_config *cfg)
{
	const struct pue_snmp_conf *s = &cfg->devices[0].snmp;

	assert_int_equal(s->port, 161);
	assert_int_equal(s->version, PUE_SNMP_V2C);
	assert_string_equal(s->community.value, "public");
	assert_int_equal(s->max_varbinds, 32);
	assert_null(s->user);
	assert_int_equal(cfg->devices[0].points[0].num.counter_bits, 0); /* the type says */
}

static void
check_sum_column_and_invalid_values(const struct pue_config *cfg)
{
	const struct pue_point_conf *e = &cfg->devices[0].points[0],
				    *p = &cfg->devices[0].points[1];

	assert_false(e->sum_column);
	assert_int_equal(e->n_invalid_values, 0);
	assert_null(e->invalid_values);
	assert_true(p->sum_column);
	assert_int_equal(p->n_invalid_values, 2);
	assert_true(p->invalid_values[0] == -1);
	assert_true(p->invalid_values[1] == 2147483647);
}

static void
check_empty_sections(const struct pue_config *cfg)
{
	assert_string_equal(cfg->control.socket, "/run/pued/pued.sock");
	assert_int_equal(cfg->devices[0].points[0].num.counter_bits, 0); /* floats do not wrap */
}

static void
check_alert_rules_engine_id_exec_timeout(const struct pue_config *cfg)
{
	assert_int_equal(cfg->alerts.rule_severity[PUE_RULE_DEVICE_DOWN], PUE_SEV_WARNING);
	assert_false(cfg->alerts.rule_enabled[PUE_RULE_DATA_STALE]);
	assert_true(cfg->alerts.rule_enabled[PUE_RULE_METER_RESET]);
	assert_int_equal(cfg->alerts.rule_severity[PUE_RULE_YEAR_PROJECTION], PUE_SEV_CRITICAL);
	assert_int_equal(cfg->alerts.engine_id_len, 10);
	assert_int_equal(cfg->alerts.engine_id[0], 0x80);
	assert_int_equal(cfg->alerts.engine_id[3], 0x88);
	assert_int_equal(cfg->alerts.engine_id[9], 0x31);
	assert_int_equal(cfg->alerts.exec_timeout_ms, 5000);
}

static void
check_map_points(const struct pue_config *cfg)
{
	const struct pue_device_conf *d;
	size_t i;

	for (i = 0; i < 2; i++) { /* both devices got both points, in the map's order */
		d = &cfg->devices[i];
		assert_int_equal(d->n_points, 2);
		assert_string_equal(d->points[0].name, "power");
		assert_int_equal(d->points[0].address, 10);
		assert_int_equal(d->points[0].function, PUE_MB_INPUT);
		assert_int_equal(d->points[0].type, PUE_T_FLOAT32);
		assert_int_equal(d->points[0].num.kind, PUE_KIND_POWER);
		assert_string_equal(d->points[1].name, "energy");
		assert_int_equal(d->points[1].address, 20);
		assert_int_equal(d->points[1].num.unit, PUE_UNIT_WH);
		assert_int_equal(d->points[1].num.counter_bits, 32);
	}
}

static void
check_map_point_replaced(const struct pue_config *cfg)
{
	const struct pue_device_conf *d = &cfg->devices[0];

	assert_int_equal(d->n_points, 3);
	assert_string_equal(d->points[0].name, "power"); /* the map's, in the map's order */
	assert_int_equal(d->points[0].address, 10);
	assert_string_equal(d->points[1].name, "energy"); /* the device's whole point */
	assert_int_equal(d->points[1].address, 28);
	assert_int_equal(d->points[1].type, PUE_T_UINT64);
	assert_int_equal(d->points[1].function, PUE_MB_HOLDING);
	assert_int_equal(d->points[1].num.measured_at, PUE_AT_UPS_OUTPUT);
	assert_string_equal(d->points[2].name, "extra"); /* then the device's others */
}

static void
check_scale_register(const struct pue_config *cfg)
{
	assert_true(cfg->devices[0].points[0].has_scale_register);
	assert_int_equal(cfg->devices[0].points[0].scale_register, 0x9D);
	assert_false(cfg->devices[0].points[1].has_scale_register);
}

/* A meter map ("map: NAME") the loader finds in DIR/meters. */
static const char test_map[] =
	"# a meter map\n"
	"points:\n"
	"  - {name: power, register: 0x000A, function: input, type: float32, unit: kW,\n"
	"     kind: power}\n"
	"  - {name: energy, register: 20, function: input, type: uint32, unit: Wh,\n"
	"     kind: energy}\n";

/* connections: is the link's: set on m, it is n's too (same host:port);
 * o (another port) and the RTU bus keep 1. */
static void
check_link_connections(const struct pue_config *cfg)
{
	assert_int_equal(cfg->n_devices, 4);
	assert_int_equal(cfg->devices[0].modbus.connections, 3);
	assert_int_equal(cfg->devices[1].modbus.connections, 3);
	assert_int_equal(cfg->devices[2].modbus.connections, 1);
	assert_int_equal(cfg->devices[3].modbus.connections, 1);
}

struct good_config {
	const char *name;
	const char *yaml;
	void (*check)(const struct pue_config *cfg);
	bool test_map; /* with DIR/meters/testmeter.yaml (test_map) */
};

static const struct good_config good_configs[] = {
	{"test_config_loads_full_file_with_every_field", full, check_full_file, false},
	{"test_config_fills_defaults_for_a_minimal_file", BASE, check_defaults, false},
	{"test_config_snmp_device_defaults_to_v2c_public_on_161",
	 SITE SNMP_M "    points:\n"
		     "      - {name: e, oid: 1.3.6.1.4.1.1.1, unit: kWh, kind: energy, "
		     "measured_at: it_input}\n" BASE_PUE,
	 check_snmp_defaults, false},
	/* SNMP points (issue 5): a column sum and sentinel values. */
	{"test_config_snmp_point_reads_sum_column_and_invalid_values",
	 SITE SNMP_M "    points:\n"
		     "      - {name: e, oid: 1.3.6.1.4.1.1.1, unit: kWh, kind: energy, "
		     "measured_at: it_input}\n"
		     "      - {name: p, oid: 1.3.6.1.2.1.33.1.4.4.1.4, unit: W, kind: power, "
		     "sum_column: true, invalid_values: [-1, 2147483647]}\n" BASE_PUE,
	 check_sum_column_and_invalid_values, false},
	{"test_config_optional_section_may_be_empty",
	 SITE M_TCP MODBUS_M "    points:\n"
			     "      - {name: e, register: 0, type: float32, unit: kWh, kind: "
			     "energy, measured_at: ups_output}\n" BASE_PUE "control:\n"
			     "  #socket: /x\n"
			     "alerts:\n",
	 check_empty_sections, false},
	/* Alerts (issue 8): rule severities and "off", the SNMPv3 engine ID
	 * traps are sent as, the exec hook's time limit (defaults: above). */
	{"test_config_alert_rules_engine_id_exec_timeout",
	 BASE "alerts:\n"
	      "  rules: {device_down: warning, data_stale: off, year_projection: critical}\n"
	      "  engine_id: \"0x80001F88047075656431\"\n"
	      "  exec_timeout: 5s\n",
	 check_alert_rules_engine_id_exec_timeout, false},
	{"test_config_map_gives_device_the_map_points",
	 SITE M_TCP MODBUS_M
	 "    map: testmeter\n"
	 "  - name: n\n"
	 "    protocol: modbus_tcp\n"
	 "    modbus: {host: 127.0.0.1, unit_id: 2}\n"
	 "    map: testmeter\n"
	 "  - name: u\n"
	 "    protocol: modbus_tcp\n"
	 "    modbus: {host: 127.0.0.1, unit_id: 3}\n"
	 "    points:\n"
	 "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy,\n"
	 "         measured_at: ups_output}\n"
	 "pue:\n"
	 "  facility: {add: [m/energy, n/energy]}\n"
	 "  it: {add: [u/e]}\n",
	 check_map_points, true},
	{"test_config_map_point_replaced_by_device_point_of_same_name",
	 SITE M_TCP MODBUS_M
	 "    map: testmeter\n"
	 "    points:\n"
	 "      - {name: extra, register: 2, type: uint32, unit: W, kind: power}\n"
	 "      - {name: energy, register: 28, type: uint64, unit: Wh, kind: "
	 "energy,\n"
	 "         measured_at: ups_output}\n"
	 "pue:\n"
	 "  facility: {add: [m/energy]}\n"
	 "  it: {add: [m/energy]}\n",
	 check_map_point_replaced, true},
	{"test_config_scale_register_read_for_modbus_only",
	 SITE M_TCP MODBUS_M
	 "    points:\n"
	 "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy,\n"
	 "         measured_at: ups_output, scale_register: 0x9D}\n"
	 "      - {name: p, register: 4, type: int16, unit: W, kind: power}\n" BASE_PUE,
	 check_scale_register, false},
	{"test_config_link_connections_reach_every_device_of_the_link",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, unit_id: 1, connections: 3}\n" POINTS_M
		    "  - name: n\n"
		    "    protocol: modbus_tcp\n"
		    "    modbus: {host: 127.0.0.1, unit_id: 2}\n"
		    "    points:\n" POINT_E_FACILITY "  - name: o\n"
		    "    protocol: modbus_tcp\n"
		    "    modbus: {host: 127.0.0.1, port: 1502}\n"
		    "    points:\n" POINT_E_FACILITY "  - name: r\n"
		    "    protocol: modbus_rtu\n"
		    "    modbus: {device: /dev/ttyS0}\n"
		    "    points:\n" POINT_E_FACILITY BASE_PUE,
	 check_link_connections, false},
};

/* Mistakes: one kind per row ---------------------------------------------- */

#define MAX_ERRORS 8

struct bad_config {
	const char *name;
	const char *yaml;
	/* every message, in order: each starts with "FILE:" and this */
	const char *want[MAX_ERRORS];
};

/* The secrets the rows hold (test_config_never_echoes_secrets): no message
 * may repeat one. */
static const char *const secrets[] = {"s3cr3t", "shhh"};

static const struct bad_config bad_configs[] = {
	{"test_config_minute_retention_covers_the_longest_window",
	 BASE "  windows: [24h, 365d]\n"
	      "storage: {minute_retention: 30d}\n",
	 {"12:29: storage.minute_retention: shorter than the longest window, 365d"}},
	{"test_config_snmp_point_keys_checked_and_refused_for_modbus",
	 SITE M_TCP MODBUS_M
	 "    points:\n"
	 "      - {name: e, register: 0, type: uint32, sum_column: true, unit: kWh, "
	 "kind: energy, measured_at: ups_output}\n"
	 "  - name: s\n"
	 "    protocol: snmp\n"
	 "    snmp: {host: 127.0.0.1}\n"
	 "    points:\n"
	 "      - {name: a, oid: 1.3.6.1.4.1.1.1, unit: kW, kind: power, "
	 "invalid_values: []}\n"
	 "      - {name: b, oid: 1.3.6.1.4.1.1.2, unit: kW, kind: power, sum_column: "
	 "yes}\n"
	 "      - {name: c, oid: 1.3.6.1.4.1.1.3, unit: kW, kind: power, "
	 "invalid_values: [-1, abc]}\n" BASE_PUE,
	 {"7:46: devices[0].points[0].sum_column: only for SNMP devices",
	  "12:80: devices[1].points[0].invalid_values: expected a list of 1..16 numbers, got 0",
	  "13:76: devices[1].points[1].sum_column: expected true or false, got \"yes\"",
	  "14:85: devices[1].points[2].invalid_values[1]: expected a number -2e+19..2e+19, got "
	  "\"abc\""}},
	{"test_config_rejects_unknown_key_with_suggestion",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, portt: 1502}\n" POINTS_M BASE_PUE,
	 {"5:31: devices[0].modbus.portt: unknown key \"portt\"; did you mean \"port\"?"}},
	{"test_config_rejects_unknown_key_without_close_match",
	 "colour: red\n" BASE,
	 {"1:1: colour: unknown key \"colour\""}},
	{"test_config_rejects_list_where_string_expected",
	 "site: [a, b]\n"
	 "devices:\n" DEVICE_M BASE_PUE,
	 {"1:7: site: expected a non-empty string, got a list"}},
	{"test_config_rejects_integer_out_of_range",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, unit_id: 256}\n" POINTS_M BASE_PUE,
	 {"5:40: devices[0].modbus.unit_id: expected an integer 0..255, got \"256\""}},
	{"test_config_rtu_unit_id_is_1_to_247",
	 SITE "  - name: m\n"
	      "    protocol: modbus_rtu\n"
	      "    modbus: {device: /dev/ttyS0, unit_id: 0}\n" POINTS_M BASE_PUE,
	 {"5:43: devices[0].modbus.unit_id: expected an integer 1..247, got \"0\""}},
	{"test_config_rejects_non_integer_register",
	 SITE M_TCP MODBUS_M "    points:\n"
			     "      - name: e\n"
			     "        register: abc\n"
			     "        type: uint32\n"
			     "        unit: kWh\n"
			     "        kind: energy\n"
			     "        measured_at: ups_output\n" BASE_PUE,
	 {"8:19: devices[0].points[0].register: expected an integer 0..65535, got \"abc\""}},
	{"test_config_rejects_quoted_number",
	 "site: t\n"
	 "workers: \"8\"\n"
	 "devices:\n" DEVICE_M BASE_PUE,
	 {"2:10: workers: expected an integer 1..256, got a quoted string \"8\""}},
	{"test_config_rejects_bad_duration",
	 "site: t\n"
	 "poll_interval: 1x\n"
	 "devices:\n"
	 "  - name: m\n"
	 "    timeout: 0s\n"
	 "    protocol: modbus_tcp\n" MODBUS_M POINTS_M BASE_PUE,
	 {"2:16: poll_interval: expected a duration 100ms..1h: a whole number and ms, s, m, h "
	  "or d (e.g. 15m), got \"1x\"",
	  "5:14: devices[0].timeout: expected a duration 10ms..1m, got \"0s\""}},
	{"test_config_rejects_bad_enum_value_with_suggestion",
	 SITE M_TCP MODBUS_M "    points:\n"
			     "      - {name: e, register: 0, type: uint32, unit: kWh, kind: enrgy, "
			     "measured_at: ups_output}\n" BASE_PUE,
	 {"7:63: devices[0].points[0].kind: expected one of power, energy, got \"enrgy\"; "
	  "did you mean \"energy\"?"}},
	{"test_config_rejects_boolean_other_than_true_false",
	 BASE "  dcie: yes\n",
	 {"11:9: pue.dcie: expected true or false, got \"yes\""}},
	{"test_config_rejects_nan_and_infinite_numbers",
	 BASE "  ceiling: .nan\n"
	      "  warning: inf\n",
	 {"11:12: pue.ceiling: expected a number 1..3, got \".nan\"",
	  "12:12: pue.warning: expected a number 1..3, got \"inf\""}},
	{"test_config_rejects_duplicate_device_name",
	 SITE DEVICE_M M_TCP "    modbus: {host: 127.0.0.1, unit_id: 2}\n"
			     "    points:\n" POINT_E_FACILITY BASE_PUE,
	 {"8:11: devices[1].name: duplicate device name \"m\" (first at line 3)"}},
	{"test_config_rejects_duplicate_point_name",
	 SITE DEVICE_M
	 "      - {name: e, register: 2, type: uint32, unit: kWh, kind: energy}\n" BASE_PUE,
	 {"8:16: devices[0].points[1].name: duplicate point name \"e\" (first at line 7)"}},
	{"test_config_rejects_device_name_with_slash",
	 SITE DEVICE_M "  - name: hall/1\n"
		       "    protocol: modbus_tcp\n" MODBUS_M
		       "    points:\n" POINT_E_FACILITY BASE_PUE,
	 {"8:11: devices[1].name: expected a name of letters, digits, '_', '.' and '-', "
	  "got \"hall/1\""}},
	/* A name goes into alert keys, trap varbinds and fixed fields (a
	 * notification's device, 96 bytes): a longer one would be cut there,
	 * and a silence by key would never match. 63 characters are taken. */
	{"test_config_rejects_name_longer_than_63_characters",
	 SITE DEVICE_M
	 "  - name: n234567890123456789012345678901234567890123456789012345678901234\n"
	 "    protocol: modbus_tcp\n" MODBUS_M "    points:\n"
	 "      - {name: e23456789012345678901234567890123456789012345678901234567890123, "
	 "register: 0, type: uint32, unit: kWh, kind: energy}\n" BASE_PUE,
	 {"8:11: devices[1].name: expected a name of at most 63 characters, got 64"}},
	{"test_config_rejects_duplicate_key",
	 BASE "site: u\n",
	 {"11:1: site: duplicate key \"site\" (first at line 1 column 1)"}},
	{"test_config_rejects_anchor_and_alias",
	 SITE M_TCP "    modbus: &gw {host: 127.0.0.1}\n" POINTS_M "  - name: n\n"
		    "    protocol: modbus_tcp\n"
		    "    modbus: *gw\n"
		    "    points:\n" POINT_E_FACILITY BASE_PUE,
	 {"5:13: devices[0].modbus: anchors are not supported (&gw)",
	  "10:13: devices[1].modbus: aliases are not supported (*gw)"}},
	{"test_config_reports_yaml_syntax_error_position",
	 SITE M_TCP "    modbus: {host: 127.0.0.1\n"
		    "    points:\n",
	 {"6:11: YAML syntax error: did not find expected ',' or '}' (while parsing a "
	  "flow mapping at line 5 column 13)"}},
	{"test_config_rejects_second_yaml_document",
	 "site: t\n"
	 "---\n"
	 "site: u\n",
	 {"2:1: a second YAML document; the file must hold one"}},
	{"test_config_rejects_missing_required_keys",
	 SITE "  - {name: m, protocol: modbus_tcp, modbus: {port: 502},\n"
	      "     points: [\n"
	      "       {name: e, unit: kWh, kind: energy, measured_at: ups_output}]}\n"
	      "  - name: s\n"
	      "    protocol: snmp\n"
	      "    points:\n"
	      "      - {name: p, unit: W, kind: power}\n" BASE_PUE,
	 {"3:45: devices[0].modbus.host: required key is missing",
	  "5:8: devices[0].points[0].type: required key is missing",
	  "5:8: devices[0].points[0].register: required key is missing",
	  "6:5: devices[1].snmp: required key is missing",
	  "9:9: devices[1].points[0].oid: required key is missing"}},
	{"test_config_rejects_unit_that_does_not_match_kind",
	 SITE M_TCP MODBUS_M "    points:\n"
			     "      - {name: e, register: 0, type: uint32, unit: kW, kind: energy, "
			     "measured_at: ups_output}\n" BASE_PUE,
	 {"7:52: devices[0].points[0].unit: kW is a unit of power, but the point has "
	  "kind energy (use Wh, kWh or MWh)"}},
	/* A counter's energy is count x scale: a negative scale makes every
	 * interval's energy negative (energy.c differences the raw counts). A
	 * power point may have one (a CT mounted the other way round). */
	{"test_config_rejects_negative_scale_on_a_counter",
	 SITE M_TCP MODBUS_M
	 "    points:\n"
	 "      - {name: p, register: 2, type: int32, unit: kW, kind: power, scale: -1}\n"
	 "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy, "
	 "scale: -0.1, measured_at: ups_output}\n" BASE_PUE,
	 {"8:78: devices[0].points[1].scale: must be positive for kind energy"}},
	{"test_config_rejects_counter_bits_on_power_point",
	 SITE M_TCP MODBUS_M
	 "    points:\n"
	 "      - {name: p, register: 2, type: uint32, unit: kW, kind: power, "
	 "counter_bits: 32}\n"
	 "      - {name: e, register: 0, type: float32, unit: kWh, kind: energy, "
	 "counter_bits: 32, measured_at: ups_output}\n" BASE_PUE,
	 {"7:69: devices[0].points[0].counter_bits: only for kind energy",
	  "8:86: devices[0].points[1].counter_bits: a float32 register does not wrap"}},
	{"test_config_rejects_unresolved_pue_terms",
	 SITE DEVICE_M "pue:\n"
		       "  facility: {add: [m/e, n/e, m/f]}\n"
		       "  it: {add: [m/e, m]}\n",
	 {"9:25: pue.facility.add[1]: no device \"n\"",
	  "9:30: pue.facility.add[2]: device m has no point \"f\"",
	  "10:19: pue.it.add[1]: expected \"device/point\", got \"m\""}},
	{"test_config_suggests_close_device_and_point_names",
	 SITE "  - name: ups-a\n"
	      "    protocol: modbus_tcp\n" MODBUS_M "    points:\n"
	      "      - {name: energy, register: 0, type: uint32, unit: kWh, kind: energy, "
	      "measured_at: ups_output}\n"
	      "pue:\n"
	      "  facility: {add: [ups-a/energy, ipsa/energy, ups-a/enrgy]}\n"
	      "  it: {add: [ups-a/energy]}\n",
	 {"9:34: pue.facility.add[1]: no device \"ipsa\"; did you mean \"ups-a\"?",
	  "9:47: pue.facility.add[2]: device ups-a has no point \"enrgy\"; did you mean "
	  "\"energy\"?"}},
	{"test_config_rejects_it_point_without_measured_at",
	 SITE M_TCP MODBUS_M
	 "    points:\n" POINT_E_FACILITY
	 "      - {name: i, register: 2, type: uint32, unit: kWh, kind: energy, "
	 "measured_at: ups_output}\n"
	 "pue:\n"
	 "  facility: {add: [m/e]}\n"
	 "  it: {add: [m/i], subtract: [m/e]}\n",
	 {"11:31: pue.it.subtract[0]: point m/e has no measured_at"}},
	{"test_config_rejects_empty_it_sum_and_term_listed_twice",
	 SITE M_TCP MODBUS_M "    points:\n" POINT_E_FACILITY "pue:\n"
			     "  facility: {add: [m/e], subtract: [m/e]}\n"
			     "  it: {add: []}\n",
	 {"9:37: pue.facility.subtract[0]: m/e is listed twice (first at line 9 column 20)",
	  "10:13: pue.it.add: needs at least one \"device/point\" term"}},
	{"test_config_rejects_protocol_section_mismatch",
	 SITE M_TCP "    snmp: {host: 127.0.0.1}\n" MODBUS_M "    points:\n"
		    "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy, "
		    "oid: 1.3.6.1.2.1.1, measured_at: ups_output}\n" BASE_PUE,
	 {"5:5: devices[0].snmp: an snmp: section on a device with protocol modbus_tcp",
	  "8:71: devices[0].points[0].oid: only for SNMP devices"}},
	{"test_config_rejects_rtu_keys_on_tcp_device",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, baud: 9600}\n" POINTS_M BASE_PUE,
	 {"5:31: devices[0].modbus.baud: only for protocol modbus_rtu"}},
	{"test_config_modbus_connections_is_1_to_32",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, connections: 33}\n" POINTS_M BASE_PUE,
	 {"5:44: devices[0].modbus.connections: expected an integer 1..32, got \"33\""}},
	{"test_config_modbus_connections_is_never_0",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, connections: 0}\n" POINTS_M BASE_PUE,
	 {"5:44: devices[0].modbus.connections: expected an integer 1..32, got \"0\""}},
	{"test_config_rejects_connections_on_a_serial_bus",
	 SITE "  - name: m\n"
	      "    protocol: modbus_rtu\n"
	      "    modbus: {device: /dev/ttyS0, connections: 2}\n" POINTS_M BASE_PUE,
	 {"5:34: devices[0].modbus.connections: only for protocol modbus_tcp"}},
	{"test_config_rejects_devices_disagreeing_on_link_connections",
	 SITE M_TCP "    modbus: {host: 127.0.0.1, connections: 4}\n" POINTS_M "  - name: n\n"
		    "    protocol: modbus_tcp\n"
		    "    modbus: {host: 127.0.0.1, unit_id: 2, connections: 2}\n"
		    "    points:\n" POINT_E_FACILITY BASE_PUE,
	 {"10:56: devices[1].modbus.connections: link 127.0.0.1:502 has connections: 4 from "
	  "device m (line 3); devices on one link share it"}},
	{"test_config_rejects_rtu_devices_disagreeing_on_bus_settings",
	 SITE "  - name: m\n"
	      "    protocol: modbus_rtu\n"
	      "    modbus: {device: /dev/ttyUSB0, unit_id: 1}\n" POINTS_M "  - name: n\n"
	      "    protocol: modbus_rtu\n"
	      "    modbus: {device: /dev/ttyUSB0, unit_id: 2, baud: 19200}\n"
	      "    points:\n" POINT_E_FACILITY BASE_PUE,
	 {"10:13: devices[1].modbus: serial bus /dev/ttyUSB0 is already used by device m "
	  "(line 3) at 9600 baud"}},
	{"test_config_rejects_warning_above_ceiling",
	 BASE "  ceiling: 1.25\n"
	      "  warning: 1.3\n",
	 {"12:12: pue.warning: 1.3 is above ceiling 1.25"}},
	{"test_config_rejects_alert_window_not_in_windows",
	 BASE "  windows: [15m, 1h, 24h, 60m]\n"
	      "  alert_window: 2h\n",
	 {"11:27: pue.windows[3]: window 1h is listed twice",
	  "12:17: pue.alert_window: 2h is not one of pue.windows"}},
	{"test_config_rejects_window_out_of_range",
	 BASE "  windows: [30s, 24h]\n",
	 {"11:13: pue.windows[0]: expected a duration 1m..400d, got \"30s\""}},
	/* The engine's windows sum whole minutes (core/window.h): 90s passed
	 * the check and pued then failed with "engine: out of memory". */
	{"test_config_rejects_window_not_whole_minutes",
	 BASE "  windows: [90s, 15m, 3601s, 24h]\n",
	 {"11:13: pue.windows[0]: window 90s is not a whole number of minutes (windows sum "
	  "whole minutes: 1m or 2m)",
	  "11:23: pue.windows[2]: window 3601s is not a whole number of minutes (windows sum "
	  "whole minutes: 1h or 61m)"}},
	{"test_config_rejects_alert_window_not_whole_minutes",
	 BASE "  windows: [15m, 1h, 24h]\n"
	      "  alert_window: 90s\n",
	 {"12:17: pue.alert_window: window 90s is not a whole number of minutes (windows sum "
	  "whole minutes: 1m or 2m)"}},
	{"test_config_rejects_snmp_v3_without_passphrase",
	 SITE "  - name: m\n"
	      "    protocol: snmp\n"
	      "    snmp: {host: 127.0.0.1, version: 3, user: pued, security_level: "
	      "authnopriv}\n"
	      "    points:\n"
	      "      - {name: e, oid: 1.3.6.1.4.1.1.1, unit: kWh, kind: energy, measured_at: "
	      "ups_output}\n" BASE_PUE,
	 {"5:11: devices[0].snmp.auth_passphrase: required key is missing "
	  "(security_level authnopriv)"}},
	{"test_config_never_echoes_secrets",
	 SITE "  - name: m\n"
	      "    protocol: snmp\n"
	      "    snmp: {host: 127.0.0.1, version: 3, user: pued, community: s3cr3t-comm, "
	      "auth_passphrase: shhh123, priv_passphrase: [x]}\n"
	      "    points:\n"
	      "      - {name: e, oid: 1.3.6.1.4.1.1.1, unit: kWh, kind: energy, measured_at: "
	      "ups_output}\n" BASE_PUE,
	 {"5:53: devices[0].snmp.community: only for versions 1 and 2c",
	  "5:94: devices[0].snmp.auth_passphrase: too short",
	  "5:120: devices[0].snmp.priv_passphrase: expected a string, got a list"}},
	{"test_config_rejects_exec_command_not_absolute",
	 BASE "alerts:\n"
	      "  targets:\n"
	      "    - {name: hook, type: exec, command: [page-oncall, --pue]}\n",
	 {"13:42: alerts.targets[0].command[0]: expected an absolute path to the program, "
	  "got \"page-oncall\""}},
	{"test_config_rejects_trap_target_without_community",
	 BASE "alerts:\n"
	      "  targets:\n"
	      "    - name: noc\n"
	      "      type: snmp_trap\n"
	      "      snmp: {host: 127.0.0.1}\n",
	 {"15:13: alerts.targets[0].snmp.community: required key is missing (version 2c)"}},
	{"test_config_rejects_bad_alert_rules_and_engine_id",
	 BASE "alerts:\n"
	      "  rules: {device_dwon: critical, data_stale: loud}\n"
	      "  engine_id: \"0x8000\"\n"
	      "  exec_timeout: 2h\n",
	 {"12:11: alerts.rules.device_dwon: unknown key \"device_dwon\"; did you mean "
	  "\"device_down\"?",
	  "12:46: alerts.rules.data_stale: expected one of info, warning, critical, off, got "
	  "\"loud\"",
	  "13:14: alerts.engine_id: expected an SNMPv3 engine ID of 5 to 32 bytes in hex",
	  "14:17: alerts.exec_timeout: expected a duration 100ms..1h, got \"2h\""}},
	{"test_config_reports_every_error_in_one_file",
	 "site: t\n"
	 "workers: 0\n"
	 "devices:\n"
	 "  - name: m\n"
	 "    prtocol: modbus_tcp\n"
	 "    points:\n"
	 "      - {name: e, register: -1, type: uint32, unit: kWh, kind: energy}\n"
	 "pue:\n"
	 "  ceiling: 0.9\n"
	 "  facility: {add: [m/e]}\n"
	 "storage:\n"
	 "  path: \"\"\n"
	 "  disk_budget: 1KiB\n",
	 {"2:10: workers: expected an integer 1..256, got \"0\"",
	  "4:5: devices[0].protocol: required key is missing",
	  "5:5: devices[0].prtocol: unknown key \"prtocol\"; did you mean \"protocol\"?",
	  "7:29: devices[0].points[0].register: expected an integer 0..65535, got \"-1\"",
	  "9:3: pue.it: required key is missing",
	  "9:12: pue.ceiling: expected a number 1..3, got \"0.9\"",
	  "12:9: storage.path: expected a non-empty string, got \"\"",
	  "13:16: storage.disk_budget: expected a size 1MiB..1024TiB, got \"1KiB\""}},
	{"test_config_rejects_empty_file",
	 "# nothing but a comment\n",
	 {" the file holds no configuration"}},
	{"test_config_map_rejected_on_snmp_device_and_bad_name",
	 SITE "  - name: s\n"
	      "    protocol: snmp\n"
	      "    snmp: {host: 127.0.0.1}\n"
	      "    map: sdm630\n"
	      "    points:\n"
	      "      - {name: e, oid: 1.3.6.1.2.1.1.1.0, unit: kWh, kind: energy,\n"
	      "         measured_at: ups_output}\n" M_TCP MODBUS_M "    points:\n" POINT_E_FACILITY
	      "    map: ../etc/passwd\n"
	      "pue:\n"
	      "  facility: {add: [m/e]}\n"
	      "  it: {add: [s/e]}\n",
	 {"6:5: devices[0].map: only for Modbus devices",
	  "15:10: devices[1].map: expected a map name such as sdm630"}},
	{"test_config_scale_register_refused_on_snmp_device",
	 SITE SNMP_M "    points:\n"
		     "      - {name: e, oid: 1.3.6.1.2.1.1.1.0, unit: kWh, kind: energy,\n"
		     "         measured_at: ups_output, scale_register: 3}\n" BASE_PUE,
	 {"8:35: devices[0].points[0].scale_register: only for Modbus devices"}},
};

/* Writes DIR/meters/NAME.yaml, where the loader looks first. */
static void
write_map(const char *name, const char *yaml)
{
	char file[400];
	FILE *fp;

	snprintf(file, sizeof(file), "%s/meters", dir);
	(void)mkdir(file, 0700);
	snprintf(file, sizeof(file), "%s/meters/%s.yaml", dir, name);
	fp = fopen(file, "w");
	assert_non_null(fp);
	assert_true(fputs(yaml, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* Removes what write_map() made, so teardown can remove the directory. */
static void
remove_map(const char *name)
{
	char file[400];

	snprintf(file, sizeof(file), "%s/meters/%s.yaml", dir, name);
	unlink(file);
	snprintf(file, sizeof(file), "%s/meters", dir);
	rmdir(file);
}

static void
run_good_config(void **state)
{
	const struct good_config *c = *state;
	struct pue_config *cfg;

	assert_non_null(c);
	if (c->test_map)
		write_map("testmeter", test_map);
	cfg = load_ok(c->yaml);
	if (c->test_map)
		remove_map("testmeter");
	c->check(cfg);
	pue_config_free(cfg);
}

static void
run_bad_config(void **state)
{
	const struct bad_config *c = *state;
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char prefix[512];
	size_t i, j, n;

	assert_non_null(c);
	for (n = 0; n < MAX_ERRORS && c->want[n] != NULL; n++)
		;
	write_yaml(c->yaml);
	assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
	assert_null(cfg); /* *out untouched on failure */
	if (d.n != n) {
		dump(&d);
		pue_config_diags_free(&d);
		fail_msg("expected %zu errors", n);
	}
	for (i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "%s:%s", path, c->want[i]);
		for (j = 0; j < N_OF(secrets); j++)
			if (strstr(d.lines[i], secrets[j]) != NULL) {
				dump(&d);
				pue_config_diags_free(&d);
				fail_msg("a secret in error %zu", i);
			}
		if (strncmp(d.lines[i], prefix, strlen(prefix)) != 0) {
			dump(&d);
			pue_config_diags_free(&d);
			fail_msg("error %zu: want prefix \"%s\"", i, prefix);
		}
	}
	pue_config_diags_free(&d);
}

/* Files that are not one of the rows above -------------------------------- */

static void
test_config_loads_reference_file(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	int rc;

	(void)state;
	if (access("conf/pued.yaml", R_OK) != 0)
		fail_msg("conf/pued.yaml not found: run the test from the repository root");
	rc = pue_config_load("conf/pued.yaml", &cfg, &d);
	if (rc != 0)
		dump(&d);
	assert_int_equal(rc, 0);
	assert_true(cfg->n_devices >= 3);
	assert_true(cfg->pue.it.n_terms >= 1);
	pue_config_free(cfg);
	pue_config_diags_free(&d);
}

static void
test_config_missing_file_returns_errno(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char want[512];

	(void)state;
	snprintf(want, sizeof(want), "%s/absent.yaml", dir);
	assert_int_equal(pue_config_load(want, &cfg, &d), -ENOENT);
	assert_null(cfg);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.lines[0], "absent.yaml: No such file or directory"));
	pue_config_diags_free(&d);
}

/* 1001 devices; the first `links` of them on distinct ports, the rest
 * sharing the last port. */
static void
write_many_devices(size_t n, size_t links)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	assert_non_null(fp);
	fprintf(fp, "site: t\ndevices:\n");
	for (i = 0; i < n; i++)
		fprintf(fp,
			"  - name: d%zu\n"
			"    protocol: modbus_tcp\n"
			"    modbus: {host: 127.0.0.1, port: %zu}\n"
			"    points:\n"
			"      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy, "
			"measured_at: ups_output}\n",
			i, 10000 + (i < links ? i : links - 1));
	fprintf(fp, "pue:\n  facility: {add: [d0/e]}\n  it: {add: [d0/e]}\n");
	assert_int_equal(fclose(fp), 0);
}

static void
test_config_rejects_too_many_modbus_connections(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char want[512];

	(void)state;
	/* 1000 links for 1001 devices is fine: two share a gateway. */
	write_many_devices(1001, 1000);
	assert_int_equal(pue_config_load(path, &cfg, &d), 0);
	assert_int_equal(cfg->n_devices, 1001);
	pue_config_free(cfg);
	cfg = NULL;

	write_many_devices(1001, 1001);
	assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
	assert_null(cfg);
	if (d.n != 1)
		dump(&d);
	assert_int_equal(d.n, 1);
	snprintf(want, sizeof(want),
		 "%s:3:3: devices: needs 1001 Modbus connections; libmodbus 3.1.6 cannot use "
		 "socket descriptors >= 1024, the limit is 1000",
		 path);
	assert_string_equal(d.lines[0], want);
	pue_config_diags_free(&d);
}

/* singles devices each on its own port, then a gateway of units unit ids
 * with connections: conns. */
static void
write_gateway_and_singles(size_t singles, unsigned units, unsigned conns)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	assert_non_null(fp);
	fprintf(fp, "site: t\ndevices:\n");
	for (i = 0; i < singles + units; i++)
		fprintf(fp,
			"  - name: d%zu\n"
			"    protocol: modbus_tcp\n"
			"    modbus: {host: 127.0.0.1, port: %zu, unit_id: %zu, connections: %u}\n"
			"    points:\n"
			"      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy, "
			"measured_at: ups_output}\n",
			i, i < singles ? 10000 + i : 9999, i < singles ? 1 : i - singles + 1,
			i < singles ? 1 : conns);
	fprintf(fp, "pue:\n  facility: {add: [d0/e]}\n  it: {add: [d0/e]}\n");
	assert_int_equal(fclose(fp), 0);
}

/* A link's connections count against the limit, but no more of them than
 * it has unit ids: each unit id keeps to one connection, so more would
 * stay unused. */
static void
test_config_counts_link_connections_up_to_its_unit_ids(void **state)
{
	static const struct {
		unsigned conns;
		bool ok;
	} cases[] = {{2, true}, {3, false}, {32, false}};
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(cases); i++) {
		/* 998 + min(conns, 3 unit ids) against the limit of 1000 */
		write_gateway_and_singles(998, 3, cases[i].conns);
		if (cases[i].ok) {
			assert_int_equal(pue_config_load(path, &cfg, &d), 0);
			assert_int_equal(cfg->devices[1000].modbus.connections, cases[i].conns);
			pue_config_free(cfg);
			cfg = NULL;
			continue;
		}
		assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
		if (d.n != 1)
			dump(&d);
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.lines[0], "devices: needs 1001 Modbus connections"));
		pue_config_diags_free(&d);
	}
}

static void
test_config_map_errors_name_the_map_file_line_and_column(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char want_map[1024], want_cfg[1024];

	(void)state;
	write_map("badmeter",
		  "points:\n"
		  "  - {name: power, register: 10, type: float33, unit: kW, kind: power}\n"
		  "  - {name: energy, register: 20, type: uint32, unit: kW, kind: energy}\n");
	write_yaml("site: t\n"
		   "devices:\n"
		   "  - name: m\n"
		   "    protocol: modbus_tcp\n"
		   "    modbus: {host: 127.0.0.1}\n"
		   "    map: badmeter\n"
		   "  - name: n\n"
		   "    protocol: modbus_tcp\n"
		   "    modbus: {host: 127.0.0.1, unit_id: 2}\n"
		   "    map: badmeter\n"
		   "  - name: o\n"
		   "    protocol: modbus_tcp\n"
		   "    modbus: {host: 127.0.0.1, unit_id: 3}\n"
		   "    map: nosuchmeter\n"
		   "    points:\n"
		   "      - {name: e, register: 0, type: uint32, unit: kWh, kind: energy,\n"
		   "         measured_at: ups_output}\n"
		   "pue:\n"
		   "  facility: {add: [o/e]}\n"
		   "  it: {add: [o/e]}\n");
	assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
	remove_map("badmeter");
	assert_null(cfg);
	/* The configuration's own error first, then the map's, each once
	 * although two devices use the map. */
	snprintf(want_cfg, sizeof(want_cfg),
		 "%s:14:10: devices[2].map: no meter map \"nosuchmeter\" (looked for %s/meters/"
		 "nosuchmeter.yaml and ",
		 path, dir);
	snprintf(want_map, sizeof(want_map), "%s/meters/badmeter.yaml:2:39: points[0].type: ", dir);
	if (d.n != 3 || strncmp(d.lines[0], want_cfg, strlen(want_cfg)) != 0 ||
	    strncmp(d.lines[1], want_map, strlen(want_map)) != 0 ||
	    strstr(d.lines[2], "/meters/badmeter.yaml:3:") == NULL ||
	    strstr(d.lines[2], "points[1].unit: kW is a unit of power") == NULL) {
		dump(&d);
		pue_config_diags_free(&d);
		fail_msg("want the map errors at their place in the map file");
	}
	pue_config_diags_free(&d);
}

/* Loads the file at path, expecting exactly n messages, each beginning
 * (after "PATH:") with want[i]. */
static void
expect_messages(const char *const *want, size_t n)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	size_t i, off = strlen(path) + 1;

	assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
	assert_null(cfg);
	if (d.n != n)
		dump(&d);
	assert_int_equal(d.n, n);
	for (i = 0; i < n; i++)
		if (strncmp(d.lines[i] + off, want[i], strlen(want[i])) != 0) {
			dump(&d);
			fail_msg("message %zu: want \"%s...\"", i, want[i]);
		}
	pue_config_diags_free(&d);
}

/* A suggestion is at most two edits away, one for a word of four letters
 * or fewer; a word longer or shorter than every candidate by more than
 * that gets none (and pue_config_text_suggest skips such candidates unread). */
static void
test_config_suggestion_within_two_edits_whatever_the_length(void **state)
{
	static const char *const keys[] = {"protocol", "port", "points", "poll_interval"};

	(void)state;
	assert_string_equal(pue_config_text_suggest("prtcol", keys, N_OF(keys)), "protocol");
	assert_string_equal(pue_config_text_suggest("protocol_x", keys, N_OF(keys)), "protocol");
	assert_null(pue_config_text_suggest("protocol_xy", keys, N_OF(keys)));
	assert_string_equal(pue_config_text_suggest("prt", keys, N_OF(keys)), "port");
	assert_string_equal(pue_config_text_suggest("portt", keys, N_OF(keys)), "port");
	assert_null(pue_config_text_suggest("pt", keys, N_OF(keys)));
	assert_string_equal(pue_config_text_suggest("poll_intervals", keys, N_OF(keys)),
			    "poll_interval");
	assert_null(pue_config_text_suggest("poll_intervalsss", keys, N_OF(keys)));
}

/* A "did you mean" compares the wrong name with every device or point
 * name: after PUE_CFG_MAX_NAME_SUGGESTIONS of them a load reports the rest
 * without it, so that thousands of wrong terms cost linear time. */
static void
test_config_name_suggestions_stop_after_a_hundred(void **state)
{
	struct pue_config *cfg = NULL;
	struct pue_diags d;
	char *yaml, *p;
	size_t i, hinted = 0;

	(void)state;
	assert_non_null(yaml = malloc(65536));
	p = yaml + sprintf(yaml, "site: t\n"
				 "devices:\n"
				 "  - name: ups-a\n"
				 "    protocol: modbus_tcp\n"
				 "    modbus: {host: 127.0.0.1}\n"
				 "    points:\n"
				 "      - {name: energy, register: 0, type: uint32, unit: kWh, "
				 "kind: energy, measured_at: ups_output}\n"
				 "pue:\n"
				 "  it: {add: [ups-a/energy]}\n"
				 "  facility:\n"
				 "    add:\n");
	for (i = 0; i < 120; i++) /* ups-b, ups-c, ...: one edit from ups-a */
		p += sprintf(p, "      - ups-%c%c/energy\n", 'b' + (int)(i % 20),
			     i < 20 ? ' ' : 'a' + (int)(i / 20));
	write_yaml(yaml);
	free(yaml);
	assert_int_equal(pue_config_load(path, &cfg, &d), PUE_E_CONFIG);
	assert_int_equal(d.n, 120);
	for (i = 0; i < d.n; i++) {
		assert_non_null(strstr(d.lines[i], "pue.facility.add["));
		assert_non_null(strstr(d.lines[i], ": no device \"ups-"));
		hinted += strstr(d.lines[i], "did you mean") != NULL;
	}
	assert_int_equal(hinted, 100);
	pue_config_diags_free(&d);
}

/* The duplicate checks index names: repeats are still reported at their
 * place among thousands of points and terms. */
static void
test_config_repeats_found_among_thousands_of_points_and_terms(void **state)
{
	enum { N = 5000 };
	const char *want[2];
	char *yaml, *p, w0[64], w1[128];
	size_t i;

	(void)state;
	assert_non_null(yaml = malloc(N * 200));
	p = yaml + sprintf(yaml, "site: t\n"
				 "devices:\n"
				 "  - name: m\n"
				 "    protocol: modbus_tcp\n"
				 "    modbus: {host: 127.0.0.1}\n"
				 "    points:\n");
	for (i = 0; i < N; i++) /* lines 7 .. N + 6; the last is a second e0 */
		p += sprintf(p,
			     "      - {name: e%zu, register: %zu, type: uint16, unit: Wh, "
			     "kind: energy, measured_at: ups_output}\n",
			     i == N - 1 ? 0 : i, i);
	p += sprintf(p, "pue:\n  facility: {add: [m/e0]}\n  it:\n    add:\n");
	for (i = 1; i < N - 1; i++) /* lines N + 11 .. 2N + 8 */
		p += sprintf(p, "      - m/e%zu\n", i);
	sprintf(p, "      - m/e1\n"); /* line 2N + 9 */
	snprintf(w0, sizeof(w0), "%d:16: devices[0].points[%d].name: duplicate point name", N + 6,
		 N - 1);
	snprintf(w1, sizeof(w1),
		 "%d:9: pue.it.add[%d]: m/e1 is listed twice (first at line %d column 9)",
		 2 * N + 9, N - 2, N + 11);
	want[0] = w0;
	want[1] = w1;
	write_yaml(yaml);
	free(yaml);
	expect_messages(want, 2);
}

/* pue_config_load_buffer(): the same checks on a file in memory, named in
 * the messages by the path given. */
static void
test_config_load_buffer_reads_a_file_in_memory(void **state)
{
	static const char base[] = BASE;
	struct pue_config *cfg = NULL;
	struct pue_diags d;

	(void)state;
	assert_int_equal(pue_config_load_buffer("mem.yaml", base, strlen(base), &cfg, &d), 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, "mem.yaml");
	assert_string_equal(cfg->devices[0].points[0].name, "e");
	pue_config_free(cfg);
	cfg = NULL;
	assert_int_equal(pue_config_load_buffer("mem.yaml", "site: t\nsite: u\n", 16, &cfg, &d),
			 PUE_E_CONFIG);
	assert_null(cfg);
	assert_true(d.n > 0);
	assert_string_equal(d.lines[0], "mem.yaml:1:1: devices: required key is missing");
	assert_string_equal(
		d.lines[2],
		"mem.yaml:2:1: site: duplicate key \"site\" (first at line 1 column 1)");
	pue_config_diags_free(&d);
	assert_int_equal(pue_config_load_buffer("mem.yaml", NULL, 0, &cfg, &d), PUE_E_CONFIG);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.lines[0], "mem.yaml: the file holds no configuration");
	pue_config_diags_free(&d);
}

static void
test_config_free_accepts_null(void **state)
{
	struct pue_diags d = {0};

	(void)state;
	pue_config_free(NULL);
	pue_config_diags_free(NULL);
	pue_config_diags_free(&d);
}

static void
test_config_names_and_widths(void **state)
{
	(void)state;
	assert_string_equal(pue_point_unit_name(PUE_UNIT_KWH), "kWh");
	assert_string_equal(pue_point_unit_name(PUE_UNIT_MW), "MW");
	assert_string_equal(pue_point_dtype_name(PUE_T_FLOAT64), "float64");
	assert_string_equal(pue_config_text_protocol_name(PUE_PROTO_MODBUS_RTU), "modbus_rtu");
	assert_string_equal(pue_point_it_location_name(PUE_AT_NONE), "none");
	assert_string_equal(pue_point_it_location_name(PUE_AT_PDU_OUTPUT), "pdu_output");
	assert_int_equal(pue_point_dtype_bits(PUE_T_INT16), 16);
	assert_int_equal(pue_point_dtype_bits(PUE_T_FLOAT32), 32);
	assert_int_equal(pue_point_dtype_bits(PUE_T_UINT64), 64);
}

/* Durations and sizes ---------------------------------------------------- */

static void
test_config_parse_duration_accepts_each_unit(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} valid[] = {
		{"500ms", 500},
		{"1s", 1000},
		{"15m", 900000},
		{"24h", 86400000},
		{"365d", 365 * 86400000LL},
		{"9223372036854775807ms", INT64_MAX},
	};
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(valid); i++) {
		ms = -1;
		assert_int_equal(pue_duration_parse_positive(valid[i].text, &ms), 0);
		assert_int_equal(ms, valid[i].ms);
	}
}

static void
test_config_parse_duration_rejects_bad_forms(void **state)
{
	static const char *const invalid[] = {
		"",    "1",   "s",   "1x", "1.5s", " 1s",   "1s ",
		"+1s", "-1s", "1 s", "1S", "1sec", "0x10s",
	};
	int64_t ms = 42;
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(invalid); i++) {
		if (pue_duration_parse_positive(invalid[i], &ms) != -EINVAL)
			fail_msg("\"%s\" was not rejected with -EINVAL", invalid[i]);
		assert_int_equal(ms, 42);
	}
	assert_int_equal(pue_duration_parse_positive(NULL, &ms), -EINVAL);
	/* Zero is well formed but never a valid period. */
	assert_int_equal(pue_duration_parse_positive("0s", &ms), -ERANGE);
	assert_int_equal(pue_duration_parse_positive("9223372036854775808ms", &ms), -ERANGE);
	assert_int_equal(pue_duration_parse_positive("106751991167301d", &ms), -ERANGE);
	assert_int_equal(pue_duration_parse_positive("99999999999999999999999s", &ms), -ERANGE);
	assert_int_equal(ms, 42);
}

static void
test_config_parse_size_accepts_binary_and_decimal_units(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} valid[] = {
		{"2GiB", 2ull << 30}, {"500MiB", 500ull << 20},
		{"64KiB", 65536},     {"1048576", 1048576},
		{"3TiB", 3ull << 40}, {"2GB", 2000000000},
		{"5kB", 5000},	      {"1TB", 1000000000000ull},
		{"512B", 512},	      {"18446744073709551615", UINT64_MAX},
	};
	uint64_t b;
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(valid); i++) {
		b = 0;
		assert_int_equal(pue_config_text_parse_size(valid[i].text, &b), 0);
		assert_int_equal(b, valid[i].bytes);
	}
}

static void
test_config_parse_size_rejects_bad_forms(void **state)
{
	static const char *const invalid[] = {
		"", "GiB", "-1", "1.5GiB", "2 GiB", "2gib", "2Gi", "2GiBs", " 2GiB", "+2GiB",
	};
	uint64_t b = 42;
	size_t i;

	(void)state;
	for (i = 0; i < N_OF(invalid); i++)
		if (pue_config_text_parse_size(invalid[i], &b) != -EINVAL)
			fail_msg("\"%s\" was not rejected with -EINVAL", invalid[i]);
	assert_int_equal(pue_config_text_parse_size("18446744073709551616", &b), -ERANGE);
	assert_int_equal(pue_config_text_parse_size("16777216TiB", &b), -ERANGE);
	assert_int_equal(b, 42);
}

int
main(void)
{
	static const struct CMUnitTest others[] = {
		cmocka_unit_test(test_config_loads_reference_file),
		cmocka_unit_test(test_config_missing_file_returns_errno),
		cmocka_unit_test(test_config_rejects_too_many_modbus_connections),
		cmocka_unit_test(test_config_counts_link_connections_up_to_its_unit_ids),
		cmocka_unit_test(test_config_map_errors_name_the_map_file_line_and_column),
		cmocka_unit_test(test_config_free_accepts_null),
		cmocka_unit_test(test_config_suggestion_within_two_edits_whatever_the_length),
		cmocka_unit_test(test_config_name_suggestions_stop_after_a_hundred),
		cmocka_unit_test(test_config_repeats_found_among_thousands_of_points_and_terms),
		cmocka_unit_test(test_config_load_buffer_reads_a_file_in_memory),
		cmocka_unit_test(test_config_names_and_widths),
		cmocka_unit_test(test_config_parse_duration_accepts_each_unit),
		cmocka_unit_test(test_config_parse_duration_rejects_bad_forms),
		cmocka_unit_test(test_config_parse_size_accepts_binary_and_decimal_units),
		cmocka_unit_test(test_config_parse_size_rejects_bad_forms),
	};
	struct CMUnitTest tests[N_OF(good_configs) + N_OF(bad_configs) + N_OF(others)];
	size_t i, n = 0;

	/* A row is a test of its own name; cmocka hands it the row as state. */
	for (i = 0; i < N_OF(good_configs); i++)
		tests[n++] = (struct CMUnitTest){good_configs[i].name, run_good_config, NULL, NULL,
						 (void *)&good_configs[i]};
	for (i = 0; i < N_OF(bad_configs); i++)
		tests[n++] = (struct CMUnitTest){bad_configs[i].name, run_bad_config, NULL, NULL,
						 (void *)&bad_configs[i]};
	for (i = 0; i < N_OF(others); i++)
		tests[n++] = others[i];
	return cmocka_run_group_tests(tests, setup, teardown);
}
