/* SPDX-License-Identifier: MIT */
/* diag.c - located messages, kept and sorted; see diag.h. */
#include "config/diag.h"

#include <errno.h>
#include <stdlib.h>

struct pue_diag {
	int line, column; /* 0: the file as a whole */
	size_t seq;	  /* recording order, to keep ties stable */
	char *text;
};

/* A message is one line, whatever a key or a term in it holds: a control
 * character (a newline in a quoted key) becomes '?', so that a message
 * can neither break nor forge lines in the log or on a terminal. */
static void
one_line(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
pue_diag_add(struct pue_diag_list *l, int line, int column, char *text)
{
	struct pue_diag *d;

	one_line(text);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		if ((d = reallocarray(l->items, cap, sizeof(*d))) == NULL) {
			l->oom = true;
			free(text);
			return;
		}
		l->items = d;
		l->cap = cap;
	}
	l->items[l->n] = (struct pue_diag){line, column, l->n, text};
	l->n++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct pue_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
pue_diag_take(struct pue_diag_list *l, char ***lines, size_t *n)
{
	char **out = NULL;
	size_t i;

	*lines = NULL;
	*n = 0;
	if (l->n == 0)
		return 0;
	if ((out = calloc(l->n, sizeof(*out))) == NULL)
		return -ENOMEM;
	qsort(l->items, l->n, sizeof(*l->items), diag_cmp);
	for (i = 0; i < l->n; i++)
		out[i] = l->items[i].text;
	*lines = out;
	*n = l->n;
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
	return 0;
}

void
pue_diag_free(struct pue_diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].text);
	free(l->items);
	*l = (struct pue_diag_list){0};
}
