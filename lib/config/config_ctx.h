/* SPDX-License-Identifier: MIT */
/*
 * config_ctx.h - the state of one load of pued.yaml, shared by the files
 * of the configuration loader, lowest first: config_text.c (words and
 * numbers), config_value.c (one YAML node into one typed value),
 * config_secret.c (communities and passphrases, inline or from a file), the
 * section readers (config_snmp.c, config_point.c, config_map.c,
 * config_device.c, config_pue.c, config_alerts.c) and config.c (the entry
 * point). Each file's functions are in its own header, and a file only
 * includes the headers of files below it. Types only; not part of
 * libpue's API. Main thread only.
 *
 * A reader that fails leaves its output untouched, so the default stays
 * and the walk goes on to find the next mistake. Readers stay quiet about
 * alias nodes: the tree reported them already.
 */
#ifndef PUE_CONFIG_CTX_H
#define PUE_CONFIG_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config_types.h"
#include "util/strmap.h"
#include "config/yaml_tree.h"

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
	/* What the load is for: which secrets it reads (config_types.h). */
	enum pue_config_purpose purpose;
	/* Name lookups in O(1), so that a load stays linear in the size of
	 * the file (strmap.h): device names, indexed by pue_config_device_read(),
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

/* Poll intervals (top level and per device): a meter polled faster than
 * 10 Hz is a bus load test, and one polled less than hourly gives the
 * 15-minute window nothing to work with. */
#define PUE_CFG_POLL_MIN_MS 100
#define PUE_CFG_POLL_MAX_MS (3600 * 1000)

#endif
