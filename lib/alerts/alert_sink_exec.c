/* SPDX-License-Identifier: MIT */
/*
 * alert_sink_exec.c - exec targets: a program run for each notification.
 *
 *   - name: hook
 *     type: exec
 *     command: [/usr/local/bin/page-oncall, --pue]
 *
 * The program is started with posix_spawn() (child.h; execve: argv as
 * written, no shell, no PATH search), in its own process group, with stdin
 * on /dev/null, a default signal mask and dispositions, and an environment
 * of PATH and the PUED_ALERT_* variables only. It is watched through a
 * pidfd in the loop's epoll and reaped with waitid() when it exits; no
 * SIGCHLD handler, no blocking wait. A program still running after
 * alerts.exec_timeout gets SIGTERM, and SIGKILL a second later. At most
 * MAX_RUNNING run at once per target; more wait in a bounded backlog whose
 * oldest entries are dropped (and counted) when it is full.
 */
#include "alerts/alert_sink_exec.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/duration.h"
#include "core/figure.h"
#include "util/log.h"
#include "util/child.h"
#include "util/timer.h"

#define MAX_RUNNING 4
#define MAX_BACKLOG 64
#define KILL_GRACE_MS 1000
#define REAP_POLL_MS 100 /* only where pidfd_open() is missing */
#define N_ENV 20

struct hook {
	struct pue_alert_sink_exec *k;
	pid_t pid;		/* 0: free slot */
	int pidfd;		/* -1: reaped by polling */
	struct pue_timer timer; /* its time limit, then the grace before SIGKILL */
	bool terminated;	/* SIGTERM sent */
	uint32_t incident;
	pue_mono_t started;
};

struct pue_alert_sink_exec {
	struct pue_alert_target tg;
	struct hook running[MAX_RUNNING];
	struct pue_notification backlog[MAX_BACKLOG]; /* a ring */
	size_t head, n_backlog;
	struct pue_timer poll; /* reaps by polling, where pidfds are missing */
};

static void start_next(struct pue_alert_sink_exec *k);

/* Environment ----------------------------------------------------------- */

struct env {
	char *vars[N_ENV + 1];
	size_t n;
};

