/* SPDX-License-Identifier: MIT */
/* poller.c - the pollers pued has; see poller.h. */
#include "poller.h"

#include <stddef.h>

#include "modbus_poll.h"
#include "snmp_poll.h"

const struct pue_poller_ops *const pue_pollers[PUE_POLLER_KINDS] = {
	&pue_snmp_poller,
	&pue_modbus_poller,
};

void
pue_poller_init(struct pue_poller *p, const struct pue_poller_ops *ops,
		const struct pue_poller_env *env)
{
	*p = (struct pue_poller){.ops = ops,
				 .cfg = env->cfg,
				 .loop = env->loop,
				 .clock = env->clock,
				 .sink = *env->sink,
				 .schedules = {.loop = env->loop, .clock = env->clock}};
}

size_t
pue_poller_rearm(struct pue_poller *p)
{
	return pue_poll_group_rearm(&p->schedules);
}
