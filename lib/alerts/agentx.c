/* SPDX-License-Identifier: MIT */
/*
 * agentx.c - the pued side of the AgentX helper: starting it, feeding it,
 * watching it; see agentx.h. The helper is daemon/pued_agentx.c.
 */
#include "alerts/agentx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"
#include "util/child.h"
#include "util/timer.h"

extern char **environ;

#define HELPER_FD 3 /* the socket's number in the helper */
#define MIN_RESTART_MS 5000
#define MAX_RESTART_MS (60 * 1000)

enum master { MASTER_UNKNOWN, MASTER_CONNECTED, MASTER_DISCONNECTED };

struct pue_agentx {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	char path[PATH_MAX];
	pid_t pid; /* 0: not running */
	int pidfd, sock;
	enum master master;
	unsigned restarts, failures;
	struct pue_timer restart; /* starts the helper again after it exited */
	bool watch_failed;	  /* the socket's events could not be changed */
	uint8_t *out;		  /* the frame being sent */
	size_t n_out, off_out;
	uint64_t skipped; /* frames not sent: the helper had not taken the last */
};

static void on_restart(void *arg);

/* pued-agentx next to pued's own executable: build/, or the directory it
 * is installed in. */
static int
helper_path(char *buf, size_t len, struct pue_err *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return pue_err_set(err, -errno, "agentx: /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return pue_err_set(err, -ENOENT, "agentx: cannot tell where pued is");
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", self, PUE_AGENTX_HELPER) >= len)
		return pue_err_set(err, -ENAMETOOLONG, "agentx: path too long");
	if (access(buf, X_OK) < 0)
		return pue_err_set(err, -errno, "agentx: %s: %s (installed with pued?)", buf,
				   strerror(errno));
	return 0;
}

static void
stop_helper(struct pue_agentx *a, bool wait_for_it)
{
	struct pollfd p;

	if (a->sock >= 0) {
		pue_loop_del_fd(a->loop, a->sock);
		close(a->sock);
		a->sock = -1;
	}
	free(a->out);
	a->out = NULL;
	a->n_out = a->off_out = 0;
	if (a->pid == 0)
		return;
	pue_loop_del_fd(a->loop, a->pidfd);
	if (wait_for_it) {
		/* It closes its AgentX session and exits once it sees the
		 * socket closed; a helper stuck on a hung master is killed. */
		p = (struct pollfd){.fd = a->pidfd, .events = POLLIN};
		if (poll(&p, 1, PUE_AGENTX_STOP_MS) <= 0)
			kill(a->pid, SIGKILL);
	}
	while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(a->pidfd);
	a->pidfd = -1;
	a->pid = 0;
	a->master = MASTER_UNKNOWN;
}

static void
schedule_restart(struct pue_agentx *a)
{
	int64_t ms = MIN_RESTART_MS;
	unsigned i;

	for (i = 1; i < a->failures && ms < MAX_RESTART_MS; i++)
		ms *= 2;
	if (ms > MAX_RESTART_MS)
		ms = MAX_RESTART_MS;
	pue_log(LOG_WARNING, "agentx: starting %s again in %lld s", a->path, (long long)ms / 1000);
	/* a failure is logged, and retried by pue_agentx_rearm() */
	pue_timer_arm(&a->restart, pue_mono_add_ms(pue_clock_mono(a->clock), ms));
}

/* Which events of the helper's socket to wait for. A failure (epoll out
 * of memory) is logged once; the caller says how it copes. */
static int
watch(struct pue_agentx *a, uint32_t events)
{
	int rc = pue_loop_mod_fd(a->loop, a->sock, events);

	if (rc < 0 && !a->watch_failed)
		pue_log(LOG_ERR, "agentx: cannot watch the socket to %s: %s", a->path,
			strerror(-rc));
	else if (rc == 0 && a->watch_failed)
		pue_log(LOG_NOTICE, "agentx: the socket to %s is watched again", a->path);
	a->watch_failed = rc < 0;
	return rc;
}

static void
on_exit_seen(void *arg, int fd, uint32_t events)
{
	struct pue_agentx *a = arg;
	siginfo_t si = {0};

	(void)events;
	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	if (si.si_code == CLD_EXITED)
		pue_log(LOG_ERR, "agentx: %s exited with status %d", a->path, si.si_status);
	else
		pue_log(LOG_ERR, "agentx: %s died of signal %d", a->path, si.si_status);
	pue_loop_del_fd(a->loop, a->pidfd);
	close(a->pidfd);
	a->pidfd = -1;
	a->pid = 0; /* reaped */
	a->master = MASTER_UNKNOWN;
	stop_helper(a, false);
	a->failures++;
	schedule_restart(a);
}

static void
flush_out(struct pue_agentx *a)
{
	while (a->off_out < a->n_out) {
		ssize_t n = send(a->sock, a->out + a->off_out, a->n_out - a->off_out,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			/* failing, the next publish tries the rest again */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				watch(a, EPOLLIN | EPOLLOUT);
			/* other errors: the helper is gone, its pidfd says so */
			return;
		}
		a->off_out += (size_t)n;
	}
	free(a->out);
	a->out = NULL;
	a->n_out = a->off_out = 0;
	watch(a, EPOLLIN); /* failing, EPOLLOUT stays on and this runs again */
}

static void
on_socket(void *arg, int fd, uint32_t events)
{
	struct pue_agentx *a = arg;
	char state[64];
	ssize_t n, i;

	if (events & EPOLLOUT)
		flush_out(a);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = recv(fd, state, sizeof(state), MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			pue_loop_del_fd(a->loop, fd); /* closed: its pidfd tells the rest */
		return;
	}
	/* One byte per change: '1' connected to the master, '0' not. */
	for (i = 0; i < n; i++) {
		enum master m = state[i] == '1' ? MASTER_CONNECTED : MASTER_DISCONNECTED;
		const char *sock = a->cfg->alerts.agentx_socket;

		if (m == a->master)
			continue;
		if (m == MASTER_CONNECTED) {
			pue_log(LOG_INFO, "agentx: serving PUED-MIB through the master agent at %s",
				sock ? sock : "net-snmp's default socket");
			a->failures = 0;
		} else if (a->master == MASTER_CONNECTED)
			pue_log(LOG_WARNING,
				"agentx: lost the master agent at %s; trying again every few "
				"seconds",
				sock ? sock : "net-snmp's default socket");
		/* else never connected: the helper logs why, once per reason */
		a->master = m;
	}
}

static int
start_helper(struct pue_agentx *a, struct pue_err *err)
{
	const struct pue_alerts_conf *ac = &a->cfg->alerts;
	char *argv[10], fd_text[16];
	int sv[2], rc, n = 0, fl;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return pue_err_set(err, -errno, "agentx: socketpair: %s", strerror(errno));
	snprintf(fd_text, sizeof(fd_text), "%d", HELPER_FD);
	argv[n++] = a->path;
	argv[n++] = "--fd";
	argv[n++] = fd_text;
	argv[n++] = "--prefix";
	argv[n++] = ac->enterprise_oid;
	if (ac->agentx_socket != NULL) {
		argv[n++] = "--socket";
		argv[n++] = ac->agentx_socket;
	}
	if (pue_log_get_level() >= LOG_DEBUG)
		argv[n++] = "-d";
	argv[n] = NULL;
	/* sv[1] itself is far above 3, and close-on-exec. */
	rc = pue_child_spawn(&a->pid, a->path, argv, environ,
			     &(struct pue_child_opts){.pass_fd = sv[1], .pass_as = HELPER_FD});
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		a->pid = 0;
		return pue_err_set(err, -rc, "agentx: cannot start %s: %s", a->path, strerror(rc));
	}
	a->sock = sv[0];
	rc = 0;
	if ((fl = fcntl(a->sock, F_GETFL)) < 0 || fcntl(a->sock, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    (a->pidfd = pidfd_open(a->pid, 0)) < 0)
		rc = -errno;
	else if ((rc = pue_loop_add_fd(a->loop, a->pidfd, EPOLLIN, on_exit_seen, a)) == 0)
		rc = pue_loop_add_fd(a->loop, a->sock, EPOLLIN, on_socket, a);
	if (rc < 0) {
		pue_err_set(err, rc, "agentx: watching %s: %s", a->path, strerror(-rc));
		kill(a->pid, SIGKILL);
		if (a->pidfd < 0) { /* nothing to wait with but the pid */
			while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
				;
			a->pid = 0;
		}
		stop_helper(a, false);
		return rc;
	}
	a->restarts++;
	return 0;
}

static void
on_restart(void *arg)
{
	struct pue_agentx *a = arg;
	struct pue_err err;

	if (start_helper(a, &err) < 0) {
		pue_log(LOG_ERR, "%s", err.msg);
		a->failures++;
		schedule_restart(a);
	}
}

struct pue_agentx *
pue_agentx_new(const struct pue_config *cfg, struct pue_loop *loop, const struct pue_clock *clock,
	       struct pue_err *err)
{
	struct pue_agentx *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		pue_err_set(err, -ENOMEM, "agentx: out of memory");
		return NULL;
	}
	a->cfg = cfg;
	a->loop = loop;
	a->clock = clock;
	a->pidfd = a->sock = -1;
	pue_timer_init(&a->restart, loop, false, on_restart, a, "agentx: the helper's restart");
	if (helper_path(a->path, sizeof(a->path), err) < 0 || start_helper(a, err) < 0) {
		pue_agentx_free(a);
		return NULL;
	}
	return a;
}