static void put(struct env *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
put(struct env *e, const char *name, const char *fmt, ...)
{
	char value[512];
	va_list ap;

	if (e->n == N_ENV)
		return;
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (asprintf(&e->vars[e->n], "%s=%s", name, value) >= 0)
		e->n++;
}

static void
make_env(struct env *e, const struct pue_notification *n)
{
	char when[40];

	memset(e, 0, sizeof(*e));
	pue_duration_format_time((pue_wall_t){n->t_ms}, when, sizeof(when));
	put(e, "PATH", "%s", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	put(e, "PUED_ALERT_NUMBER", "%u", n->incident);
	put(e, "PUED_ALERT_KEY", "%s", n->key);
	put(e, "PUED_ALERT_RULE", "%s", pue_config_text_alert_rule_name(n->rule));
	put(e, "PUED_ALERT_SUBJECT", "%s", n->subject);
	put(e, "PUED_ALERT_STATE", "%s", n->resolved ? "resolved" : "firing");
	put(e, "PUED_ALERT_SEVERITY", "%s",
	    n->severity == PUE_SEV_CRITICAL  ? "critical"
	    : n->severity == PUE_SEV_WARNING ? "warning"
					     : "info");
	put(e, "PUED_ALERT_TIME", "%s", when);
	put(e, "PUED_ALERT_SITE", "%s", n->site);
	put(e, "PUED_ALERT_WINDOW", "%s", n->window);
	put(e, "PUED_ALERT_PUE", "%s", n->pue_text);
	if (n->has_pue)
		put(e, "PUED_ALERT_PUE_MILLI", "%lld", (long long)n->pue_milli);
	else
		put(e, "PUED_ALERT_PUE_MILLI", "%s", "");
	put(e, "PUED_ALERT_CEILING", "%.3f", (double)n->ceiling_milli / 1000.0);
	put(e, "PUED_ALERT_COVERAGE", "%.2f", pue_figure_coverage_shown(n->coverage, 1e4) * 100);
	put(e, "PUED_ALERT_CATEGORY", "%d", n->category);
	put(e, "PUED_ALERT_DEVICE", "%s", n->device);
	put(e, "PUED_ALERT_ERROR", "%s", n->error);
	if (n->year_ok) {
		put(e, "PUED_ALERT_YEAR_PROJECTED", "%.3f",
		    (double)n->year_projected_milli / 1000.0);
		put(e, "PUED_ALERT_YEAR_HEADROOM_KWH", "%lld", (long long)n->year_headroom_kwh);
	}
	put(e, "PUED_ALERT_MESSAGE", "%s", n->message);
}

static void
free_env(struct env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vars[i]);
}

/* Children -------------------------------------------------------------- */

static void
release(struct hook *h)
{
	struct pue_alert_sink_exec *k = h->k;

	if (h->pidfd >= 0) {
		pue_loop_del_fd(k->tg.ctx->loop, h->pidfd);
		close(h->pidfd);
	}
	pue_timer_cancel(&h->timer);
	h->pid = 0;
	h->pidfd = -1;
}

/* The child is gone: count it, free its slot, start the next. */
static void
finished(struct hook *h, int code, int status)
{
	struct pue_alert_sink_exec *k = h->k;
	double secs = (double)pue_mono_diff_ms(pue_clock_real(), h->started) / 1000.0;

	if (code == CLD_EXITED && status == 0) {
		k->tg.stats->sent++;
	} else {
		k->tg.stats->failed++;
		if (code == CLD_EXITED)
			pue_alert_target_error(k->tg.stats, k->tg.conf->name,
					       "%s exited with status %d (alert #%u)",
					       k->tg.conf->argv[0], status, h->incident);
		else if (h->terminated)
			pue_alert_target_error(k->tg.stats, k->tg.conf->name,
					       "%s killed after %.0f s, its time limit (alert #%u)",
					       k->tg.conf->argv[0], secs, h->incident);
		else
			pue_alert_target_error(k->tg.stats, k->tg.conf->name,
					       "%s died of signal %d (alert #%u)",
					       k->tg.conf->argv[0], status, h->incident);
	}
	release(h);
	start_next(k);
}

/* Reaps h if it has exited; true when it did. */
static bool
reap(struct hook *h)
{
	siginfo_t si = {0};
	int rc;

	if (h->pidfd >= 0)
		rc = waitid(P_PIDFD, (id_t)h->pidfd, &si, WEXITED | WNOHANG);
	else
		rc = waitid(P_PID, (id_t)h->pid, &si, WEXITED | WNOHANG);
	if (rc < 0 || si.si_pid == 0)
		return false;
	finished(h, si.si_code, si.si_status);
	return true;
}

static void
on_pidfd(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	reap(arg);
}

static void
on_timeout(void *arg)
{
	struct hook *h = arg;

	if (h->pid == 0)
		return;
	/* The whole process group: a script's children go with it. */
	kill(-h->pid, h->terminated ? SIGKILL : SIGTERM);
	if (!h->terminated) {
		h->terminated = true;
		pue_timer_arm(&h->timer, pue_mono_add_ms(pue_clock_real(), KILL_GRACE_MS));
	}
}

static void
on_poll(void *arg)
{
	struct pue_alert_sink_exec *k = arg;
	bool any = false;
	size_t i;

	for (i = 0; i < MAX_RUNNING; i++)
		if (k->running[i].pid != 0 && k->running[i].pidfd < 0 && !reap(&k->running[i]))
			any = true;
	if (any && !pue_timer_pending(&k->poll))
		pue_timer_arm(&k->poll, pue_mono_add_ms(pue_clock_real(), REAP_POLL_MS));
}

static int
spawn(struct pue_alert_sink_exec *k, struct hook *h, const struct pue_notification *n)
{
	struct env env;
	pid_t pid;
	int rc;

	make_env(&env, n);
	/* A group of its own, so that a timeout ends its children too. */
	rc = pue_child_spawn(&pid, k->tg.conf->argv[0], k->tg.conf->argv, env.vars,
			     &(struct pue_child_opts){.pass_fd = -1, .own_group = true});
	free_env(&env);
	if (rc != 0)
		return -rc;
	*h = (struct hook){.k = k, .pid = pid, .pidfd = -1, .incident = n->incident};
	h->started = pue_clock_real(); /* a hook runs in real time */
	pue_timer_init(&h->timer, k->tg.ctx->loop, true, on_timeout, h,
		       "alerts: target %.40s: the time limit of its program (alert #%u)",
		       k->tg.conf->name, n->incident);
	h->pidfd = pidfd_open(pid, 0); /* close-on-exec already */
	if (h->pidfd < 0 || pue_loop_add_fd(k->tg.ctx->loop, h->pidfd, EPOLLIN, on_pidfd, h) < 0) {
		/* Linux before 5.3: poll with waitid(WNOHANG) instead. */
		if (h->pidfd >= 0)
			close(h->pidfd);
		h->pidfd = -1;
		if (!pue_timer_pending(&k->poll))
			pue_timer_arm(&k->poll, pue_mono_add_ms(pue_clock_real(), REAP_POLL_MS));
	}
	/* Failures of either arm are logged, and retried by
	 * pue_alert_sink_exec_rearm(). */
	pue_timer_arm(&h->timer,
		      pue_mono_add_ms(h->started, k->tg.ctx->cfg->alerts.exec_timeout_ms));
	return 0;
}

static void
start_next(struct pue_alert_sink_exec *k)
{
	size_t i;
	int rc;

	while (k->n_backlog > 0) {
		for (i = 0; i < MAX_RUNNING && k->running[i].pid != 0; i++)
			;
		if (i == MAX_RUNNING)
			return;
		rc = spawn(k, &k->running[i], &k->backlog[k->head]);
		if (rc < 0) {
			k->tg.stats->failed++;
			pue_alert_target_error(k->tg.stats, k->tg.conf->name, "cannot run %s: %s",
					       k->tg.conf->argv[0], strerror(-rc));
		}
		k->head = (k->head + 1) % MAX_BACKLOG;
		k->n_backlog--;
		k->tg.stats->queued = k->n_backlog;
	}
}

struct pue_alert_sink_exec *
pue_alert_sink_exec_new(const struct pue_alert_target *tg, struct pue_err *err)
{
	struct pue_alert_sink_exec *k = calloc(1, sizeof(*k));
	size_t i;

	if (k == NULL) {
		pue_err_set(err, -ENOMEM, "alerts: out of memory");
		return NULL;
	}
	k->tg = *tg;
	for (i = 0; i < MAX_RUNNING; i++)
		k->running[i] = (struct hook){.k = k, .pidfd = -1};
	pue_timer_init(&k->poll, tg->ctx->loop, true, on_poll, k,
		       "alerts: target %.40s: the watch on its programs", tg->conf->name);
	return k;
}

void
pue_alert_sink_exec_send(struct pue_alert_sink_exec *k, const struct pue_notification *n)
{
	if (k->n_backlog == MAX_BACKLOG) {
		k->head = (k->head + 1) % MAX_BACKLOG; /* the oldest goes */
		k->n_backlog--;
		k->tg.stats->dropped++;
		pue_alert_target_error(
			k->tg.stats, k->tg.conf->name,
			"%d notifications wait for %d running programs; dropping the oldest",
			MAX_BACKLOG, MAX_RUNNING);
	}
	k->backlog[(k->head + k->n_backlog) % MAX_BACKLOG] = *n;
	k->n_backlog++;
	k->tg.stats->queued = k->n_backlog;
	start_next(k);
}

void
pue_alert_sink_exec_free(struct pue_alert_sink_exec *k)
{
	size_t i;

	if (k == NULL)
		return;
	/* Stopping or reloading ends the programs still running. */
	for (i = 0; i < MAX_RUNNING; i++) {
		struct hook *h = &k->running[i];

		if (h->pid == 0)
			continue;
		kill(-h->pid, SIGKILL);
		while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
			;
		pue_log(LOG_NOTICE, "alerts: target %s: %s (alert #%u) ended as pued stops",
			k->tg.conf->name, k->tg.conf->argv[0], h->incident);
		release(h);
	}
	pue_timer_cancel(&k->poll);
	free(k);
}

size_t
pue_alert_sink_exec_rearm(struct pue_alert_sink_exec *k)
{
	size_t i, n = pue_timer_retry(&k->poll);

	for (i = 0; i < MAX_RUNNING; i++)
		if (k->running[i].pid != 0)
			n += pue_timer_retry(&k->running[i].timer);
	return n;
}
