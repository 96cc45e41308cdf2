/* SPDX-License-Identifier: MIT */
/*
 * config_point.c - a device's points; see config_point.h.
 *
 *       points:
 *         - {name: energy, register: 20, type: uint32, unit: Wh, kind: energy}
 *         - {name: it, oid: 1.3.6.1.2.1.33.1.4.4.1.4.1, unit: W, kind: power,
 *            measured_at: ups_output}
 *
 * Part of the configuration loader (config_ctx.h). The numeric part of a
 * point goes into its struct pue_point (point.h).
 */
#include "config/config_point.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_snmp.h"
#include "config/config_text.h"
#include "config/config_value.h"

/* Key tables, laid out by hand. */
/* clang-format off */
static const char *const point_keys[] = {
	"name", "kind", "unit", "scale", "offset", "register", "function", "type", "word_order",
	"oid", "counter_bits", "max_power_kw", "max_gap", "measured_at", "sum_column",
	"invalid_values", "scale_register", NULL
};
static const char *const modbus_point_keys[] = {
	"register", "function", "type", "word_order", "scale_register", NULL
};
/* clang-format on */

static const struct pue_name functions[] = {
	{"holding", PUE_MB_HOLDING},
	{"input", PUE_MB_INPUT},
	{NULL, 0},
};
static const struct pue_name word_orders[] = {
	{"ABCD", PUE_ORDER_ABCD},     {"CDAB", PUE_ORDER_CDAB},	    {"BADC", PUE_ORDER_BADC},
	{"DCBA", PUE_ORDER_DCBA},     {"ABCDEFGH", PUE_ORDER_ABCD}, {"GHEFCDAB", PUE_ORDER_CDAB},
	{"BADCFEHG", PUE_ORDER_BADC}, {"HGFEDCBA", PUE_ORDER_DCBA}, {NULL, 0},
};

static bool
is_float(enum pue_dtype t)
{
	return t == PUE_T_FLOAT32 || t == PUE_T_FLOAT64;
}

/* Checks a point's oid: numeric, or a MIB name net-snmp resolves
 * ("UPS-MIB::upsOutputPower.1"). */
static void
read_oid(struct pue_cfgctx *c, const struct pue_ynode *k, struct pue_point_conf *p)
{
	char buf[128];
	const char *s;

	if (!pue_config_value_string(c, k, &p->oid))
		return;
	s = p->oid;
	if (isdigit((unsigned char)s[0]) || s[0] == '.' ? pue_config_text_oid_is_numeric(s)
							: strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
								    "abcdefghijklmnopqrstuvwxyz"
								    "0123456789:._-") == strlen(s))
		return;
	pue_yaml_tree_error(c->tree, k,
			    "expected a numeric OID (1.3.6.1.2.1.33.1.4.4.1.4.1) or a MIB name "
			    "(UPS-MIB::upsOutputPower.1), got %s",
			    pue_config_value_show(k, buf, sizeof(buf)));
	free(p->oid);
	p->oid = NULL;
}

/* The Modbus knobs of a point. When strict is false the device's protocol
 * is unknown (already reported): values given are checked, nothing is
 * required. type_ok says p->type was set. */
static void
read_point_modbus(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_point_conf *p,
		  bool strict, bool *type_ok)
{
	const struct pue_ynode *k, *reg;
	uint64_t u;
	int v;

	if (strict && (k = pue_yaml_tree_get(n, "oid")) != NULL)
		pue_yaml_tree_error_key(c->tree, k,
					"only for SNMP devices; Modbus points use register");
	if (strict)
		pue_config_value_reject_keys(c, n, pue_config_snmp_point_keys,
					     "only for SNMP devices");
	p->function = PUE_MB_HOLDING;
	if ((k = pue_yaml_tree_get(n, "function")) != NULL &&
	    pue_config_value_enum(c, k, functions, &v))
		p->function = (enum pue_mb_function)v;
	if ((k = pue_yaml_tree_get(n, "word_order")) != NULL &&
	    pue_config_value_enum(c, k, word_orders, &v))
		p->word_order = (enum pue_word_order)v;
	k = strict ? pue_config_value_require(c, n, "type") : pue_yaml_tree_get(n, "type");
	if (k != NULL && pue_config_value_enum(c, k, pue_point_dtype_names, &v)) {
		p->type = (enum pue_dtype)v;
		*type_ok = true;
	}
	reg = strict ? pue_config_value_require(c, n, "register")
		     : pue_yaml_tree_get(n, "register");
	if (reg != NULL && pue_config_value_uint(c, reg, 0, 65535, &u)) {
		p->address = (uint16_t)u;
		if (*type_ok && u + pue_point_dtype_bits(p->type) / 16 - 1 > 65535)
			pue_yaml_tree_error(
				c->tree, reg,
				"a %s at register %u runs past the last register, 65535",
				pue_point_dtype_name(p->type), p->address);
	}
	/* SunSpec models keep a power-of-ten scale factor in a register of
	 * its own next to the values (SunSpec Information Model, "sunssf"). */
	if ((k = pue_yaml_tree_get(n, "scale_register")) != NULL &&
	    pue_config_value_uint(c, k, 0, 65535, &u)) {
		p->has_scale_register = true;
		p->scale_register = (uint16_t)u;
	}
}

