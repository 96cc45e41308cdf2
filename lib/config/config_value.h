/* SPDX-License-Identifier: MIT */
/*
 * config_value.h - one YAML node into one typed value, or a message at
 * that node saying why not (config_ctx.h). Part of the configuration
 * loader. Main thread only.
 */
#ifndef PUE_CONFIG_VALUE_H
#define PUE_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_ctx.h"

/* What the user wrote, for "got ...": "\"abc\"" quoted, escaped and cut,
 * "a mapping", "a list", "an empty value". Never for a secret. */
const char *pue_config_value_show(const struct pue_ynode *n, char *buf, size_t size);

/* strdup and calloc that note failure in c->oom. */
char *pue_config_value_strdup(struct pue_cfgctx *c, const char *s);
void *pue_config_value_calloc(struct pue_cfgctx *c, size_t n, size_t size);

/* Kind checks: true when n is a mapping / a sequence, else reported. */
bool pue_config_value_is_map(struct pue_cfgctx *c, const struct pue_ynode *n);
bool pue_config_value_is_seq(struct pue_cfgctx *c, const struct pue_ynode *n);

/* Reports every key of map that is not in known (NULL-ended), suggesting
 * the closest known key. */
void pue_config_value_check_keys(struct pue_cfgctx *c, const struct pue_ynode *map,
				 const char *const *known);

/* Reports each of keys (NULL-ended) present in map as misplaced, saying
 * why ("only for protocol modbus_rtu"). */
void pue_config_value_reject_keys(struct pue_cfgctx *c, const struct pue_ynode *map,
				  const char *const *keys, const char *why);

/* The value of a required key, or NULL after reporting it missing. */
const struct pue_ynode *pue_config_value_require(struct pue_cfgctx *c, const struct pue_ynode *map,
						 const char *key);

/* Typed readers. Each returns true and sets *out, or reports why not and
 * returns false with *out untouched. Strings replace (and free) *out. */
bool pue_config_value_string(struct pue_cfgctx *c, const struct pue_ynode *n, char **out);
/* A device, point, zone or target name (config_text.h: its characters, at
 * most PUE_CFG_NAME_MAX of them). */
bool pue_config_value_name(struct pue_cfgctx *c, const struct pue_ynode *n, char **out);
/* The same characters, any length: a file in a directory (a systemd
 * credential's name), which no alert key or trap carries. */
bool pue_config_value_file_name(struct pue_cfgctx *c, const struct pue_ynode *n, char **out);
bool pue_config_value_uint(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min,
			   uint64_t max, uint64_t *out);
bool pue_config_value_double(struct pue_cfgctx *c, const struct pue_ynode *n, double min,
			     double max, double *out);
bool pue_config_value_bool(struct pue_cfgctx *c, const struct pue_ynode *n, bool *out);
bool pue_config_value_duration(struct pue_cfgctx *c, const struct pue_ynode *n, int64_t min_ms,
			       int64_t max_ms, int64_t *out);
bool pue_config_value_size(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min,
			   uint64_t max, uint64_t *out);
bool pue_config_value_enum(struct pue_cfgctx *c, const struct pue_ynode *n,
			   const struct pue_name *names, int *out);

/* Moves t's messages (pue_yaml_tree_take_errors()) to the end of *lines, an
 * array of *n. Returns 0 or -ENOMEM. */
int pue_config_value_append_errors(struct pue_ytree *t, char ***lines, size_t *n);

#endif
