/* SPDX-License-Identifier: MIT */
/*
 * pued.c - the daemon's main(): arguments, configuration, logging, signals
 * and systemd notification. Everything else lives in libpue (lib/), started
 * and stopped by pue_service_new() / pue_service_free().
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/heap.h"
#include "config/config.h"
#include "config/config_reader.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/notify.h"
#include "service/service.h"
#include "store/store_sqlite.h"
#include "util/version.h"

#define DEFAULT_CONFIG "/etc/pued/pued.yaml"
#define STATUS_PERIOD_MS 10000

static void
usage(FILE *out)
{
	fprintf(out, "usage: pued [-f] [-d] [-c FILE]\n"
		     "       pued --check-config FILE\n"
		     "  -c, --config FILE       configuration (default " DEFAULT_CONFIG ")\n"
		     "  -f, --foreground        stay in the foreground, log to stderr\n"
		     "  -d, --debug             log debug messages too\n"
		     "      --check-config FILE check FILE, print every error, exit 0 or 1\n"
		     "  -V, --version           print \"pued VERSION\"\n"
		     "  -h, --help              this text\n");
}

/* Writes the lines to stderr. stderr is unbuffered, and a file with
 * 700,000 mistakes would cost as many writes: they go through a buffered
 * stream on a copy of the descriptor. */
static void
print_lines(char *const *lines, size_t n)
{
	int fd = n > 1 ? dup(STDERR_FILENO) : -1;
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	size_t i;

	if (out == NULL && fd >= 0)
		close(fd);
	for (i = 0; i < n; i++)
		fprintf(out != NULL ? out : stderr, "%s\n", lines[i]);
	if (out != NULL)
		fclose(out);
}

/* Logs a warning for each exec target whose program cannot be run. A
 * hook may be installed after pued (configuration management runs its
 * steps in its own order), so pued starts or reloads all the same; its
 * alerts fail, each logged, until the program is there. Returns how many. */
static int
warn_programs(const struct pue_config *cfg)
{
	struct pue_diags diags = {0};
	int n = pue_config_check_programs(cfg, &diags);
	size_t i;

	if (n < 0)
		pue_log(LOG_WARNING, "config: cannot check the exec targets' programs: %s",
			strerror(-n));
	for (i = 0; i < diags.n; i++)
		pue_log(LOG_WARNING, "config: %s (alerts sent to it fail until it is there)",
			diags.lines[i]);
	pue_config_diags_free(&diags);
	return n;
}

/* Reports every problem of path, as bare compiler-style lines on stderr
 * (--check-config, for which a missing exec program is an error too) or
 * through the log (pued starting: a warning only); returns the exit
 * status. --check-config runs outside pued's unit, where the credentials
 * it will be given are not: it says which ones it could not read, on
 * stderr with the errors, and they are no error. */
static int
check_config(const char *path, struct pue_config **out, bool checking)
{
	struct pue_diags diags = {0}, notes = {0};
	int rc = pue_config_load_for(path, checking ? PUE_CONFIG_FOR_CHECK : PUE_CONFIG_FOR_DAEMON,
				     out, &diags, &notes);
	size_t i;

	if (rc == 0 && checking) {
		rc = pue_config_check_programs(*out, &diags);
		if (rc != 0) {
			pue_config_free(*out);
			*out = NULL;
			rc = rc < 0 ? rc : PUE_E_CONFIG;
		}
	} else if (rc == 0)
		warn_programs(*out);
	if (checking) {
		print_lines(diags.lines, diags.n);
		print_lines(notes.lines, notes.n);
	} else
		for (i = 0; i < diags.n; i++)
			pue_log(LOG_ERR, "%s", diags.lines[i]);
	if (rc < 0 && diags.n == 0) {
		if (checking)
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		else
			pue_log(LOG_ERR, "%s: %s", path, strerror(-rc));
	}
	pue_config_diags_free(&diags);
	pue_config_diags_free(&notes);
	return rc < 0 ? 1 : 0;
}

