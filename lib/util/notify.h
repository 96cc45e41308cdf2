/* SPDX-License-Identifier: MIT */
/*
 * notify.h - telling the service manager how pued is: READY=1, STATUS=,
 * WATCHDOG=1, RELOADING=1, STOPPING=1 (the sd_notify(3) protocol: one
 * datagram of newline-separated assignments to the AF_UNIX socket named by
 * $NOTIFY_SOCKET, a path or, after '@', an abstract name).
 *
 * Why not libsystemd's sd_notify(): linking libsystemd loads it and the
 * six libraries behind it (libgcrypt, libgpg-error, liblzma, libzstd,
 * liblz4, libcap) into every pued, 1.1 MB of resident memory measured
 * (bench/campus.sh, issue 18), for a protocol systemd documents as stable
 * and meant to be reimplemented. What pued leaves out: the vsock: form of
 * $NOTIFY_SOCKET (a service manager outside a virtual machine), where
 * pued's messages are dropped and pue_notify() says -EAFNOSUPPORT.
 * Any thread; reads the environment, so not while another thread may
 * setenv() (pued calls it from the main loop only).
 */
#ifndef PUE_NOTIFY_H
#define PUE_NOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", or several lines) to $NOTIFY_SOCKET. Returns 1
 * when it was sent, 0 when no service manager listens ($NOTIFY_SOCKET
 * unset), or a negative errno. state is borrowed. */
int pue_notify(const char *state);

/* pue_notify() of a formatted state; a state longer than 4 KB is cut. */
int pue_notify_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The watchdog interval the service manager asks for: 1 and *usec when
 * $WATCHDOG_USEC is set to a positive number and $WATCHDOG_PID, if set,
 * names this process; 0 when not (usec untouched), as sd_watchdog_enabled()
 * without unsetting anything. */
int pue_notify_watchdog_usec(uint64_t *usec);

#endif
