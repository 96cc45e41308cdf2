/* SPDX-License-Identifier: MIT */
/*
 * config_alerts.c - the alerts: section (where notifications go, the
 * rules' severities, the SNMPv3 engine ID); see config_alerts.h.
 *
 *   alerts:
 *     targets:
 *       - {name: noc, type: snmp_trap, snmp: {host: nms.example, version: 2c}}
 *     rules: {year_projection: critical, meter_reset: off}
 *
 * Part of the configuration loader (config_ctx.h).
 */
#include "config/config_alerts.h"

#include <stdlib.h>
#include <string.h>

#include "config/config_snmp.h"
#include "config/config_text.h"
#include "config/config_value.h"

/* Key tables, laid out by hand. */
/* clang-format off */
static const char *const alerts_keys[] = {
	"targets", "stale_after_polls", "enterprise_oid", "agentx", "agentx_socket", "rules",
	"engine_id", "exec_timeout", NULL
};
static const char *const target_keys[] = {
	"name", "type", "snmp", "command", "min_severity", "queue_max", NULL
};
/* clang-format on */

static const struct pue_name target_types[] = {
	{"snmp_trap", PUE_TARGET_SNMP_TRAP},
	{"snmp_inform", PUE_TARGET_SNMP_INFORM},
	{"exec", PUE_TARGET_EXEC},
	{"log", PUE_TARGET_LOG},
	{NULL, 0},
};
static const struct pue_name severities[] = {
	{"info", PUE_SEV_INFO},
	{"warning", PUE_SEV_WARNING},
	{"critical", PUE_SEV_CRITICAL},
	{NULL, 0},
};

/* alerts.rules values: a severity, or off. */
#define RULE_OFF 100
static const struct pue_name rule_levels[] = {
	{"info", PUE_SEV_INFO},
	{"warning", PUE_SEV_WARNING},
	{"critical", PUE_SEV_CRITICAL},
	{"off", RULE_OFF},
	{NULL, 0},
};

/* What each rule is worth by default: the ceiling, a metering error, a
 * dead meter and a database that cannot write put the compliance figure
 * itself at risk; the rest warn before it is. */
static const enum pue_severity default_rule_severity[PUE_RULE_COUNT] = {
	[PUE_RULE_PUE_CEILING] = PUE_SEV_CRITICAL,    [PUE_RULE_PUE_WARNING] = PUE_SEV_WARNING,
	[PUE_RULE_BELOW_ONE] = PUE_SEV_CRITICAL,      [PUE_RULE_INSUFFICIENT] = PUE_SEV_WARNING,
	[PUE_RULE_YEAR_PROJECTION] = PUE_SEV_WARNING, [PUE_RULE_DEVICE_DOWN] = PUE_SEV_CRITICAL,
	[PUE_RULE_DATA_STALE] = PUE_SEV_WARNING,      [PUE_RULE_METER_RESET] = PUE_SEV_WARNING,
	[PUE_RULE_STORAGE] = PUE_SEV_CRITICAL,
};

static void
read_command(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_target_conf *t)
{
	char buf[128];
	size_t i;

	if (!pue_config_value_is_seq(c, n))
		return;
	if (n->n_kids == 0) {
		pue_yaml_tree_error(c->tree, n, "needs at least the program to run");
		return;
	}
	if ((t->argv = pue_config_value_calloc(c, n->n_kids + 1, sizeof(*t->argv))) == NULL)
		return;
	t->argc = n->n_kids;
	for (i = 0; i < n->n_kids; i++) {
		const struct pue_ynode *a = n->kids[i];

		if (a->kind == PUE_YNODE_ALIAS)
			continue;
		/* An argument may be empty; it may not be a list or null. */
		if (a->kind != PUE_YNODE_SCALAR || pue_yaml_tree_is_null(a) ||
		    strlen(a->text) != a->len) {
			pue_yaml_tree_error(c->tree, a, "expected a string, got %s",
					    pue_config_value_show(a, buf, sizeof(buf)));
			continue;
		}
		t->argv[i] = pue_config_value_strdup(c, a->text);
	}
	t->program_line = n->kids[0]->line;
	t->program_column = n->kids[0]->column;
	/* No PATH search: pued may run with a minimal environment, and the
	 * program that pages people should be the one the file names. */
	if (t->argv[0] != NULL && t->argv[0][0] != '/')
		pue_yaml_tree_error(c->tree, n->kids[0],
				    "expected an absolute path to the program, got %s",
				    pue_config_value_show(n->kids[0], buf, sizeof(buf)));
}