void
pue_agentx_publish(struct pue_agentx *a, const struct pue_mib_values *vs)
{
	uint8_t *payload;
	size_t len;
	uint32_t n;

	if (a->sock < 0)
		return;
	if (a->out != NULL) {
		if (a->watch_failed) /* no EPOLLOUT to wait for: try now */
			flush_out(a);
		a->skipped++; /* the helper has not taken the last set yet */
		return;
	}
	if (pue_alert_mib_values_encode(vs, &payload, &len) < 0 ||
	    (a->out = malloc(len + 4)) == NULL) {
		free(payload);
		return;
	}
	n = (uint32_t)len;
	memcpy(a->out, &n, 4);
	memcpy(a->out + 4, payload, len);
	free(payload);
	a->n_out = len + 4;
	a->off_out = 0;
	flush_out(a);
}

json_t *
pue_agentx_json(const struct pue_agentx *a)
{
	static const char *const masters[] = {"unknown", "connected", "not connected"};
	const char *sock = a->cfg->alerts.agentx_socket;

	return json_pack("{s:s, s:I, s:s, s:s, s:I, s:I}", "helper",
			 a->pid != 0 ? "running" : "restarting", "pid", (json_int_t)a->pid,
			 "master", masters[a->master], "socket", sock ? sock : "/var/agentx/master",
			 "starts", (json_int_t)a->restarts, "frames_skipped",
			 (json_int_t)a->skipped);
}

size_t
pue_agentx_rearm(struct pue_agentx *a)
{
	return a != NULL && pue_timer_retry(&a->restart);
}

void
pue_agentx_free(struct pue_agentx *a)
{
	if (a == NULL)
		return;
	pue_timer_cancel(&a->restart);
	stop_helper(a, true);
	free(a);
}
