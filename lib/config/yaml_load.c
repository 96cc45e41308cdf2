/* SPDX-License-Identifier: MIT */
/*
 * yaml_load.c - libyaml events into a tree with positions; see
 * yaml_load.h.
 *
 * The builder keeps a stack of open sequences and mappings. A node is
 * attached to its parent only when it is complete, so on a syntax error
 * every frame still on the stack owns its node and is freed on its own.
 */
#include "config/yaml_load.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/err.h"
#include "util/strmap.h"
#include "config/yaml_tree_internal.h"

/* One open sequence or mapping. In a mapping, events alternate between a
 * key (kept here) and its value (a node that takes the key). The keys seen
 * so far are indexed, so that a mapping of n keys is checked for duplicates
 * in O(n), not O(n^2). */
struct frame {
	struct pue_ynode *node;
	size_t cap_kids;	/* room in node->kids, grown by doubling */
	struct pue_strmap keys; /* mapping: each key -> its index in node->kids */
	char *key;		/* key waiting for its value */
	int key_line, key_column;
	bool have_key;
	bool discard; /* the value of a duplicate key: built, then dropped */
};

struct builder {
	struct pue_ytree *t;
	struct frame stack[PUE_YTREE_MAX_DEPTH];
	size_t depth;
	unsigned n_documents;
};

/* libyaml counts lines and columns from 0; editors and compilers from 1. */
static int
line_of(yaml_mark_t m)
{
	return m.line < INT32_MAX ? (int)m.line + 1 : INT32_MAX;
}

static int
column_of(yaml_mark_t m)
{
	return m.column < INT32_MAX ? (int)m.column + 1 : INT32_MAX;
}

static int
attach(struct frame *f, struct pue_ynode *n)
{
	struct pue_ynode *parent = f->node, **kids;

	if (parent->n_kids == f->cap_kids) {
		size_t cap = f->cap_kids ? 2 * f->cap_kids : 4;

		if ((kids = reallocarray(parent->kids, cap, sizeof(*kids))) == NULL)
			return -ENOMEM;
		parent->kids = kids;
		f->cap_kids = cap;
	}
	parent->kids[parent->n_kids++] = n;
	return 0;
}

/* A frame is done with (its collection complete, or the parse stopped). */
static void
frame_end(struct pue_ytree *t, struct frame *f)
{
	t->key_probes += f->keys.probes;
	pue_strmap_free(&f->keys);
	free(f->key);
	f->key = NULL;
}

/* n is complete: hand it to its parent (or make it the root). */
static int
complete(struct builder *b, struct pue_ynode *n)
{
	struct frame *f;

	if (b->depth == 0) {
		b->t->root = n;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == PUE_YNODE_MAPPING) {
		f->have_key = false;
		if (f->discard) {
			f->discard = false;
			pue_yaml_tree_node_free(n);
			return 0;
		}
	}
	if (attach(f, n) < 0) {
		pue_yaml_tree_node_free(n);
		return -ENOMEM;
	}
	return 0;
}

static void
check_anchor_and_tag(struct builder *b, const struct pue_ynode *at, yaml_mark_t m,
		     const yaml_char_t *anchor, const yaml_char_t *tag, bool *quoted)
{
	if (anchor != NULL)
		pue_yaml_tree_report_at(
			b->t, line_of(m), column_of(m), at, NULL,
			"anchors are not supported (&%s); write the value out where it is used",
			(const char *)anchor);
	if (tag == NULL)
		return;
	if (quoted != NULL && strcmp((const char *)tag, YAML_STR_TAG) == 0)
		*quoted = true; /* "!!str 10" is the string "10", as "'10'" is */
	else if (strncmp((const char *)tag, "tag:yaml.org,2002:", 18) == 0)
		pue_yaml_tree_report_at(b->t, line_of(m), column_of(m), at, NULL,
					"YAML tags are not supported (!!%s)",
					(const char *)tag + 18);
	else
		pue_yaml_tree_report_at(b->t, line_of(m), column_of(m), at, NULL,
					"YAML tags are not supported (%s)", (const char *)tag);
}

/* Mappings of up to this many keys are checked by comparing the new key
 * with each: cheaper than an index for the few keys of a point or a
 * section, and still constant work per key. */
#define SMALL_MAPPING 8

/* Looks the key waiting in f up among the keys of f's mapping, and indexes
 * it. Returns 0 when new, 1 when the mapping has it (*first: which kid),
 * or -ENOMEM. */
