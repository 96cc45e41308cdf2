/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the one main loop: descriptors and timers, nothing else waits.
 *
 * epoll for descriptors and one timerfd for the nearest timer. Timers run on
 * the loop's pue_clock (monotonic time), so a scaled test clock speeds them
 * up too. A timer or descriptor may be removed from inside any callback.
 * Main thread only.
 */
#ifndef PUE_LOOP_H
#define PUE_LOOP_H

#include <stdint.h>

#include "clock.h"
#include "err.h"

struct pue_loop; /* opaque */

/* events: EPOLLIN / EPOLLOUT as epoll reports them. */
typedef void (*pue_fd_cb)(void *arg, int fd, uint32_t events);
typedef void (*pue_timer_cb)(void *arg);

/* clock is borrowed and must outlive the loop. NULL on failure (err set). */
struct pue_loop *pue_loop_new(const struct pue_clock *clock, struct pue_err *err);
void pue_loop_free(struct pue_loop *l);

/* Watches fd for events; one registration per fd. Returns 0 or -errno. */
int pue_loop_add_fd(struct pue_loop *l, int fd, uint32_t events, pue_fd_cb cb, void *arg);
int pue_loop_mod_fd(struct pue_loop *l, int fd, uint32_t events);
/* Stops watching fd (it is not closed). Safe inside callbacks. */
void pue_loop_del_fd(struct pue_loop *l, int fd);

/* Calls cb once at deadline. Returns a timer id (> 0) or -ENOMEM. */
int64_t pue_loop_add_timer(struct pue_loop *l, pue_mono_t deadline, pue_timer_cb cb, void *arg);
/* Cancels a pending timer; unknown or fired ids are ignored. */
void pue_loop_cancel(struct pue_loop *l, int64_t id);

/* Runs until pue_loop_stop(). Returns 0, or -errno if epoll fails. */
int pue_loop_run(struct pue_loop *l);
void pue_loop_stop(struct pue_loop *l);

/* Iterations completed; the watchdog checks that it moves. */
uint64_t pue_loop_iterations(const struct pue_loop *l);

#endif
