/* SPDX-License-Identifier: MIT */
/*
 * config_alerts.h - the alerts: section: where notifications go, the
 * rules' severities, the SNMPv3 engine ID (config_ctx.h).
 * Main thread only.
 */
#ifndef PUE_CONFIG_ALERTS_H
#define PUE_CONFIG_ALERTS_H

#include "config/config_ctx.h"

/* Reads alerts: node n (NULL or null: every default). */
void pue_config_alerts_read(struct pue_cfgctx *c, const struct pue_ynode *n);

#endif