static int
index_key(struct builder *b, struct frame *f, size_t *first)
{
	const struct pue_ynode *map = f->node;
	size_t i;
	int rc;

	if (map->n_kids < SMALL_MAPPING) {
		for (i = 0; i < map->n_kids; i++) {
			b->t->key_probes++;
			if (strcmp(map->kids[i]->key, f->key) == 0) {
				*first = i;
				return 1;
			}
		}
		return 0;
	}
	if (f->keys.n == 0) /* the mapping outgrew the scan: index what it has */
		for (i = 0; i < map->n_kids; i++)
			if ((rc = pue_strmap_add(&f->keys, map->kids[i]->key, i, NULL)) < 0)
				return rc;
	/* The key moves into its value's node, which becomes kid n_kids: the
	 * index keeps pointing at the same string. */
	return pue_strmap_add(&f->keys, f->key, map->n_kids, first);
}

/* A scalar in key position of the mapping on top of the stack. */
static int
take_key(struct builder *b, struct frame *f, const yaml_event_t *ev)
{
	const char *key = (const char *)ev->data.scalar.value;
	size_t first;
	int rc;

	if (ev->type != YAML_SCALAR_EVENT) {
		pue_yaml_tree_report_at(b->t, line_of(ev->start_mark), column_of(ev->start_mark),
					f->node, NULL,
					"a mapping key must be a plain string, not a %s",
					ev->type == YAML_ALIAS_EVENT ? "alias" : "list or mapping");
		return PUE_E_CONFIG;
	}
	check_anchor_and_tag(b, f->node, ev->start_mark, ev->data.scalar.anchor,
			     ev->data.scalar.tag, NULL);
	if (strlen(key) != ev->data.scalar.length) {
		pue_yaml_tree_report_at(b->t, line_of(ev->start_mark), column_of(ev->start_mark),
					f->node, NULL, "a key must not contain a NUL character");
		return PUE_E_CONFIG;
	}
	if ((f->key = strdup(key)) == NULL)
		return -ENOMEM;
	f->key_line = line_of(ev->start_mark);
	f->key_column = column_of(ev->start_mark);
	f->have_key = true;
	if ((rc = index_key(b, f, &first)) < 0)
		return rc;
	if (rc > 0) {
		const struct pue_ynode *k = f->node->kids[first];

		pue_yaml_tree_report_at(b->t, f->key_line, f->key_column, f->node, key,
					"duplicate key \"%s\" (first at line %d column %d)", key,
					k->key_line, k->key_column);
		f->discard = true;
	}
	return 0;
}

/* A scalar, alias, sequence start or mapping start event: a key or a node. */
static int
take_node(struct builder *b, const yaml_event_t *ev)
{
	struct frame *f = b->depth > 0 ? &b->stack[b->depth - 1] : NULL;
	struct pue_ynode *n;
	int rc;

	if (f != NULL && f->node->kind == PUE_YNODE_MAPPING && !f->have_key)
		return take_key(b, f, ev);
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->line = line_of(ev->start_mark);
	n->column = column_of(ev->start_mark);
	if (f != NULL) {
		n->parent = f->node;
		if (f->node->kind == PUE_YNODE_MAPPING) {
			n->key = f->key; /* the node takes the key */
			n->key_line = f->key_line;
			n->key_column = f->key_column;
			f->key = NULL;
		} else
			n->index = f->node->n_kids;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = PUE_YNODE_SCALAR;
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		check_anchor_and_tag(b, n, ev->start_mark, ev->data.scalar.anchor,
				     ev->data.scalar.tag, &n->quoted);
		n->len = ev->data.scalar.length;
		if ((n->text = malloc(n->len + 1)) == NULL) {
			pue_yaml_tree_node_free(n);
			return -ENOMEM;
		}
		memcpy(n->text, ev->data.scalar.value, n->len + 1);
		return complete(b, n);
	case YAML_ALIAS_EVENT:
		n->kind = PUE_YNODE_ALIAS;
		pue_yaml_tree_report_at(
			b->t, n->line, n->column, n, NULL,
			"aliases are not supported (*%s); write the value out where it is used",
			(const char *)ev->data.alias.anchor);
		return complete(b, n);
	case YAML_SEQUENCE_START_EVENT:
		n->kind = PUE_YNODE_SEQUENCE;
		check_anchor_and_tag(b, n, ev->start_mark, ev->data.sequence_start.anchor,
				     ev->data.sequence_start.tag, NULL);
		break;
	default: /* YAML_MAPPING_START_EVENT */
		n->kind = PUE_YNODE_MAPPING;
		check_anchor_and_tag(b, n, ev->start_mark, ev->data.mapping_start.anchor,
				     ev->data.mapping_start.tag, NULL);
		break;
	}
	if (b->depth == PUE_YTREE_MAX_DEPTH) {
		pue_yaml_tree_report_at(b->t, n->line, n->column, NULL, NULL,
					"nested deeper than %d levels", PUE_YTREE_MAX_DEPTH);
		rc = PUE_E_CONFIG;
		pue_yaml_tree_node_free(n);
		return rc;
	}
	b->stack[b->depth++] = (struct frame){.node = n};
	return 0;
}