struct daemon_ctx {
	const char *config_path;
	struct pue_config *cfg; /* the running configuration */
	struct pue_clock *clock;
	struct pue_loop *loop;
	struct pue_service *service;
	struct pue_config_reader *reader; /* a reload's file, read off the loop */
	struct pue_config *next;	  /* read and good: swapped in by run() */
	int64_t next_took_ms;		  /* how long reading it took */
	bool next_again;		  /* a reload was asked for while it was read */
	int sfd;
	bool stop;
	uint64_t watchdog_usec; /* 0: no watchdog */
	uint64_t last_ticks, last_polls;
	pue_mono_t last_poll_progress, last_tick_progress;
	bool starving; /* the watchdog is not being fed */
	/* The real-time timers below could not be armed (no memory): each
	 * re-arms the other, and both ask the service to re-arm its own
	 * (service.h). With both down the watchdog starves and systemd
	 * restarts pued. */
	bool status_down, watchdog_down;
};

/* A wedged worker pool finishes no poll at all; a live one finishes one at
 * least every backoff cap (60 s). Past this without one, stop feeding the
 * watchdog and let systemd restart pued. */
#define POLL_PROGRESS_MS (5 * 60 * 1000)
/* The service's tick runs every second; five missed ones is a stall. Both
 * limits are in pued's clock, like the polls and ticks they judge. */
#define TICK_STALL_MS 5000

/* SIGHUP or "puectl reload": the file is read and checked on the
 * reader's thread while the loop goes on (config_reader.h); the swap comes
 * when it is done. A request during a read makes one more read after it. */
static void
request_reload(void *arg)
{
	struct daemon_ctx *d = arg;
	int rc = pue_config_reader_start(d->reader, d->config_path);

	if (rc == 0) {
		pue_notify("RELOADING=1");
		pue_log(LOG_INFO, "pued: reading %s for the reload", d->config_path);
	} else if (rc == 1)
		pue_log(LOG_INFO,
			"pued: a reload is under way; %s is read again once this one is done",
			d->config_path);
	else
		pue_log(LOG_ERR,
			"pued: cannot start the reload: %s; the running configuration "
			"stays",
			strerror(-rc));
}

/* The reader is done. A good configuration is swapped in by run(), outside
 * the loop, because the swap frees this very loop with the old service. */
static void
on_config_read(void *arg, int fd, uint32_t events)
{
	struct daemon_ctx *d = arg;
	struct pue_config *next = NULL;
	int64_t took_ms;
	bool again;

	(void)fd;
	(void)events;
	if (pue_config_reader_take(d->reader, &next, &took_ms, &again) == 0)
		return;
	if (next != NULL) {
		d->next = next;
		d->next_took_ms = took_ms;
		d->next_again = again;
		pue_loop_stop(d->loop);
		return;
	}
	pue_log(LOG_ERR,
		"pued: reload rejected: %s has errors (read in %.1f s); the running "
		"configuration stays",
		d->config_path, (double)took_ms / 1000);
	pue_notify("READY=1");
	if (again)
		request_reload(d);
}

static void
on_signal(void *arg, int fd, uint32_t events)
{
	struct daemon_ctx *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			pue_log(LOG_INFO, "pued: %s, stopping", strsignal((int)si.ssi_signo));
			d->stop = true;
			pue_loop_stop(d->loop);
			break;
		case SIGHUP:
			pue_log(LOG_INFO, "pued: SIGHUP, reloading %s", d->config_path);
			request_reload(d);
			break;
		}
	}
}

/* libmodbus needs descriptors below 1024; everything else may live above.
 * Raising the soft limit to the hard one leaves room for both. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void feed_watchdog(void *arg);

/* Arms a real-time timer of the daemon's; a failure is logged when it
 * starts and when it ends, and noted in *down for the other timer. */
static void
arm_real(struct daemon_ctx *d, int64_t ms, pue_timer_cb cb, bool *down, const char *what)
{
	bool ok =
		pue_loop_add_real_timer(d->loop, pue_mono_add_ms(pue_clock_real(), ms), cb, d) > 0;

	if (!ok && !*down)
		pue_log(LOG_ERR, "pued: cannot arm the %s timer: %s; retrying", what,
			strerror(ENOMEM));
	else if (ok && *down)
		pue_log(LOG_NOTICE, "pued: the %s timer runs again", what);
	*down = !ok;
}

