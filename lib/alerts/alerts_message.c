/* SPDX-License-Identifier: MIT */
/* alerts_message.c - an alert's message; see alerts_message.h. */
#include "alerts/alerts_message.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

const char *
pue_alerts_message(const struct alert *al)
{
	return al->message != NULL ? al->message : "";
}

void
pue_alerts_message_set(struct alert *al, const char *msg)
{
	const char *cur = pue_alerts_message(al);
	/* A message cut by its buffer may end in part of a character. */
	size_t len = pue_utf8_cut(msg, strlen(msg));
	char *m;

	if (strncmp(cur, msg, len) == 0 && cur[len] == '\0')
		return;
	if ((m = strndup(msg, len)) == NULL)
		return; /* the old evidence stays; the round goes on */
	free(al->message);
	al->message = m;
}
