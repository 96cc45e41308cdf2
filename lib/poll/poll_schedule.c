/* SPDX-License-Identifier: MIT */
/* poll_schedule.c - deadlines, backoff and re-arming of a device's polls;
 * see poll_schedule.h. */
#include "poll/poll_schedule.h"

#include <errno.h>
#include <string.h>

#include "util/log.h"

static void on_tick(void *arg);

/* Arms s's timer at s->deadline. A failure (no memory) is logged once and
 * leaves s for pue_poll_schedule_rearm(). */
static void
arm(struct pue_poll_schedule *s)
{
	s->timer = pue_loop_add_timer(s->group->loop, s->deadline, on_tick, s);
	if (s->timer > 0) {
		if (s->unarmed)
			pue_log(LOG_NOTICE, "device %s: its polls are armed again", s->device);
		s->unarmed = false;
		return;
	}
	s->timer = 0;
	if (!s->unarmed)
		pue_log(LOG_ERR, "device %s: cannot arm its next poll: %s; retrying every second",
			s->device, strerror(ENOMEM));
	s->unarmed = true;
}

static void
on_tick(void *arg)
{
	struct pue_poll_schedule *s = arg;

	s->timer = 0;
	pue_health_next_deadline(s->health, &s->deadline,
				 pue_health_interval_ms(s->health, s->interval_ms),
				 pue_clock_mono(s->group->clock));
	arm(s);
	s->due(s->arg);
}

void
pue_poll_schedule_init(struct pue_poll_schedule *s, struct pue_health *health, const char *device,
		       int64_t interval_ms, pue_timer_cb due, void *arg)
{
	*s = (struct pue_poll_schedule){.health = health,
					.device = device,
					.interval_ms = interval_ms,
					.due = due,
					.arg = arg};
}

int
pue_poll_schedule_start(struct pue_poll_group *g, struct pue_poll_schedule *s, size_t k, size_t n)
{
	pue_mono_t now = pue_clock_mono(g->clock);

	s->group = g;
	s->next = g->first;
	g->first = s;
	s->deadline.ns = now.ns + s->interval_ms * 1000000 * (int64_t)k / (int64_t)n;
	s->timer = pue_loop_add_timer(s->group->loop, s->deadline, on_tick, s);
	if (s->timer < 0) {
		s->timer = 0;
		return -ENOMEM;
	}
	return 0;
}

void
pue_poll_schedule_resume(struct pue_poll_schedule *s)
{
	if (s->timer <= 0 || !pue_health_resume(s->health, &s->deadline, s->interval_ms,
						pue_clock_mono(s->group->clock)))
		return;
	pue_loop_cancel(s->group->loop, s->timer);
	arm(s);
}

size_t
pue_poll_schedule_rearm_group(struct pue_poll_group *g)
{
	struct pue_poll_schedule *s;
	size_t left = 0;

	for (s = g->first; s != NULL; s = s->next) {
		if (!s->unarmed)
			continue;
		s->deadline = pue_clock_mono(s->group->clock); /* its deadline has passed */
		arm(s);
		left += s->unarmed;
	}
	return left;
}

bool
pue_poll_schedule_is_due(const struct pue_poll_schedule *s, pue_mono_t now)
{
	return s->timer > 0 && s->deadline.ns <= now.ns;
}

void
pue_poll_schedule_stop(struct pue_poll_schedule *s)
{
	if (s->timer > 0) /* armed, so it has a group */
		pue_loop_cancel(s->group->loop, s->timer);
	s->timer = 0;
}
