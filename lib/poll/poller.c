/* SPDX-License-Identifier: MIT */
/* poller.c - what every poller shares; see poller.h. */
#include "poll/poller.h"

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
	return pue_poll_schedule_rearm_group(&p->schedules) +
	       (p->ops->rearm != NULL ? p->ops->rearm(p) : 0);
}
