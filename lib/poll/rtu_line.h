/* SPDX-License-Identifier: MIT */
/*
 * rtu_line.h - is the serial line quiet? The worker side of modbus_link.c
 * for Modbus RTU.
 *
 * An RTU answer carries no transaction id: it names its unit, function
 * and byte count, and libmodbus 3.1.6 accepts any frame whose three match
 * the request. The power read and the energy read of one meter (both 2
 * registers, function 0x03, same unit) have answers of the same shape, so
 * an answer that is not the one to the request in flight (a late answer,
 * the rest of a broken one, a second copy from a repeater) is taken for it
 * and its registers decoded as the other point: a wrong number, stored.
 * On a pty pair, the simulator's unit 1 answering 300 ms late reached
 * pued while unit 2 waited for its power read (rejected: another unit
 * id); pued flushed at once and sent the energy read, and unit 2's power
 * answer, still on its way, was stored as unit 2's energy (400 kWh for
 * 400 kW).
 *
 * So on a serial line a request goes out only on a quiet line, and an
 * answer counts only when it is alone on it: after any failure (no
 * answer, a rejected answer) the line is drained until it has been silent
 * for a response timeout, the time within which an answer is due; and
 * after each answer the line is watched for as long as the pause between
 * requests, at least two inter-frame times (Modbus over Serial Line
 * v1.02, 2.5.1.1: 3.5 characters, 1.75 ms above 19200 baud): a byte then
 * means another frame followed, and the answer is rejected. What this
 * cannot see is a late answer that arrives after the next request went
 * out, more than two response timeouts after its own request, when the
 * answer to that next request then comes later than the watch.
 *
 * Real time throughout: these wait for bytes on a wire. Worker thread.
 */
#ifndef PUE_RTU_LINE_H
#define PUE_RTU_LINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

/* Most response timeouts a settle may take when bytes keep coming. */
#define PUE_RTU_SETTLE_TIMEOUTS 4

/* How long an answer on d's line must stay alone, in ms: d's request gap,
 * at least two inter-frame times at its baud rate and framing. */
int64_t pue_rtu_line_alone_ms(const struct pue_device_conf *d);

/* True when fd has a byte to read (or reports a hang-up or an error)
 * within ms milliseconds (0: now). */
bool pue_rtu_line_speaks(int fd, int64_t ms);

/* Reads and drops everything that comes on fd (non-blocking) until it has
 * been silent for quiet_ms, for at most PUE_RTU_SETTLE_TIMEOUTS x quiet_ms
 * in all. Returns 0 once quiet, EBUSY when bytes kept coming, ECANCELED
 * when *stop was set (may be NULL), or the errno of a failed read (EIO
 * once the line is gone). */
int pue_rtu_line_settle(int fd, int64_t quiet_ms, const atomic_bool *stop);

#endif
