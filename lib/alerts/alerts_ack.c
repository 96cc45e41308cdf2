/* SPDX-License-Identifier: MIT */
/* alerts_ack.c - an alert's acknowledgement; see alerts_ack.h. */
#include "alerts/alerts_ack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

const char *
pue_alerts_ack_by(const struct alert *al)
{
	return al->ack != NULL ? al->ack->by : NULL;
}

int64_t
pue_alerts_ack_ms(const struct alert *al)
{
	return al->ack != NULL ? al->ack->ms : 0;
}

int
pue_alerts_ack_set(struct alert *al, const char *who, int64_t ms)
{
	struct alert_ack *ack;
	size_t len;

	if (who == NULL || who[0] == '\0') {
		pue_alerts_ack_clear(al);
		return 0;
	}
	len = pue_utf8_cut(who, strnlen(who, PUE_ALERTS_ACK_NAME_MAX - 1));
	if ((ack = malloc(sizeof(*ack) + len + 1)) == NULL)
		return -ENOMEM;
	ack->ms = ms;
	memcpy(ack->by, who, len);
	ack->by[len] = '\0';
	free(al->ack);
	al->ack = ack;
	return 0;
}

void
pue_alerts_ack_clear(struct alert *al)
{
	free(al->ack);
	al->ack = NULL;
}
