/* SPDX-License-Identifier: MIT */
/*
 * yaml_tree.h - a YAML file as a small tree that remembers positions, and
 * the list of errors found in it.
 *
 * First step of loading the configuration (config ──► devices ──► ...).
 * libyaml's event parser builds mapping, sequence and scalar nodes, each
 * with the 1-based line and column where it starts, so every later check
 * can say "FILE:LINE:COL: KEY.PATH: message" as a compiler would. The tree
 * also collects those messages, from the YAML reader and from whoever walks
 * the tree, and hands them out in file order.
 *
 * Anchors, aliases, tags other than !!str, duplicate keys and more than one
 * document are errors: a configuration says each thing once, where it is
 * read. A tree belongs to one thread at a time.
 */
#ifndef PUE_YAML_TREE_H
#define PUE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deeper nesting is refused, which also bounds every recursion over a tree. */
#define PUE_YTREE_MAX_DEPTH 64

/* Larger files are refused before parsing: a site with 4000 meters needs a
 * few MiB, and the limit keeps a wrong path (a disk image) from being read. */
#define PUE_YTREE_MAX_BYTES (32u << 20)

enum pue_ynode_kind {
	PUE_YNODE_SCALAR,
	PUE_YNODE_SEQUENCE,
	PUE_YNODE_MAPPING,
	PUE_YNODE_ALIAS, /* an alias, already reported: readers skip it quietly */
};

struct pue_ynode {
	enum pue_ynode_kind kind;
	int line, column;		/* 1-based start of the node */
	const struct pue_ynode *parent; /* NULL for the root */
	/* Where the node sits in its parent, for paths and messages. */
	char *key;		  /* value in a mapping: its key; else NULL */
	int key_line, key_column; /* position of that key */
	size_t index;		  /* item in a sequence: its index */
	/* PUE_YNODE_SCALAR */
	char *text; /* NUL-terminated; len differs from strlen when it holds a NUL */
	size_t len;
	bool quoted; /* '...', "...", a | or > block, or !!str: always a string */
	/* PUE_YNODE_SEQUENCE: the items; PUE_YNODE_MAPPING: the values, each
	 * with its key (keys are unique). Both in file order. */
	struct pue_ynode **kids;
	size_t n_kids;
};

struct pue_ytree; /* opaque: the root and the error list */

/* Creates an empty tree for the file at path (copied; it also names the
 * file in messages). Returns NULL when out of memory. Free it with
 * pue_yaml_tree_free(). */
struct pue_ytree *pue_yaml_tree_new(const char *path);

/* The top node, or NULL for an empty file. Borrowed from t. */
const struct pue_ynode *pue_yaml_tree_root(const struct pue_ytree *t);

/* The value of key in a mapping, or NULL (also when map is not a mapping). */
const struct pue_ynode *pue_yaml_tree_get(const struct pue_ynode *map, const char *key);

/* A plain empty, "~" or "null" scalar: YAML's null. */
bool pue_yaml_tree_is_null(const struct pue_ynode *n);

/* The key path of n, e.g. "devices[2].points[0].register"; "" for the
 * root. Returns a string the caller frees, or NULL when out of memory. */
char *pue_yaml_tree_path(const struct pue_ynode *n);

/* Records "FILE:LINE:COL: PATH: message" at node n (NULL: the file as a
 * whole, "FILE: message"). Messages must not quote secrets. */
void pue_yaml_tree_error(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same, at the position of n's key (an unknown or misplaced key). */
void pue_yaml_tree_error_key(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same, for key missing from mapping map: at map, with path "MAP.key". */
void pue_yaml_tree_error_missing(struct pue_ytree *t, const struct pue_ynode *map, const char *key,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records a note at node n, in the same form: not an error (it counts for
 * neither pue_yaml_tree_n_errors() nor the outcome of a load), something
 * a check could not see, said so that its reader knows. */
void pue_yaml_tree_note(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* How many errors were recorded so far. */
size_t pue_yaml_tree_n_errors(const struct pue_ytree *t);

/* True when recording an error or building the tree ran out of memory (the
 * list may then be incomplete). */
bool pue_yaml_tree_oom(const struct pue_ytree *t);

/* Slots the duplicate-key check looked at while building the tree: about
 * two per key, however many keys a mapping has. Tests compare it with the
 * number of keys to prove the load linear without timing it. */
uint64_t pue_yaml_tree_key_probes(const struct pue_ytree *t);

/* Moves the messages out, sorted by line and column (ties in the order they
 * were recorded), into *lines (an array of *n strings; the caller frees
 * each and the array). The tree's list is empty afterwards. Returns 0 or
 * -ENOMEM. */
int pue_yaml_tree_take_errors(struct pue_ytree *t, char ***lines, size_t *n);

/* The same for the notes. */
int pue_yaml_tree_take_notes(struct pue_ytree *t, char ***lines, size_t *n);

/* Frees the tree, its nodes and messages not taken, wiping scalar text
 * first (it holds passphrases). NULL is accepted and ignored. */
void pue_yaml_tree_free(struct pue_ytree *t);

#endif
