/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the one main loop: descriptors and timers, nothing else waits.
 *
 * epoll for descriptors and one timerfd for the nearest timer. Timers run on
 * the loop's pue_clock (monotonic time), so a scaled test clock speeds them
 * up too; real timers run on the machine's monotonic clock whatever the
 * loop's clock (network timeouts, client deadlines). A timer or descriptor
 * may be removed from inside any callback. Main thread only.
 *
 * On a stepped clock (clock.h) time stands still until pue_loop_advance()
 * gives the loop a target. The loop then moves the clock from one timer's
 * deadline to the next, and before each move waits - in real time - until
 * nothing is busy: every module that starts work whose end arrives later
 * (a Modbus job on a worker, an SNMP request in flight, a name being
 * resolved) registers a busy probe. So every poll, minute close and alert
 * round in the span runs in order, with the clock standing at its own
 * time, as fast as the machine allows.
 */
#ifndef PUE_LOOP_H
#define PUE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/err.h"

struct pue_loop; /* opaque */

/* events: EPOLLIN / EPOLLOUT as epoll reports them. */
typedef void (*pue_fd_cb)(void *arg, int fd, uint32_t events);
typedef void (*pue_timer_cb)(void *arg);

/* clock is borrowed and must outlive the loop; the loop moves it only when
 * it is a stepped clock. NULL on failure (err set). */
struct pue_loop *pue_loop_new(struct pue_clock *clock, struct pue_err *err);
void pue_loop_free(struct pue_loop *l);

/* Watches fd for events; one registration per fd. Returns 0 or -errno. */
int pue_loop_add_fd(struct pue_loop *l, int fd, uint32_t events, pue_fd_cb cb, void *arg);
int pue_loop_mod_fd(struct pue_loop *l, int fd, uint32_t events);
/* Stops watching fd (it is not closed). Safe inside callbacks. */
void pue_loop_del_fd(struct pue_loop *l, int fd);

/* Calls cb once at deadline. Returns a timer id (> 0) or -ENOMEM. */
int64_t pue_loop_add_timer(struct pue_loop *l, pue_mono_t deadline, pue_timer_cb cb, void *arg);
/* Calls cb once at deadline on the machine's monotonic clock
 * (pue_clock_real()). Returns a timer id (> 0) or -ENOMEM. */
int64_t pue_loop_add_real_timer(struct pue_loop *l, pue_mono_t deadline, pue_timer_cb cb,
				void *arg);
/* A registration fails only when memory runs out. Timers that keep pued
 * going (the service's tick and flush, each device's poll, the daemon's
 * status and watchdog, and every timer kept in a struct pue_timer,
 * timer.h) are then logged at LOG_ERR and armed again from a timer that
 * still runs (service.h, pue_service_rearm()).
 * Tests only: the next n registrations, of either kind, fail with -ENOMEM. */
void pue_loop_fail_timers(struct pue_loop *l, unsigned n);
/* Cancels a pending timer of either kind; unknown or fired ids are ignored. */
void pue_loop_cancel(struct pue_loop *l, int64_t id);

/* True while work started by the probe's owner has not ended. */
typedef bool (*pue_busy_cb)(void *arg);
/* Registers a busy probe (stepped clocks wait for it; see above). Returns 0
 * or -ENOMEM. The pair (cb, arg) must be removed before arg is freed. */
int pue_loop_add_busy(struct pue_loop *l, pue_busy_cb cb, void *arg);
void pue_loop_del_busy(struct pue_loop *l, pue_busy_cb cb, void *arg);

/* Stepped clocks only: lets the clock run forward to target (a target
 * earlier than the current one is ignored). Returns 0, or -ENOTSUP when
 * the loop's clock is not stepped. */
int pue_loop_advance(struct pue_loop *l, pue_mono_t target);
/* Stepped clocks: true once the clock stands at the last target and
 * nothing is busy. Other clocks: always true. */
bool pue_loop_caught_up(const struct pue_loop *l);

/* Runs until pue_loop_stop(). Returns 0, or -errno if epoll fails. */
int pue_loop_run(struct pue_loop *l);
void pue_loop_stop(struct pue_loop *l);

/* Iterations completed; the watchdog checks that it moves. */
uint64_t pue_loop_iterations(const struct pue_loop *l);

#endif