static void
read_target(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_target_conf *t)
{
	const struct pue_ynode *k, *sn, *cmd;
	bool type_ok = false;
	uint64_t u;
	int v;

	t->min_severity = PUE_SEV_WARNING;
	t->queue_max = 10000;
	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, target_keys);
	if ((k = pue_config_value_require(c, n, "name")) != NULL)
		pue_config_value_name(c, k, &t->name);
	if ((k = pue_config_value_require(c, n, "type")) != NULL &&
	    pue_config_value_enum(c, k, target_types, &v)) {
		t->type = (enum pue_target_type)v;
		type_ok = true;
	}
	if ((k = pue_yaml_tree_get(n, "min_severity")) != NULL &&
	    pue_config_value_enum(c, k, severities, &v))
		t->min_severity = (enum pue_severity)v;
	if (!type_ok)
		return;
	sn = pue_yaml_tree_get(n, "snmp");
	cmd = pue_yaml_tree_get(n, "command");
	k = pue_yaml_tree_get(n, "queue_max");
	if (k != NULL && t->type != PUE_TARGET_SNMP_INFORM)
		pue_yaml_tree_error_key(c->tree, k,
					"only for type snmp_inform (informs wait for an "
					"answer; traps and commands are not queued)");
	else if (k != NULL && pue_config_value_uint(c, k, 1, 1000000, &u))
		t->queue_max = (unsigned)u;
	if (t->type == PUE_TARGET_SNMP_TRAP || t->type == PUE_TARGET_SNMP_INFORM) {
		if (cmd != NULL)
			pue_yaml_tree_error_key(c->tree, cmd, "only for type exec");
		pue_config_snmp_read(c, n, sn, true, &t->snmp);
		if (t->type == PUE_TARGET_SNMP_INFORM && t->snmp.version == PUE_SNMP_V1 &&
		    (k = pue_yaml_tree_get(sn, "version")) != NULL)
			pue_yaml_tree_error(c->tree, k,
					    "SNMPv1 has no informs; use version 2c or 3");
		return;
	}
	if (sn != NULL)
		pue_yaml_tree_error_key(c->tree, sn, "only for types snmp_trap and snmp_inform");
	if (t->type == PUE_TARGET_EXEC) {
		if ((cmd = pue_config_value_require(c, n, "command")) != NULL)
			read_command(c, cmd, t);
	} else if (cmd != NULL)
		pue_yaml_tree_error_key(c->tree, cmd, "only for type exec");
}

static void
read_rules(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_alerts_conf *a = &c->cfg->alerts;
	size_t i, r;
	int v;

	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, pue_config_text_rule_keys);
	for (i = 0; i < n->n_kids; i++) {
		for (r = 0; r < PUE_RULE_COUNT; r++)
			if (strcmp(n->kids[i]->key, pue_config_text_rule_keys[r]) == 0)
				break;
		if (r == PUE_RULE_COUNT || !pue_config_value_enum(c, n->kids[i], rule_levels, &v))
			continue;
		a->rule_enabled[r] = v != RULE_OFF;
		if (v != RULE_OFF)
			a->rule_severity[r] = (enum pue_severity)v;
	}
}

