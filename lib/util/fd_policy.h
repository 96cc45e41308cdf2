/* SPDX-License-Identifier: MIT */
/*
 * fd_policy.h - which descriptors libmodbus may be given.
 *
 * libmodbus 3.1.6 waits with select(), even inside modbus_connect(), and
 * select()'s fd_set holds descriptors below FD_SETSIZE (1024): one at or
 * above it overflows the set (Debian's fortified build aborts). So every
 * Modbus connection (an RTU serial device, or each of the connections of
 * a TCP host:port) keeps a descriptor below PUE_MODBUS_FD_LIMIT, reserved
 * at start (modbus_poll.h), and what needs no select() - control clients,
 * and net-snmp's sockets, which pued reads through large fd sets and its
 * own epoll - moves above that line when the process's limit allows. Any
 * thread.
 */
#ifndef PUE_FD_POLICY_H
#define PUE_FD_POLICY_H

/* Descriptors from this value up are never handed to libmodbus. */
#define PUE_MODBUS_FD_LIMIT 1024

/* The loader refuses a configuration with more Modbus connections than this,
 * which leaves the low descriptors that stdio, the database and the loop
 * open first. */
#define PUE_MODBUS_MAX_CONNECTIONS 1000

/* Moves fd (close-on-exec) at or above PUE_MODBUS_FD_LIMIT when the
 * descriptor limit leaves room there, closing the original. Returns the
 * descriptor to use: the new one, or fd itself when it stays. */
int pue_fd_policy_move_high(int fd);

#endif
