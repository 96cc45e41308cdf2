/* SPDX-License-Identifier: MIT */
/* poller_kinds.c - the pollers pued has; see poller_kinds.h. */
#include "poll/poller_kinds.h"

#include "poll/modbus_poll.h"
#include "poll/snmp_poll.h"

const struct pue_poller_ops *const pue_poller_kinds_all[PUE_POLLER_KINDS] = {
	&pue_snmp_poll_ops,
	&pue_modbus_poll_ops,
};
