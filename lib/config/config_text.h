/* SPDX-License-Identifier: MIT */
/*
 * config_text.h - the words and numbers of pued.yaml, without the tree:
 * sizes, OIDs, names, "did you mean" suggestions, and the names of the
 * protocols and alert rules that the rest of pued prints too (config.h
 * includes this header for them). Each parser takes the whole string or
 * nothing: no sign, no blanks, no fractions, and overflow is -ERANGE,
 * never a wrapped value. Durations are in duration.h. Pure functions, any
 * thread.
 */
#ifndef PUE_CONFIG_TEXT_H
#define PUE_CONFIG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_types.h"

/* Parses "2GiB", "500MiB", "64KiB", "1048576" (bytes), also KB/MB/GB/TB
 * (powers of 1000) and TiB. Returns 0 and *bytes, or -EINVAL / -ERANGE. */
int pue_config_text_parse_size(const char *s, uint64_t *bytes);

/* Writes bytes in the largest binary unit that divides it: "16MiB". */
void pue_config_text_fmt_size(uint64_t bytes, char *buf, size_t size);

/* Spellings of the protocols, for the device reader and
 * pue_config_text_protocol_name(); those of a point's enums are in point.h. */
extern const struct pue_name pue_config_text_protocols[];

/* Names for messages and output. */
const char *pue_config_text_protocol_name(enum pue_protocol p);

/* The alert rules' YAML names (alerts.rules), in enum pue_alert_rule
 * order, NULL-ended. */
extern const char *const pue_config_text_rule_keys[];

/* The YAML name of an alert rule ("pue_ceiling"), or "?". */
const char *pue_config_text_alert_rule_name(enum pue_alert_rule r);

/* Device and point names: [A-Za-z0-9_.-]+, so "device/point" terms and log
 * lines split unambiguously; at most PUE_CFG_NAME_MAX characters, so that an
 * alert's key ("meter_reset:device/point") and what a notification or a trap
 * carries hold them whole (the MIB's DisplayString, a notification's
 * device field). Checked apart from the characters, to say which is wrong. */
#define PUE_CFG_NAME_MAX 63
bool pue_config_text_name_is_valid(const char *s);

/* A numeric OID: at least two arcs, first 0..2, each below 2^32. */
bool pue_config_text_oid_is_numeric(const char *s);

/* The closest of n candidates to word (NULL entries skipped), when close
 * enough to be a likely typo; NULL otherwise. Borrowed from cands. */
const char *pue_config_text_suggest(const char *word, const char *const *cands, size_t n);

#endif