static void
notify_status(void *arg)
{
	struct daemon_ctx *d = arg;
	char line[512];

	pue_service_summary(d->service, line, sizeof(line));
	pue_notify_format("STATUS=%s", line);
	pue_service_rearm(d->service);
	if (d->watchdog_down)
		arm_real(d, 0, feed_watchdog, &d->watchdog_down, "watchdog");
	/* systemd reads it in real time, whatever clock pued runs on */
	arm_real(d, STATUS_PERIOD_MS, notify_status, &d->status_down, "status");
}

/* WATCHDOG=1 at half of WatchdogSec, only while the loop makes progress:
 * its 1 s tick ran since the last ping, and polls keep finishing. */
static void
feed_watchdog(void *arg)
{
	struct daemon_ctx *d = arg;
	pue_mono_t now = pue_clock_mono(d->clock);
	uint64_t ticks, polls;

	pue_service_progress(d->service, &ticks, &polls);
	if (polls != d->last_polls || d->cfg->n_devices == 0)
		d->last_poll_progress = now;
	if (ticks != d->last_ticks)
		d->last_tick_progress = now;
	/* The tick runs each second; this check may run more often. */
	if (pue_mono_diff_ms(now, d->last_tick_progress) < TICK_STALL_MS &&
	    pue_mono_diff_ms(now, d->last_poll_progress) < POLL_PROGRESS_MS) {
		pue_notify("WATCHDOG=1");
		if (d->starving)
			pue_log(LOG_NOTICE, "pued: polls finish again; feeding the watchdog");
		d->starving = false;
	} else if (!d->starving) {
		pue_log(LOG_ERR, "pued: %s; not feeding the watchdog",
			pue_mono_diff_ms(now, d->last_tick_progress) >= TICK_STALL_MS
				? "the main loop's 1 s tick has not run for 5 s"
				: "no poll has finished for 300 s");
		d->starving = true;
	}
	d->last_ticks = ticks;
	d->last_polls = polls;
	pue_service_rearm(d->service);
	if (d->status_down)
		arm_real(d, 0, notify_status, &d->status_down, "status");
	arm_real(d, (int64_t)(d->watchdog_usec / 2000), feed_watchdog, &d->watchdog_down,
		 "watchdog");
}

/* Hooks the daemon's own descriptors and timers into the service's loop. */
static int
attach(struct daemon_ctx *d)
{
	d->loop = pue_service_loop(d->service);
	pue_service_set_reload_cb(d->service, request_reload, d);
	if (pue_loop_add_fd(d->loop, d->sfd, EPOLLIN, on_signal, d) < 0) {
		pue_log_errno(LOG_ERR, "pued: watching signals");
		return -1;
	}
	if (pue_loop_add_fd(d->loop, pue_config_reader_fd(d->reader), EPOLLIN, on_config_read, d) <
	    0) {
		pue_log_errno(LOG_ERR, "pued: watching the configuration reader");
		return -1;
	}
	pue_service_progress(d->service, &d->last_ticks, &d->last_polls);
	d->last_poll_progress = d->last_tick_progress = pue_clock_mono(d->clock);
	d->status_down = d->watchdog_down = false;
	notify_status(d);
	if (d->watchdog_usec > 0)
		arm_real(d, (int64_t)(d->watchdog_usec / 2000), feed_watchdog, &d->watchdog_down,
			 "watchdog");
	/* at the start, nothing else would arm them again */
	return d->status_down || d->watchdog_down ? -1 : 0;
}

/* The second half of a reload, once the reader has a good configuration
 * (d->next): a new service is built next to the running one and replaces
 * it only if it starts; otherwise the old one goes on untouched. The
 * control socket is handed over, never closed, so no client finds it
 * missing. Returns -1 only when the daemon cannot go on. */
