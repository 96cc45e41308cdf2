/* SPDX-License-Identifier: MIT */
/*
 * config_snmp.c - an snmp: section, under an SNMP device or under an
 * snmp_trap / snmp_inform alert target.
 *
 *   snmp: {host: 127.0.0.1, version: 3, user: pued, security_level: authpriv,
 *          auth_protocol: sha256, auth_passphrase: "...", priv_passphrase: "..."}
 *
 * A point of an SNMP device may also say
 *
 *   - {name: output, oid: "1.3.6.1.2.1.33.1.4.4.1.4", sum_column: true,
 *      invalid_values: [-1], kind: power, unit: W}
 *
 * Part of the configuration loader (config_ctx.h). Versions 1 and 2c
 * take a community, version 3 a user and passphrases; keys of the other
 * kind are errors, so a file never carries a credential pued ignores.
 * Communities and passphrases are secrets: no message quotes them.
 */
#include "config/config_snmp.h"

#include <stdlib.h>
#include <string.h>

#include "config/config_secret.h"
#include "config/config_value.h"

/* Key tables, laid out by hand. */
/* clang-format off */
const char *const pue_config_snmp_keys[] = {
	"host", "port", "version", "community", "user", "security_level", "auth_protocol",
	"auth_passphrase", "priv_protocol", "priv_passphrase", "max_varbinds", NULL
};
static const char *const v3_keys[] = {
	"user", "security_level", "auth_protocol", "auth_passphrase", "priv_protocol",
	"priv_passphrase", NULL
};
static const char *const auth_keys[] = {"auth_protocol", "auth_passphrase", NULL};
static const char *const priv_keys[] = {"priv_protocol", "priv_passphrase", NULL};
const char *const pue_config_snmp_point_keys[] = {"sum_column", "invalid_values", NULL};
/* clang-format on */

static const struct pue_name versions[] = {
	{"1", PUE_SNMP_V1},
	{"2c", PUE_SNMP_V2C},
	{"3", PUE_SNMP_V3},
	{NULL, 0},
};
static const struct pue_name levels[] = {
	{"noauth", PUE_SNMP_NOAUTH},
	{"authnopriv", PUE_SNMP_AUTHNOPRIV},
	{"authpriv", PUE_SNMP_AUTHPRIV},
	{NULL, 0},
};
static const struct pue_name auths[] = {
	{"md5", PUE_SNMP_AUTH_MD5},
	{"sha", PUE_SNMP_AUTH_SHA},
	{"sha224", PUE_SNMP_AUTH_SHA224},
	{"sha256", PUE_SNMP_AUTH_SHA256},
	{"sha384", PUE_SNMP_AUTH_SHA384},
	{"sha512", PUE_SNMP_AUTH_SHA512},
	{NULL, 0},
};
static const struct pue_name privs[] = {
	{"des", PUE_SNMP_PRIV_DES},
	{"aes", PUE_SNMP_PRIV_AES},
	{NULL, 0},
};

/* net-snmp refuses shorter v3 passphrases (USM_LENGTH_P_MIN in usm.h). */
#define SNMP_PASSPHRASE_MIN 8

static void
read_passphrase(struct pue_cfgctx *c, const struct pue_ynode *map, const char *key,
		const char *level, struct pue_secret *out)
{
	const struct pue_ynode *k = pue_yaml_tree_get(map, key);

	if (k == NULL) {
		pue_yaml_tree_error_missing(c->tree, map, key,
					    "required key is missing (security_level %s)", level);
		return;
	}
	/* A credential that is not read here is measured when pued reads it. */
	if (!pue_config_secret_read(c, k, out) || out->value == NULL)
		return;
	if (strlen(out->value) < SNMP_PASSPHRASE_MIN) {
		/* Neither the passphrase nor its length goes into the message. */
		pue_yaml_tree_error(
			c->tree, k,
			"too short: net-snmp needs a passphrase of at least %d characters",
			SNMP_PASSPHRASE_MIN);
		pue_config_secret_free(out);
	}
}

