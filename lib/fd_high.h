/* SPDX-License-Identifier: MIT */
/*
 * fd_high.h - keeping descriptors that libmodbus never sees above the ones
 * it needs.
 *
 * libmodbus waits with select(), so every Modbus link needs a descriptor
 * below PUE_MODBUS_FD_LIMIT (modbus_poll.h). Connections that come and go
 * from outside (control clients, HTTP scrapes) would otherwise take the
 * lowest free numbers, and a storm of them could leave none below the
 * limit for the links a reload sets up. Any thread.
 */
#ifndef PUE_FD_HIGH_H
#define PUE_FD_HIGH_H

/* Moves fd (taken) to a descriptor at or above PUE_MODBUS_FD_LIMIT,
 * close-on-exec, and returns it; returns fd itself when it is already
 * there or the soft RLIMIT_NOFILE leaves too little room above (then the
 * caller's own bound on connections is what keeps descriptors low). */
int pue_fd_move_high(int fd);

#endif
