/* SPDX-License-Identifier: MIT */
/*
 * yaml_load.h - reading a YAML file into a tree (yaml_tree.h) through
 * libyaml: positions kept, anchors, aliases, tags, duplicate keys and
 * further documents reported as errors. Any thread, one tree per thread.
 */
#ifndef PUE_YAML_LOAD_H
#define PUE_YAML_LOAD_H

#include <stddef.h>

#include "config/yaml_tree.h"

/* Reads and parses the file. Returns 0 when the tree is complete, though it
 * may hold errors (an anchor, a duplicate key: see pue_yaml_tree_n_errors()),
 * PUE_E_CONFIG when the YAML could not be parsed to the end (the tree is
 * partial and should not be checked further), a negative errno when the
 * file cannot be read, or -ENOMEM. Every problem is in the error list. */
int pue_yaml_load_file(struct pue_ytree *t);

/* The same for a file already in memory: len bytes at buf (borrowed; the
 * caller wipes and frees it), parsed as the file named at creation. Files
 * larger than PUE_YTREE_MAX_BYTES are refused as pue_yaml_load_file() does. */
int pue_yaml_load_buffer(struct pue_ytree *t, const char *buf, size_t len);

#endif