static void
read_v3(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_snmp_conf *s)
{
	const struct pue_ynode *k;
	int v;

	if ((k = pue_yaml_tree_get(n, "community")) != NULL)
		pue_yaml_tree_error_key(
			c->tree, k,
			"only for versions 1 and 2c; version 3 authenticates with user "
			"and passphrases");
	if ((k = pue_config_value_require(c, n, "user")) != NULL)
		pue_config_value_string(c, k, &s->user);
	/* Without a level, the safe one: a missing passphrase is then an error
	 * rather than a silently unauthenticated session. */
	s->level = PUE_SNMP_AUTHPRIV;
	if ((k = pue_yaml_tree_get(n, "security_level")) != NULL) {
		if (!pue_config_value_enum(c, k, levels, &v))
			return;
		s->level = (enum pue_snmp_level)v;
	}
	if (s->level == PUE_SNMP_NOAUTH) {
		pue_config_value_reject_keys(c, n, auth_keys,
					     "only with security_level authnopriv or authpriv");
		pue_config_value_reject_keys(c, n, priv_keys,
					     "only with security_level authnopriv or authpriv");
		return;
	}
	s->auth = PUE_SNMP_AUTH_SHA;
	if ((k = pue_yaml_tree_get(n, "auth_protocol")) != NULL &&
	    pue_config_value_enum(c, k, auths, &v))
		s->auth = (enum pue_snmp_auth)v;
	read_passphrase(c, n, "auth_passphrase", pue_point_enum_name(levels, (int)s->level),
			&s->auth_passphrase);
	if (s->level != PUE_SNMP_AUTHPRIV) {
		pue_config_value_reject_keys(c, n, priv_keys, "only with security_level authpriv");
		return;
	}
	s->priv = PUE_SNMP_PRIV_AES;
	if ((k = pue_yaml_tree_get(n, "priv_protocol")) != NULL &&
	    pue_config_value_enum(c, k, privs, &v))
		s->priv = (enum pue_snmp_priv)v;
	read_passphrase(c, n, "priv_passphrase", "authpriv", &s->priv_passphrase);
}

void
pue_config_snmp_read(struct pue_cfgctx *c, const struct pue_ynode *owner, const struct pue_ynode *n,
		     bool target, struct pue_snmp_conf *s)
{
	const struct pue_ynode *k;
	uint64_t u;
	int v;

	s->port = target ? 162 : 161; /* RFC 3417: agents listen on 161, managers on 162 */
	s->version = PUE_SNMP_V2C;
	s->max_varbinds = 32;
	if (n == NULL) {
		pue_yaml_tree_error_missing(c->tree, owner, "snmp", "required key is missing");
		return;
	}
	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, pue_config_snmp_keys);
	if ((k = pue_config_value_require(c, n, "host")) != NULL)
		pue_config_value_string(c, k, &s->host);
	if ((k = pue_yaml_tree_get(n, "port")) != NULL && pue_config_value_uint(c, k, 1, 65535, &u))
		s->port = (uint16_t)u;
	if ((k = pue_yaml_tree_get(n, "max_varbinds")) != NULL) {
		if (target)
			pue_yaml_tree_error_key(c->tree, k,
						"only for devices (it sizes their requests)");
		else if (pue_config_value_uint(c, k, 1, 1000, &u))
			s->max_varbinds = (unsigned)u;
	}
	if ((k = pue_yaml_tree_get(n, "version")) != NULL) {
		if (!pue_config_value_enum(c, k, versions, &v))
			return;
		s->version = (enum pue_snmp_version)v;
	}
	if (s->version == PUE_SNMP_V3) {
		read_v3(c, n, s);
		return;
	}
	pue_config_value_reject_keys(c, n, v3_keys, "only for version 3");
	if ((k = pue_yaml_tree_get(n, "community")) != NULL)
		pue_config_secret_read(c, k, &s->community);
	else if (!target)
		s->community.value = pue_config_value_strdup(c, "public");
	else
		pue_yaml_tree_error_missing(c->tree, n, "community",
					    "required key is missing (version %s)",
					    pue_point_enum_name(versions, (int)s->version));
}

/* Sentinels are compared with the raw value the agent sent, before scale
 * and offset, so the range is that of the SNMP number types: Integer32
 * and Counter64 (RFC 2578, 7.1.1 and 7.1.10) and the doubles of Opaque. */
#define SENTINEL_MIN -2e19
#define SENTINEL_MAX 2e19

void
pue_config_snmp_read_point(struct pue_cfgctx *c, const struct pue_ynode *n,
			   struct pue_point_conf *p)
{
	const struct pue_ynode *k;
	size_t i;

	if ((k = pue_yaml_tree_get(n, "sum_column")) != NULL)
		pue_config_value_bool(c, k, &p->sum_column);
	if ((k = pue_yaml_tree_get(n, "invalid_values")) == NULL || !pue_config_value_is_seq(c, k))
		return;
	if (k->n_kids == 0 || k->n_kids > PUE_MAX_INVALID_VALUES) {
		pue_yaml_tree_error(c->tree, k, "expected a list of 1..%d numbers, got %zu",
				    PUE_MAX_INVALID_VALUES, k->n_kids);
		return;
	}
	free(p->invalid_values);
	p->n_invalid_values = 0;
	if ((p->invalid_values = pue_config_value_calloc(c, k->n_kids, sizeof(double))) == NULL)
		return;
	for (i = 0; i < k->n_kids; i++)
		if (pue_config_value_double(c, k->kids[i], SENTINEL_MIN, SENTINEL_MAX,
					    &p->invalid_values[p->n_invalid_values]))
			p->n_invalid_values++;
}
