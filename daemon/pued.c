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

#include <systemd/sd-daemon.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "loop.h"
#include "service.h"

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
		     "  -h, --help              this text\n");
}

/* Reports every problem of path, as bare compiler-style lines on stderr
 * (to_stderr) or through the log; returns the exit status. */
static int
check_config(const char *path, struct pue_config **out, bool to_stderr)
{
	struct pue_diags diags = {0};
	int rc = pue_config_load(path, out, &diags);
	size_t i;

	for (i = 0; i < diags.n; i++) {
		if (to_stderr)
			fprintf(stderr, "%s\n", diags.lines[i]);
		else
			pue_log(LOG_ERR, "%s", diags.lines[i]);
	}
	if (rc < 0 && diags.n == 0) {
		if (to_stderr)
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		else
			pue_log(LOG_ERR, "%s: %s", path, strerror(-rc));
	}
	pue_diags_free(&diags);
	return rc < 0 ? 1 : 0;
}

struct daemon_ctx {
	struct pue_loop *loop;
	struct pue_service *service;
	int sfd;
};

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
			pue_loop_stop(d->loop);
			break;
		case SIGHUP:
			pue_log(LOG_NOTICE, "pued: SIGHUP: reload is not supported yet; "
					    "restart pued to apply a new configuration");
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

static void notify_status(void *arg);

struct status_timer {
	struct daemon_ctx *d;
	const struct pue_clock *clock;
};

static void
notify_status(void *arg)
{
	struct status_timer *st = arg;
	char line[512];

	pue_service_summary(st->d->service, line, sizeof(line));
	sd_notifyf(0, "STATUS=%s", line);
	pue_loop_add_timer(st->d->loop,
			   pue_mono_add_ms(pue_clock_mono(st->clock),
					   (int64_t)(STATUS_PERIOD_MS * pue_clock_rate(st->clock))),
			   notify_status, st);
}

static int
run(const struct pue_config *cfg)
{
	struct daemon_ctx d = {.sfd = -1};
	struct pue_clock *clock = NULL;
	struct status_timer st;
	struct pue_err err = {0};
	sigset_t mask;
	int rc = 1;

	clock = pue_clock_new_from_env(&err);
	if (clock == NULL) {
		pue_log(LOG_ERR, "pued: %s", err.msg);
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d.sfd < 0) {
		pue_log_errno(LOG_ERR, "pued: signalfd");
		goto out;
	}
	d.service = pue_service_new(cfg, clock, &err);
	if (d.service == NULL) {
		pue_log(LOG_ERR, "pued: %s", err.msg);
		goto out;
	}
	d.loop = pue_service_loop(d.service);
	if (pue_loop_add_fd(d.loop, d.sfd, EPOLLIN, on_signal, &d) < 0) {
		pue_log_errno(LOG_ERR, "pued: watching signals");
		goto out;
	}
	pue_log(LOG_INFO, "pued: started for site \"%s\": %zu devices, database %s, socket %s",
		cfg->site, cfg->n_devices, cfg->storage.path, cfg->control.socket);
	st = (struct status_timer){&d, clock};
	notify_status(&st);
	sd_notify(0, "READY=1");
	if (pue_loop_run(d.loop) < 0)
		pue_log_errno(LOG_ERR, "pued: main loop");
	else
		rc = 0;
	sd_notify(0, "STOPPING=1");
out:
	pue_service_free(d.service);
	if (d.sfd >= 0)
		close(d.sfd);
	pue_clock_free(clock);
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
		{NULL, 0, NULL, 0},
	};
	const char *config_path = DEFAULT_CONFIG, *check_path = NULL;
	struct pue_config *cfg = NULL;
	bool foreground = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:fdh", opts, NULL)) != -1) {
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
	if (check_config(config_path, &cfg, false) != 0)
		return 1;
	raise_fd_limit();
	rc = run(cfg);
	pue_config_free(cfg);
	pue_log_close();
	return rc;
}
