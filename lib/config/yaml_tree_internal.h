/* SPDX-License-Identifier: MIT */
/*
 * yaml_tree_internal.h - the tree's state, shared by yaml_tree.c (nodes,
 * errors) and yaml_load.c (building it from libyaml's events), which sits
 * above it. Not part of libpue's API. Any thread, one tree per thread.
 */
#ifndef PUE_YAML_TREE_INTERNAL_H
#define PUE_YAML_TREE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/diag.h"
#include "config/yaml_tree.h"

struct pue_ytree {
	char *path;
	struct pue_ynode *root;
	struct pue_diag_list diags;
	bool oom;	     /* building the tree ran out of memory */
	uint64_t key_probes; /* see pue_yaml_tree_key_probes() */
	/* Not errors: what a check could not see (pue_yaml_tree_note()). */
	struct pue_diag_list notes;
};

/* Records a message at line and column (0: the file as a whole), with the
 * key path of at (may be NULL) and, when child is not NULL, ".child"
 * after it. */
void pue_yaml_tree_report_at(struct pue_ytree *t, int line, int column, const struct pue_ynode *at,
			     const char *child, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Frees n and its children, wiping scalar text. NULL is accepted. */
void pue_yaml_tree_node_free(struct pue_ynode *n);

#endif