/* "0x80001f8804..." or without 0x: RFC 3411 snmpEngineID, 5..32 octets. */
static void
read_engine_id(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_alerts_conf *a = &c->cfg->alerts;
	const char *s = n->text;
	size_t len, i;
	char buf[128];

	if (n->kind == PUE_YNODE_ALIAS)
		return;
	if (n->kind == PUE_YNODE_SCALAR && !pue_yaml_tree_is_null(n) && strlen(s) == n->len) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		len = strlen(s);
		if (len % 2 == 0 && len >= 10 && len <= 64 &&
		    strspn(s, "0123456789abcdefABCDEF") == len) {
			for (i = 0; i < len / 2; i++) {
				unsigned hi =
					(unsigned)(s[2 * i] <= '9' ? s[2 * i] - '0'
								   : (s[2 * i] | 0x20) - 'a' + 10);
				unsigned lo =
					(unsigned)(s[2 * i + 1] <= '9'
							   ? s[2 * i + 1] - '0'
							   : (s[2 * i + 1] | 0x20) - 'a' + 10);

				a->engine_id[i] = (uint8_t)(hi << 4 | lo);
			}
			a->engine_id_len = len / 2;
			return;
		}
	}
	pue_yaml_tree_error(c->tree, n,
			    "expected an SNMPv3 engine ID of 5 to 32 bytes in hex, such as "
			    "\"0x80001f88047075656431\", got %s",
			    pue_config_value_show(n, buf, sizeof(buf)));
}

void
pue_config_alerts_read(struct pue_cfgctx *c, const struct pue_ynode *n)
{
	struct pue_alerts_conf *a = &c->cfg->alerts;
	const struct pue_ynode *k, *seq;
	struct pue_strmap names = {0};
	char buf[128];
	uint64_t u;
	size_t i;
	int rc;

	for (i = 0; i < PUE_RULE_COUNT; i++) {
		a->rule_severity[i] = default_rule_severity[i];
		a->rule_enabled[i] = true;
	}
	a->exec_timeout_ms = 30 * 1000;
	a->stale_after_polls = 5;
	/* net-snmp's experimental arc (NET-SNMP-MIB netSnmpExperimental) until
	 * the site sets its own enterprise number. */
	if ((a->enterprise_oid = pue_config_value_strdup(c, "1.3.6.1.4.1.8072.9999")) == NULL)
		return;
	if (n == NULL || pue_yaml_tree_is_null(n) || !pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, alerts_keys);
	if ((k = pue_yaml_tree_get(n, "stale_after_polls")) != NULL &&
	    pue_config_value_uint(c, k, 1, 1000, &u))
		a->stale_after_polls = (unsigned)u;
	if ((k = pue_yaml_tree_get(n, "enterprise_oid")) != NULL &&
	    pue_config_value_string(c, k, &a->enterprise_oid) &&
	    !pue_config_text_oid_is_numeric(a->enterprise_oid)) {
		pue_yaml_tree_error(c->tree, k,
				    "expected a numeric OID such as 1.3.6.1.4.1.8072.9999, "
				    "got %s",
				    pue_config_value_show(k, buf, sizeof(buf)));
	}
	if ((k = pue_yaml_tree_get(n, "agentx")) != NULL)
		pue_config_value_bool(c, k, &a->agentx);
	if ((k = pue_yaml_tree_get(n, "agentx_socket")) != NULL)
		pue_config_value_string(c, k, &a->agentx_socket);
	if ((k = pue_yaml_tree_get(n, "rules")) != NULL && !pue_yaml_tree_is_null(k))
		read_rules(c, k);
	if ((k = pue_yaml_tree_get(n, "engine_id")) != NULL)
		read_engine_id(c, k);
	if ((k = pue_yaml_tree_get(n, "exec_timeout")) != NULL)
		pue_config_value_duration(c, k, 100, 3600 * 1000LL, &a->exec_timeout_ms);
	if ((seq = pue_yaml_tree_get(n, "targets")) == NULL || pue_yaml_tree_is_null(seq) ||
	    !pue_config_value_is_seq(c, seq) || seq->n_kids == 0)
		return;
	if ((a->targets = pue_config_value_calloc(c, seq->n_kids, sizeof(*a->targets))) == NULL)
		return;
	a->n_targets = seq->n_kids;
	for (i = 0; i < a->n_targets; i++) {
		read_target(c, seq->kids[i], &a->targets[i]);
		if (a->targets[i].name == NULL)
			continue;
		if ((rc = pue_strmap_add(&names, a->targets[i].name, i, NULL)) < 0)
			c->oom = true;
		else if (rc > 0)
			pue_yaml_tree_error(c->tree, pue_yaml_tree_get(seq->kids[i], "name"),
					    "duplicate target name \"%s\"", a->targets[i].name);
	}
	pue_strmap_free(&names);
}
