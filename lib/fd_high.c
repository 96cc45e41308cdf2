/* SPDX-License-Identifier: MIT */
/* fd_high.c - descriptors out of libmodbus's way; see fd_high.h. */
#include "fd_high.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "modbus_poll.h"

/* Room kept above the limit before anything moves there: with less, the
 * descriptors above would run out first. */
#define MIN_ROOM_ABOVE 64

int
pue_fd_move_high(int fd)
{
	struct rlimit rl;
	int high;

	if (fd >= PUE_MODBUS_FD_LIMIT || getrlimit(RLIMIT_NOFILE, &rl) < 0 ||
	    rl.rlim_cur <= PUE_MODBUS_FD_LIMIT + MIN_ROOM_ABOVE)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, PUE_MODBUS_FD_LIMIT);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}