/* counter_bits, max_power_kw and max_gap, once kind and type are known. */
static void
read_point_energy(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_point_conf *p,
		  const struct pue_device_conf *d, bool kind_ok, bool type_ok)
{
	bool modbus = d->protocol != PUE_PROTO_SNMP;
	const struct pue_ynode *k;
	uint64_t u;

	if ((k = pue_yaml_tree_get(n, "counter_bits")) != NULL) {
		if (kind_ok && p->num.kind != PUE_KIND_ENERGY)
			pue_yaml_tree_error_key(c->tree, k, "only for kind energy (a counter)");
		else if (!pue_config_value_uint(c, k, 1, 64, &u))
			;
		else if (modbus && type_ok && is_float(p->type))
			pue_yaml_tree_error(c->tree, k,
					    "a %s register does not wrap; counter_bits "
					    "needs an integer type",
					    pue_point_dtype_name(p->type));
		else if (modbus && type_ok && u > pue_point_dtype_bits(p->type))
			pue_yaml_tree_error(c->tree, k, "%u bits do not fit in a %s register",
					    (unsigned)u, pue_point_dtype_name(p->type));
		else
			p->num.counter_bits = (unsigned)u;
	} else if (kind_ok && p->num.kind == PUE_KIND_ENERGY) {
		/* SNMP has no type in the configuration: a counter wraps at
		 * the width its answer's type says (Counter32 at 2^32, RFC
		 * 2578 7.1.6; Counter64 at 2^64), counter_bits 0 here. */
		if (!modbus)
			p->num.counter_bits = 0;
		else if (type_ok && !is_float(p->type))
			p->num.counter_bits = pue_point_dtype_bits(p->type);
	}
	/* Both kinds: it bounds a counter's jump and a power reading
	 * (PUE.md, "Readings that cannot be true"). */
	if ((k = pue_yaml_tree_get(n, "max_power_kw")) != NULL)
		pue_config_value_double(c, k, 0, 1e9, &p->num.max_power_kw);
	/* Shorter than a poll would call every interval a gap. */
	if ((k = pue_yaml_tree_get(n, "max_gap")) != NULL)
		pue_config_value_duration(c, k, d->poll_interval_ms, 7 * 86400000LL,
					  &p->num.max_gap_ms);
}

