/* SPDX-License-Identifier: MIT */
/* modbus_spread.c - a TCP link's unit ids dealt to its connections; see
 * modbus_spread.h. */
#include "poll/modbus_spread.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One link of more than one connection: a list, as there are few. */
struct pue_modbus_spread {
	char where[96];
	unsigned next;	      /* the connection the next new unit id gets */
	uint8_t conn_of[256]; /* per unit id: its connection + 1; 0 while unseen */
	struct pue_modbus_spread *next_link;
};

int
pue_modbus_spread_pick(struct pue_modbus_spread **s, const struct pue_device_conf *c,
		       const char *where, unsigned *conn)
{
	unsigned n = c->modbus.connections;
	struct pue_modbus_spread *l;

	*conn = 0;
	if (c->protocol != PUE_PROTO_MODBUS_TCP || n <= 1)
		return 0;
	for (l = *s; l != NULL; l = l->next_link)
		if (strcmp(l->where, where) == 0)
			break;
	if (l == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			return -ENOMEM;
		snprintf(l->where, sizeof(l->where), "%s", where);
		l->next_link = *s;
		*s = l;
	}
	if (l->conn_of[c->modbus.unit_id] == 0) {
		l->conn_of[c->modbus.unit_id] = (uint8_t)(l->next + 1);
		l->next = (l->next + 1) % n;
	}
	*conn = l->conn_of[c->modbus.unit_id] - 1u;
	return 0;
}

void
pue_modbus_spread_free(struct pue_modbus_spread *s)
{
	struct pue_modbus_spread *next;

	for (; s != NULL; s = next) {
		next = s->next_link;
		free(s);
	}
}
