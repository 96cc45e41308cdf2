/* SPDX-License-Identifier: MIT */
/*
 * config_internal.h - shared by the files of the configuration loader
 * (config.c, config_text.c, config_value.c, config_device.c, config_snmp.c,
 * config_pue.c); not part of libpue's API, and nothing else includes it.
 *
 * config_text.c parses words and numbers. config_value.c turns one YAML
 * node into one typed value, or reports at that node why it cannot. The
 * section readers walk the tree with those calls. A reader that fails
 * leaves its output untouched, so the default stays and the walk goes on to
 * find the next mistake. Readers stay quiet about alias nodes: the tree
 * reported them already. Main thread only.
 */
#ifndef PUE_CONFIG_INTERNAL_H
#define PUE_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "strmap.h"
#include "yaml_tree.h"

struct pue_cfgmap; /* a meter map read during the load (config_map.c) */

/* One device's point names, indexed on first use. */
struct pue_cfgnames {
	struct pue_strmap map;
	bool built;
};

/* The state of one load. */
struct pue_cfgctx {
	struct pue_ytree *tree;	 /* the file; errors are recorded here */
	struct pue_config *cfg;	 /* being filled; freed by the caller on failure */
	bool oom;		 /* an allocation failed: the load fails with -ENOMEM */
	struct pue_cfgmap *maps; /* meter maps read so far, each with its own errors */
	size_t n_maps;
	bool inline_secrets; /* a secret written in the file itself */
	/* Name lookups in O(1), so that a load stays linear in the size of
	 * the file (strmap.h): device names, indexed by pue_cfg_read_devices(),
	 * and each device's point names, indexed when a term first names it. */
	struct pue_strmap device_index;
	struct pue_cfgnames *point_index; /* n_point_index of them, or NULL */
	size_t n_point_index;
	unsigned suggestions;	    /* "did you mean" searches over names so far */
	struct pue_ytree *web_tree; /* http.web_config_file, with its own errors */
};

/* A "did you mean" over device or point names costs a comparison with each
 * of them: after this many in one load, errors go without the hint, so that
 * a file full of wrong terms still loads in linear time. */
#define PUE_CFG_MAX_NAME_SUGGESTIONS 100

/* One spelling a YAML value may take, and the enum constant it means.
 * Tables end with a NULL name. */
struct pue_cfgname {
	const char *name;
	int value;
};

/* Spellings shared by the readers and the pue_*_name() functions. */
extern const struct pue_cfgname pue_cfg_protocols[];
extern const struct pue_cfgname pue_cfg_units[];
extern const struct pue_cfgname pue_cfg_kinds[];
extern const struct pue_cfgname pue_cfg_dtypes[];
extern const struct pue_cfgname pue_cfg_locations[];

/* Poll intervals (top level and per device): a meter polled faster than
 * 10 Hz is a bus load test, and one polled less than hourly gives the
 * 15-minute window nothing to work with. */
#define PUE_CFG_POLL_MIN_MS 100
#define PUE_CFG_POLL_MAX_MS (3600 * 1000)

/* The keys of an snmp: section (config_snmp.c). */
extern const char *const pue_cfg_snmp_keys[];
/* The point keys only SNMP points take, besides oid (config_snmp.c). */
extern const char *const pue_cfg_snmp_point_keys[];

/* Device and point names: [A-Za-z0-9_.-]+, so "device/point" terms and log
 * lines split unambiguously. */
bool pue_cfg_name_is_valid(const char *s);

/* A numeric OID: at least two arcs, first 0..2, each below 2^32. */
bool pue_cfg_oid_is_numeric(const char *s);

/* Parses a duration as pue_parse_duration(), optionally allowing zero. */
int pue_cfg_parse_duration(const char *s, int64_t *ms, bool allow_zero);

/* Writes ms in the largest unit that divides it: "90s", "15m", "7d". */
void pue_cfg_fmt_duration(int64_t ms, char *buf, size_t size);

/* Writes bytes in the largest binary unit that divides it: "16MiB". */
void pue_cfg_fmt_size(uint64_t bytes, char *buf, size_t size);

/* The closest of n candidates to word (NULL entries skipped), when close
 * enough to be a likely typo; NULL otherwise. Borrowed from cands. */
const char *pue_cfg_suggest(const char *word, const char *const *cands, size_t n);

/* What the user wrote, for "got ...": "\"abc\"" quoted, escaped and cut,
 * "a mapping", "a list", "an empty value". Never for a secret. */
const char *pue_cfg_show(const struct pue_ynode *n, char *buf, size_t size);

/* The name of value in a table, or "?". */
const char *pue_cfg_enum_name(const struct pue_cfgname *names, int value);

/* strdup and calloc that note failure in c->oom. */
char *pue_cfg_strdup(struct pue_cfgctx *c, const char *s);
void *pue_cfg_calloc(struct pue_cfgctx *c, size_t n, size_t size);

/* Kind checks: true when n is a mapping / a sequence, else reported. */
bool pue_cfg_is_map(struct pue_cfgctx *c, const struct pue_ynode *n);
bool pue_cfg_is_seq(struct pue_cfgctx *c, const struct pue_ynode *n);

/* Reports every key of map that is not in known (NULL-ended), suggesting
 * the closest known key. */
void pue_cfg_check_keys(struct pue_cfgctx *c, const struct pue_ynode *map,
			const char *const *known);

