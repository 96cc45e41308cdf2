/* SPDX-License-Identifier: MIT */
/* alerts_message.c - an alert's message; see alerts_message.h. */
#include "alerts/alerts_message.h"

#include <stdlib.h>
#include <string.h>

const char *
pue_alerts_message(const struct alert *al)
{
	return al->message != NULL ? al->message : "";
}

void
pue_alerts_message_set(struct alert *al, const char *msg)
{
	char *m;

	if (strcmp(pue_alerts_message(al), msg) == 0)
		return;
	if ((m = strdup(msg)) == NULL)
		return; /* the old evidence stays; the round goes on */
	free(al->message);
	al->message = m;
}
