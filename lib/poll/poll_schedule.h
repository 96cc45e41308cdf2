/* SPDX-License-Identifier: MIT */
/*
 * poll_schedule.h - one device's poll timer, the same for every poller.
 *
 * Each poll deadline is the previous deadline plus the interval, so polls
 * do not drift, and an overrun skips the ticks it missed and counts them
 * (health.h). While a device is down the interval doubles per failed poll
 * up to a cap, and the probe that finds it answering puts it back on its
 * normal schedule at once (pue_poll_schedule_resume()). First deadlines
 * are spread over the interval (chrony's timeout classes), so hundreds of
 * devices do not fire in the same instant. A deadline the loop cannot arm
 * (out of memory) is logged once and retried by pue_poll_schedule_rearm()
 * from the service's tick; meanwhile the device is not polled.
 * Main thread only.
 */
#ifndef PUE_POLL_SCHEDULE_H
#define PUE_POLL_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "poll/health.h"
#include "util/loop.h"

struct pue_poll_group;

struct pue_poll_schedule {
	/* Set by pue_poll_schedule_init(); borrowed. */
	struct pue_health *health; /* the device's: its state sets the backoff */
	const char *device;	   /* its name, for messages */
	int64_t interval_ms;	   /* the configured poll interval */
	pue_timer_cb due;	   /* a tick fired; the next one is armed already */
	void *arg;		   /* due's argument */
	/* Kept by the schedule; the poller may read them. */
	struct pue_poll_group *group;
	int64_t timer;	     /* the loop's timer id; 0: none armed */
	pue_mono_t deadline; /* the next tick */
	bool unarmed;	     /* the loop could not arm it: see pue_poll_schedule_rearm_group() */
	struct pue_poll_schedule *next; /* in its group */
};

/* The schedules of one poller, on one loop and clock (borrowed), re-armed
 * together. Its schedules are borrowed. */
struct pue_poll_group {
	struct pue_loop *loop;
	const struct pue_clock *clock;
	struct pue_poll_schedule *first;
};

/* Sets up s for a device: health and device (its name) are borrowed; due
 * is called with arg at each tick. Nothing is armed yet. */
void pue_poll_schedule_init(struct pue_poll_schedule *s, struct pue_health *health,
			    const char *device, int64_t interval_ms, pue_timer_cb due, void *arg);

/* Adds s to g and arms its first tick: phase k of n spread over the
 * interval from now (k < n). Returns 0, or -ENOMEM when the loop cannot
 * arm it. */
int pue_poll_schedule_start(struct pue_poll_group *g, struct pue_poll_schedule *s, size_t k,
			    size_t n);

/* Once a poll's result is in the device's health: a probe that found the
 * device answering moves the next tick back to the normal interval
 * (pue_health_resume()). */
void pue_poll_schedule_resume(struct pue_poll_schedule *s);

/* Arms the ticks of g that could not be armed, due now. Returns how many
 * are still unarmed. */
size_t pue_poll_schedule_rearm_group(struct pue_poll_group *g);

/* True when a tick is armed and its deadline has come by now: the device
 * may join a poll that starts now (a link's batch, modbus_poll.c). */
bool pue_poll_schedule_is_due(const struct pue_poll_schedule *s, pue_mono_t now);

/* Cancels the armed tick, if any. */
void pue_poll_schedule_stop(struct pue_poll_schedule *s);

#endif
