/* SPDX-License-Identifier: MIT */
/* rtu_line.c - is the serial line quiet; see rtu_line.h. */
#include "poll/rtu_line.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "util/clock.h"

int64_t
pue_rtu_line_alone_ms(const struct pue_device_conf *d)
{
	/* start bit, data bits, parity bit, stop bits */
	unsigned bits = 1u + d->modbus.data_bits + (d->modbus.parity != 'N') + d->modbus.stop_bits;
	int64_t t35_us = d->modbus.baud > 19200 || d->modbus.baud == 0
				 ? 1750
				 : (int64_t)(3.5 * bits * 1e6 / d->modbus.baud + 0.5);
	int64_t two_ms = (2 * t35_us + 999) / 1000;

	return d->modbus.request_gap_ms > two_ms ? d->modbus.request_gap_ms : two_ms;
}

bool
pue_rtu_line_speaks(int fd, int64_t ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int64_t deadline = pue_clock_real().ns + ms * 1000000, left = ms;
	int rc;

	for (;;) {
		rc = poll(&p, 1, (int)left);
		if (rc >= 0 || errno != EINTR)
			return rc > 0;
		left = (deadline - pue_clock_real().ns + 999999) / 1000000;
		if (left < 0)
			left = 0;
	}
}

int
pue_rtu_line_settle(int fd, int64_t quiet_ms, const atomic_bool *stop)
{
	int64_t start = pue_clock_real().ns, quiet_from = start, now;
	int64_t quiet_ns = quiet_ms * 1000000;
	unsigned char junk[64];
	ssize_t n;

	for (;;) {
		if (stop != NULL && atomic_load(stop))
			return ECANCELED;
		now = pue_clock_real().ns;
		if (now - quiet_from >= quiet_ns)
			return 0;
		if (now - start >= PUE_RTU_SETTLE_TIMEOUTS * quiet_ns)
			return EBUSY;
		if (!pue_rtu_line_speaks(fd, (quiet_from + quiet_ns - now + 999999) / 1000000))
			continue; /* silent so far: the loop's test says whether long enough */
		n = read(fd, junk, sizeof(junk));
		if (n > 0)
			quiet_from = pue_clock_real().ns; /* dropped: a late or stray frame */
		else if (n == 0)
			return EIO;
		else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno;
	}
}
