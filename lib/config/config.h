/* SPDX-License-Identifier: MIT */
/*
 * config.h - pued's configuration: the typed form of pued.yaml.
 *
 * pue_config_load() reads YAML through libyaml, checks every key and value,
 * and either returns a complete configuration or the list of every error it
 * found, each as "FILE:LINE:COLUMN: KEY.PATH: message" (lines and columns
 * 1-based, as editors count). Unknown keys, anchors and aliases are errors.
 * Defaults are filled in, so callers never see an unset field. The types
 * are in config_types.h; the words every part of pued names them with
 * (protocols, alert rules, sizes) in config_text.h.
 * The loader keeps no state between calls: one load runs on any one thread
 * (a reload's, config_reader.h, runs beside the main loop). The result is
 * immutable once loaded.
 */
#ifndef PUE_CONFIG_H
#define PUE_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/config_text.h"
#include "config/config_types.h"
#include "core/duration.h"
#include "util/err.h"

/* Error messages from a failed load, in file order. */
struct pue_diags {
	char **lines; /* "FILE:LINE:COL: KEY.PATH: message", owned */
	size_t n;
};

/* Loads and checks path. On success returns 0 and *out (the caller frees it
 * with pue_config_free()). On failure returns PUE_E_CONFIG (or a negative
 * errno when the file cannot be read) with every problem in diags (the
 * caller frees them with pue_config_diags_free()), and *out untouched. */
int pue_config_load(const char *path, struct pue_config **out, struct pue_diags *diags);

/* The same, for purpose (config_types.h: which secrets are read);
 * pue_config_load() is PUE_CONFIG_FOR_DAEMON. notes, when not NULL, gets
 * what the load could not check and did not count as an error, whatever
 * the outcome (PUE_CONFIG_FOR_CHECK: each credential that pued reads at
 * its start), in the same form and order as diags; the caller frees them
 * with pue_config_diags_free(). */
int pue_config_load_for(const char *path, enum pue_config_purpose purpose, struct pue_config **out,
			struct pue_diags *diags, struct pue_diags *notes);

/* The same for a file already in memory: len bytes at buf (borrowed), read
 * as the file path names (messages start with path, and meter maps are
 * looked for next to it). For tests and the fuzzer, which need no file. */
int pue_config_load_buffer(const char *path, const char *buf, size_t len, struct pue_config **out,
			   struct pue_diags *diags);

/* Checks that the program of each exec target (alerts.targets[].command[0])
 * is a file this process may execute, as the loader does not: a hook may be
 * installed after pued (by configuration management), so pued warns and
 * starts while --check-config fails. Fills diags with one
 * "FILE:LINE:COL: KEY.PATH: message" per program that is not (the caller
 * frees them with pue_config_diags_free()). Returns how many, or -ENOMEM. */
int pue_config_check_programs(const struct pue_config *cfg, struct pue_diags *diags);

void pue_config_free(struct pue_config *cfg);
void pue_config_diags_free(struct pue_diags *d);

/* Looks a device or point up by name; -1 when absent. */
ssize_t pue_config_find_device(const struct pue_config *cfg, const char *name);
ssize_t pue_config_find_point(const struct pue_device_conf *dev, const char *name);

/* The measurement category (1..3) of an IT sum: the lowest category of its
 * points (PUE.md, "Measurement categories"); 0 when it has no points. */
int pue_config_category(const struct pue_config *cfg, const struct pue_sum *it);

#endif