/* Reports each of keys (NULL-ended) present in map as misplaced, saying
 * why ("only for protocol modbus_rtu"). */
void pue_cfg_reject_keys(struct pue_cfgctx *c, const struct pue_ynode *map, const char *const *keys,
			 const char *why);

/* The value of a required key, or NULL after reporting it missing. */
const struct pue_ynode *pue_cfg_require(struct pue_cfgctx *c, const struct pue_ynode *map,
					const char *key);

/* Typed readers. Each returns true and sets *out, or reports why not and
 * returns false with *out untouched. Strings replace (and free) *out. */
bool pue_cfg_string(struct pue_cfgctx *c, const struct pue_ynode *n, char **out);
bool pue_cfg_name(struct pue_cfgctx *c, const struct pue_ynode *n, char **out);
bool pue_cfg_secret(struct pue_cfgctx *c, const struct pue_ynode *n, struct pue_secret *out);
bool pue_cfg_uint(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min, uint64_t max,
		  uint64_t *out);
bool pue_cfg_double(struct pue_cfgctx *c, const struct pue_ynode *n, double min, double max,
		    double *out);
bool pue_cfg_bool(struct pue_cfgctx *c, const struct pue_ynode *n, bool *out);
bool pue_cfg_duration(struct pue_cfgctx *c, const struct pue_ynode *n, int64_t min_ms,
		      int64_t max_ms, int64_t *out);
bool pue_cfg_size(struct pue_cfgctx *c, const struct pue_ynode *n, uint64_t min, uint64_t max,
		  uint64_t *out);
bool pue_cfg_enum(struct pue_cfgctx *c, const struct pue_ynode *n, const struct pue_cfgname *names,
		  int *out);

/* Frees a secret, wiping it first. */
void pue_cfg_secret_free(struct pue_secret *s);

/* Section readers, called by config.c in this order: devices first, so
 * that the pue: terms can be resolved against them. A NULL node means the
 * section is absent (already reported if required). An optional section
 * may also be null: a header whose keys are all commented out. */
void pue_cfg_read_devices(struct pue_cfgctx *c, const struct pue_ynode *seq);

/* The index of the device named name (the first, when names repeat), or
 * -1. Valid once pue_cfg_read_devices() has run. */
ssize_t pue_cfg_device_index(struct pue_cfgctx *c, const char *name);

/* The index of device d's point named name (the first, when names repeat),
 * or -1. */
ssize_t pue_cfg_point_index(struct pue_cfgctx *c, size_t d, const char *name);

/* Reports each point of points[0..n) (read from the items of seq) whose
 * name an earlier one has. */
void pue_cfg_check_point_names(struct pue_cfgctx *c, const struct pue_ynode *seq,
			       const struct pue_point_conf *points, size_t n);

/* Frees the name indexes. */
void pue_cfg_index_free(struct pue_cfgctx *c);
void pue_cfg_read_snmp(struct pue_cfgctx *c, const struct pue_ynode *owner,
		       const struct pue_ynode *n, bool target, struct pue_snmp_conf *s);
/* The SNMP-only keys of a point (sum_column, invalid_values); oid is read
 * by the device reader. */
void pue_cfg_read_snmp_point(struct pue_cfgctx *c, const struct pue_ynode *n,
			     struct pue_point_conf *p);
void pue_cfg_read_pue(struct pue_cfgctx *c, const struct pue_ynode *n);

/* One point of a Modbus device d (config_device.c), for the map reader. */
void pue_cfg_read_modbus_point(struct pue_cfgctx *c, const struct pue_ynode *n,
			       struct pue_point_conf *p, const struct pue_device_conf *d);

/* Meter maps (config_map.c). pue_cfg_apply_map() reads the map a device's
 * map: node names (once per load) and merges its points into d's: the
 * map's, in order, each replaced by d's own point of the same name, then
 * d's other points; and the map's modbus: read limits where d's own
 * modbus: section (mb, may be NULL) does not set them. Map files keep their errors;
 * pue_config_load() counts them, appends them after the configuration's own, and frees the maps. */
void pue_cfg_apply_map(struct pue_cfgctx *c, const struct pue_ynode *node,
		       struct pue_device_conf *d, bool proto_ok, const struct pue_ynode *mb);
size_t pue_cfg_maps_n_errors(const struct pue_cfgctx *c);
int pue_cfg_maps_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n);
void pue_cfg_maps_free(struct pue_cfgctx *c);
void pue_cfg_read_alerts(struct pue_cfgctx *c, const struct pue_ynode *n);

/* The http: section and its web configuration file (config_http.c), whose
 * errors are kept in c->web_tree and appended after the others, as the
 * meter maps' are. pue_cfg_http_free() frees what the section holds. */
void pue_cfg_read_http(struct pue_cfgctx *c, const struct pue_ynode *n);
size_t pue_cfg_http_n_errors(const struct pue_cfgctx *c);
int pue_cfg_http_take_errors(struct pue_cfgctx *c, char ***lines, size_t *n);
void pue_cfg_http_free(struct pue_http_conf *h);

/* Moves t's messages (pue_ytree_take_errors()) to the end of *lines, an
 * array of *n. Returns 0 or -ENOMEM. */
int pue_cfg_append_errors(struct pue_ytree *t, char ***lines, size_t *n);

#endif