static void
read_point(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_point_conf *p,
	   const struct pue_device_conf *d, bool proto_ok)
{
	bool kind_ok = false, unit_ok = false, type_ok = false;
	const struct pue_ynode *k, *unit;
	int v;

	p->line = n->line;
	p->column = n->column;
	p->num.scale = 1;
	if (!pue_config_value_is_map(c, n))
		return;
	pue_config_value_check_keys(c, n, point_keys);
	if ((k = pue_config_value_require(c, n, "name")) != NULL)
		pue_config_value_name(c, k, &p->name);
	if ((k = pue_config_value_require(c, n, "kind")) != NULL &&
	    pue_config_value_enum(c, k, pue_point_kind_names, &v)) {
		p->num.kind = (enum pue_point_kind)v;
		kind_ok = true;
	}
	if ((unit = pue_config_value_require(c, n, "unit")) != NULL &&
	    pue_config_value_enum(c, unit, pue_point_unit_names, &v)) {
		p->num.unit = (enum pue_unit)v;
		unit_ok = true;
	}
	if (kind_ok && unit_ok && (p->num.unit >= PUE_UNIT_WH) != (p->num.kind == PUE_KIND_ENERGY))
		pue_yaml_tree_error(
			c->tree, unit, "%s is a unit of %s, but the point has kind %s (use %s)",
			pue_point_unit_name(p->num.unit),
			p->num.unit >= PUE_UNIT_WH ? "energy" : "power",
			p->num.kind == PUE_KIND_ENERGY ? "energy" : "power",
			p->num.kind == PUE_KIND_ENERGY ? "Wh, kWh or MWh" : "W, kW or MW");
	if ((k = pue_yaml_tree_get(n, "scale")) != NULL &&
	    pue_config_value_double(c, k, -1e9, 1e9, &p->num.scale) && p->num.scale == 0) {
		pue_yaml_tree_error(c->tree, k, "must not be 0 (every reading would be 0)");
		p->num.scale = 1;
	}
	/* A counter's energy is its count's increase times scale: negative,
	 * every interval would be negative energy. (A power point may have
	 * one: a current transformer mounted the other way round.) */
	if (k != NULL && kind_ok && p->num.kind == PUE_KIND_ENERGY && p->num.scale < 0) {
		pue_yaml_tree_error(c->tree, k,
				    "must be positive for kind energy (a counter only counts up)");
		p->num.scale = 1;
	}
	if ((k = pue_yaml_tree_get(n, "offset")) != NULL)
		pue_config_value_double(c, k, -1e9, 1e9, &p->num.offset);
	if ((k = pue_yaml_tree_get(n, "measured_at")) != NULL &&
	    pue_config_value_enum(c, k, pue_point_location_names, &v))
		p->num.measured_at = (enum pue_it_location)v;
	if (!proto_ok) {
		read_point_modbus(c, n, p, false, &type_ok);
		if ((k = pue_yaml_tree_get(n, "oid")) != NULL)
			read_oid(c, k, p);
		pue_config_snmp_read_point(c, n, p);
	} else if (d->protocol == PUE_PROTO_SNMP) {
		pue_config_value_reject_keys(c, n, modbus_point_keys,
					     "only for Modbus devices; SNMP points use oid");
		if ((k = pue_config_value_require(c, n, "oid")) != NULL)
			read_oid(c, k, p);
		pue_config_snmp_read_point(c, n, p);
	} else
		read_point_modbus(c, n, p, true, &type_ok);
	read_point_energy(c, n, p, d, kind_ok, type_ok);
}

void
pue_config_point_read_modbus(struct pue_cfgctx *c, const struct pue_ynode *n,
			     struct pue_point_conf *p, const struct pue_device_conf *d)
{
	read_point(c, n, p, d, true);
}

void
pue_config_point_read(struct pue_cfgctx *c, const struct pue_ynode *seq, struct pue_device_conf *d,
		      bool proto_ok)
{
	size_t i;

	if (!pue_config_value_is_seq(c, seq))
		return;
	if (seq->n_kids == 0) {
		pue_yaml_tree_error(c->tree, seq, "a device needs at least one point");
		return;
	}
	if ((d->points = pue_config_value_calloc(c, seq->n_kids, sizeof(*d->points))) == NULL)
		return;
	d->n_points = seq->n_kids;
	for (i = 0; i < d->n_points; i++)
		read_point(c, seq->kids[i], &d->points[i], d, proto_ok);
	pue_config_point_check_names(c, seq, d->points, d->n_points);
}

void
pue_config_point_check_names(struct pue_cfgctx *c, const struct pue_ynode *seq,
			     const struct pue_point_conf *points, size_t n)
{
	struct pue_strmap seen = {0};
	size_t i, first;
	int rc;

	for (i = 0; i < n; i++) {
		if (points[i].name == NULL)
			continue;
		if ((rc = pue_strmap_add(&seen, points[i].name, i, &first)) < 0) {
			c->oom = true;
			break;
		}
		if (rc > 0)
			pue_yaml_tree_error(c->tree, pue_yaml_tree_get(seq->kids[i], "name"),
					    "duplicate point name \"%s\" (first at line %d)",
					    points[i].name, points[first].line);
	}
	pue_strmap_free(&seen);
}

void
pue_config_point_free_array(struct pue_point_conf *points, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pue_point_conf *p = &points[i];

		free(p->name);
		free(p->oid);
		free(p->invalid_values);
	}
	free(points);
}
