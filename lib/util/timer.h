/* SPDX-License-Identifier: MIT */
/*
 * timer.h - a loop timer that must not stop without a word.
 *
 * pue_loop_add_timer() and pue_loop_add_real_timer() fail only when memory
 * runs out (loop.h). A timer that keeps a module going - an SNMP device's
 * request timeout, the alert round, the control socket's sweep, a hook's
 * deadline, an inform's retry, the HTTP listener's rest - lives in a
 * struct pue_timer (devices' polls have their own, poll_schedule.h): a
 * failed arm is logged once at LOG_ERR, naming the timer and the reason,
 * the timer keeps its callback and deadline, and pue_timer_retry() arms it
 * again (due at once when its deadline has passed). Each module's
 * _rearm() calls it for its timers, and the service calls those from its
 * own timers that still run (service.h, pue_service_rearm()); the first
 * arm that works again is logged too. A module whose start cannot arm its
 * first timer fails its start instead.
 *
 * The struct must stay where it is while armed (the loop holds its
 * address). Main thread only.
 */
#ifndef PUE_TIMER_H
#define PUE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/loop.h"

struct pue_timer {
	struct pue_loop *loop;
	pue_timer_cb cb;
	void *arg;
	bool real;	 /* on the machine's monotonic clock (pue_clock_real()) */
	char what[96];	 /* for the log: "device ups-a's poll" */
	int64_t id;	 /* > 0 while armed */
	pue_mono_t at;	 /* the deadline last asked for */
	bool failed;	 /* that arm failed: pue_timer_retry() tries again */
	bool told;	 /* a failure was logged, and no arm has worked since */
	uint64_t errors; /* arms that failed, for tests */
};

/* Sets t up, disarmed; nothing is allocated. what names the timer in the
 * log (printf format). */
void pue_timer_init(struct pue_timer *t, struct pue_loop *loop, bool real, pue_timer_cb cb,
		    void *arg, const char *what, ...) __attribute__((format(printf, 6, 7)));

/* Arms t for at, replacing a pending arm. Returns 0, or -ENOMEM: then it
 * is logged (once per failing spell) and t waits for pue_timer_retry(). */
int pue_timer_arm(struct pue_timer *t, pue_mono_t at);

/* A timer whose last arm failed is armed again for its deadline. Returns
 * true while it still fails. */
bool pue_timer_retry(struct pue_timer *t);

/* Disarms t (a failed arm is forgotten too). Safe on a timer never armed. */
void pue_timer_cancel(struct pue_timer *t);

/* Armed and not fired yet. */
bool pue_timer_pending(const struct pue_timer *t);

#endif
