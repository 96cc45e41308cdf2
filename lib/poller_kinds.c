/* SPDX-License-Identifier: MIT */
/* poller_kinds.c - the pollers pued has; see poller_kinds.h. */
#include "poller_kinds.h"

#include "modbus_poll.h"
#include "snmp_poll.h"

const struct pue_poller_ops *const pue_pollers[PUE_POLLER_KINDS] = {
	&pue_snmp_poller,
	&pue_modbus_poller,
};
