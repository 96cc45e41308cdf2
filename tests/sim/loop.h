/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the simulator's one event loop (epoll), shared by the Modbus
 * server, the control socket and the signal descriptor.
 *
 * An owner embeds a struct sim_watch in its own object, sets fd and fn, and
 * registers it; fn runs with the ready events and finds its object with
 * SIM_CONTAINER_OF. A callback may free its own watch (after
 * sim_loop_del), but not another one: a batch from epoll_wait may still
 * hold events for it.
 *
 * Timers fire once, after a delay in real milliseconds (CLOCK_MONOTONIC,
 * not the scaled test clock: they pace replies against pued's real
 * response timeouts). They live in a small array searched in O(n): the
 * simulator holds at most one timer per connection that is being answered
 * late, and tests use a handful. Main thread only.
 */
#ifndef SIM_LOOP_H
#define SIM_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SIM_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct sim_watch;
typedef void sim_watch_fn(struct sim_watch *w, uint32_t events);

struct sim_watch {
	int fd;
	sim_watch_fn *fn; /* events are EPOLLIN, EPOLLHUP, ... */
};

struct sim_loop; /* opaque */

typedef void sim_timer_fn(void *arg);

/* Returns a new loop, or NULL with err filled. Free with sim_loop_free(). */
struct sim_loop *sim_loop_new(struct pue_err *err);

/* Frees l; the watches stay their owners' to close. NULL is accepted. */
void sim_loop_free(struct sim_loop *l);

/* Watches w->fd for events (EPOLLIN, EPOLLET, ...). w is borrowed and
 * must stay valid until sim_loop_del(). */
int sim_loop_add(struct sim_loop *l, struct sim_watch *w, uint32_t events, struct pue_err *err);

/* Changes the events watched; 0 pauses the watch. */
int sim_loop_mod(struct sim_loop *l, struct sim_watch *w, uint32_t events, struct pue_err *err);

/* Stops watching w. */
void sim_loop_del(struct sim_loop *l, struct sim_watch *w);

/* Calls fn(arg) once, delay_ms real milliseconds from now. Returns a timer
 * id (> 0), or -ENOMEM with err filled. */
int64_t sim_loop_add_timer(struct sim_loop *l, int64_t delay_ms, sim_timer_fn *fn, void *arg,
			   struct pue_err *err);

/* Cancels a timer that has not fired; unknown ids are ignored. Safe inside
 * callbacks, including the timer's own. */
void sim_loop_cancel(struct sim_loop *l, int64_t id);

/* Dispatches events and timers until sim_loop_stop(). Returns 0, or a negative errno
 * with err filled when epoll itself fails. */
int sim_loop_run(struct sim_loop *l, struct pue_err *err);

/* Makes sim_loop_run() return after the current batch of events. */
void sim_loop_stop(struct sim_loop *l);

#endif
