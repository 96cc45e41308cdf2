/* SPDX-License-Identifier: MIT */
/*
 * config_snmp.h - snmp: sections (a device's, or an snmp_trap /
 * snmp_inform target's) and the SNMP-only keys of a point. Part of the
 * configuration loader (config_ctx.h). Main thread only.
 */
#ifndef PUE_CONFIG_SNMP_H
#define PUE_CONFIG_SNMP_H

#include <stdbool.h>

#include "config/config_ctx.h"

/* The keys of an snmp: section. */
extern const char *const pue_config_snmp_keys[];
/* The point keys only SNMP points take, besides oid. */
extern const char *const pue_config_snmp_point_keys[];

/* Reads an snmp: section n of owner (a device, or a target when target)
 * into s. */
void pue_config_snmp_read(struct pue_cfgctx *c, const struct pue_ynode *owner,
			  const struct pue_ynode *n, bool target, struct pue_snmp_conf *s);

/* The SNMP-only keys of a point (sum_column, invalid_values); oid is read
 * by the point reader. */
void pue_config_snmp_read_point(struct pue_cfgctx *c, const struct pue_ynode *n,
				struct pue_point_conf *p);

#endif
