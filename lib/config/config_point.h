/* SPDX-License-Identifier: MIT */
/*
 * config_point.h - a device's points: name, kind, unit, scale, where it
 * measures, its register or OID (config_ctx.h). Below the device and
 * meter-map readers, which both read points. Main thread only.
 */
#ifndef PUE_CONFIG_POINT_H
#define PUE_CONFIG_POINT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config_ctx.h"

/* Reads the points: list seq of device d into d->points. proto_ok says
 * whether d's protocol is known (the keys a point takes depend on it). */
void pue_config_point_read(struct pue_cfgctx *c, const struct pue_ynode *seq,
			   struct pue_device_conf *d, bool proto_ok);

/* One point of a Modbus device d, for the meter-map reader. */
void pue_config_point_read_modbus(struct pue_cfgctx *c, const struct pue_ynode *n,
				  struct pue_point_conf *p, const struct pue_device_conf *d);

/* Frees the n points of points (what a reader filled in) and the array;
 * NULL with n 0 is accepted. */
void pue_config_point_free_array(struct pue_point_conf *points, size_t n);

/* Reports each point of points[0..n) (read from the items of seq) whose
 * name an earlier one has. */
void pue_config_point_check_names(struct pue_cfgctx *c, const struct pue_ynode *seq,
				  const struct pue_point_conf *points, size_t n);

#endif
