/* SPDX-License-Identifier: MIT */
/* fd_policy.c - keeping low descriptors for libmodbus; see fd_policy.h. */
#include "util/fd_policy.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int
pue_fd_policy_move_high(int fd)
{
	struct rlimit rl;
	int high;

	/* Some room above the line, or the move would only trade a low
	 * descriptor for the last few the process may open. */
	if (fd >= PUE_MODBUS_FD_LIMIT || getrlimit(RLIMIT_NOFILE, &rl) < 0 ||
	    rl.rlim_cur <= PUE_MODBUS_FD_LIMIT + 64)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, PUE_MODBUS_FD_LIMIT);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}
