/* SPDX-License-Identifier: MIT */
/*
 * yaml_tree.c - a YAML tree with positions, and the errors found in it;
 * see yaml_tree.h. yaml_load.c builds the tree from libyaml's events; the
 * messages are kept in order by diag.c.
 */
#include "config/yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_tree_internal.h"

/* Diagnostics ---------------------------------------------------------- */

static void
vreport(struct pue_ytree *t, struct pue_diag_list *to, int line, int column,
	const struct pue_ynode *at, const char *child, const char *fmt, va_list ap)
{
	char *msg = NULL, *path = NULL, *text = NULL, *full = NULL;
	int n;

	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
		goto oom;
	}
	if (at != NULL && (path = pue_yaml_tree_path(at)) == NULL)
		goto oom;
	if (child != NULL) {
		const char *base = path != NULL ? path : "";

		if (asprintf(&full, "%s%s%s", base, base[0] != '\0' ? "." : "", child) < 0)
			goto oom;
		free(path);
		path = full;
	}
	if (line > 0 && path != NULL && path[0] != '\0')
		n = asprintf(&text, "%s:%d:%d: %s: %s", t->path, line, column, path, msg);
	else if (line > 0)
		n = asprintf(&text, "%s:%d:%d: %s", t->path, line, column, msg);
	else
		n = asprintf(&text, "%s: %s", t->path, msg);
	if (n < 0)
		goto oom;
	pue_diag_add(to, line, column, text);
	free(msg);
	free(path);
	return;
oom:
	to->oom = true;
	free(msg);
	free(path);
	free(text);
}

void
pue_yaml_tree_report_at(struct pue_ytree *t, int line, int column, const struct pue_ynode *at,
			const char *child, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &t->diags, line, column, at, child, fmt, ap);
	va_end(ap);
}

void
pue_yaml_tree_error(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &t->diags, n ? n->line : 0, n ? n->column : 0, n, NULL, fmt, ap);
	va_end(ap);
}

void
pue_yaml_tree_error_key(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (n->key != NULL)
		vreport(t, &t->diags, n->key_line, n->key_column, n, NULL, fmt, ap);
	else
		vreport(t, &t->diags, n->line, n->column, n, NULL, fmt, ap);
	va_end(ap);
}

void
pue_yaml_tree_error_missing(struct pue_ytree *t, const struct pue_ynode *map, const char *key,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &t->diags, map->line, map->column, map, key, fmt, ap);
	va_end(ap);
}

void
pue_yaml_tree_note(struct pue_ytree *t, const struct pue_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &t->notes, n->line, n->column, n, NULL, fmt, ap);
	va_end(ap);
}

size_t
pue_yaml_tree_n_errors(const struct pue_ytree *t)
{
	return t->diags.n;
}

bool
pue_yaml_tree_oom(const struct pue_ytree *t)
{
	return t->oom || t->diags.oom || t->notes.oom;
}

uint64_t
pue_yaml_tree_key_probes(const struct pue_ytree *t)
{
	return t->key_probes;
}

int
pue_yaml_tree_take_errors(struct pue_ytree *t, char ***lines, size_t *n)
{
	return pue_diag_take(&t->diags, lines, n);
}

int
pue_yaml_tree_take_notes(struct pue_ytree *t, char ***lines, size_t *n)
{
	return pue_diag_take(&t->notes, lines, n);
}

/* Nodes ---------------------------------------------------------------- */

void
pue_yaml_tree_node_free(struct pue_ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n_kids; i++)
		pue_yaml_tree_node_free(n->kids[i]);
	free(n->kids);
	if (n->text != NULL)
		explicit_bzero(n->text, n->len);
	free(n->text);
	free(n->key);
	free(n);
}

const struct pue_ynode *
pue_yaml_tree_get(const struct pue_ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != PUE_YNODE_MAPPING)
		return NULL;
	for (i = 0; i < map->n_kids; i++)
		if (strcmp(map->kids[i]->key, key) == 0)
			return map->kids[i];
	return NULL;
}

bool
pue_yaml_tree_is_null(const struct pue_ynode *n)
{
	if (n->kind != PUE_YNODE_SCALAR || n->quoted)
		return false;
	return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

char *
pue_yaml_tree_path(const struct pue_ynode *n)
{
	const struct pue_ynode *chain[PUE_YTREE_MAX_DEPTH + 1];
	size_t depth = 0, len = 1, i;
	char *s, *p;

	for (; n != NULL && n->parent != NULL && depth < PUE_YTREE_MAX_DEPTH + 1; n = n->parent)
		chain[depth++] = n;
	for (i = 0; i < depth; i++) /* ".key" or "[index]" with up to 20 digits */
		len += chain[i]->key != NULL ? strlen(chain[i]->key) + 1 : 22;
	if ((s = malloc(len)) == NULL)
		return NULL;
	p = s;
	*p = '\0';
	for (i = depth; i-- > 0;) {
		const struct pue_ynode *c = chain[i];

		if (c->key != NULL)
			p += sprintf(p, "%s%s", p == s ? "" : ".", c->key);
		else
			p += sprintf(p, "[%zu]", c->index);
	}
	return s;
}

struct pue_ytree *
pue_yaml_tree_new(const char *path)
{
	struct pue_ytree *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	if ((t->path = strdup(path)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

const struct pue_ynode *
pue_yaml_tree_root(const struct pue_ytree *t)
{
	return t->root;
}

void
pue_yaml_tree_free(struct pue_ytree *t)
{
	if (t == NULL)
		return;
	pue_yaml_tree_node_free(t->root);
	pue_diag_free(&t->diags);
	pue_diag_free(&t->notes);
	free(t->path);
	free(t);
}
