/* SPDX-License-Identifier: MIT */
/*
 * modbus_spread.h - which of a Modbus TCP link's connections polls a unit
 * id (modbus.connections, issue 18).
 *
 * The unit ids of a host:port are dealt to its connections round robin in
 * the order they first appear, so the connections carry as equal a share
 * as the ids allow, and every device of one unit id keeps to the same
 * connection: its requests stay in order, and a gateway's state per unit
 * id, if it keeps any, sees one client. Used by modbus_poll.c while it
 * sets up its devices, then freed. Main thread only.
 */
#ifndef PUE_MODBUS_SPREAD_H
#define PUE_MODBUS_SPREAD_H

#include "config/config.h"

struct pue_modbus_spread; /* opaque; NULL is an empty one */

/* Sets *conn to the connection (0 .. modbus.connections - 1) of c's link,
 * named where (pue_modbus_link_name()), that polls c: 0 for an RTU bus and
 * a link of one connection. Returns 0, or -ENOMEM. *s starts as NULL and
 * grows; free it with pue_modbus_spread_free(). */
int pue_modbus_spread_pick(struct pue_modbus_spread **s, const struct pue_device_conf *c,
			   const char *where, unsigned *conn);

/* Frees what pue_modbus_spread_pick() kept; NULL is accepted. */
void pue_modbus_spread_free(struct pue_modbus_spread *s);

#endif
