/* SPDX-License-Identifier: MIT */
/* notify.c - the sd_notify(3) protocol; see notify.h. */
#include "util/notify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
pue_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len, n = strlen(state);
	socklen_t alen;
	ssize_t sent;
	int fd, e;

	if (path == NULL || path[0] == '\0')
		return 0;
	if (path[0] != '/' && path[0] != '@')
		return -EAFNOSUPPORT; /* vsock:CID:PORT, or nothing we know */
	len = strlen(path);
	if (len >= sizeof(sun.sun_path) || len < 2)
		return -EINVAL;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@') /* abstract: a NUL first, and no NUL at the end */
		sun.sun_path[0] = '\0';
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	do
		sent = sendto(fd, state, n, MSG_NOSIGNAL, (struct sockaddr *)&sun, alen);
	while (sent < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (sent < 0)
		return -e;
	return (size_t)sent == n ? 1 : -EMSGSIZE;
}

int
pue_notify_format(const char *fmt, ...)
{
	char state[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(state, sizeof(state), fmt, ap);
	va_end(ap);
	return pue_notify(state);
}

/* A decimal number without sign or junk, as systemd writes them. */
static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	uintmax_t v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT64_MAX)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int
pue_notify_watchdog_usec(uint64_t *usec)
{
	const char *pid = getenv("WATCHDOG_PID");
	uint64_t u, p;

	if (parse_u64(getenv("WATCHDOG_USEC"), &u) < 0 || u == 0)
		return 0;
	/* Set for another process (pued's parent, say): not ours. */
	if (pid != NULL && (parse_u64(pid, &p) < 0 || p != (uint64_t)getpid()))
		return 0;
	*usec = u;
	return 1;
}
