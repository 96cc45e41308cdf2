/* SPDX-License-Identifier: MIT */
/* ctl_client.c - one request, one reply; see ctl_client.h. */
#include "control/ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control/control.h"

/* Replies can be large (a status with thousands of devices); cap them so a
 * confused peer cannot make puectl eat memory. */
#define MAX_REPLY (64u << 20)

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line (the reply) into a malloc'd string, by deadline (ms,
 * now_ms()'s clock). */
static char *
read_line(int fd, int64_t deadline, int timeout_ms, const char *path, struct pue_err *err)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *grown;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)(deadline - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) == 0) {
			pue_err_set(err, -ETIMEDOUT, "%s: no reply within %d ms", path, timeout_ms);
			break;
		}
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > MAX_REPLY || (grown = realloc(buf, cap)) == NULL) {
				pue_err_set(err, -EMSGSIZE, "%s: reply too large", path);
				break;
			}
			buf = grown;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pue_err_set(err, -EPIPE, "%s: pued closed the connection without a reply",
				    path);
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (memchr(buf, '\n', len) != NULL)
			return buf;
	}
	free(buf);
	return NULL;
}

json_t *
pue_ctl_client_request(const char *socket_path, const char *cmd, json_t *extra, int timeout_ms,
		       struct pue_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int64_t deadline = now_ms() + timeout_ms;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000};
	json_t *req = NULL, *reply = NULL, *result = NULL;
	json_error_t jerr;
	char *text = NULL, *line = NULL;
	int fd = -1;

	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		pue_err_set(err, -ENAMETOOLONG, "%s: socket path too long", socket_path);
		return NULL;
	}
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* A connect() waits while the socket's backlog is full (a pued that
	 * has stopped accepting): the send timeout bounds that wait on
	 * Linux (EAGAIN), and the request's sending. */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EAGAIN || errno == EINPROGRESS)
			pue_err_set(err, -ETIMEDOUT,
				    "cannot reach pued at %s: no connection accepted within %d ms",
				    socket_path, timeout_ms);
		else
			pue_err_set(err, -errno, "cannot reach pued at %s: %s", socket_path,
				    strerror(errno));
		goto out;
	}
	req = json_pack("{s:i, s:s}", "v", PUE_CTL_VERSION, "cmd", cmd);
	if (req == NULL || (extra != NULL && json_object_update(req, extra) < 0) ||
	    (text = json_dumps(req, JSON_COMPACT)) == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (send_all(fd, text, strlen(text)) < 0 || send_all(fd, "\n", 1) < 0) {
		pue_err_set(err, -errno, "%s: sending: %s", socket_path, strerror(errno));
		goto out;
	}
	if ((line = read_line(fd, deadline, timeout_ms, socket_path, err)) == NULL)
		goto out;
	reply = json_loads(line, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!json_is_object(reply)) {
		pue_err_set(err, PUE_E_PROTO, "%s: malformed reply: %s", socket_path, jerr.text);
		goto out;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		const char *msg = json_string_value(json_object_get(reply, "error"));

		pue_err_set(err, PUE_E_PROTO, "pued: %s", msg ? msg : "request failed");
		goto out;
	}
	result = json_incref(json_object_get(reply, "result"));
	if (result == NULL)
		pue_err_set(err, PUE_E_PROTO, "%s: reply without a result", socket_path);
out:
	if (fd >= 0)
		close(fd);
	json_decref(req);
	json_decref(reply);
	free(text);
	free(line);
	return result;
}
