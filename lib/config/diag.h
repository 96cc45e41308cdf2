/* SPDX-License-Identifier: MIT */
/*
 * diag.h - a collector of located messages ("FILE:LINE:COL: ..."), handed
 * out sorted by position (ties in the order they came), as a compiler
 * lists its errors. The YAML tree records the configuration's mistakes
 * here (yaml_tree.h). A zeroed struct is an empty list. Any thread, one
 * list per thread.
 */
#ifndef PUE_DIAG_H
#define PUE_DIAG_H

#include <stdbool.h>
#include <stddef.h>

struct pue_diag;

struct pue_diag_list {
	struct pue_diag *items;
	size_t n, cap;
	bool oom; /* a message was lost for want of memory */
};

/* Adds text (taken: the list frees it) at line and column (0: the file as
 * a whole). A message is one line: control characters become '?', so it
 * can neither break nor forge lines in a log or on a terminal. When memory
 * runs out text is freed and l->oom set. */
void pue_diag_add(struct pue_diag_list *l, int line, int column, char *text);

/* Moves the messages out, sorted: *lines (the caller frees each and the
 * array) and *n; the list is then empty. Returns 0 or -ENOMEM. */
int pue_diag_take(struct pue_diag_list *l, char ***lines, size_t *n);

/* Frees the messages not taken; l is empty again. */
void pue_diag_free(struct pue_diag_list *l);

#endif