static int
reload(struct daemon_ctx *d)
{
	struct pue_config *next = d->next;
	struct pue_service *s;
	struct pue_err err = {0};
	size_t kept;

	d->next = NULL;
	if ((s = pue_service_new(next, d->clock, d->service, &err)) == NULL) {
		pue_log(LOG_ERR, "pued: reload failed: %s; the running configuration stays",
			err.msg);
		pue_config_free(next);
		pue_notify("READY=1");
		return 0;
	}
	kept = pue_service_take_over(s, d->service); /* frees the old service */
	d->service = s;
	pue_config_free(d->cfg);
	d->cfg = next;
	pue_log(LOG_NOTICE,
		"pued: reloaded %s (read in %.1f s): %zu devices; %zu points kept their state",
		d->config_path, (double)d->next_took_ms / 1000, d->cfg->n_devices, kept);
	warn_programs(d->cfg);
	if (attach(d) < 0)
		return -1;
	pue_heap_release(); /* the old configuration's and service's pages */
	pue_notify("READY=1");
	return 0;
}

static int
run(struct daemon_ctx *d)
{
	struct pue_err err = {0};
	sigset_t mask;
	int rc = 1;

	d->clock = pue_clock_new_from_env(&err);
	if (d->clock == NULL) {
		pue_log(LOG_ERR, "pued: %s", err.msg);
		return 1;
	}
	/* A step of the wall clock never reaches the data (clock.h). */
	pue_clock_absorb_steps(d->clock);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sfd < 0) {
		pue_log_errno(LOG_ERR, "pued: signalfd");
		goto out;
	}
	if (pue_notify_watchdog_usec(&d->watchdog_usec) <= 0)
		d->watchdog_usec = 0;
	if ((d->reader = pue_config_reader_new(&err)) == NULL) {
		pue_log(LOG_ERR, "pued: %s", err.msg);
		goto out;
	}
	d->service = pue_service_new(d->cfg, d->clock, NULL, &err);
	if (d->service == NULL) {
		pue_log(LOG_ERR, "pued: %s", err.msg);
		goto out;
	}
	if (attach(d) < 0)
		goto out;
	pue_heap_release(); /* the YAML tree's and the start's pages */
	pue_log(LOG_INFO, "pued: started for site \"%s\": %zu devices, database %s, socket %s",
		d->cfg->site, d->cfg->n_devices, d->cfg->storage.path, d->cfg->control.socket);
	pue_notify("READY=1");
	for (;;) {
		if (pue_loop_run(d->loop) < 0) {
			pue_log_errno(LOG_ERR, "pued: main loop");
			goto out;
		}
		if (d->stop || d->next == NULL)
			break;
		if (reload(d) < 0)
			goto out;
		if (d->next_again)
			request_reload(d);
	}
	rc = 0;
out:
	pue_notify("STOPPING=1");
	pue_service_free(d->service);
	pue_config_reader_free(d->reader); /* a read in progress ends first */
	pue_config_free(d->next);
	if (d->sfd >= 0)
		close(d->sfd);
	pue_clock_free(d->clock);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"foreground", no_argument, NULL, 'f'},
		{"debug", no_argument, NULL, 'd'},
		{"check-config", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = DEFAULT_CONFIG, *check_path = NULL;
	struct pue_config *cfg = NULL;
	struct daemon_ctx d = {.sfd = -1};
	bool foreground = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:fdhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'd':
			pue_log_set_level(LOG_DEBUG);
			break;
		case 'C':
			check_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pued %s\n", pue_version());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check_path != NULL) {
		rc = check_config(check_path, &cfg, true);
		if (rc == 0)
			printf("%s: configuration OK (%zu devices)\n", check_path, cfg->n_devices);
		pue_config_free(cfg);
		return rc;
	}
	/* pued never forks: under systemd it is Type=notify, by hand it runs
	 * where it was started. Without -f and outside the journal it logs
	 * to syslog. */
	pue_log_open("pued", foreground || isatty(STDERR_FILENO));
	pue_heap_one_arena();
	(void)pue_store_sqlite_setup(); /* before SQLite's first use */
	if (check_config(config_path, &cfg, false) != 0)
		return 1;
	raise_fd_limit();
	d.config_path = config_path;
	d.cfg = cfg;
	rc = run(&d);
	pue_config_free(d.cfg);
	pue_log_close();
	return rc;
}
