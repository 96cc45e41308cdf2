/* SPDX-License-Identifier: MIT */
/*
 * config_map.h - meter maps: a device's "map: NAME" names a file of
 * points (conf/meters) read once per load (config_ctx.h). Map files keep
 * their errors; pue_config_load() counts them, appends them after the
 * configuration's own, and frees the maps. Main thread only.
 */
#ifndef PUE_CONFIG_MAP_H
#define PUE_CONFIG_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config_ctx.h"

/* Reads the map node names and merges its points into d's: the map's, in
 * order, each replaced by d's own point of the same name, then d's other
 * points; and the map's modbus: read limits where d's own modbus: section
 * (mb, may be NULL) does not set them. */
void pue_config_map_apply(struct pue_cfgctx *c, const struct pue_ynode *node,
			  struct pue_device_conf *d, bool proto_ok, const struct pue_ynode *mb);

/* The errors of the maps read so far; taken (moved into lines) once. */
size_t pue_config_map_n_errors(const struct pue_cfgctx *c);
int pue_config_map_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n);

/* Frees the maps read during the load. */
void pue_config_map_free(struct pue_cfgctx *c);

#endif
