/* SPDX-License-Identifier: MIT */
/*
 * log.c - log sinks; see log.h. The sink and level are process-wide
 * settings chosen once at start-up (the one piece of global state in lib/,
 * because every thread must reach it and it never changes afterwards).
 */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static enum pue_log_sink log_sink = PUE_LOG_STDERR;
static int log_level = LOG_INFO;

static const char *const level_names[] = {"emerg",   "alert",  "crit", "err",
					  "warning", "notice", "info", "debug"};

/* systemd sets JOURNAL_STREAM=dev:inode for the stream it connected to our
 * stderr; matching it tells the journal apart from a redirected terminal. */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
pue_log_open(const char *ident, bool foreground)
{
	if (stderr_is_journal())
		log_sink = PUE_LOG_JOURNAL;
	else if (foreground)
		log_sink = PUE_LOG_STDERR;
	else {
		log_sink = PUE_LOG_SYSLOG;
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

void
pue_log_set_sink(enum pue_log_sink sink)
{
	log_sink = sink;
}

void
pue_log_set_level(int max_priority)
{
	log_level = max_priority;
}

int
pue_log_get_level(void)
{
	return log_level;
}

static void
vlog(int priority, const char *fmt, va_list ap, int errnum)
{
	char msg[1024], line[1200];
	struct timespec ts;
	struct tm tm;
	int n;

	if (priority > log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (errnum != 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));

	switch (log_sink) {
	case PUE_LOG_SYSLOG:
		syslog(priority, "%s", msg);
		return;
	case PUE_LOG_JOURNAL:
		n = snprintf(line, sizeof(line), "<%d>%s\n", priority, msg);
		break;
	case PUE_LOG_STDERR:
	default:
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: %s\n",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			     tm.tm_sec, ts.tv_nsec / 1000000, level_names[priority & 7], msg);
		break;
	}
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	/* One write per line, so lines from worker threads never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}

void
pue_log(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, fmt, ap, 0);
	va_end(ap);
}

void
pue_log_errno(int priority, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, fmt, ap, errnum);
	va_end(ap);
}

void
pue_log_close(void)
{
	if (log_sink == PUE_LOG_SYSLOG)
		closelog();
}