static int
end_collection(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];

	frame_end(b->t, f); /* libyaml never ends a mapping between key and value */
	return complete(b, f->node);
}

/* Line and column of a byte offset, for reader errors (bad UTF-8, a NUL
 * byte), which libyaml reports by offset only. Columns count characters. */
static void
offset_position(const char *buf, size_t len, size_t offset, int *line, int *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	for (i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			(*column)++;
		}
	}
}

static int
syntax_error(struct pue_ytree *t, const yaml_parser_t *p, const char *buf, size_t len)
{
	int line, column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		t->oom = true;
		return -ENOMEM;
	case YAML_READER_ERROR:
		offset_position(buf, len, p->problem_offset, &line, &column);
		pue_yaml_tree_report_at(t, line, column, NULL, NULL, "YAML: %s",
					p->problem ? p->problem : "?");
		break;
	default:
		line = line_of(p->problem_mark);
		column = column_of(p->problem_mark);
		if (p->context != NULL)
			pue_yaml_tree_report_at(t, line, column, NULL, NULL,
						"YAML syntax error: %s (%s at line %d column %d)",
						p->problem ? p->problem : "?", p->context,
						line_of(p->context_mark),
						column_of(p->context_mark));
		else
			pue_yaml_tree_report_at(t, line, column, NULL, NULL,
						"YAML syntax error: %s",
						p->problem ? p->problem : "?");
		break;
	}
	return PUE_E_CONFIG;
}

static int
parse(struct pue_ytree *t, const char *buf, size_t len)
{
	struct builder b = {.t = t};
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = syntax_error(t, &p, buf, len);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (b.n_documents++ > 0) {
				pue_yaml_tree_report_at(
					t, line_of(ev.start_mark), column_of(ev.start_mark), NULL,
					NULL, "a second YAML document; the file must hold one");
				rc = PUE_E_CONFIG;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			rc = take_node(&b, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = end_collection(&b);
			break;
		default: /* stream start, document end */
			break;
		}
		yaml_event_delete(&ev);
	}
	while (b.depth > 0) { /* stopped early: frames still own their nodes */
		b.depth--;
		frame_end(t, &b.stack[b.depth]);
		pue_yaml_tree_node_free(b.stack[b.depth].node);
	}
	yaml_parser_delete(&p);
	if (rc == -ENOMEM)
		t->oom = true;
	return rc;
}

static int
read_all(FILE *fp, char **out, size_t *out_len)
{
	size_t len = 0, cap = 0, got;
	char *buf = NULL, *nb;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 16384;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (len > PUE_YTREE_MAX_BYTES) {
			free(buf);
			return -EFBIG;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		int e = errno ? errno : EIO;

		free(buf);
		return -e;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int
too_big(struct pue_ytree *t)
{
	pue_yaml_tree_error(t, NULL, "larger than %u MiB; is this the configuration file?",
			    PUE_YTREE_MAX_BYTES >> 20);
	return -EFBIG;
}

int
pue_yaml_load_file(struct pue_ytree *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = fopen(t->path, "re")) == NULL) {
		rc = -errno;
		pue_yaml_tree_error(t, NULL, "%s", strerror(-rc));
		return rc;
	}
	rc = read_all(fp, &buf, &len);
	fclose(fp);
	if (rc == -EFBIG)
		return too_big(t);
	if (rc < 0) {
		pue_yaml_tree_error(t, NULL, "%s", strerror(-rc));
		return rc;
	}
	rc = parse(t, buf, len);
	explicit_bzero(buf, len); /* it holds the passphrases */
	free(buf);
	return rc;
}

int
pue_yaml_load_buffer(struct pue_ytree *t, const char *buf, size_t len)
{
	if (len > PUE_YTREE_MAX_BYTES)
		return too_big(t);
	return parse(t, buf, len);
}
