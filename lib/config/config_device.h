/* SPDX-License-Identifier: MIT */
/*
 * config_device.h - the devices: section (config_ctx.h): each device's
 * protocol, connection and points, unique names, one setting per serial
 * bus, and the number of Modbus connections libmodbus can serve; and the
 * name indexes the pue: and alerts: sections resolve terms with.
 * Main thread only.
 */
#ifndef PUE_CONFIG_DEVICE_H
#define PUE_CONFIG_DEVICE_H

#include <stddef.h>
#include <sys/types.h>

#include "config/config_ctx.h"

/* Section readers run in this order: devices first, so that the pue:
 * terms can be resolved against them. A NULL node means the section is
 * absent (already reported if required). */
void pue_config_device_read(struct pue_cfgctx *c, const struct pue_ynode *seq);

/* The index of the device named name (the first, when names repeat), or
 * -1. Valid once pue_config_device_read() has run. */
ssize_t pue_config_device_index(struct pue_cfgctx *c, const char *name);

/* The index of device d's point named name (the first, when names repeat),
 * or -1. */
ssize_t pue_config_device_point_index(struct pue_cfgctx *c, size_t d, const char *name);

/* Frees the name indexes. */
void pue_config_device_index_free(struct pue_cfgctx *c);

#endif
