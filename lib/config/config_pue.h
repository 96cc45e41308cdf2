/* SPDX-License-Identifier: MIT */
/*
 * config_pue.h - the pue: section: what is summed, the pPUE zones, the
 * windows and the thresholds (config_ctx.h). Read after the devices, whose
 * points its terms name. Main thread only.
 */
#ifndef PUE_CONFIG_PUE_H
#define PUE_CONFIG_PUE_H

#include "config/config_ctx.h"

/* Reads pue: node n (NULL: absent, already reported). */
void pue_config_pue_read(struct pue_cfgctx *c, const struct pue_ynode *n);

#endif
